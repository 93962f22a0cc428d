"""workload-selector-mismatch: an absent selector (old API versions) is not a mismatch."""

from __future__ import annotations

from helpers import binding_positions


def test_absent_workload_selector_is_not_a_mismatch() -> None:
    legacy = """\
apiVersion: extensions/v1beta1
kind: Deployment
metadata:
  name: legacy
spec:
  template:
    metadata:
      labels: {app: legacy}
    spec:
      containers:
        - name: legacy
          image: example/legacy:1.0
"""
    assert binding_positions(legacy) == []

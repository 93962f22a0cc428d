"""volume-mount-undefined: patch fragments (no selector) are not whole objects."""

from __future__ import annotations

from textwrap import dedent

from helpers import rule_findings


def test_volume_mount_undefined_ignores_patch_fragments() -> None:
    fragment = dedent(
        """\
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: repo-server}
    spec:
      template:
        spec:
          containers:
            - name: plugin
              image: example/plugin:1
              volumeMounts: [{name: var-files, mountPath: /var/run/argocd}]
    """
    )
    assert rule_findings("volume-mount-undefined", fragment) == []
    # The same object with a selector is a whole object, and is rejected.
    whole = fragment.replace("  template:\n", "  selector: {matchLabels: {a: b}}\n  template:\n")
    assert len(rule_findings("volume-mount-undefined", whole)) == 1

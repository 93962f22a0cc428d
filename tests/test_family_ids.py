"""Family ids (catalog revision 3, "Family ids"): the suppression family is `suppression`;
the old id `policy` still works in configuration and flags, with a deprecation note."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import run_kslint, write_repo

HOSTPATH_WITH_STALE_COMMENT = """\
apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
    - name: c
      image: busybox
  # kslint: disable=pvc-not-found
  volumes: []
"""


def test_unused_suppression_is_in_the_suppression_family(tmp_path: Path) -> None:
    result = run_kslint("rules", "--format", "json", cwd=tmp_path)
    assert result.returncode == 0
    rows = {row["id"]: row for row in json.loads(result.stdout)}
    assert rows["unused-suppression"]["family"] == "suppression"


def test_the_old_family_id_policy_still_works_with_a_note(tmp_path: Path) -> None:
    write_repo(
        tmp_path,
        {".kslint.yaml": "severity:\n  policy: off\n", "p.yaml": HOSTPATH_WITH_STALE_COMMENT},
    )
    result = run_kslint("lint", "p.yaml", "--format", "json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert '"unused-suppression"' not in result.stdout
    assert (
        ".kslint.yaml:2:3: the family 'policy' is now called 'suppression'; "
        "the old id still works but is deprecated"
    ) in result.stderr
    result = run_kslint("lint", "p.yaml", "--no-config", "--ignore", "policy", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    result = run_kslint("lint", "p.yaml", "--no-config", cwd=tmp_path)
    assert "info[unused-suppression]" in result.stdout

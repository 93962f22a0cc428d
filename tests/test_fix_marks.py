"""Text and JSON reports mark the findings ``kslint fix`` fixes (as ruff does): ``[*]``
before the severity and a closing count in text; ``fixable`` and ``autofix`` (with the
edits ``kslint fix`` makes) in JSON. Warm runs (the content cache) say the same."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import run_kslint, write_files
from test_fix_cli import APP, APP_FIXED, CLASS, CLASS_FIXED

from kslint.fix.edits import SourceText

SHARED = """\
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: shared
spec:
  accessModes: [ReadWriteOnce]
  storageClassName: standard
  resources:
    requests:
      storage: 1Gi
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  strategy: {type: Recreate}
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers: [{name: web, image: nginx}]
      volumes:
        - name: data
          persistentVolumeClaim: {claimName: shared}
"""


def _project(tmp_path: Path) -> Path:
    return write_files(tmp_path, {"app.yaml": APP, "class.yaml": CLASS, "shared.yaml": SHARED})


def _head(text: str, rule: str) -> str:
    """The first line of the finding of ``rule``."""
    return next(line for line in text.splitlines() if f"[{rule}] " in line)


def _apply(text: str, edits: list[dict]) -> str:
    """Apply JSON report edits (1-based lines and code-point columns, end exclusive)."""
    source = SourceText(text)
    spans = [
        (
            source.offset(edit["line"], edit["column"]),
            source.offset(edit["end_line"], edit["end_column"]),
            edit["content"],
        )
        for edit in edits
    ]
    for start, end, content in sorted(spans, reverse=True):
        text = text[:start] + content + text[end:]
    return text


def test_text_marks_the_findings_kslint_fix_fixes(tmp_path: Path) -> None:
    _project(tmp_path)
    result = run_kslint("lint", "--no-cache", ".", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert _head(result.stdout, "deployment-rwo-rolling-update").startswith(
        "app.yaml:16:1: [*] warning[deployment-rwo-rolling-update] Deployment default/app "
    )
    # An unsafe fix only: no marker (as in ruff), but counted below.
    assert _head(result.stdout, "storageclass-missing-reclaim-policy").startswith(
        "class.yaml:5:1: warning[storageclass-missing-reclaim-policy] "
    )
    # A rule without a fix: no marker.
    assert _head(result.stdout, "deployment-shared-rwo-pvc").startswith(
        "shared.yaml:28:46: error[deployment-shared-rwo-pvc] "
    )
    assert result.stdout.count("[*]") == 2  # the finding and the closing line
    lines = result.stdout.splitlines()
    summary = next(i for i, line in enumerate(lines) if line.startswith("1 error, "))
    assert lines[summary + 1] == "[*] 1 fixable with `kslint fix` (1 more with `--unsafe-fixes`)."


def test_json_carries_the_fix_kslint_fix_makes(tmp_path: Path) -> None:
    _project(tmp_path)
    result = run_kslint("lint", "--no-cache", "--format", "json", ".", cwd=tmp_path)
    report = json.loads(result.stdout)
    by_rule = {finding["rule"]: finding for finding in report["findings"]}
    assert report["summary"]["fixable"] == {"safe": 1, "unsafe": 1}

    rolling = by_rule["deployment-rwo-rolling-update"]
    assert rolling["fixable"] is True
    autofix = rolling["autofix"]
    assert (autofix["applicability"], autofix["command"]) == ("safe", "kslint fix")
    assert autofix["message"].startswith("Set `strategy.rollingUpdate` to `maxSurge: 0`")
    assert autofix["edits"] == [
        {
            "file": "app.yaml",
            "line": 17,
            "column": 22,
            "end_line": 17,
            "end_column": 22,
            "content": "\n  strategy:\n    rollingUpdate:\n      maxSurge: 0\n      maxUnavailable: 1",
        }
    ]
    assert _apply(APP, autofix["edits"]) == APP_FIXED  # what kslint fix writes

    reclaim = by_rule["storageclass-missing-reclaim-policy"]
    assert reclaim["fixable"] is True
    assert reclaim["autofix"]["applicability"] == "unsafe"
    assert reclaim["autofix"]["command"] == "kslint fix --unsafe-fixes"
    assert _apply(CLASS, reclaim["autofix"]["edits"]) == CLASS_FIXED

    shared = by_rule["deployment-shared-rwo-pvc"]
    assert (shared["fixable"], shared["autofix"]) == (False, None)
    assert "autofix_refused" not in shared  # its rule has no fix at all


def test_json_says_why_a_fix_does_not_apply(tmp_path: Path) -> None:
    write_files(tmp_path, {"app.yaml": APP})
    result = run_kslint("lint", "--format", "json", "-", cwd=tmp_path, stdin=APP)
    [finding] = json.loads(result.stdout)["findings"]
    assert (finding["fixable"], finding["autofix"]) == (False, None)
    assert finding["autofix_refused"] == (
        "standard input is never written (run kslint fix on the file)"
    )
    text = run_kslint("lint", "-", cwd=tmp_path, stdin=APP).stdout
    assert "[*]" not in text
    assert "fixable" not in text


def test_a_warm_run_marks_the_same_findings(tmp_path: Path) -> None:
    root = _project(tmp_path / "project")
    (root / ".git").mkdir()
    for format in ("text", "json"):
        cold = run_kslint("lint", "--no-cache", "--format", format, ".", cwd=root).stdout
        first = run_kslint("lint", "--format", format, ".", cwd=root).stdout
        entries = _entries(root)
        warm = run_kslint("lint", "--format", format, ".", cwd=root).stdout
        assert cold == first == warm
        assert "[*] 1 fixable with `kslint fix`" in warm or '"safe": 1' in warm
        assert _entries(root) == entries  # read, not rewritten: the run was warm


def _entries(root: Path) -> dict[Path, int]:
    cache = root / ".kslint_cache"
    return {
        p: p.stat().st_mtime_ns
        for p in cache.rglob("*")
        if p.is_file() and p.parent.name != cache.name
    }

"""Start-up: a run imports only what it needs (issue 18: one small file in <= 0.2 s).

Import lists, never timings: ``python -X importtime`` names every module a process loads.
"""

from __future__ import annotations

from pathlib import Path

from helpers import run_kslint

SMALL = """\
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data}
spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
"""


def _imported(tmp_path: Path, *args: str) -> set[str]:
    (tmp_path / "small.yaml").write_text(SMALL)
    result = run_kslint(
        "lint", "small.yaml", *args, cwd=tmp_path, env={"PYTHONPROFILEIMPORTTIME": "1"}
    )
    assert result.returncode in (0, 1), result.stderr
    return {
        line.rsplit("|", 1)[1].strip()
        for line in result.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }


def test_a_lint_run_does_not_import_pydantic(tmp_path: Path) -> None:
    # typer 0.29 builds a pydantic TypeAdapter per CLI parameter (~0.12 s per run).
    modules = _imported(tmp_path)
    assert "kslint.pipeline" in modules  # the listing is real
    assert not {m for m in modules if m.split(".")[0] in {"pydantic", "pydantic_core"}}

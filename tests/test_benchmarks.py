"""The benchmark scripts still run against the code they measure (their timings are
printed, never asserted: speed is measured with them, not in tests)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.skipif(
    shutil.which("kustomize") is None and shutil.which("kubectl") is None,
    reason="needs kustomize or kubectl (kubectl kustomize)",
)
def test_the_overlays_benchmark_runs_on_a_small_tree() -> None:
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "overlays.py"),
            "--overlays",
            "2",
            "--repeat",
            "1",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    # 2 overlays of a 5-object base (4 manifests and a generated ConfigMap)
    assert lines[0].startswith("tree: 1 base + 2 overlays, 10 rendered objects, ")
    assert [line.split(":")[0] for line in lines[1:]] == [
        "lint tree (subprocess, kustomize included)",
        "kslint's own work on the renders",
        "same objects as plain files",
        "ratio",
        "added per overlay (at 1.2x at most)",
        "the same in CPU time of this process",
    ]

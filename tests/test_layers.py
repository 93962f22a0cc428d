"""The layers contract (``[tool.importlinter]`` in pyproject.toml): no stage imports a later
one and sibling modules import each other in no cycle. Checked by the real ``lint-imports``."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _lint_imports() -> list[str]:
    found = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    return [found] if found else [sys.executable, "-m", "importlinter.cli"]


def test_the_layers_contract_is_kept() -> None:
    result = subprocess.run(
        [*_lint_imports(), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 kept, 0 broken" in result.stdout


def test_every_module_of_the_package_is_in_a_layer() -> None:
    """``exhaustive = true`` makes lint-imports fail on a module no layer names; this keeps
    the contract itself from being loosened by accident."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert "exhaustive = true" in text and 'type = "acyclic_siblings"' in text

"""The real renderers the graph output is checked with: Graphviz ``dot`` and Mermaid's own
parser (``tests/mermaid``: mermaid with jsdom under node, installed by ``.ci/run``).

Where a tool is missing its tests skip, unless ``KSLINT_REQUIRE_RENDERERS=1`` (set by
``.ci/run``, which installs both): there a missing tool is a failure, so CI cannot pass by
skipping them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

MERMAID_DIR = Path(__file__).parent / "mermaid"
SEPARATOR = "%% ---\n"


def _missing(what: str) -> None:
    if os.environ.get("KSLINT_REQUIRE_RENDERERS") == "1":
        pytest.fail(f"{what} is required here (KSLINT_REQUIRE_RENDERERS=1)")
    pytest.skip(f"{what} is not installed")


def dot_svg(source: str) -> str:
    """``dot -Tsvg`` of ``source``; fails the test on any error or warning."""
    if shutil.which("dot") is None:
        _missing("Graphviz dot")
    done = subprocess.run(
        ["dot", "-Tsvg"], input=source, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == "", done.stderr
    return done.stdout


def mermaid_parse(*diagrams: str) -> list[str]:
    """Mermaid's verdict on each diagram: ``ok flowchart-v2`` or ``error <message>``."""
    if shutil.which("node") is None:
        _missing("node")
    if not (MERMAID_DIR / "node_modules" / "mermaid").is_dir():
        _missing("tests/mermaid/node_modules (npm ci --prefix tests/mermaid)")
    done = subprocess.run(
        ["node", str(MERMAID_DIR / "parse.mjs")],
        input=SEPARATOR.join(diagrams),
        capture_output=True,
        text=True,
        timeout=300,
    )
    verdicts = done.stdout.splitlines()
    assert len(verdicts) == len(diagrams), done.stderr
    return verdicts

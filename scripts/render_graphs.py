"""Regenerate the committed graph pictures and the graph tests' expected output.

    python scripts/render_graphs.py            # docs/images/examples-graph.dot and .svg
    python scripts/render_graphs.py --fixtures # also tests/fixtures/graph-expected/*

The README shows ``docs/images/examples-graph.svg``: the storage graph of ``examples/``
drawn by ``kslint graph examples/ --format dot`` and Graphviz's ``dot``. A test checks that
the committed DOT source is current; the SVG is not compared, since it varies with the
Graphviz version. Run from anywhere: paths are taken relative to the repository root.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOT_FILE = ROOT / "docs" / "images" / "examples-graph.dot"
SVG_FILE = DOT_FILE.with_suffix(".svg")
FIXTURE = ROOT / "tests" / "fixtures" / "graph"
EXPECTED = ROOT / "tests" / "fixtures" / "graph-expected"
# Expected file -> the ``kslint graph`` arguments that produce it, run in FIXTURE.
FIXTURE_OUTPUTS = {
    "graph.mmd": ["--format", "mermaid"],
    "graph.dot": ["--format", "dot"],
    "graph.json": ["--format", "json"],
    "only-findings.mmd": ["--format", "mermaid", "--only-findings"],
}


def kslint_graph(*args: str, cwd: Path) -> str:
    """``kslint graph --no-config ARGS`` in ``cwd`` (its standard output)."""
    done = subprocess.run(
        [sys.executable, "-m", "kslint", "graph", "--no-config", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    if done.returncode != 0:
        sys.exit(f"kslint graph {' '.join(args)} failed: {done.stderr}")
    return done.stdout


def examples_dot() -> str:
    return kslint_graph("examples", "--format", "dot", cwd=ROOT)


def write_examples() -> None:
    source = examples_dot()
    DOT_FILE.parent.mkdir(parents=True, exist_ok=True)
    DOT_FILE.write_text(source, encoding="utf-8")
    if shutil.which("dot") is None:
        sys.exit(f"wrote {DOT_FILE}; Graphviz dot is not installed, so the SVG is unchanged")
    subprocess.run(["dot", "-Tsvg", "-o", str(SVG_FILE)], input=source, text=True, check=True)
    print(f"wrote {DOT_FILE.relative_to(ROOT)} and {SVG_FILE.relative_to(ROOT)}")


def write_fixtures() -> None:
    EXPECTED.mkdir(parents=True, exist_ok=True)
    for name, args in FIXTURE_OUTPUTS.items():
        (EXPECTED / name).write_text(kslint_graph(".", *args, cwd=FIXTURE), encoding="utf-8")
        print(f"wrote {(EXPECTED / name).relative_to(ROOT)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--fixtures", action="store_true", help="also rewrite the graph tests' expected output"
    )
    arguments = parser.parse_args()
    write_examples()
    if arguments.fixtures:
        write_fixtures()


if __name__ == "__main__":
    main()

"""The shipped ``examples/`` directory, linted the way a user would (the CLI, as a
subprocess): each ``examples/<rule-id>.yaml`` must make its rule fire at least once in
that file, and nothing may crash. New example files are picked up as they are added."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import run_kslint

from kslint.ruleset import RuleSet

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
EXAMPLE_FILES = sorted(EXAMPLES.glob("*.yaml"))


@pytest.fixture(scope="module")
def report() -> tuple[int, dict]:
    completed = run_kslint("lint", "examples", "--format", "json", cwd=ROOT)
    assert completed.stdout, completed.stderr
    return completed.returncode, json.loads(completed.stdout)


def _fired(document: dict, example: Path) -> set[str]:
    return {
        finding["rule"]
        for finding in document["findings"]
        if (ROOT / finding["file"]).resolve() == example.resolve()
    }


def test_examples_fail_the_run_without_crashing(report: tuple[int, dict]) -> None:
    returncode, document = report
    assert returncode == 1, f"expected exit code 1 (findings), got {returncode}"
    crashes = [f for f in document["findings"] if f["rule"] == "internal-error"]
    assert not crashes, crashes


def test_every_example_file_is_named_after_a_rule() -> None:
    assert EXAMPLE_FILES, "examples/ holds no *.yaml file"
    unknown = [path.name for path in EXAMPLE_FILES if path.stem not in RuleSet.builtin().catalog]
    assert not unknown, f"examples/ files must be named <rule-id>.yaml: {unknown}"


@pytest.mark.parametrize("example", EXAMPLE_FILES, ids=lambda path: path.stem)
def test_example_fires_its_rule(example: Path, report: tuple[int, dict]) -> None:
    _, document = report
    fired = _fired(document, example)
    assert example.stem in fired, (
        f"{example.stem} does not fire in examples/{example.name}; it reports {sorted(fired)}"
    )

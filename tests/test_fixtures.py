"""Scenario fixtures: each folder under ``tests/fixtures`` holds manifests and an
``expected.yaml`` listing every finding (rule, file, line, column, object) kslint must
report there, and nothing else."""

from __future__ import annotations

from pathlib import Path

import pytest
from ruamel.yaml import YAML

from kslint.pipeline import LintOptions, lint

FIXTURES = Path(__file__).parent / "fixtures"
SCENARIOS = sorted(p.parent.name for p in FIXTURES.glob("*/expected.yaml"))


def test_scenarios_are_found() -> None:
    # An empty glob would leave test_scenario with no case, which pytest skips: a moved
    # folder or a renamed expected.yaml must fail instead.
    assert SCENARIOS, f"no scenario (a folder holding expected.yaml) in {FIXTURES}"


def _expected(scenario: Path) -> list[tuple]:
    entries = YAML(typ="safe").load((scenario / "expected.yaml").read_text()) or []
    return sorted((e["file"], e["line"], e["column"], e["rule"], e.get("object")) for e in entries)


@pytest.mark.parametrize("name", SCENARIOS)
def test_scenario(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    scenario = FIXTURES / name
    monkeypatch.chdir(scenario)
    result = lint(LintOptions(paths=["."], exclude=["expected.yaml"]))
    actual = sorted(
        (f.file, f.span.line, f.span.column, f.rule, str(f.obj) if f.obj else None)
        for f in result.findings
    )
    assert actual == _expected(scenario)

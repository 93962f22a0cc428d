"""Shared by the family F rule tests (tests/rules/test_operator_*.py): each test module
lists cases (a manifest written for the project, and the exact findings of its rule in
it), and they are linted in one CLI run (``kslint lint --format json``, a subprocess, as
users run it). Each case is a file in its own folder, so cases never meet as duplicates."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from helpers import lint_json


@dataclass(frozen=True)
class Case:
    """A manifest and where ``rule`` must fire in it: (line, column, severity) each."""

    name: str
    manifest: str
    expected: list[tuple[int, int, str]] = field(default_factory=list)


class Found(dict[str, list[dict[str, Any]]]):
    """The findings of the rule in each case's file, by case name; and every schema
    finding (``unknown-field``, ``schema-violation``) in any case, as ``file:line:col:
    message``: the cases are shaped like the operators' own examples, so each must be a
    valid custom resource for the bundled CRD schemas (schemas/operators/)."""

    schema_problems: list[str]


SCHEMA_RULES = ("unknown-field", "schema-violation")


def lint_cases(root: Path, cases: list[Case], rule: str) -> Found:
    names = [case.name for case in cases]
    assert len(set(names)) == len(names), "case names must be unique"
    for case in cases:
        folder = root / case.name
        folder.mkdir(parents=True)
        (folder / "manifest.yaml").write_text(textwrap.dedent(case.manifest), encoding="utf-8")
    report = lint_json(".", "--select", f"{rule},schema", cwd=root)
    found = Found({name: [] for name in names})
    found.schema_problems = []
    for finding in report["findings"]:
        assert finding["rule"] != "internal-error", finding
        if finding["rule"] == rule:
            found[Path(finding["file"]).parent.name].append(finding)
        elif finding["rule"] in SCHEMA_RULES:
            where = f"{finding['file']}:{finding['line']}:{finding['column']}"
            found.schema_problems.append(f"{where}: {finding['message']}")
    return found


def places(findings: list[dict[str, Any]]) -> list[tuple[int, int, str]]:
    return sorted((f["line"], f["column"], f["severity"]) for f in findings)

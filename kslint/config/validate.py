"""Validating the configuration: against ``schemas/config.schema.json``, then rule and
family names against the run's rule set (rules are added over time, and policies add
more, so the schema cannot list them), then paths.

Every problem is one ``file:line:col: message`` string.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

from kslint.config.find import repository_root
from kslint.config.read import Locator
from kslint.datafiles import data_dir
from kslint.discover import display_path, real_path
from kslint.nodes import dotted
from kslint.registry import RENAMED_FAMILIES
from kslint.ruleset import RuleSet
from kslint.schema_messages import explain
from kslint.suggest import did_you_mean


@cache
def schema() -> dict[str, Any]:
    return json.loads((data_dir("schemas") / "config.schema.json").read_text(encoding="utf-8"))


def sorted_problems(problems: list[str]) -> list[str]:
    def key(problem: str) -> tuple[Any, ...]:
        match = re.match(r"(.*?):(\d+):(\d+): ", problem)
        return (match.group(1), int(match.group(2)), int(match.group(3))) if match else ("", 0, 0)

    unique = list(dict.fromkeys(problems))
    return sorted(unique, key=key)


def schema_problems(value: Any, locator: Locator) -> Iterator[str]:
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator(schema())
    for error in sorted(validator.iter_errors(value), key=lambda e: list(map(str, e.path))):
        for problem in explain(error):
            yield f"{locator.where(problem.path, key=problem.key)}: {problem.message}"


def check_rule_name(name: str, rules: RuleSet, *, with_all: bool = False) -> str | None:
    """Why ``name`` is not a rule ID or family name, or None when it is one (a renamed
    family's old id still counts: ``kslint.config.convert`` notes and maps it)."""
    choices = rules.names(with_all=with_all)
    if name in choices or name in RENAMED_FAMILIES:
        return None
    hint = did_you_mean(name, choices) or " (`kslint rules` lists the rule and family ids)"
    return f"unknown rule or family {name!r}{hint}"


def strings(value: Any) -> Iterator[tuple[int, str]]:
    """The string items of a list (anything else was reported by the schema)."""
    if isinstance(value, list):
        yield from ((i, item) for i, item in enumerate(value) if isinstance(item, str))


def catalog_problems(value: Any, locator: Locator, rules: RuleSet) -> Iterator[str]:
    """Rule IDs and family names checked against the run's rule set."""
    if not isinstance(value, dict):
        return

    def check(
        path: list[Any], name: str, *, key: bool = False, with_all: bool = False
    ) -> Iterator[str]:
        problem = check_rule_name(name, rules, with_all=with_all)
        if problem:
            yield f"{locator.where(path, key=key)}: {dotted(path[:-1])}: {problem}"

    severity = value.get("severity")
    for name in severity if isinstance(severity, dict) else ():
        yield from check(["severity", name], str(name), key=True)
    for field_name in ("select", "ignore"):
        for index, name in strings(value.get(field_name)):
            yield from check([field_name, index], name)
    exemptions = value.get("exemptions")
    for number, exemption in enumerate(exemptions if isinstance(exemptions, list) else ()):
        if isinstance(exemption, dict):
            for index, name in strings(exemption.get("rules")):
                yield from check(["exemptions", number, "rules", index], name, with_all=True)


def path_problems(value: Any, locator: Locator, root: Path) -> Iterator[str]:
    if not isinstance(value, dict):
        return
    project = repository_root(root) or root
    for key in ("context", "policies", "schema_dirs"):
        for index, name in strings(value.get(key)):
            where = f"{locator.where([key, index])}: {key}"
            if "\0" in name or not _exists(root / name):
                yield f"{where}: path {name!r} does not exist"
            elif key == "context" and not _inside(root / name, project):
                # Context is the project's own files: "/" would walk the whole machine.
                yield f"{where}: path {name!r} is outside the project ({display_path(project)})"


def _exists(path: Path) -> bool:
    try:
        return path.exists()
    except (OSError, ValueError):
        return False


def _inside(path: Path, project: Path) -> bool:
    target, top = real_path(path), real_path(project)
    return target == top or target.startswith(top.rstrip(os.sep) + os.sep)

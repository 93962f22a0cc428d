"""The command line on top of the file: each set flag overrides (or adds to) it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from kslint.config.convert import renamed
from kslint.config.settings import LEVELS, OFF, Config, ConfigError, Overrides
from kslint.config.validate import check_rule_name
from kslint.ruleset import RuleSet
from kslint.suggest import did_you_mean


def split_list(values: Iterable[str] | None) -> tuple[str, ...]:
    """Repeatable, comma-separated flag values: ``--select a,b --select c``."""
    return tuple(
        part.strip() for value in values or () for part in value.split(",") if part.strip()
    )


def apply_overrides(config: Config, overrides: Overrides, rules: RuleSet) -> Config:
    """The file's settings with the command line's on top; raises ``ConfigError``."""
    problems = []
    for flag, names in (("--select", overrides.select or ()), ("--ignore", overrides.ignore)):
        for name in names:
            problem = check_rule_name(name, rules)
            if problem:
                problems.append(f"kslint: {flag}: {problem}")
    severity = dict(config.severity)
    for entry in overrides.severity:
        rule_id, _, level = entry.partition("=")
        rule_id, level = rule_id.strip(), level.strip().lower()
        problem = check_rule_name(rule_id, rules)
        if not rule_id or not level:
            problems.append(f"kslint: --severity: expected RULE=LEVEL, got {entry!r}")
        elif problem:
            problems.append(f"kslint: --severity: {problem}")
        elif level not in (*LEVELS, OFF):
            problems.append(
                f"kslint: --severity: {level!r} is not one of error, warning, info, off"
                f"{did_you_mean(level, (*LEVELS, OFF))}"
            )
        else:
            severity[renamed(rule_id)] = level
    if problems:
        raise ConfigError(problems)
    return replace(
        config,
        severity=severity,
        select=config.select if overrides.select is None else tuple(map(renamed, overrides.select)),
        ignore=tuple(dict.fromkeys((*config.ignore, *map(renamed, overrides.ignore)))),
        fail_on=overrides.fail_on or config.fail_on,
        namespace=overrides.namespace or config.namespace,
        limits=replace(config.limits, **dict(overrides.limits)),
    )

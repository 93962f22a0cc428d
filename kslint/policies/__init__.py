"""Policies: rules written as data, in the format of the built-in ``rules/<id>.yaml``.

A rule document with ``match`` holds its own check: the objects it selects, a JSON Schema
they must satisfy (``assert``) and constraints over the objects the graph's named edges
reach from them (``related``). Built-in data rules and user policies compile the same way;
policies never run code, import anything or reach the network.

- ``load_policies(paths)``: read and compile every policy under ``paths`` (``PolicyError``
  lists each problem as ``file:line:col: message``);
- ``activate(rules)``: make them part of ``kslint.rules.catalog()`` and ``checks()``, so
  config, suppressions, baselines, ``kslint rules`` and every report treat them like
  built-ins;
- ``kslint.policies.testing``: ``kslint policy test``, which runs each rule's examples;
- ``kslint.policies.plugins``: Python rules from the ``kslint.rules`` entry point group.

See docs/policies.md for the format.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from kslint.policies.load import LoadedRule, PolicyError, load_rule_documents
from kslint.rules import Check, RuleMeta, use_rules

__all__ = [
    "LoadedRule",
    "PolicyError",
    "activate",
    "builtin_check",
    "load_and_activate",
    "load_policies",
]


def load_policies(paths: Iterable[str | Path]) -> list[LoadedRule]:
    """Every policy under ``paths`` (directories are searched for *.yaml / *.yml)."""
    return load_rule_documents(paths)


def activate(rules: Iterable[LoadedRule], extra: Iterable[tuple[RuleMeta, Check]] = ()) -> None:
    """Use these policies (and plugin rules, ``extra``) for the rest of the process."""
    chosen: list[tuple[RuleMeta, Check | None]] = [
        (rule.meta, rule.policy.to_check() if rule.policy is not None else None) for rule in rules
    ]
    try:
        use_rules([*chosen, *extra])
    except ValueError as exc:
        raise PolicyError([f"kslint: {exc}"]) from None


def load_and_activate(policy_paths: Iterable[str | Path], plugins: Iterable[str] = ()) -> None:
    """What the command line does with ``--policy-dir`` and ``--plugin``: load, check,
    then use them all. Raises ``PolicyError`` with every problem."""
    from kslint.policies.plugins import load_plugins

    paths, names = list(policy_paths), list(plugins)
    problems: list[str] = []
    rules: list[LoadedRule] = []
    extra: list[tuple[RuleMeta, Check]] = []
    if paths:
        try:
            rules = load_policies(paths)
        except PolicyError as exc:
            problems += exc.problems
    if names:
        try:
            extra = load_plugins(names)
        except PolicyError as exc:
            problems += exc.problems
    if problems:
        raise PolicyError(problems)
    activate(rules, extra)


def builtin_check(meta: RuleMeta) -> Check:
    """The check of a built-in rule whose data file holds ``match`` (a data rule)."""
    from kslint.policies.compile import compile_policy

    source = meta.source.name if meta.source is not None else meta.id
    policy, problems = compile_policy(meta.data, meta, f"rules/{source}", trusted=True)
    if policy is None:
        details = "; ".join(f"{'.'.join(map(str, p.path))}: {p.message}" for p in problems)
        raise ValueError(f"built-in rule {meta.id} does not compile: {details}")
    return policy.to_check()

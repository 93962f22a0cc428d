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
from typing import TYPE_CHECKING, Any

from kslint.rules import Check, RuleMeta, use_rules

if TYPE_CHECKING:
    from kslint.policies.load import LoadedRule, PolicyError

# The loader and compiler import jsonschema; a run that uses no policy and meets none of
# the built-in data rules' kinds never needs them, so they are imported on first use.
_LAZY = ("LoadedRule", "PolicyError", "load_rule_documents")


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from kslint.policies import load

        return getattr(load, name)
    raise AttributeError(name)


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
    from kslint.policies.load import load_rule_documents

    return load_rule_documents(paths)


def activate(rules: Iterable[LoadedRule], extra: Iterable[tuple[RuleMeta, Check]] = ()) -> None:
    """Use these policies (and plugin rules, ``extra``) for the rest of the process."""
    from kslint.policies.load import PolicyError

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
    from kslint.policies.load import PolicyError
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
    """The check of a built-in rule whose data file holds ``match`` (a data rule).

    Compiled on first use: compiling builds jsonschema validators, and a run whose objects
    are of none of the rule's kinds (one small file, say) should not pay for importing it.
    The test suite compiles every built-in rule, so a broken one cannot ship."""
    kinds = (meta.data.get("match") or {}).get("kinds")
    if not kinds:
        return _compile_builtin(meta).to_check()
    compiled: list[Any] = []

    def check(obj: Any, graph: Any) -> Any:
        if not compiled:
            compiled.append(_compile_builtin(meta))
        return compiled[0].check(obj, graph)

    return Check(meta.id, frozenset(kinds), check, raw=True)


def _compile_builtin(meta: RuleMeta) -> Any:
    from kslint.policies.compile import compile_policy

    source = meta.source.name if meta.source is not None else meta.id
    policy, problems = compile_policy(meta.data, meta, f"rules/{source}", trusted=True)
    if policy is None:
        details = "; ".join(f"{'.'.join(map(str, p.path))}: {p.message}" for p in problems)
        raise ValueError(f"built-in rule {meta.id} does not compile: {details}")
    return policy

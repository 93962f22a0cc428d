"""Policies: rules written as data, in the format of the built-in ``rules/<id>.yaml``.

A rule document with ``match`` holds its own check: the objects it selects, a JSON Schema
they must satisfy (``assert``) and constraints over the objects the graph's named edges
reach from them (``related``). Built-in data rules and user policies compile the same way;
policies never run code, import anything or reach the network.

- ``load_policies(paths)``: read and compile every policy under ``paths`` (``PolicyError``
  lists each problem as ``file:line:col: message``);
- ``compile_data_rule(meta)``: the check of a built-in rule whose data file holds ``match``;
- ``kslint.policies.plugins``: Python rules from the ``kslint.rules`` entry point group.

Nothing here changes what other runs see: ``kslint.ruleset.RuleSet`` puts loaded rules
together into the value a run uses. See docs/policies.md for the format.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kslint.registry import Check, RuleMeta, rule_document

if TYPE_CHECKING:
    from kslint.policies.files import LoadedRule, PolicyError

# The loader and compiler import jsonschema; a run that uses no policy and meets none of
# the built-in data rules' kinds never needs them, so they are imported on first use.
_LAZY = ("LoadedRule", "PolicyError", "load_rule_documents")


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from kslint.policies import files

        return getattr(files, name)
    raise AttributeError(name)


__all__ = [
    "LoadedRule",
    "PolicyError",
    "compile_data_rule",
    "load_policies",
    "load_rules",
]


def load_policies(paths: Iterable[str | Path]) -> list[LoadedRule]:
    """Every policy under ``paths`` (directories are searched for *.yaml / *.yml)."""
    from kslint.policies.files import load_rule_documents

    return load_rule_documents(paths)


def load_rules(
    policy_paths: Iterable[str | Path], plugins: Iterable[str] = ()
) -> list[tuple[RuleMeta, Check]]:
    """The rules ``--policy-dir`` / the configuration's ``policies`` and ``--plugin``
    name, each as metadata and check. Raises ``PolicyError`` with every problem."""
    from kslint.policies.files import PolicyError
    from kslint.policies.plugins import load_plugins

    paths, names = list(policy_paths), list(plugins)
    problems: list[str] = []
    rules: list[tuple[RuleMeta, Check]] = []
    if paths:
        try:
            rules += [
                (rule.meta, rule.policy.to_check())
                for rule in load_policies(paths)
                if rule.policy is not None
            ]
        except PolicyError as exc:
            problems += exc.problems
    if names:
        try:
            rules += load_plugins(names)
        except PolicyError as exc:
            problems += exc.problems
    if problems:
        raise PolicyError(problems)
    return rules


def compile_data_rule(meta: RuleMeta) -> Check:
    """The check of a built-in rule whose data file holds ``match`` (a data rule).

    Compiled on first use: compiling builds jsonschema validators, and a run whose objects
    are of none of the rule's kinds (one small file, say) should not pay for importing it.
    The test suite compiles every built-in rule, so a broken one cannot ship."""
    kinds = (meta.data.get("match") or {}).get("kinds")
    if "cases" in meta.data:  # a rule with cases: every case names its kinds
        kinds = [kind for case in meta.data["cases"] for kind in case["match"]["kinds"]]
    if not kinds:
        return _compile(meta).to_check()
    compiled: list[Any] = []

    def check(obj: Any, graph: Any, report: Any) -> Any:
        if not compiled:
            compiled.append(_compile(meta))
        return compiled[0].check(obj, graph)

    return Check(meta.id, frozenset(kinds), check, raw=True)


def _compile(meta: RuleMeta) -> Any:
    from kslint.policies.cases import compile_rule

    source = meta.source.name if meta.source is not None else meta.id
    # The document with positions (the catalog may hold a plain copy of it).
    document = meta.data if meta.source is None else rule_document(meta.source)
    policy, problems = compile_rule(document, meta, f"rules/{source}", trusted=True)
    if policy is None:
        details = "; ".join(f"{'.'.join(map(str, p.path))}: {p.message}" for p in problems)
        raise ValueError(f"built-in rule {meta.id} does not compile: {details}")
    return policy

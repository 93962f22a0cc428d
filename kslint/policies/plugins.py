"""Python rules from installed plugins: the ``kslint.rules`` entry point group.

For logic the policy format cannot express. **A plugin is code: loading one runs it**, with
every right of the user running kslint, so kslint loads only the plugins named with
``--plugin NAME``, never every installed one. Policies in YAML never run code.

A plugin package declares, in its ``pyproject.toml``::

    [project.entry-points."kslint.rules"]
    acme = "acme_kslint:rules"

and ``acme_kslint.rules()`` returns ``PluginRule`` objects: metadata in the common rule
format (a file path, or the same data as a mapping; no ``match``: the check is Python) and
the check, called as ``check(view, graph)`` once per object of ``kinds`` (``view`` is the
typed model from ``kslint.model``; with ``raw=True`` the ``K8sObject`` itself).
"""

from __future__ import annotations

import importlib.metadata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kslint.policies.files import PolicyError, format_problems, read_documents
from kslint.registry import CUSTOM_FAMILY, Check, RuleMeta, parse_meta

GROUP = "kslint.rules"


@dataclass(frozen=True)
class PluginRule:
    meta: Path | dict[str, Any]  # a rule file (the rules/<id>.yaml format), or its data
    kinds: Iterable[str]
    check: Callable[[Any, Any], Iterable[Any]]
    raw: bool = False


def load_plugins(names: Iterable[str]) -> list[tuple[RuleMeta, Check]]:
    """The rules of each named plugin; ``PolicyError`` lists every problem."""
    wanted = list(dict.fromkeys(names))
    if not wanted:
        return []
    available = {ep.name: ep for ep in importlib.metadata.entry_points(group=GROUP)}
    problems: list[str] = []
    loaded: list[tuple[RuleMeta, Check]] = []
    for name in wanted:
        entry = available.get(name)
        if entry is None:
            known = ", ".join(sorted(available)) or "none is installed"
            problems.append(f"kslint: --plugin {name}: no such plugin in {GROUP} ({known})")
            continue
        try:
            provided = entry.load()
            rules = list(provided() if callable(provided) else provided)
        except Exception as exc:
            problems.append(f"kslint: plugin {name} failed to load: {type(exc).__name__}: {exc}")
            continue
        for rule in rules:
            meta, rule_problems = _meta(rule, name)
            problems += rule_problems
            if meta is not None:
                loaded.append((meta, _plugin_check(meta.id, rule)))
    if problems:
        raise PolicyError(problems)
    return loaded


def _plugin_check(rule_id: str, rule: PluginRule) -> Check:
    """A plugin's ``check(view, graph)`` as a kslint check (which also gets a reporter:
    plugins build their findings themselves, so their API stays two arguments)."""
    function = rule.check

    def check(view: Any, graph: Any, report: Any) -> Iterable[Any]:
        return function(view, graph)

    return Check(rule_id, frozenset(rule.kinds), check, rule.raw)


def _meta(rule: Any, plugin: str) -> tuple[RuleMeta | None, list[str]]:
    if not isinstance(rule, PluginRule):
        return None, [f"kslint: plugin {plugin} returned {rule!r}, not a PluginRule"]
    if isinstance(rule.meta, dict):
        data: Any = rule.meta
        shown, source = f"<plugin {plugin}>", None
        from kslint.nodes import Span, YMap

        if not isinstance(data, YMap):  # positions are unknown: report at 1:1
            mapping = YMap(Span(1, 1, 1, 1))
            mapping.update(data)
            data = mapping
    else:
        source = Path(rule.meta)
        shown = str(source)
        documents, problems = read_documents(source, shown)
        if problems or len(documents) != 1:
            return None, problems or [f"{shown}:1:1: a plugin rule file holds one rule"]
        data = documents[0]
    problems = list(format_problems(data, shown))
    if "match" in data or "cases" in data:
        problems.append(
            f"{shown}:1:1: a plugin rule's check is its Python: remove `match` and `cases`"
        )
    if problems:
        return None, problems
    return parse_meta({"family": CUSTOM_FAMILY, **data}, source), []

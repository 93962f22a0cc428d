"""The rule registry: metadata from ``rules/<id>.yaml``, checks from ``kslint.checks``.

A rule's data file holds everything a person reads (summary, why, fix, references,
examples); its Python module holds only the check, registered with ``@rule``.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from kslint.findings import Finding, Severity

# Rules the loader and engine report themselves; they have data files but no check.
RESERVED_RULES = (
    "invalid-yaml",
    "duplicate-key",
    "invalid-object",
    "unrendered-template",
    "internal-error",
    "unused-suppression",  # reported by the policy stage (kslint.policy)
)

FAMILIES = {
    "volumes": "A. Volumes in pod templates",
    "sharing": "B. Sharing claims",
    "statefulset-service": "C. StatefulSet and its governing Service",
    "reclaim": "D. Reclaim and retention",
    "binding": "E. Claims, volumes and classes that must fit together",
    "input": "Input problems",
    "schema": "F. Schemas and API versions",
    "policy": "Suppressions and configuration",
    "custom": "Policies written by your team",
}

CheckFunction = Callable[[Any, Any], Iterable[Finding]]


@dataclass(frozen=True)
class RuleOptions:
    """The documented rule options: the only configuration checks may read. The policy
    layer fills them from the config file and CLI; checks find them at ``graph.options``."""

    # Overrides the built-in stateful image list when set (config ``stateful_images``).
    stateful_images: frozenset[str] | None = None
    # Objects that exist in the cluster, not in the repository (config ``cluster``).
    cluster_storage_classes: frozenset[str] | None = None  # None: inventory not declared
    cluster_claims: frozenset[tuple[str, str]] = frozenset()  # (namespace, name)
    cluster_services: frozenset[tuple[str, str]] = frozenset()  # (namespace, name)


@dataclass(frozen=True)
class Check:
    """A rule's logic: called once per subject object of one of ``kinds``."""

    rule_id: str
    kinds: frozenset[str]
    function: CheckFunction
    # True: ``function`` receives the K8sObject itself rather than its typed view (data
    # rules and policies, which may match kinds kslint does not model).
    raw: bool = False


@dataclass
class Example:
    manifest: str
    description: str = ""
    line: int | None = None  # where a bad example must fire


@dataclass
class RuleMeta:
    id: str
    severity: Severity
    family: str
    summary: str
    why: str
    fix: str
    references: list[dict[str, str]] = field(default_factory=list)
    bad: list[Example] = field(default_factory=list)
    good: list[Example] = field(default_factory=list)
    source: Path | None = None
    # The whole rule document when it holds its own check (``match``): a data rule or a
    # policy, compiled by ``kslint.policies``.
    data: Any = None


_CHECKS: dict[str, Check] = {}


def rule(rule_id: str, kinds: Iterable[str]) -> Callable[[CheckFunction], CheckFunction]:
    """Register ``function(view, graph)`` as the check of ``rule_id`` for ``kinds``."""

    def register(function: CheckFunction) -> CheckFunction:
        if rule_id in _CHECKS:
            raise ValueError(f"rule {rule_id} is registered twice")
        _CHECKS[rule_id] = Check(rule_id, frozenset(kinds), function)
        return function

    return register


@cache
def builtin_checks() -> dict[str, Check]:
    """Every built-in check: each module of ``kslint.checks`` (imported once), and each
    ``rules/<id>.yaml`` that holds its own check (``match``), compiled by kslint.policies."""
    import kslint.checks as package

    for module in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"{package.__name__}.{module.name}")
    found = dict(_CHECKS)
    data_rules = [meta for meta in builtin_catalog().values() if meta.data is not None]
    if data_rules:
        from kslint.policies import builtin_check

        for meta in data_rules:
            if meta.id in found:
                raise ValueError(f"rule {meta.id} has both a Python check and `match`")
            found[meta.id] = builtin_check(meta)
    return dict(sorted(found.items()))


# Policies and plugin rules in use in this process (``use_rules``), by id.
_EXTRA: dict[str, tuple[RuleMeta, Check | None]] = {}


def checks() -> dict[str, Check]:
    """Every check to run: the built-ins, then the policies and plugins in use."""
    if not _EXTRA:
        return builtin_checks()
    extra = {rule_id: check for rule_id, (_, check) in _EXTRA.items() if check is not None}
    return dict(sorted({**builtin_checks(), **extra}.items()))


def use_rules(rules: Iterable[tuple[RuleMeta, Check | None]]) -> None:
    """Make these rules (loaded policies, plugin rules) part of ``catalog()`` and
    ``checks()`` for the rest of the process, replacing any set before. An id that is
    already a built-in rule, or given twice, raises ``ValueError``."""
    chosen: dict[str, tuple[RuleMeta, Check | None]] = {}
    builtin = builtin_catalog()
    for meta, check in rules:
        if meta.id in builtin or meta.id in chosen:
            raise ValueError(f"rule id {meta.id!r} is already in use")
        chosen[meta.id] = (meta, check)
    _EXTRA.clear()
    _EXTRA.update(chosen)


@contextmanager
def rules_in_use(rules: Iterable[tuple[RuleMeta, Check | None]]) -> Iterator[None]:
    """``use_rules`` for the duration of a ``with`` block (tests, library callers)."""
    before = dict(_EXTRA)
    use_rules(rules)
    try:
        yield
    finally:
        _EXTRA.clear()
        _EXTRA.update(before)


def data_dir(name: str) -> Path:
    """``rules`` or ``schemas``: packaged inside the wheel, or beside the source tree."""
    packaged = Path(__file__).parent / "_data" / name
    return packaged if packaged.is_dir() else Path(__file__).parent.parent / name


def _examples(raw: Any) -> list[Example]:
    return [
        Example(
            manifest=item["manifest"],
            description=item.get("description", ""),
            line=item.get("line"),
        )
        for item in raw or []
    ]


def parse_meta(data: dict[str, Any], source: Path | None = None) -> RuleMeta:
    examples = data.get("examples") or {}
    return RuleMeta(
        id=data["id"],
        severity=Severity.parse(data["severity"]),
        family=data["family"],
        summary=data["summary"].strip(),
        why=data["why"].strip(),
        fix=data["fix"].strip(),
        references=list(data.get("references") or []),
        bad=_examples(examples.get("bad")),
        good=_examples(examples.get("good")),
        source=source,
        data=data if "match" in data else None,
    )


def catalog() -> dict[str, RuleMeta]:
    """Metadata of every rule: the built-ins, then the policies and plugins in use."""
    if not _EXTRA:
        return builtin_catalog()
    return {**builtin_catalog(), **{rule_id: meta for rule_id, (meta, _) in _EXTRA.items()}}


@cache
def builtin_catalog() -> dict[str, RuleMeta]:
    """Metadata of every built-in rule, by id, from the ``rules/`` data files."""
    from kslint.load import parse_yaml

    found = {}
    for path in sorted(data_dir("rules").glob("*.yaml")):
        # kslint's own parser: several times faster than a ruamel.yaml loader at start-up.
        documents, problems = parse_yaml(str(path), path.read_bytes())
        if problems or len(documents) != 1:
            reason = problems[0].message if problems else "one document expected"
            raise ValueError(f"{path}: not a valid rule file ({reason})")
        meta = parse_meta(documents[0], path)
        found[meta.id] = meta
    return found


def iter_rule_ids() -> Iterator[str]:
    yield from catalog()

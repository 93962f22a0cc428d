"""The rule registry: metadata from ``rules/<id>.yaml``, checks from ``kslint.checks``.

A rule's data file holds everything a person reads (summary, why, fix, references,
examples); its Python module holds only the check, registered with ``@rule``.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterable, Iterator
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
    "policy": "Suppressions and configuration",
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
def checks() -> dict[str, Check]:
    """Every built-in check, importing each module of ``kslint.checks`` once."""
    import kslint.checks as package

    for module in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"{package.__name__}.{module.name}")
    return dict(sorted(_CHECKS.items()))


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
    )


@cache
def catalog() -> dict[str, RuleMeta]:
    """Metadata of every built-in rule, by id, from the ``rules/`` data files."""
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=False)
    found = {}
    for path in sorted(data_dir("rules").glob("*.yaml")):
        meta = parse_meta(yaml.load(path.read_bytes()), path)
        found[meta.id] = meta
    return found


def iter_rule_ids() -> Iterator[str]:
    yield from catalog()

"""What a rule is: its metadata (from ``rules/<id>.yaml``) and its check.

A rule's data file holds everything a person reads (summary, why, fix, references,
examples); its Python module in ``kslint.checks`` holds only the check, marked with
``@rule``. Nothing here is global state that a run changes: the set of rules a run uses is
a value, ``kslint.ruleset.RuleSet``, built once and passed along.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from kslint.datafiles import data_dir
from kslint.findings import Finding, Related, Severity
from kslint.nodes import Path as NodePath

# Family ids (catalog revision 3, "Family ids") with the titles people read.
FAMILIES = {
    "volumes": "A. Volumes in pod templates",
    "sharing": "B. Sharing claims",
    "statefulset-service": "C. StatefulSets, governing Services and disruption budgets",
    "reclaim": "D. Reclaim and retention",
    "binding": "E. Claims, volumes and classes that must fit together",
    "operators": "F. Databases run by operators",
    "input": "G. Input and integrity",
    "schema": "Schemas and API versions",
    "suppression": "Suppressions",
    "custom": "Policies written by your team",
}
# Family ids that were renamed; configuration still accepts the old id, with a note.
RENAMED_FAMILIES = {"policy": "suppression"}
# The family of a policy or plugin rule that names none.
CUSTOM_FAMILY = "custom"


class Reporter:
    """Makes findings of one rule: a check receives one already bound to its rule id, so
    the id is written once, in ``@rule``."""

    __slots__ = ("rule_id",)

    def __init__(self, rule_id: str) -> None:
        self.rule_id = rule_id

    def __call__(
        self,
        obj: Any,
        message: str,
        path: NodePath = (),
        *,
        key: bool = True,
        related: list[Related] | None = None,
        fix: str | None = None,
        severity: Any = None,
    ) -> Finding:
        """A finding about ``obj`` (a ``K8sObject``) at the node ``path`` points to."""
        return obj.finding(
            self.rule_id, message, path, key=key, related=related, fix=fix, severity=severity
        )


CheckFunction = Callable[[Any, Any, Reporter], Iterable[Finding]]


@dataclass(frozen=True)
class Check:
    """A rule's logic: called once per subject object of one of ``kinds`` as
    ``function(subject, graph, report)``."""

    rule_id: str
    kinds: frozenset[str]
    function: CheckFunction
    # True: ``function`` receives the K8sObject itself rather than its typed view (data
    # rules and policies, which may match kinds kslint does not model).
    raw: bool = False


def rule(rule_id: str, kinds: Iterable[str]) -> Callable[[CheckFunction], CheckFunction]:
    """Mark ``function(view, graph, report)`` as the check of ``rule_id`` for ``kinds``;
    ``kslint.ruleset`` collects the marked functions of ``kslint.checks``."""

    def mark(function: CheckFunction) -> CheckFunction:
        function.kslint_check = Check(rule_id, frozenset(kinds), function)  # type: ignore[attr-defined]
        return function

    return mark


@dataclass
class Example:
    manifest: str
    description: str = ""
    line: int | None = None  # where a bad example must fire


@dataclass(frozen=True)
class FixMeta:
    """One automatic fix a rule offers (``autofix`` in its data file; ``kslint.fix``
    builds the edits). ``safety``: ``safe`` (applies cleanly to a live cluster and changes
    nothing but the flagged behaviour) or ``unsafe`` (``caution`` says what needs a human)."""

    id: str
    safety: str
    summary: str
    caution: str = ""


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
    autofix: list[FixMeta] = field(default_factory=list)  # in order of preference
    # The whole rule document when it holds its own check (``match``): a data rule or a
    # policy, compiled by ``kslint.policies``.
    data: Any = None


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
        autofix=[
            FixMeta(f["id"], f["safety"], f["summary"].strip(), (f.get("caution") or "").strip())
            for f in data.get("autofix") or []
        ],
        data=data if "match" in data or "cases" in data else None,
    )


@cache
def builtin_catalog() -> dict[str, RuleMeta]:
    """Metadata of every built-in rule, by id, from the ``rules/`` data files."""
    paths = sorted(data_dir("rules").glob("*.yaml"))
    documents = _catalog_documents(paths)
    found = {}
    for path, document in zip(paths, documents, strict=True):
        meta = parse_meta(document, path)
        found[meta.id] = meta
    return found


def rule_document(path: Path) -> Any:
    """A rule file's document, with the position of every node (``kslint.nodes``)."""
    from kslint.yaml_reader import parse_yaml

    # kslint's own parser: several times faster than a ruamel.yaml loader at start-up.
    documents, problems = parse_yaml(str(path), path.read_bytes())
    if problems or len(documents) != 1:
        reason = problems[0].message if problems else "one document expected"
        raise ValueError(f"{path}: not a valid rule file ({reason})")
    return documents[0]


def _catalog_documents(paths: list[Path]) -> list[Any]:
    """The rule files' documents: parsed, or (when the files have not changed since)
    the plain copy kept in kslint's own cache folder (``kslint.cache.own_entry``):
    parsing fifty rule files was a tenth of a cached run's time. Data rules read their
    file again, with positions, when they are compiled (``rule_document``)."""
    from kslint import __version__
    from kslint.cache import own_entry, store_own_entry

    stamp = [__version__]
    for path in paths:
        info = path.stat()
        stamp.append(f"{path}\0{info.st_size}\0{info.st_mtime_ns}")
    kept = own_entry(CATALOG_ENTRY)
    if isinstance(kept, dict) and kept.get("stamp") == stamp:
        documents = kept.get("documents")
        if isinstance(documents, list) and len(documents) == len(paths):
            return documents
    documents = [rule_document(path) for path in paths]
    store_own_entry(CATALOG_ENTRY, {"stamp": stamp, "documents": documents})
    return documents


CATALOG_ENTRY = "catalog.json"

"""A run's result as a cache entry (``kslint.cache``): the key over its inputs and
settings, and the result as plain JSON and back.

The entry holds what reports read: findings (with suppressed and baselined ones), the
counts, the schema summary, which files had text (re-decoded from the same bytes for
excerpts) and the objects' identities in graph order (the JUnit report lists every object).
A result that does not survive the round trip unchanged is not stored.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, fields
from typing import Any

from kslint.api_schemas import SchemaReport
from kslint.cache import build_id, file_digest, tree_digest
from kslint.findings import Finding, ObjectRef, Related, Severity, Suppression
from kslint.nodes import Span
from kslint.objects import SourceFile
from kslint.ruleset import RuleSet

# The pipeline's LintOptions / LintResult and the loader's Source (this module sits below
# the pipeline, so it names them by shape only).
LintOptions = LintResult = Source = Any

RUN = "run"


def run_key(
    options: LintOptions, sources: list[Source], context: list[Source], shape: str
) -> str | None:
    """The run's cache key (``shape``: how the inputs are used, e.g. which files are
    context only); None when a setting cannot be described by value (a plugin's
    Python rules: their code is not part of the inputs)."""
    settings = _settings(options)
    if settings is None:
        return None
    digest = hashlib.sha256(f"{build_id()}\0{settings}\0{shape}\n".encode())
    for group, items in (("target", sources), ("context", context)):
        for source in items:
            digest.update(
                f"{group}\0{source.path}\0{source.chart_template}\0{source.error}\0"
                f"{file_digest(source.data)}\n".encode()
            )
    return digest.hexdigest()


def _settings(options: LintOptions) -> str | None:
    rules = _rules_description(options.rules)
    if rules is None:
        return None
    baseline = options.baseline
    parts = [
        repr(options.config),
        rules,
        "" if baseline is None else f"{baseline.path}\0{sorted(baseline.counts.items())}",
        options.namespace,
        str(options.kubernetes_version),
        repr(options.schema_dirs),
        repr(options.context),
        tree_digest(options.schema_dirs),
        str(options.debug),
    ]
    text = "\0".join(parts)
    return None if " at 0x" in text else text


def _rules_description(rules: RuleSet | None) -> str | None:
    """The rules beyond the built-in ones (policies are data: their metadata and match
    are their whole meaning); None when one is Python code from a plugin."""
    if rules is None:
        return ""
    builtin = RuleSet.builtin()
    extra = [meta for rule_id, meta in rules.catalog.items() if rule_id not in builtin.catalog]
    if any(meta.data is None and meta.id in rules.checks for meta in extra):
        return None
    return repr(sorted((meta.id, repr(meta)) for meta in extra))


# Every field of a Finding, in the order an entry lists them (tests/test_cache.py checks
# that this is all of them: a new field must be stored too).
FINDING_FIELDS = (
    "rule",
    "message",
    "file",
    "span",
    "obj",
    "severity",
    "fix",
    "related",
    "path",
    "kubernetes_versions",
    "origin",
    "scope",
    "units",
)


def _span(span: Span) -> list[int]:
    return [span.line, span.column, span.end_line, span.end_column]


def _finding(finding: Finding) -> list[Any]:
    obj = finding.obj
    return [
        finding.rule,
        finding.message,
        finding.file,
        _span(finding.span),
        None if obj is None else [obj.kind, obj.namespace, obj.name, obj.api_version],
        None if finding.severity is None else int(finding.severity),
        finding.fix,
        [[r.file, _span(r.span), r.message] for r in finding.related],
        list(finding.path),
        list(finding.kubernetes_versions),
        None if finding.origin is None else _finding_ref(finding.origin),
        finding.scope,
        list(finding.units),
    ]


def _unfinding(data: list[Any]) -> Finding:
    rule, message, file, span, obj, severity, fix, related, path, versions = data[:10]
    origin, scope, units = data[10:]
    return Finding(
        rule,
        message,
        file,
        Span(*span),
        None if obj is None else ObjectRef(*obj),
        None if severity is None else Severity(severity),
        fix,
        [Related(r[0], Span(*r[1]), r[2]) for r in related],
        tuple(path),
        tuple(versions),
        None if origin is None else ObjectRef(*origin),
        scope,
        tuple(units),
    )


@dataclass
class CachedObject:
    """What reports read of a graph object: its file and identity."""

    file: SourceFile
    ref: ObjectRef


@dataclass
class CachedGraph:
    objects: list[CachedObject]


def to_entry(result: LintResult, inputs: set[str] | None = None) -> dict[str, Any] | None:
    """``result`` as JSON data, or None if it does not come back identical. ``inputs``:
    the paths of the run's own sources (their text is decoded again from the same bytes);
    the text of any other file (a base a render read) is stored in the entry."""
    schema = result.schema
    inputs = inputs if inputs is not None else {file.path for file in result.files}
    entry = {
        "findings": [_finding(f) for f in result.findings],
        "suppressed": [[_finding(s.finding), s.reason, s.in_source] for s in result.suppressed],
        "baselined": [_finding(f) for f in result.baselined],
        "baseline": None
        if result.baseline is None
        else [result.baseline.path, result.baseline.hidden, result.baseline.gone],
        "schema": None if schema is None else _schema_entry(schema),
        "files": [
            [file.path, bool(file.text), None if file.path in inputs else file.text]
            for file in result.files
        ],
        "counts": [result.documents, result.objects, result.skipped],
        "units": list(getattr(result, "units", [])),
        "objects": []
        if result.graph is None
        else [[obj.file.path, *_finding_ref(obj.ref)] for obj in result.graph.objects],
    }
    try:
        back = [_unfinding(f) for f in entry["findings"]]  # type: ignore[union-attr]
    except (TypeError, ValueError):
        return None
    return entry if back == result.findings else None


def _schema_entry(report: SchemaReport) -> dict[str, Any]:
    """Every field of the schema stage's report (a Counter as its pairs, in order)."""
    entry = {}
    for item in fields(report):
        value = getattr(report, item.name)
        entry[item.name] = list(value.items()) if isinstance(value, Counter) else value
    return entry


def _schema_report(entry: dict[str, Any]) -> SchemaReport:
    values = {}
    for item in fields(SchemaReport):
        value = entry[item.name]
        values[item.name] = (
            Counter(dict(map(tuple, value))) if item.name == "without_schema" else value
        )
    return SchemaReport(**values)


def _finding_ref(ref: ObjectRef) -> list[Any]:
    return [ref.kind, ref.namespace, ref.name, ref.api_version]


def from_entry(
    entry: dict[str, Any], sources: list[Source], rules: RuleSet, texts: Any
) -> dict[str, Any]:
    """The result again, as ``LintResult`` arguments; ``texts(source)`` decodes a
    source's text for excerpts. Raises (KeyError, TypeError, ValueError) on an entry of
    the wrong shape: the caller treats that as a miss."""
    from kslint.baseline import BaselineState

    by_path = {source.path: source for source in sources}
    files = []
    for path, has_text, text in entry["files"]:
        source = by_path.get(path)
        if text is None:
            text = texts(source) if has_text and source else ""
        files.append(SourceFile(path, text))
    file_of = {file.path: file for file in files}
    objects = [
        CachedObject(file_of.get(path) or SourceFile(path), ObjectRef(*ref))
        for path, *ref in entry["objects"]
    ]
    schema = entry["schema"]
    baseline = entry["baseline"]
    documents, object_count, skipped = entry["counts"]
    return dict(
        findings=[_unfinding(f) for f in entry["findings"]],
        files=files,
        documents=documents,
        objects=object_count,
        skipped=skipped,
        graph=CachedGraph(objects),
        suppressed=[Suppression(_unfinding(f), r, s) for f, r, s in entry["suppressed"]],
        baseline=None if baseline is None else BaselineState(*baseline),
        baselined=[_unfinding(f) for f in entry["baselined"]],
        schema=None if schema is None else _schema_report(schema),
        rules=rules,
        units=list(entry["units"]),
    )

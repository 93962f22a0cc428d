"""SARIF 2.1.0: the format GitHub code scanning (and most IDEs and dashboards) read.

One run. ``tool.driver.rules`` holds a descriptor for each rule that has a result, with
the rule's documentation from ``rules/<id>.yaml``. Each result points at the exact region
(1-based lines and columns, the end column exclusive as SARIF wants it), names the object
as a logical location, lists the other objects involved as related locations and carries
``kslint.fingerprint`` as its partial fingerprint, so an alert survives lines moving.

Paths below the working directory are relative to ``%SRCROOT%`` (declared in
``originalUriBaseIds`` as the working directory's ``file://`` URI), which is what GitHub
expects when kslint runs at the repository root. Columns count Unicode code points, as
the loader does, and the run says so in ``columnKind``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

from kslint import __version__
from kslint.findings import Finding, Severity, Suppression
from kslint.fix.offers import PlacedEdit, Plans, command, plans_for
from kslint.nodes import Span
from kslint.pipeline import LintResult
from kslint.registry import RuleMeta
from kslint.report import ReportContext, indented_json, unique_fingerprints

SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
INFORMATION_URI = "https://pypi.org/project/kslint/"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "kslint/v1"
STDIN = "<stdin>"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def _level(severity: Severity | None) -> str:
    return LEVELS[severity or Severity.ERROR]


def _pascal(rule_id: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in rule_id.split("-"))


def _help(meta: RuleMeta) -> dict[str, str]:
    text = [meta.summary, "", meta.why, "", f"Fix: {meta.fix}"]
    markdown = [f"**{meta.summary}**", "", meta.why, "", f"**Fix:** {meta.fix}"]
    if meta.references:
        text += ["", "References:"]
        markdown += ["", "**References**", ""]
        for reference in meta.references:
            title, url = reference.get("title", ""), reference.get("url", "")
            text.append(f"- {title}: {url}" if url else f"- {title}")
            markdown.append(f"- [{title}]({url})" if url else f"- {title}")
    return {"text": "\n".join(text), "markdown": "\n".join(markdown)}


def rule_descriptor(rule_id: str, meta: RuleMeta | None) -> dict[str, Any]:
    """A ``reportingDescriptor``; a rule without a data file gets its id as description."""
    descriptor: dict[str, Any] = {"id": rule_id, "name": _pascal(rule_id)}
    if meta is None:
        descriptor["shortDescription"] = {"text": rule_id}
        return descriptor
    descriptor.update(
        {
            "shortDescription": {"text": meta.summary},
            "fullDescription": {"text": meta.why},
            "help": _help(meta),
            "defaultConfiguration": {"level": _level(meta.severity)},
            "properties": {"tags": ["kubernetes", meta.family]},
        }
    )
    return descriptor


def srcroot_uri(root: Path) -> str:
    uri = root.resolve().as_uri()
    return uri if uri.endswith("/") else uri + "/"


def artifact_location(file: str, root: Path) -> dict[str, Any]:
    """A path relative to ``%SRCROOT%`` when below it, else an absolute ``file://`` URI."""
    if file == STDIN or not file:
        return {"description": {"text": "standard input" if file == STDIN else "unknown"}}
    path = Path(file)
    absolute = path if path.is_absolute() else root / path
    try:
        relative = Path(os.path.relpath(absolute, root))
    except ValueError:  # another drive on Windows
        relative = None
    if relative is None or relative.is_absolute() or relative.parts[:1] == ("..",):
        return {"uri": absolute.resolve().as_uri()}
    return {"uri": quote(relative.as_posix(), safe="/"), "uriBaseId": SRCROOT}


def region(span: Span) -> dict[str, int] | None:
    """The SARIF region of a span, or None when the span has no real position."""
    if span.line < 1:
        return None
    start_column = max(span.column, 1)
    end_line = max(span.end_line, span.line)
    end_column = max(span.end_column, 1)
    if end_line == span.line:
        end_column = max(end_column, start_column)
    return {
        "startLine": span.line,
        "startColumn": start_column,
        "endLine": end_line,
        "endColumn": end_column,
    }


def physical_location(file: str, span: Span, root: Path) -> dict[str, Any]:
    location: dict[str, Any] = {"artifactLocation": artifact_location(file, root)}
    found = region(span)
    if found is not None:
        location["region"] = found
    return location


def _result(
    finding: Finding,
    rule_index: int,
    fingerprint: str,
    root: Path,
    suppression: Suppression | None,
    fixes: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    location: dict[str, Any] = {
        "physicalLocation": physical_location(finding.file, finding.span, root)
    }
    if finding.obj is not None:
        obj = finding.obj
        parts = (
            [obj.kind, obj.name] if obj.namespace is None else [obj.kind, obj.namespace, obj.name]
        )
        location["logicalLocations"] = [
            {"name": obj.name, "fullyQualifiedName": "/".join(parts), "kind": "resource"}
        ]
    result: dict[str, Any] = {
        "ruleId": finding.rule,
        "ruleIndex": rule_index,
        "level": _level(finding.severity),
        "message": {"text": finding.message},
        "locations": [location],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
    }
    if finding.related:
        result["relatedLocations"] = [
            {
                "id": number,
                "physicalLocation": physical_location(related.file, related.span, root),
                "message": {"text": related.message},
            }
            for number, related in enumerate(finding.related, start=1)
        ]
    if suppression is not None:
        # inSource: the manifest itself says so (annotation, comment); external: the
        # configuration's exemptions or a baseline.
        kind = "inSource" if suppression.in_source else "external"
        result["suppressions"] = [
            {"kind": kind, "status": "accepted", "justification": suppression.reason}
        ]
    properties: dict[str, Any] = {}
    if finding.fix:
        properties["fix"] = finding.fix
    if finding.kubernetes_versions:
        properties["kubernetes_versions"] = list(finding.kubernetes_versions)
    if finding.units:  # the deployment units that share the finding
        properties["units"] = list(finding.units)
    if properties:
        result["properties"] = properties
    if fixes:
        result["fixes"] = fixes
    return result


def _fixes(plans: Plans, finding: Finding, root: Path) -> list[dict[str, Any]]:
    """The edits of every fix ``kslint fix`` could make (safe and unsafe), as SARIF
    ``fix`` objects: one ``artifactChange`` per file, each edit a ``replacement``."""
    found = []
    for fix in plans.resolve(finding).fixes:
        edits = plans.edits(fix)
        changes = []
        for path in fix.paths:
            replacements = [
                {"deletedRegion": _edit_region(edit), "insertedContent": {"text": edit.text}}
                for edit in edits
                if edit.path == path
            ]
            location = artifact_location(path, root)
            changes.append({"artifactLocation": location, "replacements": replacements})
        summary = " ".join(fix.meta.summary.split())
        description = f"{summary} ({fix.meta.safety} fix: {command(fix)})"
        found.append({"description": {"text": description}, "artifactChanges": changes})
    return found


def _edit_region(edit: PlacedEdit) -> dict[str, int]:
    return {
        "startLine": edit.start[0],
        "startColumn": edit.start[1],
        "endLine": edit.end[0],
        "endColumn": edit.end[1],
    }


def report(result: LintResult, context: ReportContext, root: Path | None = None) -> dict[str, Any]:
    """The SARIF log as a dict (``render`` serialises it)."""
    root = root or Path.cwd()
    entries: list[tuple[Finding, Suppression | None]] = [(f, None) for f in result.findings]
    if context.show_suppressed:
        suppressed = sorted(result.suppressed, key=lambda item: item.finding.sort_key)
        entries += [(item.finding, item) for item in suppressed]
    metadata = result.rules.catalog
    plans = plans_for(result)
    rule_ids = sorted({finding.rule for finding, _ in entries})
    indexes = {rule_id: index for index, rule_id in enumerate(rule_ids)}
    prints = unique_fingerprints([finding for finding, _ in entries])
    run = {
        "tool": {
            "driver": {
                "name": "kslint",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": INFORMATION_URI,
                "rules": [rule_descriptor(rule_id, metadata.get(rule_id)) for rule_id in rule_ids],
            }
        },
        "originalUriBaseIds": {SRCROOT: {"uri": srcroot_uri(root)}},
        "columnKind": "unicodeCodePoints",
        "results": [
            _result(
                finding,
                indexes[finding.rule],
                fingerprint,
                root,
                suppression,
                _fixes(plans, finding, root) if suppression is None else None,
            )
            for (finding, suppression), fingerprint in zip(entries, prints, strict=True)
        ],
    }
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}


def render(result: LintResult, context: ReportContext) -> str:
    return "".join(chunks(result, context))


def chunks(result: LintResult, context: ReportContext) -> Iterator[str]:
    """The report in pieces (``kslint.report.stream``): what ``json.dumps`` with an
    indent writes, never joined into one string."""
    yield from indented_json(report(result, context))

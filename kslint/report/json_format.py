"""The JSON report: a contract other tools parse. Keys may be added, never removed.

``fix`` is the rule's hint (text). ``fixable`` says whether ``kslint fix`` has an edit
for the finding, and ``autofix`` gives it, as ruff's JSON does: its applicability
(``safe``: ``kslint fix``; ``unsafe``: only with ``--unsafe-fixes``), a message, the
command and the edits (1-based, the end exclusive, columns in code points), or null.
A finding whose rule has fixes that do not apply here says why in ``autofix_refused``."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from kslint.findings import Finding
from kslint.fix.offers import Plans, plans_for
from kslint.pipeline import LintResult
from kslint.report import ReportContext, severity_counts

VERSION = 1


def finding_dict(finding: Finding, plans: Plans | None = None) -> dict[str, Any]:
    obj = finding.obj
    found = {
        "rule": finding.rule,
        "severity": str(finding.severity),
        "message": finding.message,
        "file": finding.file,
        "line": finding.span.line,
        "column": finding.span.column,
        "end_line": finding.span.end_line,
        "end_column": finding.span.end_column,
        "object": None
        if obj is None
        else {
            "apiVersion": obj.api_version,
            "kind": obj.kind,
            "namespace": obj.namespace,
            "name": obj.name,
        },
        "fix": finding.fix,
        "related": [
            {
                "file": related.file,
                "line": related.span.line,
                "column": related.span.column,
                "message": related.message,
            }
            for related in finding.related
        ],
        # The deployment units that share the finding: kustomization directories relative
        # to the project root, charts, ``units:`` directories, or "plain".
        "units": list(finding.units),
    }
    if finding.kubernetes_versions:  # schema findings: the target versions it holds on
        found["kubernetes_versions"] = list(finding.kubernetes_versions)
    if plans is not None:
        found.update(_autofix(finding, plans))
    return found


def _autofix(finding: Finding, plans: Plans) -> dict[str, Any]:
    offer = plans.offer(finding)
    if offer is None:
        reason = plans.refused(finding)
        refused = {} if reason is None else {"autofix_refused": reason}
        return {"fixable": False, "autofix": None, **refused}
    edits = [
        {
            "file": edit.path,
            "line": edit.start[0],
            "column": edit.start[1],
            "end_line": edit.end[0],
            "end_column": edit.end[1],
            "content": edit.text,
        }
        for edit in offer.edits
    ]
    autofix = {
        "applicability": offer.safety,
        "message": offer.message,
        "command": offer.command,
        "edits": edits,
    }
    return {"fixable": True, "autofix": autofix}


def render(result: LintResult, context: ReportContext) -> str:
    return "".join(chunks(result, context))


def chunks(result: LintResult, context: ReportContext) -> Iterator[str]:
    """The report in pieces, one finding at a time (``kslint.report.stream``)."""
    plans = plans_for(result)
    safe, unsafe = plans.fixable()
    document: dict[str, Any] = {
        "version": VERSION,
        "summary": {
            "files": len(result.files),
            "documents": result.documents,
            "objects": result.objects,
            "skipped": result.skipped,
            "findings": severity_counts(result),
            "fixable": {"safe": safe, "unsafe": unsafe},
        },
    }
    if result.schema is not None:  # objects of kinds no bundled, CRD or --schema-dir schema covers
        document["summary"]["schema"] = {
            "kubernetes_version": result.schema.kubernetes_version,
            "kubernetes_versions": result.schema.kubernetes_versions,
            "without_schema_validation": result.schema.unchecked,
            "validated": result.schema.validated,
            "without_schema": sum(result.schema.without_schema.values()),
        }
    yield from _dumped(document, (finding_dict(finding, plans) for finding in result.findings))


def _finding_encoder() -> Any:
    """One encoder for every finding: ``json.dumps`` with options makes a new one per
    call, and so does ``JSONEncoder.encode`` for its C part (made once here, when the C
    accelerator is there, as in CPython; the result is the same text)."""
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:
        return json.JSONEncoder(ensure_ascii=False).encode
    # markers=None: findings are plain data, never circular.
    iterencode = make(
        None, None, json.encoder.c_encode_basestring, None, ": ", ", ", False, False, True
    )
    return lambda value: "".join(iterencode(value, 0))


_ENCODE = _finding_encoder()


def _dumped(document: dict[str, Any], findings: Iterable[dict[str, Any]]) -> Iterator[str]:
    """Indented JSON with one finding per line: as readable (and as easy to diff) as
    indenting every field, and the findings go through the C encoder, which ``indent``
    turns off (a report of thousands of findings took longer to write than a cached
    run took to lint). ``findings`` go after "version" (the second line of ``head``)."""
    head = json.dumps(document, indent=2, ensure_ascii=False)
    opening, version, rest = head.split("\n", 2)
    yield f'{opening}\n{version}\n  "findings": '
    separator = "[\n    "
    for found in findings:
        yield separator + _ENCODE(found)
        separator = ",\n    "
    yield "[]" if separator == "[\n    " else "\n  ]"
    yield f",\n{rest}\n"

"""GitLab Code Quality: the JSON array GitLab shows in the merge request widget and diff.

Each issue has ``description``, ``check_name`` (the rule id), ``fingerprint``
(``kslint.fingerprint``, so GitLab can tell new issues from old ones when lines move),
``severity`` and ``location.path`` with ``location.lines.begin``. Severities map as
common linters map them: info -> ``info``, warning -> ``minor``, error -> ``major``; an
error that means kslint could not check the input at all (``invalid-yaml``,
``internal-error``: the gate is blind there) is ``critical``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

from kslint.findings import Finding, Severity
from kslint.pipeline import LintResult
from kslint.report import ReportContext, indented_json, unique_fingerprints

SEVERITIES = {Severity.INFO: "info", Severity.WARNING: "minor", Severity.ERROR: "major"}
BLIND_SPOTS = frozenset({"invalid-yaml", "internal-error"})


def severity(finding: Finding) -> str:
    level = finding.severity or Severity.ERROR
    if level is Severity.ERROR and finding.rule in BLIND_SPOTS:
        return "critical"
    return SEVERITIES[level]


def _body(finding: Finding) -> str:
    lines = [
        f"- related: `{related.file}:{related.span.line}:{related.span.column}` {related.message}"
        for related in finding.related
    ]
    if finding.fix:
        lines.append(f"- fix: {finding.fix}")
    return "\n".join(lines)


def issue(finding: Finding, fingerprint: str) -> dict[str, Any]:
    span = finding.span
    begin = max(span.line, 1)
    # Lines are inclusive; a node that ends at column 1 ends on the line before.
    end = span.end_line - 1 if span.end_column <= 1 and span.end_line > span.line else span.end_line
    entry: dict[str, Any] = {
        "type": "issue",
        "engine_name": "kslint",
        "check_name": finding.rule,
        "description": finding.message,
        "categories": ["Bug Risk"],
        "fingerprint": fingerprint,
        "severity": severity(finding),
        "location": {
            "path": finding.file.replace(os.sep, "/"),
            "lines": {"begin": begin, "end": max(end, begin)},
        },
    }
    body = _body(finding)
    if body:
        entry["content"] = {"body": body}
    return entry


def render(result: LintResult, context: ReportContext) -> str:
    return "".join(chunks(result, context))


def chunks(result: LintResult, context: ReportContext) -> Iterator[str]:
    """The report in pieces (``kslint.report.stream``)."""
    prints = unique_fingerprints(result.findings)
    issues = [issue(finding, fp) for finding, fp in zip(result.findings, prints, strict=True)]
    yield from indented_json(issues)

"""GitHub Actions workflow commands: one annotation per finding, shown on the pull request.

``::error file=F,line=L,col=C,endLine=L2,endColumn=C2,title=kslint RULE::MESSAGE``, with
``warning`` and ``notice`` for the lower severities. GitHub decodes ``%25``, ``%0D`` and
``%0A`` in the message, and also ``%3A`` and ``%2C`` in property values, so a hostile
message or file name can neither end the command early nor inject another one. The
related objects and the fix follow the message on their own (escaped) lines. Positions
are the SARIF region's (1-based, end column exclusive, columns in code points).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

from kslint.findings import Finding, Severity
from kslint.pipeline import LintResult
from kslint.report import ReportContext
from kslint.report.sarif import region

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
STDIN = "<stdin>"


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(finding: Finding) -> str:
    properties = []
    if finding.file and finding.file != STDIN:
        properties.append(("file", finding.file.replace(os.sep, "/")))
    place = region(finding.span)
    if place is not None:
        properties += [
            ("line", str(place["startLine"])),
            ("col", str(place["startColumn"])),
            ("endLine", str(place["endLine"])),
            ("endColumn", str(place["endColumn"])),
        ]
    properties.append(("title", f"kslint {finding.rule}"))
    lines = [finding.message]
    lines += [
        f"related: {related.file}:{related.span.line}:{related.span.column}: {related.message}"
        for related in finding.related
    ]
    if finding.fix:
        lines.append(f"fix: {finding.fix}")
    command = COMMANDS[finding.severity or Severity.ERROR]
    props = ",".join(f"{name}={escape_property(value)}" for name, value in properties)
    return f"::{command} {props}::{escape_data(chr(10).join(lines))}"


def render(result: LintResult, context: ReportContext) -> str:
    return "".join(chunks(result, context))


def chunks(result: LintResult, context: ReportContext) -> Iterator[str]:
    """The report in pieces, one finding at a time (``kslint.report.stream``)."""
    for finding in result.findings:
        yield annotation(finding) + "\n"

"""Report stage: pure functions from a lint result to text. Adding a format never touches
a rule; each format is one module with a ``render(result, context) -> str``."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from kslint.findings import Severity
from kslint.pipeline import LintResult


@dataclass
class ReportContext:
    """What a format may need besides the findings."""

    fail_on: Severity | None = Severity.WARNING  # None: never fail
    color: bool = False


def severity_counts(result: LintResult) -> dict[str, int]:
    counts = Counter(str(finding.severity) for finding in result.findings)
    return {name: counts.get(name, 0) for name in ("error", "warning", "info")}


def _plural(count: int, word: str) -> str:
    if word == "info":
        return f"{count} info"
    return f"{count} {word}{'' if count == 1 else 's'}"


def summary_line(result: LintResult) -> str:
    counts = severity_counts(result)
    found = ", ".join(_plural(counts[name], name) for name in ("error", "warning", "info"))
    return f"{found} in {_plural(len(result.files), 'file')}, {_plural(result.objects, 'object')}"


def formats() -> dict[str, Callable[[LintResult, ReportContext], str]]:
    from kslint.report import json_format, text

    return {"text": text.render, "json": json_format.render}

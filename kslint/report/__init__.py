"""Report stage: pure functions from a lint result to text. Adding a format never touches
a rule; each format is one module with a ``render(result, context) -> str``, and may have
a ``chunks(result, context)`` that yields the same text in pieces: ``stream`` writes a
report of tens of thousands of findings without holding all of it (and copies of it)."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from kslint.findings import Finding, Severity
from kslint.fingerprint import fingerprint
from kslint.pipeline import LintResult


@dataclass
class ReportContext:
    """What a format may need besides the findings."""

    fail_on: Severity | None = Severity.WARNING  # None: never fail
    color: bool = False
    show_suppressed: bool = False  # include LintResult.suppressed where the format can


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


def gate_failures(result: LintResult, fail_on: Severity | None) -> list[Finding]:
    """The findings that make the gate fail: at or above ``fail_on`` (none if None)."""
    if fail_on is None:
        return []
    return [f for f in result.findings if f.severity is not None and f.severity >= fail_on]


def gate_line(result: LintResult, fail_on: Severity | None) -> str | None:
    """``failed: 3 findings at or above warning: 2 rule-a, 1 rule-b``, or None if it passed."""
    failing = gate_failures(result, fail_on)
    if not failing:
        return None
    by_rule = sorted(Counter(finding.rule for finding in failing).items(), key=_by_count)
    rules = ", ".join(f"{count} {rule}" for rule, count in by_rule)
    return f"failed: {_plural(len(failing), 'finding')} at or above {fail_on}: {rules}"


def _by_count(item: tuple[str, int]) -> tuple[int, str]:
    return (-item[1], item[0])


def unique_fingerprints(findings: list[Finding]) -> list[str]:
    """``kslint.fingerprint`` of each finding; repeats of one identity (two duplicate keys
    in one file, say) get the occurrence number mixed in, so platforms that deduplicate by
    fingerprint keep each. The first occurrence keeps the plain fingerprint."""
    seen: Counter[str] = Counter()
    prints = []
    for finding in findings:
        plain = fingerprint(finding)
        seen[plain] += 1
        if seen[plain] == 1:
            prints.append(plain)
        else:
            digest = hashlib.sha256(f"{plain}#{seen[plain]}".encode()).hexdigest()
            prints.append(digest[: len(plain)])
    return prints


_FORMAT_MODULES = {
    "text": "text",
    "json": "json_format",
    "sarif": "sarif",
    "junit": "junit",
    "github": "github",
    "gitlab": "gitlab",
    "markdown": "markdown",
}


def _renderer(module: str) -> Callable[[LintResult, ReportContext], str]:
    """A format's ``render``, importing its module only when a report is made in it (the
    text format alone pulls in rich)."""

    def render(result: LintResult, context: ReportContext) -> str:
        from importlib import import_module

        return import_module(f"kslint.report.{module}").render(result, context)  # type: ignore[no-any-return]

    return render


def formats() -> dict[str, Callable[[LintResult, ReportContext], str]]:
    return {name: _renderer(module) for name, module in _FORMAT_MODULES.items()}


CHUNK_CHARACTERS = 1 << 16  # what ``stream`` hands the writer at a time, about


def stream(name: str, result: LintResult, context: ReportContext) -> Iterator[str]:
    """The report in format ``name``, in pieces of about ``CHUNK_CHARACTERS`` (joined:
    what ``render`` gives), made as they are asked for. A format without ``chunks``
    comes in one piece."""
    from importlib import import_module

    module = import_module(f"kslint.report.{_FORMAT_MODULES[name]}")
    chunks = getattr(module, "chunks", None)
    if chunks is None:
        yield module.render(result, context)
    else:
        yield from batched(chunks(result, context))


def batched(pieces: Iterable[str], size: int = CHUNK_CHARACTERS) -> Iterator[str]:
    """Small pieces joined into chunks of about ``size`` characters (fewer writes)."""
    held: list[str] = []
    length = 0
    for piece in pieces:
        held.append(piece)
        length += len(piece)
        if length >= size:
            yield "".join(held)
            held.clear()
            length = 0
    if held:
        yield "".join(held)


def indented_json(value: Any) -> Iterator[str]:
    """``json.dumps(value, indent=2, ensure_ascii=False) + "\\n"`` in pieces (the same
    encoder: ``indent`` makes ``dumps`` use the pure-Python one, which yields pieces)."""
    yield from json.JSONEncoder(indent=2, ensure_ascii=False).iterencode(value)
    yield "\n"

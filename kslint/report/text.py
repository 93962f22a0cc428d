"""The human report: ``path:line:col: severity[rule] message``, an excerpt with a caret
under the offending node, related objects, a fix, and a summary line. As in ruff, ``[*]``
before the severity marks a finding ``kslint fix`` fixes, and a closing line counts them
(and those only ``--unsafe-fixes`` fixes)."""

from __future__ import annotations

import io
from collections.abc import Iterator

from rich.console import Console
from rich.text import Text

from kslint.findings import Finding, Severity, Suppression
from kslint.fix.offers import fixable_line, plans_for
from kslint.objects import SourceFile
from kslint.pipeline import LintResult
from kslint.report import ReportContext, gate_line, summary_line
from kslint.units import PLAIN

STYLES = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
MAX_EXCERPT = 160


def _excerpt(finding: Finding, source: SourceFile | None) -> list[Text]:
    if source is None or not 0 < finding.span.line <= len(source.lines):
        return []
    line_number = finding.span.line
    line = source.lines[line_number - 1].replace("\t", " ").rstrip("\r")
    start = max(finding.span.column - 1, 0)
    if finding.span.end_line == line_number and finding.span.end_column > finding.span.column:
        width = finding.span.end_column - finding.span.column
    else:
        width = max(len(line.rstrip()) - start, 1)
    if len(line) > MAX_EXCERPT:
        line, start, width = _cut(line, start, width)
    gutter = f"{line_number:>5} | "
    caret = Text(" " * 5 + " | " + " " * start)
    caret.append("^" * width, style=STYLES.get(finding.severity or Severity.ERROR, ""))
    return [Text(gutter, style="dim") + Text(line), caret]


def _cut(line: str, start: int, width: int) -> tuple[str, int, int]:
    """A long line (minified JSON, a long command) cut to ``MAX_EXCERPT`` characters
    around the column, with ``…`` where text was cut, and the caret moved to match."""
    begin = 0 if start + min(width, 20) <= MAX_EXCERPT else max(start - MAX_EXCERPT // 4, 0)
    end = min(begin + MAX_EXCERPT, len(line))
    shown = ("…" if begin else "") + line[begin:end] + ("…" if end < len(line) else "")
    caret_start = start - begin + (1 if begin else 0)
    width = max(min(width, end - start), 1)
    return shown, caret_start, width


def _finding(finding: Finding, sources: dict[str, SourceFile], fixable: bool = False) -> list[Text]:
    severity = finding.severity or Severity.ERROR
    head = Text(f"{finding.file}:{finding.span.line}:{finding.span.column}: ", style="bold")
    if fixable:
        head.append("[*] ", style="bold green")
    head.append(f"{severity}[{finding.rule}]", style=STYLES[severity])
    head.append(f" {finding.message}")
    if finding.units and finding.units != (PLAIN,):  # one plain unit: nothing to tell apart
        label = "unit" if len(finding.units) == 1 else "units"
        head.append(f" [{label}: {', '.join(finding.units)}]", style="dim")
    lines = [head, *_excerpt(finding, sources.get(finding.file))]
    for related in finding.related:
        lines.append(
            Text(
                f"      = related: {related.file}:{related.span.line}:{related.span.column}: "
                f"{related.message}",
                style="dim",
            )
        )
    if finding.fix:
        lines.append(Text(f"      = fix: {finding.fix}", style="green"))
    return lines


def _suppressed(suppressed: list[Suppression]) -> str:
    """``--show-suppressed``: each hidden finding and why."""
    if not suppressed:
        return "No findings were suppressed.\n"
    lines = [f"Suppressed ({len(suppressed)}):"]
    for finding, reason, _ in sorted(suppressed, key=lambda item: item.finding.sort_key):
        span = finding.span
        lines.append(
            f"{finding.file}:{span.line}:{span.column}: suppressed[{finding.rule}] "
            f"{finding.message}"
        )
        lines.append(f"      = by: {reason}")
    return "\n".join(lines) + "\n"


def render(result: LintResult, context: ReportContext) -> str:
    return "".join(chunks(result, context))


def chunks(result: LintResult, context: ReportContext) -> Iterator[str]:
    """The report in pieces, one finding at a time (``kslint.report.stream``)."""
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        force_terminal=context.color,
        no_color=not context.color,
        color_system="standard" if context.color else None,
        highlight=False,
        soft_wrap=True,
        width=10_000,
        emoji=False,
        markup=False,
    )
    sources = result.sources
    plans = plans_for(result)
    for finding in result.findings:
        offer = plans.offer(finding)
        fixable = offer is not None and offer.safe
        for line in _finding(finding, sources, fixable):
            console.print(line)
        console.print()
        yield _taken(buffer)
    console.print(Text(summary_line(result), style="bold"))
    fixes = fixable_line(*plans.fixable())
    if fixes is not None:
        console.print(Text(fixes))
    gate = gate_line(result, context.fail_on)
    if gate is not None:
        console.print(Text(gate, style="bold red"))
    yield _taken(buffer)
    if context.show_suppressed:
        yield "\n" + _suppressed(result.suppressed)


def _taken(buffer: io.StringIO) -> str:
    """What the console wrote so far, the buffer emptied."""
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text

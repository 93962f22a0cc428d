"""The human report: ``path:line:col: severity[rule] message``, an excerpt with a caret
under the offending node, related objects, a fix, and a summary line. As in ruff, ``[*]``
before the severity marks a finding ``kslint fix`` fixes, and a closing line counts them
(and those only ``--unsafe-fixes`` fixes)."""

from __future__ import annotations

import io
from collections.abc import Iterator

from rich.console import Console
from rich.control import strip_control_codes
from rich.text import Text

from kslint.findings import Finding, Severity, Suppression
from kslint.fix.offers import fixable_line, plans_for
from kslint.objects import SourceFile
from kslint.pipeline import LintResult
from kslint.report import ReportContext, gate_line, summary_line
from kslint.units import PLAIN

STYLES = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
MAX_EXCERPT = 160


# A line of the report: its base style (for the whole line) and its pieces, each with
# its own style. Written with rich when in colour, else as plain text (rich per line was
# most of a warm run's time on a report of thousands of findings).
Line = tuple[str, list[tuple[str, str]]]


def _excerpt(finding: Finding, source: SourceFile | None) -> list[Line]:
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
    caret_style = STYLES.get(finding.severity or Severity.ERROR, "")
    return [
        ("dim", [(gutter, ""), (line, "")]),
        ("", [(" " * 5 + " | " + " " * start, ""), ("^" * width, caret_style)]),
    ]


def _cut(line: str, start: int, width: int) -> tuple[str, int, int]:
    """A long line (minified JSON, a long command) cut to ``MAX_EXCERPT`` characters
    around the column, with ``…`` where text was cut, and the caret moved to match."""
    begin = 0 if start + min(width, 20) <= MAX_EXCERPT else max(start - MAX_EXCERPT // 4, 0)
    end = min(begin + MAX_EXCERPT, len(line))
    shown = ("…" if begin else "") + line[begin:end] + ("…" if end < len(line) else "")
    caret_start = start - begin + (1 if begin else 0)
    width = max(min(width, end - start), 1)
    return shown, caret_start, width


def _finding(finding: Finding, sources: dict[str, SourceFile], fixable: bool = False) -> list[Line]:
    severity = finding.severity or Severity.ERROR
    head = [(f"{finding.file}:{finding.span.line}:{finding.span.column}: ", "")]
    if fixable:
        head.append(("[*] ", "bold green"))
    head.append((f"{severity}[{finding.rule}]", STYLES[severity]))
    head.append((f" {finding.message}", ""))
    if finding.units and finding.units != (PLAIN,):  # one plain unit: nothing to tell apart
        label = "unit" if len(finding.units) == 1 else "units"
        head.append((f" [{label}: {', '.join(finding.units)}]", "dim"))
    lines: list[Line] = [("bold", head), *_excerpt(finding, sources.get(finding.file))]
    for related in finding.related:
        where = f"{related.file}:{related.span.line}:{related.span.column}"
        lines.append(("dim", [(f"      = related: {where}: {related.message}", "")]))
    if finding.fix:
        lines.append(("green", [(f"      = fix: {finding.fix}", "")]))
    return lines


class _Writer:
    """Writes report lines to a buffer: through rich in colour, else as the plain text
    rich would write (control codes it drops dropped; a line with a tab, which rich
    expands by display width, still through rich)."""

    def __init__(self, color: bool) -> None:
        self.buffer = io.StringIO()
        self.color = color
        self.console = Console(
            file=self.buffer,
            force_terminal=color,
            no_color=not color,
            color_system="standard" if color else None,
            highlight=False,
            soft_wrap=True,
            width=10_000,
            emoji=False,
            markup=False,
        )

    def line(self, base: str, pieces: list[tuple[str, str]]) -> None:
        if not self.color:
            plain = "".join(text for text, _ in pieces)
            if "\t" not in plain:
                self.buffer.write(strip_control_codes(plain) + "\n")
                return
        text = Text("", style=base)
        for piece, style in pieces:
            text.append(piece, style=style or None)
        self.console.print(text)

    def taken(self) -> str:
        """What was written so far, the buffer emptied."""
        text = self.buffer.getvalue()
        self.buffer.seek(0)
        self.buffer.truncate()
        return text


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
    out = _Writer(context.color)
    sources = result.sources
    plans = plans_for(result)
    for finding in result.findings:
        offer = plans.offer(finding)
        fixable = offer is not None and offer.safe
        for base, pieces in _finding(finding, sources, fixable):
            out.line(base, pieces)
        out.line("", [])
        yield out.taken()
    out.line("bold", [(summary_line(result), "")])
    fixes = fixable_line(*plans.fixable())
    if fixes is not None:
        out.line("", [(fixes, "")])
    gate = gate_line(result, context.fail_on)
    if gate is not None:
        out.line("bold red", [(gate, "")])
    yield out.taken()
    if context.show_suppressed:
        yield "\n" + _suppressed(result.suppressed)

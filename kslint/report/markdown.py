"""The Markdown report: made for a pull-request comment or a CI job summary
(``$GITHUB_STEP_SUMMARY``; GitLab and GitHub render it, Mermaid included).

In order: a one-line verdict (the gate's), counts by severity and by rule, a Mermaid
graph of the objects that cross-object findings involve, and the findings grouped by
file, each with ``file:line:column``, the other objects involved and the fix. Sections
longer than a few lines are collapsed (``<details>``). The whole report stays under
``LIMIT`` characters (a GitHub comment holds 65,536): past it, findings are left out and
the report says how many.

Everything taken from the manifests (names, messages, paths) is escaped, so a hostile
name can neither break the layout nor inject HTML.
"""

from __future__ import annotations

import html
import re
from collections import Counter, defaultdict

from kslint.findings import Finding, Severity, Suppression
from kslint.pipeline import LintResult
from kslint.report import ReportContext, gate_failures, severity_counts, summary_line
from kslint.report.graph_export import operator_rules, storage_graph
from kslint.report.graph_render import to_mermaid

LIMIT = 60_000  # characters; leaves room under GitHub's 65,536 for a comment's wrapper
OPEN_ITEMS = 5  # a section with more items than this is collapsed
OPEN_GRAPH_NODES = 20  # a bigger graph is collapsed
MAX_GRAPH_NODES = 60  # a bigger picture is unreadable in a comment: say so instead
ICONS = {Severity.ERROR: "🔴", Severity.WARNING: "🟡", Severity.INFO: "🔵"}
_MARKDOWN_SPECIAL = re.compile(r"([\\*_\[\]|~#!])")
_CODE_SPAN = re.compile(r"(`+)(.+?)\1")


def text(value: str) -> str:
    """Inline Markdown for a message or fix: one line; code spans (``clusterIP: None``) kept,
    since nothing inside one is markup; everything else HTML- and Markdown-escaped."""
    flat = " ".join(value.split())
    parts, end = [], 0
    for span in _CODE_SPAN.finditer(flat):
        parts += [_escape(flat[end : span.start()]), span.group(0)]
        end = span.end()
    return "".join([*parts, _escape(flat[end:])])


def _escape(value: str) -> str:
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", html.escape(value, quote=False))
    return escaped.replace("`", "&#96;")  # a lone backtick (a code span's are kept above)


def code(value: str) -> str:
    """An inline code span holding ``value`` exactly, whatever backticks it contains."""
    flat = " ".join(value.split())
    longest = max((len(run) for run in re.findall(r"`+", flat)), default=0)
    fence = "`" * (longest + 1)
    padded = f" {flat} " if flat.startswith("`") or flat.endswith("`") else flat
    return f"{fence}{padded}{fence}"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 or word == 'info' else 's'}"


def verdict(result: LintResult, context: ReportContext) -> str:
    """``❌ **kslint failed**: 3 findings at or above warning (...)`` or a pass."""
    summary = summary_line(result)
    if context.fail_on is None:
        return f"✅ **kslint passed** (the gate is off: `--fail-on never`): {summary}"
    failing = gate_failures(result, context.fail_on)
    if failing:
        found = _plural(len(failing), "finding")
        return f"❌ **kslint failed**: {found} at or above {context.fail_on} ({summary})"
    return f"✅ **kslint passed**: nothing at or above {context.fail_on} ({summary})"


def details(summary: str, body: list[str], *, open_: bool = False) -> list[str]:
    """A collapsible section (``summary`` is HTML)."""
    head = "<details open>" if open_ else "<details>"
    return [head, f"<summary>{summary}</summary>", "", *body, "", "</details>", ""]


def counts(result: LintResult) -> list[str]:
    by_severity = severity_counts(result)
    lines = [
        " · ".join(
            f"{ICONS[severity]} {_plural(by_severity[str(severity)], str(severity))}"
            for severity in (Severity.ERROR, Severity.WARNING, Severity.INFO)
        ),
        "",
    ]
    if not result.findings:
        return lines
    by_rule = Counter((f.rule, f.severity or Severity.ERROR) for f in result.findings)
    table = ["| rule | severity | findings |", "|---|---|---:|"]
    for (rule, severity), count in sorted(by_rule.items(), key=lambda i: (-i[1], i[0][0])):
        table.append(f"| {code(rule)} | {ICONS[severity]} {severity} | {count} |")
    if len(table) - 2 > OPEN_ITEMS * 2:
        return lines + details(f"Findings by rule ({len(table) - 2} rules)", table)
    return [*lines, *table, ""]


def graph_section(result: LintResult) -> list[str]:
    """A Mermaid graph of the objects cross-object findings involve (none: nothing)."""
    if result.graph is None or not result.findings:
        return []
    graph = storage_graph(result.graph, result.findings, custom_rules=operator_rules(result))
    involved = graph.cross_object()
    if not involved.nodes:
        return []
    title = f"Objects involved in cross-object findings ({_plural(len(involved.nodes), 'object')})"
    if len(involved.nodes) > MAX_GRAPH_NODES:
        return [
            f"**{title}**: too many to draw here; `kslint graph --only-findings` draws them.",
            "",
        ]
    block = ["```mermaid", to_mermaid([involved]).rstrip("\n"), "```"]
    if len(involved.nodes) > OPEN_GRAPH_NODES:
        return details(title, block)
    return [f"**{title}**", "", *block, ""]


def finding_lines(finding: Finding) -> list[str]:
    severity = finding.severity or Severity.ERROR
    where = f"{finding.file}:{finding.span.line}:{finding.span.column}"
    lines = [
        f"- {ICONS[severity]} **{severity}** {code(finding.rule)} at {code(where)}: "
        f"{text(finding.message)}"
    ]
    for related in finding.related:
        place = f"{related.file}:{related.span.line}:{related.span.column}"
        lines.append(f"  - related: {code(place)} {text(related.message)}")
    if finding.fix:
        lines.append(f"  - fix: {text(finding.fix)}")
    return lines


def file_section(path: str, findings: list[list[str]]) -> list[str]:
    body = [line for lines in findings for line in lines]
    name = html.escape(path)
    if len(findings) > OPEN_ITEMS:
        return details(f"<code>{name}</code>: {_plural(len(findings), 'finding')}", body)
    return [f"#### {code(path)}", "", *body, ""]


def suppressed_section(suppressed: list[Suppression]) -> list[str]:
    body = [
        f"- {code(s.finding.rule)} at {code(f'{s.finding.file}:{s.finding.span.line}')}: "
        f"{text(s.finding.message)} (by {text(s.reason)})"
        for s in sorted(suppressed, key=lambda item: item.finding.sort_key)
    ]
    return details(f"Suppressed findings ({len(suppressed)})", body or ["None."])


def render(result: LintResult, context: ReportContext, limit: int = LIMIT) -> str:
    head = ["## kslint", "", verdict(result, context), "", *counts(result)]
    head += graph_section(result)
    tail = suppressed_section(result.suppressed) if context.show_suppressed else []
    budget = limit - _size(head) - _size(tail) - 300  # room for the "left out" line
    by_file: defaultdict[str, list[list[str]]] = defaultdict(list)
    left_out = 0
    for finding in result.findings:  # already sorted by file, line, column and rule
        lines = finding_lines(finding)
        if left_out or _size(lines) + 200 > budget:  # 200: a file's section heading
            left_out += 1
            continue
        budget -= _size(lines)
        if finding.file not in by_file:
            budget -= 200
        by_file[finding.file].append(lines)
    body = ["### Findings", ""] if result.findings else []
    for path, findings in by_file.items():
        body += file_section(path, findings)
    if left_out:
        body += [
            f"**{_plural(left_out, 'more finding')} left out** to keep this report under "
            f"{limit:,} characters; the SARIF or JSON report has them all.",
            "",
        ]
    return "\n".join([*head, *body, *tail]).rstrip("\n") + "\n"


def _size(lines: list[str]) -> int:
    return sum(len(line) + 1 for line in lines)

"""Helm: streams rendered by Helm mapped back to chart templates, and charts rendered
with ``helm template`` when helm is available.

Helm writes each document as ``---`` then ``# Source: CHART/templates/FILE`` (or
``CHART/charts/SUB/templates/FILE``, ``CHART/crds/FILE``), CHART being the chart's name.
The first path component is replaced by the chart directory (``--chart-dir``, default the
current directory when it holds a ``Chart.yaml``); when the template exists there, a
finding points at it: at the line of the matching key path in the template text where it
can be found (template actions make an exact mapping impossible in general), else at the
template's first line. The position in the stream is kept as a related location.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path as FsPath

from kslint.discover import Limits, display_path
from kslint.findings import Finding, Related
from kslint.loader import LoadResult, Source, load_source
from kslint.nodes import Path, Span
from kslint.objects import K8sObject, SourceFile
from kslint.render.files import Place
from kslint.render.sourcemap import RenderMap, Setting
from kslint.render.tools import over_budget, run

# Helm's own comment names a file of the chart: CHART/templates/FILE, a subchart's
# CHART/charts/SUB/templates/FILE (subcharts nest), or CHART/crds/FILE. Anything else after
# "# Source:" (a URL saying where an example was copied from) is an ordinary comment: a
# file holding one is a plain file, not a Helm stream.
_SOURCE_PATH = r"[^\s/:]+/(?:charts/[^\s/]+/)*(?:templates|crds)/[^\r\n]*?"
_SOURCE = re.compile(rf"^# Source: ({_SOURCE_PATH})\s*$", re.MULTILINE)
_ITEM = re.compile(r"^(\s*)-(\s+|$)")
_KIND = re.compile(r"^kind:\s*['\"]?([A-Za-z0-9]+)", re.MULTILINE)


def is_helm_stream(text: str) -> bool:
    return _SOURCE.search(text) is not None


@dataclass
class Template:
    """One chart template file, read once."""

    path: FsPath
    shown: str
    text: str

    @cached_property
    def lines(self) -> list[str]:
        return self.text.splitlines()

    def segment(self, kind: str, ordinal: int) -> tuple[int, int]:
        """The line range (0-based, end exclusive) of the ``ordinal``-th document of
        ``kind`` in the template; the whole file when it cannot tell."""
        bounds = [0] + [i + 1 for i, line in enumerate(self.lines) if line.startswith("---")]
        bounds.append(len(self.lines) + 1)
        segments = [
            (bounds[i], min(bounds[i + 1], len(self.lines))) for i in range(len(bounds) - 1)
        ]
        matching = [
            (start, end)
            for start, end in segments
            if any(
                _KIND.match(line) and _KIND.match(line)[1] == kind for line in self.lines[start:end]
            )
        ]
        if ordinal < len(matching):
            return matching[ordinal]
        return (0, len(self.lines))

    def find(self, path: Path, start: int, end: int) -> tuple[int, int, int] | None:
        """(line, column, steps found) of the deepest node of ``path`` found in the
        template text, following indentation; None when not even the first key is."""
        found: tuple[int, int, int] | None = None
        low, high, parent = start, end, -1
        same_line: tuple[int, int] | None = None  # a "- key:" item: (line, content column)
        for depth, step in enumerate(path):
            if isinstance(step, int):
                item = self._item(step, low, high, parent)
                if item is None:
                    break
                line, dash, column = item
                found = (line + 1, column + 1, depth + 1)
                same_line = (line, column)
                low, high = line, self._item_end(line, dash, high)
                parent = column
                continue
            hit = self._key(str(step), low, high, parent, same_line)
            if hit is None:
                break
            line, column = hit
            found = (line + 1, column + 1, depth + 1)
            same_line = None
            low, high, parent = line + 1, self._block_end(line, column, high), column
        return found

    def _key(
        self, key: str, low: int, high: int, parent: int, same_line: tuple[int, int] | None
    ) -> tuple[int, int] | None:
        if same_line is not None:
            line, column = same_line
            content = self.lines[line][column:]
            if content.startswith((f"{key}:", f'"{key}":')):
                return line, column
            low, parent = line + 1, column - 1
        for index in range(low, min(high, len(self.lines))):
            text = self.lines[index]
            stripped = text.lstrip(" ")
            indent = len(text) - len(stripped)
            if indent <= parent or not stripped.startswith((f"{key}:", f'"{key}":')):
                continue
            return index, indent
        return None

    def _item(self, ordinal: int, low: int, high: int, parent: int) -> tuple[int, int, int] | None:
        """(line, dash column, content column), 0-based, of a list's ``ordinal``-th item."""
        items = []
        item_indent = None
        for index in range(low, min(high, len(self.lines))):
            match = _ITEM.match(self.lines[index])
            if match is None or len(match[1]) < parent:
                continue
            indent = len(match[1])
            if item_indent is None:
                item_indent = indent
            if indent == item_indent:
                items.append((index, indent, indent + 1 + len(match[2])))
        return items[ordinal] if ordinal < len(items) else None

    def _item_end(self, line: int, dash: int, high: int) -> int:
        """The first line after a list item that is not part of it."""
        for index in range(line + 1, min(high, len(self.lines))):
            text = self.lines[index]
            stripped = text.strip()
            if not stripped or stripped.startswith(("{{", "#")):
                continue
            if len(text) - len(text.lstrip(" ")) <= dash:
                return index
        return high

    def _block_end(self, line: int, column: int, high: int) -> int:
        """The first line after ``line`` indented at or left of ``column`` (template-only
        and blank lines do not end a block)."""
        for index in range(line + 1, min(high, len(self.lines))):
            text = self.lines[index]
            stripped = text.strip()
            if not stripped or stripped.startswith(("{{", "#")):
                continue
            indent = len(text) - len(text.lstrip(" "))
            if indent < column or (indent == column and not text.lstrip(" ").startswith("-")):
                return index
        return high


@dataclass
class Templates:
    cache: dict[FsPath, Template | None] = field(default_factory=dict)
    files: dict[str, SourceFile] = field(default_factory=dict)  # for reports, suppressions

    def get(self, path: FsPath) -> Template | None:
        if path not in self.cache:
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                self.cache[path] = None
            else:
                self.cache[path] = Template(path, display_path(path), text)
                self.files[display_path(path)] = SourceFile(display_path(path), text)
        return self.cache[path]


class HelmObject:
    """Where the nodes of one object of a Helm stream come from."""

    def __init__(
        self, obj: K8sObject, source: str | None, template: Template | None, ordinal: int
    ) -> None:
        self.obj = obj
        self.source = source
        self.template = template
        self.ordinal = ordinal

    def place(self, path: Path, key: bool) -> Place:
        template = self.template
        if template is None:  # no chart to point into: the stream is the source
            span = self.obj.span(*path, key=key) if path else self.obj.span("kind")
            return Place(self.obj.file.path, span, span)
        start, end = template.segment(self.obj.kind, self.ordinal)
        found = template.find(path or ("kind",), start, end)
        if found is None:
            line = max(start, 0) + 1
            text = template.lines[start] if start < len(template.lines) else ""
            return _point(template.shown, line, 1, len(text) + 1)
        line, column, _ = found
        text = template.lines[line - 1]
        return _point(template.shown, line, column, len(text) + 1)

    def settings(self) -> list[Setting]:
        return []

    def stream(self, span: Span) -> Related | None:
        if self.template is None:
            return None
        return Related(
            self.obj.file.path, span, f"this node in the rendered stream (# Source: {self.source})"
        )


def _point(file: str, line: int, column: int, end: int) -> Place:
    span = Span(line, column, line, max(end, column + 1))
    return Place(file, span, span)


def chart_name(source: str) -> str:
    return source.split("/", 1)[0]


def source_of(obj: K8sObject) -> str | None:
    """The ``# Source:`` comment of the document holding ``obj``."""
    lines = obj.file.lines
    for index in range(obj.body.span.line - 2, -1, -1):
        line = lines[index] if index < len(lines) else ""
        source = _SOURCE.match(line)
        if source is not None:
            return source[1]
        if line.startswith("---"):
            return None
    return None


def stream_map(
    file: SourceFile, objects: list[K8sObject], chart_dir: FsPath | None, templates: Templates
) -> tuple[RenderMap, dict[str, list[K8sObject]]]:
    """The map of one Helm stream, and its objects by top-level chart."""
    by_chart: dict[str, list[K8sObject]] = {}
    maps = []
    ordinals: dict[tuple[str | None, str], int] = {}
    for obj in objects:
        source = source_of(obj)
        chart = chart_name(source) if source else "<no chart>"
        by_chart.setdefault(chart, []).append(obj)
        template = None
        if source is not None and chart_dir is not None:
            rest = source.split("/", 1)[1] if "/" in source else ""
            template = templates.get((chart_dir / rest).resolve()) if rest else None
        key = (source, obj.kind)
        ordinal = ordinals.get(key, 0)
        ordinals[key] = ordinal + 1
        maps.append(HelmObject(obj, source, template, ordinal))
    return RenderMap(file.path, list(maps), None, templates.files), by_chart


def default_chart_dir() -> FsPath | None:
    cwd = FsPath.cwd()
    return cwd if (cwd / "Chart.yaml").is_file() else None


# -- charts in the set -------------------------------------------------------------


def chart_root(template: FsPath) -> FsPath | None:
    """The top-level chart a template file belongs to (a subchart's template belongs to
    its parent)."""
    chart = None
    for parent in template.parents:
        if (parent / "Chart.yaml").is_file():
            chart = parent
            if (
                parent.parent.name != "charts"
                or not (parent.parent.parent / "Chart.yaml").is_file()
            ):
                break
    return chart


def is_library(chart: FsPath) -> bool:
    """A library chart only defines templates for others: never rendered on its own."""
    text = (chart / "Chart.yaml").read_text(encoding="utf-8", errors="replace")
    return re.search(r"^type:\s*['\"]?library", text, re.MULTILINE) is not None


def chart_files(chart: FsPath) -> set[FsPath]:
    return {path.resolve() for path in chart.rglob("*") if path.is_file()}


@dataclass
class ChartRender:
    loaded: LoadResult | None
    failure: str | None
    size: int = 0  # the bytes of output loaded


def helm_template(
    helm: str,
    chart: FsPath,
    release: str | None,
    values: tuple[str, ...],
    settings: tuple[str, ...],
    timeout: float,
    namespace: str,
    limits: Limits | None = None,
    budget: int | None = None,
) -> ChartRender:
    """``helm template`` of one chart, offline, without post-renderers or plugins.
    ``limits``: the run's (None: the defaults); ``budget``: the bytes it may still load."""
    limits = limits or Limits()
    argv = [helm, "template", release or chart.name, str(chart), "--namespace", namespace]
    for name in values:
        argv += ["--values", str(chart / name)]
    for setting in settings:
        argv += ["--set", setting]
    outcome = run(argv, str(chart), timeout, limits.max_file_bytes)
    if not outcome.ok:
        lines = [line.strip() for line in outcome.message.splitlines() if line.strip()]
        message = " ".join(lines).removeprefix("Error: ") or "helm failed without a message"
        return ChartRender(None, message)
    if budget is not None and len(outcome.stdout) > budget:
        return ChartRender(None, over_budget(limits.max_bytes))
    shown = f"<helm template {display_path(chart)}>"
    source = Source(shown, outcome.stdout)
    loaded = load_source(source, namespace, limits.max_documents, limits.max_file_bytes)
    return ChartRender(loaded, None, len(outcome.stdout))


def chart_finding(rule: str, chart: FsPath, message: str) -> Finding:
    return Finding(rule, message, display_path(chart / "Chart.yaml"), Span(1, 1, 1, 1))

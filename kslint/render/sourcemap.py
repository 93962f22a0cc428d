"""The one place that turns a position in rendered output into the source node a person
edits, for findings and related locations alike.

Rules never know an object was rendered: they report positions in the rendered text. After
the engine, ``relocate`` finds the rendered node each position names (by its span), asks
the render's map where that node came from, and rewrites the finding. Values the finding
relied on that came from elsewhere (an overlay patch, a ``replicas:`` field) are added as
related locations, so an overlay-caused finding whose primary location is in the base
still shows the overlay line. A position is never made up: when no source node exists for
a rendered node, its nearest existing ancestor is used, else the object's origin document.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, NamedTuple, Protocol

from kslint.findings import Finding, Related
from kslint.nodes import Path, Span, YMap, YSeq, dotted, walk
from kslint.objects import K8sObject, SourceFile
from kslint.render.files import Place

# A value rules rely on without pointing at it: a finding that speaks of replicas used
# the replica count, wherever it points (the claim, the PVC, the PDB).
REPLICAS = ("spec", "replicas")
_REPLICAS_WORD = re.compile(r"\breplicas\b", re.IGNORECASE)


class Setting(NamedTuple):
    """A rendered value that a patch or field set (``Credit`` in a render-neutral form;
    a tuple: a run makes one per credited value of every object findings point into)."""

    path: Path
    place: Place
    # What to say (a string, or a function that says it: most settings are never shown)
    describe: str | Callable[[], str]
    leaf: bool
    # A node a patch deleted (``path`` is where it was): its merge key value, or key.
    removed: Any = None

    @property
    def message(self) -> str:
        return self.describe if isinstance(self.describe, str) else self.describe()


class ObjectMap(Protocol):
    """Where one rendered object's nodes come from."""

    obj: K8sObject

    def place(self, path: Path, key: bool) -> Place: ...

    def settings(self) -> list[Setting]: ...

    def stream(self, span: Span) -> Related | None: ...


@dataclass
class RenderMap:
    """The map of one rendered file (a kustomize render or a Helm stream)."""

    rendered: str  # the rendered file's path as findings carry it before relocation
    objects: list[ObjectMap]
    # For a position outside every object: the kustomization file; None keeps it as it is
    # (a Helm stream is itself a file the user has).
    fallback: Place | None
    files: dict[str, SourceFile]  # source files relocated positions may point into

    def __post_init__(self) -> None:
        self.objects.sort(key=lambda m: m.obj.body.span.line)
        self._starts = [m.obj.body.span.line for m in self.objects]

    def find(self, span: Span, hint: Path = ()) -> tuple[ObjectMap | None, Path, bool]:
        """The object and node a rendered span belongs to, and whether it is a key.
        ``hint``: the node path the finding gave, tried before a search by span."""
        index = bisect.bisect_right(self._starts, span.line) - 1
        for candidate in self.objects[max(index, 0) : index + 2]:
            body = candidate.obj.body
            if _contains(body.span, span):
                found = _at_path(body, hint, span) if hint else None
                found = found or _node_at(body, span)
                if found is not None:
                    return candidate, found[0], found[1]
                return candidate, (), False
        return None, (), False

    def locate(self, span: Span, hint: Path = ()) -> tuple[str, Span, ObjectMap | None, Path]:
        entry, path, key = self.find(span, hint)
        if entry is None:
            if self.fallback is None:
                return self.rendered, span, None, ()
            return self.fallback.file, self.fallback.span(True), None, ()
        place = entry.place(path, key)
        return place.file, place.span(key), entry, path


def _contains(outer: Span, inner: Span) -> bool:
    return (outer.line, outer.column) <= (inner.line, inner.column) and (
        inner.end_line,
        inner.end_column,
    ) <= (outer.end_line, outer.end_column)


def _at_path(root: YMap, path: Path, span: Span) -> tuple[Path, bool] | None:
    """``path`` when its node's key or value is at ``span`` (a finding's own node path:
    one walk instead of a search of the object)."""
    parent, last = walk(root, path[:-1]), path[-1]
    if isinstance(parent, YMap) and last in parent:
        if parent.key_spans[last] == span:
            return path, True
        return (path, False) if parent.value_spans[last] == span else None
    if isinstance(parent, YSeq) and isinstance(last, int) and 0 <= last < len(parent):
        return (path, False) if parent.item_spans[last] == span else None
    return None


def _node_at(root: Any, span: Span) -> tuple[Path, bool] | None:
    """The path of the node whose key or value span is ``span`` (depth-first, pruned by
    containment)."""
    if getattr(root, "span", None) == span:
        return (), False
    stack: list[tuple[Any, Path]] = [(root, ())]
    while stack:
        node, path = stack.pop()
        if isinstance(node, YMap):
            key_spans, value_spans = node.key_spans, node.value_spans
            for key, value in node.items():
                if key_spans[key] == span:
                    return (*path, key), True
                value_span = value_spans[key]
                if value_span == span:
                    return (*path, key), False
                if isinstance(value, (YMap, YSeq)) and _contains(value_span, span):
                    stack.append((value, (*path, key)))
        elif isinstance(node, YSeq):
            for index, (value, item_span) in enumerate(zip(node, node.item_spans, strict=False)):
                if item_span == span:
                    return (*path, index), False
                if isinstance(value, (YMap, YSeq)) and _contains(item_span, span):
                    stack.append((value, (*path, index)))
    return None


def relocate(findings: Iterable[Finding], maps: dict[str, RenderMap]) -> dict[int, str]:
    """Rewrite findings in rendered files to their source positions (in place).

    Returns, for each finding moved, the rendered file it was reported in (``id`` of the
    finding as key): the object it is about lives there, which suppression annotations
    need to know.
    """
    moved: dict[int, str] = {}
    if not maps:
        return moved
    for finding in findings:
        involved: list[tuple[ObjectMap, Path]] = []
        rendered = finding.file
        extra: list[Related] = []
        render_map = maps.get(rendered)
        if render_map is not None:
            file, span, entry, path = render_map.locate(finding.span, finding.path)
            if entry is not None:
                involved.append((entry, path))
                stream = entry.stream(finding.span)
                if stream is not None:
                    extra.append(stream)
            finding.file, finding.span = file, span
            moved[id(finding)] = rendered
        related = []
        for item in finding.related:
            item_map = maps.get(item.file)
            if item_map is None:
                related.append(item)
                continue
            file, span, entry, path = item_map.locate(item.span)
            if entry is not None:
                involved.append((entry, path))
            related.append(Related(file, span, item.message))
        if involved:
            related += _relied(finding, involved, related)
        related += extra
        finding.related = _unique(related, (finding.file, finding.span))
    return moved


def _relied(
    finding: Finding, involved: list[tuple[ObjectMap, Path]], known: list[Related]
) -> Iterator[Related]:
    """Related locations for values set elsewhere that the finding relied on: those at,
    above or below a node it points at, and the replica count when it speaks of replicas."""
    replicas: bool | None = None  # whether the message speaks of replicas (asked once)
    shown: set[str] | None = None  # the files the finding points into already
    by_entry: dict[ObjectMap, list[Path]] = {}
    for entry, path in involved:
        by_entry.setdefault(entry, []).append(path)
    for entry, paths in by_entry.items():
        deep = [path for path in paths if len(path) >= 2]
        for setting in entry.settings():
            if setting.removed is not None:
                # What a finding says is missing (a mount's volume) may be what a patch
                # deleted: the node it points at names the deleted item, or is the
                # mapping or list it was deleted from (the base there still shows it).
                if setting.path in paths or any(
                    _names(entry, path, setting.removed) for path in paths
                ):
                    yield Related(setting.place.file, setting.place.span(True), setting.message)
                continue
            if not setting.leaf:
                continue
            if _overlaps_any(deep, setting.path):
                if shown is None:
                    shown = {finding.file, *(item.file for item in known)}
                if setting.place.file in shown:
                    # The finding or a related location points into the patch or
                    # kustomization that set it already: the nodes around it there say
                    # nothing new.
                    continue
            else:
                if setting.path != REPLICAS:
                    continue
                if replicas is None:
                    replicas = _REPLICAS_WORD.search(finding.message) is not None
                if not replicas:
                    continue
            if _same_node(setting.place, finding) or any(
                _same_node(setting.place, r) for r in known
            ):
                continue
            yield Related(setting.place.file, setting.place.span(True), setting.message)


def _names(entry: ObjectMap, path: Path, removed: Any) -> bool:
    value = walk(entry.obj.body, path) if path else None
    return isinstance(value, str) and value == str(removed)


def _same_node(place: Place, at: Finding | Related) -> bool:
    """Whether a location already points at this node (at its key or its value)."""
    starts = {(s.line, s.column) for s in (place.key, place.value) if s is not None}
    return at.file == place.file and (at.span.line, at.span.column) in starts


def _overlaps_any(paths: list[Path], other: Path) -> bool:
    """Whether one of ``paths`` is at, above or below ``other``."""
    for path in paths:
        shorter = min(len(path), len(other))
        if path[:shorter] == other[:shorter]:
            return True
    return False


def _unique(related: list[Related], primary: tuple[str, Span]) -> list[Related]:
    seen: set[tuple[str, int, int]] = {(primary[0], primary[1].line, primary[1].column)}
    kept = []
    for item in related:
        key = (item.file, item.span.line, item.span.column)
        if key not in seen:
            seen.add(key)
            kept.append(item)
    return kept


def describe_setting(path: Path, obj: K8sObject, value: Any, what: str) -> str:
    shown = "" if isinstance(value, (dict, list)) else f" to {value}"
    return f"{dotted(path)} of {obj} is set{shown} by {what}"

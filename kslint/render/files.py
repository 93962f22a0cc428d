"""The source files a render's positions point into, each read and parsed once.

Inline patches are YAML inside a kustomization's string; their nodes get the positions of
the kustomization lines they were written on, so a finding points at the patch line a
person edits, not at a place inside a string.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kslint.discover import display_path, real_path
from kslint.nodes import Path as NodePath
from kslint.nodes import Span, YMap, YSeq, span_of
from kslint.objects import SourceFile
from kslint.render.kustomization import Kustomization
from kslint.yaml_reader import parse_yaml


@dataclass(frozen=True)
class Place:
    """A node in a source file: its key's span (None for list items) and its value's."""

    file: str
    key: Span | None
    value: Span

    def span(self, key: bool) -> Span:
        return self.key if key and self.key is not None else self.value


@dataclass
class SourceFiles:
    """Source files by resolved path: their text (for reports and suppression comments)
    and their parsed documents."""

    files: dict[Path, SourceFile] = field(default_factory=dict)
    documents: dict[Path, list[Any] | None] = field(default_factory=dict)
    inline_cache: dict[tuple[Path, NodePath], list[Any]] = field(default_factory=dict)
    _shown: dict[Path, str] = field(default_factory=dict)
    _resolved: dict[Path, Path] = field(default_factory=dict)
    patch_cache: dict[Path, list[Any]] = field(default_factory=dict)  # render.credits.patches
    plans: dict[Path, Any] = field(default_factory=dict)  # render.credits._plan
    _named: dict[Path, dict[tuple[Any, Any], list[YMap]]] = field(default_factory=dict)
    _by_content: dict[bytes, list[Any]] = field(default_factory=dict)
    _places: dict[tuple[Path, int, NodePath], tuple[Any, Place]] = field(default_factory=dict)

    def shown(self, path: Path) -> str:
        shown = self._shown.get(path)
        if shown is None:
            shown = self._shown[path] = display_path(path)
        return shown

    def parsed(self, path: Path) -> tuple[str, list[Any]] | None:
        """The display path and documents of a file (None when it cannot be read)."""
        resolved = self._resolved.get(path)
        if resolved is None:
            resolved = self._resolved[path] = Path(real_path(path))
        path = resolved
        if path not in self.documents:
            try:
                data = path.read_bytes()
            except OSError:
                self.documents[path] = None
                return None
            # Overlays often carry the same patch file: its trees are read, never changed,
            # so files with the same bytes share one parse (their positions are the same).
            documents = self._by_content.get(data)
            if documents is None:
                documents = self._by_content[data] = parse_yaml(str(path), data)[0]
            self.documents[path] = documents
            self.files[path] = SourceFile(self.shown(path), data.decode("utf-8", "replace"))
        documents = self.documents[path]
        return None if documents is None else (self.files[path].path, documents)

    def named(self, path: Path) -> dict[tuple[Any, Any], list[YMap]]:
        """The mapping documents of a parsed file by (kind, metadata.name), built once:
        every object of every render looks its origin document up here."""
        known = self._named.get(path)
        if known is None:
            known = self._named[path] = {}
            parsed = self.parsed(path)
            for document in parsed[1] if parsed else ():
                if isinstance(document, YMap):
                    metadata = document.get("metadata")
                    name = metadata.get("name") if isinstance(metadata, dict) else None
                    key = (document.get("kind"), name)
                    known.setdefault(key, []).append(document)
        return known

    def adopt(self, k: Kustomization) -> SourceFile:
        """Register a kustomization file the reader already parsed (no second parse)."""
        known = self.files.get(k.path)
        if known is None:
            known = self.files[k.path] = SourceFile(self.shown(k.path), k.text)
            self.documents[k.path] = [k.doc]
            self._resolved[k.path] = k.path
        return known

    def place(self, path: Path, root: Any, node: NodePath) -> Place:
        """The place of ``node`` in a document already parsed from ``path`` (worked out
        once: the findings of every overlay of a base point at the base's nodes)."""
        known = self._places.get((path, id(root), node))
        if known is not None and known[0] is root:  # (the same document, not a new one)
            return known[1]
        self.parsed(path)
        key = span_of(root, node, key=True)
        value = span_of(root, node, key=False)
        fallback = getattr(root, "span", Span(1, 1, 1, 1))
        has_key = bool(node) and isinstance(node[-1], str)
        place = Place(self.shown(path), key if has_key else None, value or fallback)
        self._places[(path, id(root), node)] = (root, place)
        return place

    def inline(self, k: Kustomization, at: NodePath, text: str) -> list[Any]:
        """The documents of an inline patch, positioned in the kustomization file."""
        cache_key = (k.path, at)
        if cache_key not in self.inline_cache:
            self.adopt(k)
            documents, _ = parse_yaml(str(k.path), text.encode("utf-8"))
            value = span_of(k.doc, at, key=False)
            if value is not None:
                lines = k.text.splitlines()
                header = (
                    lines[value.line - 1][value.column - 1 :] if value.line <= len(lines) else ""
                )
                if header.startswith(("|", ">")):
                    indent = _indent(lines, value.line)
                    for document in documents:
                        _shift(document, value.line, indent)
                else:  # a quoted or plain scalar: every node is at the string itself
                    for document in documents:
                        _flatten(document, value)
            self.inline_cache[cache_key] = documents
        return self.inline_cache[cache_key]


def _indent(lines: list[str], header_line: int) -> int:
    for line in lines[header_line:]:
        if line.strip():
            return len(line) - len(line.lstrip(" "))
    return 0


def _move(span: Span, lines: int, columns: int) -> Span:
    return Span(
        span.line + lines, span.column + columns, span.end_line + lines, span.end_column + columns
    )


def _shift(node: Any, lines: int, columns: int) -> None:
    """Move every span of a block scalar's content to where its lines are in the file."""
    if isinstance(node, YMap):
        node.span = _move(node.span, lines, columns)
        for key in node:
            node.key_spans[key] = _move(node.key_spans[key], lines, columns)
            node.value_spans[key] = _move(node.value_spans[key], lines, columns)
            _shift(node[key], lines, columns)
    elif isinstance(node, YSeq):
        node.span = _move(node.span, lines, columns)
        node.item_spans[:] = [_move(span, lines, columns) for span in node.item_spans]
        for item in node:
            _shift(item, lines, columns)


def _flatten(node: Any, span: Span) -> None:
    if isinstance(node, YMap):
        node.span = span
        for key in node:
            node.key_spans[key] = node.value_spans[key] = span
            _flatten(node[key], span)
    elif isinstance(node, YSeq):
        node.span = span
        node.item_spans[:] = [span] * len(node)
        for item in node:
            _flatten(item, span)

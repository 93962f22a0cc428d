"""Text edits computed from node positions: never a re-serialisation of the document.

A fix is a list of ``Edit``s (replace the characters ``start:end`` of a file's text with
``text``; an insertion has ``start == end``). ``YamlEditor`` computes them from the spans
the loader keeps on every key and value: it replaces a scalar in place, inserts keys into
a block mapping at the column of its other keys (or into a flow mapping, after its last
entry), removes an entry, and appends a document. Everything outside the edited ranges,
comments, quoting, key order, blank lines, line endings and a byte-order mark included,
stays as it was.

Offsets count Unicode code points of the decoded text, as the loader's columns do. Line
breaks are the ones libyaml counts (``\\r\\n``, ``\\r``, ``\\n``, NEL, LS, PS), so a line and
column from the loader always lands on the character it names.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from itertools import islice
from typing import Any

from kslint.nodes import Span, YMap, YSeq

LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
# A string that YAML reads back as the same string when written without quotes: starts
# with a letter, then letters, digits and a few separators (no ": " or " #").
_PLAIN_SAFE = re.compile(r"[A-Za-z][A-Za-z0-9_./-]*\Z")
# Words some YAML reader (1.1 or 1.2) takes for something other than a string.
_RESERVED = frozenset({"null", "true", "false", "yes", "no", "on", "off", "y", "n", "nan", "inf"})


class NotFixable(Exception):
    """A fix cannot be made here; the message says why (shown to the user)."""


@dataclass(frozen=True, order=True)
class Edit:
    """Replace ``text[start:end]`` with ``text`` (offsets in code points)."""

    start: int
    end: int
    text: str


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """``text`` with every edit applied; edits must not overlap (insertions at one offset
    are applied in the order given)."""
    ordered = sorted(enumerate(edits), key=lambda item: (item[1].start, item[1].end, item[0]))
    parts: list[str] = []
    position = 0
    for _, edit in ordered:
        if edit.start < position:
            raise ValueError(f"overlapping edits at offset {edit.start}")
        parts += [text[position : edit.start], edit.text]
        position = edit.end
    parts.append(text[position:])
    return "".join(parts)


def overlaps(a: Edit, b: Edit) -> bool:
    """Two edits that touch the same characters, or insert at the same place (their
    order would decide the result, so they are not independent)."""
    if a.start == a.end or b.start == b.end:
        return a.start <= b.end and b.start <= a.end
    return a.start < b.end and b.start < a.end


class SourceText:
    """A file's text with its line starts: line/column (1-based) to offset and back."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.line_starts = [0, *(match.end() for match in LINE_BREAK.finditer(text))]
        first = LINE_BREAK.search(text)
        self.newline = first.group() if first is not None else "\n"

    def offset(self, line: int, column: int) -> int:
        if line > len(self.line_starts):  # libyaml's end of a stream without a final break
            return len(self.text)
        return min(self.line_starts[line - 1] + column - 1, len(self.text))

    def range(self, span: Span) -> tuple[int, int]:
        return self.offset(span.line, span.column), self.offset(span.end_line, span.end_column)

    def line_index(self, offset: int) -> int:
        """0-based index of the line holding ``offset``."""
        low, high = 0, len(self.line_starts) - 1
        while low < high:
            middle = (low + high + 1) // 2
            if self.line_starts[middle] <= offset:
                low = middle
            else:
                high = middle - 1
        return low

    def position(self, offset: int) -> tuple[int, int]:
        """1-based line and column of ``offset``."""
        index = self.line_index(offset)
        return index + 1, offset - self.line_starts[index] + 1

    def line_start(self, offset: int) -> int:
        return self.line_starts[self.line_index(offset)]

    def line_end(self, offset: int) -> int:
        """Where the line holding ``offset`` ends: at its line break, or the end of text."""
        found = LINE_BREAK.search(self.text, offset)
        return found.start() if found is not None else len(self.text)

    def next_line_start(self, offset: int) -> int:
        found = LINE_BREAK.search(self.text, offset)
        return found.end() if found is not None else len(self.text)


# ---------------------------------------------------------------------------------------
# Rendering new values


class Literal(str):
    """Text to write as it is (a scalar the caller has already spelled: ``""``)."""


def scalar(value: Any, *, json_style: bool = False) -> str:
    """One scalar as YAML (or JSON) that reads back as ``value``."""
    if isinstance(value, Literal):
        return str(value)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if not json_style and _PLAIN_SAFE.match(text) and text.lower() not in _RESERVED:
        return text
    return json.dumps(text, ensure_ascii=False)


def _quoted(text: str, quote: str) -> str:
    if quote == "'":
        return "'" + text.replace("'", "''") + "'"
    return json.dumps(text, ensure_ascii=False)


def key_text(key: str, *, json_style: bool = False) -> str:
    return scalar(key, json_style=json_style)


def flow(value: Any, *, json_style: bool = False) -> str:
    """A value in flow style: ``{maxSurge: 0, maxUnavailable: 1}``."""
    if isinstance(value, dict):
        inner = ", ".join(
            f"{key_text(k, json_style=json_style)}: {flow(v, json_style=json_style)}"
            for k, v in value.items()
        )
        return f"{{{inner}}}"
    if isinstance(value, list):
        return "[" + ", ".join(flow(item, json_style=json_style) for item in value) + "]"
    return scalar(value, json_style=json_style)


@dataclass(frozen=True)
class BlockStyle:
    """How a file indents: spaces per level, and how far a list's ``-`` sits in from the
    key that holds it (0: ``key:\\n- a``, kubectl's style; else ``key:\\n  - a``)."""

    step: int = 2
    sequence_indent: int = 2


def block_lines(key: str, value: Any, style: BlockStyle) -> list[str]:
    """A mapping entry in block style, one string per line, indented relative to the key
    (column 0)."""
    if isinstance(value, dict) and value:
        lines = [f"{key_text(key)}:"]
        for child_key, child in value.items():
            lines += [" " * style.step + line for line in block_lines(child_key, child, style)]
        return lines
    if isinstance(value, list) and value:
        lines = [f"{key_text(key)}:"]
        pad = " " * style.sequence_indent
        for item in value:
            lines += [pad + line for line in _item_lines(item, style)]
        return lines
    return [f"{key_text(key)}: {flow(value)}"]


def _item_lines(item: Any, style: BlockStyle) -> list[str]:
    if isinstance(item, dict) and item:
        entries = [block_lines(k, v, style) for k, v in item.items()]
        lines = []
        for index, entry in enumerate(entries):
            lead = "- " if index == 0 else "  "
            lines += [lead + entry[0], *("  " + line for line in entry[1:])]
        return lines
    return [f"- {flow(item)}"]


def document_lines(value: dict[str, Any], style: BlockStyle) -> list[str]:
    lines: list[str] = []
    for key, child in value.items():
        lines += block_lines(key, child, style)
    return lines


STYLE_SAMPLE = 400  # mappings read to tell a file's indentation


def detect_style(roots: Iterable[Any], source: SourceText) -> BlockStyle:
    """The indentation a file already uses: the most common step (default 2), and the
    most common list indentation (default: the step), in a sample of its mappings (a
    file of large documents has tens of thousands; a few hundred tell its style)."""
    steps: Counter[int] = Counter()
    sequences: Counter[int] = Counter()
    mappings = (m for root in roots for m in _block_mappings(root, source))
    for mapping in islice(mappings, STYLE_SAMPLE):
        for key, value in mapping.items():
            key_span = mapping.key_spans[key]
            if isinstance(value, YMap) and value and _is_block(value, source):
                # A block mapping's span starts at its first key.
                if value.span.line > key_span.line:
                    steps[value.span.column - key_span.column] += 1
            elif isinstance(value, YSeq) and value and _is_block(value, source):
                dash = _dash_column(value, source)
                if dash is not None and value.item_spans[0].line > key_span.line:
                    sequences[dash - key_span.column] += 1
    positive = [step for step, _ in steps.most_common() if step > 0]
    step = positive[0] if positive else 2
    found = [indent for indent, _ in sequences.most_common() if indent >= 0]
    return BlockStyle(step=step, sequence_indent=found[0] if found else step)


def _block_mappings(root: Any, source: SourceText) -> Iterator[YMap]:
    stack, seen = [root], set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, YMap):
            if _is_block(node, source):
                yield node
            stack += list(node.values())
        elif isinstance(node, YSeq):
            stack += list(node)


def _is_block(node: YMap | YSeq, source: SourceText) -> bool:
    start = source.offset(node.span.line, node.span.column)
    return source.text[start : start + 1] not in ("{", "[")


def _dash_column(sequence: YSeq, source: SourceText) -> int | None:
    start = source.offset(sequence.span.line, sequence.span.column)
    if source.text[start : start + 1] != "-":
        return None
    return sequence.span.column


# ---------------------------------------------------------------------------------------
# Editing mappings


class YamlEditor:
    """Edits to one file's text, computed from the spans of its YMap/YSeq trees."""

    def __init__(self, text: str, roots: Iterable[Any] = (), *, json_file: bool = False) -> None:
        self.source = SourceText(text)
        self.json_file = json_file
        self._roots = list(roots)

    @cached_property
    def style(self) -> BlockStyle:
        """Only an edit that writes new lines needs it (reading a large file's mappings
        costs more than planning its fixes)."""
        return detect_style(self._roots, self.source)

    @property
    def text(self) -> str:
        return self.source.text

    def is_flow(self, mapping: YMap) -> bool:
        return not _is_block(mapping, self.source)

    def _json_style(self, mapping: YMap) -> bool:
        """Keys written in double quotes inside a flow mapping: JSON, keep it JSON."""
        if not self.is_flow(mapping) or not mapping.key_spans:
            return self.json_file
        first = min(mapping.key_spans.values())
        start = self.source.offset(first.line, first.column)
        return self.json_file or self.text[start : start + 1] == '"'

    # -- scalars ---------------------------------------------------------------------

    def replace_value(self, mapping: YMap, key: str, value: Any) -> Edit:
        """Replace the scalar value of ``key`` (written, possibly empty) with ``value``."""
        current = mapping[key]
        if isinstance(current, (YMap, YSeq)) and current:
            raise NotFixable(f"`{key}` holds a collection, not a value")
        start, end = self.source.range(mapping.value_spans[key])
        json_style = self._json_style(mapping)
        if isinstance(value, dict) and not self.is_flow(mapping) and start == end:
            # ``key:`` with nothing after it: write the mapping in block style below.
            indent = mapping.key_spans[key].column - 1 + self.style.step
            lines = [" " * indent + line for line in document_lines(value, self.style)]
            return Edit(start, end, self.source.newline + self.source.newline.join(lines))
        text = flow(value, json_style=json_style)
        quote = self.text[start : start + 1]
        if quote in ("'", '"') and isinstance(value, str) and not isinstance(value, Literal):
            text = _quoted(value, quote)  # keep the quoting the value was written with
        return Edit(start, end, f" {text}" if start == end else text)

    # -- inserting -------------------------------------------------------------------

    def insert(self, mapping: YMap, entries: dict[str, Any], after: Iterable[str] = ()) -> Edit:
        """Add ``entries`` (keys ``mapping`` lacks) to it, after the first of ``after``
        that it has, else after its last single-line entry, else before its first key."""
        if self.is_flow(mapping):
            return self._insert_flow(mapping, entries)
        if not mapping:
            raise NotFixable("cannot add keys to an empty mapping written in block style")
        style = self.style
        keys = sorted(mapping.key_spans, key=lambda k: mapping.key_spans[k])
        column = mapping.span.column - 1  # a block mapping's keys all start in its column
        lines = [line for key, value in entries.items() for line in block_lines(key, value, style)]
        newline = self.source.newline
        anchor = self._anchor(mapping, keys, after)
        if anchor is not None:
            end = self.source.range(mapping.value_spans[anchor])[1]
            at = self.source.line_end(end)
            return Edit(at, at, "".join(newline + " " * column + line for line in lines))
        first = mapping.key_spans[keys[0]]
        at = self.source.offset(first.line, first.column)
        lead = self.text[self.source.line_start(at) : at]
        if lead.strip(" -") or "\t" in lead:
            raise NotFixable("the mapping's first key is not where a key can be inserted")
        body = (newline + " " * column).join(lines)
        return Edit(at, at, body + newline + " " * column)

    def _anchor(self, mapping: YMap, keys: list[str], after: Iterable[str]) -> str | None:
        """The entry to insert after: one whose value ends on its key's line (a scalar or
        a one-line flow collection), so the end of that line is the end of the entry."""
        inline = [key for key in keys if self._single_line(mapping, key)]
        for wanted in after:
            if wanted in inline:
                return wanted
        return inline[-1] if inline else None

    def _single_line(self, mapping: YMap, key: str) -> bool:
        key_span, value_span = mapping.key_spans[key], mapping.value_spans[key]
        if not self.own_key(mapping, key) or value_span.end_line != key_span.line:
            return False
        start, end = self.source.range(value_span)
        if start == end:
            return False  # ``key:`` with an empty value: its span sits oddly
        value = mapping[key]
        if isinstance(value, (YMap, YSeq)):
            return self.text[start : start + 1] in ("{", "[")
        return self.text[start : start + 1] not in ("|", ">")

    def has_merge(self, mapping: YMap) -> bool:
        """The mapping takes keys from a YAML merge key (``<<``): an edit to one of them
        would change the anchored mapping, so such mappings are left alone."""
        start, end = self.source.range(mapping.span)
        if self.is_flow(mapping):
            return "<<" in self.text[start:end]
        column = mapping.span.column - 1  # a block mapping starts at its first key
        for index in range(self.source.line_index(start), self.source.line_index(end) + 1):
            line_start = self.source.line_starts[index]
            line = self.text[line_start : self.source.line_end(line_start)]
            if line[column:].startswith("<<") and not line[:column].strip(" -"):
                return True
        return False

    def own_key(self, mapping: YMap, key: str) -> bool:
        """The entry is written inside this mapping (not brought in by a ``<<`` merge)."""
        return inside(mapping.key_spans[key], mapping.span)

    def _insert_flow(self, mapping: YMap, entries: dict[str, Any]) -> Edit:
        json_style = self._json_style(mapping)
        parts = [
            f"{key_text(k, json_style=json_style)}: {flow(v, json_style=json_style)}"
            for k, v in entries.items()
        ]
        end = self.source.range(mapping.span)[1]
        if not mapping:
            return Edit(end - 1, end - 1, ", ".join(parts))
        keys = sorted(mapping.key_spans, key=lambda k: mapping.key_spans[k])
        last = keys[-1]
        at = self.source.range(mapping.value_spans[last])[1]
        if mapping.key_spans[last].line > mapping.span.line:
            # One entry per line: put the new ones on lines of their own, at that column.
            pad = self.source.newline + " " * (mapping.key_spans[last].column - 1)
            return Edit(at, at, "".join(f",{pad}{part}" for part in parts))
        return Edit(at, at, "".join(f", {part}" for part in parts))

    # -- removing --------------------------------------------------------------------

    def replace_entry(self, mapping: YMap, key: str, entries: dict[str, Any]) -> Edit:
        """Remove ``key`` and its value (block: its lines, less trailing comment lines;
        flow: the entry and one comma) and put ``entries`` in its place."""
        if not self.own_key(mapping, key):
            raise NotFixable(f"`{key}` comes from a YAML merge key")
        key_start = self.source.offset(mapping.key_spans[key].line, mapping.key_spans[key].column)
        value_end = self.source.range(mapping.value_spans[key])[1]
        if self.is_flow(mapping):
            return self._replace_flow_entry(mapping, key, key_start, value_end, entries)
        line_start = self.source.line_start(key_start)
        if self.text[line_start:key_start].strip(" "):
            raise NotFixable(f"`{key}` shares its line with other content")
        end = self._last_content_line_end(key_start, value_end)
        newline, column = self.source.newline, key_start - line_start
        lines = [
            " " * column + line
            for k, v in entries.items()
            for line in block_lines(k, v, self.style)
        ]
        return Edit(line_start, end, "".join(line + newline for line in lines))

    def _last_content_line_end(self, start: int, end: int) -> int:
        """The start of the line after the last line in ``start:end`` that holds more than
        blanks or a comment (a comment after a block belongs to what follows)."""
        index = self.source.line_index(start)
        last = index
        while index + 1 < len(self.source.line_starts) and self.source.line_starts[index + 1] < end:
            index += 1
            line_start = self.source.line_starts[index]
            content = self.text[line_start : min(end, self.source.line_end(line_start))].strip()
            if content and not content.startswith("#"):
                last = index
        if last + 1 < len(self.source.line_starts):
            return self.source.line_starts[last + 1]
        return len(self.text)

    def _replace_flow_entry(
        self, mapping: YMap, key: str, key_start: int, value_end: int, entries: dict[str, Any]
    ) -> Edit:
        json_style = self._json_style(mapping)
        text = ", ".join(
            f"{key_text(k, json_style=json_style)}: {flow(v, json_style=json_style)}"
            for k, v in entries.items()
        )
        if text:
            return Edit(key_start, value_end, text)
        keys = sorted(mapping.key_spans, key=lambda k: mapping.key_spans[k])
        position = keys.index(key)
        if position > 0:
            previous_end = self.source.range(mapping.value_spans[keys[position - 1]])[1]
            return Edit(previous_end, value_end, "")
        if len(keys) > 1:
            following = mapping.key_spans[keys[1]]
            return Edit(key_start, self.source.offset(following.line, following.column), "")
        return Edit(key_start, value_end, "")

    # -- documents -------------------------------------------------------------------

    def append_document(self, document: dict[str, Any]) -> Edit:
        """A new YAML document at the end of the file."""
        if self.json_file:
            raise NotFixable("a JSON file holds one document; add the object to a YAML file")
        newline = self.source.newline
        text = self.text
        lead = "" if not text or LINE_BREAK.match(text[-1:]) else newline
        lines = ["---", *document_lines(document, self.style)]
        return Edit(len(text), len(text), lead + "".join(line + newline for line in lines))


def inside(inner: Span, outer: Span) -> bool:
    """``inner`` lies within ``outer``."""
    return (outer.line, outer.column) <= (inner.line, inner.column) and (
        inner.end_line,
        inner.end_column,
    ) <= (outer.end_line, outer.end_column)


def shared_nodes(roots: Iterable[Any]) -> set[int]:
    """ids of the collections reached more than once from ``roots`` (YAML aliases): an
    edit there would change every place that names the anchor."""
    seen: set[int] = set()
    shared: set[int] = set()
    stack = list(roots)
    while stack:
        node = stack.pop()
        if not isinstance(node, (YMap, YSeq)):
            continue
        if id(node) in seen:
            shared.add(id(node))
            continue
        seen.add(id(node))
        stack += list(node.values()) if isinstance(node, YMap) else list(node)
    return shared

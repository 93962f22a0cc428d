"""Position-carrying YAML containers.

The loader turns every YAML document into plain ``dict``/``list`` subclasses so that rules,
JSON Schema validation and reports can treat them as ordinary JSON-like data, while every
key and value keeps the place it came from. Positions are 1-based ``Span`` tuples.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any, NamedTuple

_IDENTIFIER = re.compile(r"[A-Za-z_$][\w$-]*")


class Span(NamedTuple):
    """Where a node starts and ends in its file (1-based lines and columns)."""

    line: int
    column: int
    end_line: int
    end_column: int


class YMap(dict):
    """A mapping that remembers where it, each key and each value came from."""

    __slots__ = ("key_spans", "span", "value_spans")

    def __init__(self, span: Span) -> None:
        super().__init__()
        self.span = span
        self.key_spans: dict[Any, Span] = {}
        self.value_spans: dict[Any, Span] = {}


class YSeq(list):
    """A sequence that remembers where it and each item came from."""

    __slots__ = ("item_spans", "span")

    def __init__(self, span: Span) -> None:
        super().__init__()
        self.span = span
        self.item_spans: list[Span] = []


Path = tuple[Any, ...]


def walk(root: Any, path: Path) -> Any:
    """The value at ``path`` below ``root``, or ``None`` when any step is missing."""
    node = root
    for step in path:
        if isinstance(node, dict):
            node = node.get(step)
        elif isinstance(node, list) and isinstance(step, int) and -len(node) <= step < len(node):
            node = node[step]
        else:
            return None
    return node


def span_of(root: Any, path: Path, *, key: bool = True) -> Span | None:
    """The most specific span known for ``path``.

    For a path that ends in a mapping key, ``key=True`` gives the key's span (the usual
    place to point at: ``nfs:``) and ``key=False`` the value's. When the path runs past
    what exists, the deepest existing node's span is returned, so a finding about a
    missing field points at the mapping that lacks it.
    """
    node = root
    best: Span | None = getattr(root, "span", None)
    for index, step in enumerate(path):
        last = index == len(path) - 1
        if isinstance(node, YMap) and step in node:
            spans = node.key_spans if (last and key) else node.value_spans
            best = spans.get(step, best)
            node = node[step]
        elif isinstance(node, YSeq) and isinstance(step, int) and 0 <= step < len(node):
            best = node.item_spans[step]
            node = node[step]
        else:
            break
    return best


def iter_items(value: Any) -> Iterator[tuple[int, Any]]:
    """Enumerate a list; anything else yields nothing (a wrong type is not iterable)."""
    if isinstance(value, list):
        yield from enumerate(value)


def dotted(path: Iterable[Any]) -> str:
    """A node path as people write it: ``spec.volumes[0].nfs``; keys that are not
    identifiers in quoted brackets (``metadata.annotations["kslint.io/ignore"]``)."""
    text = ""
    for step in path:
        if isinstance(step, int):
            text += f"[{step}]"
        elif _IDENTIFIER.fullmatch(str(step)):
            text += f".{step}" if text else str(step)
        else:
            text += f"[{quoted(step)}]"
    return text


def quoted(value: Any) -> str:
    """A value in double quotes, with backslashes and quotes escaped."""
    text = _int_text(value) if isinstance(value, int) else str(value)
    text = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


def _int_text(value: int) -> str:
    """An integer as text; one too large to print in full (Python refuses past 4,300
    digits) is summarised."""
    if value.bit_length() <= 10_000:
        return str(value)
    bits = value.bit_length()
    sign = "-" if value < 0 else ""
    return f"{sign}0x{abs(value) >> (bits - 32):x}... ({bits:,} bits)"


def describe(value: Any) -> str:
    """A value's type and value, for messages: ``string "x"``, ``integer 2``, ``a mapping``."""
    if isinstance(value, bool):
        return f"boolean {str(value).lower()}"
    if value is None:
        return "null"
    if isinstance(value, int):
        return f"integer {_int_text(value)}"
    if isinstance(value, float):
        return f"number {value!r}"
    if isinstance(value, str):
        shown = value if len(value) <= 60 else value[:57] + "..."
        return f"string {quoted(shown)}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


def json_pointer(root: Any, pointer: str) -> Any:
    """The node a JSON Pointer (``/$defs/x``, RFC 6901) names in ``root``; raises
    ``KeyError`` when it names nothing."""
    node = root
    for part in pointer[1:].split("/") if pointer else ():
        part = part.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            raise KeyError(pointer)
    return node

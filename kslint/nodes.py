"""Position-carrying YAML containers.

The loader turns every YAML document into plain ``dict``/``list`` subclasses so that rules,
JSON Schema validation and reports can treat them as ordinary JSON-like data, while every
key and value keeps the place it came from. Positions are 1-based ``Span`` tuples.
"""

from __future__ import annotations

import re
import struct
from array import array
from collections.abc import Iterable, Iterator
from typing import Any, NamedTuple

_IDENTIFIER = re.compile(r"[A-Za-z_$][\w$-]*")


class Span(NamedTuple):
    """Where a node starts and ends in its file (1-based lines and columns)."""

    line: int
    column: int
    end_line: int
    end_column: int


# Packed positions: a header (bytes per integer, the line the others count from), then
# four integers per span with lines counted from that line. Lines within one node are
# close together and columns small, so most nodes need one byte per integer, not four.
_HEADER = struct.Struct("=Bi")
POSITIONS_HEADER = _HEADER.size  # bytes before the integers (the cache checks sizes)
_QUADS = {1: struct.Struct("=4B"), 2: struct.Struct("=4H"), 4: struct.Struct("=4i")}
_CODES = {1: "B", 2: "H", 4: "i"}


def pack_positions(positions: list[int], base: int = 0) -> bytes:
    """Positions as ``pack_spans`` takes them: line, column, end line, end column of
    each span, lines counted from ``base`` (the node's first line), packed with the
    narrowest integers that hold them (a Span is 130 bytes; a packed one 4 to 16)."""
    low, high = min(positions), max(positions)
    width = 4 if low < 0 or high > 0xFFFF else 2 if high > 0xFF else 1
    return _HEADER.pack(width, base) + array(_CODES[width], positions).tobytes()


def _span_at(packed: bytes, index: int) -> Span:
    """The ``index``-th span of packed positions (0: the node's own)."""
    width, base = _HEADER.unpack_from(packed)
    line, column, end_line, end_column = _QUADS[width].unpack_from(
        packed, _HEADER.size + index * 4 * width
    )
    return Span(base + line, column, base + end_line, end_column)


def _span_count(packed: bytes) -> int:
    return (len(packed) - _HEADER.size) // (4 * packed[0])


class YMap(dict):
    """A mapping that remembers where it, each key and each value came from.

    The loader hands the positions over packed (``pack_spans``: one array of integers)
    and ``key_spans``/``value_spans`` unpack them into dicts of ``Span`` the first time
    they are asked for (or before the mapping is first changed): most mappings are never
    asked (only those a finding points into), and a run over hundreds of thousands of
    objects would otherwise spend most of its memory on positions.
    """

    __slots__ = ("_keys", "_own", "_packed", "_spans")

    def __init__(self, span: Span | None) -> None:
        super().__init__()
        self._own = span
        self._spans: tuple[dict[Any, Span], dict[Any, Span]] | None = ({}, {})
        self._packed: bytes | None = None
        self._keys: tuple[Any, ...] | None = None

    def pack_spans(self, packed: bytes, keys: tuple[Any, ...] | None = None) -> None:
        """Positions, four integers each (line, column, end line, end column): the
        mapping's own, then for each key its span and its value's. ``keys``: the keys in
        that order, when not the mapping's own order (a repeated key: the later wins)."""
        self._packed, self._keys, self._spans, self._own = packed, keys, None, None

    @property
    def span(self) -> Span:
        if self._own is None:
            assert self._packed is not None
            self._own = _span_at(self._packed, 0)
        return self._own

    @span.setter
    def span(self, value: Span) -> None:
        self._own = value

    @property
    def key_spans(self) -> dict[Any, Span]:
        return (self._spans or self._unpack())[0]

    @property
    def value_spans(self) -> dict[Any, Span]:
        return (self._spans or self._unpack())[1]

    def _unpack(self) -> tuple[dict[Any, Span], dict[Any, Span]]:
        packed = self._packed
        key_spans: dict[Any, Span] = {}
        value_spans: dict[Any, Span] = {}
        if packed is not None:
            if self._own is None:
                self._own = _span_at(packed, 0)
            keys = self._keys if self._keys is not None else tuple(self)
            for index, key in enumerate(keys):
                key_spans[key] = _span_at(packed, 1 + index * 2)
                value_spans[key] = _span_at(packed, 2 + index * 2)
        self._spans = (key_spans, value_spans)
        self._packed, self._keys = None, None
        return self._spans

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        """For copy and pickle (worker processes send trees back): the positions as they
        are, packed or not, and the items as one plain dict, so that neither side unpacks
        positions nor calls the overridden ``__setitem__`` once per key."""
        return rebuild_map, (self._own, self._packed, self._keys, self._spans, dict(self))

    # Changing the mapping unpacks the positions first, so they stay with their keys.
    def __setitem__(self, key: Any, value: Any) -> None:
        if getattr(self, "_spans", True) is None:  # (unset while a copy is being built)
            self._unpack()
        super().__setitem__(key, value)

    def __delitem__(self, key: Any) -> None:
        if getattr(self, "_spans", True) is None:  # (unset while a copy is being built)
            self._unpack()
        super().__delitem__(key)

    def pop(self, *args: Any) -> Any:
        if getattr(self, "_spans", True) is None:  # (unset while a copy is being built)
            self._unpack()
        return super().pop(*args)

    def popitem(self) -> tuple[Any, Any]:
        if getattr(self, "_spans", True) is None:  # (unset while a copy is being built)
            self._unpack()
        return super().popitem()

    def setdefault(self, key: Any, default: Any = None) -> Any:
        if getattr(self, "_spans", True) is None:  # (unset while a copy is being built)
            self._unpack()
        return super().setdefault(key, default)

    def update(self, *args: Any, **kwargs: Any) -> None:
        if getattr(self, "_spans", True) is None:  # (unset while a copy is being built)
            self._unpack()
        super().update(*args, **kwargs)

    def clear(self) -> None:
        if getattr(self, "_spans", True) is None:  # (unset while a copy is being built)
            self._unpack()
        super().clear()


class YSeq(list):
    """A sequence that remembers where it and each item came from (packed like
    ``YMap``'s positions until first asked for: its own span, then four integers per
    item)."""

    __slots__ = ("_item_spans", "_own", "_packed")

    def __init__(self, span: Span | None) -> None:
        super().__init__()
        self._own = span
        self._item_spans: list[Span] | None = []
        self._packed: bytes | None = None

    def pack_spans(self, packed: bytes) -> None:
        """Positions, four integers each: the sequence's own, then each item's."""
        self._packed, self._item_spans, self._own = packed, None, None

    @property
    def span(self) -> Span:
        if self._own is None:
            assert self._packed is not None
            self._own = _span_at(self._packed, 0)
        return self._own

    @span.setter
    def span(self, value: Span) -> None:
        self._own = value

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        """For copy and pickle: the positions as they are (packed or not), the items as
        one plain list."""
        return rebuild_seq, (self._own, self._packed, self._item_spans, list(self))

    @property
    def item_spans(self) -> list[Span]:
        if self._item_spans is None:
            packed = self._packed
            assert packed is not None
            if self._own is None:
                self._own = _span_at(packed, 0)
            self._item_spans = [_span_at(packed, at) for at in range(1, _span_count(packed))]
            self._packed = None
        return self._item_spans


def rebuild_map(
    own: Span | None,
    packed: bytes | None,
    keys: tuple[Any, ...] | None,
    spans: tuple[dict[Any, Span], dict[Any, Span]] | None,
    items: dict[Any, Any],
) -> YMap:
    """A ``YMap`` from ``YMap.__reduce__``'s parts (the span dicts copied: a shallow copy
    must not share them with its original)."""
    node = YMap.__new__(YMap)
    dict.update(node, items)  # the plain dict's update: positions stay packed
    node._own, node._packed, node._keys = own, packed, keys
    node._spans = None if spans is None else (dict(spans[0]), dict(spans[1]))
    return node


def rebuild_seq(
    own: Span | None, packed: bytes | None, item_spans: list[Span] | None, items: list[Any]
) -> YSeq:
    node = YSeq.__new__(YSeq)
    list.extend(node, items)
    node._own, node._packed = own, packed
    node._item_spans = None if item_spans is None else list(item_spans)
    return node


def without_positions(node: Any) -> Any:
    """A copy of a tree as plain dicts and lists: for a subtree no finding can point into
    any more, a third smaller than with positions (the copy's scalars are shared)."""
    if isinstance(node, dict):
        return {key: without_positions(value) for key, value in dict.items(node)}
    if isinstance(node, list):
        return [without_positions(item) for item in node]
    return node


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

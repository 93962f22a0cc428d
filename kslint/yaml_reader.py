"""YAML with positions: bytes in, ``YMap``/``YSeq`` trees whose every node knows its line
and column.

Parsing uses libyaml through ruamel.yaml's C parser, which composes nodes carrying line and
column marks; this module turns them into ``YMap``/``YSeq`` trees under limits that keep
hostile input (alias bombs, deep nesting, huge files) from hanging or crashing the run.
Manifests (``kslint.loader``), configuration, policies, kustomizations and kslint's own
rule files are all read here; problems come back as ``invalid-yaml`` / ``duplicate-key``
findings, never as exceptions.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from sys import intern
from typing import Any, NamedTuple

from ruamel.yaml.composer import Composer
from ruamel.yaml.cyaml import CParser
from ruamel.yaml.events import CollectionEndEvent, CollectionStartEvent
from ruamel.yaml.nodes import MappingNode, ScalarNode
from ruamel.yaml.parser import Parser
from ruamel.yaml.reader import Reader
from ruamel.yaml.resolver import VersionedResolver
from ruamel.yaml.scanner import Scanner
from ruamel.yaml.tag import Tag

from kslint.file_text import FIX_BINARY, decode, file_finding
from kslint.findings import Finding, Span
from kslint.nodes import YMap, YSeq, pack_positions
from kslint.objects import SourceFile

# Limits that keep hostile input from hanging or crashing the run. Real manifests are far
# below each: the deepest document in the shared corpus nests 35 levels.
MAX_DEPTH = 200
MAX_EXPANDED_NODES = 2_000_000  # per document, counting every alias expansion
# libyaml's composer recurses in C; at this bound of nesting it is known to be safe.
SAFE_COMPOSE_DEPTH = 1000

_TAG = "tag:yaml.org,2002:"
_STR, _INT, _FLOAT, _BOOL, _NULL, _MERGE = (
    _TAG + t for t in ("str", "int", "float", "bool", "null", "merge")
)

# Scalars are resolved here rather than by ruamel.yaml's regex resolver: the composer asks
# for a tag per node, and answering with prebuilt Tag objects (plain or quoted) skips both
# the regex pass and a Tag allocation per node. Plain scalars are typed by ``_plain``
# following the YAML 1.2 core schema, as ruamel.yaml's safe loader does.
_PLAIN = Tag(suffix="tag:kslint,2025:plain")
_QUOTED = Tag(suffix=_STR)
_MAP_TAG = Tag(suffix=_TAG + "map")
_SEQ_TAG = Tag(suffix=_TAG + "seq")
_INT_RE = re.compile(r"[-+]?(?:[0-9][0-9_]*|0x[0-9a-fA-F_]+|0o[0-7_]+|0b[01_]+)")
_FLOAT_RE = re.compile(
    r"[-+]?(?:\.[0-9]+|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)"
    r"|\.(?:nan|NaN|NAN)"
)
_KEYWORDS: dict[str, Any] = {
    "~": None,
    "null": None,
    "Null": None,
    "NULL": None,
    "true": True,
    "True": True,
    "TRUE": True,
    "false": False,
    "False": False,
    "FALSE": False,
}
_NUMBER_START = frozenset("0123456789+-.")
# Values that repeat across objects: one copy of each in memory.
_INTERNED_VALUES = frozenset({"apiVersion", "kind", "namespace"})


class _Composer(CParser):  # type: ignore[misc]
    """libyaml's composer, with kslint's own (cheap) tag resolution."""

    def descend_resolver(self, *args: Any) -> None:
        pass

    def ascend_resolver(self, *args: Any) -> None:
        pass

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Tag:
        if kind is ScalarNode:
            return _PLAIN if implicit[0] else _QUOTED
        return _MAP_TAG if kind is MappingNode else _SEQ_TAG


# Fix hints of ``invalid-yaml`` by cause: the rule's generic hint fits none of them well.
FIX_ALIASES = (
    "Expand fewer aliases: no manifest needs anchors that multiply into millions of nodes "
    "(the billion-laughs pattern)."
)
FIX_RECURSIVE = "Remove the alias that refers to the node containing it."
FIX_DEPTH = (
    f"Flatten the nesting: no Kubernetes object nests deeper than {MAX_DEPTH} levels; the "
    "file is probably generated wrongly."
)
FIX_MERGE = "Give the merge key (<<) an anchored mapping (or a list of them)."
FIX_COLLECTION_KEY = (
    "Quote the key, or fix the indentation that turned a value into a key; if the file "
    "holds template placeholders, render it first."
)
FIX_TABS = "Indent with spaces: YAML does not allow tabs in indentation."
# YAML syntax errors: the parser's problem text -> what usually fixes it.
_SYNTAX_FIXES = (
    ("found character '\\t'", FIX_TABS),
    ("found a tab character", FIX_TABS),
    (
        "expected ',' or ']'",
        "Close the flow sequence with `]` (or add the missing `,`).",
    ),
    (
        "expected ',' or '}'",
        "Close the flow mapping with `}` (or add the missing `,`).",
    ),
    ("found unexpected end of stream", "Close the quoted string (a `\"` or `'` is missing)."),
    (
        "mapping values are not allowed",
        "Quote a value that contains `: `, or fix the indentation of this line.",
    ),
    (
        "did not find expected key",
        "Align this key with its siblings: its indentation does not match.",
    ),
    (
        "did not find expected '-' indicator",
        "Align this list item's `-` with the other items of its list.",
    ),
    (
        "could not find expected ':'",
        "Add the `:` after the key, or close the quote or bracket opened above.",
    ),
    (
        "found undefined alias",
        "Define the anchor (`&name`) before the alias (`*name`) that uses it.",
    ),
    (
        "found character that cannot start any token",
        "Quote the value: it starts with a character YAML reserves (`@`, `` ` ``, `%`).",
    ),
    (
        "control characters are not allowed",
        "Remove the control character (a copy-paste artefact) or save the file as UTF-8 text.",
    ),
)
FIX_SYNTAX = (
    "Fix the YAML syntax at the reported position (the mistake is on that line or just above it)."
)


def syntax_fix(problem: str, character: str = "") -> str:
    """The fix of a syntax error from the parser's problem and the character it stopped at."""
    if character == "\t":
        return FIX_TABS
    if "cannot start any token" in problem and character not in "@`%":
        return FIX_SYNTAX
    for needle, fix in _SYNTAX_FIXES:
        if needle in problem:
            return fix
    return FIX_SYNTAX


class DocumentError(Exception):
    """A document that parsed but cannot be a Kubernetes object tree."""

    def __init__(self, message: str, span: Span, fix: str | None = None) -> None:
        super().__init__(message)
        self.span = span
        self.fix = fix


_new_tuple = tuple.__new__


def _span(node: Any) -> Span:
    start, end = node.start_mark, node.end_mark
    # tuple.__new__ directly: NamedTuple's own __new__ is a Python call per node.
    return _new_tuple(Span, (start.line + 1, start.column + 1, end.line + 1, end.column + 1))


def _plain(text: str) -> Any:
    """The value of an untagged plain scalar (YAML 1.2 core schema)."""
    first = text[:1]
    if not first:
        return None
    if first in _NUMBER_START:
        try:
            if _INT_RE.fullmatch(text):
                return _int(text)
            if _FLOAT_RE.fullmatch(text):
                return _float(text)
        except ValueError:
            return text
    return _KEYWORDS.get(text, text) if len(text) <= 5 else text


def _scalar(node: Any) -> Any:
    """The JSON-like value of a scalar node."""
    ctag, text = node.ctag, node.value
    if ctag is _PLAIN:
        return _plain(text)
    if ctag is _QUOTED:
        return text
    tag = str(ctag)
    if tag == _STR:
        return text
    try:
        if tag == _INT:
            return _int(text)
        if tag == _FLOAT:
            return _float(text)
    except ValueError:
        return text
    if tag == _BOOL:
        return text.lower() in ("true", "yes", "on", "y")
    if tag == _NULL:
        return None
    return text  # timestamps, binary and custom tags stay text, as Kubernetes sees them


# Python refuses to print an integer of more than 4,300 decimal digits (its defence against
# quadratic conversion); no integer that large means anything in a manifest.
MAX_INT_BITS = 14_000


def _int(text: str) -> int:
    """The integer a plain scalar spells; ``ValueError`` (the scalar stays text, as Go's
    YAML parser keeps an integer it cannot hold) past ``MAX_INT_BITS``."""
    digits = text.replace("_", "")
    sign = -1 if digits.startswith("-") else 1
    digits = digits.lstrip("+-")
    for prefix, base in (("0x", 16), ("0o", 8), ("0b", 2)):
        if digits.lower().startswith(prefix):
            value = int(digits[2:], base)
            if value.bit_length() > MAX_INT_BITS:
                raise ValueError("integer too large")
            return sign * value
    return sign * int(digits, 10)


def _float(text: str) -> float:
    lowered = text.lower().replace("_", "")
    if lowered.endswith((".inf", ".nan")):
        return float(lowered.replace(".", ""))
    return float(lowered)


class _Converter:
    """Turns one composed document into YMap/YSeq trees.

    An alias is the same node object composed twice; it is converted once and shared, so
    alias bombs cost nothing to convert, and ``_size`` counts what they would expand to.
    """

    def __init__(self, file: SourceFile) -> None:
        self.file = file
        self.done: dict[int, tuple[Any, int]] = {}  # id(node) -> (value, expanded size)
        self.active: set[int] = set()
        self.duplicates: list[Finding] = []
        self.stopped_at: Span | None = None  # where the document limit stopped reading

    def convert(self, node: Any) -> Any:
        try:
            value, size = self._convert(node, 0)
        finally:
            # Aliases never cross documents: forget this one's nodes, so they can be freed
            # (and an id() reused by the next document's nodes can never hit a stale entry).
            self.done.clear()
        if size > MAX_EXPANDED_NODES:
            raise DocumentError(
                f"document expands to more than {MAX_EXPANDED_NODES:,} nodes through aliases",
                _span(node),
                FIX_ALIASES,
            )
        return value

    def _convert(self, node: Any, depth: int) -> tuple[Any, int]:
        if node.id == "scalar":
            # Not cached: a scalar is as cheap to convert again as to look up, and most
            # nodes are scalars.
            return _scalar(node), 1
        key = id(node)
        known = self.done.get(key)
        if known is not None:
            return known
        if key in self.active:
            raise DocumentError(
                "recursive alias: a node contains itself", _span(node), FIX_RECURSIVE
            )
        if depth > MAX_DEPTH:
            raise DocumentError(f"nesting deeper than {MAX_DEPTH} levels", _span(node), FIX_DEPTH)
        self.active.add(key)
        mapping = node.id == "mapping"
        result = self._mapping(node, depth) if mapping else self._sequence(node, depth)
        self.active.discard(key)
        self.done[key] = result
        return result

    def _sequence(self, node: Any, depth: int) -> tuple[YSeq, int]:
        seq = YSeq(None)
        size = 1
        start = node.start_mark
        top = start.line  # lines are packed counted from the node's first line
        positions = [0, start.column + 1, node.end_mark.line - top, node.end_mark.column + 1]
        for item in node.value:
            value, item_size = self._convert(item, depth + 1)
            seq.append(value)
            start = item.start_mark
            positions += (start.line - top, start.column + 1)
            start = item.end_mark
            positions += (start.line - top, start.column + 1)
            size += item_size
        seq.pack_spans(pack_positions(positions, top + 1))
        return seq, size

    def _mapping(self, node: Any, depth: int) -> tuple[YMap, int]:
        mapping = YMap(None)
        size = 1
        merges = []
        keys: list[str] = []
        # (No more locals than needed: each makes every frame of this recursion bigger,
        # and CPython maps and unmaps a 16 KiB stack chunk whenever the recursion
        # crosses a chunk's end: a syscall pair per crossing.)
        start = node.start_mark
        top = start.line  # lines are packed counted from the node's first line
        # The mapping's span, then eight per key: its span, then its value's (YMap).
        positions = [0, start.column + 1, node.end_mark.line - top, node.end_mark.column + 1]
        set_item = dict.__setitem__  # YMap's own would unpack positions on every key
        for key_node, value_node in node.value:
            # (An explicit tag is the rare case: its text is looked at last.)
            if (
                (key_node.value == "<<")
                if key_node.ctag is _PLAIN
                else (key_node.ctag is not _QUOTED and key_node.tag == _MERGE)
            ):
                merges.append(value_node)
                continue
            if key_node.id != "scalar":
                raise DocumentError(
                    "a mapping key is a collection; Kubernetes accepts only string keys",
                    _span(key_node),
                    FIX_COLLECTION_KEY,
                )
            key = intern(key_node.value)  # keys repeat in every object: keep one copy
            if key in mapping:
                self._duplicate(key, key_node, top + 1 + positions[4 + keys.index(key) * 8])
            value, value_size = self._convert(value_node, depth + 1)
            if key in _INTERNED_VALUES and type(value) is str:
                value = intern(value)
            set_item(mapping, key, value)
            keys.append(key)
            ks, ke, vs, ve = (
                key_node.start_mark,
                key_node.end_mark,
                value_node.start_mark,
                value_node.end_mark,
            )
            positions += (
                ks.line - top,
                ks.column + 1,
                ke.line - top,
                ke.column + 1,
                vs.line - top,
                vs.column + 1,
                ve.line - top,
                ve.column + 1,
            )
            size += value_size + 1
        for merge in merges:
            size += self._merge(mapping, merge, depth, keys, positions, top + 1)
        # The key list is kept only when it differs from the mapping's (a repeated key).
        packed_keys = tuple(keys) if len(keys) != len(mapping) else None
        mapping.pack_spans(pack_positions(positions, top + 1), packed_keys)
        return mapping, size

    def _duplicate(self, key: str, key_node: Any, first_line: int) -> None:
        self.duplicates.append(
            Finding(
                rule="duplicate-key",
                message=f"Duplicate key {key!r}: YAML forbids it and the first value "
                f"(line {first_line}) would be silently replaced.",
                file=self.file.path,
                span=_span(key_node),
            )
        )

    def _merge(
        self,
        mapping: YMap,
        source_node: Any,
        depth: int,
        keys: list[str],
        positions: list[int],
        base: int,
    ) -> int:
        """Apply a ``<<`` merge key: explicit keys win, then earlier merged mappings."""
        sources = source_node.value if source_node.id == "sequence" else [source_node]
        size = 0
        for item in sources:
            value, value_size = self._convert(item, depth + 1)
            if not isinstance(value, YMap):
                raise DocumentError("a merge key (<<) must name a mapping", _span(item), FIX_MERGE)
            size += value_size
            for key, entry in value.items():
                if key not in mapping:
                    dict.__setitem__(mapping, key, entry)
                    keys.append(key)
                    for span in (value.key_spans[key], value.value_spans[key]):
                        line, column, end_line, end_column = span
                        positions += (line - base, column, end_line - base, end_column)
        return size


def document_finding(file: SourceFile, error: DocumentError) -> Finding:
    return file_finding(file, f"{error}.", error.span, fix=error.fix)


def _max_depth(data: bytes | str) -> int:
    """Exact nesting depth from libyaml's event stream (which does not recurse)."""
    parser = _Composer(data)
    depth = deepest = 0
    while parser.check_event():
        event = parser.get_event()
        if isinstance(event, CollectionStartEvent):
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > MAX_DEPTH:
                    break
        elif isinstance(event, CollectionEndEvent):
            depth -= 1
    return deepest


def _depth_bound(data: bytes | str) -> int:
    """A cheap upper bound on nesting depth.

    A flow collection opens with ``[`` or ``{``: their count bounds the flow levels. A
    block collection's entries start at a column to the right of its parent's (an
    indentless sequence under a mapping key, or a compact mapping in a sequence entry,
    shares its parent's column: at most two levels per column), and that column is at
    most the line's leading run of spaces and ``-``/``?``/``:`` indicators (no block
    collection starts after other content on a line). Almost every file is far under the
    bound at which composing in C is safe, so the exact (slower) event scan is rarely
    needed: with the longest line in place of the leading run, every big CRD file of the
    corpus needed it (a third of a second of a 4-second run).
    """
    if isinstance(data, str):
        data = data.encode("utf-8", "replace")
    if len(data) <= SAFE_COMPOSE_DEPTH:
        return len(data)  # every level takes at least one character
    # Nesting never crosses a document marker: bound each document on its own, so a file
    # of many small documents (a `{` in each) is not sent to the slow exact scan.
    return max(map(_document_depth_bound, _DOCUMENT_MARKER.split(data)), default=0)


_DOCUMENT_MARKER = re.compile(rb"^(?:---|\.\.\.)(?=[ \t\r\n]|$)", re.MULTILINE)
_LEADING = re.compile(rb"^[ \t]*(?:[-?:](?:[ \t]+|$))*", re.MULTILINE)


def _document_depth_bound(data: bytes) -> int:
    if len(data) <= SAFE_COMPOSE_DEPTH:
        return len(data)
    return structural_depth_bound(data)


def structural_depth_bound(data: bytes) -> int:
    """``_depth_bound``'s reasoning for one document (tests check it against real
    nesting in every style)."""
    block = max(map(len, _LEADING.findall(data)), default=0)
    return 2 * block + 2 + data.count(b"[") + data.count(b"{")


def yaml_error(file: SourceFile, exc: Exception) -> Finding:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    context = getattr(exc, "context", None)
    message = f"{problem} ({context})" if context else str(problem)
    if mark is not None:
        line, column = mark.line + 1, mark.column + 1
    else:
        line = column = 1
    return file_finding(
        file,
        f"YAML syntax error: {message}.",
        Span(line, column, line, column),
        fix=syntax_fix(str(problem), _character_at(file, line, column)),
    )


def _character_at(file: SourceFile, line: int, column: int) -> str:
    lines = file.lines
    if 0 < line <= len(lines) and 0 < column <= len(lines[line - 1]):
        return lines[line - 1][column - 1]
    return ""


class TooDeep(Exception):
    """Nesting beyond MAX_DEPTH: refused before libyaml's recursive composer sees it."""


def compose_all(
    file: SourceFile, data: bytes | str, max_documents: int | None = None
) -> tuple[list[Any], _Converter]:
    """Every document as its tree (None for an empty one, a scalar or a ``DocumentError``),
    at most ``max_documents``
    (``converter.stopped_at`` then says where reading stopped). Raises ``TooDeep`` or the
    parser's error (a syntax error ends the stream). The composed nodes are dropped as
    soon as each document is converted: they cost ten times the tree.

    ruamel.yaml.clib's scanner predates libyaml's fix for a colon inside a plain scalar in
    a flow collection (``[{image: mysql:8.4}]``, valid YAML 1.2). When the C parser fails
    with exactly that error, the file is parsed again with the C parser after each such
    colon is swapped for a stand-in character (``_stand_in``: same width, so every
    position stays the same), and the colons are put back in the composed values. Only if
    that fails too is a file under ``PURE_REPARSE_MAX_BYTES`` parsed again with
    ruamel.yaml's pure-Python parser (same nodes, same positions; ten times slower, too
    slow for large hostile files to try it on every one) before it is called invalid."""
    if _depth_bound(data) > SAFE_COMPOSE_DEPTH and _max_depth(data) > MAX_DEPTH:
        raise TooDeep(f"The YAML nests deeper than {MAX_DEPTH} levels.")
    documents: list[Any] = []  # one slot per document: a file may hold 100,000s of them
    converter = _Converter(file)
    try:
        return _compose_into(_Composer(data), documents, converter, max_documents)
    except Exception as exc:
        if not _flow_colon_error(exc):
            raise
        swapped = _stand_in(data)
        if swapped is not None:
            # The documents before the one it stopped in are kept (the C parser read them
            # as the stand-ins would have it): only the rest are converted again.
            try:
                return _compose_into(
                    _Composer(swapped.data), documents, converter, max_documents, swapped
                )
            except Exception:
                pass  # a colon the stand-in could not take: the pure parser decides
        if len(data) > PURE_REPARSE_MAX_BYTES:
            raise
        try:
            return _compose_into(_PureComposer(data), [], _Converter(file), max_documents)
        except RecursionError:
            raise exc from None
        # Otherwise the pure parser agrees the file is broken, and its error names the real
        # mistake (an unclosed bracket), not the colon the C scanner stopped at.


# Files up to this size are parsed again with the pure-Python parser after the C
# scanner's flow-context colon error, when the stand-in colons did not do (compose_all).
PURE_REPARSE_MAX_BYTES = 1024 * 1024


def _flow_colon_error(exc: Exception) -> bool:
    return getattr(exc, "problem", None) == "found unexpected ':'" and "plain scalar" in str(
        getattr(exc, "context", "") or ""
    )


# Private-use characters: printable for libyaml, plain scalar content anywhere, one
# character wide like the colon they stand in for (columns count characters).
_STAND_INS = tuple(chr(code) for code in range(0xE000, 0xE010))
# A colon inside a plain scalar: after a character that can end scalar content (not a
# blank, quote, flow indicator, ``?`` or another colon: a colon there is an indicator),
# then further colons; each one followed by a non-blank (``:`` + blank is a value
# indicator, in every context) is swapped.
_SCALAR_COLONS = r"(?<=[^\s\"'\[\]{{}},?:]):+(?!{blank})"
_BLANK = r"[\s\x85\u2028\u2029]|$"
_COLONS_TEXT = re.compile(_SCALAR_COLONS.format(blank=_BLANK))
_COLONS_BYTES = re.compile(
    _SCALAR_COLONS.format(blank=r"[\s]|\xc2\x85|\xe2\x80[\xa8\xa9]|$").encode("ascii")
)


class _StandIn(NamedTuple):
    """What ``_stand_in`` did: the text it gives the parser, the character that stands in
    for the colons, and the 0-based lines they are on (None: not known exactly, for a
    file with line breaks other than ``\\n``)."""

    data: bytes | str
    mark: str
    lines: list[int] | None


def _stand_in(data: bytes | str) -> _StandIn | None:
    """``data`` with every colon inside a plain scalar swapped for a character it does not
    hold (None when it holds them all).

    A colon followed by a non-blank never ends a plain scalar in YAML 1.2, so swapping it
    for another scalar character changes no structure: the old scanner then reads the
    scalars YAML 1.2 (and the pure-Python parser) read. Colons swapped in comments vanish
    with them; one swapped in a tag or an anchor makes the parse fail (the pure parser then
    decides). A run of colons ending in a blank keeps its last one (an indicator)."""
    text = isinstance(data, str)
    for stand_in in _STAND_INS:
        mark: Any = stand_in if text else stand_in.encode("utf-8")
        if mark not in data:  # type: ignore[operator]
            break
    else:
        return None
    starts: list[int] = []

    def swap(match: Any) -> Any:
        starts.append(match.start())
        return mark * len(match[0])

    pattern: Any = _COLONS_TEXT if text else _COLONS_BYTES
    swapped = pattern.sub(swap, data)
    lines: list[int] | None = None
    if not any(b in data for b in (_OTHER_BREAKS_TEXT if text else _OTHER_BREAKS_BYTES)):
        newline: Any = "\n" if text else b"\n"
        lines, line, at = [], 0, 0
        for start in starts:  # (in order)
            line += data.count(newline, at, start)
            lines.append(line)
            at = start
    return _StandIn(swapped, stand_in, lines)


# Line breaks of YAML besides "\n": with them, lines are not counted by "\n" alone.
_OTHER_BREAKS_TEXT = ("\r", "\x85", "\u2028", "\u2029")
_OTHER_BREAKS_BYTES = tuple(b.encode("utf-8") for b in _OTHER_BREAKS_TEXT)


def _put_back(node: Any, swapped: _StandIn) -> None:
    """The colons ``_stand_in`` swapped, back in the scalars of a composed document (keys
    included; a node an alias shares is visited once). Only nodes whose lines hold a
    swapped colon are visited, when the lines are known."""
    stand_in, lines = swapped.mark, swapped.lines
    stack, seen = [node], set()
    while stack:
        node = stack.pop()
        if lines is not None:
            first = bisect_left(lines, node.start_mark.line)
            if first == len(lines) or lines[first] > node.end_mark.line:
                continue  # no swapped colon in this node
        if node.id == "scalar":
            if stand_in in node.value:
                node.value = node.value.replace(stand_in, ":")
            continue
        if id(node) in seen:
            continue
        seen.add(id(node))
        if node.id == "mapping":
            for pair in node.value:
                stack += pair
        else:
            stack += node.value


class _PureComposer(Reader, Scanner, Parser, Composer, VersionedResolver):  # type: ignore[misc]
    """ruamel.yaml's pure-Python parser and composer with kslint's tag resolution: the
    same nodes (and marks) as ``_Composer``."""

    max_depth = None  # nesting is bounded by the converter's MAX_DEPTH

    def __init__(self, data: bytes | str) -> None:
        self.comment_handling = None
        Reader.__init__(self, data, loader=self)
        Scanner.__init__(self, loader=self)
        Parser.__init__(self, loader=self)
        Composer.__init__(self, loader=self)
        VersionedResolver.__init__(self, None, loader=self)

    def descend_resolver(self, *args: Any) -> None:
        pass

    def ascend_resolver(self, *args: Any) -> None:
        pass

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Tag:
        if kind is ScalarNode:
            return _PLAIN if implicit[0] else _QUOTED
        return _MAP_TAG if kind is MappingNode else _SEQ_TAG


def _compose_into(
    parser: Any,
    documents: list[Any],
    converter: _Converter,
    max_documents: int | None = None,
    stand_in: _StandIn | None = None,
) -> tuple[list[Any], _Converter]:
    """Convert the documents ``parser`` composes into ``documents``, after those already
    there (their nodes are composed again, and dropped)."""
    skip = len(documents)
    while parser.check_node():
        node = parser.get_node()
        if node is None:
            continue
        if skip:
            skip -= 1
            continue
        if stand_in is not None:
            _put_back(node, stand_in)
        if max_documents is not None and len(documents) >= max_documents:
            converter.stopped_at = _span(node)
            break
        try:
            documents.append(converter.convert(node))
        except DocumentError as exc:
            documents.append(exc)
    return documents, converter


def parse_yaml(path: str, data: bytes) -> tuple[list[Any], list[Finding]]:
    """The documents of one YAML file as YMap/YSeq trees (None for an empty one), and
    what is wrong with it (``invalid-yaml``, ``duplicate-key`` findings).

    For kslint's own inputs (configuration, policies): the same parser, limits and
    positions as manifests, without the Kubernetes object layer.
    """
    file = SourceFile(path)
    text, problem, codec = decode(data)
    if problem is not None:
        problem.file = path
        return [], [problem]
    if text is None:
        binary = file_finding(
            file, "This is a binary file, not YAML.", Span(1, 1, 1, 1), fix=FIX_BINARY
        )
        return [], [binary]
    file.text = text
    try:
        documents, converter = compose_all(file, data if codec.startswith("utf-8") else text)
    except TooDeep as exc:
        return [], [file_finding(file, str(exc), Span(1, 1, 1, 1), fix=FIX_DEPTH)]
    except Exception as exc:
        return [], [yaml_error(file, exc)]
    problems = list(converter.duplicates)
    values = []
    for value in documents:
        if isinstance(value, DocumentError):
            problems.append(document_finding(file, value))
        else:
            values.append(value)
    return values, problems

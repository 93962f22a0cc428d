"""Reading the configuration file with a position for every key and value.

YAML goes through kslint's own reader (``kslint.yaml_reader``); ``pyproject.toml`` through
``tomllib``, with best-effort positions for its tables and keys.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from kslint.config.settings import ConfigError
from kslint.nodes import Span, dotted, span_of


class Locator:
    """Maps a path inside the configuration (keys and list indexes) to a position."""

    def __init__(
        self, shown: str, root: Any = None, toml: dict[tuple[Any, ...], Span] | None = None
    ):
        self.shown = shown
        self.root = root
        self.toml = toml

    def span(self, path: Iterable[Any], *, key: bool = False) -> Span:
        steps = tuple(path)
        if self.toml is not None:
            for end in range(len(steps), -1, -1):
                found = self.toml.get(steps[:end])
                if found is not None:
                    return found
            return Span(1, 1, 1, 1)
        return span_of(self.root, steps, key=key) or Span(1, 1, 1, 1)

    def where(self, path: Iterable[Any], *, key: bool = False) -> str:
        span = self.span(path, key=key)
        return f"{self.shown}:{span.line}:{span.column}"


def read_yaml(shown: str, data: bytes) -> tuple[Any, Locator]:
    """Parse with kslint's own loader so every key and value keeps its position."""
    from kslint.yaml_reader import parse_yaml

    documents, findings = parse_yaml(shown, data)
    problems = [f"{shown}:{f.span.line}:{f.span.column}: {f.message}" for f in findings]
    if len(documents) > 1:
        problems.append(f"{shown}:1:1: the configuration must be a single YAML document")
    if problems:
        raise ConfigError(problems)
    value = documents[0] if documents else None
    return value, Locator(shown, value)


_TOML_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")
_TOML_PART = r"(?:[A-Za-z0-9_\-]+|\"[^\"]*\"|'[^']*')"
_TOML_KEY = re.compile(rf"^\s*({_TOML_PART}(?:\s*\.\s*{_TOML_PART})*)\s*=")
_TOML_DOT = re.compile(r"\.(?=(?:[^\"']|\"[^\"]*\"|'[^']*')*$)")


def _toml_keys(text: str) -> list[str]:
    return [part.strip().strip("\"'") for part in _TOML_DOT.split(text)]


def _toml_positions(text: str) -> dict[tuple[Any, ...], Span]:
    """Best-effort positions of the tables and keys below ``[tool.kslint]`` (tomllib keeps
    none): enough to point an error at the right line."""
    positions: dict[tuple[Any, ...], Span] = {}
    table: tuple[Any, ...] = ()
    counts: dict[tuple[str, ...], int] = defaultdict(int)
    for number, line in enumerate(text.splitlines(), 1):
        header = _TOML_HEADER.match(line)
        if header:
            parts = tuple(_toml_keys(header.group(2)))
            if header.group(1) == "[[":
                table = (*parts, counts[parts])
                counts[parts] += 1
            else:
                table = parts
            column = line.index("[") + 1
            positions.setdefault(table, Span(number, column, number, len(line) + 1))
            continue
        key = _TOML_KEY.match(line)
        if key:
            column = key.start(1) + 1
            span = Span(number, column, number, key.end(1) + 1)
            positions.setdefault((*table, *_toml_keys(key.group(1))), span)
    prefix = ("tool", "kslint")
    return {path[2:]: span for path, span in positions.items() if path[:2] == prefix}


def read_toml(path: Path, shown: str, data: bytes) -> tuple[Any, Locator]:
    try:
        import tomllib
    except ImportError:  # Python 3.10
        try:
            import tomli as tomllib  # type: ignore[no-redef]
        except ImportError:
            raise ConfigError(
                [f"{shown}:1:1: reading pyproject.toml needs Python 3.11+ or the tomli package"]
            ) from None
    try:
        text = data.decode("utf-8")
        document = tomllib.loads(text)
    except UnicodeDecodeError as exc:
        line, column = _position(data, exc.start)
        raise ConfigError(
            [
                f"{shown}:{line}:{column}: the file is not UTF-8 text (byte "
                f"0x{data[exc.start]:02x} cannot be decoded); TOML files are UTF-8"
            ]
        ) from None
    except RecursionError:  # arrays or tables nested thousands deep
        line, column = _deepest(text)
        raise ConfigError(
            [f"{shown}:{line}:{column}: the TOML nests deeper than {_MAX_TOML_DEPTH} levels"]
        ) from None
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        where = f"{match.group(1)}:{match.group(2)}" if match else "1:1"
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        raise ConfigError([f"{shown}:{where}: TOML syntax error: {message}"]) from None
    tool = document.get("tool", {})
    if not isinstance(tool, dict) or "kslint" not in tool:
        raise ConfigError([f"{shown}:1:1: there is no [tool.kslint] table"])
    positions = _toml_positions(text)
    locator = Locator(shown, None, positions)
    huge = list(_huge_integers(tool["kslint"], ()))
    if huge:
        raise ConfigError(
            [f"{locator.where(path)}: {dotted(path)}: the integer is too large" for path in huge]
        )
    return tool["kslint"], locator


_MAX_TOML_DEPTH = 100
_MAX_INT_BITS = 64  # no setting takes a larger integer; larger ones cannot even be printed


def _position(data: bytes, offset: int) -> tuple[int, int]:
    before = data[:offset]
    return before.count(b"\n") + 1, offset - (before.rfind(b"\n") + 1) + 1


def _deepest(text: str) -> tuple[int, int]:
    """Where brackets first nest deeper than ``_MAX_TOML_DEPTH`` (strings aside)."""
    depth, quote = 0, ""
    for offset, char in enumerate(text):
        if quote:
            if char == quote:
                quote = ""
        elif char in "\"'":
            quote = char
        elif char in "[{":
            depth += 1
            if depth > _MAX_TOML_DEPTH:
                return _position(text[:offset].encode(), len(text[:offset].encode()))
        elif char in "]}":
            depth -= 1
    return 1, 1


def _huge_integers(value: Any, path: tuple[Any, ...]) -> Iterator[tuple[Any, ...]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _huge_integers(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _huge_integers(item, (*path, index))
    elif isinstance(value, int) and value.bit_length() > _MAX_INT_BITS:
        yield path

"""Discover stage: which files to read, in which order, and which to leave out.

Directories are walked recursively in sorted order (hidden directories skipped, symlink
loops harmless); files named on the command line are always read whatever their suffix.
Files that a ``kustomization.yaml`` names as patches are fragments, not objects: a
kustomization in the set, or one in the file's directory or a parent directory (up to the
project root) that is not.
"""

from __future__ import annotations

import fnmatch
import os
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kslint.errors import UsageError
from kslint.loader import Source

MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")
KUSTOMIZATION_NAMES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
STDIN = "-"


@dataclass
class Discovery:
    sources: list[Source] = field(default_factory=list)
    patch_fragments: list[str] = field(default_factory=list)


def display_path(path: Path) -> str:
    """Relative to the working directory when below it, so reports and editors agree."""
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)


def _excluded(path: Path, patterns: list[str]) -> bool:
    if not patterns:
        return False
    shown = display_path(path).replace(os.sep, "/")
    candidates = (shown, path.name, str(path))
    return any(
        fnmatch.fnmatch(candidate, pattern)
        or fnmatch.fnmatch(candidate, pattern.rstrip("/") + "/*")
        for pattern in patterns
        for candidate in candidates
    )


@dataclass(frozen=True)
class PathFilter:
    """A configuration file's ``include``/``exclude`` globs, relative to its directory.

    ``*`` matches across directories; a pattern matching a directory matches everything
    below it; a leading ``**/`` also matches at the top; a pattern without ``/`` matches
    a file or directory name anywhere.
    """

    base: Path
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()

    def relative(self, path: Path) -> str | None:
        try:
            return path.resolve().relative_to(self.base.resolve()).as_posix()
        except ValueError:
            return None

    def excluded(self, path: Path) -> bool:
        relative = self.relative(path)
        return relative is not None and any(glob_match(relative, p) for p in self.exclude)

    def included(self, path: Path) -> bool:
        if not self.include:
            return True
        relative = self.relative(path)
        return relative is not None and any(glob_match(relative, p) for p in self.include)


def glob_match(relative: str, pattern: str) -> bool:
    """Whether a ``/``-separated relative path matches a configuration glob."""
    pattern = pattern.strip().removeprefix("./").rstrip("/")
    candidates = [pattern]
    if pattern.startswith("**/"):
        candidates.append(pattern[3:])
    if "/" not in pattern:
        candidates.append("**/" + pattern)
    return any(
        fnmatch.fnmatchcase(relative, candidate) or fnmatch.fnmatchcase(relative, candidate + "/*")
        for candidate in candidates
    )


def _walk(root: Path, exclude: list[str], path_filter: PathFilter | None = None) -> Iterator[Path]:
    seen: set[tuple[int, int]] = set()
    stack = [root]
    while stack:
        directory = stack.pop()
        try:
            stat = directory.stat()
        except OSError:
            continue
        identity = (stat.st_dev, stat.st_ino)
        if identity in seen:  # a symlink loop, or the same tree reached twice
            continue
        seen.add(identity)
        try:
            entries = sorted(os.scandir(directory), key=lambda entry: entry.name)
        except OSError:
            continue
        subdirectories = []
        for entry in entries:
            path = Path(entry.path)
            if entry.name.startswith(".") or _excluded(path, exclude):
                continue
            if path_filter is not None and path_filter.excluded(path):
                continue
            try:
                if entry.is_dir():
                    subdirectories.append(path)
                elif (
                    entry.is_file()
                    and entry.name.endswith(MANIFEST_SUFFIXES)
                    and (path_filter is None or path_filter.included(path))
                ):
                    yield path
            except OSError:
                continue
        stack.extend(reversed(subdirectories))


def _is_chart_template(path: Path) -> bool:
    """A file below a ``templates/`` folder whose parent holds a ``Chart.yaml``."""
    for parent in path.parents:
        if parent.name == "templates" and (parent.parent / "Chart.yaml").is_file():
            return True
    return False


def _kustomize_patches(path: Path, data: bytes) -> Iterator[Path]:
    """Files a kustomization names as patches (strategic merge or JSON 6902)."""
    from kslint.yaml_reader import parse_yaml

    # The loader's own parser and limits: a kustomization is user input like any manifest
    # (and when broken, the loader reports it as such).
    documents, _ = parse_yaml(str(path), data)
    config: Any = documents[0] if documents else None
    if not isinstance(config, dict):
        return
    entries: list[Any] = []
    for key in ("patchesStrategicMerge", "patches", "patchesJson6902"):
        value = config.get(key)
        if isinstance(value, list):
            entries += value
    for entry in entries:
        target = entry.get("path") if isinstance(entry, dict) else entry
        # An inline patch is a YAML string with newlines, not a path.
        if isinstance(target, str) and "\n" not in target:
            yield (path.parent / target).resolve()


class _AncestorPatches:
    """Patches named by the kustomizations in a file's directory and its parents, up to
    the project root (the first directory holding ``.git``), whether or not those
    kustomizations are being linted: pre-commit passes a changed patch file on its own."""

    def __init__(self) -> None:
        self.by_directory: dict[Path, frozenset[str]] = {}
        self.roots: dict[Path, bool] = {}

    def names(self, path: Path) -> bool:
        for directory in path.parents:
            if str(path) in self._patches(directory):
                return True
            root = self.roots.get(directory)
            if root is None:
                root = self.roots[directory] = (directory / ".git").exists()
            if root:
                break
        return False

    def _patches(self, directory: Path) -> frozenset[str]:
        known = self.by_directory.get(directory)
        if known is None:
            found: set[str] = set()
            for name in KUSTOMIZATION_NAMES:
                candidate = directory / name
                try:
                    if candidate.is_file():
                        data = candidate.read_bytes()
                        found.update(str(p) for p in _kustomize_patches(candidate, data))
                except OSError:
                    continue
            known = self.by_directory[directory] = frozenset(found)
        return known


def discover(
    paths: Iterable[str],
    exclude: list[str] | None = None,
    stdin: Any = None,
    path_filter: PathFilter | None = None,
) -> Discovery:
    """Read every input (each once) in a stable order; raise UsageError for a bad path."""
    exclude = exclude or []
    found: list[tuple[str, Path | None]] = []
    for raw in paths:
        if raw == STDIN:
            found.append((STDIN, None))
            continue
        path = Path(raw)
        if not path.exists():
            raise UsageError(f"path does not exist: {raw}")
        if path.is_dir():
            found += [(display_path(p), p) for p in _walk(path, exclude, path_filter)]
        elif not _excluded(path, exclude) and (
            path_filter is None or (not path_filter.excluded(path) and path_filter.included(path))
        ):
            found.append((display_path(path), path))

    discovery = Discovery()
    seen: set[str] = set()
    contents: list[tuple[str, Path | None, bytes]] = []
    for shown, path in found:
        key = str(path.resolve()) if path is not None else STDIN
        if key in seen:
            continue
        seen.add(key)
        try:
            data = _read(path, stdin)
        except OSError as exc:
            discovery.sources.append(
                Source(shown, b"", error=f"cannot read the file: {exc.strerror}")
            )
            continue
        contents.append((shown, path, data))

    patches: set[str] = set()
    for _, path, data in contents:
        if path is not None and path.name in KUSTOMIZATION_NAMES:
            patches.update(str(p) for p in _kustomize_patches(path, data))
    ancestors = _AncestorPatches()
    for shown, path, data in contents:
        if path is not None and (str(path.resolve()) in patches or ancestors.names(path.resolve())):
            discovery.patch_fragments.append(shown)
            continue
        name = "<stdin>" if path is None else shown
        chart_template = path is not None and _is_chart_template(path.resolve())
        discovery.sources.append(Source(name, data, chart_template))
    return discovery


def _read(path: Path | None, stdin: Any) -> bytes:
    if path is None:
        stream = stdin if stdin is not None else sys.stdin.buffer
        return stream.read()
    return path.read_bytes()


def with_context(
    discovery: Discovery,
    context: list[str],
    exclude: list[str] | None = None,
    path_filter: PathFilter | None = None,
) -> list[Source]:
    """The project files to load as context beside ``discovery`` (the files to lint).

    A file the context's kustomizations name as a patch is a fragment even when it is
    given on the command line (pre-commit passes changed patches too).
    """
    extra = discover(context, exclude, path_filter=path_filter)
    fragments = set(extra.patch_fragments)
    moved = [source.path for source in discovery.sources if source.path in fragments]
    if moved:
        discovery.patch_fragments += moved
        discovery.sources = [s for s in discovery.sources if s.path not in fragments]
    known = {source.path for source in discovery.sources} | set(discovery.patch_fragments)
    return [source for source in extra.sources if source.path not in known]


def only_context(
    discovery: Discovery, paths: list[str], exclude: list[str] | None = None
) -> list[Source]:
    """The files below ``paths`` (``--context``, or files a configuration names as
    context): loaded only to resolve references, so taken out of ``discovery`` when the
    paths to lint cover them too (a cluster dump kept in the repository)."""
    if not paths:
        return []
    extra = discover(paths, exclude)
    names = {source.path for source in extra.sources}
    discovery.sources = [source for source in discovery.sources if source.path not in names]
    return extra.sources

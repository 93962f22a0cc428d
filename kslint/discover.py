"""Discover stage: which files to read, in which order, and which to leave out.

Directories are walked recursively in sorted order (hidden directories skipped, symlink
loops harmless); files named on the command line are always read whatever their suffix.
Files that a ``kustomization.yaml`` names as patches are fragments, not objects: a
kustomization in the set, or one in the file's directory or a parent directory (up to the
project root) that is not.

Reading is bounded: a file (or standard input) is read up to ``MAX_FILE_BYTES`` and no
further, the whole run up to ``Limits.max_bytes``; only regular files are read (a FIFO
would block, ``/dev/zero`` never ends). A symlink met while walking a directory is
followed only when its target is inside that directory (``follow_symlinks`` follows
every one). What cannot be read (a directory or file without permission, a symlink
loop, a FIFO) becomes an unreadable ``Source``, which the loader reports as a finding:
nothing is skipped without a word.
"""

from __future__ import annotations

import errno
import fnmatch
import functools
import hashlib
import operator
import os
import stat as stat_module
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from kslint.errors import UsageError
from kslint.file_text import MAX_FILE_BYTES, size_text
from kslint.loader import Source

MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")
KUSTOMIZATION_NAMES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
# Kustomization names a walk reads though they have no manifest suffix.
_BARE_NAMES = frozenset(n for n in KUSTOMIZATION_NAMES if not n.endswith(MANIFEST_SUFFIXES))
STDIN = "-"


# The run's total input budget (``limits`` in the configuration changes it). A run past
# it reads no more files: each one left is reported, so a CI gate never passes on a
# partial run without a word.
DEFAULT_MAX_BYTES = 256 * 1024 * 1024
DEFAULT_MAX_DOCUMENTS = 1_000_000


@dataclass(frozen=True)
class Limits:
    """What one run may read: bytes over all files, YAML documents over all files, and
    bytes of any one file (or standard input). Set in the configuration (``limits:``)
    or on the command line (``--max-bytes``, ``--max-documents``, ``--max-file-bytes``)."""

    max_bytes: int = DEFAULT_MAX_BYTES
    max_documents: int = DEFAULT_MAX_DOCUMENTS
    max_file_bytes: int = MAX_FILE_BYTES


@dataclass
class Discovery:
    sources: list[Source] = field(default_factory=list)
    patch_fragments: list[str] = field(default_factory=list)
    # Symlinks left out because their target is outside the directory walked.
    outside_links: list[str] = field(default_factory=list)
    read_bytes: int = 0
    # Kustomizations read and parsed here without a problem, by real path: the render
    # stage uses these documents instead of parsing the files again.
    kustomizations: dict[str, Any] = field(default_factory=dict)
    # Every file found (read or not), real path -> the path as shown: a report is never
    # written onto one of them, and resolving each path again took a warm run's time.
    reals: dict[str, str] = field(default_factory=dict)


def real_path(path: Path | str) -> str:
    """The path with every symlink resolved, as far as it can be (``Path.resolve`` raises
    ``RuntimeError`` on a symlink loop in Python 3.11; ``os.path.realpath`` does not).

    Directories are resolved once per run (``_real_directory``): ``os.path.realpath``
    checks every component of every path, which was most of a warm run's time on a big
    tree. Only the last component is checked per file."""
    try:
        head, name = os.path.split(os.fspath(path))
        if name in ("", ".", "..") or os.path.islink(path):
            return os.path.realpath(path)
        # A relative folder is resolved against the working directory of the moment
        # (tests and tools may change it between runs).
        where = "" if os.path.isabs(head) else os.getcwd()
        return os.path.join(_real_directory(where, head or "."), name)
    except (OSError, ValueError):
        return os.path.abspath(path)


# Directories resolved this run, by (working directory, path as given).
_REAL_DIRECTORIES: dict[tuple[str, str], str] = {}


def _real_directory(where: str, directory: str) -> str:
    key = (where, directory)
    known = _REAL_DIRECTORIES.get(key)
    if known is None:
        known = _REAL_DIRECTORIES[key] = os.path.realpath(os.path.join(where, directory))
        # A resolved folder resolves to itself: files later named under it (a render's
        # sources, by their kustomization's real folder) are not resolved a second time.
        _REAL_DIRECTORIES[("", known)] = known
    return known


def forget_real_paths() -> None:
    """Resolve directories afresh (each run starts here: a folder may have become a
    symlink since an earlier run in the same process)."""
    _REAL_DIRECTORIES.clear()
    _display_directory.cache_clear()
    _chart_folder.cache_clear()


def _inside(target: str, root: str) -> bool:
    return target == root or target.startswith(root.rstrip(os.sep) + os.sep)


def display_path(path: Path | str) -> str:
    """Relative to the working directory when below it, so reports and editors agree.
    (Folders are worked out once per run, like ``real_path``'s.)"""
    try:
        head, name = os.path.split(os.fspath(path))
        if name in ("", ".", ".."):
            return os.path.relpath(path)
        folder = _display_directory(os.getcwd(), head or ".")
        return name if folder == "." else os.path.join(folder, name)
    except ValueError:  # another drive on Windows
        return str(path)


@functools.lru_cache(maxsize=16384)
def _display_directory(where: str, directory: str) -> str:
    return os.path.relpath(os.path.join(where, directory), where)


def _shown_folder(directory: Path) -> str:
    """A folder as ``display_path`` shows the files in it ("." for the working directory)."""
    try:
        return _display_directory(os.getcwd(), os.fspath(directory))
    except ValueError:  # another drive on Windows
        return os.fspath(directory)


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
            return Path(real_path(path)).relative_to(real_path(self.base)).as_posix()
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


@dataclass
class _Walk:
    """One directory walk: the files found, in order, and what could not be read.

    Paths are plain strings while walking (a ``Path`` per entry was a third of the walk's
    time on a big tree)."""

    root: Path
    exclude: list[str]
    path_filter: PathFilter | None = None
    follow_symlinks: bool = False
    files: list[str] = field(default_factory=list)
    # Each file as shown and its real path, worked out once per folder: a file that is
    # not a symlink is its folder's real path plus its name (``real_path`` and
    # ``display_path`` would look at every component of every file again).
    shown: list[str] = field(default_factory=list)
    reals: list[str] = field(default_factory=list)
    # Real folder -> which kustomization files and ``.git`` it holds (``_AncestorPatches``
    # reads this instead of looking again); folders holding none are not listed.
    marks: dict[str, frozenset[str]] = field(default_factory=dict)
    # Every real folder walked (a folder not in ``marks`` holds no mark).
    folders: set[str] = field(default_factory=set)
    unreadable: list[tuple[str, str]] = field(default_factory=list)
    outside_links: list[str] = field(default_factory=list)

    def run(self) -> _Walk:
        seen: set[tuple[int, int]] = set()
        top = real_path(self.root)
        # (folder, its real path, what goes before a name to show a file in it): a
        # subfolder's shown path is its parent's plus its name (``relpath`` is lexical),
        # worked out per folder instead of with ``relpath`` per folder.
        stack = [(os.fspath(self.root), top, _below(_shown_folder(self.root)))]
        while stack:
            directory, real_directory, shown_prefix = stack.pop()
            try:
                stat = os.stat(directory)
            except OSError as exc:
                self.unreadable.append((directory, _reason(exc)))
                continue
            identity = (stat.st_dev, stat.st_ino)
            if identity in seen:  # a symlink loop, or the same tree reached twice
                continue
            seen.add(identity)
            try:
                entries = sorted(os.scandir(directory), key=_BY_NAME)
            except OSError as exc:
                self.unreadable.append((directory, _reason(exc)))
                continue
            self.folders.add(real_directory)
            marks = [entry.name for entry in entries if entry.name in _MARKS and _exists(entry)]
            if marks:
                self.marks[real_directory] = frozenset(marks)
            self._entries(entries, top, _below(real_directory), shown_prefix)
            stack.extend(
                (path, real, shown_prefix + name + os.sep)
                for path, real, name in reversed(self._subdirectories)
            )
        return self

    def _entries(
        self, entries: list[os.DirEntry[str]], top: str, real_prefix: str, shown_prefix: str
    ) -> None:
        """Take one folder's entries: its manifests, and its subfolders to walk next.
        (The common case, a file or folder that is not a symlink and no filter, takes no
        call beyond ``DirEntry``'s own: this loop runs once per entry of the tree.)"""
        self._subdirectories: list[tuple[str, str, str]] = []
        filtered = bool(self.exclude) or self.path_filter is not None
        for entry in entries:
            name = entry.name
            if name.startswith(".") or (filtered and not self._wanted(entry)):
                continue
            if not entry.is_symlink():
                try:
                    if entry.is_dir():
                        self._subdirectories.append((entry.path, real_prefix + name, name))
                    elif _manifest_name(name) and entry.is_file():
                        if filtered and not self._manifest(entry):
                            continue
                        self.files.append(entry.path)
                        self.reals.append(real_prefix + name)
                        self.shown.append(shown_prefix + name)
                except OSError as exc:
                    self.unreadable.append((entry.path, _reason(exc)))
                continue
            self._link(entry, top, shown_prefix)

    def _link(self, entry: os.DirEntry[str], top: str, shown_prefix: str) -> None:
        """A symlink: followed when its target is inside the walked folder (or with
        ``follow_symlinks``); a broken one named like a manifest is reported."""
        path = entry.path
        real = real_path(path)
        if not self.follow_symlinks and not _inside(real, top):
            self.outside_links.append(path)
            return
        try:
            if entry.is_dir():
                self._subdirectories.append((path, real, entry.name))
            elif entry.is_file():
                if self._manifest(entry):
                    self.files.append(path)
                    self.reals.append(real)
                    self.shown.append(shown_prefix + entry.name)
            elif _manifest_name(entry.name):
                self.unreadable.append((path, _broken_link(path)))
        except OSError as exc:
            self.unreadable.append((path, _reason(exc)))

    def _wanted(self, entry: os.DirEntry[str]) -> bool:
        if self.exclude and _excluded(Path(entry.path), self.exclude):
            return False
        return self.path_filter is None or not self.path_filter.excluded(Path(entry.path))

    def _manifest(self, entry: os.DirEntry[str]) -> bool:
        return _manifest_name(entry.name) and (
            self.path_filter is None or self.path_filter.included(Path(entry.path))
        )


def _manifest_name(name: str) -> bool:
    return name.endswith(MANIFEST_SUFFIXES) or name in _BARE_NAMES


_BY_NAME = operator.attrgetter("name")


def _folder_of(real: str) -> str:
    """``os.path.dirname`` of an absolute, normalised path (a real path), without its
    general-case work: it runs once or twice per file of the tree."""
    folder = real.rpartition(os.sep)[0]
    return folder or os.sep


def _below(folder: str) -> str:
    """What goes before a name to make the path of a file in ``folder`` ("" for the
    working directory as shown): a string join instead of ``os.path.join`` per file."""
    if folder == ".":
        return ""
    return folder if folder.endswith(os.sep) else folder + os.sep


# What ``_AncestorPatches`` looks for in a folder: a kustomization, or ``.git`` (the top
# of the project).
_MARKS = frozenset((*KUSTOMIZATION_NAMES, ".git"))


def _exists(entry: os.DirEntry[str]) -> bool:
    """A kustomization that is a file, or a ``.git`` of any kind (as ``os.path``'s
    ``isfile`` and ``exists`` would say)."""
    try:
        if entry.name in KUSTOMIZATION_NAMES:
            return entry.is_file()
        return not entry.is_symlink() or os.path.exists(entry.path)
    except OSError:
        return False


def _reason(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__


def _broken_link(path: str) -> str:
    try:
        os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "a symlink loop"
        if exc.errno == errno.ENOENT:
            return f"a symlink to {os.readlink(path)!r}, which does not exist"
        return _reason(exc)
    return "not a regular file"


@functools.lru_cache(maxsize=16384)
def _chart_folder(directory: str) -> bool:
    """Whether ``directory`` is, or is below, a chart's ``templates/`` folder."""
    parent = os.path.dirname(directory)
    if os.path.basename(directory) == "templates" and os.path.isfile(
        os.path.join(parent, "Chart.yaml")
    ):
        return True
    return parent != directory and _chart_folder(parent)


class PatchMemo:
    """What kustomizations name as patch files, by the SHA-256 of their bytes: kept in
    the content cache between runs (``kslint.pipeline``), so a run whose kustomizations
    have not changed parses none of them to find their patches. ``used``: the entries
    this run needed (the next one keeps only those)."""

    def __init__(self, known: dict[str, list[str]] | None = None) -> None:
        self.known = known or {}
        self.used: dict[str, list[str]] = {}
        self.changed = False

    def targets(self, data: bytes, parse: Callable[[], list[str]]) -> list[str]:
        key = hashlib.sha256(data).hexdigest()
        found = self.known.get(key)
        if found is None:
            found = self.known[key] = parse()
            self.changed = True
        self.used[key] = found
        return found


def _kustomize_patches(
    path: Path | str,
    data: bytes,
    parsed: dict[str, Any] | None = None,
    real: str = "",
    memo: PatchMemo | None = None,
) -> Iterator[str]:
    """Files a kustomization names as patches (strategic merge or JSON 6902), as real
    paths. ``parsed``: where to keep its document (by ``real``, its real path) when it
    parses without a problem; ``memo``: what earlier runs found in the same bytes."""
    # Every key that names patch files has "patches" in its name; only a double-quoted
    # key could spell it with escapes, only UTF-16 or UTF-32 text without the ASCII
    # bytes. Most kustomizations name no patch: not parsed.
    if not (b"patches" in data or b"\\" in data or b"\0" in data or data[:1] in b"\xfe\xff"):
        return
    targets = (
        _patch_targets(path, data, parsed, real)
        if memo is None
        else memo.targets(data, lambda: _patch_targets(path, data, parsed, real))
    )
    folder = os.path.dirname(os.fspath(path))
    for target in targets:
        yield real_path(os.path.join(folder, target))


def _patch_targets(
    path: Path | str, data: bytes, parsed: dict[str, Any] | None, real: str
) -> list[str]:
    """The patch file names a kustomization's bytes hold, as written."""
    from kslint.yaml_reader import parse_yaml

    # The loader's own parser and limits: a kustomization is user input like any manifest
    # (and when broken, the loader reports it as such).
    documents, problems = parse_yaml(str(path), data)
    config: Any = documents[0] if documents else None
    if parsed is not None and not problems and len(documents) == 1:
        parsed[real] = config
    if not isinstance(config, dict):
        return []
    entries: list[Any] = []
    for key in ("patchesStrategicMerge", "patches", "patchesJson6902"):
        value = config.get(key)
        if isinstance(value, list):
            entries += value
    targets = []
    for entry in entries:
        target = entry.get("path") if isinstance(entry, dict) else entry
        # An inline patch is a YAML string with newlines, not a path; a NUL byte cannot
        # be in a path (the loader reports the kustomization if it matters).
        if isinstance(target, str) and "\n" not in target and "\0" not in target:
            targets.append(str(target))
    return targets


class _AncestorPatches:
    """Patches named by the kustomizations in a file's directory and its parents, up to
    the project root (the first directory holding ``.git``), whether or not those
    kustomizations are being linted: pre-commit passes a changed patch file on its own.

    Folders are plain strings (real paths): ``pathlib`` objects per file and folder were
    most of this class's time on a big tree."""

    def __init__(self, memo: PatchMemo | None = None) -> None:
        self.memo = memo
        self.by_directory: dict[str, frozenset[str]] = {}
        # directory -> the patches named from it up to the project root: one lookup per
        # file instead of a walk up its parents (most of discovery's time on a big tree)
        self.upward: dict[str, frozenset[str]] = {}
        self.parsed: dict[str, frozenset[str]] = {}  # kustomization -> the patches it names
        # What walks saw: every real folder, and the marks (``_MARKS``) of those that
        # hold some; other folders are looked at.
        self.folders: set[str] = set()
        self.marks: dict[str, frozenset[str]] = {}

    def walked(self, folders: set[str], marks: dict[str, frozenset[str]]) -> None:
        self.folders |= folders
        self.marks.update(marks)

    def _holds(self, directory: str, name: str) -> bool:
        """Whether ``directory`` holds ``name`` (a file, for a kustomization)."""
        if directory in self.folders:
            return name in self.marks.get(directory, ())
        candidate = os.path.join(directory, name)
        if name in KUSTOMIZATION_NAMES:
            return os.path.isfile(candidate)
        return os.path.exists(candidate)

    def names(self, real: str) -> bool:
        """Whether the file at ``real`` (a real path) is a patch named from above."""
        return real in self._upward(_folder_of(real))

    def _upward(self, directory: str) -> frozenset[str]:
        known = self.upward.get(directory)
        if known is None:
            known = self._patches(directory)
            parent = os.path.dirname(directory)
            root = self._holds(directory, ".git")
            if not root and parent != directory:
                known = known | self._upward(parent)
            self.upward[directory] = known
        return known

    def read(self, kustomization: str, patches: frozenset[str]) -> None:
        """What a kustomization the run has read already names (it is not parsed again);
        ``kustomization``: its real path."""
        self.parsed[kustomization] = patches

    def _patches(self, directory: str) -> frozenset[str]:
        known = self.by_directory.get(directory)
        if known is None:
            found: set[str] = set()
            for name in KUSTOMIZATION_NAMES:
                candidate = os.path.join(directory, name)
                if candidate in self.parsed:
                    found |= self.parsed[candidate]
                    continue
                try:
                    if self._holds(directory, name):
                        with open(candidate, "rb") as stream:
                            data = stream.read(MAX_FILE_BYTES + 1)
                        if len(data) <= MAX_FILE_BYTES:
                            found.update(_kustomize_patches(candidate, data, memo=self.memo))
                except OSError:
                    continue
            known = self.by_directory[directory] = frozenset(found)
        return known


def discover(
    paths: Iterable[str],
    exclude: list[str] | None = None,
    stdin: Any = None,
    path_filter: PathFilter | None = None,
    *,
    limits: Limits | None = None,
    follow_symlinks: bool = False,
    spent: int = 0,
    require_some: bool = True,
    patch_memo: PatchMemo | None = None,
) -> Discovery:
    """Read every input (each once) in a stable order; raise UsageError for a bad path,
    or (``require_some``) when nothing at all could be read. ``spent``: bytes the run
    read before; ``patch_memo``: the patch files of kustomizations earlier runs read."""
    forget_real_paths()
    exclude = exclude or []
    limits = limits or Limits()
    discovery = Discovery(read_bytes=spent)
    found: list[_Found] = []
    ancestors = _AncestorPatches(patch_memo)
    for raw in paths:
        if raw == STDIN:
            found.append(_Found(STDIN, None))
            continue
        found += _named(raw, exclude, path_filter, follow_symlinks, discovery, ancestors)

    seen: set[str] = set()
    opened = False  # some input could be read (even if it then proved too big)
    contents: list[tuple[str, str | Path | None, bytes]] = []
    resolved: dict[str, str] = {}  # shown -> the real path (worked out once per file)
    for shown, path, unreadable, real in found:
        key = resolved[shown] = STDIN if path is None else real or real_path(path)
        if path is not None:
            discovery.reals.setdefault(key, shown)
        if key in seen:
            continue
        seen.add(key)
        name = "<stdin>" if path is None else shown
        if unreadable is not None:
            discovery.sources.append(Source(name, b"", error=unreadable))
            continue
        if discovery.read_bytes >= limits.max_bytes:
            discovery.sources.append(Source(name, b"", error=_over_budget(limits)))
            opened = True
            continue
        data, problem, unreadable = read_input(path, stdin, shown, limits.max_file_bytes)
        if problem is not None:
            discovery.sources.append(Source(name, b"", error=problem))
            opened = opened or not unreadable
            continue
        discovery.read_bytes += len(data)
        contents.append((shown, path, data))
    if require_some and found and not contents and not opened:
        reasons = "; ".join(str(source.error) for source in discovery.sources[:3])
        raise UsageError(f"nothing could be read: {reasons}")

    patches: set[str] = set()
    for shown, path, data in contents:
        if path is not None and os.path.basename(path) in KUSTOMIZATION_NAMES:
            real = resolved[shown]
            named = frozenset(
                _kustomize_patches(path, data, discovery.kustomizations, real, patch_memo)
            )
            patches |= named
            ancestors.read(resolved[shown], named)
    for shown, path, data in contents:
        real = resolved[shown]
        if path is not None and (real in patches or ancestors.names(real)):
            discovery.patch_fragments.append(shown)
            continue
        name = "<stdin>" if path is None else shown
        chart_template = path is not None and _chart_folder(_folder_of(real))
        discovery.sources.append(Source(name, data, chart_template))
    return discovery


class _Found(NamedTuple):
    """One input found: the path as shown, the path (None: standard input), why it
    cannot be read, its real path when the walk worked it out already."""

    shown: str
    path: str | Path | None
    unreadable: str | None = None
    real: str | None = None


def _named(
    raw: str,
    exclude: list[str],
    path_filter: PathFilter | None,
    follow_symlinks: bool,
    discovery: Discovery,
    ancestors: _AncestorPatches,
) -> list[_Found]:
    """What one command-line path stands for: itself, or the files below it."""
    path = Path(raw)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise UsageError(f"path does not exist: {raw}") from None
    except (OSError, ValueError) as exc:  # a parent without permission, a symlink loop
        reason = _reason(exc) if isinstance(exc, OSError) else str(exc)
        return [_Found(display_path(path), path, f"Cannot read {raw}: {reason}")]
    if stat_module.S_ISDIR(info.st_mode):
        walk = _Walk(path, exclude, path_filter, follow_symlinks).run()
        discovery.outside_links += [display_path(p) for p in walk.outside_links]
        ancestors.walked(walk.folders, walk.marks)
        found = [
            _Found(shown, p, None, real)
            for p, shown, real in zip(walk.files, walk.shown, walk.reals, strict=True)
        ]
        found += [
            _Found(display_path(p), p, f"Cannot read {display_path(p)}: {why}")
            for p, why in walk.unreadable
        ]
        return found
    if _excluded(path, exclude) or (
        path_filter is not None and (path_filter.excluded(path) or not path_filter.included(path))
    ):
        return []
    return [_Found(display_path(path), path)]


def _over_budget(limits: Limits) -> str:
    return (
        f"Not read: the run already read {limits.max_bytes:,} bytes, its limit "
        "(--max-bytes, or limits.max_bytes in the configuration, raises it)"
    )


class Read(NamedTuple):
    """What reading one input gave: its bytes, or why not. ``unreadable``: it could not
    be opened or is not a file (a problem of access); otherwise it was too big."""

    data: bytes
    problem: str | None = None
    unreadable: bool = False


def read_input(
    path: str | Path | None,
    stdin: Any = None,
    shown: str | None = None,
    limit: int = MAX_FILE_BYTES,
) -> Read:
    """The bytes of a file (None: standard input), read up to ``limit`` bytes and no
    further; or why it is not read (not a regular file, no permission, too big).
    ``shown``: the path as reports show it (worked out here when not given)."""
    size = size_text(limit)
    if path is None:
        stream = stdin if stdin is not None else sys.stdin.buffer
        data = stream.read(limit + 1)
        if len(data) > limit:
            return Read(b"", f"Standard input is over the {size} limit of one input")
        return Read(data)
    shown = shown or display_path(path)
    try:
        # O_NONBLOCK: opening a FIFO without a writer would otherwise wait forever.
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except (OSError, ValueError) as exc:
        reason = _reason(exc) if isinstance(exc, OSError) else str(exc)
        return Read(b"", f"Cannot read {shown}: {reason}", unreadable=True)
    try:
        info = os.fstat(descriptor)
        if not stat_module.S_ISREG(info.st_mode):
            kind = _file_type(info.st_mode)
            problem = f"{shown} is not a regular file ({kind}): not read; {_PIPE_HINT}"
            return Read(b"", problem, unreadable=True)
        if info.st_size > limit:
            return Read(b"", f"{shown} is {info.st_size:,} bytes, over the {size} limit")
        try:
            data = _read_upto(descriptor, limit + 1, info.st_size)
        except OSError as exc:
            return Read(b"", f"Cannot read {shown}: {_reason(exc)}", unreadable=True)
    finally:
        os.close(descriptor)
    if len(data) > limit:
        return Read(b"", f"{shown} is over the {size} limit")
    return Read(data)


def _read_upto(descriptor: int, most: int, size: int) -> bytes:
    """Up to ``most`` bytes of an open file, whose size was ``size`` when looked at: read
    in one call when it has not changed, in more when it grows meanwhile (and no further
    than ``most``). Plain ``os.read`` calls: a buffered file object per input was a fifth
    of a warm run's discovery time on a big tree."""
    first = os.read(descriptor, min(size + 1, most)) if size else b""
    if size and len(first) in (0, size):
        # All it held when looked at (or nothing: it shrank since): no second call to
        # see the end, which was a sixth of a warm run's system calls.
        return first
    chunks = [first]
    total = len(first)
    while total < most:
        chunk = os.read(descriptor, min(max(size, 65536), most - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


_PIPE_HINT = "kslint reads regular files, and standard input with `kslint lint -`"


def _file_type(mode: int) -> str:
    for test, name in (
        (stat_module.S_ISFIFO, "a FIFO"),
        (stat_module.S_ISCHR, "a character device"),
        (stat_module.S_ISBLK, "a block device"),
        (stat_module.S_ISSOCK, "a socket"),
        (stat_module.S_ISDIR, "a directory"),
    ):
        if test(mode):
            return name
    return "not a file"


def with_context(
    discovery: Discovery,
    context: list[str],
    exclude: list[str] | None = None,
    path_filter: PathFilter | None = None,
    *,
    limits: Limits | None = None,
    follow_symlinks: bool = False,
    patch_memo: PatchMemo | None = None,
) -> list[Source]:
    """The project files to load as context beside ``discovery`` (the files to lint).

    A file the context's kustomizations name as a patch is a fragment even when it is
    given on the command line (pre-commit passes changed patches too). The context shares
    the run's byte budget with the files to lint.
    """
    extra = discover(
        context,
        exclude,
        path_filter=path_filter,
        limits=limits,
        follow_symlinks=follow_symlinks,
        spent=discovery.read_bytes,
        require_some=False,
        patch_memo=patch_memo,
    )
    for real, shown in extra.reals.items():
        discovery.reals.setdefault(real, shown)
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
    for real, shown in extra.reals.items():
        discovery.reals.setdefault(real, shown)
    names = {source.path for source in extra.sources}
    discovery.sources = [source for source in discovery.sources if source.path not in names]
    return extra.sources

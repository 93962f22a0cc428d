"""Reading kustomization files: what each one names, which are roots, what a root consumes.

kslint reads kustomizations itself for three things kustomize does not tell it: which
directories are roots (no other kustomization in the set uses them as a resource), which
files a root's render consumes (they are then not linted again as plain files), and the
chain of kustomizations an object passes through on its way out (to credit patches and
fields, ``kslint.render.credits``). Files are read with the loader's parser and limits.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from kslint.discover import KUSTOMIZATION_NAMES, display_path, real_path
from kslint.findings import Finding
from kslint.nodes import YMap
from kslint.yaml_reader import parse_yaml

# Fields that name files below the kustomization's directory (besides resources,
# components and patches, read separately).
_FILE_LISTS = ("crds", "configurations", "generators", "transformers", "validators")
_GENERATORS = ("configMapGenerator", "secretGenerator")


def kustomization_file(directory: Path) -> Path | None:
    for name in KUSTOMIZATION_NAMES:
        candidate = directory / name
        if _is_file(candidate):
            return candidate
    return None


def is_remote(entry: str) -> bool:
    """A resource kustomize fetches (git or HTTP), not a local path."""
    return "://" in entry or entry.startswith(("git@", "github.com/", "gitlab.com/"))


@dataclass
class Kustomization:
    """One kustomization file as kslint reads it (``doc`` is None when it is broken)."""

    path: Path  # resolved
    doc: YMap | None
    text: str
    problems: list[Finding] = field(default_factory=list)  # invalid-yaml and the like

    @property
    def directory(self) -> Path:
        return self.path.parent

    @property
    def is_component(self) -> bool:
        return self.doc is not None and self.doc.get("kind") == "Component"

    def strings(self, key: str) -> Iterator[tuple[int, str]]:
        value = self.doc.get(key) if self.doc is not None else None
        if isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, str):
                    yield index, item

    def entries(self, key: str) -> Iterator[tuple[int, Any]]:
        value = self.doc.get(key) if self.doc is not None else None
        if isinstance(value, list):
            yield from enumerate(value)

    def local(self, entry: str) -> Path | None:
        if is_remote(entry):
            return None
        return self.below(entry)

    def below(self, entry: str) -> Path:
        """A path the kustomization names, made absolute (``..`` folded, as kustomize
        does; the directory itself is already resolved)."""
        return Path(os.path.normpath(self.directory / entry))

    @cached_property
    def resources(self) -> list[Path]:
        """Local resources (files and directories), resolved."""
        found = [self.local(entry) for _, entry in self.strings("resources")]
        found += [self.local(entry) for _, entry in self.strings("bases")]  # deprecated name
        return [path for path in found if path is not None]

    @cached_property
    def components(self) -> list[Path]:
        found = [self.local(entry) for _, entry in self.strings("components")]
        return [path for path in found if path is not None]

    @property
    def remote(self) -> list[str]:
        return [e for key in ("resources", "bases") for _, e in self.strings(key) if is_remote(e)]

    @property
    def helm_charts(self) -> bool:
        return bool(self.doc is not None and self.doc.get("helmCharts"))

    def patch_files(self) -> Iterator[Path]:
        for _, entry in self.strings("patchesStrategicMerge"):
            if "\n" not in entry:
                yield self.below(entry)
        for key in ("patches", "patchesJson6902"):
            for _, entry in self.entries(key):
                if isinstance(entry, dict) and isinstance(entry.get("path"), str):
                    yield self.below(entry["path"])

    def data_files(self) -> Iterator[Path]:
        """Generator sources, CRDs, configurations, replacement and values files."""
        for key in _FILE_LISTS:
            for _, entry in self.strings(key):
                yield self.below(entry)
        for key in _GENERATORS:
            for _, entry in self.entries(key):
                if not isinstance(entry, dict):
                    continue
                names = [*_list(entry.get("files")), *_list(entry.get("envs"))]
                if isinstance(entry.get("env"), str):
                    names.append(entry["env"])
                for name in names:
                    yield self.below(name.rpartition("=")[2])
        for _, entry in self.entries("replacements"):
            if isinstance(entry, dict) and isinstance(entry.get("path"), str):
                yield self.below(entry["path"])
        for _, entry in self.entries("helmCharts"):
            if isinstance(entry, dict) and isinstance(entry.get("valuesFile"), str):
                yield self.below(entry["valuesFile"])


def _list(value: Any) -> list[str]:
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


@dataclass
class KustomizationReader:
    """Reads each kustomization once per run. ``known``: kustomization files the run has
    read already (by resolved path: the bytes, and the document when discovery parsed it
    without a problem), so they are not read, or parsed, again."""

    known: Mapping[Path, tuple[bytes, Any]] = field(default_factory=dict)
    cache: dict[Path, Kustomization | None] = field(default_factory=dict)
    _children: dict[Path, list[Kustomization]] = field(default_factory=dict)
    _files: dict[Path, frozenset[Path]] = field(default_factory=dict)  # ``_own_files``
    _reach: dict[Path, tuple[list[Kustomization], dict[Path, Kustomization | None]]] = field(
        default_factory=dict
    )

    def at(self, directory: Path) -> Kustomization | None:
        found = self.cache.get(directory, self)  # paths as given, then resolved
        if found is not self:
            return found  # type: ignore[return-value]
        resolved = Path(real_path(directory))
        if resolved not in self.cache:
            self.cache[resolved] = self._read(resolved)
        self.cache[directory] = self.cache[resolved]
        return self.cache[resolved]

    def _read(self, directory: Path) -> Kustomization | None:
        """The kustomization of a resolved directory (the first of its names that is a
        file, as in ``kustomization_file``)."""
        path = None
        for name in KUSTOMIZATION_NAMES:
            candidate = directory / name
            known = self.known.get(candidate)
            if known is not None:  # read by this run (a resolved path: no symlink)
                data, document = known
                if isinstance(document, YMap):
                    text = data.decode("utf-8", "replace")
                    return Kustomization(candidate, document, text, [])
                return self._parse(candidate, candidate, data)
            if _is_file(candidate):
                path = candidate
                break
        if path is None:
            return None
        try:
            data = path.read_bytes()
        except OSError:
            return Kustomization(Path(real_path(path)), None, "")
        return self._parse(path, Path(real_path(path)), data)

    @staticmethod
    def _parse(path: Path, resolved: Path, data: bytes) -> Kustomization:
        documents, problems = parse_yaml(display_path(path), data)
        doc = documents[0] if documents and isinstance(documents[0], YMap) else None
        return Kustomization(resolved, doc, data.decode("utf-8", "replace"), problems)

    def children(self, kustomization: Kustomization) -> list[Kustomization]:
        """The kustomizations it uses: resource directories, then components."""
        known = self._children.get(kustomization.path)
        if known is None:
            known = []
            for path in [*kustomization.resources, *kustomization.components]:
                child = self.at(path) if _is_dir(path) else None
                if child is not None:
                    known.append(child)
            self._children[kustomization.path] = known
        return known

    def parents(
        self, root: Kustomization
    ) -> tuple[list[Kustomization], dict[Path, Kustomization | None]]:
        """Every kustomization ``root`` reaches (breadth first) and the one that first
        reached each."""
        known = self._reach.get(root.path)
        if known is None:
            parents: dict[Path, Kustomization | None] = {root.path: None}
            order = [root]
            for current in order:
                for child in self.children(current):
                    if child.path not in parents:
                        parents[child.path] = current
                        order.append(child)
            known = self._reach[root.path] = (order, parents)
        return known

    def closure(self, root: Kustomization) -> list[Kustomization]:
        """The root and every kustomization it reaches, each once, in reading order."""
        seen: dict[Path, Kustomization] = {}
        stack = [root]
        while stack:
            current = stack.pop()
            if current.path in seen:
                continue
            seen[current.path] = current
            stack.extend(reversed(self.children(current)))
        return list(seen.values())

    def consumed(self, root: Kustomization) -> set[Path]:
        """Every local file a render of ``root`` reads."""
        files: set[Path] = set()
        for kustomization in self.closure(root):
            files |= self._own_files(kustomization)
        return files

    def _own_files(self, kustomization: Kustomization) -> frozenset[Path]:
        """The kustomization file and the local files it names itself, worked out once
        per run: a base that many overlays use is in the closure of each."""
        known = self._files.get(kustomization.path)
        if known is None:
            files = {kustomization.path}
            files.update(path for path in kustomization.resources if _is_file(path))
            files.update(kustomization.patch_files())
            files.update(kustomization.data_files())
            known = self._files[kustomization.path] = frozenset(files)
        return known

    def roots(self, directories: Iterable[Path]) -> list[Kustomization]:
        """The kustomizations among ``directories`` that no other one of them uses as a
        resource or component; components are never roots."""
        found = [k for k in (self.at(d) for d in directories) if k is not None]
        used: set[Path] = set()
        for kustomization in found:
            used.update(child.path for child in self.children(kustomization))
        roots = [k for k in found if k.path not in used and not k.is_component]
        return sorted({k.path: k for k in roots}.values(), key=lambda k: str(k.path))


def _is_dir(path: Path) -> bool:
    """``Path.is_dir``, false for a path the system refuses (too long, a NUL byte)
    instead of raising: the paths a kustomization names are user input."""
    try:
        return path.is_dir()
    except (OSError, ValueError):
        return False


def _is_file(path: Path) -> bool:
    """``Path.is_file``, false for a path the system refuses (as ``_is_dir``)."""
    try:
        return path.is_file()
    except (OSError, ValueError):
        return False

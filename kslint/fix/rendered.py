"""Fixes for findings in rendered units: only where the edit reaches exactly the flagged object.

The render stage moves a finding in kustomize output to the source node a person edits
(``kslint.render.sourcemap``). A fix may edit that node only when the edit changes the
flagged rendered object and nothing else, so a finding is refused, with the reason, when:

- it points at a patch or a kustomization field, not at the object's own document (the
  fix would have to be written into the patch);
- its document is in a file that more than one deployment unit uses (a base of two
  overlays; every kustomization in the repository is read to find them, not only those
  linted): an edit there changes every unit;
- the edit writes a path that a patch or a kustomization field of the unit sets,
  replaces, removes or merges beside (kustomize would override the edit, or combine it
  with the overlay's values into something else); or it writes another object, or adds
  one (the render's name prefixes, labels and patches would change it);
- a kustomization on the way uses ``transformers``, ``vars`` or a replacements file,
  which kslint does not read (they may set any value);
- the unit is a Helm chart (its templates are text, not the object's YAML).

What patches and fields set comes from ``kslint.render.credits`` (the values the render
shows they set), and from kslint's own reading of each patch that may apply, for what
leaves no rendered value to credit (a JSON 6902 ``remove``, a ``$patch`` directive).

The document to edit is loaded from the file as it is now (as a plain source), so the
planner edits it like any other object; the rendered object stays what builders read
through the graph.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path as FsPath
from typing import Any

from kslint.config import repository_root
from kslint.discover import KUSTOMIZATION_NAMES
from kslint.findings import Finding
from kslint.fix.plan import Fix
from kslint.fix.targets import decode
from kslint.loader import Source, load_sources
from kslint.nodes import Path, YMap, YSeq, dotted
from kslint.objects import K8sObject
from kslint.render import RenderedUnit, Renders, unit_name
from kslint.render.credits import Credit, Patch, patches
from kslint.render.kustomization import KustomizationReader
from kslint.render.kustomize import KustomizeObject

# Folders never searched for other kustomizations that may use a base.
_SKIPPED_DIRS = frozenset({"node_modules", "vendor", "__pycache__"})


class RenderedScope:
    """The ``kslint.fix.plan.Scope`` of one lint's renders. ``read(path)`` gives a file's
    bytes as they are now (None: not readable)."""

    def __init__(
        self,
        renders: Renders,
        read: Callable[[str], bytes | None],
        namespace: str,
        project_root: FsPath | None = None,
    ) -> None:
        self.renders = renders
        self.read = read
        self.namespace = namespace
        self.project_root = project_root  # unit names are relative to it (None: cwd)
        self._loaded: dict[str, list[K8sObject]] = {}
        self._entries: dict[int, KustomizeObject] = {}
        self._repositories: dict[FsPath, dict[FsPath, list[FsPath]]] = {}

    # -- Scope -------------------------------------------------------------------------

    def owner(self, finding: Finding) -> tuple[K8sObject, K8sObject] | str | None:
        units = [u for u in self.renders.units if u.name in finding.units and u.render_map]
        if finding.obj is None or not units:
            return None  # not a finding in rendered output
        if any(unit.tool != "kustomize" for unit in units):
            return (
                "rendered by Helm: a fix would have to be written into the chart's "
                "template; fix it there by hand"
            )
        entry = _entry(units[0], finding)
        if entry is None or entry.origin_document is None:
            return (
                "no document in the repository is this object's source (a generator or a "
                "remote base made it): fix it by hand"
            )
        shown, document = entry.origin_document
        if finding.file != shown:
            return _not_the_document(finding.file, shown, entry)
        users = self._users(finding, shown)
        if isinstance(users, str):
            return users
        if len(users) > 1:
            return (
                f"kustomize base shared by {_and(users)}: an edit here changes every unit "
                "that uses it; fix it in an overlay by hand"
            )
        obj = self._source_object(shown, document, entry)
        if isinstance(obj, str):
            return obj
        self._entries[id(finding)] = entry
        return obj, entry.obj

    def objects_in(self, path: str) -> list[K8sObject]:
        return self._loaded.get(path, [])

    def refusal(self, finding: Finding, fix: Fix) -> str | None:
        entry = self._entries.get(id(finding))
        if entry is None:
            return "no source document to edit"
        for obj, path in fix.targets:
            if path is None:
                return (
                    f"the fix adds an object beside {obj} in a file kustomize renders (its "
                    "name prefixes, labels and patches would change it): fix it by hand"
                )
            if obj.file.path != finding.file or obj.body.span != self._body_span(finding):
                return (
                    f"the fix edits {obj}, not only the flagged object, in a rendered unit: "
                    "fix it by hand"
                )
        unread = _unread_transformers(entry)
        if unread is not None:
            return unread
        paths = [path for _, path in fix.targets if path is not None]
        for path in paths:
            reason = _overridden(entry, path)
            if reason is not None:
                return reason
        return None

    # -- helpers -----------------------------------------------------------------------

    def _body_span(self, finding: Finding) -> Any:
        entry = self._entries[id(finding)]
        assert entry.origin_document is not None
        return entry.origin_document[1].span

    def _users(self, finding: Finding, shown: str) -> list[str] | str:
        """Every deployment unit that uses the file: the finding's, the renders' and the
        repository's other root kustomizations (a run may name one overlay of several),
        by name."""
        resolved = FsPath(shown).resolve()
        roots = {
            FsPath(u.root_file).resolve().parent: u.name
            for u in self.renders.units
            if resolved in u.consumed or u.name in finding.units
        }
        others = self._repository_users(resolved)
        if isinstance(others, str):
            return others
        for directory in others:
            roots.setdefault(directory, unit_name(directory, self.project_root))
        return sorted(set(roots.values()))

    def _repository_users(self, resolved: FsPath) -> list[FsPath] | str:
        top = repository_root(resolved.parent)
        if top is None:
            top = FsPath.cwd().resolve()
            if not resolved.is_relative_to(top):
                return (
                    f"{resolved} is outside the repository kslint can search, so other "
                    "kustomizations may use it: fix it by hand"
                )
        if top not in self._repositories:
            self._repositories[top] = _consumers(top)
        return self._repositories[top].get(resolved, [])

    def _source_object(self, shown: str, document: YMap, entry: KustomizeObject) -> K8sObject | str:
        """The object read from ``shown`` as it is now whose document is ``document``."""
        data = self.read(shown)
        if data is None:
            return f"{shown} is not a file kslint can write"
        decoded = decode(data)
        rendered_from = entry.files.files.get(FsPath(shown).resolve())
        if isinstance(decoded, str):
            return decoded
        if rendered_from is None or decoded[0] != rendered_from.text.removeprefix("\ufeff"):
            return f"{shown} changed since kustomize read it: run kslint fix again"
        if shown not in self._loaded:
            self._loaded[shown] = load_sources([Source(shown, data)], self.namespace).objects
        for obj in self._loaded[shown]:
            if obj.body.span == document.span and obj.kind == entry.obj.kind:
                return obj
        return f"{entry.obj} has no document of its own in {shown}: fix it by hand"


def _entry(unit: RenderedUnit, finding: Finding) -> KustomizeObject | None:
    assert unit.render_map is not None
    for entry in unit.render_map.objects:
        if isinstance(entry, KustomizeObject) and entry.obj.ref == finding.obj:
            return entry
    return None


def _not_the_document(file: str, shown: str, entry: KustomizeObject) -> str:
    resolved = FsPath(file).resolve()
    if FsPath(file).name in KUSTOMIZATION_NAMES:
        what = "a kustomization field"
    elif any(resolved in set(level.kustomization.patch_files()) for level in entry.levels):
        what = "a patch"
    else:
        what = "another file"
    return (
        f"it points at {file}, {what} that makes {entry.obj}, not at its document in "
        f"{shown}: fix it there by hand"
    )


def _and(names: list[str]) -> str:
    return ", ".join(names[:-1]) + f" and {names[-1]}" if len(names) > 1 else names[0]


def _consumers(top: FsPath) -> dict[FsPath, list[FsPath]]:
    """For every file a root kustomization below ``top`` reads, the roots' directories."""
    directories = []
    for folder, subfolders, names in os.walk(top):
        subfolders[:] = [
            name for name in subfolders if not name.startswith(".") and name not in _SKIPPED_DIRS
        ]
        if any(name in KUSTOMIZATION_NAMES for name in names):
            directories.append(FsPath(folder))
    reader = KustomizationReader()
    found: dict[FsPath, list[FsPath]] = {}
    for root in reader.roots(directories):
        for path in reader.consumed(root):
            found.setdefault(path, []).append(root.directory.resolve())
    return found


# -- what overlays set ------------------------------------------------------------------


def _overridden(entry: KustomizeObject, path: Path) -> str | None:
    """Why an edit at ``path`` of the origin document would not reach the rendered object
    as written: a patch or field of the unit sets it, something inside it, a mapping it
    replaces holding it, or a value beside it (the fix was chosen from values it set)."""
    for setting, credit in entry.credits.items():
        if _conflicts(setting, path, credit.merged):
            return _by(credit, setting, path)
    for patch in _patches(entry):
        found = _patch_conflict(patch, path)
        if found is not None:
            line, what = found
            return _overridden_by(patch.by.what, patch.by.file, line, what, path)
    return None


def _overridden_by(what: str, file: str, line: int, does: str, path: Path) -> str:
    """``overridden by the patch at overlays/prod/patch.yaml:8, which sets ...``: ``what``
    names the setter as credits do (``the patch FILE``, ``replicas: in FILE``); the file
    is said once, with the line."""
    for suffix in (f" in {file}", f" {file}"):
        what = what.removesuffix(suffix)
    return (
        f"overridden by {what.rstrip(':')} at {file}:{line}, which {does}, so an edit of "
        f"`{dotted(path)}` in the base would not give the rendered object what the fix "
        "writes; fix it there by hand"
    )


# Kustomization fields that may change any value, which kslint does not read.
_UNREAD = ("transformers", "vars")


def _unread_transformers(entry: KustomizeObject) -> str | None:
    """Why a kustomization on the object's way out may change any of its values: it
    names transformer configurations, ``vars`` or a replacements file, which kslint does
    not read."""
    for level in entry.levels:
        k = level.kustomization
        if not isinstance(k.doc, YMap):
            continue
        fields = [field for field in _UNREAD if k.doc.get(field)]
        fields += [
            "replacements"
            for _, item in k.entries("replacements")
            if not isinstance(item, dict) or "path" in item
        ][:1]
        if fields:
            line = k.doc.key_spans[fields[0]].line
            return (
                f"{entry.files.adopt(k).path}:{line} uses `{fields[0]}`, which may change any "
                f"value of {entry.obj} (kslint does not read it): fix it by hand"
            )
    return None


def _conflicts(setting: Path, path: Path, merged: bool) -> bool:
    """Whether a value an overlay sets at ``setting`` interferes with an edit at ``path``."""
    if setting[: len(path)] == path:
        return True  # the same node, or one inside it
    if path[: len(setting)] == setting:
        return not merged  # a mapping above it, replaced as a whole
    parent = path[:-1]
    return len(parent) >= 2 and setting[: len(parent)] == parent  # a value beside it


def _by(credit: Credit, setting: Path, path: Path) -> str:
    line = credit.place.span(True).line
    does = f"sets `{dotted(setting)}`"
    return _overridden_by(credit.what, credit.place.file, line, does, path)


def _patches(entry: KustomizeObject) -> Iterator[Patch]:
    """The patches on the object's way out that may apply to it (a target kslint cannot
    fully read counts as applying)."""
    kind = entry.obj.kind
    names: set[str] = set()  # every name the object has had (kustomize matches them)
    for level in entry.levels:
        names.add(level.name)
        for patch in patches(level.kustomization, entry.files):
            if patch.target is None:
                if patch.kind == kind and patch.name in names:
                    yield patch
            elif _may_select(patch.target, kind, names):
                yield patch


def _may_select(target: dict[str, Any], kind: str, names: set[str]) -> bool:
    wanted_kind, wanted_name = target.get("kind"), target.get("name")
    try:
        if wanted_kind is not None and re.fullmatch(str(wanted_kind), kind) is None:
            return False
        if wanted_name is not None:
            return any(re.fullmatch(str(wanted_name), name) for name in names)
    except re.error:
        return True
    return True


def _patch_conflict(patch: Patch, path: Path) -> tuple[int, str] | None:
    """The line and a description of what a patch does that interferes with an edit at
    ``path``: a JSON 6902 operation on it, above it or beside it; a strategic merge patch
    that sets it, replaces a mapping holding it, uses a ``$patch``-style directive on the
    way, or sets a value beside it."""
    document = patch.document
    if isinstance(document, YSeq):
        for op in document:
            if not isinstance(op, YMap):
                continue
            for key in ("path", "from"):
                pointer = op.get(key)
                if isinstance(pointer, str) and _conflicts(_pointer(pointer), path, False):
                    line = op.value_spans[key].line
                    return line, f"does `{op.get('op')}` on {pointer}"
        return None
    node: Any = document
    for depth, key in enumerate(path):
        if not isinstance(node, YMap):
            return None
        directives = [k for k in node if isinstance(k, str) and k.startswith("$")]
        if directives:
            return node.key_spans[directives[0]].line, f"uses `{directives[0]}`"
        if depth == len(path) - 1 and depth >= 2 and len(node) > 0:
            first = min(node.key_spans.values(), key=lambda s: (s.line, s.column))
            return first.line, f"sets `{dotted(path[:-1])}`"
        if key not in node:
            return None
        if depth == len(path) - 1 or not isinstance(node[key], YMap):
            return node.key_spans[key].line, f"sets `{dotted(path[: depth + 1])}`"
        node = node[key]
    return None


def _pointer(pointer: str) -> Path:
    parts = pointer.lstrip("/").split("/") if pointer not in ("", "/") else []
    return tuple(part.replace("~1", "/").replace("~0", "~") for part in parts)

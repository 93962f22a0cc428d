"""From a lint result to fixes: which edits would fix each finding, and which to apply.

``Planner.resolve(finding)`` builds every fix the finding's rule declares (``autofix`` in
``rules/<id>.yaml``, builders in ``kslint.fix.builders``) and picks the first one the
options allow. ``choose`` keeps the chosen fixes whose edits are independent (a fix that
touches what another already touches waits for the next pass), and ``apply_fixes`` makes
the new file contents, checking that each still parses and that every document no fix
touched reads back exactly as before.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from kslint.findings import Finding
from kslint.fix.edits import (
    Edit,
    NotFixable,
    YamlEditor,
    apply_edits,
    inside,
    overlaps,
    shared_nodes,
)
from kslint.fix.targets import decode, file_refusal, object_refusal
from kslint.graph import Graph
from kslint.nodes import Path, YMap, dotted, walk
from kslint.objects import K8sObject, SourceFile
from kslint.registry import FixMeta, RuleMeta
from kslint.yaml_reader import parse_yaml

Identity = tuple[str, "str | None", str]  # kind, namespace, name of an object a fix adds


@dataclass(frozen=True)
class FileEdit:
    path: str
    edit: Edit
    append: bool = False  # a new document at the end: appends never conflict


@dataclass
class Fix:
    rule: str
    meta: FixMeta
    edits: list[FileEdit]
    creates: frozenset[Identity] = frozenset()
    # What the edits write: each object and the path of every key set, replaced or
    # removed in it (an appended object: the object it is written beside, and None).
    targets: list[tuple[K8sObject, Path | None]] = field(default_factory=list)

    @property
    def safe(self) -> bool:
        return self.meta.safety == "safe"

    @property
    def paths(self) -> list[str]:
        return sorted({edit.path for edit in self.edits})


@dataclass
class Resolution:
    """What can be done about one finding."""

    finding: Finding
    fixes: list[Fix] = field(default_factory=list)  # every fix that builds, best first
    chosen: Fix | None = None  # the one to apply with these options
    reason: str | None = None  # why nothing is chosen (None: the rule has no fix)

    @property
    def safe_fix(self) -> Fix | None:
        return next((fix for fix in self.fixes if fix.safe), None)

    @property
    def needs_unsafe(self) -> bool:
        return self.chosen is None and any(not fix.safe for fix in self.fixes)


class _File:
    """One file a fix may edit: its bytes, decoded text and an editor over its objects."""

    def __init__(self, source: SourceFile, data: bytes, objects: list[K8sObject]) -> None:
        decoded = decode(data)
        assert not isinstance(decoded, str)
        self.path = source.path
        self.data = data
        self.text, self.bom = decoded
        roots = [obj.body for obj in objects]
        self.editor = YamlEditor(self.text, roots, json_file=source.path.lower().endswith(".json"))
        self.shared = shared_nodes(roots)


class FixContext:
    """What a fix builder works with; it records edits through ``put``, ``replace_entry``
    and ``append``, each of which raises ``NotFixable`` when the edit cannot be made."""

    def __init__(
        self, planner: Planner, finding: Finding, obj: K8sObject, viewed: K8sObject | None = None
    ) -> None:
        self.planner = planner
        self.finding = finding
        self.obj = obj
        self.viewed = viewed or obj  # the object the graph holds (rendered: not ``obj``)
        self.graph = planner.graph
        self.edits: list[FileEdit] = []
        self.creates: set[Identity] = set()
        self.targets: list[tuple[K8sObject, Path | None]] = []

    @property
    def view(self) -> Any:
        return self.graph.model(self.viewed)

    def _file(self, obj: K8sObject) -> _File:
        return self.planner.file_for(obj)

    def _mapping(self, obj: K8sObject, path: Path) -> YMap:
        shared = self._file(obj).shared
        for depth in range(len(path) + 1):
            if id(walk(obj.body, path[:depth])) in shared:
                raise NotFixable(
                    f"`{dotted(path[:depth]) or 'the object'}` is a YAML alias: an edit "
                    "would change every place that uses it"
                )
        node = walk(obj.body, path)
        if not isinstance(node, YMap):
            raise NotFixable(f"`{dotted(path) or 'the object'}` is not a mapping")
        if self._file(obj).editor.has_merge(node):
            raise NotFixable(f"`{dotted(path) or 'the object'}` uses a YAML merge key (<<)")
        if not inside(node.span, obj.body.span):
            raise NotFixable(f"`{dotted(path)}` comes from a YAML anchor outside the object")
        return node

    def put(
        self, obj: K8sObject, values: dict[str, Any], path: Path = (), after: Iterable[str] = ()
    ) -> None:
        """Make the mapping at ``path`` hold ``values`` (nested dicts merge into existing
        mappings; missing keys are inserted, after the first key of ``after`` present)."""
        file = self._file(obj)
        mapping = self._mapping(obj, path)
        after = tuple(after)
        missing: dict[str, Any] = {}
        for key, value in values.items():
            if key not in mapping:
                missing[key] = value
                continue
            if not file.editor.own_key(mapping, key):
                raise NotFixable(f"`{dotted((*path, key))}` comes from a YAML merge key")
            current = mapping[key]
            if isinstance(value, dict) and isinstance(current, YMap):
                self.put(obj, value, (*path, key), after)
            elif isinstance(current, (dict, list)) and current:
                raise NotFixable(f"`{dotted((*path, key))}` holds a collection")
            elif current != value or type(current) is not type(value) or value is None:
                self._add(obj, file.editor.replace_value(mapping, key, value))
                self.targets += [(obj, leaf) for leaf in _leaves((*path, key), value)]
        if missing:
            self._add(obj, file.editor.insert(mapping, missing, after))
            self.targets += [(obj, leaf) for leaf in _leaves(path, missing)]

    def replace_entry(
        self, obj: K8sObject, path: Path, key: str, entries: dict[str, Any] | None = None
    ) -> None:
        """Remove ``key`` from the mapping at ``path``, writing ``entries`` in its place."""
        mapping = self._mapping(obj, path)
        self._add(obj, self._file(obj).editor.replace_entry(mapping, key, entries or {}))
        self.targets.append((obj, (*path, key)))
        self.targets += [(obj, leaf) for leaf in _leaves(path, entries or {})]

    def append(self, beside: K8sObject, document: dict[str, Any], creates: Identity) -> None:
        """A new object at the end of the file that holds ``beside``."""
        if creates in self.planner.existing:
            raise NotFixable(f"{creates[0]} {creates[2]} already exists")
        file = self._file(beside)
        self.edits.append(FileEdit(file.path, file.editor.append_document(document), True))
        self.creates.add(creates)
        self.targets.append((beside, None))

    def _add(self, obj: K8sObject, edit: Edit) -> None:
        self.edits.append(FileEdit(self._file(obj).path, edit))


def _leaves(path: Path, value: Any) -> list[Path]:
    """The paths of the values a nested mapping writes below ``path``."""
    if isinstance(value, dict) and value:
        return [leaf for key, item in value.items() for leaf in _leaves((*path, key), item)]
    return [path]


Builder = Callable[[FixContext], None]


class Scope(Protocol):
    """Findings whose position is not the text of an object the graph holds: a finding
    the render stage moved to the source node a person edits (``kslint.fix.rendered``).
    ``owner`` gives the object to edit and the one the graph holds, or why there is no
    fix (None: not such a finding); ``objects_in`` the objects read from a source file;
    ``refusal`` why a fix built for such a finding must not be made."""

    def owner(self, finding: Finding) -> tuple[K8sObject, K8sObject] | str | None: ...

    def objects_in(self, path: str) -> list[K8sObject]: ...

    def refusal(self, finding: Finding, fix: Fix) -> str | None: ...


class Planner:
    """Fixes for the findings of one lint result. ``read(path)`` gives a file's bytes as
    they are now (None: not readable); ``catalog`` the rules' metadata."""

    def __init__(
        self,
        graph: Graph | None,
        files: Iterable[SourceFile],
        read: Callable[[str], bytes | None],
        catalog: dict[str, RuleMeta],
        builders: dict[tuple[str, str], Builder],
        scope: Scope | None = None,
    ) -> None:
        self.graph = graph or Graph([])
        self.scope = scope
        self.read = read
        self.catalog = catalog
        self.builders = builders
        self._files: dict[str, _File | str] = {}
        self._objects: dict[tuple[str, Any], list[K8sObject]] = defaultdict(list)
        self._by_file: dict[str, list[K8sObject]] = defaultdict(list)
        self._sources = {file.path: file for file in files}
        for obj in self.graph.objects:
            self._objects[(obj.file.path, obj.ref)].append(obj)
            self._by_file[obj.file.path].append(obj)
        self.existing: set[Identity] = {
            (obj.kind, obj.namespace, obj.name) for obj in self.graph.objects
        }

    def file_for(self, obj: K8sObject) -> _File:
        reason = object_refusal(obj)
        if reason is not None:
            raise NotFixable(reason)
        path = obj.file.path
        if path not in self._files:
            data = self.read(path)
            refusal = file_refusal(obj.file, data)
            if refusal is None and data is not None:
                objects = self._by_file.get(path) or self._scoped_objects(path)
                self._files[path] = _File(obj.file, data, objects)
            else:
                self._files[path] = refusal or "unreadable"
        found = self._files[path]
        if isinstance(found, str):
            raise NotFixable(found)
        return found

    def _scoped_objects(self, path: str) -> list[K8sObject]:
        return self.scope.objects_in(path) if self.scope is not None else []

    def owner(self, finding: Finding) -> K8sObject | None:
        """The object a finding belongs to (the one whose text holds its position)."""
        if finding.obj is None:
            return None
        candidates = self._objects.get((finding.file, finding.obj), [])
        for obj in candidates:
            if inside(finding.span, obj.body.span):
                return obj
        return candidates[0] if candidates else None

    def resolve(self, finding: Finding, allow_unsafe: bool = False) -> Resolution:
        resolution = Resolution(finding)
        meta = self.catalog.get(finding.rule)
        if meta is None or not meta.autofix:
            return resolution
        scoped = self.scope.owner(finding) if self.scope is not None else None
        if isinstance(scoped, str):
            resolution.reason = scoped
            return resolution
        obj, viewed = scoped if scoped is not None else (self.owner(finding), None)
        if obj is None:
            # A finding moved from rendered output to its source (kustomize, Helm) names
            # no object read from that file: the source node is not the object's own text.
            resolution.reason = (
                f"{finding.file} is not the text its object was read from (rendered output): "
                "fix the source by hand"
            )
            return resolution
        reasons: list[str] = []
        for fix_meta in meta.autofix:
            builder = self.builders.get((meta.id, fix_meta.id))
            if builder is None:
                reasons.append("no fix can be built for it")
                continue
            context = FixContext(self, finding, obj, viewed)
            try:
                builder(context)
            except NotFixable as exc:
                reasons.append(str(exc))
                continue
            except Exception as exc:  # a bug in a builder must not end the run
                reasons.append(f"internal error building the fix ({type(exc).__name__}: {exc})")
                continue
            if not context.edits:
                reasons.append("nothing to change")
                continue
            fix = Fix(meta.id, fix_meta, context.edits, frozenset(context.creates), context.targets)
            refusal = None
            if scoped is not None and self.scope is not None:
                refusal = self.scope.refusal(finding, fix)
            if refusal is not None:
                reasons.append(refusal)
                continue
            resolution.fixes.append(fix)
        allowed = [fix for fix in resolution.fixes if fix.safe or allow_unsafe]
        if allowed:
            resolution.chosen = allowed[0]
        elif resolution.fixes:
            resolution.reason = "its fix is unsafe: run with --unsafe-fixes to apply it"
        else:
            resolution.reason = reasons[0] if reasons else "no fix applies"
        return resolution

    def source(self, path: str) -> _File | None:
        found = self._files.get(path)
        return found if isinstance(found, _File) else None


def choose(resolutions: Iterable[Resolution]) -> list[Resolution]:
    """The chosen fixes that can be applied together: no two touch the same text, and no
    two create the same object. The others wait for the next pass."""
    taken: dict[str, list[FileEdit]] = defaultdict(list)
    created: set[Identity] = set()
    kept = []
    for resolution in resolutions:
        fix = resolution.chosen
        if fix is None or fix.creates & created:
            continue
        if any(
            overlaps(edit.edit, other.edit)
            for edit in fix.edits
            if not edit.append
            for other in taken[edit.path]
            if not other.append
        ):
            continue
        for edit in fix.edits:
            taken[edit.path].append(edit)
        created |= fix.creates
        kept.append(resolution)
    return kept


class FixFailed(Exception):
    """Applying edits would have broken a file: a bug in a fix, reported, never written."""


def apply_fixes(planner: Planner, fixes: Iterable[Fix]) -> dict[str, bytes]:
    """The new bytes of every file the fixes edit. Raises ``FixFailed`` naming the file
    when a result does not parse or changes a document no fix touched."""
    by_path: dict[str, list[FileEdit]] = defaultdict(list)
    for fix in fixes:
        for edit in fix.edits:
            by_path[edit.path].append(edit)
    changed = {}
    for path, edits in by_path.items():
        file = planner.source(path)
        assert file is not None
        text = apply_edits(file.text, _one_lead(file, edits))
        data = file.bom + text.encode("utf-8")
        verify(path, file.data, data, [edit for edit in edits if not edit.append], file)
        changed[path] = data
    return changed


def _one_lead(file: _File, edits: list[FileEdit]) -> list[Edit]:
    """Appended documents each start with a line break when the file ends without one;
    only the first of several needs it."""
    newline = file.editor.source.newline
    kept, leading = [], False
    for edit in edits:
        if edit.append and leading and edit.edit.text.startswith(newline):
            kept.append(Edit(edit.edit.start, edit.edit.end, edit.edit.text[len(newline) :]))
            continue
        leading = leading or (edit.append and edit.edit.text.startswith(newline))
        kept.append(edit.edit)
    return kept


def verify(path: str, before: bytes, after: bytes, edits: list[FileEdit], file: _File) -> None:
    old, old_problems = parse_yaml(path, before)
    new, new_problems = parse_yaml(path, after)
    if len(new_problems) > len(old_problems):
        raise FixFailed(f"{path}: the fixed text would not parse ({new_problems[0].message})")
    appended = len(new) - len(old)
    if appended < 0:
        raise FixFailed(f"{path}: a fix would remove a document")
    touched = {index for index, doc in enumerate(old) if _touches(doc, edits, file)}
    for index, doc in enumerate(old):
        if index not in touched and doc != new[index]:
            raise FixFailed(f"{path}: a fix would change document {index + 1}, which it must not")
    for doc in new[len(old) :]:
        if not isinstance(doc, dict):
            raise FixFailed(f"{path}: an appended document is not an object")


def _touches(doc: Any, edits: list[FileEdit], file: _File) -> bool:
    span = getattr(doc, "span", None)
    if span is None:
        return False
    start, end = file.editor.source.range(span)
    return any(start <= edit.edit.start <= end or start <= edit.edit.end <= end for edit in edits)

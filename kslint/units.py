"""Units stage: a run's objects split into deployment units.

Relations are followed only inside a unit (plus the project context, visible to every
unit after its own objects). A unit is one of:

- a rendered root kustomization or Helm chart (``rendered``: built by ``kslint.render``;
  its name is the kustomization directory relative to the project root, or the chart);
- the plain files: every file no render consumed. They form one unit, ``plain``, unless
  the configuration's ``units:`` globs split them: each matching directory (the
  shallowest one above a file) is a unit named by its path relative to the project root.

Inside a unit of plain files a name may be defined more than once (environment folders,
copied examples): ``kslint.graph`` resolves each reference to the nearest definition.
This module keeps the rest of the bookkeeping in one place:

- ``first_definitions``: two definitions of one identity in one file, one rendered unit
  or one directory are duplicates (``duplicate-object``); rules see the first. Copies in
  different directories are alternatives, not duplicates.
- ``scope_copies``: a finding about an identity defined in several directories keys on
  its directory too (``Finding.scope``), so a baseline entry does not silence every copy.
- ``merge``: a finding that several units share (the same rule at the same source node
  of the same object) is reported once, naming every unit.
"""

from __future__ import annotations

import posixpath
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from kslint.discover import glob_match
from kslint.findings import Finding, Severity
from kslint.fingerprint import identity
from kslint.loader import LoadResult
from kslint.objects import Identity, K8sObject, SourceFile, identity_of

PLAIN = "plain"
DUPLICATE = "duplicate-object"


@dataclass
class Unit:
    """One deployment unit: what the graph and the engine see together.

    ``files``: the source files it consumed (a render's bases, patches and templates);
    ``findings``: what making it produced (the loader's or the renderer's findings).
    """

    name: str
    objects: list[K8sObject] = field(default_factory=list)
    files: list[SourceFile] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    rendered: bool = False  # one render: any two definitions of an identity are duplicates


class UnitShape(Protocol):
    """What the pipeline needs of a unit: ``Unit``, or a renderer's own unit type."""

    @property
    def name(self) -> str: ...
    @property
    def objects(self) -> list[K8sObject]: ...
    @property
    def files(self) -> list[SourceFile]: ...
    @property
    def findings(self) -> list[Finding]: ...
    @property
    def rendered(self) -> bool: ...


# ---------------------------------------------------------------------------------------
# Plain files


def plain_units(
    loaded: LoadResult, globs: Sequence[str] = (), root: Path | None = None
) -> list[Unit]:
    """The plain files as units: one ``plain`` unit, or one per directory that a
    ``units:`` glob (relative to ``root``) matches, plus ``plain`` for the rest."""
    units: dict[str, Unit] = {}

    def unit(path: str) -> Unit:
        name = unit_name(path, globs, root)
        found = units.get(name)
        if found is None:
            found = units[name] = Unit(name)
        return found

    for file in loaded.files:
        unit(file.path).files.append(file)
    for obj in loaded.objects:
        unit(obj.file.path).objects.append(obj)
    for finding in loaded.findings:
        unit(finding.file).findings.append(finding)
    return sorted(units.values(), key=lambda u: (u.name != PLAIN, u.name))


def unit_name(path: str, globs: Sequence[str], root: Path | None) -> str:
    """The unit of a plain file: the shallowest directory above it that a ``units:`` glob
    matches (relative to ``root``), else ``plain``."""
    if not globs or root is None or path == "<stdin>":
        return PLAIN
    try:
        relative = Path(path).resolve().relative_to(root.resolve()).as_posix()
    except (ValueError, OSError):
        return PLAIN
    parts = relative.split("/")[:-1]
    for depth in range(1, len(parts) + 1):
        directory = "/".join(parts[:depth])
        if any(glob_match(directory, pattern) for pattern in globs):
            return directory
    return PLAIN


# ---------------------------------------------------------------------------------------
# Duplicates


def first_definitions(
    objects: Iterable[K8sObject], rendered: bool = False
) -> tuple[list[K8sObject], list[Finding]]:
    """The objects rules see (the first of each identity per directory, or per render)
    and a ``duplicate-object`` finding for each later definition."""
    # By directory, then identity: no (identity, directory) pair per object.
    first: dict[str, dict[Identity, K8sObject]] = {}
    kept: list[K8sObject] = []
    found: list[Finding] = []
    for obj in objects:
        seen = first.setdefault("" if rendered else obj.file.directory, {})
        identity = obj.identity
        earlier = seen.get(identity)
        if earlier is None:
            seen[identity] = obj
            kept.append(obj)
        else:
            found.append(_duplicate(obj, earlier, rendered))
    return kept, found


def _duplicate(obj: K8sObject, earlier: K8sObject, rendered: bool) -> Finding:
    span = earlier.span("metadata", "name", key=False)
    if earlier.file is obj.file:
        where, severity = f"line {span.line} of this file", Severity.ERROR
    elif rendered:
        where, severity = f"{earlier.file.path}:{span.line} in the same render", Severity.ERROR
    else:
        where, severity = f"{earlier.file.path}:{span.line} in the same directory", Severity.WARNING
    return obj.finding(
        DUPLICATE,
        f"{obj} is already defined at {where}; applied together, one silently replaces "
        "the other (kslint checks the first).",
        ("metadata", "name"),
        key=False,
        severity=severity,
        related=[earlier.related(f"{earlier} is first defined here")],
    )


# ---------------------------------------------------------------------------------------
# Copies in several directories


def _source_identity(obj: K8sObject) -> Identity:
    origin = obj.origin
    if origin is None:
        return obj.identity
    return identity_of(origin.api_version, origin.kind, origin.namespace, origin.name)


def copied_identities(objects: Sequence[K8sObject]) -> set[Identity]:
    """Identities defined in more than one directory (environment folders, copies).
    One directory per identity is remembered, not a set of them: a run may hold hundreds
    of thousands of identities, nearly all in one directory (or all: nothing to index)."""
    if len({obj.file.directory for obj in objects}) < 2:
        return set()
    first: dict[Identity, str] = {}
    copied: set[Identity] = set()
    for obj in objects:
        identity, directory = _source_identity(obj), obj.file.directory
        if first.setdefault(identity, directory) != directory:
            copied.add(identity)
    return copied


def scope_copies(findings: Iterable[Finding], copied: set[Identity]) -> None:
    """Key each finding about a copied identity on its directory too."""
    if not copied:
        return
    for finding in findings:
        ref = finding.origin or finding.obj
        if ref is None:
            continue
        if identity_of(ref.api_version, ref.kind, ref.namespace, ref.name) in copied:
            finding.scope = posixpath.dirname(finding.file.replace("\\", "/"))


# ---------------------------------------------------------------------------------------
# Findings that several units share


def merge(per_unit: Iterable[tuple[str, list[Finding]]]) -> list[Finding]:
    """One finding per rule, identity and source position, naming every unit that
    produced it; related locations are the union of theirs (one per place, with the
    first unit's message). A unit that reports one identity twice (two volumes of one
    name, say) keeps both: occurrences pair up."""
    merged: list[Finding] = []
    slots: dict[tuple[str, str, int, int], list[Finding]] = {}
    for name, findings in per_unit:
        seen: Counter[tuple[str, str, int, int]] = Counter()
        for finding in findings:
            key = (identity(finding), finding.file, finding.span.line, finding.span.column)
            index = seen[key]
            seen[key] += 1
            slot = slots.setdefault(key, [])
            if index < len(slot):
                kept = slot[index]
                if name not in kept.units:
                    kept.units = (*kept.units, name)
                # One related location per place: the same claim seen from two
                # overlays differs only in the name each gives it.
                places = {(r.file, r.span.line, r.span.column) for r in kept.related}
                kept.related += [
                    r for r in finding.related if (r.file, r.span.line, r.span.column) not in places
                ]
            else:
                finding.units = (name,)
                slot.append(finding)
                merged.append(finding)
    return merged

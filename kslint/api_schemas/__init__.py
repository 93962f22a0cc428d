"""Schema stage: every object checked against its kind's schema, offline, with positions.

For each object and each target Kubernetes version, in order:

0. ``unknown-kind``: a built-in group names a kind no Kubernetes version serves there
   (``kslint.api_schemas.kinds``). Nothing else is reported for it (once, whatever the
   target versions).
1. ``removed-api-version``: the version no longer serves its apiVersion (the table in
   ``schemas/deprecations.yaml``, or a version the bundled schemas show disappearing).
   Nothing else is reported for it on that version: its schema no longer exists.
2. ``deprecated-api-version``: still served, removal scheduled; validation goes on.
3. The schema: a CRD in the set, then ``--schema-dir`` folders, then the bundled schemas
   of the version. An apiVersion of a built-in group that does not serve the kind is a
   ``schema-violation``; a kind with no schema anywhere is counted, not reported.
4. ``schema-violation`` and ``unknown-field`` findings at the offending node
   (``kslint.api_schemas.violations``), computed only for objects that fail the fast check. A
   field that a check already reported as ``invalid-object`` (the pipeline runs the
   checks first) is not reported again.
5. ``schema-violation`` for what the API server's validation rejects beyond the OpenAPI
   schema (``kslint.api_schemas.validation``; once, whatever the target versions).

Versions without bundled schemas (below 1.25) get steps 1 and 2 only. With several
target versions (an upgrade check, ``--kubernetes-version 1.31,1.34``) a finding that
holds on several of them is reported once and names them (``kubernetes_versions``); one
that holds on every target carries no version in its message.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import chain

from kslint.api_schemas.crd import CustomSchema, crd_schemas, pattern_findings, root_schema
from kslint.api_schemas.deprecations import ApiChange, table
from kslint.api_schemas.kinds import is_unknown_kind, unknown_kind_finding
from kslint.api_schemas.operators import operator_schema
from kslint.api_schemas.store import (
    Schema,
    SchemaDir,
    SchemaError,
    bundled_versions,
    kubernetes,
    served,
)
from kslint.api_schemas.validation import api_server_findings
from kslint.api_schemas.versions import (
    describe_bundled,
    has_schemas,
    joined,
    resolve_version,
    resolve_versions,
)
from kslint.api_schemas.violations import findings_for
from kslint.findings import Finding
from kslint.objects import K8sObject, group_of
from kslint.patterns import PatternError

__all__ = [
    "Prechecked",
    "SchemaError",
    "SchemaReport",
    "bundled_versions",
    "precheck",
    "resolve_version",
    "resolve_versions",
    "schema_notes",
    "schema_summary",
    "validate",
]

SCHEMA_RULES = (
    "unknown-kind",
    "schema-violation",
    "unknown-field",
    "removed-api-version",
    "deprecated-api-version",
)


@dataclass
class SchemaReport:
    """What the stage did, for the summary: the target versions, how many objects were
    validated (on at least one version) and, by ``apiVersion kind``, how many had no
    schema; ``unchecked``: target versions without bundled schemas (table only)."""

    kubernetes_version: str  # the newest target
    validated: int = 0
    without_schema: Counter[str] = field(default_factory=Counter)
    kubernetes_versions: list[str] = field(default_factory=list)
    unchecked: list[str] = field(default_factory=list)


class _Resolver:
    """Finds the schema of an (apiVersion, kind) on one version, once per pair and run."""

    def __init__(
        self, version: str, custom: dict[tuple[str, str], CustomSchema], dirs: Sequence[SchemaDir]
    ) -> None:
        self.kubernetes = kubernetes(version)
        self.custom = custom  # CRD schemas by (apiVersion, kind), shared by every version
        self.dirs = dirs
        self.cache: dict[tuple[str, str], Schema | None] = {}

    def schema(self, api_version: str, kind: str) -> Schema | None:
        key = (api_version, kind)
        if key in self.cache:
            return self.cache[key]
        found: Schema | None = None
        custom = self.custom.get(key)
        if custom is not None:
            found = self.kubernetes.custom(custom.schema, f"{api_version} {kind}")
        for folder in self.dirs:
            if found is not None:
                break
            found = folder.schema(api_version, kind)
        if found is None:
            found = self.kubernetes.schema(api_version, kind)
        if found is None:
            found = self._operator(api_version, kind)
        self.cache[key] = found
        return found

    def _operator(self, api_version: str, kind: str) -> Schema | None:
        """A bundled operator CRD schema (family F's kinds), converted like a CRD's."""
        openapi = operator_schema(api_version, kind)
        if openapi is None:
            return None
        return self.kubernetes.custom(root_schema(openapi), f"{api_version} {kind}")


# A finding on one version, and how to word it for the versions it turns out to hold on
# (``some``: only some of the run's target versions).
_Render = Callable[[Sequence[str], bool], str]


@dataclass
class _Tally:
    """Per object (by its index among the objects validated), whether any version
    validated it (one byte each: a run may hold hundreds of thousands of objects), and
    the kinds none could."""

    validated: bytearray
    missing: dict[int, str] = field(default_factory=dict)


@dataclass
class Prechecked:
    """One object's schema work done where it was loaded (a worker process,
    ``kslint.workers``), before the run knows which kinds its CRDs define: the CRD
    pattern findings, and by target version the findings of the schema that is not a
    CRD's (``--schema-dir``, bundled, operator). ``validate`` uses a version's findings
    only when no CRD of the run defines the object's kind, and filters them by
    ``obj.problems`` itself (the checks run later)."""

    patterns: list[Finding] | None
    by_version: dict[str, list[Finding]] = field(default_factory=dict)


_PRECHECK_RESOLVERS: dict[tuple[tuple[str, ...], tuple[str, ...]], dict[str, _Resolver]] = {}


def precheck(
    objects: Sequence[K8sObject],
    kubernetes_version: str | Sequence[str] | None = None,
    schema_dirs: Sequence[str] = (),
) -> list[Prechecked]:
    """``Prechecked`` for each of ``objects``, in order. Whatever fails here (a bad
    schema folder, a crash) is left out: ``validate`` does it again and reports it."""
    versions = resolve_versions(kubernetes_version)
    settings = (tuple(versions), tuple(schema_dirs))
    resolvers = _PRECHECK_RESOLVERS.get(settings)
    if resolvers is None:  # kept for the process's later calls: compiling is the cost
        dirs = [SchemaDir(path) for path in schema_dirs]
        resolvers = {v: _Resolver(v, {}, dirs) for v in versions if has_schemas(v)}
        _PRECHECK_RESOLVERS.clear()
        _PRECHECK_RESOLVERS[settings] = resolvers
    changes = table()
    results = []
    for obj in objects:
        try:
            done = Prechecked(pattern_findings(obj))
        except Exception:
            done = Prechecked(None)  # validate finds it again (and says so)
        results.append(done)
        if is_unknown_kind(obj.api_version, obj.kind):
            continue
        change = changes.get((obj.api_version, obj.kind))
        for version, resolver in resolvers.items():
            if change is not None and change.removed_in(version):
                continue
            try:
                schema = resolver.schema(obj.api_version, obj.kind)
                if schema is not None:
                    valid = schema.is_valid(obj.body)
                    errors = [] if valid else findings_for(obj, schema.errors(obj.body))
                    done.by_version[version] = errors
            except Exception:
                continue
    return results


def validate(
    objects: Sequence[K8sObject],
    kubernetes_version: str | Sequence[str] | None = None,
    schema_dirs: Sequence[str] = (),
    context: Sequence[K8sObject] = (),
    prechecked: Mapping[int, Prechecked] | None = None,
) -> tuple[list[Finding], SchemaReport]:
    """Findings of the four schema rules for ``objects`` on every target version; CRDs
    among ``objects`` and ``context`` (files loaded only to resolve references) define
    custom kinds. ``prechecked``: by ``id(obj)``, work ``precheck`` already did for an
    object (same versions and folders). Raises ``SchemaError`` (a ``UsageError``) for an
    unsupported version or a bad schema folder."""
    versions = resolve_versions(kubernetes_version)
    hints = prechecked or {}
    dirs = [SchemaDir(path) for path in schema_dirs]
    custom = crd_schemas(chain(objects, context))
    # Version-independent findings, reported once: unknown kinds (nothing else is said
    # about them) and the API server's own validations.
    unknown = [obj for obj in objects if is_unknown_kind(obj.api_version, obj.kind)]
    known = [obj for obj in objects if not is_unknown_kind(obj.api_version, obj.kind)]
    served_somewhere = [obj for obj in known if not _removed_on_all(obj, versions)]
    tally = _Tally(bytearray(len(known)))
    once = [unknown_kind_finding(obj) for obj in unknown] + _api_server(served_somewhere)
    for obj in objects:  # a CRD's patterns RE2, the API server's engine, cannot compile
        hint = hints.get(id(obj))
        patterns = hint.patterns if hint is not None else None
        once += patterns if patterns is not None else pattern_findings(obj)
    per_version: list[tuple[str, list[tuple[Finding, _Render]]]] = []
    for version in versions:
        resolver = _Resolver(version, custom, dirs) if has_schemas(version) else None
        found = _version_findings(known, version, resolver, tally, hints)
        per_version.append((version, found))
    report = SchemaReport(
        versions[-1],
        validated=len(known) - tally.validated.count(0),
        without_schema=Counter(
            label for index, label in tally.missing.items() if not tally.validated[index]
        ),
        kubernetes_versions=versions,
        unchecked=[version for version in versions if not has_schemas(version)],
    )
    return once + _merge(per_version, versions), report


def _removed_on_all(obj: K8sObject, versions: Sequence[str]) -> bool:
    """No target serves the object's apiVersion: nothing but the removal is reported."""
    change = table().get((obj.api_version, obj.kind))
    return change is not None and all(change.removed_in(version) for version in versions)


def _api_server(objects: Sequence[K8sObject]) -> list[Finding]:
    findings: list[Finding] = []
    for obj in objects:
        try:
            findings += api_server_findings(obj)
        except Exception as exc:  # a bug in the stage: report it, lint the rest
            findings.append(_crashed(obj, exc))
    return findings


def _crashed(obj: K8sObject, exc: Exception) -> Finding:
    return obj.finding(
        "internal-error",
        f"Schema validation crashed on {obj}: {type(exc).__name__}: {exc}. Please report this.",
    )


def _merge(
    per_version: list[tuple[str, list[tuple[Finding, _Render]]]], targets: Sequence[str]
) -> list[Finding]:
    """One finding per place, rule and wording, naming the versions it holds on."""
    groups: dict[tuple[object, ...], tuple[Finding, _Render, list[str]]] = {}
    for version, found in per_version:
        for finding, render in found:
            key = (finding.rule, finding.file, finding.span, finding.path, render(("*",), True))
            if key in groups:
                groups[key][2].append(version)
            else:
                groups[key] = (finding, render, [version])
    merged = []
    for finding, render, versions in groups.values():
        message = render(versions, len(versions) < len(targets))
        merged.append(replace(finding, message=message, kubernetes_versions=tuple(versions)))
    return merged


def _on(message: str, versions: Sequence[str]) -> str:
    """``message`` naming the versions it holds on (a finding that holds on only some)."""
    on = f"(on Kubernetes {joined(versions)})"
    if message.endswith("."):
        return f"{message[:-1]} {on}."
    return f"{message} {on}"


def _plain(finding: Finding) -> tuple[Finding, _Render]:
    def render(versions: Sequence[str], some: bool) -> str:
        return _on(finding.message, versions) if some else finding.message

    return finding, render


def _version_findings(
    objects: Sequence[K8sObject],
    version: str,
    resolver: _Resolver | None,
    tally: _Tally,
    hints: Mapping[int, Prechecked],
) -> list[tuple[Finding, _Render]]:
    changes = table()
    findings: list[tuple[Finding, _Render]] = []
    for index, obj in enumerate(objects):
        api_version, kind = obj.api_version, obj.kind
        change = changes.get((api_version, kind))
        if change is not None and change.removed_in(version):
            findings.append(_removed(obj, change))
            continue
        if change is not None and change.deprecated_in(version):
            findings.append(_deprecated(obj, change))
        if resolver is None:
            continue  # no bundled schemas for this version: the table only
        try:
            findings += _validate(obj, index, resolver, tally, version, hints.get(id(obj)))
        except PatternError as exc:
            if (api_version, kind) in resolver.custom:
                continue  # reported on the CRD (pattern_findings)
            raise SchemaError(
                f"--schema-dir: the schema of {api_version} {kind} has a pattern RE2 (the API "
                f"server's engine) cannot compile: {exc}"
            ) from None
        except RecursionError:
            continue  # a schema nested past Python's recursion limit
        except SchemaError:
            raise  # a bad --schema-dir file: a usage error (exit 2), not kslint's crash
        except Exception as exc:  # a bug in the stage: report it, lint the rest
            findings.append(_plain(_crashed(obj, exc)))
    return findings


def _targets(versions: Sequence[str]) -> str:
    return f"target{'s' if len(versions) > 1 else ''}: {', '.join(versions)}"


def _removed(obj: K8sObject, change: ApiChange) -> tuple[Finding, _Render]:
    def render(versions: Sequence[str], _some: bool) -> str:
        return (
            f"{change.api_version} {change.kind} is no longer served since Kubernetes "
            f"{change.removed} ({_targets(versions)}); {change.advice()}."
        )

    finding = obj.finding("removed-api-version", render(("*",), True), ("apiVersion",), key=False)
    return finding, render


def _deprecated(obj: K8sObject, change: ApiChange) -> tuple[Finding, _Render]:
    def render(versions: Sequence[str], some: bool) -> str:
        on = f"; on Kubernetes {joined(versions)}" if some else ""
        return (
            f"{change.api_version} {change.kind} is deprecated since Kubernetes "
            f"{change.deprecated} ({change.removal()}{on}); {change.advice()}."
        )

    message = render(("*",), True)
    return obj.finding("deprecated-api-version", message, ("apiVersion",), key=False), render


def _validate(
    obj: K8sObject,
    index: int,
    resolver: _Resolver,
    tally: _Tally,
    version: str,
    hint: Prechecked | None,
) -> list[tuple[Finding, _Render]]:
    api_version, kind = obj.api_version, obj.kind
    if (
        hint is not None
        and version in hint.by_version
        and (api_version, kind) not in resolver.custom
    ):
        tally.validated[index] = 1
        return [_plain(f) for f in hint.by_version[version] if f.path not in obj.problems]
    schema = resolver.schema(api_version, kind)
    if schema is None:
        unserved = _unserved(obj, version)
        if unserved is None:
            tally.missing[index] = f"{api_version} {kind}"
            return []
        return [unserved]
    tally.validated[index] = 1
    if schema.is_valid(obj.body):
        return []
    # A field a check already reported as ``invalid-object`` (the engine runs first) is
    # not reported twice.
    return [
        _plain(finding)
        for finding in findings_for(obj, schema.errors(obj.body))
        if finding.path not in obj.problems
    ]


def _unserved(obj: K8sObject, version: str) -> tuple[Finding, _Render] | None:
    """A finding for an apiVersion of a built-in group that does not serve the kind in the
    target version (a typo, a version removed or not yet added); None for unknown kinds."""
    api_version, kind = obj.api_version, obj.kind
    group = group_of(api_version)
    serving = kubernetes(version).versions_serving(group, kind)
    if not serving:
        return None
    others = [v for v in bundled_versions() if served(v, api_version, kind)]
    use = " or ".join(serving)
    if others and all(_older(v, version) for v in others):

        def removed(versions: Sequence[str], _some: bool) -> str:
            return (
                f"{api_version} {kind} is no longer served by Kubernetes {joined(versions)} "
                f"(last served in {others[-1]}); use {use}."
            )

        message = removed(("*",), True)
        finding = obj.finding("removed-api-version", message, ("apiVersion",), key=False)
        return finding, removed
    if others:
        detail = f"it is served from Kubernetes {others[0]}"
    else:
        detail = "no bundled Kubernetes version serves it"

    def violation(versions: Sequence[str], _some: bool) -> str:
        return (
            f"apiVersion: {api_version} does not serve {kind} in Kubernetes "
            f"{joined(versions)} ({detail}); use {use}."
        )

    finding = obj.finding("schema-violation", violation(("*",), True), ("apiVersion",), key=False)
    return finding, violation


def _older(candidate: str, version: str) -> bool:
    return tuple(map(int, candidate.split("."))) < tuple(map(int, version.split(".")))


def schema_notes(report: SchemaReport) -> list[str]:
    """What every run must say, whatever the format: target versions that get the API
    removal table only (said once, not per object)."""
    if not report.unchecked:
        return []
    versions = joined(report.unchecked)
    return [
        f"kslint: schema validation is not available for Kubernetes {versions} (schemas "
        f"are bundled for {describe_bundled()}); API removals and deprecations are checked"
    ]


def schema_summary(report: SchemaReport, verbose: bool = False) -> list[str]:
    """Lines for the end of a run: how many objects had no schema (and, verbose, which)."""
    missing = sum(report.without_schema.values())
    versions = joined(report.kubernetes_versions or [report.kubernetes_version])
    head = (
        f"schemas: Kubernetes {versions}, {report.validated} objects validated, "
        f"{missing} without a schema"
    )
    if not verbose:
        if not missing:
            return []
        return [f"{head} (--verbose lists their kinds)"]
    lines = [head]
    for name, count in sorted(report.without_schema.items()):
        lines.append(f"  no schema: {name} ({count})")
    return lines

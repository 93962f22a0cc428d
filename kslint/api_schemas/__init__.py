"""Schema stage: every object checked against its kind's schema, offline, with positions.

For each object, in order:

0. ``unknown-kind``: a built-in group names a kind no Kubernetes version serves there
   (``kslint.api_schemas.kinds``). Nothing else is reported for it.
1. ``removed-api-version``: the target Kubernetes version no longer serves its apiVersion
   (the table in ``schemas/deprecations.yaml``, or a version the bundled schemas show
   disappearing). Nothing else is reported for it: its schema no longer exists.
2. ``deprecated-api-version``: still served, removal scheduled; validation goes on.
3. The schema: a CRD in the set, then ``--schema-dir`` folders, then the bundled schemas
   of the target version. An apiVersion of a built-in group that does not serve the kind
   is a ``schema-violation``; a kind with no schema anywhere is counted, not reported.
4. ``schema-violation`` and ``unknown-field`` findings at the offending node
   (``kslint.api_schemas.violations``), computed only for objects that fail the fast check. A
   field that a check already reported as ``invalid-object`` (the pipeline runs the
   checks first) is not reported again.
5. ``schema-violation`` for what the API server's validation rejects beyond the OpenAPI
   schema (``kslint.api_schemas.validation``).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import chain

from kslint.api_schemas.crd import crd_schemas, root_schema
from kslint.api_schemas.deprecations import table
from kslint.api_schemas.kinds import is_unknown_kind, unknown_kind_finding
from kslint.api_schemas.operators import operator_schema
from kslint.api_schemas.store import (
    Schema,
    SchemaDir,
    SchemaError,
    bundled_versions,
    group_of,
    kubernetes,
    resolve_version,
    served,
)
from kslint.api_schemas.validation import api_server_findings
from kslint.api_schemas.violations import findings_for
from kslint.findings import Finding
from kslint.objects import K8sObject

__all__ = [
    "SchemaError",
    "SchemaReport",
    "bundled_versions",
    "resolve_version",
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
    """What the stage did, for the summary: the target version, how many objects were
    validated and, by ``apiVersion kind``, how many had no schema."""

    kubernetes_version: str
    validated: int = 0
    without_schema: Counter[str] = field(default_factory=Counter)


class _Resolver:
    """Finds the schema of an (apiVersion, kind), once per pair and run."""

    def __init__(
        self, version: str, definitions: Iterable[K8sObject], schema_dirs: Sequence[str]
    ) -> None:
        self.kubernetes = kubernetes(version)
        self.custom = crd_schemas(definitions)
        self.dirs = [SchemaDir(path) for path in schema_dirs]
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


def validate(
    objects: Sequence[K8sObject],
    kubernetes_version: str | None = None,
    schema_dirs: Sequence[str] = (),
    context: Sequence[K8sObject] = (),
) -> tuple[list[Finding], SchemaReport]:
    """Findings of the four schema rules for ``objects``; CRDs among ``objects`` and
    ``context`` (files loaded only to resolve references) define custom kinds. Raises
    ``SchemaError`` (a ``UsageError``) for an unsupported version or a bad schema folder."""
    version = resolve_version(kubernetes_version)
    resolver = _Resolver(version, chain(objects, context), schema_dirs)
    report = SchemaReport(version)
    changes = table()
    findings: list[Finding] = []
    for obj in objects:
        api_version, kind = obj.api_version, obj.kind
        if is_unknown_kind(api_version, kind):
            findings.append(unknown_kind_finding(obj))
            continue
        change = changes.get((api_version, kind))
        if change is not None and change.removed_in(version):
            findings.append(
                obj.finding(
                    "removed-api-version",
                    f"{api_version} {kind} is no longer served since Kubernetes "
                    f"{change.removed} (target: {version}); {change.advice()}.",
                    ("apiVersion",),
                    key=False,
                )
            )
            continue
        if change is not None and change.deprecated_in(version):
            findings.append(
                obj.finding(
                    "deprecated-api-version",
                    f"{api_version} {kind} is deprecated since Kubernetes {change.deprecated} "
                    f"({change.removal()}); {change.advice()}.",
                    ("apiVersion",),
                    key=False,
                )
            )
        try:
            findings += _validate(obj, resolver, report, version)
            findings += api_server_findings(obj)
        except re.error:
            # A CRD pattern in a regex dialect Python cannot read (Go's \p{L}): the API
            # server evaluates it, kslint cannot; the object is left unchecked.
            continue
        except RecursionError:
            continue  # a schema nested past Python's recursion limit
        except Exception as exc:  # a bug in the stage: report it, lint the rest
            findings.append(
                obj.finding(
                    "internal-error",
                    f"Schema validation crashed on {obj}: {type(exc).__name__}: {exc}. "
                    "Please report this.",
                )
            )
    return findings, report


def _validate(
    obj: K8sObject, resolver: _Resolver, report: SchemaReport, version: str
) -> list[Finding]:
    api_version, kind = obj.api_version, obj.kind
    schema = resolver.schema(api_version, kind)
    if schema is None:
        finding = _unserved(obj, version)
        if finding is None:
            report.without_schema[f"{api_version} {kind}"] += 1
            return []
        return [finding]
    report.validated += 1
    if schema.is_valid(obj.body):
        return []
    # A field a check already reported as ``invalid-object`` (the engine runs first) is
    # not reported twice.
    return [
        finding
        for finding in findings_for(obj, schema.errors(obj.body))
        if finding.path not in obj.problems
    ]


def _unserved(obj: K8sObject, version: str) -> Finding | None:
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
        return obj.finding(
            "removed-api-version",
            f"{api_version} {kind} is no longer served by Kubernetes {version} "
            f"(last served in {others[-1]}); use {use}.",
            ("apiVersion",),
            key=False,
        )
    if others:
        detail = f"it is served from Kubernetes {others[0]}"
    else:
        detail = "no bundled Kubernetes version serves it"
    return obj.finding(
        "schema-violation",
        f"apiVersion: {api_version} does not serve {kind} in Kubernetes {version} ({detail}); "
        f"use {use}.",
        ("apiVersion",),
        key=False,
    )


def _older(candidate: str, version: str) -> bool:
    return tuple(map(int, candidate.split("."))) < tuple(map(int, version.split(".")))


def schema_summary(report: SchemaReport, verbose: bool = False) -> list[str]:
    """Lines for the end of a run: how many objects had no schema (and, verbose, which)."""
    missing = sum(report.without_schema.values())
    head = (
        f"schemas: Kubernetes {report.kubernetes_version}, {report.validated} objects "
        f"validated, {missing} without a schema"
    )
    if not verbose:
        if not missing:
            return []
        return [f"{head} (--verbose lists their kinds)"]
    lines = [head]
    for name, count in sorted(report.without_schema.items()):
        lines.append(f"  no schema: {name} ({count})")
    return lines

"""Which kinds a built-in API group serves: ``unknown-kind``.

An apiVersion of a built-in Kubernetes group (the core group, or a group the bundled
schemas or the API-removal table know: ``apps``, ``policy``, ``storage.k8s.io``, ...) names
a kind that no bundled Kubernetes version and no entry of the API-removal table knows at
that group/version (``apiVersion: v1`` with ``kind: StatefulSet``, ``apps/v1`` with
``kind: Service``): the API server rejects it. Such an object takes part in no relation,
so the pipeline leaves it out of the graph (an ``apps/v1`` "Service" must not govern a
StatefulSet) and the schema stage reports it here. Removed versions of real kinds stay
``removed-api-version``. A dotless group Kubernetes never had (``skaffold/v3``) is a tool's
configuration and is left alone: the catalog counts every dotless group as built-in, but on
real repositories those are tool files, never sent to an API server.
"""

from __future__ import annotations

from collections import defaultdict
from functools import cache

from kslint.api_schemas.deprecations import table
from kslint.api_schemas.store import _kinds, bundled_versions, version_key
from kslint.findings import Finding
from kslint.objects import K8sObject, group_of
from kslint.suggest import closest

# OpenShift kinds that its legacy (pre-4.x) API served under ``v1``; copied manifests still
# carry that header. The message names the group that serves them now.
OPENSHIFT_LEGACY = {
    "DeploymentConfig": "apps.openshift.io/v1",
    "BuildConfig": "build.openshift.io/v1",
    "Build": "build.openshift.io/v1",
    "ImageStream": "image.openshift.io/v1",
    "ImageStreamTag": "image.openshift.io/v1",
    "Route": "route.openshift.io/v1",
    "Template": "template.openshift.io/v1",
    "Project": "project.openshift.io/v1",
}


@cache
def _known() -> tuple[frozenset[tuple[str, str]], frozenset[str], dict[str, list[str]]]:
    """(apiVersion, kind) pairs any bundled version or the removal table knows; the groups
    of the bundled schemas; for each kind, the apiVersions that serve it (newest
    Kubernetes version's first)."""
    pairs: set[tuple[str, str]] = set()
    serving: dict[str, list[str]] = defaultdict(list)
    for version in sorted(bundled_versions(), key=version_key, reverse=True):
        for api_version, kinds in _kinds(version).items():
            for kind in kinds:
                pairs.add((api_version, kind))
                if api_version not in serving[kind]:
                    serving[kind].append(api_version)
    pairs.update(table())
    groups = frozenset(group_of(api_version) for api_version, _ in pairs)
    return frozenset(pairs), groups, dict(serving)


def builtin_groups() -> frozenset[str]:
    """The core group and every group of the bundled Kubernetes schemas."""
    return _known()[1] | {""}


def builtin_group(group: str) -> bool:
    """The core group, or a group of the bundled schemas or the API-removal table: every
    dotless one Kubernetes has (``apps``, ``batch``, ``policy``, ``extensions``) and the
    ``*.k8s.io`` ones. A dotless group Kubernetes never had is a tool's configuration
    (``skaffold/v3`` Config), not an object for the API server, and is left alone."""
    return group == "" or group in _known()[1]


def is_unknown_kind(api_version: str, kind: str) -> bool:
    pairs, _, _ = _known()
    if (api_version, kind) in pairs:
        return False
    return builtin_group(group_of(api_version))


def unknown_kind_finding(obj: K8sObject) -> Finding:
    _, _, serving = _known()
    at = "kind"
    if obj.api_version == "v1" and obj.kind in OPENSHIFT_LEGACY:
        hint = f"OpenShift serves it as apiVersion: {OPENSHIFT_LEGACY[obj.kind]}"
        at = "apiVersion"
    elif obj.kind in serving:  # a real kind under the wrong apiVersion: point at that
        hint = f"use apiVersion: {' or '.join(_stable_first(serving[obj.kind]))}"
        at = "apiVersion"
    else:
        match = closest(obj.kind, serving, cutoff=0.8)
        hint = (
            f"did you mean kind {match[0]!r} ({serving[match[0]][0]})?"
            if match
            else "a custom resource needs its own API group"
        )
    return obj.finding(
        "unknown-kind",
        f"No Kubernetes version serves kind {obj.kind} at apiVersion {obj.api_version}: "
        f"the API server rejects {obj}, and kslint leaves it out of every relation; {hint}"
        + ("" if hint.endswith("?") else "."),
        (at,),
        key=False,
    )


def _stable_first(api_versions: list[str]) -> list[str]:
    stable = [v for v in api_versions if "alpha" not in v and "beta" not in v]
    return stable[:2] or api_versions[:1]

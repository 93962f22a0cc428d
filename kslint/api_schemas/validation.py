"""API-server validation beyond the OpenAPI schema, reported as ``schema-violation``.

The OpenAPI documents do not say everything the API server rejects. These are checked here
(catalog revision 3): a pod template with no ``spec`` or no containers, and a
PodDisruptionBudget that sets both ``minAvailable`` and ``maxUnavailable``. A missing
``containers`` key is left to the schema (it is a required field there).
"""

from __future__ import annotations

from kslint.findings import Finding
from kslint.nodes import Path, dotted
from kslint.objects import POD_TEMPLATE_KINDS, K8sObject

SPEC_PATHS: dict[str, Path] = {
    "Pod": ("spec",),
    "CronJob": ("spec", "jobTemplate", "spec", "template", "spec"),
}


def api_server_findings(obj: K8sObject) -> list[Finding]:
    if obj.kind in POD_TEMPLATE_KINDS:
        return _pod_spec(obj)
    if obj.kind == "PodDisruptionBudget":
        return _budget(obj)
    return []


def _present(obj: K8sObject, path: Path) -> Path:
    for end in range(len(path), 0, -1):
        if obj.get(*path[:end]) is not None:
            return path[:end]
    return ()


def _pod_spec(obj: K8sObject) -> list[Finding]:
    path = SPEC_PATHS.get(obj.kind, ("spec", "template", "spec"))
    parent = path[:-1]
    if parent and not isinstance(obj.get(*parent), dict):
        return []  # a missing or mistyped template is the schema's to report
    spec = obj.get(*path)
    if spec is None:
        return [
            obj.finding(
                "schema-violation",
                f"{obj} has no `{dotted(path)}`: the API server rejects a pod without containers.",
                _present(obj, path),
            )
        ]
    containers = spec.get("containers") if isinstance(spec, dict) else None
    if isinstance(containers, list) and not containers:
        return [
            obj.finding(
                "schema-violation",
                f"`{dotted((*path, 'containers'))}` is empty: the API server rejects a pod "
                "without containers.",
                (*path, "containers"),
            )
        ]
    return []


def _budget(obj: K8sObject) -> list[Finding]:
    if obj.get("spec", "minAvailable") is None or obj.get("spec", "maxUnavailable") is None:
        return []
    return [
        obj.finding(
            "schema-violation",
            f"{obj} sets both `spec.minAvailable` and `spec.maxUnavailable`: the API server "
            "accepts only one of them.",
            ("spec", "maxUnavailable"),
            related=[obj.related("minAvailable is set here", "spec", "minAvailable")],
        )
    ]

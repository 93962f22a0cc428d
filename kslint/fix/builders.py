"""Fix builders: one function per ``autofix`` entry of a rule's data file.

Each builder reads the finding's object (``ctx.obj``, its typed view ``ctx.view`` and the
graph) and records edits through ``ctx.put`` / ``ctx.replace_entry`` / ``ctx.append``, or
raises ``NotFixable`` with the reason a person reads. Whether a fix is safe is data
(``rules/<id>.yaml``), not code: a test keeps the two in step.
"""

from __future__ import annotations

from typing import Any

from kslint.binding import mismatches
from kslint.fix.edits import Literal, NotFixable
from kslint.fix.plan import Builder, FixContext
from kslint.objects import K8sObject

BUILDERS: dict[tuple[str, str], Builder] = {}


def builder(rule_id: str, fix_id: str) -> Any:
    def register(function: Builder) -> Builder:
        BUILDERS[(rule_id, fix_id)] = function
        return function

    return register


def _zero(value: Any) -> bool:
    return value in (0, "0", "0%")


# -- B. Sharing claims ------------------------------------------------------------------


@builder("deployment-rwo-rolling-update", "no-surge")
def no_surge(ctx: FixContext) -> None:
    """``maxSurge: 0``; ``maxUnavailable: 1`` unless one that is not 0 is written (the API
    rejects both at 0, and a written non-zero value already lets the old pod go first)."""
    values: dict[str, Any] = {"maxSurge": 0}
    if _zero(ctx.obj.get("spec", "strategy", "rollingUpdate", "maxUnavailable") or 0):
        values["maxUnavailable"] = 1
    ctx.put(ctx.obj, {"spec": {"strategy": {"rollingUpdate": values}}}, after=("replicas", "type"))


@builder("deployment-rwo-rolling-update", "recreate")
def recreate(ctx: FixContext) -> None:
    obj = ctx.obj
    strategy = obj.get("spec", "strategy")
    if not isinstance(strategy, dict) or "rollingUpdate" not in strategy:
        ctx.put(obj, {"spec": {"strategy": {"type": "Recreate"}}}, after=("replicas",))
    elif "type" in strategy:
        ctx.put(obj, {"type": "Recreate"}, ("spec", "strategy"))
        ctx.replace_entry(obj, ("spec", "strategy"), "rollingUpdate")
    else:
        ctx.replace_entry(obj, ("spec", "strategy"), "rollingUpdate", {"type": "Recreate"})


# -- C. StatefulSets, governing Services and disruption budgets -------------------------


@builder("statefulset-service-not-headless", "headless")
def headless(ctx: FixContext) -> None:
    service = ctx.graph.governing_service(ctx.view)
    if service is None:
        raise NotFixable("its governing Service is not in the set")
    kind = service.obj.get("spec", "type")
    if kind not in (None, "ClusterIP"):
        raise NotFixable(f"{service.obj} is of type {kind}; only a ClusterIP Service is headless")
    if service.obj.get("spec", "clusterIPs") is not None:
        raise NotFixable(f"{service.obj} also sets spec.clusterIPs; change both by hand")
    ctx.put(service.obj, {"spec": {"clusterIP": "None"}}, after=("type",))


def _pod_labels(obj: K8sObject) -> dict[str, Any]:
    labels = obj.get("spec", "template", "metadata", "labels")
    return _plain(labels) if isinstance(labels, dict) else {}


def _pod_selector(ctx: FixContext) -> dict[str, Any]:
    """A label selector for the StatefulSet's pods: its own selector (matchLabels,
    matchExpressions) when that matches the pod template's labels, else those labels."""
    selector = ctx.obj.get("spec", "selector")
    own = ctx.view.selector
    usable = own is not None and not own.empty and own.matches(ctx.view.pod.labels)
    if isinstance(selector, dict) and usable:
        kept = {key: _plain(selector.get(key)) for key in ("matchLabels", "matchExpressions")}
        return {key: value for key, value in kept.items() if value}
    labels = _pod_labels(ctx.obj)
    if not labels:
        raise NotFixable(f"{ctx.obj} has no pod labels to select its pods by")
    return {"matchLabels": labels}


def _equality_labels(ctx: FixContext) -> dict[str, Any]:
    """Labels a Service selects the pods by (a Service selector has no expressions): the
    selector's matchLabels when it has nothing else, else the pod template's labels."""
    selector = _pod_selector(ctx)
    if "matchExpressions" not in selector:
        return dict(selector["matchLabels"])
    labels = _pod_labels(ctx.obj)
    if not labels:
        raise NotFixable(f"{ctx.obj} has no pod labels a Service could select")
    return labels


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def _metadata(obj: K8sObject, name: str) -> dict[str, Any]:
    """Metadata for a new object beside ``obj``: its namespace only if ``obj`` writes one."""
    metadata: dict[str, Any] = {"name": name}
    if obj.get("metadata", "namespace") is not None:
        metadata["namespace"] = obj.namespace
    return metadata


def _headless_service(ctx: FixContext, name: str) -> None:
    obj = ctx.obj
    labels = _equality_labels(ctx)
    document = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": _metadata(obj, name),
        "spec": {"clusterIP": "None", "selector": labels},
    }
    ctx.append(obj, document, ("Service", obj.namespace, name))


@builder("statefulset-service-not-found", "add-service")
def add_service(ctx: FixContext) -> None:
    name = ctx.view.service_name
    if not name:
        raise NotFixable("it names no Service")
    elsewhere = sorted(str(s.namespace) for s in ctx.graph.named("Service", name))
    if elsewhere:
        raise NotFixable(
            f"a Service {name} exists in namespace {elsewhere[0]}: check which namespace is meant"
        )
    _headless_service(ctx, name)


@builder("statefulset-missing-service-name", "governing-service")
def governing_service(ctx: FixContext) -> None:
    """Name the one headless Service that selects the pods, else a new one named like the
    StatefulSet."""
    obj = ctx.obj
    headless = [service for service in ctx.graph.services(ctx.view) if service.headless]
    if len(headless) > 1:
        names = ", ".join(sorted({service.obj.name for service in headless}))
        raise NotFixable(f"several headless Services select its pods ({names}): choose one")
    if headless:
        name = headless[0].obj.name
    else:
        name = obj.name
        if ctx.graph.get("Service", obj.namespace, name) is not None:
            raise NotFixable(f"Service {name} exists but does not govern these pods")
        _headless_service(ctx, name)
    ctx.put(obj, {"spec": {"serviceName": name}}, after=("replicas",))


@builder("statefulset-missing-pdb", "add-pdb")
def add_pdb(ctx: FixContext) -> None:
    obj = ctx.obj
    selector = _pod_selector(ctx)
    taken = {(kind, namespace, name) for kind, namespace, name in ctx.planner.existing}
    for name in (obj.name, f"{obj.name}-pdb"):
        if ("PodDisruptionBudget", obj.namespace, name) not in taken:
            break
    else:
        raise NotFixable(f"PodDisruptionBudgets {obj.name} and {obj.name}-pdb already exist")
    document = {
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": _metadata(obj, name),
        "spec": {"maxUnavailable": 1, "selector": selector},
    }
    ctx.append(obj, document, ("PodDisruptionBudget", obj.namespace, name))


# -- D. Reclaim and retention -------------------------------------------------------------


@builder("pv-missing-reclaim-policy", "retain")
@builder("pv-recycle-reclaim-policy", "retain")
def pv_retain(ctx: FixContext) -> None:
    ctx.put(
        ctx.obj,
        {"spec": {"persistentVolumeReclaimPolicy": "Retain"}},
        after=("storageClassName", "volumeMode"),
    )


@builder("storageclass-missing-reclaim-policy", "retain")
def storage_class_retain(ctx: FixContext) -> None:
    ctx.put(ctx.obj, {"reclaimPolicy": "Retain"}, after=("provisioner",))


@builder("statefulset-pvc-retention-delete", "retain")
def retention_retain(ctx: FixContext) -> None:
    field = ctx.finding.path[-1] if ctx.finding.path else None
    if field not in ("whenDeleted", "whenScaled"):
        raise NotFixable("the finding names no retention field")
    ctx.put(ctx.obj, {"spec": {"persistentVolumeClaimRetentionPolicy": {field: "Retain"}}})


# -- E. Claims, volumes and classes -------------------------------------------------------


@builder("local-storage-immediate-binding", "wait-for-first-consumer")
def wait_for_first_consumer(ctx: FixContext) -> None:
    ctx.put(
        ctx.obj,
        {"volumeBindingMode": "WaitForFirstConsumer"},
        after=("reclaimPolicy", "provisioner"),
    )


@builder("pvc-volume-mismatch", "static-binding")
def static_binding(ctx: FixContext) -> None:
    """``storageClassName: ""`` when the only thing wrong is a claim with no class tied to
    a volume with no class (the default class written at admission would never bind)."""
    claim = ctx.view
    if claim.storage_class is not None:
        raise NotFixable("the claim names a class; only a claim with no class gets this fix")
    for volume, _ in ctx.graph.tied_volumes(claim):
        reasons = mismatches(claim, volume, ctx.graph.default_storage_classes)
        if reasons and (volume.storage_class or [r.check for r in reasons] != ["storage class"]):
            raise NotFixable("the claim and volume differ in more than the missing class")
    ctx.put(ctx.obj, {"spec": {"storageClassName": Literal('""')}}, after=("volumeName",))

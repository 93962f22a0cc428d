"""pdb-blocks-eviction: a PodDisruptionBudget that never allows an eviction.

The eviction API (``kubectl drain``, cluster upgrades, the cluster autoscaler) evicts a pod
only while its budget allows one disruption. A budget with ``maxUnavailable: 0`` (or
``"0%"``), ``minAvailable: "100%"``, or a ``minAvailable`` at least the number of pods it
selects never does, so drains hang until someone deletes the budget. The pod count is the
sum of the effective maximum replicas (raised by an autoscaler, or a KEDA ScaledObject) of
every workload in the namespace whose pods the budget selects; a percentage is rounded up,
as the disruption controller does. The count rule stays silent when the budget selects nothing, or a
selected workload's replicas are unknown (a placeholder, a DaemonSet, a Job). A budget
that sets both fields is invalid (``schema-violation``) and is left to that rule.
"""

from collections.abc import Iterator

from kslint.findings import Finding
from kslint.graph import Graph
from kslint.model import PodDisruptionBudget, Workload
from kslint.registry import Reporter, rule

# Workloads whose pod count is known from the manifest.
COUNTED_KINDS = frozenset(
    {"Pod", "Deployment", "ReplicaSet", "ReplicationController", "StatefulSet"}
)


def _percent(value: int | str) -> int | None:
    return int(value[:-1]) if isinstance(value, str) else None


@rule("pdb-blocks-eviction", kinds=("PodDisruptionBudget",))
def check(pdb: PodDisruptionBudget, graph: Graph, report: Reporter) -> Iterator[Finding]:
    obj = pdb.obj
    low, high = pdb.min_available, pdb.max_unavailable
    if (
        obj.get("spec", "minAvailable") is not None
        and obj.get("spec", "maxUnavailable") is not None
    ):
        return  # invalid: schema-violation reports it
    workloads = graph.pdb_workloads(pdb)
    related = [w.obj.related(f"{w.obj} runs pods that {obj} selects") for w in workloads]
    tail = "no pod it selects can ever be evicted, so node drains and cluster upgrades hang"
    if high is not None and (high == 0 or _percent(high) == 0):
        yield report(
            obj,
            f"{obj} sets maxUnavailable {high}: {tail}.",
            ("spec", "maxUnavailable"),
            related=related,
        )
        return
    if low is None:
        return
    percent = _percent(low)
    if percent is not None and percent >= 100:
        yield report(
            obj,
            f"{obj} sets minAvailable {low}: {tail}.",
            ("spec", "minAvailable"),
            related=related,
        )
        return
    total = _pod_count(graph, workloads)
    if total is None or total < 1:
        return
    required = low if percent is None else -(-percent * total // 100)  # rounded up
    if isinstance(required, int) and required >= total:
        names = ", ".join(str(w.obj) for w in workloads)
        counted = "" if percent is None else f" ({required} pods)"
        yield report(
            obj,
            f"{obj} requires minAvailable {low}{counted} of the {total} pods of {names}: {tail}.",
            ("spec", "minAvailable"),
            related=related,
        )


def _pod_count(graph: Graph, workloads: list[Workload]) -> int | None:
    """The selected workloads' effective maximum replicas summed; None when unknown."""
    if not workloads:
        return None
    total = 0
    for workload in workloads:
        if workload.kind not in COUNTED_KINDS:
            return None
        replicas = graph.max_replicas(workload)
        if replicas is None:
            return None
        total += max(replicas, _keda_max(graph, workload))
    return total


def _keda_max(graph: Graph, workload: Workload) -> int:
    """The ``maxReplicaCount`` of a KEDA ScaledObject that scales the workload (KEDA runs
    an autoscaler of its own for it); 0 when none does."""
    found = 0
    for scaler in graph.by_kind.get("ScaledObject", ()):
        if (
            not scaler.api_version.startswith("keda.sh/")
            or scaler.namespace != workload.obj.namespace
        ):
            continue
        target = scaler.get("spec", "scaleTargetRef")
        if not isinstance(target, dict) or target.get("name") != workload.obj.name:
            continue
        if target.get("kind", "Deployment") != workload.kind:
            continue
        # The nearest definition of the target (environment folders): this copy or none.
        kind, name, namespace = workload.kind, workload.obj.name, scaler.namespace
        if graph.lookup(kind, namespace, name, scaler).target is not workload.obj:
            continue
        count = scaler.get("spec", "maxReplicaCount")
        if isinstance(count, int) and not isinstance(count, bool):
            found = max(found, count)
        else:
            found = max(found, 100)  # KEDA's default maximum
    return found

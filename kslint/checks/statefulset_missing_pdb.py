"""statefulset-missing-pdb: a replicated StatefulSet with no PodDisruptionBudget.

Without a budget, a node drain or cluster upgrade may evict several replicas of a
quorum-based database (etcd, ZooKeeper, a replica set) at once and take it down. Applies
when the replica count (raised by an autoscaler's maxReplicas) is above 1; a count that
is not an integer (a template placeholder) leaves the rule silent. An autoscaler that
raises the count is shown as a related location.
"""

from collections.abc import Iterator

from kslint.findings import Finding, Related
from kslint.graph import Graph
from kslint.model import Workload
from kslint.rules import rule


@rule("statefulset-missing-pdb", kinds=("StatefulSet",))
def check(statefulset: Workload, graph: Graph) -> Iterator[Finding]:
    replicas = graph.max_replicas(statefulset)
    if replicas is None or replicas <= 1 or graph.pdbs(statefulset):
        return
    obj = statefulset.obj
    related: list[Related] = [
        hpa.obj.related(
            f"{hpa.obj} scales it up to {hpa.max_replicas} replicas", "spec", "maxReplicas"
        )
        for hpa in graph.hpas(statefulset)
        if hpa.max_replicas is not None and hpa.max_replicas > 1
    ]
    written = obj.get("spec", "replicas") is not None
    yield obj.finding(
        "statefulset-missing-pdb",
        f"{obj} runs up to {replicas} replicas but no PodDisruptionBudget in namespace "
        f"{obj.namespace} selects its pods: a drain may evict several at once.",
        ("spec", "replicas") if written else (),
        key=False,
        related=related,
    )

"""deployment-shared-rwo-pvc: replicas of one Deployment sharing a single-node claim.

A ReadWriteOnce volume attaches to one node. Replicas scheduled elsewhere wait in
ContainerCreating with a Multi-Attach error, so the Deployment never becomes ready (and a
node drain can wedge it). The replica count is raised by any autoscaler targeting it.
"""

from collections.abc import Iterator

from kslint.findings import Finding
from kslint.graph import Graph
from kslint.model import Workload
from kslint.registry import Reporter, rule


@rule("deployment-shared-rwo-pvc", kinds=("Deployment", "ReplicaSet", "ReplicationController"))
def check(workload: Workload, graph: Graph, report: Reporter) -> Iterator[Finding]:
    replicas = graph.max_replicas(workload)
    if replicas is None or replicas <= 1:
        return
    scalers = graph.scaler_locations(workload)
    for volume, claim in graph.claims(workload):
        if claim is None or not claim.single_node:
            continue
        modes = "/".join(claim.access_modes)
        yield report(
            workload.obj,
            f"{workload.obj} runs up to {replicas} replicas but they share {modes} "
            f"{claim.obj}; replicas on other nodes cannot attach it (Multi-Attach error).",
            volume.claim_name_path,
            key=False,
            related=[
                claim.obj.related(f"{claim.obj} is {modes}", "spec", "accessModes"),
                *scalers,
            ],
        )

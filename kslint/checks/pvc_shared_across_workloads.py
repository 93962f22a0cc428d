"""pvc-shared-across-workloads: several workloads use one single-node claim.

Only pods on the node that holds the volume can start; with ReadWriteOncePod only one pod
in the whole cluster can, so the second workload never runs (reported as an error).
"""

from collections.abc import Iterator

from kslint.findings import Finding, Severity
from kslint.graph import Graph
from kslint.model import PersistentVolumeClaim
from kslint.registry import Reporter, rule


@rule("pvc-shared-across-workloads", kinds=("PersistentVolumeClaim",))
def check(claim: PersistentVolumeClaim, graph: Graph, report: Reporter) -> Iterator[Finding]:
    if not claim.single_node:
        return
    users = graph.claim_users(claim)
    # Distinct identities: copies of one workload in several directories (a copied
    # example) are alternatives, not several workloads.
    workloads = {workload.obj.identity: workload for workload, _ in users}
    if len(workloads) < 2:
        return
    names = ", ".join(sorted(str(w.obj) for w in workloads.values()))
    modes = "/".join(claim.access_modes)
    yield report(
        claim.obj,
        f"{claim.obj} is {modes} but {len(workloads)} workloads use it ({names}); "
        "their pods can only run on the node (or pod) that holds the volume.",
        ("spec", "accessModes"),
        severity=Severity.ERROR if "ReadWriteOncePod" in claim.access_modes else None,
        related=[
            workload.obj.related(f"{workload.obj} uses {claim.obj}", *volume.claim_name_path)
            for workload, volume in users
        ],
    )

"""statefulset-shared-pvc: every replica of a StatefulSet shares one claim.

A StatefulSet gives each replica its own claim only through ``volumeClaimTemplates``; a
``persistentVolumeClaim`` pod volume is one claim for all replicas. With a single-node
claim and more than one replica (an autoscaler's maxReplicas counts) the other replicas
cannot attach it, so the finding is an error; otherwise (one replica, a shared-access
claim, a claim not in the set, an unknown replica count) it is information: the
replicas still share the data instead of each having its own.
"""

from collections.abc import Iterator

from kslint.findings import Finding, Related, Severity
from kslint.graph import Graph
from kslint.model import Workload
from kslint.registry import Reporter, rule


@rule("statefulset-shared-pvc", kinds=("StatefulSet",))
def check(statefulset: Workload, graph: Graph, report: Reporter) -> Iterator[Finding]:
    obj = statefulset.obj
    replicas = graph.max_replicas(statefulset)
    scalers = graph.scaler_locations(statefulset)
    for volume in statefulset.claim_volumes:
        # The finding needs no target; an unknown or ambiguous claim only keeps it info.
        claim = graph.claim(statefulset, volume)
        related: list[Related] = []
        severity = Severity.INFO
        if claim is None:
            named = f"claim {volume.claim_name!r}"
        else:
            named = str(claim.obj)
            modes = "/".join(claim.access_modes) or "no access modes"
            related.append(claim.obj.related(f"{claim.obj} is {modes}", "spec", "accessModes"))
        if claim is not None and claim.single_node and replicas is not None and replicas > 1:
            severity = Severity.ERROR
            if "ReadWriteOncePod" in claim.access_modes:
                effect = "only one pod at a time can use it"
            else:
                effect = "replicas on other nodes cannot attach it"
            detail = (
                f"up to {replicas} replicas share {'/'.join(claim.access_modes)} {named}; {effect}"
            )
            related += scalers
        else:
            detail = f"all its replicas share {named} instead of each getting its own"
        yield report(
            obj,
            f"{obj} mounts a PersistentVolumeClaim through pod volume {volume.name!r} rather "
            f"than volumeClaimTemplates, so {detail}.",
            volume.claim_name_path,
            key=False,
            severity=severity,
            related=related,
        )

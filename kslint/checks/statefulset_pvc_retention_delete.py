"""statefulset-pvc-retention-delete: the StatefulSet deletes its replicas' claims.

With ``persistentVolumeClaimRetentionPolicy.whenDeleted: Delete`` deleting the StatefulSet
(a mistaken ``kubectl delete``, an uninstall, a re-create to change an immutable field)
deletes every replica's PVC, and with the usual Delete reclaim policy, its disk. With
``whenScaled: Delete`` scaling down deletes the claims of the removed replicas. Each
field set to Delete is reported on its own.
"""

from collections.abc import Iterator

from kslint.findings import Finding
from kslint.graph import Graph
from kslint.model import Workload, text
from kslint.registry import Reporter, rule

POLICY = ("spec", "persistentVolumeClaimRetentionPolicy")
WHEN = {
    "whenDeleted": "deleting the StatefulSet deletes every replica's PersistentVolumeClaim",
    "whenScaled": "scaling it down deletes the PersistentVolumeClaims of removed replicas",
}


@rule("statefulset-pvc-retention-delete", kinds=("StatefulSet",))
def check(statefulset: Workload, graph: Graph, report: Reporter) -> Iterator[Finding]:
    obj = statefulset.obj
    for field, effect in WHEN.items():
        if text(obj, (*POLICY, field)) == "Delete":
            yield report(
                obj,
                f"{obj} sets persistentVolumeClaimRetentionPolicy.{field}: Delete, so "
                f"{effect}, and with a Delete reclaim policy their disks and data.",
                (*POLICY, field),
                key=False,
            )

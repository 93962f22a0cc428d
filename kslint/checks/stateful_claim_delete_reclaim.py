"""stateful-claim-delete-reclaim: a database's disk is deleted with its claim.

A StorageClass with ``reclaimPolicy: Delete`` deletes the provisioned disk as soon as its
claim is deleted: an uninstall, a namespace deletion or a mistaken ``kubectl delete pvc``
then destroys the data for good. The rule reads StatefulSet volumeClaimTemplates (reported
on the StatefulSet) and standalone PVCs used by a StatefulSet or by a workload with a
server container (reported on the PVC). Only a class in the set whose policy is written
as Delete counts: an absent policy is reported once, on the class, by
storageclass-missing-reclaim-policy. A PVC that names its volume (``volumeName``) binds a
pre-existing PV, whose own policy applies, and is skipped.
"""

from collections.abc import Iterator

from kslint.findings import Finding, Related
from kslint.graph import Graph
from kslint.images import server_containers
from kslint.model import Claim, PersistentVolumeClaim, StorageClass, Workload
from kslint.registry import Reporter, rule


def _deleting_class(claim: Claim, graph: Graph) -> StorageClass | None:
    storage_class = graph.storage_class(claim)
    if storage_class is None or storage_class.reclaim_policy != "Delete":
        return None
    return storage_class


def _class_related(storage_class: StorageClass) -> Related:
    return storage_class.obj.related(
        f"{storage_class.obj} has reclaimPolicy: Delete", "reclaimPolicy"
    )


@rule("stateful-claim-delete-reclaim", kinds=("StatefulSet", "PersistentVolumeClaim"))
def check(
    view: Workload | PersistentVolumeClaim, graph: Graph, report: Reporter
) -> Iterator[Finding]:
    if isinstance(view, Workload):
        yield from _templates(view, graph, report)
    else:
        yield from _claim(view, graph, report)


def _templates(statefulset: Workload, graph: Graph, report: Reporter) -> Iterator[Finding]:
    obj = statefulset.obj
    for template in statefulset.claim_templates:
        storage_class = _deleting_class(template.claim, graph)
        if storage_class is None:
            continue
        yield report(
            obj,
            f"volumeClaimTemplate {template.name!r} of {obj} uses {storage_class.obj}, whose "
            "reclaimPolicy is Delete: deleting a replica's claim deletes its disk and data.",
            template.claim.storage_class_path,
            key=False,
            related=[_class_related(storage_class)],
        )


def _claim(claim: PersistentVolumeClaim, graph: Graph, report: Reporter) -> Iterator[Finding]:
    if claim.volume_name:
        return
    users = [
        (workload, volume)
        for workload, volume in graph.claim_users(claim)
        if workload.kind == "StatefulSet"
        or server_containers(workload.pod.containers, graph.options)
    ]
    if not users:
        return
    storage_class = _deleting_class(claim, graph)
    if storage_class is None:
        return
    obj = claim.obj
    names = ", ".join(sorted({str(workload.obj) for workload, _ in users}))
    yield report(
        obj,
        f"{obj}, which holds the data of {names}, uses {storage_class.obj}, whose "
        "reclaimPolicy is Delete: deleting the claim deletes the disk and its data.",
        claim.storage_class_path,
        key=False,
        related=[
            _class_related(storage_class),
            *(
                workload.obj.related(f"{workload.obj} uses {obj}", *volume.claim_name_path)
                for workload, volume in users
            ),
        ],
    )

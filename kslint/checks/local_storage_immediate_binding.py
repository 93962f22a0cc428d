"""local-storage-immediate-binding: local volumes bound before the pod is scheduled.

With ``kubernetes.io/no-provisioner`` (local volumes, created by hand or by the local
static provisioner) and ``Immediate`` binding, a claim is bound to some node's disk as
soon as it is created, before the scheduler has considered the pod's other constraints
(CPU, memory, affinity): the pod may then be unschedulable. ``WaitForFirstConsumer``
delays binding until the pod is placed.
"""

from collections.abc import Iterator

from kslint.findings import Finding
from kslint.graph import Graph
from kslint.model import StorageClass
from kslint.registry import Reporter, rule

NO_PROVISIONER = "kubernetes.io/no-provisioner"


@rule("local-storage-immediate-binding", kinds=("StorageClass",))
def check(storage_class: StorageClass, graph: Graph, report: Reporter) -> Iterator[Finding]:
    if storage_class.provisioner != NO_PROVISIONER:
        return
    if storage_class.binding_mode == "WaitForFirstConsumer":
        return
    obj = storage_class.obj
    if obj.get("volumeBindingMode") is None:
        yield report(
            obj,
            f"{obj} uses {NO_PROVISIONER} without volumeBindingMode, so claims bind "
            "immediately (the default) to a node's disk before their pods are scheduled.",
            ("provisioner",),
        )
    else:
        yield report(
            obj,
            f"{obj} uses {NO_PROVISIONER} with volumeBindingMode "
            f"{storage_class.binding_mode}, so claims bind to a node's disk before their "
            "pods are scheduled.",
            ("volumeBindingMode",),
            key=False,
        )

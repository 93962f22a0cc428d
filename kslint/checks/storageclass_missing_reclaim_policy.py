"""storageclass-missing-reclaim-policy: the implicit Delete destroys released volumes.

Every volume the class provisions inherits its policy; without ``reclaimPolicy`` the API
defaults to Delete, so deleting a claim (or a namespace) deletes the disk.
"""

from collections.abc import Iterator

from kslint.findings import Finding
from kslint.graph import Graph
from kslint.model import StorageClass
from kslint.rules import rule


@rule("storageclass-missing-reclaim-policy", kinds=("StorageClass",))
def check(storage_class: StorageClass, graph: Graph) -> Iterator[Finding]:
    obj = storage_class.obj
    if obj.get("reclaimPolicy") is not None:
        return
    yield obj.finding(
        "storageclass-missing-reclaim-policy",
        f"{obj} has no reclaimPolicy, so volumes it provisions are deleted with their "
        "claims (the API default is Delete).",
        ("provisioner",) if obj.get("provisioner") is not None else ("kind",),
    )

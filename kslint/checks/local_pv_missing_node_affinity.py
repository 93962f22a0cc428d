"""local-pv-missing-node-affinity: a local volume that does not say which node holds it.

A ``local`` PV is a disk on one node. The scheduler learns which node only from
``spec.nodeAffinity.required``; without it, pods using the volume can be placed on any
node, and the API server rejects the PV.
"""

from collections.abc import Iterator

from kslint.findings import Finding
from kslint.graph import Graph
from kslint.model import PersistentVolume
from kslint.rules import rule


@rule("local-pv-missing-node-affinity", kinds=("PersistentVolume",))
def check(volume: PersistentVolume, graph: Graph) -> Iterator[Finding]:
    if volume.obj.get("spec", "local") is None or volume.node_affinity_required:
        return
    yield volume.obj.finding(
        "local-pv-missing-node-affinity",
        f"{volume.obj} is a local volume without spec.nodeAffinity.required, so nothing "
        "ties its pods to the node that holds the disk.",
        ("spec", "local"),
    )

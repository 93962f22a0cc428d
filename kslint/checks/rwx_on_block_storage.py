"""rwx-on-block-storage: ReadWriteMany asked of a provisioner that attaches to one node.

Cloud block disks (EBS, GCE PD, Azure Disk, Cinder, ...) attach to a single node, so a
Filesystem-mode ``ReadWriteMany`` claim is never provisioned (or never attaches twice).
Block-mode claims are exempt: some of these drivers share raw block devices between
nodes (EBS Multi-Attach, for one). A finding about a StatefulSet claim template belongs
to the StatefulSet.
"""

from collections.abc import Iterator
from typing import Any

from kslint.findings import Finding
from kslint.graph import Graph
from kslint.model import Claim, declared_claims
from kslint.registry import Reporter, rule

# Provisioners of single-node block storage (the rule catalog's list), old in-tree
# names beside their CSI drivers.
SINGLE_NODE_BLOCK_PROVISIONERS: dict[str, str] = {
    "ebs.csi.aws.com": "Amazon EBS",
    "kubernetes.io/aws-ebs": "Amazon EBS",
    "pd.csi.storage.gke.io": "GCE persistent disk",
    "kubernetes.io/gce-pd": "GCE persistent disk",
    "disk.csi.azure.com": "Azure Disk",
    "kubernetes.io/azure-disk": "Azure Disk",
    "cinder.csi.openstack.org": "OpenStack Cinder",
    "kubernetes.io/cinder": "OpenStack Cinder",
    "dobs.csi.digitalocean.com": "DigitalOcean block storage",
    "csi.hetzner.cloud": "Hetzner Cloud volumes",
    "linodebs.csi.linode.com": "Linode block storage",
}


@rule("rwx-on-block-storage", kinds=("PersistentVolumeClaim", "StatefulSet"))
def check(view: Any, graph: Graph, report: Reporter) -> Iterator[Finding]:
    for claim, prefix in declared_claims(view):
        yield from _check(claim, prefix, graph, report)


def _check(claim: Claim, prefix: str, graph: Graph, report: Reporter) -> Iterator[Finding]:
    if "ReadWriteMany" not in claim.access_modes or claim.volume_mode != "Filesystem":
        return
    storage_class = graph.storage_class(claim)
    if storage_class is None or storage_class.provisioner not in SINGLE_NODE_BLOCK_PROVISIONERS:
        return
    store = SINGLE_NODE_BLOCK_PROVISIONERS[storage_class.provisioner]
    yield report(
        claim.obj,
        f"{prefix}{claim.obj} asks for ReadWriteMany from {storage_class.obj}, whose "
        f"provisioner {storage_class.provisioner} ({store}) attaches each volume to a "
        "single node.",
        claim.path("spec", "accessModes", claim.access_modes.index("ReadWriteMany")),
        key=False,
        related=[
            storage_class.obj.related(
                f"{storage_class.obj} provisions {store} volumes", "provisioner"
            )
        ],
    )

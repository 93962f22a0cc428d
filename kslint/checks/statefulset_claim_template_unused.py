"""statefulset-claim-template-unused: a claim is provisioned per replica and never used.

Each volumeClaimTemplate creates one PVC (and one disk) per replica. If no container or
initContainer mounts it (``volumeMounts``, or ``volumeDevices`` for a raw block claim),
the disks are paid for and empty, and the data the template was meant for usually lands
in the container's writable layer instead (often a name typo in ``volumeMounts``).
"""

from collections.abc import Iterator

from kslint.findings import Finding
from kslint.graph import Graph
from kslint.model import Workload
from kslint.registry import Reporter, rule


@rule("statefulset-claim-template-unused", kinds=("StatefulSet",))
def check(statefulset: Workload, graph: Graph, report: Reporter) -> Iterator[Finding]:
    used = {
        mount.name
        for container in statefulset.pod.containers
        for mount in (*container.mounts, *container.devices)
    }
    obj = statefulset.obj
    for template in statefulset.claim_templates:
        if template.name in used:
            continue
        yield report(
            obj,
            f"{obj} provisions a PersistentVolumeClaim per replica from volumeClaimTemplate "
            f"{template.name!r}, but no container mounts it.",
            template.claim.path("metadata", "name"),
            key=False,
        )

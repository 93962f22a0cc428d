"""volume-mount-undefined: a container mounts a volume the pod does not define.

Every ``volumeMounts[].name`` of a container or initContainer must name a pod volume or,
in a StatefulSet, a volumeClaimTemplate; the API server rejects the object otherwise
(``spec.containers[0].volumeMounts[0].name: Not found``). One finding per mount.

A controller with neither ``spec.selector`` nor pod template labels cannot be created as
written (its selector would be empty): it is a strategic-merge patch fragment whose
volumes live in the base it is merged into, so its mounts are not judged.
"""

from collections.abc import Iterator

from kslint.findings import Finding
from kslint.graph import Graph
from kslint.model import Workload
from kslint.objects import POD_TEMPLATE_KINDS
from kslint.registry import Reporter, rule

CONTROLLERS = ("Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "ReplicationController")


def is_patch_fragment(workload: Workload) -> bool:
    """A controller with no selector and no pod labels: a patch, not an object."""
    return (
        workload.kind in CONTROLLERS
        and workload.obj.get("spec", "selector") is None
        and not workload.pod.labels
    )


@rule("volume-mount-undefined", kinds=POD_TEMPLATE_KINDS)
def check(workload: Workload, graph: Graph, report: Reporter) -> Iterator[Finding]:
    if is_patch_fragment(workload):
        return
    defined = {volume.name for volume in workload.pod.volumes}
    defined.update(template.name for template in workload.claim_templates)
    obj = workload.obj
    for container in workload.pod.containers:
        for mount in container.mounts:
            if mount.name in defined:
                continue
            where = " or volumeClaimTemplate" if workload.kind == "StatefulSet" else ""
            kind = "initContainer" if container.init else "Container"
            yield report(
                obj,
                f"{kind} {container.name!r} of {obj} mounts volume {mount.name!r}, but no pod "
                f"volume{where} has that name: the API server rejects it.",
                (*mount.path, "name"),
                key=False,
            )

"""pod-host-path-volume: what a pod writes to a node's disk stays on that node.

Fires on a ``hostPath`` volume that can hold data: some container (or initContainer)
mounts it without ``readOnly: true``, and it is not a socket or a device (``type``
``Socket``, ``CharDevice`` or ``BlockDevice``, or a path ending in ``.sock``). Exempt:
DaemonSets (one pod per node on purpose, usually reading the node), static pods (they
never leave their node: the kubeadm control plane reading its certificates), and
hostPath volumes that no container mounts.
"""

from collections.abc import Iterator

from kslint.findings import Finding
from kslint.graph import Graph
from kslint.model import VolumeMount, Workload
from kslint.objects import POD_TEMPLATE_KINDS
from kslint.registry import Reporter, rule

# hostPath types that hand the pod a socket or a device, never a place to keep data.
NOT_STORAGE_TYPES = frozenset({"Socket", "CharDevice", "BlockDevice"})


@rule("pod-host-path-volume", kinds=POD_TEMPLATE_KINDS - {"DaemonSet"})
def check(workload: Workload, graph: Graph, report: Reporter) -> Iterator[Finding]:
    if workload.static:
        return
    obj = workload.obj
    for volume in workload.volumes:
        if volume.source != "hostPath":
            continue
        host_type = obj.get(*volume.source_path, "type")
        host_path = obj.get(*volume.source_path, "path")
        if host_type in NOT_STORAGE_TYPES or (
            isinstance(host_path, str) and host_path.rstrip("/").endswith(".sock")
        ):
            continue
        writers = [
            (container.name, mount)
            for container in workload.pod.containers
            for mount in container.mounts
            if mount.name == volume.name and not mount.read_only
        ]
        if not writers:
            continue  # unmounted, or mounted read-only by every container
        where = f" ({host_path})" if isinstance(host_path, str) else ""
        names = ", ".join(repr(name) for name in dict.fromkeys(name for name, _ in writers))
        yield report(
            obj,
            f"{obj} mounts hostPath volume {volume.name!r}{where} writable in container "
            f"{names}: what is written there stays on one node and is lost to the workload "
            "when the pod moves to another.",
            volume.source_path,
            related=[_mount_location(obj, name, mount) for name, mount in writers],
        )


def _mount_location(obj, container: str, mount: VolumeMount):  # type: ignore[no-untyped-def]
    return obj.related(f"container {container!r} mounts it writable here", *mount.path)

"""database-without-persistent-storage: a database server keeps its data in the pod.

A server container of a stateful image (see ``kslint.images``) in a long-running workload
must mount a volume backed by a PersistentVolumeClaim (a ``persistentVolumeClaim`` pod
volume or, in a StatefulSet, a ``volumeClaimTemplates`` entry). Anything else (emptyDir,
a generic ephemeral volume, an inline disk, or no volume at all) is lost or stranded when
the pod is replaced. Jobs, CronJobs and DaemonSets are exempt. In a static pod (the
kubeadm etcd, say), which never leaves its node, a hostPath mount counts as persistent.
Server containers are told from clients by ``kslint.images`` (shell wrappers looked
through, architecture suffixes stripped). One finding per container.
"""

from collections.abc import Iterator

from kslint.findings import Finding
from kslint.graph import Graph
from kslint.images import server_containers
from kslint.model import Container, Workload
from kslint.nodes import Path
from kslint.registry import Reporter, rule

LONG_RUNNING = ("Pod", "Deployment", "ReplicaSet", "ReplicationController", "StatefulSet")


def _persistent_names(workload: Workload) -> set[str]:
    """Names a container may mount to reach persistent storage in this workload: a PVC,
    or in a static pod (which never leaves its node) a hostPath directory."""
    names = {template.name for template in workload.claim_templates}
    names.update(volume.name for volume in workload.claim_volumes)
    if workload.static:
        names.update(volume.name for volume in workload.volumes if volume.source == "hostPath")
    return names


@rule("database-without-persistent-storage", kinds=LONG_RUNNING)
def check(workload: Workload, graph: Graph, report: Reporter) -> Iterator[Finding]:
    persistent = _persistent_names(workload)
    sources = {volume.name: volume.source for volume in workload.pod.volumes}
    obj = workload.obj
    for container, image in server_containers(workload.pod.containers, graph.options):
        uses = [*container.mounts, *container.devices]
        if any(mount.name in persistent for mount in uses):
            continue
        yield report(
            obj,
            f"Container {container.name!r} of {obj} runs {image.name} but "
            f"{_what_it_mounts(container, sources)}.",
            _position(container),
        )


EPHEMERAL = frozenset(
    {None, "emptyDir", "ephemeral", "configMap", "secret", "downwardAPI", "projected"}
)


def _what_it_mounts(container: Container, sources: dict[str, str | None]) -> str:
    mounted = list(dict.fromkeys(mount.name for mount in (*container.mounts, *container.devices)))
    if not mounted:
        return "mounts no volume: its data is lost when the pod is replaced"
    described = ", ".join(
        f"{name!r} ({sources[name]})" if sources.get(name) else repr(name) for name in mounted
    )
    if all(sources.get(name) in EPHEMERAL for name in mounted):
        tail = "its data is lost when the pod is replaced"
    else:
        tail = "its storage is outside the PersistentVolumeClaim life cycle"
    return f"mounts no volume backed by a PersistentVolumeClaim, only {described}: {tail}"


def _position(container: Container) -> Path:
    """The container's ``volumeMounts`` key, else the container that lacks it."""
    return (*container.path, "volumeMounts") if container.mounts else container.path

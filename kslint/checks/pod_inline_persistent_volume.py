"""pod-inline-persistent-volume: a persistent disk or share declared inline in a pod.

An inline source ties the pod spec to one disk or server and skips the PVC/PV life cycle
(reclaim policy, resizing, snapshots, access-mode checks). Inline ``csi`` ephemeral
volumes are meant to be inline and are not flagged.
"""

from collections.abc import Iterator

from kslint.findings import Finding
from kslint.graph import Graph
from kslint.model import INLINE_PERSISTENT_SOURCES, Workload
from kslint.objects import POD_TEMPLATE_KINDS
from kslint.registry import Reporter, rule


@rule("pod-inline-persistent-volume", kinds=POD_TEMPLATE_KINDS)
def check(workload: Workload, graph: Graph, report: Reporter) -> Iterator[Finding]:
    for volume in workload.volumes:
        if volume.source in INLINE_PERSISTENT_SOURCES:
            yield report(
                workload.obj,
                f"{workload.obj} declares volume {volume.name!r} as an inline "
                f"{volume.source} source instead of through a PersistentVolumeClaim.",
                volume.source_path,
            )

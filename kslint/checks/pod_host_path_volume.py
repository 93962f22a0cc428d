"""pod-host-path-volume: data on a node's disk is lost when the pod moves.

DaemonSets are exempt: they run one pod per node on purpose and usually read the node.
"""

from collections.abc import Iterator

from kslint.findings import Finding
from kslint.graph import Graph
from kslint.model import Workload
from kslint.objects import POD_TEMPLATE_KINDS
from kslint.registry import Reporter, rule


@rule("pod-host-path-volume", kinds=POD_TEMPLATE_KINDS - {"DaemonSet"})
def check(workload: Workload, graph: Graph, report: Reporter) -> Iterator[Finding]:
    for volume in workload.volumes:
        if volume.source == "hostPath":
            yield report(
                workload.obj,
                f"{workload.obj} mounts hostPath volume {volume.name!r}: its data stays on "
                "one node and is lost when the pod is scheduled elsewhere.",
                volume.source_path,
            )

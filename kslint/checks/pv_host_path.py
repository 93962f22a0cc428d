"""pv-host-path: a PersistentVolume that is a directory on whichever node mounts it.

A ``hostPath`` PV has no node affinity and no replication: each node sees its own
directory, so data written on one node is missing on the next. It is meant for
single-node test clusters only; use a ``local`` PV (with node affinity) or a real
storage provisioner.
"""

from collections.abc import Iterator

from kslint.findings import Finding
from kslint.graph import Graph
from kslint.model import PersistentVolume
from kslint.registry import Reporter, rule


@rule("pv-host-path", kinds=("PersistentVolume",))
def check(volume: PersistentVolume, graph: Graph, report: Reporter) -> Iterator[Finding]:
    if volume.obj.get("spec", "hostPath") is None:
        return
    yield report(
        volume.obj,
        f"{volume.obj} uses a hostPath source: its data lives on whichever node mounts it "
        "(fit for single-node test clusters only).",
        ("spec", "hostPath"),
    )

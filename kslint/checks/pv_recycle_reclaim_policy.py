"""pv-recycle-reclaim-policy: the deprecated Recycle policy scrubs the volume (rm -rf)."""

from collections.abc import Iterator

from kslint.findings import Finding
from kslint.graph import Graph
from kslint.model import PersistentVolume
from kslint.registry import Reporter, rule


@rule("pv-recycle-reclaim-policy", kinds=("PersistentVolume",))
def check(volume: PersistentVolume, graph: Graph, report: Reporter) -> Iterator[Finding]:
    if volume.reclaim_policy == "Recycle":
        yield report(
            volume.obj,
            f"{volume.obj} uses the deprecated Recycle reclaim policy, which deletes every "
            "file on the volume when its claim is released.",
            ("spec", "persistentVolumeReclaimPolicy"),
            key=False,
        )

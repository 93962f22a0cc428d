"""pv-missing-reclaim-policy: a PersistentVolume that does not say what happens to its data.

What becomes of the disk when its claim is deleted should be a decision written down,
not a default someone has to look up.
"""

from collections.abc import Iterator

from kslint.findings import Finding
from kslint.graph import Graph
from kslint.model import PersistentVolume
from kslint.rules import rule


@rule("pv-missing-reclaim-policy", kinds=("PersistentVolume",))
def check(volume: PersistentVolume, graph: Graph) -> Iterator[Finding]:
    if volume.obj.get("spec", "persistentVolumeReclaimPolicy") is None:
        yield volume.obj.finding(
            "pv-missing-reclaim-policy",
            f"{volume.obj} has no spec.persistentVolumeReclaimPolicy.",
            ("spec",),
        )

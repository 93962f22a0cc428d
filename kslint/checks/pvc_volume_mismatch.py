"""pvc-volume-mismatch: a claim and the volume it is tied to can never bind.

A PVC names a PV in ``spec.volumeName``, or a PV's ``claimRef`` names the PVC, yet the
PV controller's checks (``kslint.binding``) fail: the claim stays Pending forever. Each
reason is listed in the one message, with the PV's side of each as a related location.
The finding belongs to the PVC and points at the claim's side of the first reason.
"""

from collections.abc import Iterator

from kslint.binding import mismatches
from kslint.findings import Finding
from kslint.graph import Graph
from kslint.model import PersistentVolumeClaim
from kslint.registry import Reporter, rule


@rule("pvc-volume-mismatch", kinds=("PersistentVolumeClaim",))
def check(claim: PersistentVolumeClaim, graph: Graph, report: Reporter) -> Iterator[Finding]:
    for volume, tie in graph.tied_volumes(claim):
        reasons = mismatches(claim, volume, graph.default_storage_classes)
        if not reasons:
            continue
        how = (
            f"names {volume.obj} in spec.volumeName"
            if tie == "volumeName"
            else f"is named by the claimRef of {volume.obj}"
        )
        related = [
            volume.obj.related(reason.volume_note, *reason.volume_path) for reason in reasons
        ]
        if tie == "claimRef":
            reserves = f"{volume.obj} reserves {claim.obj}"
            related.append(volume.obj.related(reserves, "spec", "claimRef"))
        yield report(
            claim.obj,
            f"{claim.obj} {how} but cannot bind it: "
            f"{'; '.join(reason.reason for reason in reasons)}.",
            reasons[0].claim_path,
            key=reasons[0].claim_key,
            related=related,
        )

"""pvc-no-matching-volume: a statically bound claim that no PV in the set can satisfy.

``storageClassName: ""`` turns dynamic provisioning off: the claim waits for an existing
PV that passes the PV controller's checks (``kslint.binding``). When the set holds PVs
but none of them fits, the claim stays Pending. A claim that names its PV
(``volumeName``) or that a PV's claimRef reserves is pvc-volume-mismatch's business.
"""

from collections.abc import Iterator

from kslint.binding import mismatches
from kslint.findings import Finding
from kslint.graph import Graph
from kslint.model import PersistentVolumeClaim
from kslint.registry import Reporter, rule

# How many candidate PVs the message names; every one is a related location.
SHOWN = 3


@rule("pvc-no-matching-volume", kinds=("PersistentVolumeClaim",))
def check(claim: PersistentVolumeClaim, graph: Graph, report: Reporter) -> Iterator[Finding]:
    if claim.storage_class != "" or claim.volume_name or graph.tied_volumes(claim):
        return
    volumes = graph.of_kind("PersistentVolume")
    if not volumes:
        return
    candidates = graph.volumes_of_class("")
    rejected = []
    for volume in candidates:
        reasons = mismatches(claim, volume, graph.default_storage_classes)
        if not reasons:
            return
        rejected.append((volume, reasons))
    if rejected:
        if len(rejected) == 1:
            volume, reasons = rejected[0]
            why = "; ".join(reason.reason for reason in reasons)
            detail = f"the only PV without a class, {volume.obj.name}, cannot bind it: {why}"
        else:
            shown = ", ".join(
                f"{volume.obj.name} ({', '.join(reason.check for reason in reasons)})"
                for volume, reasons in rejected[:SHOWN]
            )
            more = f" and {len(rejected) - SHOWN} more" if len(rejected) > SHOWN else ""
            detail = (
                f"none of the {len(rejected)} PVs without a class can bind it: "
                f"{shown}{more} do not fit"
            )
        related = [
            volume.obj.related(
                f"{volume.obj} cannot bind it: {'; '.join(reason.reason for reason in reasons)}",
                *reasons[0].volume_path,
            )
            for volume, reasons in rejected
        ]
    else:
        classes = sorted({volume.storage_class for volume in volumes})
        detail = (
            f"all {len(volumes)} PVs in the set have a storage class "
            f"({', '.join(repr(name) for name in classes)})"
            if len(volumes) > 1
            else f"the only PV in the set, {volumes[0].obj}, has storage class {classes[0]!r}"
        )
        related = [
            volume.obj.related(
                f"{volume.obj} has storageClassName {volume.storage_class!r}",
                "spec",
                "storageClassName",
            )
            for volume in volumes
        ]
    yield report(
        claim.obj,
        f'{claim.obj} has storageClassName: "" (static binding only) but {detail}.',
        claim.storage_class_path,
        key=False,
        related=related,
    )

"""Binding simulation: can this PersistentVolume be bound to this claim?

It follows the Kubernetes PV controller's checks (``checkVolumeSatisfyClaim`` and
``FindMatchingVolume``): the storage class (a PV's absent class is ``""``), access modes
(the PV must offer every mode the claim asks for), capacity (at least the request),
volumeMode (absent is Filesystem), the claim's label selector against the PV's labels,
and the PV's ``claimRef`` (a PV pre-bound to another claim binds nothing else).

A claim with *no class* never keeps it: the DefaultStorageClass admission plugin writes
the cluster's default class into it when it is created, so it cannot bind a PV without a
class (the fix is ``storageClassName: ""``), and binds a PV with a class only if that is
the default class.

``mismatches`` returns every reason, each with where it lies on both objects, so a rule
can list them all in one message and point at each.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from kslint.model import Claim, PersistentVolume, StorageClass, present
from kslint.nodes import Path


@dataclass(frozen=True)
class Mismatch:
    """One reason a claim cannot bind a PV."""

    check: str  # which check failed: storage class, access modes, capacity, volumeMode, ...
    reason: str  # a clause for the message: "the PV lacks access mode ReadWriteMany"
    claim_path: Path  # where the claim says it (or the mapping that lacks it)
    volume_path: Path  # where the PV says it
    volume_note: str  # what the PV says, for its related location
    claim_key: bool = False  # point at the key (a mapping, a missing field's parent)


def mismatches(
    claim: Claim,
    volume: PersistentVolume,
    defaults: Sequence[StorageClass] = (),
) -> list[Mismatch]:
    """Why ``volume`` cannot be bound to ``claim`` (empty: it can).

    ``defaults`` are the StorageClasses in the set marked default; they decide whether a
    claim with no class can bind a PV that has one.
    """
    found: list[Mismatch] = []
    class_mismatch = _class(claim, volume, defaults)
    if class_mismatch is not None:
        found.append(class_mismatch)
    missing = [mode for mode in claim.access_modes if mode not in volume.access_modes]
    if missing:
        offered = "/".join(volume.access_modes) or "no access mode"
        found.append(
            Mismatch(
                "access modes",
                f"the PV does not offer access mode {'/'.join(missing)} (it offers {offered})",
                claim.path("spec", "accessModes", claim.access_modes.index(missing[0])),
                ("spec", "accessModes"),
                f"{volume.obj} offers {offered}",
            )
        )
    request, capacity = claim.storage_request, volume.capacity
    if request is not None and capacity is not None and capacity < request:
        found.append(
            Mismatch(
                "capacity",
                f"the PV holds {volume.capacity_text}, less than the "
                f"{claim.storage_request_text} requested",
                claim.storage_request_path,
                volume.CAPACITY_PATH,
                f"{volume.obj} holds {volume.capacity_text}",
            )
        )
    if claim.volume_mode != volume.volume_mode:
        found.append(
            Mismatch(
                "volumeMode",
                f"the claim's volumeMode is {claim.volume_mode} but the PV's is "
                f"{volume.volume_mode}",
                claim.path("spec", "volumeMode"),
                ("spec", "volumeMode"),
                f"{volume.obj} has volumeMode {volume.volume_mode}",
            )
        )
    claim_ref = volume.claim_ref
    namespace, name = claim.obj.namespace, claim.obj.name
    if claim_ref is not None and claim_ref != (namespace, name) and claim.root == ():
        ref_namespace, ref_name = claim_ref
        if ref_namespace is None:
            why = f"the PV's claimRef names claim {ref_name!r} without a namespace"
        else:
            why = f"the PV is reserved for claim {ref_namespace}/{ref_name} by its claimRef"
        other = f"{ref_namespace}/{ref_name}" if ref_namespace else repr(ref_name)
        found.append(
            Mismatch(
                "claimRef",
                why,
                claim.path("spec", "volumeName"),
                ("spec", "claimRef"),
                f"{volume.obj} is reserved for claim {other}",
            )
        )
    selector = claim.claim_selector
    if selector is not None and not selector.matches(volume.obj.labels):
        found.append(
            Mismatch(
                "selector",
                f"the claim's selector {selector.describe()} does not match the PV's labels",
                claim.path("spec", "selector"),
                ("metadata", "labels"),
                f"{volume.obj} has labels {_labels(volume)}",
            )
        )
    # A field that is absent (an implied default) is pointed at through its parent's key.
    placed = []
    for mismatch in found:
        claim_path = present(claim.obj, mismatch.claim_path)
        key = claim_path != mismatch.claim_path or isinstance(claim.obj.get(*claim_path), dict)
        placed.append(
            replace(
                mismatch,
                claim_path=claim_path,
                claim_key=key,
                volume_path=present(volume.obj, mismatch.volume_path),
            )
        )
    return placed


def _class(
    claim: Claim, volume: PersistentVolume, defaults: Sequence[StorageClass]
) -> Mismatch | None:
    wanted, offered = claim.storage_class, volume.storage_class
    volume_path = ("spec", "storageClassName")
    shown = f"storageClassName {offered!r}" if offered else "no class"
    volume_note = f"{volume.obj} has {shown}"
    if wanted is None:
        if not offered:
            return Mismatch(
                "storage class",
                "the claim has no storageClassName, so the cluster's default class is "
                "written into it at admission and it never binds a PV without a class "
                '(set storageClassName: "")',
                claim.storage_class_path,
                volume_path,
                volume_note,
            )
        names = sorted(default.obj.name for default in defaults)
        if names and offered not in names:
            return Mismatch(
                "storage class",
                f"the claim has no storageClassName, so it gets the default class "
                f"{' or '.join(repr(n) for n in names)}, not the PV's {offered!r}",
                claim.storage_class_path,
                volume_path,
                volume_note,
            )
        return None  # no default class in the set: the PV's class may well be the default
    if wanted != offered:
        asked = f"storage class {wanted!r}" if wanted else 'no class (storageClassName: "")'
        return Mismatch(
            "storage class",
            f"the claim asks for {asked} but the PV has {shown}",
            claim.storage_class_path,
            volume_path,
            volume_note,
        )
    return None


def _labels(volume: PersistentVolume) -> str:
    labels = volume.obj.labels
    if not labels:
        return "none"
    return ", ".join(f"{key}={value}" for key, value in sorted(labels.items(), key=str))


def can_bind(claim: Claim, volume: PersistentVolume, defaults: Sequence[StorageClass] = ()) -> bool:
    return not mismatches(claim, volume, defaults)

"""pvc-no-matching-volume: the candidates it lists, and what silences it."""

from __future__ import annotations

from helpers import run_check
from manifests import EMPTY_CLASS, pv, pvc


def test_no_matching_volume_lists_the_candidates() -> None:
    small = pv(capacity="1Gi").replace("name: vol", "name: small")
    ro = pv(modes="[ReadOnlyMany]").replace("name: vol", "name: ro")
    classy = pv("  storageClassName: fast\n").replace("name: vol", "name: classy")
    [finding] = run_check("pvc-no-matching-volume", small, ro, classy, pvc(EMPTY_CLASS))
    assert finding.message == (
        'PersistentVolumeClaim default/data has storageClassName: "" (static binding only) '
        "but none of the 2 PVs without a class can bind it: small (capacity), "
        "ro (access modes) do not fit."
    )
    assert [r.file for r in finding.related] == ["doc0.yaml", "doc1.yaml"]
    [only_classes] = run_check("pvc-no-matching-volume", classy, pvc(EMPTY_CLASS))
    assert "the only PV in the set, PersistentVolume vol" not in only_classes.message
    assert "has storage class 'fast'" in only_classes.message
    # Any fitting PV silences it, and so does an empty set of PVs.
    assert run_check("pvc-no-matching-volume", small, pv(), pvc(EMPTY_CLASS)) == []
    assert run_check("pvc-no-matching-volume", pvc(EMPTY_CLASS)) == []

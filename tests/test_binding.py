"""Binding simulation (kslint.binding) and the storage edges of the graph. (The messages,
related locations and options of the rules built on them: ``tests/rules/``.)"""

from __future__ import annotations

from helpers import graph_of
from manifests import EMPTY_CLASS, STORAGE_CLASS, pv, pvc

from kslint.binding import can_bind, mismatches
from kslint.graph import _edit_distance


def pair(volume: str, claim: str) -> tuple:
    graph = graph_of(volume, claim)
    return (
        graph.of_kind("PersistentVolumeClaim")[0],
        graph.of_kind("PersistentVolume")[0],
        graph,
    )


def checks_failed(volume: str, claim: str) -> list[str]:
    claim_view, volume_view, graph = pair(volume, claim)
    return [m.check for m in mismatches(claim_view, volume_view, graph.default_storage_classes)]


def test_compatible_pair_binds() -> None:
    claim_view, volume_view, _ = pair(pv(), pvc(EMPTY_CLASS))
    assert can_bind(claim_view, volume_view)


def test_each_check() -> None:
    assert checks_failed(pv(), pvc('  storageClassName: "fast"\n')) == ["storage class"]
    assert checks_failed(pv("  storageClassName: fast\n"), pvc(EMPTY_CLASS)) == ["storage class"]
    assert checks_failed(pv(), pvc(EMPTY_CLASS, modes="[ReadWriteOnce, ReadWriteMany]")) == [
        "access modes"
    ]
    assert checks_failed(pv(modes="[ReadWriteOnce, ReadOnlyMany]"), pvc(EMPTY_CLASS)) == []
    assert checks_failed(pv(capacity="1G"), pvc(EMPTY_CLASS, request="1Gi")) == ["capacity"]
    assert checks_failed(pv(capacity="1Gi"), pvc(EMPTY_CLASS, request="1G")) == []
    assert checks_failed(pv(capacity="1e3"), pvc(EMPTY_CLASS, request="1k")) == []
    assert checks_failed(pv(capacity="999"), pvc(EMPTY_CLASS, request="1k")) == ["capacity"]
    assert checks_failed(pv("  volumeMode: Block\n"), pvc(EMPTY_CLASS)) == ["volumeMode"]
    assert (
        checks_failed(pv("  volumeMode: Block\n"), pvc(EMPTY_CLASS + "  volumeMode: Block\n")) == []
    )
    assert checks_failed(pv("  volumeMode: Filesystem\n"), pvc(EMPTY_CLASS)) == []
    selector = EMPTY_CLASS + "  selector: {matchLabels: {zone: b}}\n"
    assert checks_failed(pv(), pvc(selector)) == ["selector"]
    assert checks_failed(pv(), pvc(EMPTY_CLASS + "  selector: {matchLabels: {zone: a}}\n")) == []
    other = "  claimRef: {namespace: default, name: someone-else}\n"
    assert checks_failed(pv(other), pvc(EMPTY_CLASS)) == ["claimRef"]
    mine = "  claimRef: {namespace: default, name: data}\n"
    assert checks_failed(pv(mine), pvc(EMPTY_CLASS)) == []


def test_no_class_claim() -> None:
    # Against a PV without a class: always a mismatch.
    assert checks_failed(pv(), pvc()) == ["storage class"]
    # Against a PV with a class: a mismatch only when the set's default class differs.
    default = """\
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: {name}
  annotations: {{storageclass.kubernetes.io/is-default-class: "true"}}
provisioner: example.com/nfs
reclaimPolicy: Retain
"""
    volume, claim = pv("  storageClassName: nfs\n"), pvc()
    for default_name, expected in ((None, []), ("nfs", []), ("ssd", ["storage class"])):
        texts = [volume, claim] + ([default.format(name=default_name)] if default_name else [])
        graph = graph_of(*texts)
        claim_view = graph.of_kind("PersistentVolumeClaim")[0]
        volume_view = graph.of_kind("PersistentVolume")[0]
        found = mismatches(claim_view, volume_view, graph.default_storage_classes)
        assert [m.check for m in found] == expected


def test_edit_distance() -> None:
    assert _edit_distance("fast-ssd", "fast-ssd", 2) == 0
    assert _edit_distance("fast_ssd", "fast-ssd", 2) == 1
    assert _edit_distance("fast-sdd", "fast-ssd", 2) == 1
    assert _edit_distance("fastsd", "fast-ssd", 2) == 2
    assert _edit_distance("fsd", "fast-ssd", 2) == 3
    assert _edit_distance("standard", "standard-rwo", 2) == 3
    assert _edit_distance("gp2", "premium", 2) == 3


def test_similar_storage_classes() -> None:
    graph = graph_of(*(STORAGE_CLASS.format(name=n) for n in ("Fast", "fast-ssd", "slow")))
    assert [sc.obj.name for sc in graph.similar_storage_classes("FAST")] == ["Fast"]
    assert [sc.obj.name for sc in graph.similar_storage_classes("fast-sd")] == ["fast-ssd"]
    assert [sc.obj.name for sc in graph.similar_storage_classes("flow")] == ["slow"]
    assert graph.similar_storage_classes("Fast") == []  # exists
    assert graph.similar_storage_classes("premium") == []

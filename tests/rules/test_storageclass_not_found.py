"""storageclass-not-found: the declared cluster inventory, "did you mean", and classes
that are never missing (empty, static, not in the set without an inventory)."""

from __future__ import annotations

from helpers import binding_positions, run_check
from manifests import CLASSLESS_PV, EBS, STORAGE_CLASS, pvc

RULE = "storageclass-not-found"


def test_storage_class_inventory_option() -> None:
    claim = pvc('  storageClassName: "gp3"\n')
    assert run_check(RULE, claim) == []
    declared = frozenset({"gp2", "standard"})
    [finding] = run_check(RULE, claim, cluster_storage_classes=declared)
    assert finding.message == (
        "PersistentVolumeClaim default/data names StorageClass 'gp3', which is neither in "
        "the set nor among the cluster's declared storage classes."
    )
    assert (finding.span.line, finding.span.column) == (6, 21)
    assert run_check(RULE, claim, cluster_storage_classes=frozenset({"gp3"})) == []
    # A class in the set counts even when the inventory omits it.
    gp3 = STORAGE_CLASS.format(name="gp3")
    assert run_check(RULE, claim, gp3, cluster_storage_classes=declared) == []


def test_storage_class_near_miss_message_and_related() -> None:
    [finding] = run_check(
        RULE, pvc("  storageClassName: fast_ssd\n"), STORAGE_CLASS.format(name="fast-ssd")
    )
    assert finding.message.endswith("did you mean 'fast-ssd'?")
    assert [(r.file, r.span.line) for r in finding.related] == [("doc1.yaml", 4)]


def test_class_not_in_set_without_inventory_or_near_miss() -> None:
    claim = """\
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: data
spec:
  storageClassName: managed-csi-premium
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 10Gi}}
"""
    assert binding_positions(claim) == []
    assert binding_positions(EBS, claim) == []  # gp3 is in the set, but nothing like the name


def test_empty_class_is_never_a_missing_class() -> None:
    claim = """\
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: data
spec:
  storageClassName: ""
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 10Gi}}
"""
    # A class named "" is never reported, whatever classes the set holds; and with no PV
    # in the set, static binding cannot be judged either.
    assert binding_positions(EBS, claim) == []


def test_static_class_shared_by_pv_and_claim_needs_no_storage_class() -> None:
    volume = CLASSLESS_PV.replace("spec:\n", "spec:\n  storageClassName: gp2\n")
    claim = """\
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: share
spec:
  storageClassName: gp2
  volumeName: nfs-share
  accessModes: [ReadWriteMany]
  resources: {requests: {storage: 100Gi}}
"""
    # gp2 is one edit away from gp3, but it labels a static PV/claim pair.
    assert binding_positions(EBS, volume, claim) == []

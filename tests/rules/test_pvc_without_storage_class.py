"""pvc-without-storage-class: a claim without a class bound to a PV with one."""

from __future__ import annotations

from helpers import binding_positions
from manifests import CLASSLESS_PV


def test_claim_without_class_and_pv_with_class_and_no_default_in_the_set() -> None:
    # The PV's class may well be the cluster's default: no mismatch can be proven.
    volume = CLASSLESS_PV.replace("spec:\n", "spec:\n  storageClassName: nfs\n")
    claim = """\
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: share
spec:
  storageClassName: nfs
  volumeName: nfs-share
  accessModes: [ReadWriteMany]
  resources: {requests: {storage: 100Gi}}
"""
    no_class = claim.replace("  storageClassName: nfs\n", "")
    assert binding_positions(volume, no_class) == [("pvc-without-storage-class", 5, 1)]
    assert binding_positions(volume, claim) == []

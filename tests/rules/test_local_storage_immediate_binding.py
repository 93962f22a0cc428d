"""local-storage-immediate-binding (and local-pv-missing-node-affinity): a local class that
waits for the first consumer, with a local PV pinned to its node, is silent."""

from __future__ import annotations

from helpers import binding_positions


def test_local_storage_class_that_waits_and_local_pv_with_affinity() -> None:
    local = """\
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: local
provisioner: kubernetes.io/no-provisioner
reclaimPolicy: Retain
volumeBindingMode: WaitForFirstConsumer
---
apiVersion: v1
kind: PersistentVolume
metadata:
  name: local-0
spec:
  storageClassName: local
  capacity: {storage: 10Gi}
  accessModes: [ReadWriteOnce]
  persistentVolumeReclaimPolicy: Retain
  local: {path: /mnt/disk0}
  nodeAffinity:
    required:
      nodeSelectorTerms:
        - matchExpressions:
            - {key: kubernetes.io/hostname, operator: In, values: [node-0]}
"""
    assert binding_positions(local) == []

"""rwx-on-block-storage: a raw block device may be shared, a filesystem may not."""

from __future__ import annotations

from helpers import binding_positions
from manifests import EBS


def test_block_mode_rwx_claim_on_ebs() -> None:
    claim = """\
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: shared-disk
spec:
  storageClassName: gp3
  volumeMode: Block
  accessModes: [ReadWriteMany]
  resources: {requests: {storage: 100Gi}}
"""
    assert binding_positions(EBS, claim) == []
    # The same claim in Filesystem mode is the problem (control).
    assert binding_positions(EBS, claim.replace("  volumeMode: Block\n", "")) == [
        ("rwx-on-block-storage", 7, 17)
    ]


def test_block_mode_rwx_claim_template_on_ebs() -> None:
    statefulset = """\
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: cluster-fs
spec:
  serviceName: cluster-fs
  selector:
    matchLabels: {app: cluster-fs}
  template:
    metadata:
      labels: {app: cluster-fs}
    spec:
      containers:
        - name: node
          image: example/cluster-fs:1.0
          volumeDevices:
            - {name: disk, devicePath: /dev/xvda}
  volumeClaimTemplates:
    - metadata: {name: disk}
      spec:
        storageClassName: gp3
        volumeMode: Block
        accessModes: [ReadWriteMany]
        resources: {requests: {storage: 100Gi}}
"""
    assert binding_positions(EBS, statefulset) == []

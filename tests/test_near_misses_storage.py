"""Manifests that look like a family E problem but are not: each must stay silent."""

from __future__ import annotations

import pytest

from kslint.pipeline import lint_texts

FAMILY_E = frozenset(
    {
        "pvc-not-found",
        "storageclass-not-found",
        "pvc-without-storage-class",
        "pvc-volume-mismatch",
        "pvc-no-matching-volume",
        "local-pv-missing-node-affinity",
        "local-storage-immediate-binding",
        "pv-host-path",
        "rwx-on-block-storage",
        "storageclass-multiple-defaults",
        "workload-selector-mismatch",
        "pvc-missing-storage-request",
    }
)


def family_e(*texts: str) -> list[tuple[str, int, int]]:
    result = lint_texts([(f"doc{i}.yaml", text) for i, text in enumerate(texts)])
    assert not [f for f in result.findings if f.rule == "internal-error"]
    return [(f.rule, f.span.line, f.span.column) for f in result.findings if f.rule in FAMILY_E]


EBS = """\
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: gp3
provisioner: ebs.csi.aws.com
reclaimPolicy: Retain
volumeBindingMode: WaitForFirstConsumer
"""


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
    assert family_e(EBS, claim) == []
    # The same claim in Filesystem mode is the problem (control).
    assert family_e(EBS, claim.replace("  volumeMode: Block\n", "")) == [
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
    assert family_e(EBS, statefulset) == []


CLASSLESS_PV = """\
apiVersion: v1
kind: PersistentVolume
metadata:
  name: nfs-share
spec:
  capacity: {storage: 100Gi}
  accessModes: [ReadWriteMany]
  persistentVolumeReclaimPolicy: Retain
  nfs: {server: 10.0.0.5, path: /exports/share}
"""


@pytest.mark.parametrize("volume_name", ["  volumeName: nfs-share\n", ""])
def test_classless_pv_bound_by_empty_class_claim(volume_name: str) -> None:
    claim = f"""\
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: share
spec:
  storageClassName: ""
{volume_name}  accessModes: [ReadWriteMany]
  resources: {{requests: {{storage: 100Gi}}}}
"""
    assert family_e(CLASSLESS_PV, claim) == []
    # Without storageClassName the claim gets the default class: a mismatch (control).
    if volume_name:
        no_class = claim.replace('  storageClassName: ""\n', "")
        assert ("pvc-volume-mismatch", 5, 1) in family_e(CLASSLESS_PV, no_class)


def test_pv_prebound_by_claim_ref_with_empty_class_claim() -> None:
    volume = CLASSLESS_PV.replace("  nfs:", "  claimRef: {namespace: media, name: share}\n  nfs:")
    claim = """\
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: share
  namespace: media
spec:
  storageClassName: ""
  accessModes: [ReadWriteMany]
  resources: {requests: {storage: 100G}}
"""
    assert family_e(volume, claim) == []


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
    assert family_e(claim) == []
    assert family_e(EBS, claim) == []  # gp3 is in the set, but nothing like the name


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
    assert family_e(EBS, claim) == []


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
    assert family_e(EBS, volume, claim) == []


PROMETHEUS = """\
apiVersion: monitoring.coreos.com/v1
kind: Prometheus
metadata:
  name: k8s
  namespace: monitoring
spec:
  replicas: 2
  selector:
    matchLabels: {app: nothing-like-the-pods}
  storage:
    volumeClaimTemplate:
      spec:
        storageClassName: Gp3
        accessModes: [ReadWriteMany]
        resources: {}
"""

OPERATOR_DB = """\
apiVersion: acid.zalan.do/v1
kind: postgresql
metadata:
  name: acid-minimal-cluster
spec:
  teamId: acid
  numberOfInstances: 2
  volume:
    size: 1Gi
  volumeClaimTemplates:
    - metadata: {name: data}
      spec:
        accessModes: [ReadWriteMany]
  template:
    spec:
      volumes:
        - name: data
          persistentVolumeClaim: {claimName: not-defined-anywhere}
"""


def test_custom_resources_that_embed_claim_templates() -> None:
    assert family_e(EBS, PROMETHEUS, OPERATOR_DB) == []


def test_absent_workload_selector_is_not_a_mismatch() -> None:
    legacy = """\
apiVersion: extensions/v1beta1
kind: Deployment
metadata:
  name: legacy
spec:
  template:
    metadata:
      labels: {app: legacy}
    spec:
      containers:
        - name: legacy
          image: example/legacy:1.0
"""
    assert family_e(legacy) == []


def test_claim_of_a_statefulset_replica_is_found() -> None:
    statefulset = """\
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: pg
  namespace: db
spec:
  serviceName: pg
  selector:
    matchLabels: {app: pg}
  template:
    metadata:
      labels: {app: pg}
    spec:
      containers:
        - name: pg
          image: example/pg:1.0
          volumeMounts: [{name: data, mountPath: /data}]
  volumeClaimTemplates:
    - metadata: {name: data}
      spec:
        storageClassName: standard
        accessModes: [ReadWriteOnce]
        resources: {requests: {storage: 1Gi}}
"""
    job = """\
apiVersion: batch/v1
kind: Job
metadata:
  name: restore
  namespace: db
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: restore
          image: example/restore:1.0
      volumes:
        - name: data
          persistentVolumeClaim: {claimName: data-pg-1}
"""
    assert family_e(statefulset, job) == []
    # In another namespace the replica's claim does not resolve (control).
    elsewhere = job.replace("namespace: db", "namespace: ops")
    assert family_e(statefulset, elsewhere) == [("pvc-not-found", 15, 46)]


def test_one_default_class_defined_twice_is_one_default() -> None:
    default = """\
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: standard
  annotations:
    storageclass.kubernetes.io/is-default-class: "true"
provisioner: pd.csi.storage.gke.io
reclaimPolicy: Retain
"""
    assert family_e(default, default) == []


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
    assert family_e(volume, no_class) == [("pvc-without-storage-class", 5, 1)]
    assert family_e(volume, claim) == []


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
    assert family_e(local) == []

"""Custom resources whose specs embed pod and claim fields (operators' databases,
Prometheus, Rook) are not workloads or claims: no built-in rule reads those fields.

These near-misses concern every rule at once, so they live here rather than in one
``tests/rules/test_<rule-id>.py``."""

from __future__ import annotations

from helpers import binding_positions, lint_manifests
from manifests import EBS


def test_custom_resources_that_embed_pod_and_claim_fields() -> None:
    result = lint_manifests(
        """\
        apiVersion: monitoring.coreos.com/v1
        kind: Prometheus
        metadata:
          name: k8s
        spec:
          replicas: 2
          containers:
            - name: prometheus
              volumeMounts:
                - {name: not-defined-here, mountPath: /prometheus}
          volumes:
            - name: host
              hostPath: {path: /srv/prometheus}
          storage:
            volumeClaimTemplate:
              spec:
                accessModes: [ReadWriteOnce]
                storageClassName: fast-delete
        ---
        apiVersion: acid.zalan.do/v1
        kind: postgresql
        metadata:
          name: acid-minimal-cluster
        spec:
          teamId: acid
          numberOfInstances: 2
          volume: {size: 1Gi, storageClass: fast-delete}
          postgresql: {version: "16"}
          sidecars:
            - name: exporter
              image: postgres:16
        ---
        apiVersion: ceph.rook.io/v1
        kind: CephCluster
        metadata:
          name: rook-ceph
        spec:
          dataDirHostPath: /var/lib/rook
          storage:
            storageClassDeviceSets:
              - name: set1
                count: 3
                volumeClaimTemplates:
                  - spec:
                      accessModes: [ReadWriteOnce]
                      storageClassName: fast-delete
        ---
        apiVersion: storage.k8s.io/v1
        kind: StorageClass
        metadata:
          name: fast-delete
        provisioner: ebs.csi.aws.com
        reclaimPolicy: Delete
        volumeBindingMode: WaitForFirstConsumer
        """
    )
    assert result.objects == 4
    assert result.findings == []


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
    assert binding_positions(EBS, PROMETHEUS, OPERATOR_DB) == []

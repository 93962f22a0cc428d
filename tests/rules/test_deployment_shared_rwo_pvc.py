"""deployment-shared-rwo-pvc: claims that may be shared, and replica counts that are not
known (the placeholder test also covers statefulset-missing-pdb)."""

from __future__ import annotations

from helpers import lint_manifests, rules_found

SHARED_CLAIM = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels: {{app: web}}
  template:
    metadata:
      labels: {{app: web}}
    spec:
      containers:
        - name: web
          image: example/web:5.0
          volumeMounts:
            - {{name: media, mountPath: /srv/media}}
      volumes:
        - name: media
          persistentVolumeClaim: {{claimName: media}}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: media
spec:
  accessModes: [{mode}]
  storageClassName: files
  resources:
    requests: {{storage: 10Gi}}
"""


def test_read_write_many_claim_shared_by_deployment_replicas() -> None:
    found = rules_found(SHARED_CLAIM.format(mode="ReadWriteMany"))
    assert not found & {
        "deployment-shared-rwo-pvc",
        "deployment-rwo-rolling-update",
        "pvc-shared-across-workloads",
    }
    assert "deployment-shared-rwo-pvc" in rules_found(SHARED_CLAIM.format(mode="ReadWriteOnce"))


PLACEHOLDER_REPLICAS = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: "{{ .Values.replicaCount }}"
  strategy: {type: Recreate}
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: example/web:5.0
          volumeMounts:
            - {name: data, mountPath: /data}
      volumes:
        - name: data
          persistentVolumeClaim: {claimName: web}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: web
spec:
  accessModes: [ReadWriteOnce]
  storageClassName: disks
  resources:
    requests: {storage: 1Gi}
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: etcd
spec:
  serviceName: etcd
  replicas: ${ETCD_REPLICAS}
  selector:
    matchLabels: {app: etcd}
  template:
    metadata:
      labels: {app: etcd}
    spec:
      containers:
        - name: etcd
          image: quay.io/coreos/etcd:v3.5.13
          volumeMounts:
            - {name: data, mountPath: /var/run/etcd}
  volumeClaimTemplates:
    - metadata: {name: data}
      spec:
        accessModes: [ReadWriteOnce]
        storageClassName: disks
        resources:
          requests: {storage: 8Gi}
"""


def test_replica_count_that_is_a_template_placeholder() -> None:
    result = lint_manifests(PLACEHOLDER_REPLICAS)
    assert result.objects == 3
    found = {finding.rule for finding in result.findings}
    assert not found & {"deployment-shared-rwo-pvc", "statefulset-missing-pdb"}

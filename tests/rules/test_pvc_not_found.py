"""pvc-not-found: its position and message, claims declared to exist in the cluster, a
claim of the same name elsewhere, and the claims StatefulSet replicas get."""

from __future__ import annotations

from helpers import binding_positions, run_check
from manifests import pvc

WORKLOAD = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: {namespace}
spec:
  selector:
    matchLabels: {{app: web}}
  template:
    metadata:
      labels: {{app: web}}
    spec:
      containers:
        - {{name: web, image: "example/web:1.0"}}
      volumes:
        - name: data
          persistentVolumeClaim: {{claimName: shared}}
"""


def test_external_claims_option() -> None:
    deployment = WORKLOAD.format(namespace="shop")
    [finding] = run_check("pvc-not-found", deployment)
    assert (finding.span.line, finding.span.column) == (17, 46)
    assert finding.message == (
        "Deployment shop/web uses claim 'shared' in volume 'data', but no PVC shop/shared is "
        "in the set."
    )
    external = frozenset({("shop", "shared")})
    assert run_check("pvc-not-found", deployment, cluster_claims=external) == []
    elsewhere = frozenset({("default", "shared")})
    assert len(run_check("pvc-not-found", deployment, cluster_claims=elsewhere)) == 1


def test_claim_in_another_namespace_is_named() -> None:
    claim = pvc().replace("name: data", "name: shared\n  namespace: default")
    [finding] = run_check("pvc-not-found", WORKLOAD.format(namespace="shop"), claim)
    assert finding.message.endswith("(a PVC of that name exists in namespace default).")
    assert [(r.file, r.span.line) for r in finding.related] == [("doc1.yaml", 4)]


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
    assert binding_positions(statefulset, job) == []
    # In another namespace the replica's claim does not resolve (control).
    elsewhere = job.replace("namespace: db", "namespace: ops")
    assert binding_positions(statefulset, elsewhere) == [("pvc-not-found", 15, 46)]

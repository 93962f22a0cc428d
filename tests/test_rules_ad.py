"""Details of the rules of families A-D that the fixtures' positions do not show:
severities chosen per finding, related locations, messages, and the configurable stateful
image list."""

from __future__ import annotations

from textwrap import dedent

import pytest

from kslint.engine import run_checks
from kslint.findings import Finding, Severity
from kslint.graph import Graph
from kslint.loader import Source, load_sources
from kslint.options import RuleOptions
from kslint.pipeline import lint_texts
from kslint.ruleset import RuleSet


def findings(text: str, rule: str) -> list[Finding]:
    result = lint_texts([("m.yaml", dedent(text))])
    assert not [f for f in result.findings if f.rule == "internal-error"]
    return [f for f in result.findings if f.rule == rule]


STATEFULSET = """\
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
  namespace: data
spec:
  serviceName: db
  replicas: {replicas}
  selector:
    matchLabels: {{app: db}}
  template:
    metadata:
      labels: {{app: db}}
    spec:
      containers:
        - name: mysql
          image: mysql:8.4
          volumeMounts:
            - {{name: data, mountPath: /var/lib/mysql}}
      volumes:
        - name: data
          persistentVolumeClaim: {{claimName: db-data}}
"""
CLAIM = """\
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: db-data
  namespace: data
spec:
  accessModes: [{mode}]
  storageClassName: disks
  resources:
    requests: {{storage: 1Gi}}
"""
HPA = """\
---
apiVersion: autoscaling/v2beta2
kind: HorizontalPodAutoscaler
metadata:
  name: db
  namespace: data
spec:
  scaleTargetRef: {kind: StatefulSet, name: db}
  maxReplicas: 5
"""


@pytest.mark.parametrize(
    ("replicas", "claim", "hpa", "severity"),
    [
        (3, "ReadWriteOnce", False, Severity.ERROR),
        (2, "ReadWriteOncePod", False, Severity.ERROR),
        (1, "ReadWriteOnce", True, Severity.ERROR),  # the autoscaler raises it to 5
        (1, "ReadWriteOnce", False, Severity.INFO),
        (3, "ReadWriteMany", False, Severity.INFO),
        (3, None, False, Severity.INFO),  # the claim is not in the set
        ('"{{ .Values.replicas }}"', "ReadWriteOnce", False, Severity.INFO),  # unknown count
    ],
)
def test_statefulset_shared_pvc_severity(
    replicas: object, claim: str | None, hpa: bool, severity: Severity
) -> None:
    text = STATEFULSET.format(replicas=replicas)
    if claim:
        text += CLAIM.format(mode=claim)
    if hpa:
        text += HPA
    [finding] = findings(text, "statefulset-shared-pvc")
    assert finding.severity is severity
    assert (finding.span.line, finding.span.column) == (22, 46)
    related = [r.message for r in finding.related]
    if claim:
        assert f"PersistentVolumeClaim data/db-data is {claim}" in related
    if hpa:
        assert "HorizontalPodAutoscaler data/db scales it up to 5 replicas" in related
    assert finding.message.startswith("StatefulSet data/db mounts a PersistentVolumeClaim")


def test_statefulset_missing_pdb_counts_the_autoscaler() -> None:
    text = STATEFULSET.format(replicas=1).replace(
        "persistentVolumeClaim: {claimName: db-data}", "emptyDir: {}"
    )
    assert findings(text, "statefulset-missing-pdb") == []
    [finding] = findings(text + HPA, "statefulset-missing-pdb")
    assert "runs up to 5 replicas" in finding.message
    assert [r.message for r in finding.related] == [
        "HorizontalPodAutoscaler data/db scales it up to 5 replicas"
    ]


def test_statefulset_missing_pdb_v1beta1_budget_counts() -> None:
    text = STATEFULSET.format(replicas=3) + dedent(
        """\
        ---
        apiVersion: policy/v1beta1
        kind: PodDisruptionBudget
        metadata: {name: db, namespace: data}
        spec:
          minAvailable: 2
          selector: {matchLabels: {app: db}}
        """
    )
    assert findings(text, "statefulset-missing-pdb") == []


DELETE_CLASS = """\
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: disks
provisioner: ebs.csi.aws.com
reclaimPolicy: {policy}
volumeBindingMode: WaitForFirstConsumer
"""


def test_stateful_claim_delete_reclaim_on_a_pvc_names_class_and_users() -> None:
    text = STATEFULSET.format(replicas=1) + CLAIM.format(mode="ReadWriteOnce")
    [finding] = findings(
        text + DELETE_CLASS.format(policy="Delete"), "stateful-claim-delete-reclaim"
    )
    assert str(finding.obj) == "PersistentVolumeClaim data/db-data"
    assert (finding.span.line, finding.span.column) == (31, 21)  # storageClassName value
    assert sorted(r.message for r in finding.related) == [
        "StatefulSet data/db uses PersistentVolumeClaim data/db-data",
        "StorageClass disks has reclaimPolicy: Delete",
    ]
    for policy in ("Retain", "delete-later"):
        assert (
            findings(text + DELETE_CLASS.format(policy=policy), "stateful-claim-delete-reclaim")
            == []
        )


def test_stateful_claim_delete_reclaim_skips_a_claim_bound_to_a_named_volume() -> None:
    text = (
        STATEFULSET.format(replicas=1)
        + CLAIM.format(mode="ReadWriteOnce").replace(
            "storageClassName: disks", "storageClassName: disks\n  volumeName: pv-1"
        )
        + DELETE_CLASS.format(policy="Delete")
    )
    assert findings(text, "stateful-claim-delete-reclaim") == []


def test_stateful_claim_delete_reclaim_ignores_an_implicit_delete() -> None:
    text = STATEFULSET.format(replicas=1) + CLAIM.format(mode="ReadWriteOnce")
    implicit = DELETE_CLASS.format(policy="Delete").replace("reclaimPolicy: Delete\n", "")
    assert findings(text + implicit, "stateful-claim-delete-reclaim") == []


def test_stateful_image_in_deployment_points_at_the_server_on_the_claim() -> None:
    [finding] = findings(
        """\
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: app}
        spec:
          strategy: {type: Recreate}
          selector: {matchLabels: {app: app}}
          template:
            metadata: {labels: {app: app}}
            spec:
              containers:
                - {name: cache-db, image: "postgres:16"}
                - name: main-db
                  image: bitnami/postgresql:16
                  volumeMounts: [{name: data, mountPath: /bitnami/postgresql}]
              volumes:
                - {name: data, persistentVolumeClaim: {claimName: app-db}}
        ---
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata: {name: app-db}
        spec:
          accessModes: [ReadWriteOnce]
          storageClassName: disks
          resources: {requests: {storage: 1Gi}}
        """,
        "stateful-image-in-deployment",
    )
    assert (finding.span.line, finding.span.column) == (13, 18)
    assert "runs postgresql (container 'main-db')" in finding.message
    assert [r.message for r in finding.related] == [
        "PersistentVolumeClaim default/app-db holds the data of Deployment default/app"
    ]


def test_database_without_storage_messages() -> None:
    inline = findings(
        """\
        apiVersion: v1
        kind: Pod
        metadata: {name: etcd}
        spec:
          containers:
            - name: etcd
              image: quay.io/coreos/etcd:v3.5.13
              volumeMounts: [{name: disk, mountPath: /var/lib/etcd}]
          volumes:
            - {name: disk, awsElasticBlockStore: {volumeID: vol-1}}
        """,
        "database-without-persistent-storage",
    )
    assert [f.message for f in inline] == [
        "Container 'etcd' of Pod default/etcd runs etcd but mounts no volume backed by a "
        "PersistentVolumeClaim, only 'disk' (awsElasticBlockStore): its storage is outside "
        "the PersistentVolumeClaim life cycle."
    ]


def test_volume_mount_undefined_ignores_patch_fragments() -> None:
    fragment = dedent(
        """\
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: repo-server}
    spec:
      template:
        spec:
          containers:
            - name: plugin
              image: example/plugin:1
              volumeMounts: [{name: var-files, mountPath: /var/run/argocd}]
    """
    )
    assert findings(fragment, "volume-mount-undefined") == []
    # The same object with a selector is a whole object, and is rejected.
    whole = fragment.replace("  template:\n", "  selector: {matchLabels: {a: b}}\n  template:\n")
    assert len(findings(whole, "volume-mount-undefined")) == 1


def test_each_retention_field_is_its_own_finding() -> None:
    text = STATEFULSET.format(replicas=1).replace(
        "  serviceName: db\n",
        "  serviceName: db\n  persistentVolumeClaimRetentionPolicy: {whenDeleted: Retain, whenScaled: Delete}\n",
    )
    [finding] = findings(text, "statefulset-pvc-retention-delete")
    assert "whenScaled: Delete" in finding.message
    assert finding.path == ("spec", "persistentVolumeClaimRetentionPolicy", "whenScaled")


REDIS_AND_POSTGRES = """\
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: cache}
spec:
  serviceName: cache
  selector: {matchLabels: {app: cache}}
  template:
    metadata: {labels: {app: cache}}
    spec:
      containers:
        - {name: redis, image: "redis:7"}
        - {name: pg, image: "postgres:16"}
"""


def _run(text: str, options: RuleOptions) -> list[str]:
    loaded = load_sources([Source("m.yaml", text.encode())], "default")
    graph = Graph(loaded.objects, options)
    check = RuleSet.builtin().checks["database-without-persistent-storage"]
    return [
        f.message.split("'")[1]
        for f in run_checks(graph, [check], RuleSet.builtin().catalog)
        if f.rule == "database-without-persistent-storage"
    ]


def test_configured_stateful_images_are_honoured() -> None:
    assert _run(REDIS_AND_POSTGRES, RuleOptions()) == ["pg"]
    extended = RuleOptions(stateful_images=frozenset({"redis", "postgres"}))
    assert _run(REDIS_AND_POSTGRES, extended) == ["redis", "pg"]
    replaced = RuleOptions(stateful_images=frozenset({"redis"}))
    assert _run(REDIS_AND_POSTGRES, replaced) == ["redis"]

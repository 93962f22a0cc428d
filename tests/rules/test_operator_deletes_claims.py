"""operator-deletes-claims: warning where the manifest asks for the deletion, info where it
is the operator's default (at `spec` or the storage block when the field is absent); never
on a resource whose storage is ephemeral, never for operators where deletion is built in."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from operator_cases import Case, Found, lint_cases, lint_json, places

RULE = "operator-deletes-claims"

# The nodeSets of ECK's quickstart with a claim template, indented as the cases are.
ECK_TEMPLATE = textwrap.indent(
    textwrap.dedent(
        """\
        nodeSets:
          - name: default
            count: 3
            volumeClaimTemplates:
              - metadata:
                  name: elasticsearch-data
                spec:
                  accessModes: [ReadWriteOnce]
                  resources:
                    requests:
                      storage: 50Gi
                  storageClassName: standard
        """
    ),
    " " * 10,
)

CASES = [
    # -- Strimzi ---------------------------------------------------------------------------
    Case(
        "strimzi-pool-delete-claim",
        """\
        apiVersion: kafka.strimzi.io/v1beta2
        kind: KafkaNodePool
        metadata:
          name: broker
          labels:
            strimzi.io/cluster: my-cluster
        spec:
          replicas: 3
          roles: [broker]
          storage:
            type: jbod
            volumes:
              - id: 0
                type: persistent-claim
                size: 100Gi
                deleteClaim: true
              - id: 1
                type: persistent-claim
                size: 100Gi
                deleteClaim: false
        """,
        [(16, 9, "warning")],
    ),
    Case(
        "strimzi-kafka-delete-claim",
        # Strimzi's examples/kafka/kafka-persistent.yaml shape (ZooKeeper mode).
        """\
        apiVersion: kafka.strimzi.io/v1beta2
        kind: Kafka
        metadata:
          name: my-cluster
        spec:
          kafka:
            version: 3.8.0
            replicas: 3
            listeners:
              - name: tls
                port: 9093
                type: internal
                tls: true
            storage:
              type: jbod
              volumes:
                - id: 0
                  type: persistent-claim
                  size: 100Gi
                  deleteClaim: true
          zookeeper:
            replicas: 3
            storage:
              type: persistent-claim
              size: 100Gi
              deleteClaim: true
        """,
        [(20, 11, "warning"), (26, 7, "warning")],
    ),
    Case(
        "strimzi-default-keeps-claims",
        """\
        apiVersion: kafka.strimzi.io/v1beta2
        kind: KafkaNodePool
        metadata:
          name: broker
          labels:
            strimzi.io/cluster: my-cluster
        spec:
          replicas: 3
          roles: [broker]
          storage:
            type: persistent-claim
            size: 100Gi
        """,
    ),
    Case(
        "strimzi-ephemeral-resource",
        # operator-ephemeral-storage fires on the pool: nothing here.
        """\
        apiVersion: kafka.strimzi.io/v1beta2
        kind: KafkaNodePool
        metadata:
          name: broker
          labels:
            strimzi.io/cluster: my-cluster
        spec:
          replicas: 3
          roles: [broker]
          storage:
            type: jbod
            volumes:
              - id: 0
                type: ephemeral
              - id: 1
                type: persistent-claim
                size: 100Gi
                deleteClaim: true
        """,
    ),
    Case(
        "strimzi-kafka-node-pools-storage-ignored",
        """\
        apiVersion: kafka.strimzi.io/v1beta2
        kind: Kafka
        metadata:
          name: my-cluster
          annotations:
            strimzi.io/node-pools: enabled
            strimzi.io/kraft: enabled
        spec:
          kafka:
            version: 3.9.0
            listeners:
              - name: plain
                port: 9092
                type: internal
                tls: false
            storage:
              type: persistent-claim
              size: 10Gi
              deleteClaim: true
        """,
    ),
    # -- ECK -------------------------------------------------------------------------------
    Case(
        "eck-default-policy",
        """\
        apiVersion: elasticsearch.k8s.elastic.co/v1
        kind: Elasticsearch
        metadata:
          name: quickstart
        spec:
          version: 8.15.0
        """.rstrip(" ")
        + ECK_TEMPLATE,
        [(5, 1, "info")],
    ),
    Case(
        "eck-explicit-delete",
        """\
        apiVersion: elasticsearch.k8s.elastic.co/v1
        kind: Elasticsearch
        metadata:
          name: quickstart
        spec:
          version: 8.15.0
          volumeClaimDeletePolicy: DeleteOnScaledownAndClusterDeletion
        """.rstrip(" ")
        + ECK_TEMPLATE,
        [(7, 3, "warning")],
    ),
    Case(
        "eck-delete-on-scaledown-only",
        """\
        apiVersion: elasticsearch.k8s.elastic.co/v1
        kind: Elasticsearch
        metadata:
          name: quickstart
        spec:
          version: 8.15.0
          volumeClaimDeletePolicy: DeleteOnScaledownOnly
        """.rstrip(" ")
        + ECK_TEMPLATE,
    ),
    Case(
        "eck-emptydir",
        # Ephemeral data (operator-ephemeral-storage): no claims to delete.
        """\
        apiVersion: elasticsearch.k8s.elastic.co/v1
        kind: Elasticsearch
        metadata:
          name: quickstart
        spec:
          version: 8.15.0
          nodeSets:
            - name: default
              count: 3
              podTemplate:
                spec:
                  volumes:
                    - name: elasticsearch-data
                      emptyDir: {}
        """,
    ),
    # -- RabbitMQ --------------------------------------------------------------------------
    Case(
        "rabbitmq-default",
        """\
        apiVersion: rabbitmq.com/v1beta1
        kind: RabbitmqCluster
        metadata:
          name: hello-world
        spec:
          replicas: 3
        """,
        [(5, 1, "info")],
    ),
    Case(
        "rabbitmq-when-deleted-delete",
        """\
        apiVersion: rabbitmq.com/v1beta1
        kind: RabbitmqCluster
        metadata:
          name: hello-world
        spec:
          replicas: 3
          override:
            statefulSet:
              spec:
                persistentVolumeClaimRetentionPolicy:
                  whenDeleted: Delete
                  whenScaled: Retain
        """,
        [(11, 11, "warning")],
    ),
    Case(
        "rabbitmq-retain",
        """\
        apiVersion: rabbitmq.com/v1beta1
        kind: RabbitmqCluster
        metadata:
          name: hello-world
        spec:
          replicas: 3
          override:
            statefulSet:
              spec:
                persistentVolumeClaimRetentionPolicy:
                  whenDeleted: Retain
        """,
    ),
    Case(
        "rabbitmq-storage-zero",
        """\
        apiVersion: rabbitmq.com/v1beta1
        kind: RabbitmqCluster
        metadata:
          name: hello-world
        spec:
          replicas: 3
          persistence:
            storage: "0"
        """,
    ),
    # -- Percona ---------------------------------------------------------------------------
    Case(
        "psmdb-delete-finalizer",
        # Percona's deploy/cr.yaml lists the finalizers, commented out; enabled here.
        """\
        apiVersion: psmdb.percona.com/v1
        kind: PerconaServerMongoDB
        metadata:
          name: my-cluster-name
          finalizers:
            - percona.com/delete-psmdb-pods-in-order
            - percona.com/delete-psmdb-pvc
        spec:
          crVersion: 1.18.0
          image: percona/percona-server-mongodb:7.0.14-8
          replsets:
            - name: rs0
              size: 3
              volumeSpec:
                persistentVolumeClaim:
                  resources:
                    requests:
                      storage: 3Gi
        """,
        [(7, 7, "warning")],
    ),
    Case(
        "pxc-delete-finalizers",
        """\
        apiVersion: pxc.percona.com/v1
        kind: PerconaXtraDBCluster
        metadata:
          name: cluster1
          finalizers:
            - percona.com/delete-pxc-pods-in-order
            - percona.com/delete-pxc-pvc
            - percona.com/delete-proxysql-pvc
        spec:
          crVersion: 1.15.0
          pxc:
            size: 3
            image: percona/percona-xtradb-cluster:8.0.36
            volumeSpec:
              persistentVolumeClaim:
                resources:
                  requests:
                    storage: 6G
        """,
        [(7, 7, "warning"), (8, 7, "warning")],
    ),
    Case(
        "psmdb-pods-in-order-only",
        """\
        apiVersion: psmdb.percona.com/v1
        kind: PerconaServerMongoDB
        metadata:
          name: my-cluster-name
          finalizers:
            - percona.com/delete-psmdb-pods-in-order
        spec:
          crVersion: 1.18.0
          image: percona/percona-server-mongodb:7.0.14-8
          replsets:
            - name: rs0
              size: 3
              volumeSpec:
                persistentVolumeClaim:
                  resources:
                    requests:
                      storage: 3Gi
        """,
    ),
    Case(
        "psmdb-finalizer-on-emptydir",
        """\
        apiVersion: psmdb.percona.com/v1
        kind: PerconaServerMongoDB
        metadata:
          name: my-cluster-name
          finalizers:
            - percona.com/delete-psmdb-pvc
        spec:
          crVersion: 1.18.0
          image: percona/percona-server-mongodb:7.0.14-8
          replsets:
            - name: rs0
              size: 3
              volumeSpec:
                emptyDir: {}
        """,
    ),
    # -- OT-Container-Kit Redis ------------------------------------------------------------
    Case(
        "ot-replication-default",
        """\
        apiVersion: redis.redis.opstreelabs.in/v1beta2
        kind: RedisReplication
        metadata:
          name: redis-replication
        spec:
          clusterSize: 3
          kubernetesConfig:
            image: quay.io/opstree/redis:v7.0.15
          storage:
            volumeClaimTemplate:
              spec:
                accessModes: [ReadWriteOnce]
                resources:
                  requests:
                    storage: 1Gi
        """,
        [(9, 3, "info")],
    ),
    Case(
        "ot-cluster-keep-false",
        """\
        apiVersion: redis.redis.opstreelabs.in/v1beta2
        kind: RedisCluster
        metadata:
          name: redis-cluster
        spec:
          clusterSize: 3
          persistenceEnabled: true
          kubernetesConfig:
            image: quay.io/opstree/redis:v7.0.15
          storage:
            keepAfterDelete: false
            volumeClaimTemplate:
              spec:
                accessModes: [ReadWriteOnce]
                resources:
                  requests:
                    storage: 1Gi
        """,
        [(11, 5, "warning")],
    ),
    Case(
        "ot-redis-keep",
        """\
        apiVersion: redis.redis.opstreelabs.in/v1beta2
        kind: Redis
        metadata:
          name: redis-standalone
        spec:
          kubernetesConfig:
            image: quay.io/opstree/redis:v7.0.15
          storage:
            keepAfterDelete: true
            volumeClaimTemplate:
              spec:
                accessModes: [ReadWriteOnce]
                resources:
                  requests:
                    storage: 1Gi
        """,
    ),
    Case(
        "ot-cluster-no-persistence",
        """\
        apiVersion: redis.redis.opstreelabs.in/v1beta2
        kind: RedisCluster
        metadata:
          name: redis-cluster
        spec:
          clusterSize: 3
          kubernetesConfig:
            image: quay.io/opstree/redis:v7.0.15
          storage:
            volumeClaimTemplate:
              spec:
                accessModes: [ReadWriteOnce]
                resources:
                  requests:
                    storage: 1Gi
        """,
    ),
    # -- Spotahome -------------------------------------------------------------------------
    Case(
        "spotahome-claim-default",
        """\
        apiVersion: databases.spotahome.com/v1
        kind: RedisFailover
        metadata:
          name: redisfailover-persistent
        spec:
          sentinel:
            replicas: 3
          redis:
            replicas: 3
            storage:
              persistentVolumeClaim:
                metadata:
                  name: redisfailover-persistent-data
                spec:
                  accessModes: [ReadWriteOnce]
                  resources:
                    requests:
                      storage: 1Gi
        """,
        [(10, 5, "info")],
    ),
    Case(
        "spotahome-keep-false",
        """\
        apiVersion: databases.spotahome.com/v1
        kind: RedisFailover
        metadata:
          name: redisfailover-persistent
        spec:
          redis:
            replicas: 3
            storage:
              keepAfterDeletion: false
              persistentVolumeClaim:
                metadata:
                  name: data
                spec:
                  accessModes: [ReadWriteOnce]
                  resources:
                    requests:
                      storage: 1Gi
        """,
        [(9, 7, "warning")],
    ),
    Case(
        "spotahome-keep",
        """\
        apiVersion: databases.spotahome.com/v1
        kind: RedisFailover
        metadata:
          name: redisfailover-persistent
        spec:
          redis:
            replicas: 3
            storage:
              keepAfterDeletion: true
              persistentVolumeClaim:
                metadata:
                  name: data
                spec:
                  accessModes: [ReadWriteOnce]
                  resources:
                    requests:
                      storage: 1Gi
        """,
    ),
    # -- TiDB ------------------------------------------------------------------------------
    Case(
        "tidb-reclaim-delete",
        """\
        apiVersion: pingcap.com/v1alpha1
        kind: TidbCluster
        metadata:
          name: basic
        spec:
          version: v8.1.0
          pvReclaimPolicy: Delete
          enablePVReclaim: true
          pd:
            baseImage: pingcap/pd
            replicas: 3
            storageClassName: local-storage
            requests:
              storage: 1Gi
          tikv:
            baseImage: pingcap/tikv
            replicas: 3
            storageClassName: local-storage
            requests:
              storage: 1Gi
        """,
        [(7, 3, "warning"), (8, 3, "warning")],
    ),
    Case(
        "tidb-retain",
        """\
        apiVersion: pingcap.com/v1alpha1
        kind: TidbCluster
        metadata:
          name: basic
        spec:
          version: v8.1.0
          pvReclaimPolicy: Retain
          pd:
            baseImage: pingcap/pd
            replicas: 3
            requests:
              storage: 1Gi
          tikv:
            baseImage: pingcap/tikv
            replicas: 3
            requests:
              storage: 1Gi
        """,
    ),
    # -- built in, never fires -------------------------------------------------------------
    Case(
        "cnpg-cluster",
        """\
        apiVersion: postgresql.cnpg.io/v1
        kind: Cluster
        metadata:
          name: cluster-example
        spec:
          instances: 3
          storage:
            size: 1Gi
        """,
    ),
    Case(
        "crunchy-cluster",
        """\
        apiVersion: postgres-operator.crunchydata.com/v1beta1
        kind: PostgresCluster
        metadata:
          name: hippo
        spec:
          postgresVersion: 16
          instances:
            - name: instance1
              replicas: 2
              dataVolumeClaimSpec:
                accessModes: [ReadWriteOnce]
                resources:
                  requests:
                    storage: 1Gi
        """,
    ),
    Case(
        "mongodb-community",
        """\
        apiVersion: mongodbcommunity.mongodb.com/v1
        kind: MongoDBCommunity
        metadata:
          name: example-mongodb
        spec:
          members: 3
          type: ReplicaSet
          version: 6.0.5
          security:
            authentication:
              modes: ["SCRAM"]
          users: []
        """,
    ),
]


@pytest.fixture(scope="module")
def found(tmp_path_factory: pytest.TempPathFactory) -> Found:
    return lint_cases(tmp_path_factory.mktemp("cases"), CASES, RULE)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_positions_and_severity(case: Case, found: Found) -> None:
    assert places(found[case.name]) == sorted(case.expected)


def test_default_and_explicit_messages(found: Found) -> None:
    (default,) = found["eck-default-policy"]
    assert "does not set volumeClaimDeletePolicy" in default["message"]
    (explicit,) = found["rabbitmq-when-deleted-delete"]
    assert "whenDeleted to Delete" in explicit["message"]
    messages = [f["message"] for f in found["pxc-delete-finalizers"]]
    assert any("percona.com/delete-proxysql-pvc" in m for m in messages)


def test_severity_option_overrides_the_default_one(tmp_path: Path) -> None:
    """--severity sets the rule's severity, also for a finding whose default is info."""
    (case,) = [case for case in CASES if case.name == "eck-default-policy"]
    (tmp_path / "eck.yaml").write_text(textwrap.dedent(case.manifest), encoding="utf-8")
    report = lint_json("eck.yaml", "--select", RULE, "--severity", f"{RULE}=error", cwd=tmp_path)
    assert [f["severity"] for f in report["findings"]] == ["error"]


def test_cases_are_valid_custom_resources(found: Found) -> None:
    assert not found.schema_problems, "\n".join(found.schema_problems)

"""operator-storage-without-class: one info finding per persistent storage block without a
class, at the block; an explicit "" is a choice; ephemeral storage is not reported."""

from __future__ import annotations

import pytest
from operator_cases import Case, Found, lint_cases, places

RULE = "operator-storage-without-class"

CASES = [
    # -- CloudNativePG ---------------------------------------------------------------------
    Case(
        "cnpg-quickstart",
        # CloudNativePG's cluster-example.yaml, with WAL storage and a tablespace.
        """\
        apiVersion: postgresql.cnpg.io/v1
        kind: Cluster
        metadata:
          name: cluster-example
        spec:
          instances: 3
          storage:
            size: 1Gi
          walStorage:
            size: 1Gi
            storageClass: fast
          tablespaces:
            - name: atablespace
              storage:
                size: 1Gi
        """,
        [(7, 3, "info"), (14, 7, "info")],
    ),
    Case(
        "cnpg-classes",
        """\
        apiVersion: postgresql.cnpg.io/v1
        kind: Cluster
        metadata:
          name: cluster-example
        spec:
          instances: 3
          storage:
            pvcTemplate:
              accessModes: [ReadWriteOnce]
              resources:
                requests:
                  storage: 1Gi
              storageClassName: standard
              volumeMode: Filesystem
          walStorage:
            size: 1Gi
            storageClass: ""
        """,
    ),
    Case(
        "cluster-api-cluster",
        # Kind Cluster of another group (Cluster API): not CloudNativePG's.
        """\
        apiVersion: cluster.x-k8s.io/v1beta1
        kind: Cluster
        metadata:
          name: capi-quickstart
        spec:
          clusterNetwork:
            pods:
              cidrBlocks: [192.168.0.0/16]
        """,
    ),
    # -- Zalando ---------------------------------------------------------------------------
    Case(
        "zalando-minimal",
        # Zalando's manifests/minimal-postgres-manifest.yaml.
        """\
        apiVersion: acid.zalan.do/v1
        kind: postgresql
        metadata:
          name: acid-minimal-cluster
        spec:
          teamId: acid
          volume:
            size: 1Gi
          numberOfInstances: 2
          users:
            zalando:
              - superuser
              - createdb
          postgresql:
            version: "17"
        """,
        [(7, 3, "info")],
    ),
    Case(
        "zalando-class",
        """\
        apiVersion: acid.zalan.do/v1
        kind: postgresql
        metadata:
          name: acid-minimal-cluster
        spec:
          teamId: acid
          volume:
            size: 1Gi
            storageClass: gp3
          numberOfInstances: 2
          postgresql:
            version: "17"
        """,
    ),
    # -- Crunchy ---------------------------------------------------------------------------
    Case(
        "crunchy-hippo",
        # PGO's kustomize/postgres/postgres.yaml (hippo).
        """\
        apiVersion: postgres-operator.crunchydata.com/v1beta1
        kind: PostgresCluster
        metadata:
          name: hippo
        spec:
          postgresVersion: 16
          instances:
            - name: instance1
              dataVolumeClaimSpec:
                accessModes:
                  - ReadWriteOnce
                resources:
                  requests:
                    storage: 1Gi
          backups:
            pgbackrest:
              repos:
                - name: repo1
                  volume:
                    volumeClaimSpec:
                      accessModes:
                        - ReadWriteOnce
                      resources:
                        requests:
                          storage: 1Gi
        """,
        [(9, 7, "info"), (20, 13, "info")],
    ),
    Case(
        "crunchy-classes",
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
                storageClassName: fast
                accessModes: [ReadWriteOnce]
                resources:
                  requests:
                    storage: 1Gi
              walVolumeClaimSpec:
                storageClassName: ""
                accessModes: [ReadWriteOnce]
                resources:
                  requests:
                    storage: 1Gi
        """,
    ),
    # -- Strimzi ---------------------------------------------------------------------------
    Case(
        "strimzi-pool-no-class",
        # Strimzi's examples/kafka/kraft/kafka-with-dual-role-nodes.yaml node pool.
        """\
        apiVersion: kafka.strimzi.io/v1beta2
        kind: KafkaNodePool
        metadata:
          name: dual-role
          labels:
            strimzi.io/cluster: my-cluster
        spec:
          replicas: 3
          roles:
            - controller
            - broker
          storage:
            type: jbod
            volumes:
              - id: 0
                type: persistent-claim
                size: 100Gi
                deleteClaim: false
                kraftMetadata: shared
              - id: 1
                type: persistent-claim
                size: 100Gi
                class: fast
        """,
        [(15, 9, "info")],
    ),
    Case(
        "strimzi-kafka-zookeeper-no-class",
        """\
        apiVersion: kafka.strimzi.io/v1beta2
        kind: Kafka
        metadata:
          name: my-cluster
        spec:
          kafka:
            replicas: 3
            listeners:
              - name: plain
                port: 9092
                type: internal
                tls: false
            storage:
              type: persistent-claim
              size: 100Gi
              class: fast
          zookeeper:
            replicas: 3
            storage:
              type: persistent-claim
              size: 100Gi
        """,
        [(19, 5, "info")],
    ),
    Case(
        "strimzi-ephemeral-not-reported",
        """\
        apiVersion: kafka.strimzi.io/v1beta2
        kind: KafkaNodePool
        metadata:
          name: dual-role
          labels:
            strimzi.io/cluster: my-cluster
        spec:
          replicas: 3
          roles: [controller, broker]
          storage:
            type: ephemeral
        """,
    ),
    # -- ECK -------------------------------------------------------------------------------
    Case(
        "eck-quickstart",
        # ECK's quickstart: no claim templates, so the operator's default 1Gi claim.
        """\
        apiVersion: elasticsearch.k8s.elastic.co/v1
        kind: Elasticsearch
        metadata:
          name: quickstart
        spec:
          version: 8.15.0
          nodeSets:
            - name: default
              count: 1
              config:
                node.store.allow_mmap: false
            - name: data
              count: 3
              volumeClaimTemplates:
                - metadata:
                    name: elasticsearch-data
                  spec:
                    accessModes: [ReadWriteOnce]
                    resources:
                      requests:
                        storage: 50Gi
        """,
        [(8, 7, "info"), (15, 11, "info")],
    ),
    Case(
        "eck-classed-and-emptydir",
        """\
        apiVersion: elasticsearch.k8s.elastic.co/v1
        kind: Elasticsearch
        metadata:
          name: quickstart
        spec:
          version: 8.15.0
          nodeSets:
            - name: data
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
            - name: coordinating
              count: 2
              podTemplate:
                spec:
                  volumes:
                    - name: elasticsearch-data
                      emptyDir: {}
        """,
    ),
    # -- RabbitMQ --------------------------------------------------------------------------
    Case(
        "rabbitmq-hello-world",
        # The cluster operator's docs/examples/hello-world: nothing set.
        """\
        apiVersion: rabbitmq.com/v1beta1
        kind: RabbitmqCluster
        metadata:
          name: hello-world
        """,
        [(1, 1, "info")],
    ),
    Case(
        "rabbitmq-persistence-without-class",
        """\
        apiVersion: rabbitmq.com/v1beta1
        kind: RabbitmqCluster
        metadata:
          name: hello-world
        spec:
          replicas: 3
          persistence:
            storage: 20Gi
        """,
        [(7, 3, "info")],
    ),
    Case(
        "rabbitmq-zero-storage",
        """\
        apiVersion: rabbitmq.com/v1beta1
        kind: RabbitmqCluster
        metadata:
          name: hello-world
        spec:
          persistence:
            storage: "0"
        """,
    ),
    # -- MongoDB Community -----------------------------------------------------------------
    Case(
        "mongodb-community-sample",
        # The operator's config/samples/mongodb.com_v1_mongodbcommunity_cr.yaml shape.
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
          users:
            - name: my-user
              db: admin
              passwordSecretRef:
                name: my-user-password
              roles:
                - name: clusterAdmin
                  db: admin
              scramCredentialsSecretName: my-scram
        """,
        [(5, 1, "info")],
    ),
    Case(
        "mongodb-community-class",
        """\
        apiVersion: mongodbcommunity.mongodb.com/v1
        kind: MongoDBCommunity
        metadata:
          name: example-mongodb
        spec:
          members: 3
          type: ReplicaSet
          version: 6.0.5
          statefulSet:
            spec:
              volumeClaimTemplates:
                - metadata:
                    name: data-volume
                  spec:
                    storageClassName: fast
                    accessModes: [ReadWriteOnce]
                    resources:
                      requests:
                        storage: 50G
          security:
            authentication:
              modes: ["SCRAM"]
          users: []
        """,
    ),
    Case(
        "mongodb-community-logs-only",
        """\
        apiVersion: mongodbcommunity.mongodb.com/v1
        kind: MongoDBCommunity
        metadata:
          name: example-mongodb
        spec:
          members: 3
          type: ReplicaSet
          version: 6.0.5
          statefulSet:
            spec:
              volumeClaimTemplates:
                - metadata:
                    name: logs-volume
                  spec:
                    storageClassName: fast
          security:
            authentication:
              modes: ["SCRAM"]
          users: []
        """,
        [(11, 7, "info")],
    ),
    # -- Percona ---------------------------------------------------------------------------
    Case(
        "psmdb-cr",
        # Percona's deploy/cr.yaml shape: replica set and config servers.
        """\
        apiVersion: psmdb.percona.com/v1
        kind: PerconaServerMongoDB
        metadata:
          name: my-cluster-name
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
          sharding:
            enabled: true
            configsvrReplSet:
              size: 3
              volumeSpec:
                persistentVolumeClaim:
                  storageClassName: standard
                  resources:
                    requests:
                      storage: 3Gi
            mongos:
              size: 3
        """,
        [(12, 9, "info")],
    ),
    Case(
        "pxc-cr",
        """\
        apiVersion: pxc.percona.com/v1
        kind: PerconaXtraDBCluster
        metadata:
          name: cluster1
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
        [(11, 7, "info")],
    ),
    # -- OT-Container-Kit Redis ------------------------------------------------------------
    Case(
        "ot-redis-no-class",
        """\
        apiVersion: redis.redis.opstreelabs.in/v1beta2
        kind: Redis
        metadata:
          name: redis-standalone
        spec:
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
        [(9, 5, "info")],
    ),
    Case(
        "ot-cluster-persistence-off",
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
        "spotahome-claim-no-class",
        """\
        apiVersion: databases.spotahome.com/v1
        kind: RedisFailover
        metadata:
          name: redisfailover-persistent
        spec:
          redis:
            replicas: 3
            storage:
              persistentVolumeClaim:
                metadata:
                  name: data
                spec:
                  accessModes: [ReadWriteOnce]
                  resources:
                    requests:
                      storage: 1Gi
        """,
        [(9, 7, "info")],
    ),
    # -- TiDB ------------------------------------------------------------------------------
    Case(
        "tidb-basic",
        # TiDB Operator's examples/basic/tidb-cluster.yaml shape.
        """\
        apiVersion: pingcap.com/v1alpha1
        kind: TidbCluster
        metadata:
          name: basic
        spec:
          version: v8.1.0
          pd:
            baseImage: pingcap/pd
            replicas: 3
            requests:
              storage: 1Gi
          tikv:
            baseImage: pingcap/tikv
            replicas: 3
            storageClassName: local-storage
            requests:
              storage: 1Gi
          tidb:
            baseImage: pingcap/tidb
            replicas: 2
        """,
        [(7, 3, "info")],
    ),
]


@pytest.fixture(scope="module")
def found(tmp_path_factory: pytest.TempPathFactory) -> Found:
    return lint_cases(tmp_path_factory.mktemp("cases"), CASES, RULE)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_positions(case: Case, found: Found) -> None:
    assert places(found[case.name]) == sorted(case.expected)


def test_message_names_the_block(found: Found) -> None:
    messages = sorted(f["message"] for f in found["cnpg-quickstart"])
    assert "Cluster default/cluster-example requests spec.storage without" in messages[0]
    assert "spec.tablespaces[0].storage" in messages[1]


def test_cases_are_valid_custom_resources(found: Found) -> None:
    assert not found.schema_problems, "\n".join(found.schema_problems)

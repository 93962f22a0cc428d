"""operator-ephemeral-storage: per operator, a manifest shaped like the operator's own
documentation examples that fires (at the field that makes the storage ephemeral, or at
`spec` when storage is absent), and the near-misses of the catalog that must not."""

from __future__ import annotations

import pytest
from operator_cases import Case, Found, lint_cases, places

RULE = "operator-ephemeral-storage"

CASES = [
    # -- Strimzi ---------------------------------------------------------------------------
    Case(
        "strimzi-pool-ephemeral",
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
            type: ephemeral
        """,
        [(13, 5, "error")],
    ),
    Case(
        "strimzi-pool-jbod-one-ephemeral",
        """\
        apiVersion: kafka.strimzi.io/v1
        kind: KafkaNodePool
        metadata:
          name: broker
          labels:
            strimzi.io/cluster: jbod-cluster
        spec:
          replicas: 3
          roles: [broker]
          storage:
            type: jbod
            volumes:
              - id: 0
                type: persistent-claim
                size: 100Gi
                class: gp3
              - id: 1
                type: ephemeral
                sizeLimit: 10Gi
        """,
        [(18, 9, "error")],
    ),
    Case(
        "strimzi-pool-persistent",
        """\
        apiVersion: kafka.strimzi.io/v1beta2
        kind: KafkaNodePool
        metadata:
          name: broker
          labels:
            strimzi.io/cluster: safe-cluster
        spec:
          replicas: 3
          roles: [broker]
          storage:
            type: jbod
            volumes:
              - id: 0
                type: persistent-claim
                size: 100Gi
                deleteClaim: false
        """,
    ),
    Case(
        "strimzi-kafka-ephemeral-zookeeper",
        # The shape of Strimzi's examples/kafka/kafka-ephemeral.yaml (ZooKeeper mode).
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
              - name: plain
                port: 9092
                type: internal
                tls: false
            config:
              offsets.topic.replication.factor: 3
            storage:
              type: ephemeral
          zookeeper:
            replicas: 3
            storage:
              type: ephemeral
          entityOperator:
            topicOperator: {}
            userOperator: {}
        """,
        [(17, 7, "error"), (21, 7, "error")],
    ),
    Case(
        "strimzi-kafka-node-pools-enabled",
        # With node pools, spec.kafka.storage is not used: no finding there.
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
            metadataVersion: 3.9-IV0
            listeners:
              - name: plain
                port: 9092
                type: internal
                tls: false
            storage:
              type: ephemeral
          entityOperator:
            topicOperator: {}
        """,
    ),
    # -- ECK -------------------------------------------------------------------------------
    Case(
        "eck-emptydir-data",
        # ECK docs, "Volume claim templates": an emptyDir for elasticsearch-data.
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
        [(14, 15, "error")],
    ),
    Case(
        "eck-claim-template-misnamed",
        """\
        apiVersion: elasticsearch.k8s.elastic.co/v1
        kind: Elasticsearch
        metadata:
          name: quickstart
        spec:
          version: 8.15.0
          nodeSets:
            - name: hot
              count: 3
              volumeClaimTemplates:
                - metadata:
                    name: data
                  spec:
                    accessModes: [ReadWriteOnce]
                    resources:
                      requests:
                        storage: 100Gi
                    storageClassName: fast
            - name: warm
              count: 2
        """,
        [(10, 7, "error")],
    ),
    Case(
        "eck-default-claim",
        # No templates and no emptyDir: the operator adds its default claim (persistent).
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
              config:
                node.store.allow_mmap: false
        """,
    ),
    Case(
        "eck-emptydir-with-claim-template",
        # The claim template replaces the pod volume of the same name.
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
              volumeClaimTemplates:
                - metadata:
                    name: elasticsearch-data
                  spec:
                    accessModes: [ReadWriteOnce]
                    resources:
                      requests:
                        storage: 5Gi
              podTemplate:
                spec:
                  volumes:
                    - name: elasticsearch-data
                      emptyDir: {}
        """,
    ),
    # -- RabbitMQ --------------------------------------------------------------------------
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
        [(8, 5, "error")],
    ),
    Case(
        "rabbitmq-storage-zero-gi",
        """\
        apiVersion: rabbitmq.com/v1beta1
        kind: RabbitmqCluster
        metadata:
          name: hello-world
        spec:
          replicas: 3
          persistence:
            storageClassName: fast
            storage: 0Gi
        """,
        [(9, 5, "error")],
    ),
    Case(
        "rabbitmq-default-persistence",
        """\
        apiVersion: rabbitmq.com/v1beta1
        kind: RabbitmqCluster
        metadata:
          name: hello-world
        spec:
          replicas: 3
          persistence:
            storageClassName: fast
            storage: 20Gi
        """,
    ),
    # -- Percona ---------------------------------------------------------------------------
    Case(
        "psmdb-emptydir-replset",
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
                emptyDir: {}
              arbiter:
                enabled: true
                size: 1
          sharding:
            enabled: true
            configsvrReplSet:
              size: 3
              volumeSpec:
                hostPath:
                  path: /data/mongod
                  type: Directory
            mongos:
              size: 3
        """,
        [(12, 9, "error"), (21, 9, "error")],
    ),
    Case(
        "psmdb-claims",
        # The arbiter holds no data and has no volumeSpec: exempt.
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
              arbiter:
                enabled: true
                size: 1
              volumeSpec:
                persistentVolumeClaim:
                  storageClassName: standard
                  resources:
                    requests:
                      storage: 3Gi
        """,
    ),
    Case(
        "pxc-emptydir",
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
              emptyDir: {}
          haproxy:
            enabled: true
            size: 3
            image: percona/haproxy:2.8.5
        """,
        [(11, 7, "error")],
    ),
    Case(
        "pxc-emptydir-and-claim",
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
              emptyDir: {}
              persistentVolumeClaim:
                storageClassName: standard
                resources:
                  requests:
                    storage: 6G
        """,
    ),
    # -- OT-Container-Kit Redis ------------------------------------------------------------
    Case(
        "ot-redis-no-storage",
        """\
        apiVersion: redis.redis.opstreelabs.in/v1beta2
        kind: Redis
        metadata:
          name: redis-standalone
        spec:
          kubernetesConfig:
            image: quay.io/opstree/redis:v7.0.15
            imagePullPolicy: IfNotPresent
        """,
        [(5, 1, "error")],
    ),
    Case(
        "ot-replication-template-without-spec",
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
              metadata:
                name: data
        """,
        [(10, 5, "error")],
    ),
    Case(
        "ot-redis-with-claim",
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
                storageClassName: standard
                accessModes: [ReadWriteOnce]
                resources:
                  requests:
                    storage: 1Gi
        """,
    ),
    Case(
        "ot-cluster-no-storage",
        """\
        apiVersion: redis.redis.opstreelabs.in/v1beta2
        kind: RedisCluster
        metadata:
          name: redis-cluster
        spec:
          clusterSize: 3
          kubernetesConfig:
            image: quay.io/opstree/redis:v7.0.15
        """,
        [(5, 1, "error")],
    ),
    Case(
        "ot-cluster-persistence-disabled",
        """\
        apiVersion: redis.redis.opstreelabs.in/v1beta2
        kind: RedisCluster
        metadata:
          name: redis-cluster
        spec:
          clusterSize: 3
          persistenceEnabled: false
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
        [(7, 3, "error")],
    ),
    Case(
        "ot-cluster-persistence-unset",
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
        [(9, 3, "error")],
    ),
    Case(
        "ot-cluster-persistent",
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
            volumeClaimTemplate:
              spec:
                storageClassName: standard
                accessModes: [ReadWriteOnce]
                resources:
                  requests:
                    storage: 1Gi
        """,
    ),
    # -- Spotahome -------------------------------------------------------------------------
    Case(
        "spotahome-default",
        # Spotahome's example/redisfailover/basic.yaml: no storage at all.
        """\
        apiVersion: databases.spotahome.com/v1
        kind: RedisFailover
        metadata:
          name: redisfailover
        spec:
          sentinel:
            replicas: 3
          redis:
            replicas: 3
        """,
        [(5, 1, "error")],
    ),
    Case(
        "spotahome-explicit-emptydir",
        """\
        apiVersion: databases.spotahome.com/v1
        kind: RedisFailover
        metadata:
          name: redisfailover
        spec:
          sentinel:
            replicas: 3
          redis:
            replicas: 3
            storage:
              emptyDir:
                medium: Memory
        """,
        [(11, 7, "error")],
    ),
    Case(
        "spotahome-claim",
        # Spotahome's example/redisfailover/persistent-storage.yaml.
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
              keepAfterDeletion: true
              persistentVolumeClaim:
                metadata:
                  name: redisfailover-persistent-data
                spec:
                  accessModes:
                    - ReadWriteOnce
                  resources:
                    requests:
                      storage: 1Gi
        """,
    ),
    # -- operators whose data volume is always a claim: never fires ------------------------
    Case(
        "cnpg-ephemeral-volume-source",
        """\
        apiVersion: postgresql.cnpg.io/v1
        kind: Cluster
        metadata:
          name: cluster-example
        spec:
          instances: 3
          storage:
            size: 1Gi
          ephemeralVolumeSource:
            volumeClaimTemplate:
              spec:
                accessModes: [ReadWriteOnce]
                resources:
                  requests:
                    storage: 1Gi
        """,
    ),
    Case(
        "tidb-basic",
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
            config: {}
          tikv:
            baseImage: pingcap/tikv
            replicas: 3
            requests:
              storage: 1Gi
            config: {}
          tidb:
            baseImage: pingcap/tidb
            replicas: 2
            service:
              type: ClusterIP
            config: {}
        """,
    ),
    Case(
        "other-group-redisfailover",
        # Same kind, another API group: not Spotahome's resource.
        """\
        apiVersion: storage.example.com/v1
        kind: RedisFailover
        metadata:
          name: other
        spec:
          redis:
            replicas: 3
        """,
    ),
]


@pytest.fixture(scope="module")
def found(tmp_path_factory: pytest.TempPathFactory) -> Found:
    return lint_cases(tmp_path_factory.mktemp("cases"), CASES, RULE)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_positions(case: Case, found: Found) -> None:
    assert places(found[case.name]) == sorted(case.expected)


def test_message_names_the_object_and_block(found: Found) -> None:
    (finding,) = found["strimzi-pool-jbod-one-ephemeral"]
    assert finding["message"].startswith("KafkaNodePool default/broker keeps its Kafka data")
    assert "spec.storage.volumes[1].type: ephemeral" in finding["message"]
    assert finding["object"]["kind"] == "KafkaNodePool"


def test_rabbitmq_message_shows_the_quantity(found: Found) -> None:
    (finding,) = found["rabbitmq-storage-zero-gi"]
    assert "persistence.storage to 0Gi" in finding["message"]


def test_cases_are_valid_custom_resources(found: Found) -> None:
    assert not found.schema_problems, "\n".join(found.schema_problems)

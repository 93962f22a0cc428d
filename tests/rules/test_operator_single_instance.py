"""operator-single-instance: one data-holding instance; stopped clusters (0), sentinels,
arbiters, proxies and stateless layers never count; Strimzi sums the replicas of the
node pools of one cluster (label strimzi.io/cluster) by role."""

from __future__ import annotations

import pytest
from operator_cases import Case, Found, lint_cases, places

RULE = "operator-single-instance"


def pool(name: str, cluster: str, roles: str, replicas: object) -> str:
    """A KafkaNodePool document, 12 lines, indented like the cases (dedented later)."""
    return f"""\
        apiVersion: kafka.strimzi.io/v1beta2
        kind: KafkaNodePool
        metadata:
          name: {name}
          labels:
            strimzi.io/cluster: {cluster}
        spec:
          replicas: {replicas}
          roles: [{roles}]
          storage:
            type: persistent-claim
            size: 100Gi
        """


CASES = [
    # -- CloudNativePG ---------------------------------------------------------------------
    Case(
        "cnpg-default-instances",
        """\
        apiVersion: postgresql.cnpg.io/v1
        kind: Cluster
        metadata:
          name: cluster-example
        spec:
          storage:
            size: 1Gi
        """,
        [(5, 1, "info")],
    ),
    Case(
        "cnpg-one-instance",
        """\
        apiVersion: postgresql.cnpg.io/v1
        kind: Cluster
        metadata:
          name: cluster-example
        spec:
          instances: 1
          storage:
            size: 1Gi
        """,
        [(6, 3, "info")],
    ),
    Case(
        "cnpg-three-instances",
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
    # -- Zalando ---------------------------------------------------------------------------
    Case(
        "zalando-one",
        """\
        apiVersion: acid.zalan.do/v1
        kind: postgresql
        metadata:
          name: acid-minimal-cluster
        spec:
          teamId: acid
          volume:
            size: 1Gi
          numberOfInstances: 1
          postgresql:
            version: "17"
        """,
        [(9, 3, "info")],
    ),
    Case(
        "zalando-stopped",
        """\
        apiVersion: acid.zalan.do/v1
        kind: postgresql
        metadata:
          name: acid-minimal-cluster
        spec:
          teamId: acid
          volume:
            size: 1Gi
          numberOfInstances: 0
          postgresql:
            version: "17"
        """,
    ),
    # -- Crunchy ---------------------------------------------------------------------------
    Case(
        "crunchy-hippo-one",
        # PGO's hippo: one instance set, replicas absent (1).
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
                accessModes: [ReadWriteOnce]
                resources:
                  requests:
                    storage: 1Gi
        """,
        [(7, 3, "info")],
    ),
    Case(
        "crunchy-two-sets",
        # Two sets of one replica each: two instances.
        """\
        apiVersion: postgres-operator.crunchydata.com/v1beta1
        kind: PostgresCluster
        metadata:
          name: hippo
        spec:
          postgresVersion: 16
          instances:
            - name: zone-a
              dataVolumeClaimSpec:
                accessModes: [ReadWriteOnce]
                resources:
                  requests:
                    storage: 1Gi
            - name: zone-b
              replicas: 1
              dataVolumeClaimSpec:
                accessModes: [ReadWriteOnce]
                resources:
                  requests:
                    storage: 1Gi
        """,
    ),
    # -- Strimzi ---------------------------------------------------------------------------
    Case(
        "strimzi-single-dual-role-pool",
        # One dual-role pool with one replica: the only broker and the only controller,
        # reported once.
        pool("dual-role", "solo", "controller, broker", 1),
        [(8, 3, "info")],
    ),
    Case(
        "strimzi-single-broker-beside-controllers",
        pool("controllers", "split", "controller", 3)
        + "---\n"
        + pool("broker", "split", "broker", 1),
        [(21, 3, "info")],
    ),
    Case(
        "strimzi-broker-with-another-broker-pool",
        # A one-replica pool next to another broker pool of the same cluster: two brokers.
        pool("controllers", "pair", "controller", 3)
        + "---\n"
        + pool("broker-a", "pair", "broker", 1)
        + "---\n"
        + pool("broker-b", "pair", "broker", 1),
    ),
    Case(
        "strimzi-other-pool-stopped",
        # The other broker pool is scaled to 0: one broker left.
        pool("controllers", "scaled", "controller", 3)
        + "---\n"
        + pool("broker-a", "scaled", "broker", 1)
        + "---\n"
        + pool("broker-b", "scaled", "broker", 0),
        [(21, 3, "info")],
    ),
    Case(
        "strimzi-other-cluster-does-not-count",
        # A broker pool of another cluster (another strimzi.io/cluster value) is no help.
        pool("controllers", "alpha", "controller", 3)
        + "---\n"
        + pool("broker", "alpha", "broker", 1)
        + "---\n"
        + pool("broker-beta", "beta", "broker", 3),
        [(21, 3, "info")],
    ),
    Case(
        "strimzi-stopped-pool",
        pool("dual-role", "stopped", "controller, broker", 0),
    ),
    Case(
        "strimzi-kafka-zookeeper-mode",
        """\
        apiVersion: kafka.strimzi.io/v1beta2
        kind: Kafka
        metadata:
          name: my-cluster
        spec:
          kafka:
            replicas: 1
            listeners:
              - name: plain
                port: 9092
                type: internal
                tls: false
            storage:
              type: persistent-claim
              size: 10Gi
          zookeeper:
            replicas: 1
            storage:
              type: persistent-claim
              size: 10Gi
        """,
        [(7, 5, "info"), (17, 5, "info")],
    ),
    # -- ECK -------------------------------------------------------------------------------
    Case(
        "eck-quickstart",
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
        """,
        [(7, 3, "info")],
    ),
    Case(
        "eck-two-sets",
        """\
        apiVersion: elasticsearch.k8s.elastic.co/v1
        kind: Elasticsearch
        metadata:
          name: quickstart
        spec:
          version: 8.15.0
          nodeSets:
            - name: master
              count: 1
            - name: data
              count: 2
        """,
    ),
    # -- RabbitMQ --------------------------------------------------------------------------
    Case(
        "rabbitmq-hello-world",
        """\
        apiVersion: rabbitmq.com/v1beta1
        kind: RabbitmqCluster
        metadata:
          name: hello-world
        spec:
          persistence:
            storageClassName: fast
        """,
        [(5, 1, "info")],
    ),
    Case(
        "rabbitmq-three",
        """\
        apiVersion: rabbitmq.com/v1beta1
        kind: RabbitmqCluster
        metadata:
          name: production-ready
        spec:
          replicas: 3
        """,
    ),
    # -- MongoDB Community -----------------------------------------------------------------
    Case(
        "mongodb-one-member-with-arbiter",
        # The arbiter holds no data: still one data-holding member.
        """\
        apiVersion: mongodbcommunity.mongodb.com/v1
        kind: MongoDBCommunity
        metadata:
          name: example-mongodb
        spec:
          members: 1
          arbiters: 1
          type: ReplicaSet
          version: 6.0.5
          security:
            authentication:
              modes: ["SCRAM"]
          users: []
        """,
        [(6, 3, "info")],
    ),
    # -- Percona ---------------------------------------------------------------------------
    Case(
        "psmdb-one-member-and-arbiter",
        """\
        apiVersion: psmdb.percona.com/v1
        kind: PerconaServerMongoDB
        metadata:
          name: minimal-cluster
        spec:
          crVersion: 1.18.0
          image: percona/percona-server-mongodb:7.0.14-8
          unsafeFlags:
            replsetSize: true
          replsets:
            - name: rs0
              size: 1
              arbiter:
                enabled: true
                size: 1
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
                  resources:
                    requests:
                      storage: 3Gi
            mongos:
              size: 1
        """,
        [(12, 7, "info")],
    ),
    Case(
        "pxc-one-node-three-proxies",
        """\
        apiVersion: pxc.percona.com/v1
        kind: PerconaXtraDBCluster
        metadata:
          name: cluster1
        spec:
          crVersion: 1.15.0
          pxc:
            size: 1
            image: percona/percona-xtradb-cluster:8.0.36
            volumeSpec:
              persistentVolumeClaim:
                resources:
                  requests:
                    storage: 6G
          haproxy:
            enabled: true
            size: 3
            image: percona/haproxy:2.8.5
        """,
        [(8, 5, "info")],
    ),
    # -- OT-Container-Kit Redis ------------------------------------------------------------
    Case(
        "ot-replication-one",
        """\
        apiVersion: redis.redis.opstreelabs.in/v1beta2
        kind: RedisReplication
        metadata:
          name: redis-replication
        spec:
          clusterSize: 1
          kubernetesConfig:
            image: quay.io/opstree/redis:v7.0.15
        """,
        [(6, 3, "info")],
    ),
    Case(
        "ot-standalone-redis",
        # Kind Redis is standalone by design: never fires.
        """\
        apiVersion: redis.redis.opstreelabs.in/v1beta2
        kind: Redis
        metadata:
          name: redis-standalone
        spec:
          kubernetesConfig:
            image: quay.io/opstree/redis:v7.0.15
        """,
    ),
    # -- Spotahome -------------------------------------------------------------------------
    Case(
        "spotahome-one-redis-three-sentinels",
        """\
        apiVersion: databases.spotahome.com/v1
        kind: RedisFailover
        metadata:
          name: redisfailover
        spec:
          sentinel:
            replicas: 3
          redis:
            replicas: 1
        """,
        [(9, 5, "info")],
    ),
    Case(
        "spotahome-one-sentinel",
        # Sentinels do not count.
        """\
        apiVersion: databases.spotahome.com/v1
        kind: RedisFailover
        metadata:
          name: redisfailover
        spec:
          sentinel:
            replicas: 1
          redis:
            replicas: 3
        """,
    ),
    # -- TiDB ------------------------------------------------------------------------------
    Case(
        "tidb-one-pd-one-tidb",
        """\
        apiVersion: pingcap.com/v1alpha1
        kind: TidbCluster
        metadata:
          name: basic
        spec:
          version: v8.1.0
          pd:
            baseImage: pingcap/pd
            replicas: 1
            requests:
              storage: 1Gi
          tikv:
            baseImage: pingcap/tikv
            replicas: 3
            requests:
              storage: 1Gi
          tidb:
            baseImage: pingcap/tidb
            replicas: 1
        """,
        [(9, 5, "info")],
    ),
]


@pytest.fixture(scope="module")
def found(tmp_path_factory: pytest.TempPathFactory) -> Found:
    return lint_cases(tmp_path_factory.mktemp("cases"), CASES, RULE)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_positions(case: Case, found: Found) -> None:
    assert places(found[case.name]) == sorted(case.expected)


def test_strimzi_finding_is_on_the_pool_and_names_the_others(found: Found) -> None:
    (finding,) = found["strimzi-other-pool-stopped"]
    assert finding["object"]["name"] == "broker-a"
    assert "only broker" in finding["message"]
    assert "KafkaNodePool default/broker-b" in finding["message"]
    (dual,) = found["strimzi-single-dual-role-pool"]
    assert "only broker" in dual["message"]


def test_cases_are_valid_custom_resources(found: Found) -> None:
    assert not found.schema_problems, "\n".join(found.schema_problems)

"""The bundled operator schemas (schemas/operators/): a typo in a storage block is an
unknown-field without network access, every family F kind but ECK's is bundled. (The
family F rule tests in tests/rules/ also check that each of their manifests is valid
against these schemas.)"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from helpers import lint_json

from kslint.api_schemas.operators import operator_schema


def test_a_storage_typo_is_an_unknown_field(tmp_path: Path) -> None:
    (tmp_path / "pool.yaml").write_text(
        textwrap.dedent(
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
                storageClass: fast
            """
        ),
        encoding="utf-8",
    )
    report = lint_json("pool.yaml", cwd=tmp_path)
    found = [(f["rule"], f["line"], f["column"]) for f in report["findings"]]
    assert ("unknown-field", 13, 5) in found
    # The rule still runs and sees no class (the typo'd field is not one).
    assert ("operator-storage-without-class", 10, 3) in found


@pytest.mark.parametrize(
    ("api_version", "kind"),
    [
        ("postgresql.cnpg.io/v1", "Cluster"),
        ("acid.zalan.do/v1", "postgresql"),
        ("postgres-operator.crunchydata.com/v1beta1", "PostgresCluster"),
        ("kafka.strimzi.io/v1beta2", "Kafka"),
        ("kafka.strimzi.io/v1", "KafkaNodePool"),
        ("rabbitmq.com/v1beta1", "RabbitmqCluster"),
        ("mongodbcommunity.mongodb.com/v1", "MongoDBCommunity"),
        ("psmdb.percona.com/v1", "PerconaServerMongoDB"),
        ("pxc.percona.com/v1", "PerconaXtraDBCluster"),
        ("redis.redis.opstreelabs.in/v1beta2", "RedisReplication"),
        ("databases.spotahome.com/v1", "RedisFailover"),
        ("pingcap.com/v1alpha1", "TidbCluster"),
    ],
)
def test_bundled(api_version: str, kind: str) -> None:
    schema = operator_schema(api_version, kind)
    assert schema is not None and "spec" in schema["properties"]


def test_eck_is_not_bundled() -> None:
    """Elastic License 2.0: see schemas/operators/PROVENANCE.md."""
    assert operator_schema("elasticsearch.k8s.elastic.co/v1", "Elasticsearch") is None

"""The bundled operator schemas (schemas/operators/): every manifest the family F rule
tests use is valid against them (so the shapes are real), and a typo in a storage block
is an unknown-field without network access."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
import test_operator_deletes_claims as deletes
import test_operator_ephemeral_storage as ephemeral
import test_operator_single_instance as single
import test_operator_storage_without_class as without_class
from helpers import lint_json

from kslint.schema.operators import operator_schema

SCHEMA_RULES = ("unknown-field", "schema-violation", "invalid-object")
CASES = [
    (module.__name__, case)
    for module in (ephemeral, deletes, without_class, single)
    for case in module.CASES
]


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("schema-cases")
    for module, case in CASES:
        folder = root / module / case.name
        folder.mkdir(parents=True)
        (folder / "manifest.yaml").write_text(textwrap.dedent(case.manifest), encoding="utf-8")
    return lint_json(".", "--verbose", cwd=root)


def test_rule_test_manifests_are_valid_custom_resources(report: dict) -> None:
    problems = [
        f"{f['file']}:{f['line']}:{f['column']}: {f['rule']}: {f['message']}"
        for f in report["findings"]
        if f["rule"] in SCHEMA_RULES
    ]
    # Elasticsearch (ECK, Elastic License 2.0) and the other-group kinds have no schema.
    assert not problems, "\n".join(problems)


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

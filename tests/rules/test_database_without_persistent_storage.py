"""database-without-persistent-storage: its message, the configurable stateful image list,
and databases it leaves alone.

database-without-persistent-storage (catalog revision 3): shell wrappers are looked
through with each image's server programs, architecture suffixes are stripped from image
names, and a static pod's hostPath counts as persistent.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import lint_json, lint_manifests, rule_findings, run_check, write_repo

from kslint.images import (
    base_name,
    server_image,
    server_programs_doc,
    shell_script,
    simple_commands,
)
from kslint.model import Container
from kslint.pipeline import lint_texts
from kslint.ruleset import RuleSet

RULE = "database-without-persistent-storage"


RULE = "database-without-persistent-storage"


def test_database_without_storage_messages() -> None:
    inline = rule_findings(
        RULE,
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
    )
    assert [f.message for f in inline] == [
        "Container 'etcd' of Pod default/etcd runs etcd but mounts no volume backed by a "
        "PersistentVolumeClaim, only 'disk' (awsElasticBlockStore): its storage is outside "
        "the PersistentVolumeClaim life cycle."
    ]


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


def _containers(stateful_images: frozenset[str] | None = None) -> list[str]:
    """The containers the rule reports in REDIS_AND_POSTGRES with that image list."""
    found = run_check(RULE, REDIS_AND_POSTGRES, stateful_images=stateful_images)
    return [f.message.split("'")[1] for f in found]


def test_configured_stateful_images_are_honoured() -> None:
    assert _containers() == ["pg"]
    assert _containers(frozenset({"redis", "postgres"})) == ["redis", "pg"]
    assert _containers(frozenset({"redis"})) == ["redis"]


def test_redis_statefulset_without_storage() -> None:
    result = lint_manifests(
        """\
        apiVersion: apps/v1
        kind: StatefulSet
        metadata:
          name: cache
        spec:
          serviceName: cache
          selector:
            matchLabels: {app: cache}
          template:
            metadata:
              labels: {app: cache}
            spec:
              containers:
                - name: redis
                  image: redis:7.2
                - name: valkey
                  image: valkey/valkey:8
        """
    )
    assert result.objects == 1
    assert "database-without-persistent-storage" not in {f.rule for f in result.findings}


def container(
    image: str, command: list[str] | None = None, args: list[str] | None = None
) -> Container:
    return Container(
        name="c",
        path=(),
        image=image,
        command=tuple(command) if command is not None else None,
        mounts=(),
        init=False,
        args=tuple(args) if args is not None else None,
    )


@pytest.mark.parametrize(
    ("image", "command", "args"),
    [
        ("minio/minio", ["sh", "-c", "mkdir -p /data && exec minio server /data"], None),
        ("minio/minio", ["/bin/sh", "-c"], ["exec minio server /data --console-address :9001"]),
        ("minio/minio", ["/bin/bash", "-ec", "minio server /data"], None),
        ("minio/minio", ["minio"], ["server", "/data"]),
        ("minio/minio", ["minio", "server", "/data"], None),
        (
            "cockroachdb/cockroach",
            ["/bin/bash", "-c", "exec /cockroach/cockroach start --join=a"],
            None,
        ),
        ("cockroachdb/cockroach", ["cockroach", "start-single-node"], None),
        (
            "postgres:16",
            ["sh", "-c", "chown -R 999 /data; exec docker-entrypoint.sh postgres"],
            None,
        ),
        ("postgres:16", ["sh", "-c", "echo hi\nexec postgres -c max_connections=200"], None),
        ("postgres:16", ["pg_ctl", "start", "-D", "/data"], None),
        ("mysql:8.4", ["bash", "-c", "set -e\nPORT=3306 mysqld --port=$PORT"], None),
        ("zookeeper:3.9", ["zkServer.sh", "start-foreground"], None),
        ("clickhouse/clickhouse-server", ["clickhouse", "server"], None),
        ("neo4j:5", ["dash", "-c", "neo4j console"], None),
        ("solr:9", ["solr", "start", "-f"], None),
        ("redis-or-not/etcd", ["zsh", "-c", "true || etcd --data-dir /x"], None),
        ("k8s.gcr.io/etcd-amd64:3.2.18", ["etcd"], None),
        ("gcr.io/etcd-development/etcd-arm64:v3.5.0", None, None),
        ("quay.io/coreos/etcd-s390x", None, None),
    ],
)
def test_servers(image: str, command: list[str] | None, args: list[str] | None) -> None:
    assert server_image(container(image, command, args)) is not None


@pytest.mark.parametrize(
    ("image", "command", "args"),
    [
        ("cockroachdb/cockroach", ["sh", "-c", "cockroach sql --insecure -e 'select 1'"], None),
        ("cockroachdb/cockroach", ["cockroach", "sql"], None),
        ("cockroachdb/cockroach", ["cockroach"], ["init", "--insecure"]),
        ("minio/minio", ["minio"], None),  # a bare binary that doubles as a client
        ("minio/minio", ["sh", "-c", "minio-client ls; echo server"], None),
        ("postgres:16", ["sh", "-c", "pg_dump -h db > /out/dump.sql"], None),
        ("postgres:16", ["pg_ctl", "stop"], None),
        ("postgres:16", ["sh", "/scripts/start.sh"], None),  # a script, not -c
        ("postgres:16", ["sh", "-c"], None),  # no script at all
        ("mysql:8.4", ["bash", "-c", "echo mysqld; mysql -h db -e 'select 1'"], None),
        ("zookeeper:3.9", ["zkServer.sh", "status"], None),
        ("neo4j:5", ["neo4j-admin", "dump"], None),
        ("solr:9", ["solr", "create", "-c", "x"], None),
        ("etcd-amd64-tools/etcdctl", None, None),  # not etcd
        ("example/etcd-amd64x", None, None),  # not an architecture suffix
    ],
)
def test_clients_and_other_images(
    image: str, command: list[str] | None, args: list[str] | None
) -> None:
    assert server_image(container(image, command, args)) is None


def test_shell_script_and_simple_commands() -> None:
    assert shell_script(["/usr/bin/env", "-c", "x"]) is None
    assert shell_script(["sh", "-e", "-c", "x"]) == "x"
    assert shell_script(["sh", "--login", "-c", "x"]) is None
    assert simple_commands("a b && exec c d | e; f=1 g\nh || i &") == [
        ["a", "b"],
        ["c", "d"],
        ["e"],
        ["g"],
        ["h"],
        ["i"],
    ]
    assert simple_commands('unbalanced "quote minio server') == [
        ["unbalanced", '"quote', "minio", "server"]
    ]
    assert base_name("etcd-amd64") == "etcd"
    assert base_name("-amd64") == "-amd64"


def test_the_rule_documents_every_image_s_server_programs() -> None:
    meta = RuleSet.builtin().catalog[RULE]
    assert server_programs_doc() in "\n".join(line.strip() for line in meta.why.splitlines())
    assert "- minio: `docker-entrypoint.sh`, `entrypoint.sh`, `minio server`, `run.sh`" in (
        server_programs_doc()
    )


MINIO_WRAPPED = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: objects
spec:
  selector:
    matchLabels: {app: objects}
  template:
    metadata:
      labels: {app: objects}
    spec:
      containers:
        - name: minio
          image: quay.io/minio/minio:latest
          command: [/bin/sh, -c, "mkdir -p /data/o && exec minio server /data"]
          volumeMounts:
            - {name: data, mountPath: /data}
      volumes:
        - {name: data, emptyDir: {}}
"""

CRDB_CLIENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: migrate
spec:
  selector:
    matchLabels: {app: migrate}
  template:
    metadata:
      labels: {app: migrate}
    spec:
      containers:
        - name: migrate
          image: cockroachdb/cockroach:v24.1.0
          command: [sh, -c, "cockroach sql --insecure -f /sql/schema.sql"]
"""


STATIC_ETCD = """\
apiVersion: v1
kind: Pod
metadata: {{name: etcd, namespace: {namespace}}}
spec:
  hostNetwork: true
  containers:
    - name: etcd
      image: registry.k8s.io/etcd:3.5.15-0
      command: [etcd, --data-dir=/var/lib/etcd]
      volumeMounts: [{{name: etcd-data, mountPath: /var/lib/etcd}}]
  volumes:
    - {{name: etcd-data, {source}}}
"""


def rule_lines(text: str) -> list[int]:
    return [f.span.line for f in lint_texts([("p.yaml", text)]).findings if f.rule == RULE]


def test_a_static_pod_s_host_path_is_persistent() -> None:
    assert (
        rule_lines(STATIC_ETCD.format(namespace="kube-system", source="hostPath: {path: /x}")) == []
    )
    # The same Pod elsewhere may move: its hostPath is not persistent storage.
    assert rule_lines(STATIC_ETCD.format(namespace="etcd", source="hostPath: {path: /x}")) == [10]
    # A static pod's emptyDir is still lost with the pod.
    assert rule_lines(STATIC_ETCD.format(namespace="kube-system", source="emptyDir: {}")) == [10]


def test_cli_finds_a_wrapped_server_and_not_a_wrapped_client(tmp_path: Path) -> None:
    write_repo(tmp_path, {"minio.yaml": MINIO_WRAPPED, "crdb.yaml": CRDB_CLIENT})
    found = [
        (f["file"], f["line"], f["message"])
        for f in lint_json(".", cwd=tmp_path)["findings"]
        if f["rule"] == RULE
    ]
    assert found == [
        (
            "minio.yaml",
            16,
            "Container 'minio' of Deployment default/objects runs minio but mounts no volume "
            "backed by a PersistentVolumeClaim, only 'data' (emptyDir): its data is lost when "
            "the pod is replaced.",
        )
    ]

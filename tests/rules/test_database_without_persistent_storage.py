"""database-without-persistent-storage: its message, the configurable stateful image list,
and databases it leaves alone."""

from __future__ import annotations

from helpers import lint_manifests, rule_findings, run_check

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

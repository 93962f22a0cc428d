"""stateful-image-in-deployment: which container it names and where, and containers of a
database image that run a client instead.

stateful-image-in-deployment (catalog revision 3): the server container is found through
shell wrappers and per-architecture image names.
"""

from __future__ import annotations

import pytest
from helpers import DATABASE_RULES, rule_findings, rules_found

from kslint.pipeline import lint_texts

RULE = "stateful-image-in-deployment"

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata: {{name: db}}
spec:
  selector: {{matchLabels: {{app: db}}}}
  template:
    metadata: {{labels: {{app: db}}}}
    spec:
      containers:
        - name: server
          image: {image}
          command: {command}
          volumeMounts: [{{name: data, mountPath: /data}}]
      volumes:
        - {{name: data, persistentVolumeClaim: {{claimName: data}}}}
"""


def test_stateful_image_in_deployment_points_at_the_server_on_the_claim() -> None:
    [finding] = rule_findings(
        "stateful-image-in-deployment",
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
    )
    assert (finding.span.line, finding.span.column) == (13, 18)
    assert "runs postgresql (container 'main-db')" in finding.message
    assert [r.message for r in finding.related] == [
        "PersistentVolumeClaim default/app-db holds the data of Deployment default/app"
    ]


SLEEPING_MYSQL = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: mysql-toolbox
spec:
  strategy: {{type: Recreate}}
  selector:
    matchLabels: {{app: mysql-toolbox}}
  template:
    metadata:
      labels: {{app: mysql-toolbox}}
    spec:
      containers:
        - name: toolbox
          image: mysql:8.4
{command}          volumeMounts:
            - {{name: dumps, mountPath: /dumps}}
      volumes:
        - name: dumps
          persistentVolumeClaim: {{claimName: dumps}}
"""


def test_mysql_container_whose_command_is_sleep() -> None:
    sleeping = rules_found(SLEEPING_MYSQL.format(command="          command: [sleep, infinity]\n"))
    assert not sleeping & DATABASE_RULES
    # args alone never make a client: the image's entrypoint still starts mysqld.
    with_args = rules_found(
        SLEEPING_MYSQL.format(command="          args: [--max-connections=50]\n")
    )
    assert "stateful-image-in-deployment" in with_args


def hits(image: str, command: str) -> list[tuple[int, str]]:
    text = DEPLOYMENT.format(image=image, command=command)
    result = lint_texts([("d.yaml", text)])
    return [(f.span.line, f.message) for f in result.findings if f.rule == RULE]


@pytest.mark.parametrize(
    ("image", "command"),
    [
        ("minio/minio", '[sh, -c, "exec minio server /data"]'),
        ("k8s.gcr.io/etcd-amd64:3.2.18", "[etcd]"),
        ("postgres-ppc64le:16", "null"),
        ("cockroachdb/cockroach", '[/bin/bash, -c, "exec cockroach start-single-node"]'),
    ],
)
def test_wrapped_and_per_architecture_servers_fire(image: str, command: str) -> None:
    ((line, message),) = hits(image, command)
    assert line == 11
    assert message.startswith("Deployment default/db runs ")


@pytest.mark.parametrize(
    ("image", "command"),
    [
        ("minio/minio", '[sh, -c, "minio-client mirror /data s3/backup"]'),
        ("cockroachdb/cockroach", "[sh, -c, \"cockroach sql --insecure -e 'select 1'\"]"),
        ("k8s.gcr.io/etcd-amd64:3.2.18", "[etcdctl, snapshot, save, /data/s.db]"),
        ("example/etcd-amd64x", "null"),
    ],
)
def test_wrapped_clients_and_look_alikes_do_not_fire(image: str, command: str) -> None:
    assert hits(image, command) == []

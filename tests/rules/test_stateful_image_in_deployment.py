"""stateful-image-in-deployment: which container it names and where, and containers of a
database image that run a client instead."""

from __future__ import annotations

from helpers import DATABASE_RULES, rule_findings, rules_found


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

"""Near-misses of the rules of families A-D: manifests that look like a finding and are
not one. Each must stay silent; where it helps, a control shows the same manifest with
the one difference that matters does fire, so silence is not an accident of loading."""

from __future__ import annotations

from textwrap import dedent

from kslint.pipeline import LintResult, lint_texts


def lint(text: str) -> LintResult:
    result = lint_texts([("manifest.yaml", dedent(text))])
    crashes = [f for f in result.findings if f.rule == "internal-error"]
    assert not crashes, crashes
    return result


def rules(result: LintResult) -> set[str]:
    return {finding.rule for finding in result.findings}


HOST_PATH = """\
apiVersion: apps/v1
kind: {kind}
metadata:
  name: node-agent
spec:
  selector:
    matchLabels: {{app: node-agent}}
  template:
    metadata:
      labels: {{app: node-agent}}
    spec:
      containers:
        - name: agent
          image: example/node-agent:1.0
          volumeMounts:
            - {{name: logs, mountPath: /var/log}}
      volumes:
        - name: logs
          hostPath: {{path: /var/log}}
"""


def test_daemonset_with_host_path() -> None:
    assert "pod-host-path-volume" not in rules(lint(HOST_PATH.format(kind="DaemonSet")))
    assert "pod-host-path-volume" in rules(lint(HOST_PATH.format(kind="Deployment")))


SHARED_CLAIM = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels: {{app: web}}
  template:
    metadata:
      labels: {{app: web}}
    spec:
      containers:
        - name: web
          image: example/web:5.0
          volumeMounts:
            - {{name: media, mountPath: /srv/media}}
      volumes:
        - name: media
          persistentVolumeClaim: {{claimName: media}}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: media
spec:
  accessModes: [{mode}]
  storageClassName: files
  resources:
    requests: {{storage: 10Gi}}
"""


def test_read_write_many_claim_shared_by_deployment_replicas() -> None:
    found = rules(lint(SHARED_CLAIM.format(mode="ReadWriteMany")))
    assert not found & {
        "deployment-shared-rwo-pvc",
        "deployment-rwo-rolling-update",
        "pvc-shared-across-workloads",
    }
    assert "deployment-shared-rwo-pvc" in rules(lint(SHARED_CLAIM.format(mode="ReadWriteOnce")))


ROLLING = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: single
spec:
  strategy:
    type: RollingUpdate
    rollingUpdate: {{maxSurge: {surge}, maxUnavailable: 1}}
  selector:
    matchLabels: {{app: single}}
  template:
    metadata:
      labels: {{app: single}}
    spec:
      containers:
        - name: app
          image: example/app:1.0
          volumeMounts:
            - {{name: data, mountPath: /data}}
      volumes:
        - name: data
          persistentVolumeClaim: {{claimName: single}}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: single
spec:
  accessModes: [ReadWriteOnce]
  storageClassName: disks
  resources:
    requests: {{storage: 1Gi}}
"""


def test_rolling_update_with_max_surge_zero() -> None:
    for surge in ("0", '"0%"'):
        assert "deployment-rwo-rolling-update" not in rules(lint(ROLLING.format(surge=surge)))
    assert "deployment-rwo-rolling-update" in rules(lint(ROLLING.format(surge=1)))


PLACEHOLDER_REPLICAS = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: "{{ .Values.replicaCount }}"
  strategy: {type: Recreate}
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: example/web:5.0
          volumeMounts:
            - {name: data, mountPath: /data}
      volumes:
        - name: data
          persistentVolumeClaim: {claimName: web}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: web
spec:
  accessModes: [ReadWriteOnce]
  storageClassName: disks
  resources:
    requests: {storage: 1Gi}
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: etcd
spec:
  serviceName: etcd
  replicas: ${ETCD_REPLICAS}
  selector:
    matchLabels: {app: etcd}
  template:
    metadata:
      labels: {app: etcd}
    spec:
      containers:
        - name: etcd
          image: quay.io/coreos/etcd:v3.5.13
          volumeMounts:
            - {name: data, mountPath: /var/run/etcd}
  volumeClaimTemplates:
    - metadata: {name: data}
      spec:
        accessModes: [ReadWriteOnce]
        storageClassName: disks
        resources:
          requests: {storage: 8Gi}
"""


def test_replica_count_that_is_a_template_placeholder() -> None:
    result = lint(PLACEHOLDER_REPLICAS)
    assert result.objects == 3
    assert not rules(result) & {"deployment-shared-rwo-pvc", "statefulset-missing-pdb"}


BACKUP_CRONJOB = """\
apiVersion: batch/v1
kind: CronJob
metadata:
  name: pg-backup
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
            - name: dump
              image: postgres:16
              command: [pg_dump, --host=orders-db, --file=/backup/orders.sql, orders]
              volumeMounts:
                - {name: backup, mountPath: /backup}
          volumes:
            - name: backup
              persistentVolumeClaim: {claimName: pg-backup}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: pg-backup
spec:
  accessModes: [ReadWriteOnce]
  storageClassName: scratch
  resources:
    requests: {storage: 5Gi}
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: scratch
provisioner: ebs.csi.aws.com
reclaimPolicy: Delete
volumeBindingMode: WaitForFirstConsumer
"""

DATABASE_RULES = {
    "database-without-persistent-storage",
    "stateful-image-in-deployment",
    "stateful-claim-delete-reclaim",
}


def test_postgres_image_in_a_cronjob_running_pg_dump() -> None:
    result = lint(BACKUP_CRONJOB)
    assert result.objects == 3
    assert not rules(result) & DATABASE_RULES


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
    sleeping = lint(SLEEPING_MYSQL.format(command="          command: [sleep, infinity]\n"))
    assert not rules(sleeping) & DATABASE_RULES
    # args alone never make a client: the image's entrypoint still starts mysqld.
    with_args = lint(SLEEPING_MYSQL.format(command="          args: [--max-connections=50]\n"))
    assert "stateful-image-in-deployment" in rules(with_args)


def test_redis_statefulset_without_storage() -> None:
    result = lint(
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
    assert "database-without-persistent-storage" not in rules(result)


def test_statefulset_pod_volume_named_like_its_claim_template() -> None:
    result = lint(
        """\
        apiVersion: apps/v1
        kind: StatefulSet
        metadata:
          name: pg
        spec:
          serviceName: pg
          selector:
            matchLabels: {app: pg}
          template:
            metadata:
              labels: {app: pg}
            spec:
              containers:
                - name: postgres
                  image: postgres:16
                  volumeMounts:
                    - {name: data, mountPath: /var/lib/postgresql/data}
              volumes:
                - name: data
                  hostPath: {path: /srv/pg}
                - name: data2
                  persistentVolumeClaim: {claimName: data2}
          volumeClaimTemplates:
            - metadata: {name: data}
              spec:
                accessModes: [ReadWriteOnce]
                storageClassName: disks
                resources:
                  requests: {storage: 8Gi}
            - metadata: {name: data2}
              spec:
                accessModes: [ReadWriteOnce]
                storageClassName: disks
                resources:
                  requests: {storage: 8Gi}
        """
    )
    assert result.objects == 1
    assert not rules(result) & {
        "pod-host-path-volume",
        "statefulset-shared-pvc",
        "volume-mount-undefined",
        "database-without-persistent-storage",
        "pvc-not-found",
    }
    # The template `data2` is shadowed by nothing a container mounts: it is unused.
    assert [
        f.span.line for f in result.findings if f.rule == "statefulset-claim-template-unused"
    ] == [30]


def test_custom_resources_that_embed_pod_and_claim_fields() -> None:
    result = lint(
        """\
        apiVersion: monitoring.coreos.com/v1
        kind: Prometheus
        metadata:
          name: k8s
        spec:
          replicas: 2
          containers:
            - name: prometheus
              volumeMounts:
                - {name: not-defined-here, mountPath: /prometheus}
          volumes:
            - name: host
              hostPath: {path: /srv/prometheus}
          storage:
            volumeClaimTemplate:
              spec:
                accessModes: [ReadWriteOnce]
                storageClassName: fast-delete
        ---
        apiVersion: acid.zalan.do/v1
        kind: postgresql
        metadata:
          name: acid-minimal-cluster
        spec:
          teamId: acid
          numberOfInstances: 2
          volume: {size: 1Gi, storageClass: fast-delete}
          postgresql: {version: "16"}
          sidecars:
            - name: exporter
              image: postgres:16
        ---
        apiVersion: ceph.rook.io/v1
        kind: CephCluster
        metadata:
          name: rook-ceph
        spec:
          dataDirHostPath: /var/lib/rook
          storage:
            storageClassDeviceSets:
              - name: set1
                count: 3
                volumeClaimTemplates:
                  - spec:
                      accessModes: [ReadWriteOnce]
                      storageClassName: fast-delete
        ---
        apiVersion: storage.k8s.io/v1
        kind: StorageClass
        metadata:
          name: fast-delete
        provisioner: ebs.csi.aws.com
        reclaimPolicy: Delete
        volumeBindingMode: WaitForFirstConsumer
        """
    )
    assert result.objects == 4
    assert result.findings == []

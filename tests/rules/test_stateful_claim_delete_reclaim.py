"""stateful-claim-delete-reclaim: where it points, what it relates, and the claims and
classes it leaves alone."""

from __future__ import annotations

from helpers import DATABASE_RULES, lint_manifests, rule_findings
from manifests import CLAIM, STATEFULSET

RULE = "stateful-claim-delete-reclaim"

DELETE_CLASS = """\
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: disks
provisioner: ebs.csi.aws.com
reclaimPolicy: {policy}
volumeBindingMode: WaitForFirstConsumer
"""


def test_stateful_claim_delete_reclaim_on_a_pvc_names_class_and_users() -> None:
    text = STATEFULSET.format(replicas=1) + CLAIM.format(mode="ReadWriteOnce")
    [finding] = rule_findings(RULE, text + DELETE_CLASS.format(policy="Delete"))
    assert str(finding.obj) == "PersistentVolumeClaim data/db-data"
    assert (finding.span.line, finding.span.column) == (31, 21)  # storageClassName value
    assert sorted(r.message for r in finding.related) == [
        "StatefulSet data/db uses PersistentVolumeClaim data/db-data",
        "StorageClass disks has reclaimPolicy: Delete",
    ]
    for policy in ("Retain", "delete-later"):
        assert rule_findings(RULE, text + DELETE_CLASS.format(policy=policy)) == []


def test_stateful_claim_delete_reclaim_skips_a_claim_bound_to_a_named_volume() -> None:
    text = (
        STATEFULSET.format(replicas=1)
        + CLAIM.format(mode="ReadWriteOnce").replace(
            "storageClassName: disks", "storageClassName: disks\n  volumeName: pv-1"
        )
        + DELETE_CLASS.format(policy="Delete")
    )
    assert rule_findings(RULE, text) == []


def test_stateful_claim_delete_reclaim_ignores_an_implicit_delete() -> None:
    text = STATEFULSET.format(replicas=1) + CLAIM.format(mode="ReadWriteOnce")
    implicit = DELETE_CLASS.format(policy="Delete").replace("reclaimPolicy: Delete\n", "")
    assert rule_findings(RULE, text + implicit) == []


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


def test_postgres_image_in_a_cronjob_running_pg_dump() -> None:
    """A database client on a Delete-class claim: no database rule fires."""
    result = lint_manifests(BACKUP_CRONJOB)
    assert result.objects == 3
    assert not {finding.rule for finding in result.findings} & DATABASE_RULES

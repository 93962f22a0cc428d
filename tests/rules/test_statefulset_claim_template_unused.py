"""statefulset-claim-template-unused: a pod volume named like a claim template is replaced
by it (so no other rule reads the pod volume); a template nothing mounts is unused."""

from __future__ import annotations

from helpers import lint_manifests


def test_statefulset_pod_volume_named_like_its_claim_template() -> None:
    result = lint_manifests(
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
    assert not {finding.rule for finding in result.findings} & {
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

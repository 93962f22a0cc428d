"""deployment-rwo-rolling-update: a rolling update that never surges is no problem."""

from __future__ import annotations

from helpers import rules_found

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
        assert "deployment-rwo-rolling-update" not in rules_found(ROLLING.format(surge=surge))
    assert "deployment-rwo-rolling-update" in rules_found(ROLLING.format(surge=1))

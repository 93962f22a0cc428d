"""Manifests that several test modules use: one copy each, so an edit to one reaches them all.

Templates are ``str.format`` strings (doubled braces are YAML flow braces); builders are
functions. Positions asserted by tests depend on these texts: change a line here and run the
whole suite.
"""

from __future__ import annotations

# A Deployment mounting one hostPath volume: one pod-host-path-volume finding, at line 17
# (the ``hostPath`` key), and nothing else.
HOST_PATH_DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: cache
spec:
  selector:
    matchLabels: {app: cache}
  template:
    metadata:
      labels: {app: cache}
    spec:
      containers:
        - {name: cache, image: "example/cache:1.0",
           volumeMounts: [{name: data, mountPath: /data}]}
      volumes:
        - name: data
          hostPath:
            path: /srv/cache
"""

# A MySQL StatefulSet in namespace data mounting the claim db-data (template: replicas).
STATEFULSET = """\
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
  namespace: data
spec:
  serviceName: db
  replicas: {replicas}
  selector:
    matchLabels: {{app: db}}
  template:
    metadata:
      labels: {{app: db}}
    spec:
      containers:
        - name: mysql
          image: mysql:8.4
          volumeMounts:
            - {{name: data, mountPath: /var/lib/mysql}}
      volumes:
        - name: data
          persistentVolumeClaim: {{claimName: db-data}}
"""

# The claim db-data of STATEFULSET, a document to append to it (template: access mode).
CLAIM = """\
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: db-data
  namespace: data
spec:
  accessModes: [{mode}]
  storageClassName: disks
  resources:
    requests: {{storage: 1Gi}}
"""

# An autoscaler raising STATEFULSET to 5 replicas, a document to append to it.
HPA = """\
---
apiVersion: autoscaling/v2beta2
kind: HorizontalPodAutoscaler
metadata:
  name: db
  namespace: data
spec:
  scaleTargetRef: {kind: StatefulSet, name: db}
  maxReplicas: 5
"""

# An EBS StorageClass gp3 (block storage: no ReadWriteMany) that keeps its volumes.
EBS = """\
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: gp3
provisioner: ebs.csi.aws.com
reclaimPolicy: Retain
volumeBindingMode: WaitForFirstConsumer
"""

# An NFS PersistentVolume nfs-share without a storage class.
CLASSLESS_PV = """\
apiVersion: v1
kind: PersistentVolume
metadata:
  name: nfs-share
spec:
  capacity: {storage: 100Gi}
  accessModes: [ReadWriteMany]
  persistentVolumeReclaimPolicy: Retain
  nfs: {server: 10.0.0.5, path: /exports/share}
"""

# An EBS StorageClass (template: name).
STORAGE_CLASS = """\
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: {name}
provisioner: ebs.csi.aws.com
reclaimPolicy: Retain
"""

# A spec line for ``pv``/``pvc``: an explicitly empty class (static binding only).
EMPTY_CLASS = '  storageClassName: ""\n'


def pv(extra: str = "", capacity: str = "10Gi", modes: str = "[ReadWriteOnce]") -> str:
    """The NFS PersistentVolume vol labelled zone=a; ``extra``: spec lines before ``nfs``."""
    return f"""\
apiVersion: v1
kind: PersistentVolume
metadata:
  name: vol
  labels: {{zone: a}}
spec:
  capacity: {{storage: {capacity}}}
  accessModes: {modes}
  persistentVolumeReclaimPolicy: Retain
{extra}  nfs: {{server: nfs, path: /x}}
"""


def pvc(extra: str = "", request: str = "10Gi", modes: str = "[ReadWriteOnce]") -> str:
    """The claim default/data; ``extra``: spec lines before ``accessModes`` (line 5 on)."""
    return f"""\
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: data
spec:
{extra}  accessModes: {modes}
  resources: {{requests: {{storage: {request}}}}}
"""

"""kslint fix, rule by rule: each fixable rule's before and after files compared byte for
byte, in block and flow style, with comments around the edit, and each written with LF,
CRLF line endings and a UTF-8 byte-order mark. Every case is also idempotent (a second
run changes nothing) and the fixed finding is gone from a new lint.

The fix loop runs in-process (``kslint.fix.run``) on real files; test_fix_cli.py covers
the command line.
"""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from kslint.config import Overrides, resolve
from kslint.fix.run import WriteError, run_fixes, write
from kslint.pipeline import LintOptions, lint

PVC = """\
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: data
spec:
  accessModes: [ReadWriteOnce]
  resources:
    requests:
      storage: 1Gi
---
"""

# name: (rule, unsafe fixes allowed, before, after)
CASES: dict[str, tuple[str, bool, str, str]] = {
    "rolling-block-no-strategy": (
        "deployment-rwo-rolling-update",
        False,
        PVC
        + """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
spec:
  replicas: 1 # just one
  # the pods
  selector:
    matchLabels: {app: app}
  template:
    metadata:
      labels: {app: app}
    spec:
      containers:
        - name: app
          image: nginx
      volumes:
        - name: data
          persistentVolumeClaim: {claimName: data}
""",
        PVC
        + """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
spec:
  replicas: 1 # just one
  strategy:
    rollingUpdate:
      maxSurge: 0
      maxUnavailable: 1
  # the pods
  selector:
    matchLabels: {app: app}
  template:
    metadata:
      labels: {app: app}
    spec:
      containers:
        - name: app
          image: nginx
      volumes:
        - name: data
          persistentVolumeClaim: {claimName: data}
""",
    ),
    "rolling-four-spaces-surge": (
        "deployment-rwo-rolling-update",
        False,
        PVC
        + """\
apiVersion: apps/v1
kind: Deployment
metadata:
    name: app
spec:
    strategy:
        type: RollingUpdate
        rollingUpdate:
            maxSurge: 1   # one extra pod
            maxUnavailable: 0
    selector:
        matchLabels: {app: app}
    template:
        metadata:
            labels: {app: app}
        spec:
            containers:
            - name: app
              image: nginx
            volumes:
            - name: data
              persistentVolumeClaim: {claimName: data}
""",
        PVC
        + """\
apiVersion: apps/v1
kind: Deployment
metadata:
    name: app
spec:
    strategy:
        type: RollingUpdate
        rollingUpdate:
            maxSurge: 0   # one extra pod
            maxUnavailable: 1
    selector:
        matchLabels: {app: app}
    template:
        metadata:
            labels: {app: app}
        spec:
            containers:
            - name: app
              image: nginx
            volumes:
            - name: data
              persistentVolumeClaim: {claimName: data}
""",
    ),
    "rolling-flow-strategy": (
        "deployment-rwo-rolling-update",
        False,
        PVC
        + """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: app}
spec:
  strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 25%}}  # default-ish
  selector: {matchLabels: {app: app}}
  template:
    metadata: {labels: {app: app}}
    spec:
      containers: [{name: app, image: nginx}]
      volumes: [{name: data, persistentVolumeClaim: {claimName: data}}]
""",
        PVC
        + """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: app}
spec:
  strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 0, maxUnavailable: 1}}  # default-ish
  selector: {matchLabels: {app: app}}
  template:
    metadata: {labels: {app: app}}
    spec:
      containers: [{name: app, image: nginx}]
      volumes: [{name: data, persistentVolumeClaim: {claimName: data}}]
""",
    ),
    "rolling-no-inline-entry": (
        "deployment-rwo-rolling-update",
        False,
        PVC
        + """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
spec:
  selector:
    matchLabels:
      app: app
  template:
    metadata:
      labels:
        app: app
    spec:
      containers:
      - name: app
        image: nginx
      volumes:
      - name: data
        persistentVolumeClaim:
          claimName: data
""",
        PVC
        + """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
spec:
  strategy:
    rollingUpdate:
      maxSurge: 0
      maxUnavailable: 1
  selector:
    matchLabels:
      app: app
  template:
    metadata:
      labels:
        app: app
    spec:
      containers:
      - name: app
        image: nginx
      volumes:
      - name: data
        persistentVolumeClaim:
          claimName: data
""",
    ),
    "headless-replace": (
        "statefulset-service-not-headless",
        True,
        """\
apiVersion: v1
kind: Service
metadata:
  name: db
spec:
  clusterIP: 10.0.0.5  # pinned
  selector:
    app: db
  ports:
    - port: 5432
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  serviceName: db
  selector:
    matchLabels: {app: db}
  template:
    metadata:
      labels: {app: db}
    spec:
      containers:
        - name: db
          image: busybox
""",
        """\
apiVersion: v1
kind: Service
metadata:
  name: db
spec:
  clusterIP: None  # pinned
  selector:
    app: db
  ports:
    - port: 5432
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  serviceName: db
  selector:
    matchLabels: {app: db}
  template:
    metadata:
      labels: {app: db}
    spec:
      containers:
        - name: db
          image: busybox
""",
    ),
    "headless-insert": (
        "statefulset-service-not-headless",
        True,
        """\
apiVersion: v1
kind: Service
metadata:
  name: db
spec:
  type: ClusterIP
  selector:
    app: db
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  serviceName: db
  selector:
    matchLabels: {app: db}
  template:
    metadata:
      labels: {app: db}
    spec:
      containers:
        - name: db
          image: busybox
""",
        """\
apiVersion: v1
kind: Service
metadata:
  name: db
spec:
  type: ClusterIP
  clusterIP: None
  selector:
    app: db
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  serviceName: db
  selector:
    matchLabels: {app: db}
  template:
    metadata:
      labels: {app: db}
    spec:
      containers:
        - name: db
          image: busybox
""",
    ),
    "pv-missing-block": (
        "pv-missing-reclaim-policy",
        False,
        """\
apiVersion: v1
kind: PersistentVolume
metadata:
  name: pv
spec:
  capacity:
    storage: 10Gi
  accessModes:
    - ReadWriteOnce
  storageClassName: ""   # static
  # the disk
  csi:
    driver: ebs.csi.aws.com
    volumeHandle: vol-1
""",
        """\
apiVersion: v1
kind: PersistentVolume
metadata:
  name: pv
spec:
  capacity:
    storage: 10Gi
  accessModes:
    - ReadWriteOnce
  storageClassName: ""   # static
  persistentVolumeReclaimPolicy: Retain
  # the disk
  csi:
    driver: ebs.csi.aws.com
    volumeHandle: vol-1
""",
    ),
    "pv-missing-flow": (
        "pv-missing-reclaim-policy",
        False,
        """\
apiVersion: v1
kind: PersistentVolume
metadata: {name: pv}
spec: {capacity: {storage: 10Gi}, accessModes: [ReadWriteOnce], csi: {driver: x, volumeHandle: y}}
""",
        """\
apiVersion: v1
kind: PersistentVolume
metadata: {name: pv}
spec: {capacity: {storage: 10Gi}, accessModes: [ReadWriteOnce], csi: {driver: x, volumeHandle: y}, persistentVolumeReclaimPolicy: Retain}
""",
    ),
    "pv-missing-json": (
        "pv-missing-reclaim-policy",
        False,
        """\
{
  "apiVersion": "v1",
  "kind": "PersistentVolume",
  "metadata": {"name": "pv"},
  "spec": {
    "capacity": {"storage": "10Gi"},
    "accessModes": ["ReadWriteOnce"],
    "csi": {"driver": "x", "volumeHandle": "y"}
  }
}
""",
        """\
{
  "apiVersion": "v1",
  "kind": "PersistentVolume",
  "metadata": {"name": "pv"},
  "spec": {
    "capacity": {"storage": "10Gi"},
    "accessModes": ["ReadWriteOnce"],
    "csi": {"driver": "x", "volumeHandle": "y"},
    "persistentVolumeReclaimPolicy": "Retain"
  }
}
""",
    ),
    "pv-recycle": (
        "pv-recycle-reclaim-policy",
        True,
        """\
apiVersion: v1
kind: PersistentVolume
metadata:
  name: pv
spec:
  persistentVolumeReclaimPolicy: "Recycle"  # scrubbed
  capacity:
    storage: 10Gi
  accessModes: [ReadWriteOnce]
  nfs: {server: nfs.local, path: /srv}
""",
        """\
apiVersion: v1
kind: PersistentVolume
metadata:
  name: pv
spec:
  persistentVolumeReclaimPolicy: "Retain"  # scrubbed
  capacity:
    storage: 10Gi
  accessModes: [ReadWriteOnce]
  nfs: {server: nfs.local, path: /srv}
""",
    ),
    "storageclass-reclaim": (
        "storageclass-missing-reclaim-policy",
        True,
        """\
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: fast
provisioner: ebs.csi.aws.com  # AWS
# parameters for gp3
parameters:
  type: gp3
""",
        """\
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: fast
provisioner: ebs.csi.aws.com  # AWS
reclaimPolicy: Retain
# parameters for gp3
parameters:
  type: gp3
""",
    ),
    "local-binding-insert": (
        "local-storage-immediate-binding",
        True,
        """\
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: local
provisioner: kubernetes.io/no-provisioner
reclaimPolicy: Retain
""",
        """\
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: local
provisioner: kubernetes.io/no-provisioner
reclaimPolicy: Retain
volumeBindingMode: WaitForFirstConsumer
""",
    ),
    "local-binding-replace": (
        "local-storage-immediate-binding",
        True,
        """\
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: local}
provisioner: kubernetes.io/no-provisioner
volumeBindingMode: Immediate # bind at once
""",
        """\
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: local}
provisioner: kubernetes.io/no-provisioner
volumeBindingMode: WaitForFirstConsumer # bind at once
""",
    ),
    "static-binding": (
        "pvc-volume-mismatch",
        True,
        """\
apiVersion: v1
kind: PersistentVolume
metadata:
  name: pv-1
spec:
  capacity: {storage: 5Gi}
  accessModes: [ReadWriteOnce]
  persistentVolumeReclaimPolicy: Retain
  hostPath: {path: /data}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: data
spec:
  volumeName: pv-1
  accessModes: [ReadWriteOnce]
  resources:
    requests:
      storage: 5Gi
""",
        """\
apiVersion: v1
kind: PersistentVolume
metadata:
  name: pv-1
spec:
  capacity: {storage: 5Gi}
  accessModes: [ReadWriteOnce]
  persistentVolumeReclaimPolicy: Retain
  hostPath: {path: /data}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: data
spec:
  volumeName: pv-1
  storageClassName: ""
  accessModes: [ReadWriteOnce]
  resources:
    requests:
      storage: 5Gi
""",
    ),
    "pdb-append": (
        "statefulset-missing-pdb",
        False,
        """\
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
  namespace: data
spec:
  serviceName: db-headless
  replicas: 3
  selector:
    matchLabels:
      app: db
      tier: data
  template:
    metadata:
      labels:
        app: db
        tier: data
    spec:
      containers:
        - name: db
          image: busybox
""",
        """\
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
  namespace: data
spec:
  serviceName: db-headless
  replicas: 3
  selector:
    matchLabels:
      app: db
      tier: data
  template:
    metadata:
      labels:
        app: db
        tier: data
    spec:
      containers:
        - name: db
          image: busybox
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: db
  namespace: data
spec:
  maxUnavailable: 1
  selector:
    matchLabels:
      app: db
      tier: data
""",
    ),
    "pdb-append-no-final-newline": (
        "statefulset-missing-pdb",
        False,
        "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: db\n  namespace: data\nspec:\n  serviceName: db-headless\n  replicas: 2\n  selector:\n    matchLabels:\n      app: db\n      tier: data\n  template:\n    metadata:\n      labels:\n        app: db\n        tier: data\n    spec:\n      containers:\n        - name: db\n          image: busybox",
        """\
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
  namespace: data
spec:
  serviceName: db-headless
  replicas: 2
  selector:
    matchLabels:
      app: db
      tier: data
  template:
    metadata:
      labels:
        app: db
        tier: data
    spec:
      containers:
        - name: db
          image: busybox
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: db
  namespace: data
spec:
  maxUnavailable: 1
  selector:
    matchLabels:
      app: db
      tier: data
""",
    ),
    "service-append": (
        "statefulset-service-not-found",
        False,
        """\
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
  namespace: data
spec:
  serviceName: db-headless
  replicas: 3
  selector:
    matchLabels:
      app: db
      tier: data
  template:
    metadata:
      labels:
        app: db
        tier: data
    spec:
      containers:
        - name: db
          image: busybox
""",
        """\
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
  namespace: data
spec:
  serviceName: db-headless
  replicas: 3
  selector:
    matchLabels:
      app: db
      tier: data
  template:
    metadata:
      labels:
        app: db
        tier: data
    spec:
      containers:
        - name: db
          image: busybox
---
apiVersion: v1
kind: Service
metadata:
  name: db-headless
  namespace: data
spec:
  clusterIP: None
  selector:
    app: db
    tier: data
""",
    ),
    "service-name-existing": (
        "statefulset-missing-service-name",
        True,
        """\
apiVersion: v1
kind: Service
metadata:
  name: db-peers
spec:
  clusterIP: None
  selector: {app: db}
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  replicas: 1
  selector:
    matchLabels: {app: db}
  template:
    metadata:
      labels: {app: db}
    spec:
      containers:
        - name: db
          image: busybox
""",
        """\
apiVersion: v1
kind: Service
metadata:
  name: db-peers
spec:
  clusterIP: None
  selector: {app: db}
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  replicas: 1
  serviceName: db-peers
  selector:
    matchLabels: {app: db}
  template:
    metadata:
      labels: {app: db}
    spec:
      containers:
        - name: db
          image: busybox
""",
    ),
    "service-name-new": (
        "statefulset-missing-service-name",
        True,
        """\
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  serviceName: ""
  selector:
    matchLabels: {app: db}
  template:
    metadata:
      labels: {app: db}
    spec:
      containers:
        - name: db
          image: busybox
""",
        """\
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  serviceName: "db"
  selector:
    matchLabels: {app: db}
  template:
    metadata:
      labels: {app: db}
    spec:
      containers:
        - name: db
          image: busybox
---
apiVersion: v1
kind: Service
metadata:
  name: db
spec:
  clusterIP: None
  selector:
    app: db
""",
    ),
    "retention": (
        "statefulset-pvc-retention-delete",
        True,
        """\
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  serviceName: db
  persistentVolumeClaimRetentionPolicy: {whenDeleted: Delete, whenScaled: Delete}
  selector:
    matchLabels: {app: db}
  template:
    metadata:
      labels: {app: db}
    spec:
      containers:
        - name: db
          image: busybox
""",
        """\
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  serviceName: db
  persistentVolumeClaimRetentionPolicy: {whenDeleted: Retain, whenScaled: Retain}
  selector:
    matchLabels: {app: db}
  template:
    metadata:
      labels: {app: db}
    spec:
      containers:
        - name: db
          image: busybox
""",
    ),
}

ENCODINGS = {
    "lf": lambda text: text.encode("utf-8"),
    "crlf": lambda text: text.replace("\n", "\r\n").encode("utf-8"),
    "bom": lambda text: codecs.BOM_UTF8 + text.encode("utf-8"),
    "bom-crlf": lambda text: codecs.BOM_UTF8 + text.replace("\n", "\r\n").encode("utf-8"),
}


def _options(path: str, rule: str) -> LintOptions:
    config, rules = resolve(None, no_config=True, overrides=Overrides(select=(rule,)))
    return LintOptions(paths=[path], config=config, rules=rules)


def _write_case(tmp_path: Path, case: str, encoding: str) -> str:
    before = CASES[case][2]
    name = "manifest.json" if before.startswith("{") else "manifest.yaml"
    (tmp_path / name).write_bytes(ENCODINGS[encoding](before))
    return name


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("case", CASES)
def test_fix_writes_exactly_the_expected_bytes(
    case: str, encoding: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rule, unsafe, _, after = CASES[case]
    monkeypatch.chdir(tmp_path)
    name = _write_case(tmp_path, case, encoding)
    run = run_fixes(_options(name, rule), unsafe=unsafe)
    assert run.applied and {item.finding.rule for item in run.applied} == {rule}
    assert not run.failures
    assert write(run) == [name]
    assert (tmp_path / name).read_bytes() == ENCODINGS[encoding](after)

    again = run_fixes(_options(name, rule), unsafe=unsafe)  # idempotent
    assert again.applied == [] and again.changed == []
    assert [f for f in lint(_options(name, rule)).findings if f.rule == rule] == []


UNSAFE = [case for case, (_, unsafe, _, _) in CASES.items() if unsafe]


@pytest.mark.parametrize("case", UNSAFE)
def test_unsafe_fixes_wait_for_the_flag(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rule = CASES[case][0]
    monkeypatch.chdir(tmp_path)
    name = _write_case(tmp_path, case, "lf")
    run = run_fixes(_options(name, rule), unsafe=False)
    assert run.applied == [] and run.changed == []
    assert write(run) == []
    assert (tmp_path / name).read_text() == CASES[case][2]
    assert [r.finding.rule for r in run.remaining if r.needs_unsafe] == [rule] * len(run.remaining)


def test_a_file_changed_since_it_was_read_is_not_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    name = _write_case(tmp_path, "pv-missing-block", "lf")
    run = run_fixes(_options(name, "pv-missing-reclaim-policy"))
    (tmp_path / name).write_text("# edited meanwhile\n")
    with pytest.raises(WriteError, match="changed while kslint was fixing it; not written"):
        write(run)
    assert (tmp_path / name).read_text() == "# edited meanwhile\n"


def test_a_symlink_stays_a_link(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    name = _write_case(tmp_path, "pv-missing-block", "lf")
    (tmp_path / "link.yaml").symlink_to(name)
    run = run_fixes(_options("link.yaml", "pv-missing-reclaim-policy"))
    assert write(run) == ["link.yaml"]
    assert (tmp_path / "link.yaml").is_symlink()
    assert (tmp_path / name).read_text() == CASES["pv-missing-block"][3]

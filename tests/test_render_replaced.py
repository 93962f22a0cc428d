"""Nodes a patch replaced or deleted, rendered by the real kustomize. A strategic merge
patch replaces a list whose items have no merge key (``volumeClaimTemplates``,
``accessModes``) and every list of a custom resource, so what the base wrote there is gone
and a finding there points at the patch; a finding that already points into a patch shows
no related locations for the nodes around it there; a key a JSON 6902 ``remove`` or a
``$patch: delete`` took out shows where the finding points at the mapping that held it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from helpers import lint_json, write_repo

BASE = {
    "base/kustomization.yaml": "resources: [db.yaml, service.yaml]\n",
    "base/db.yaml": """\
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
                  image: postgres:16
                  volumeMounts:
                    - name: data
                      mountPath: /var/lib/postgresql/data
          volumeClaimTemplates:
            - metadata:
                name: data
              spec:
                accessModes: [ReadWriteOnce]
                storageClassName: fast
                resources:
                  requests:
                    storage: 10Gi
        """,
    "base/service.yaml": """\
        apiVersion: v1
        kind: Service
        metadata:
          name: db
        spec:
          clusterIP: None
          selector: {app: db}
          ports: [{port: 5432}]
        """,
}


def _findings(files: dict[str, str], cwd: Path, rule: str) -> list[dict[str, Any]]:
    root = write_repo(cwd, {**BASE, **files})
    return [f for f in lint_json(".", cwd=root)["findings"] if f["rule"] == rule]


def _at(item: dict[str, Any]) -> str:
    return f"{item['file']}:{item['line']}:{item['column']}"


def test_a_replaced_claim_template_points_at_the_patch(tmp_path: Path) -> None:
    """The patch's claim template replaces the base's: its storageClassName is gone, and
    base/db.yaml still shows `storageClassName: fast`, so the finding must not point there."""
    [finding] = _findings(
        {
            "overlays/prod/kustomization.yaml": """\
                resources: [../../base]
                patches:
                  - path: bigger.yaml
                """,
            "overlays/prod/bigger.yaml": """\
                apiVersion: apps/v1
                kind: StatefulSet
                metadata:
                  name: db
                spec:
                  volumeClaimTemplates:
                    - metadata:
                        name: data
                      spec:
                        resources:
                          requests:
                            storage: 50Gi
                """,
        },
        tmp_path,
        "pvc-without-storage-class",
    )
    assert _at(finding) == "overlays/prod/bigger.yaml:9:7"  # the template's spec:
    assert finding["related"] == []  # (the nodes around it are that patch's own)


def test_a_json_patch_finding_has_no_related_locations_in_its_own_patch(
    tmp_path: Path,
) -> None:
    [finding] = _findings(
        {
            "overlays/prod/kustomization.yaml": """\
                resources: [../../base]
                patches:
                  - target: {kind: StatefulSet, name: db}
                    patch: |-
                      - op: add
                        path: /spec/template/spec/volumes
                        value:
                          - name: backup
                            nfs: {server: nfs.local, path: /exports}
                """,
        },
        tmp_path,
        "pod-inline-persistent-volume",
    )
    assert _at(finding) == "overlays/prod/kustomization.yaml:9:13"  # nfs:
    assert finding["related"] == []


RWX = {
    "base/kustomization.yaml": "resources: [web.yaml, claim.yaml]\n",
    "base/web.yaml": """\
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        spec:
          replicas: 3
          strategy: {type: Recreate}
          selector:
            matchLabels: {app: web}
          template:
            metadata:
              labels: {app: web}
            spec:
              containers:
                - name: web
                  image: example/web:1
                  volumeMounts: [{name: files, mountPath: /srv}]
              volumes:
                - name: files
                  persistentVolumeClaim:
                    claimName: files
        """,
    "base/claim.yaml": """\
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata:
          name: files
        spec:
          accessModes: [ReadWriteMany]
          storageClassName: nfs
          resources:
            requests:
              storage: 1Gi
        """,
}


def _made_rwo(files: dict[str, str], cwd: Path) -> list[tuple[str, str]]:
    """The related locations of the shared-claim finding, once an overlay makes the base's
    ReadWriteMany claim ReadWriteOnce."""
    root = write_repo(cwd, {**RWX, **files})
    report = lint_json(".", cwd=root)
    [finding] = [f for f in report["findings"] if f["rule"] == "deployment-shared-rwo-pvc"]
    assert _at(finding) == "base/web.yaml:21:24"  # claimName: files
    return [(_at(r), r["message"]) for r in finding["related"]]


def test_a_replaced_scalar_list_points_at_the_patch(tmp_path: Path) -> None:
    """The related location saying the claim is ReadWriteOnce must be the patch's line,
    not the base's (which says ReadWriteMany), and only once."""
    related = _made_rwo(
        {
            "overlays/prod/kustomization.yaml": "resources: [../../base]\npatches:\n  - path: rwo.yaml\n",
            "overlays/prod/rwo.yaml": """\
                apiVersion: v1
                kind: PersistentVolumeClaim
                metadata:
                  name: files
                spec:
                  accessModes:
                    - ReadWriteOnce
                """,
        },
        tmp_path,
    )
    assert related == [
        ("overlays/prod/rwo.yaml:6:3", "PersistentVolumeClaim default/files is ReadWriteOnce")
    ]


def test_a_list_whose_every_item_a_json_patch_set_points_at_the_patch(tmp_path: Path) -> None:
    related = _made_rwo(
        {
            "overlays/prod/kustomization.yaml": """\
                resources: [../../base]
                patches:
                  - target: {kind: PersistentVolumeClaim, name: files}
                    patch: |-
                      - op: replace
                        path: /spec/accessModes/0
                        value: ReadWriteOnce
                """,
        },
        tmp_path,
    )
    assert related == [
        (
            "overlays/prod/kustomization.yaml:7:9",  # value: ReadWriteOnce
            "PersistentVolumeClaim default/files is ReadWriteOnce",
        )
    ]


RECREATE = {
    "base/kustomization.yaml": "resources: [db.yaml, claim.yaml]\n",
    "base/db.yaml": """\
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: db
        spec:
          strategy:
            type: Recreate
          selector:
            matchLabels: {app: db}
          template:
            metadata:
              labels: {app: db}
            spec:
              containers:
                - name: db
                  image: example/app:1
                  volumeMounts: [{name: data, mountPath: /data}]
              volumes:
                - name: data
                  persistentVolumeClaim:
                    claimName: data
        """,
    "base/claim.yaml": """\
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata:
          name: data
        spec:
          accessModes: [ReadWriteOnce]
          storageClassName: standard
          resources:
            requests:
              storage: 1Gi
        """,
}


def _rolling_update(files: dict[str, str], cwd: Path) -> dict[str, Any]:
    root = write_repo(cwd, {**RECREATE, **files})
    report = lint_json(".", cwd=root)
    [finding] = [f for f in report["findings"] if f["rule"] == "deployment-rwo-rolling-update"]
    # The base still shows `strategy: {type: Recreate}` under the line the finding points
    # at: the overlay line that removed it must be shown.
    assert _at(finding) == "base/db.yaml:5:1"  # spec:
    return finding


def test_a_json_remove_of_what_the_base_shows_is_a_related_location(tmp_path: Path) -> None:
    finding = _rolling_update(
        {
            "overlays/prod/kustomization.yaml": """\
                resources: [../../base]
                patches:
                  - target: {kind: Deployment, name: db}
                    patch: |-
                      - op: remove
                        path: /spec/strategy
                """,
        },
        tmp_path,
    )
    assert [(_at(r), r["message"]) for r in finding["related"]] == [
        ("base/claim.yaml:6:3", "PersistentVolumeClaim default/data is ReadWriteOnce"),
        (
            "overlays/prod/kustomization.yaml:6:9",  # path: /spec/strategy
            "strategy in spec of Deployment default/db is deleted by the inline patch in "
            "overlays/prod/kustomization.yaml",
        ),
    ]


def test_a_delete_directive_on_a_key_is_a_related_location(tmp_path: Path) -> None:
    finding = _rolling_update(
        {
            "overlays/prod/kustomization.yaml": "resources: [../../base]\npatches:\n  - path: p.yaml\n",
            "overlays/prod/p.yaml": """\
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: db
                spec:
                  strategy:
                    $patch: delete
                """,
        },
        tmp_path,
    )
    assert "overlays/prod/p.yaml:7:5" in [_at(r) for r in finding["related"]]  # $patch: delete


def test_a_patched_list_of_a_custom_resource_is_replaced_whole(tmp_path: Path) -> None:
    """kustomize knows no schema for custom resources: a strategic merge patch replaces
    their lists. The overlay scales the ECK nodeSet and, by replacing the list, drops its
    volumeClaimTemplates: the finding points at the overlay's nodeSet, not at the base's
    (which still shows its claim template with a class)."""
    root = write_repo(
        tmp_path,
        {
            "base/kustomization.yaml": "resources: [es.yaml]\n",
            "base/es.yaml": """\
                apiVersion: elasticsearch.k8s.elastic.co/v1
                kind: Elasticsearch
                metadata:
                  name: logs
                spec:
                  version: 8.15.0
                  nodeSets:
                    - name: default
                      count: 1
                      volumeClaimTemplates:
                        - metadata:
                            name: elasticsearch-data
                          spec:
                            accessModes: [ReadWriteOnce]
                            storageClassName: fast
                            resources:
                              requests:
                                storage: 50Gi
                """,
            "overlays/prod/kustomization.yaml": "resources: [../../base]\npatches:\n  - path: scale.yaml\n",
            "overlays/prod/scale.yaml": """\
                apiVersion: elasticsearch.k8s.elastic.co/v1
                kind: Elasticsearch
                metadata:
                  name: logs
                spec:
                  nodeSets:
                    - name: default
                      count: 3
                """,
        },
    )
    report = lint_json(".", cwd=root)
    [finding] = [f for f in report["findings"] if f["rule"] == "operator-storage-without-class"]
    assert "has no volumeClaimTemplates" in finding["message"]
    assert _at(finding) == "overlays/prod/scale.yaml:7:7"  # - name: default

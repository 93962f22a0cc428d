"""Which objects a kustomization's patches and fields name, as kustomize decides it
(checked against kustomize v5.5): a ``target`` selects by the original or current name
and namespace, a strategic merge patch without one by an identity the object has had, a
``replicas:`` entry by any name it has had. Real kustomize renders; the value each one
sets must show as a related location, and only on the object it was applied to."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from helpers import lint_json, write_repo

BASE = {
    "base/kustomization.yaml": """\
        resources: [db.yaml, claim.yaml]
        """,
    "base/db.yaml": """\
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: db
        spec:
          replicas: 1
          strategy: {type: Recreate}
          selector:
            matchLabels: {app: db}
          template:
            metadata:
              labels: {app: db}
            spec:
              containers:
                - name: app
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
    # The middle overlay renames everything: what the overlays above it name is the
    # base's name (original), not staging's.
    "overlays/staging/kustomization.yaml": """\
        resources: [../../base]
        namePrefix: staging-
        namespace: staging
        """,
}


def _shared_claim(files: dict[str, str], cwd: Path) -> list[dict[str, Any]]:
    root = write_repo(cwd, {**BASE, **files})
    report = lint_json(".", cwd=root)
    return [f for f in report["findings"] if f["rule"] == "deployment-shared-rwo-pvc"]


def _at(item: dict[str, Any]) -> str:
    return f"{item['file']}:{item['line']}:{item['column']}"


def _related(finding: dict[str, Any]) -> list[str]:
    return [_at(item) for item in finding["related"]]


def test_a_component_patch_targeting_the_base_name_is_shown(tmp_path: Path) -> None:
    [finding] = _shared_claim(
        {
            "components/ha/kustomization.yaml": """\
                apiVersion: kustomize.config.k8s.io/v1alpha1
                kind: Component
                patches:
                  - target: {kind: Deployment, name: db}
                    patch: |-
                      - op: replace
                        path: /spec/replicas
                        value: 3
                """,
            "overlays/prod/kustomization.yaml": """\
                resources: [../staging]
                nameSuffix: -v2
                components: [../../components/ha]
                """,
        },
        tmp_path,
    )
    assert finding["units"] == ["overlays/prod"]
    assert "Deployment staging/staging-db-v2 runs up to 3 replicas" in finding["message"]
    assert _at(finding) == "base/db.yaml:21:24"  # claimName: data
    assert _related(finding) == [
        "base/claim.yaml:6:3",  # accessModes
        "components/ha/kustomization.yaml:8:9",  # value: 3
    ]
    [setter] = [r for r in finding["related"] if r["file"].startswith("components/")]
    assert setter["message"] == (
        "spec.replicas of Deployment staging/staging-db-v2 is set to 3 by the inline patch in "
        "components/ha/kustomization.yaml"
    )


def test_a_replicas_entry_naming_the_base_name_is_shown(tmp_path: Path) -> None:
    [finding] = _shared_claim(
        {
            "overlays/prod/kustomization.yaml": """\
                resources: [../staging]
                replicas:
                  - name: db
                    count: 2
                """,
        },
        tmp_path,
    )
    assert "runs up to 2 replicas" in finding["message"]
    assert _related(finding) == ["base/claim.yaml:6:3", "overlays/prod/kustomization.yaml:4:5"]


def test_a_replicas_entry_naming_the_kustomizations_own_prefix_is_shown(tmp_path: Path) -> None:
    [finding] = _shared_claim(
        {
            "overlays/prod/kustomization.yaml": """\
                resources: [../staging]
                namePrefix: prod-
                replicas:
                  - name: prod-staging-db
                    count: 2
                """,
        },
        tmp_path,
    )
    assert _related(finding) == ["base/claim.yaml:6:3", "overlays/prod/kustomization.yaml:5:5"]


def test_a_patch_without_target_naming_the_base_object_is_shown(tmp_path: Path) -> None:
    [finding] = _shared_claim(
        {
            "overlays/prod/kustomization.yaml": """\
                resources: [../staging]
                patches:
                  - path: replicas.yaml
                """,
            "overlays/prod/replicas.yaml": """\
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: db
                spec:
                  replicas: 4
                """,
        },
        tmp_path,
    )
    assert "runs up to 4 replicas" in finding["message"]
    assert _related(finding) == ["base/claim.yaml:6:3", "overlays/prod/replicas.yaml:6:3"]


def test_a_target_by_the_original_default_namespace_is_shown(tmp_path: Path) -> None:
    [finding] = _shared_claim(
        {
            "overlays/prod/kustomization.yaml": """\
                resources: [../staging]
                patches:
                  - target: {kind: Deployment, namespace: default}
                    patch: |-
                      - op: replace
                        path: /spec/replicas
                        value: 5
                """,
        },
        tmp_path,
    )
    assert "runs up to 5 replicas" in finding["message"]
    assert _related(finding) == ["base/claim.yaml:6:3", "overlays/prod/kustomization.yaml:7:9"]


def _app(namespace: str, replicas: int) -> str:
    """A Deployment and the ReadWriteOnce claim it mounts, both in ``namespace`` (none
    when empty)."""
    metadata = f"\n          namespace: {namespace}" if namespace else ""
    return f"""\
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: db{metadata}
        spec:
          replicas: {replicas}
          strategy: {{type: Recreate}}
          selector:
            matchLabels: {{app: db}}
          template:
            metadata:
              labels: {{app: db}}
            spec:
              containers:
                - name: app
                  image: example/app:1
                  volumeMounts: [{{name: data, mountPath: /data}}]
              volumes:
                - name: data
                  persistentVolumeClaim:
                    claimName: data
        ---
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata:
          name: data{metadata}
        spec:
          accessModes: [ReadWriteOnce]
          storageClassName: standard
          resources:
            requests:
              storage: 1Gi
        """


def test_a_patch_without_namespace_is_not_credited_to_a_namesake_elsewhere(
    tmp_path: Path,
) -> None:
    """kustomize applies a patch that names no namespace only to the object without one;
    the namesake in namespace ``a`` has 3 replicas of its own."""
    found = _shared_claim(
        {
            "app/kustomization.yaml": """\
                resources: [a.yaml, b.yaml]
                patches:
                  - patch: |-
                      apiVersion: apps/v1
                      kind: Deployment
                      metadata: {name: db}
                      spec: {replicas: 3}
                """,
            "app/a.yaml": _app("a", 3),
            "app/b.yaml": _app("", 1),
        },
        tmp_path,
    )
    by_file = {f["file"]: f for f in found if f["units"] == ["app"]}
    assert "Deployment a/db runs up to 3 replicas" in by_file["app/a.yaml"]["message"]
    assert _related(by_file["app/a.yaml"]) == ["app/a.yaml:30:3"]  # its own claim only
    assert "Deployment default/db runs up to 3 replicas" in by_file["app/b.yaml"]["message"]
    assert _related(by_file["app/b.yaml"]) == ["app/b.yaml:28:3", "app/kustomization.yaml:7:14"]


def test_a_components_own_prefix_comes_before_the_overlays_fields(tmp_path: Path) -> None:
    """A component's transformers run before those of the overlay using it: the overlay's
    ``replicas:`` names the object with the component's prefix."""
    [finding] = _shared_claim(
        {
            "components/ha/kustomization.yaml": """\
                apiVersion: kustomize.config.k8s.io/v1alpha1
                kind: Component
                namePrefix: ha-
                """,
            "overlays/prod/kustomization.yaml": """\
                resources: [../staging]
                nameSuffix: -v2
                components: [../../components/ha]
                replicas:
                  - name: ha-staging-db
                    count: 2
                """,
        },
        tmp_path,
    )
    assert "Deployment staging/ha-staging-db-v2 runs up to 2 replicas" in finding["message"]
    assert _at(finding) == "base/db.yaml:21:24"
    assert _related(finding) == ["base/claim.yaml:6:3", "overlays/prod/kustomization.yaml:6:5"]

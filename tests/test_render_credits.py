"""Values set by kustomization fields and patch directives beyond patches and
``replicas:``/``images:``: ``labels`` (``includeSelectors``), ``commonLabels``,
``commonAnnotations``, ``replacements`` and strategic merge ``$patch: delete|replace``.
Rendered by the real kustomize; each finding and related location is asserted at its
exact ``file:line:column`` (``kslint.render.credits``)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from helpers import lint_json, write_repo

pytestmark = pytest.mark.skipif(
    shutil.which("kustomize") is None and shutil.which("kubectl") is None,
    reason="needs kustomize or kubectl (kubectl kustomize)",
)

PROJECT = {
    "base/class.yaml": """\
        apiVersion: storage.k8s.io/v1
        kind: StorageClass
        metadata:
          name: fast-ssd
        provisioner: example.com/ssd
        reclaimPolicy: Retain
        """,
    "base/deploy.yaml": """\
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        spec:
          replicas: 1
          strategy:
            type: Recreate
          selector:
            matchLabels:
              app: web
          template:
            metadata:
              labels:
                app: web
            spec:
              containers:
                - name: web
                  image: example/web:1
                  volumeMounts:
                    - name: uploads
                      mountPath: /uploads
              volumes:
                - name: uploads
                  persistentVolumeClaim:
                    claimName: uploads
        """,
    "base/kustomization.yaml": """\
        resources:
          - statefulset.yaml
          - deploy.yaml
          - pvc.yaml
          - class.yaml
        """,
    "base/pvc.yaml": """\
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata:
          name: uploads
        spec:
          storageClassName: fast-ssd
          accessModes: [ReadWriteOnce]
          resources:
            requests:
              storage: 1Gi
        """,
    "base/statefulset.yaml": """\
        apiVersion: apps/v1
        kind: StatefulSet
        metadata:
          name: db
        spec:
          serviceName: db
          replicas: 1
          selector:
            matchLabels:
              app: db
          template:
            metadata:
              labels:
                app: db
            spec:
              containers:
                - name: db
                  image: example/db:1
                  volumeMounts:
                    - name: data
                      mountPath: /data
                    - name: debug
                      mountPath: /debug
              volumes:
                - name: debug
                  emptyDir: {}
          volumeClaimTemplates:
            - metadata:
                name: data
              spec:
                accessModes: [ReadWriteOnce]
                resources:
                  requests:
                    storage: 1Gi
        """,
    "overlays/prod/kustomization.yaml": """\
        resources:
          - ../../base
          - service
          - settings.yaml
        patches:
          - patch: |-
              apiVersion: apps/v1
              kind: StatefulSet
              metadata:
                name: db
              spec:
                template:
                  spec:
                    volumes:
                      - name: debug
                        $patch: delete
        replacements:
          - source:
              kind: ConfigMap
              name: settings
              fieldPath: data.class
            targets:
              - select:
                  kind: PersistentVolumeClaim
                  name: uploads
                fieldPaths:
                  - spec.storageClassName
          - source:
              kind: StatefulSet
              name: db
              fieldPath: spec.replicas
            targets:
              - select:
                  kind: Deployment
                fieldPaths:
                  - spec.replicas
        replicas:
          - name: db
            count: 3
        """,
    "overlays/prod/settings.yaml": """\
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: settings
        data:
          class: fast_ssd
        """,
    "overlays/prod/service/kustomization.yaml": """\
        resources:
          - service.yaml
        labels:
          - pairs:
              tier: db
            includeSelectors: true
        commonAnnotations:
          team: storage
        """,
    "overlays/prod/service/service.yaml": """\
        apiVersion: v1
        kind: Service
        metadata:
          name: db
        spec:
          clusterIP: None
          selector:
            app: db
        """,
}


def _at(item: dict[str, Any]) -> str:
    return f"{item['file']}:{item['line']}:{item['column']}"


@pytest.fixture(scope="module")
def found(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    root = write_repo(tmp_path_factory.mktemp("credits"), PROJECT)
    document = lint_json(".", cwd=root)
    by_rule: dict[str, dict[str, Any]] = {}
    for finding in document["findings"]:
        assert finding["rule"] not in by_rule, finding
        by_rule[finding["rule"]] = finding
    return by_rule


def _related(finding: dict[str, Any]) -> list[tuple[str, str]]:
    return [(_at(item), item["message"]) for item in finding["related"]]


def test_a_labels_entry_with_include_selectors_shows_as_the_cause(found: Any) -> None:
    """The nested kustomization's ``labels:`` adds ``tier: db`` to the Service's selector
    and not to the pods: the finding is on the base's serviceName, and names the line."""
    finding = found["statefulset-service-selector-mismatch"]
    assert _at(finding) == "base/statefulset.yaml:6:16"
    assert _related(finding) == [
        (
            "overlays/prod/service/kustomization.yaml:5:7",  # tier: db
            "spec.selector.tier of Service default/db is set to db by labels: in "
            "overlays/prod/service/kustomization.yaml",
        ),
        ("overlays/prod/service/service.yaml:7:3", "Service default/db selects app=db, tier=db"),
    ]


def test_a_replacement_that_sets_a_value_is_where_the_finding_points(found: Any) -> None:
    finding = found["storageclass-not-found"]
    # the claim's storageClassName comes from the ConfigMap through the replacement
    assert _at(finding) == "overlays/prod/kustomization.yaml:27:13"  # - spec.storageClassName
    assert "'fast_ssd'" in finding["message"]
    assert [_at(item) for item in finding["related"]] == ["base/class.yaml:4:9"]


def test_a_replacement_that_copies_replicas_is_a_related_location(found: Any) -> None:
    finding = found["deployment-shared-rwo-pvc"]
    assert _at(finding) == "base/deploy.yaml:26:24"  # claimName: uploads
    assert _related(finding) == [
        ("base/pvc.yaml:7:3", "PersistentVolumeClaim default/uploads is ReadWriteOnce"),
        (
            "overlays/prod/kustomization.yaml:36:13",  # - spec.replicas (of the Deployment)
            "spec.replicas of Deployment default/web is set to 3 by replacements: in "
            "overlays/prod/kustomization.yaml",
        ),
    ]


def test_a_patch_delete_directive_is_shown_where_the_deleted_volume_is_mounted(
    found: Any,
) -> None:
    finding = found["volume-mount-undefined"]
    assert _at(finding) == "base/statefulset.yaml:22:21"  # - name: debug (the mount)
    assert _related(finding) == [
        (
            "overlays/prod/kustomization.yaml:16:17",  # $patch: delete
            "debug in spec.template.spec.volumes of StatefulSet default/db is deleted by "
            "the inline patch in overlays/prod/kustomization.yaml",
        )
    ]


def test_the_replicas_field_is_still_credited(found: Any) -> None:
    assert _at(found["statefulset-missing-pdb"]) == "overlays/prod/kustomization.yaml:39:12"


REPLACE = {
    "overlays/replace/kustomization.yaml": """\
        resources:
          - ../../base
        commonLabels:
          env: replace
        labels:
          - pairs:
              team: storage
            includeTemplates: true
        patches:
          - path: pod.yaml
        """,
    "overlays/replace/pod.yaml": """\
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        spec:
          template:
            spec:
              $patch: replace
              containers:
                - name: web
                  image: example/web:2
        """,
}


def test_where_label_annotation_and_replace_nodes_point(tmp_path: Path) -> None:
    from kslint.render import RenderSettings, render_units

    root = write_repo(tmp_path, {**PROJECT, **REPLACE})
    cwd = os.getcwd()
    os.chdir(root)
    try:
        renders = render_units([Path("overlays/prod"), Path("overlays/replace")], RenderSettings())
        prod, replace = renders.units
        assert (prod.name, replace.name) == ("overlays/prod", "overlays/replace")

        def where(unit: Any, kind: str, *path: Any, key: bool = True) -> str:
            [entry] = [m for m in unit.render_map.objects if m.obj.kind == kind]
            file, span, _, _ = unit.render_map.locate(entry.obj.span(*path, key=key))
            return f"{file}:{span.line}:{span.column}"

        # prod: labels (includeSelectors) and commonAnnotations of a nested kustomization
        service = "overlays/prod/service/kustomization.yaml"
        assert where(prod, "Service", "metadata", "labels", "tier") == f"{service}:5:7"
        assert where(prod, "Service", "spec", "selector", "tier") == f"{service}:5:7"
        assert where(prod, "Service", "metadata", "annotations", "team") == f"{service}:8:3"
        assert where(prod, "Service", "spec", "selector", "app") == (
            "overlays/prod/service/service.yaml:8:5"
        )
        # replace: commonLabels reach metadata, selector and pod template labels
        kustomization = "overlays/replace/kustomization.yaml"
        for path in (
            ("metadata", "labels", "env"),
            ("spec", "selector", "matchLabels", "env"),
            ("spec", "template", "metadata", "labels", "env"),
        ):
            assert where(replace, "Deployment", *path) == f"{kustomization}:4:3", path
        # labels with includeTemplates: metadata and pod template, never the selector
        for path in (
            ("metadata", "labels", "team"),
            ("spec", "template", "metadata", "labels", "team"),
        ):
            assert where(replace, "Deployment", *path) == f"{kustomization}:7:7", path
        [web] = [m.obj for m in replace.render_map.objects if m.obj.kind == "Deployment"]
        assert "team" not in web.get("spec", "selector", "matchLabels")
        assert where(replace, "Deployment", "spec", "template", "metadata", "labels", "app") == (
            "base/deploy.yaml:15:9"
        )
        # $patch: replace: the pod spec is the patch's, not the base's merged with it
        pod = ("spec", "template", "spec")
        assert where(replace, "Deployment", *pod) == "overlays/replace/pod.yaml:7:5"
        assert where(replace, "Deployment", *pod, "containers", 0, "image", key=False) == (
            "overlays/replace/pod.yaml:11:18"
        )
        [deployment] = [m.obj for m in replace.render_map.objects if m.obj.kind == "Deployment"]
        assert deployment.get(*pod, "volumes") is None  # replaced, not merged
    finally:
        os.chdir(cwd)


def test_origin_annotations_are_cut_before_the_output_is_parsed() -> None:
    from kslint.render.kustomize import cut_origins

    stdout = (
        b"apiVersion: v1\n"
        b"kind: ConfigMap\n"
        b"metadata:\n"
        b"  annotations:\n"
        b"    config.kubernetes.io/origin: |\n"
        b"      configuredIn: base/kustomization.yaml\n"
        b"      configuredBy:\n"
        b"        apiVersion: builtin\n"
        b"        kind: ConfigMapGenerator\n"
        b"    team: storage\n"
        b"  name: settings-5f8h\n"
        b"---\n"
        b"apiVersion: v1\n"
        b"kind: Service\n"
        b"metadata:\n"
        b"  annotations:\n"
        b"    config.kubernetes.io/origin: |\n"
        b"      path: ../../base/service.yaml\n"
        b"  name: db\n"
        b"spec:\n"
        b"  template:\n"
        b"    config.kubernetes.io/origin: |\n"  # not metadata.annotations: kept
        b"      x\n"
    )
    text, origins = cut_origins(stdout)
    assert text.decode().splitlines() == [
        "apiVersion: v1",
        "kind: ConfigMap",
        "metadata:",
        "  annotations:",
        "    team: storage",
        "  name: settings-5f8h",
        "---",
        "apiVersion: v1",
        "kind: Service",
        "metadata:",
        "  name: db",
        "spec:",
        "  template:",
        "    config.kubernetes.io/origin: |",
        "      x",
    ]
    assert origins == {
        1: "configuredIn: base/kustomization.yaml\n"
        "configuredBy:\n  apiVersion: builtin\n  kind: ConfigMapGenerator",
        8: "path: ../../base/service.yaml",
    }


def test_a_findings_node_path_places_it_where_a_search_by_span_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Relocation tries the node path a rule gave before searching the rendered object by
    span (``sourcemap._at_path``): the same places and related locations either way."""
    from kslint.pipeline import LintOptions, lint
    from kslint.render import sourcemap

    write_repo(tmp_path, {**PROJECT, **REPLACE})
    monkeypatch.chdir(tmp_path)

    def located() -> list[tuple[str, str, list[str]]]:
        findings = lint(LintOptions(paths=["."], jobs=1)).findings
        return [
            (
                f.rule,
                f"{f.file}:{f.span.line}:{f.span.column}",
                [f"{r.file}:{r.span.line}:{r.span.column} {r.message}" for r in f.related],
            )
            for f in findings
        ]

    hinted = located()
    monkeypatch.setattr(sourcemap, "_at_path", lambda root, path, span: None)
    assert located() == hinted
    assert any(file.startswith("base/") for _, file, _ in hinted)  # findings were moved

"""Root kustomizations rendered by the real kustomize, findings at the source lines.

Every test runs kslint as a subprocess on a small project written for it, renders with the
kustomize installed here (``kustomize`` or ``kubectl kustomize``) and asserts exact
``file:line:column`` for each finding and each related location.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from helpers import lint_json, run_kslint, write_files, write_repo

from kslint.cache import Cache
from kslint.pipeline import LintOptions, lint
from kslint.yaml_reader import parse_yaml

pytestmark = pytest.mark.skipif(
    shutil.which("kustomize") is None and shutil.which("kubectl") is None,
    reason="needs kustomize or kubectl (kubectl kustomize)",
)

BASE = {
    "base/kustomization.yaml": """\
        resources:
          - deploy.yaml
          - pvc.yaml
          - pv.yaml
          - storageclass.yaml
        configMapGenerator:
          - name: settings
            literals:
              - mode=fast
        """,
    "base/deploy.yaml": """\
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: db
        spec:
          replicas: 1
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
                  image: postgres:15
                  volumeMounts:
                    - name: data
                      mountPath: /var/lib/postgresql/data
              volumes:
                - name: data
                  persistentVolumeClaim:
                    claimName: data
        """,
    "base/pvc.yaml": """\
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata:
          name: data
        spec:
          storageClassName: local
          accessModes: [ReadWriteOnce]
          resources:
            requests:
              storage: 1Gi
        """,
    "base/pv.yaml": """\
        apiVersion: v1
        kind: PersistentVolume
        metadata:
          name: disk
        spec:
          storageClassName: local
          persistentVolumeReclaimPolicy: Retain
          capacity: {storage: 10Gi}
          accessModes: [ReadWriteOnce]
          local:
            path: /mnt/disk
          nodeAffinity:
            required:
              nodeSelectorTerms:
                - matchExpressions:
                    - {key: kubernetes.io/hostname, operator: In, values: [node-1]}
        """,
    "base/storageclass.yaml": """\
        apiVersion: storage.k8s.io/v1
        kind: StorageClass
        metadata:
          name: local
        provisioner: kubernetes.io/no-provisioner
        reclaimPolicy: Retain
        volumeBindingMode: WaitForFirstConsumer
        """,
}

PROD = {
    "overlays/prod/kustomization.yaml": """\
        resources:
          - ../../base
        components:
          - ../../components/debug
        namePrefix: prod-
        namespace: prod
        replicas:
          - name: db
            count: 4
        images:
          - name: postgres
            newTag: "16"
        patches:
          - path: strategy.yaml
          - target: {kind: PersistentVolume, name: disk}
            patch: |-
              - op: replace
                path: /spec/persistentVolumeReclaimPolicy
                value: Recycle
          - patch: |-
              apiVersion: v1
              kind: PersistentVolume
              metadata:
                name: disk
              spec:
                hostPath:
                  path: /srv/disk
        patchesJson6902:
          - target: {group: storage.k8s.io, version: v1, kind: StorageClass, name: local}
            path: binding.yaml
        """,
    "overlays/prod/strategy.yaml": """\
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: db
        spec:
          strategy:
            type: RollingUpdate
        """,
    "overlays/prod/binding.yaml": """\
        - op: replace
          path: /volumeBindingMode
          value: Immediate
        """,
    "components/debug/kustomization.yaml": """\
        apiVersion: kustomize.config.k8s.io/v1alpha1
        kind: Component
        patches:
          - path: debug.yaml
        """,
    "components/debug/debug.yaml": """\
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: db
        spec:
          template:
            spec:
              volumes:
                - name: debug
                  hostPath:
                    path: /var/debug
              containers:
                - name: db
                  volumeMounts:
                    - name: debug
                      mountPath: /debug
        """,
}


def _project(tmp_path: Path, *extra: dict[str, str]) -> Path:
    files: dict[str, str] = {**BASE, **PROD}
    for more in extra:
        files.update(more)
    return write_repo(tmp_path, files)


def _by_rule(report: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for finding in report["findings"]:
        found.setdefault(finding["rule"], []).append(finding)
    return found


def _at(item: dict[str, Any]) -> str:
    return f"{item['file']}:{item['line']}:{item['column']}"


def _related(finding: dict[str, Any]) -> list[str]:
    return [_at(related) for related in finding["related"]]


@pytest.fixture(scope="module")
def prod(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[dict[str, Any]]]:
    root = _project(tmp_path_factory.mktemp("prod"))
    return _by_rule(lint_json(".", cwd=root))


def test_a_base_line_shows_the_overlay_field_that_caused_the_finding(prod: Any) -> None:
    [finding] = prod["deployment-shared-rwo-pvc"]
    assert finding["object"]["namespace"] == "prod"
    assert finding["object"]["name"] == "prod-db"
    assert _at(finding) == "base/deploy.yaml:24:24"  # claimName: data
    assert _related(finding) == [
        "base/pvc.yaml:7:3",  # accessModes of the claim
        "overlays/prod/kustomization.yaml:9:5",  # replicas: count: 4
    ]
    assert "set to 4 by replicas: in overlays/prod/kustomization.yaml" in str(finding["related"])


def test_a_value_set_by_a_strategic_merge_patch_file_points_at_the_patch(prod: Any) -> None:
    [finding] = prod["deployment-rwo-rolling-update"]
    assert _at(finding) == "overlays/prod/strategy.yaml:7:11"  # type: RollingUpdate
    assert _related(finding) == ["base/pvc.yaml:7:3"]


def test_an_inline_json6902_patch_points_at_its_value_line(prod: Any) -> None:
    [finding] = prod["pv-recycle-reclaim-policy"]
    assert _at(finding) == "overlays/prod/kustomization.yaml:19:16"  # value: Recycle


def test_an_inline_strategic_merge_patch_points_into_the_kustomization(prod: Any) -> None:
    [finding] = prod["pv-host-path"]
    assert _at(finding) == "overlays/prod/kustomization.yaml:26:9"  # hostPath:


def test_a_json6902_patch_file_points_at_its_value(prod: Any) -> None:
    [finding] = prod["local-storage-immediate-binding"]
    assert _at(finding) == "overlays/prod/binding.yaml:3:10"  # value: Immediate


def test_a_component_patch_points_at_the_component(prod: Any) -> None:
    [finding] = prod["pod-host-path-volume"]
    assert _at(finding) == "components/debug/debug.yaml:10:11"  # hostPath:


def test_an_images_field_is_credited_with_the_image(prod: Any) -> None:
    [finding] = prod["stateful-image-in-deployment"]
    assert _at(finding) == "overlays/prod/kustomization.yaml:12:13"  # newTag: "16"
    assert "prod-db" in finding["message"]


def test_rendered_objects_are_not_linted_again_as_plain_files(prod: Any) -> None:
    everything = [finding for findings in prod.values() for finding in findings]
    assert all(
        f["object"] is None or f["object"]["namespace"] in (None, "prod") for f in everything
    )
    assert not any(f["file"].endswith("strategy.yaml") and f["object"] is None for f in everything)
    assert "unrendered-template" not in prod and "render-failed" not in prod


def test_the_origin_annotation_is_stripped_before_rules_see_the_object(tmp_path: Path) -> None:
    root = _project(tmp_path)
    result = run_kslint("lint", "--format", "json", "--fail-on", "never", ".", cwd=root)
    assert "config.kubernetes.io/origin" not in result.stdout


def test_mode_never_lints_the_files_as_plain_files(tmp_path: Path) -> None:
    root = _project(tmp_path)
    found = _by_rule(lint_json("--render", "never", ".", cwd=root))
    assert "deployment-shared-rwo-pvc" not in found  # the base has one replica
    [finding] = found["stateful-image-in-deployment"]
    assert finding["object"]["name"] == "db"  # the base's object, no prefix
    assert _at(finding) == "base/deploy.yaml:17:18"
    assert "not-rendered" not in found and "render-failed" not in found


BROKEN = {
    "overlays/broken/kustomization.yaml": """\
        resources:
          - ../../base
          - missing.yaml
        """,
    "overlays/remote/kustomization.yaml": """\
        resources:
          - https://kslint-test.invalid/example/manifests//base?ref=v1
        """,
}


def test_a_broken_overlay_is_render_failed_with_kustomizes_message(tmp_path: Path) -> None:
    root = _project(tmp_path, BROKEN)
    found = _by_rule(lint_json(".", cwd=root))
    failures = {f["file"]: f for f in found["render-failed"]}
    broken = failures["overlays/broken/kustomization.yaml"]
    assert _at(broken) == "overlays/broken/kustomization.yaml:1:1"
    assert broken["severity"] == "error"
    assert "missing.yaml" in broken["message"]
    assert "no such file or directory" in broken["message"]
    # the other units are still linted
    assert len(found["deployment-shared-rwo-pvc"]) == 1


def test_a_remote_base_fails_offline_whatever_the_network(tmp_path: Path) -> None:
    root = _project(tmp_path, BROKEN)
    found = _by_rule(lint_json(".", cwd=root))
    failures = {f["file"]: f for f in found["render-failed"]}
    remote = failures["overlays/remote/kustomization.yaml"]
    assert _at(remote) == "overlays/remote/kustomization.yaml:1:1"
    assert "kslint-test.invalid" in remote["message"]
    assert "remote bases are not fetched" in remote["message"]


def test_a_remote_base_never_reaches_the_network(tmp_path: Path) -> None:
    """An address that cannot resolve and one that can (github.com) fail the same way: the
    request goes to kslint's closed proxy and git may not use https, so no name is looked
    up and the outcome does not depend on the network."""
    unresolvable = "https://kslint-test.invalid/example/manifests//base?ref=v1"
    resolvable = "https://github.com/kubernetes-sigs/kustomize//examples/helloWorld?ref=v1.0.6"
    root = write_repo(
        tmp_path,
        {
            "a/kustomization.yaml": f"resources:\n  - {unresolvable}\n",
            "b/kustomization.yaml": f"resources:\n  - {resolvable}\n",
        },
    )
    found = _by_rule(lint_json(".", cwd=root))
    messages = {f["file"]: f["message"] for f in found["render-failed"]}
    offline = messages["a/kustomization.yaml"]
    assert "no such host" not in offline and "server misbehaving" not in offline
    assert "127.0.0.1:9" in offline  # the closed proxy, not a DNS answer
    assert messages["b/kustomization.yaml"].replace(" b:", " a:").replace(
        "github.com/kubernetes-sigs/kustomize//examples/helloWorld?ref=v1.0.6", ""
    ).replace("github.com/kubernetes-sigs/kustomize v1.0.6", "") == offline.replace(
        "kslint-test.invalid/example/manifests//base?ref=v1", ""
    ).replace("kslint-test.invalid/example/manifests v1", "")


def _fake_kustomize(tmp_path: Path, version: str, build: str = "") -> str:
    script = tmp_path / "bin" / "kustomize"
    script.parent.mkdir(parents=True, exist_ok=True)
    script.write_text(
        "#!/bin/sh\n"
        f'echo "$@" >> "{tmp_path}/calls"\n'
        f'if [ "$1" = version ]; then echo "{version}"; exit 0; fi\n'
        f"{build}\n"
    )
    script.chmod(0o755)
    return str(script)


def test_a_kustomize_too_old_for_origin_annotations_is_no_renderer(tmp_path: Path) -> None:
    root = _project(tmp_path / "repo")
    fake = _fake_kustomize(tmp_path, "v4.5.7")
    found = _by_rule(lint_json("--kustomize-command", fake, ".", cwd=root))
    [finding] = found["not-rendered"]
    assert _at(finding) == "overlays/prod/kustomization.yaml:1:1"
    assert finding["severity"] == "info"
    assert "too old for origin annotations" in finding["message"]
    assert "deployment-shared-rwo-pvc" not in found
    assert all(f["rule"] == "not-rendered" for fs in found.values() for f in fs)


def test_mode_always_without_a_renderer_is_a_usage_error(tmp_path: Path) -> None:
    root = _project(tmp_path / "repo")
    fake = _fake_kustomize(tmp_path, "v4.5.7")
    result = run_kslint("lint", "--render", "always", "--kustomize-command", fake, ".", cwd=root)
    assert result.returncode == 2
    assert "kustomize is unavailable" in result.stderr


def test_the_renderer_comes_from_the_environment_not_the_repository(tmp_path: Path) -> None:
    root = _project(tmp_path / "repo", {".kslint.yaml": "render:\n  mode: auto\n"})
    fake = _fake_kustomize(tmp_path, "v5.5.0", "exit 3")
    result = run_kslint("lint", "--format", "json", ".", cwd=root, env={"KSLINT_KUSTOMIZE": fake})
    assert "render-failed" in result.stdout
    calls = (tmp_path / "calls").read_text()
    assert "build" in calls
    assert "--enable-alpha-plugins" not in calls and "--enable-exec" not in calls


def test_a_render_over_the_time_limit_is_stopped(tmp_path: Path) -> None:
    root = _project(tmp_path / "repo")
    fake = _fake_kustomize(tmp_path, "v5.5.0", "sleep 5")
    found = _by_rule(
        lint_json("--kustomize-command", fake, "--render-timeout", "0.5", ".", cwd=root)
    )
    [finding] = found["render-failed"]
    assert "longer than 0.5 s" in finding["message"]


def _big_renders(tmp_path: Path, overlays: int) -> Path:
    """A base whose ConfigMap holds 200,000 bytes (generated from a data file, which is
    not a manifest: discovery does not read it), and ``overlays`` overlays of it."""
    files = {
        "base/kustomization.yaml": "configMapGenerator:\n  - name: blob\n    files: [blob.txt]\n",
        "base/blob.txt": "x" * 200_000 + "\n",
    }
    for index in range(overlays):
        files[f"overlays/env{index}/kustomization.yaml"] = (
            f"resources: [../../base]\nnamePrefix: env{index}-\n"
        )
    return write_files(tmp_path, files)


def test_a_render_over_the_limit_of_one_input_is_stopped(tmp_path: Path) -> None:
    """A repository must not make kslint hold a render bigger than it would read as one
    file: kustomize is stopped, and the unit says why."""
    root = _big_renders(tmp_path, 1)
    found = _by_rule(lint_json("--max-file-bytes", "100000", ".", cwd=root))
    [finding] = found["render-failed"]
    assert _at(finding) == "overlays/env0/kustomization.yaml:1:1"
    assert finding["message"] == (
        "kustomize could not render overlays/env0: its output is over the 100,000 bytes "
        "limit of one input (--max-file-bytes, or limits.max_file_bytes in the "
        "configuration, raises it)"
    )


def test_renders_count_against_the_runs_byte_budget(tmp_path: Path) -> None:
    """Each render is about 200 KB: the first fits in a 300 KB budget, the second does not
    and is reported; the run still ends with a report."""
    root = _big_renders(tmp_path, 2)
    result = run_kslint("lint", "--format", "json", "--max-bytes", "300000", ".", cwd=root)
    assert result.returncode == 1, result.stderr
    found = _by_rule(json.loads(result.stdout))
    [finding] = found["render-failed"]
    assert _at(finding) == "overlays/env1/kustomization.yaml:1:1"
    assert finding["message"] == (
        "kustomize could not render overlays/env1: its output was not loaded: the run "
        "already read 300,000 bytes, its limit (--max-bytes, or limits.max_bytes in the "
        "configuration, raises it)"
    )


def test_render_mode_never_from_the_configuration(tmp_path: Path) -> None:
    root = _project(tmp_path, {".kslint.yaml": "render:\n  mode: never\n"})
    found = _by_rule(lint_json(".", cwd=root))
    assert "deployment-shared-rwo-pvc" not in found
    assert "deployment-rwo-rolling-update" not in found


def test_a_suppression_comment_in_the_base_hides_a_rendered_finding(tmp_path: Path) -> None:
    root = _project(tmp_path)
    deploy = root / "base" / "deploy.yaml"
    deploy.write_text(
        deploy.read_text().replace(
            "claimName: data", "claimName: data  # kslint: disable=deployment-shared-rwo-pvc"
        )
    )
    found = _by_rule(lint_json(".", cwd=root))
    assert "deployment-shared-rwo-pvc" not in found
    assert "unused-suppression" not in found


def test_a_suppression_annotation_on_a_rendered_object_applies(tmp_path: Path) -> None:
    root = _project(tmp_path)
    pvc = root / "base" / "pvc.yaml"
    pvc.write_text(
        pvc.read_text().replace(
            "  name: data\n",
            "  name: data\n  annotations:\n    kslint.io/ignore: pvc-without-storage-class\n",
        )
    )
    (root / "base" / "pvc.yaml").write_text(
        pvc.read_text().replace("  storageClassName: local\n", "")
    )
    found = _by_rule(lint_json(".", cwd=root))
    assert "pvc-without-storage-class" not in found
    assert "unused-suppression" not in found


def test_pre_commit_re_renders_the_overlays_that_consume_a_changed_base_file(
    tmp_path: Path,
) -> None:
    root = _project(tmp_path, {".kslint.yaml": "fail_on: error\n", "other/app.yaml": OTHER})
    result = run_kslint("lint", "--format", "json", "base/deploy.yaml", cwd=root)
    assert result.returncode == 1, result.stderr  # deployment-shared-rwo-pvc is an error
    found = _by_rule(__import__("json").loads(result.stdout))
    assert _at(found["deployment-shared-rwo-pvc"][0]) == "base/deploy.yaml:24:24"
    assert "pv-host-path" not in found  # about base/pv.yaml (via the overlay), not changed


def test_pre_commit_fails_on_a_finding_whose_related_location_changed(tmp_path: Path) -> None:
    root = _project(tmp_path, {".kslint.yaml": "fail_on: error\n", "other/app.yaml": OTHER})
    result = run_kslint("lint", "--format", "json", "overlays/prod/kustomization.yaml", cwd=root)
    assert result.returncode == 1, result.stderr
    found = _by_rule(__import__("json").loads(result.stdout))
    # primary in the base, related: the replicas field of the changed overlay
    assert _at(found["deployment-shared-rwo-pvc"][0]) == "base/deploy.yaml:24:24"


def test_pre_commit_does_not_render_overlays_an_unrelated_change_leaves_alone(
    tmp_path: Path,
) -> None:
    root = _project(
        tmp_path / "repo", {".kslint.yaml": "fail_on: error\n", "other/app.yaml": OTHER}
    )
    fake = _fake_kustomize(tmp_path, "v5.5.0", "exit 3")
    result = run_kslint("lint", "--kustomize-command", fake, "other/app.yaml", cwd=root)
    assert result.returncode == 0, result.stdout
    assert not (tmp_path / "calls").exists()  # kustomize was not even asked its version


OTHER = """\
    apiVersion: v1
    kind: ConfigMap
    metadata:
      name: other
    data: {a: b}
    """


def test_kustomization_names_in_rendered_objects_via_api(tmp_path: Path) -> None:
    """namespace:, namePrefix and a configMapGenerator: where their nodes point."""
    import os

    from kslint.render import RenderSettings, render_units

    root = _project(tmp_path)
    cwd = os.getcwd()
    os.chdir(root)
    try:
        renders = render_units([Path("overlays/prod"), Path("base")], RenderSettings())
        [unit] = renders.units
        assert unit.name == "overlays/prod"
        render_map = unit.render_map
        assert render_map is not None
        by_kind = {obj.obj.kind: obj for obj in render_map.objects}
        deployment = by_kind["Deployment"].obj
        assert deployment.name == "prod-db"
        # the pre-transform identity (what a finding shared by several overlays keys on)
        origin = by_kind["Deployment"].origin_ref
        assert (origin.kind, origin.namespace, origin.name) == ("Deployment", None, "db")
        assert [obj.name for obj in unit.objects] == [m.obj.name for m in render_map.objects]

        def where(obj: Any, *path: Any, key: bool = False) -> str:
            file, span, _, _ = render_map.locate(obj.span(*path, key=key))
            return f"{file}:{span.line}:{span.column}"

        # the prefixed name points at the origin's name
        assert where(deployment, "metadata", "name") == "base/deploy.yaml:4:9"
        # a namespace only the overlay sets points at its namespace: field
        assert where(deployment, "metadata", "namespace") == "overlays/prod/kustomization.yaml:6:12"
        # a reference renamed by the prefix points at the origin's reference
        volumes = deployment.get("spec", "template", "spec", "volumes")
        index = [volume["name"] for volume in volumes].index("data")
        claim = ("spec", "template", "spec", "volumes", index, "persistentVolumeClaim", "claimName")
        assert where(deployment, *claim) == "base/deploy.yaml:24:24"
        # replicas: field
        assert where(deployment, "spec", "replicas") == "overlays/prod/kustomization.yaml:9:12"
        # a generated object points at its generator entry
        config_map = by_kind["ConfigMap"].obj
        assert config_map.name.startswith("prod-settings-")
        assert where(config_map, "data", "mode") == "base/kustomization.yaml:7:11"
        assert unit.consumed >= {(root / "base" / "deploy.yaml").resolve()}
        assert (root / "components" / "debug" / "debug.yaml").resolve() in unit.consumed
    finally:
        os.chdir(cwd)


def test_a_base_given_alone_is_its_own_root(tmp_path: Path) -> None:
    root = write_files(tmp_path, BASE)
    write_files(root, {".git/.keep": ""})
    found = _by_rule(lint_json("base", cwd=root))
    assert "deployment-shared-rwo-pvc" not in found
    [finding] = found["stateful-image-in-deployment"]
    assert _at(finding) == "base/deploy.yaml:17:18"  # postgres:15


def test_an_overlay_file_named_kustomization_is_a_root(tmp_path: Path) -> None:
    """kustomize's third file name has no suffix: the walk still reads it, so the overlay
    is the root that renders the base (not the base on its own)."""
    root = write_repo(
        tmp_path,
        {
            **BASE,
            "overlays/prod/Kustomization": """\
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                resources: [../../base]
                replicas:
                  - name: db
                    count: 3
                """,
        },
    )
    found = _by_rule(lint_json(".", cwd=root))
    [finding] = found["deployment-shared-rwo-pvc"]
    assert finding["units"] == ["overlays/prod"]
    assert _at(finding) == "base/deploy.yaml:24:24"  # claimName: data
    assert "overlays/prod/Kustomization:6:5" in [_at(r) for r in finding["related"]]


def test_helm_charts_without_helm_are_not_rendered(tmp_path: Path) -> None:
    root = write_repo(
        tmp_path,
        {
            "apps/db/kustomization.yaml": """\
                helmCharts:
                  - name: postgresql
                    repo: https://charts.example.invalid
                    version: 1.0.0
                """,
        },
    )
    result = run_kslint(
        "lint",
        "--format",
        "json",
        "--fail-on",
        "never",
        ".",
        cwd=root,
        env={"KSLINT_HELM": "/nonexistent/helm"},
    )
    [finding] = _by_rule(__import__("json").loads(result.stdout))["not-rendered"]
    assert _at(finding) == "apps/db/kustomization.yaml:1:1"
    assert "helmCharts" in finding["message"] and "helm is not available" in finding["message"]


def test_helm_charts_are_inflated_with_the_helm_kslint_names(tmp_path: Path) -> None:
    root = _project(tmp_path / "repo", {"apps/db/kustomization.yaml": "helmCharts:\n  - name: x\n"})
    fake = _fake_kustomize(tmp_path, "v5.5.0", "exit 3")
    helm = tmp_path / "bin" / "helm"
    helm.write_text("#!/bin/sh\nexit 0\n")
    helm.chmod(0o755)
    run_kslint("lint", "--kustomize-command", fake, "--helm-command", str(helm), ".", cwd=root)
    calls = (tmp_path / "calls").read_text().splitlines()
    [inflating] = [call for call in calls if "--enable-helm" in call]
    assert f"--helm-command {helm}" in inflating
    assert not any("--enable-alpha-plugins" in call or "--enable-exec" in call for call in calls)


def test_a_base_finding_two_overlays_share_is_reported_once_naming_both(tmp_path: Path) -> None:
    """Each overlay is its own unit; the base's writable hostPath is found in both renders
    (under different prefixes), moved back to the base's line, and merged into one finding
    that names both units."""
    write_repo(
        tmp_path,
        {
            "base/kustomization.yaml": "resources: [cache.yaml]\n",
            "base/cache.yaml": """\
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
                        - name: cache
                          image: busybox
                          volumeMounts: [{name: scratch, mountPath: /scratch}]
                      volumes:
                        - name: scratch
                          hostPath: {path: /var/cache}
                """,
            "overlays/dev/kustomization.yaml": "namePrefix: dev-\nresources: [../../base]\n",
            "overlays/prod/kustomization.yaml": "namePrefix: prod-\nresources: [../../base]\n",
        },
    )
    document = lint_json(".", "--select", "pod-host-path-volume", cwd=tmp_path)
    assert [
        (f["rule"], f["file"], f["line"], f["column"], f["units"]) for f in document["findings"]
    ] == [
        (
            "pod-host-path-volume",
            "base/cache.yaml",
            18,
            11,
            ["overlays/dev", "overlays/prod"],
        )
    ]


def test_a_kustomization_the_run_has_read_is_not_read_again(tmp_path: Path) -> None:
    """The render stage takes the bytes discovery read (by resolved path): the file on
    disk is not opened again; a directory whose file was not read is read from disk."""
    from kslint.render.kustomization import KustomizationReader

    root = write_files(tmp_path, {"a/kustomization.yaml": "resources: [disk.yaml]\n"})
    write_files(root, {"b/kustomization.yaml": "resources: [disk.yaml]\n"})
    directory = (root / "a").resolve()
    read = (b"resources: [read.yaml]\n", None)
    reader = KustomizationReader({directory / "kustomization.yaml": read})
    known = reader.at(directory)
    assert known is not None and known.resources == [directory / "read.yaml"]
    assert known.path == directory / "kustomization.yaml"
    other = reader.at(root / "b")
    assert other is not None and other.resources == [(root / "b" / "disk.yaml").resolve()]
    # A document discovery parsed is taken as it is (not parsed again from the bytes).
    (document,), _ = parse_yaml("k.yaml", b"resources: [parsed.yaml]\n")
    reader = KustomizationReader({directory / "kustomization.yaml": (read[0], document)})
    taken = reader.at(directory)
    assert taken is not None and taken.resources == [directory / "parsed.yaml"]


def test_the_render_stage_takes_the_kustomizations_discovery_parsed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Discovery parses a kustomization that names patches (to leave the patch files
    out); the render stage and the cache key take that document."""
    from kslint.render.kustomization import KustomizationReader

    parsed: list[str] = []
    real = KustomizationReader._parse
    monkeypatch.setattr(
        KustomizationReader,
        "_parse",
        staticmethod(
            lambda path, resolved, data: (
                parsed.append(path.parent.name) or real(path, resolved, data)
            )
        ),
    )
    root = write_files(
        tmp_path,
        {
            "base/kustomization.yaml": "resources: [cm.yaml]\n",
            "base/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n",
            "prod/kustomization.yaml": "resources: [../base]\npatches: [{path: p.yaml}]\n",
            "prod/p.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: b}\n",
        },
    )
    monkeypatch.chdir(root)
    result = lint(LintOptions(paths=["."], cache=Cache(root / ".kslint_cache")))
    assert result.units == ["prod"]
    assert sorted(parsed) == ["base", "base"]  # the base names no patch: parsed for the
    # cache key and for the render; prod's document came from discovery both times

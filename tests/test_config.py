"""Configuration through the CLI: discovery, precedence, every setting, and the CLI flags
that override it. Schema errors are in test_config_errors.py."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from helpers import lint_json, run_kslint, write_files, write_repo
from manifests import HOST_PATH_DEPLOYMENT

WEB = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  strategy: {type: Recreate}
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx:1.27
      volumes:
        - name: data
          persistentVolumeClaim:
            claimName: web-data
"""

PVC = """\
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: web-data
spec:
  accessModes: [ReadWriteOnce]
  storageClassName: fast
  resources: {requests: {storage: 1Gi}}
"""

DB = """\
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
          image: mydb:1.0
"""


def findings(*args: str, cwd: Path) -> list[tuple[str, str, int]]:
    document = lint_json(*args, cwd=cwd)
    return [(f["rule"], f["file"], f["line"]) for f in document["findings"]]


def rules(*args: str, cwd: Path) -> set[str]:
    return {rule for rule, _, _ in findings(*args, cwd=cwd)}


def severities(*args: str, cwd: Path) -> dict[str, str]:
    return {f["rule"]: f["severity"] for f in lint_json(*args, cwd=cwd)["findings"]}


# ---------------------------------------------------------------------------------------
# Discovery and precedence


def test_without_configuration_every_rule_runs(tmp_path: Path) -> None:
    write_repo(tmp_path, {"cache.yaml": HOST_PATH_DEPLOYMENT})
    assert rules(".", cwd=tmp_path) == {"pod-host-path-volume"}


def test_config_found_from_a_subdirectory_up_to_the_repository_root(tmp_path: Path) -> None:
    write_repo(
        tmp_path,
        {
            ".kslint.yaml": "ignore: [pod-host-path-volume]\n",
            "k8s/cache.yaml": HOST_PATH_DEPLOYMENT,
        },
    )
    result = run_kslint("lint", ".", cwd=tmp_path / "k8s")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "pod-host-path-volume" not in result.stdout


def test_search_stops_at_the_repository_root(tmp_path: Path) -> None:
    write_files(tmp_path, {".kslint.yaml": "ignore: [pod-host-path-volume]\n"})
    project = write_repo(tmp_path / "project", {"cache.yaml": HOST_PATH_DEPLOYMENT})
    assert rules(".", cwd=project) == {"pod-host-path-volume"}


def test_outside_a_repository_only_the_working_directory_is_searched(tmp_path: Path) -> None:
    write_files(
        tmp_path,
        {".kslint.yaml": "ignore: [pod-host-path-volume]\n", "sub/c.yaml": HOST_PATH_DEPLOYMENT},
    )
    assert rules(".", cwd=tmp_path / "sub") == {"pod-host-path-volume"}
    assert rules("sub", cwd=tmp_path) == set()


def test_yml_spelling_and_pyproject_table(tmp_path: Path) -> None:
    write_repo(
        tmp_path / "a", {".kslint.yml": "ignore: [volumes]\n", "c.yaml": HOST_PATH_DEPLOYMENT}
    )
    assert rules(".", cwd=tmp_path / "a") == set()
    pyproject = """\
        [project]
        name = "demo"

        [tool.kslint]
        ignore = ["pod-host-path-volume"]
    """
    write_repo(tmp_path / "b", {"pyproject.toml": pyproject, "c.yaml": HOST_PATH_DEPLOYMENT})
    assert rules(".", cwd=tmp_path / "b") == set()


def test_kslint_yaml_wins_over_pyproject_and_nearer_wins_over_farther(tmp_path: Path) -> None:
    write_repo(
        tmp_path,
        {
            "pyproject.toml": '[tool.kslint]\nseverity = {pod-host-path-volume = "info"}\n',
            ".kslint.yaml": "severity: {pod-host-path-volume: error}\n",
            "c.yaml": HOST_PATH_DEPLOYMENT,
            "sub/.kslint.yaml": "severity: {pod-host-path-volume: off}\n",
            "sub/c.yaml": HOST_PATH_DEPLOYMENT,
        },
    )
    assert severities("c.yaml", cwd=tmp_path) == {"pod-host-path-volume": "error"}
    assert severities("c.yaml", cwd=tmp_path / "sub") == {}


def test_pyproject_without_a_kslint_table_is_passed_over(tmp_path: Path) -> None:
    write_repo(tmp_path, {".kslint.yaml": "ignore: [volumes]\n", "c.yaml": HOST_PATH_DEPLOYMENT})
    write_files(tmp_path / "sub", {"pyproject.toml": '[project]\nname = "x"\n'})
    assert rules("../c.yaml", cwd=tmp_path / "sub") == set()


def test_config_flag_and_no_config(tmp_path: Path) -> None:
    write_repo(
        tmp_path,
        {
            ".kslint.yaml": "ignore: [pod-host-path-volume]\n",
            "other.yaml": "severity: {pod-host-path-volume: info}\n",
            "c.yaml": HOST_PATH_DEPLOYMENT,
        },
    )
    assert severities(".", cwd=tmp_path) == {}
    assert severities("--config", "other.yaml", ".", cwd=tmp_path) == {
        "pod-host-path-volume": "info"
    }
    assert severities("--no-config", ".", cwd=tmp_path) == {"pod-host-path-volume": "warning"}
    missing = run_kslint("lint", "--config", "nope.yaml", ".", cwd=tmp_path)
    assert missing.returncode == 2
    assert "nope.yaml does not exist" in missing.stderr


def test_cli_flags_override_the_file(tmp_path: Path) -> None:
    config = """\
        select: [statefulset-service-not-found]
        severity: {statefulset-service-not-found: info}
        fail_on: info
    """
    write_repo(tmp_path, {".kslint.yaml": config, "db.yaml": DB, "c.yaml": HOST_PATH_DEPLOYMENT})
    # The file: only the selected rule, at its configured severity, and fail_on info fails.
    result = run_kslint("lint", ".", cwd=tmp_path)
    assert result.returncode == 1
    assert "info[statefulset-service-not-found]" in result.stdout
    assert "pod-host-path-volume" not in result.stdout
    # --fail-on overrides fail_on; --severity overrides the file's entry.
    assert run_kslint("lint", ".", "--fail-on", "warning", cwd=tmp_path).returncode == 0
    assert severities(".", "--severity", "statefulset-service-not-found=error", cwd=tmp_path) == {
        "statefulset-service-not-found": "error"
    }
    # --select replaces the file's select; --ignore adds to its ignore.
    assert rules(".", "--select", "volumes,statefulset-service", cwd=tmp_path) == {
        "pod-host-path-volume",
        "statefulset-service-not-found",
    }
    assert rules(
        ".",
        "--select",
        "volumes",
        "--select",
        "statefulset-service",
        "--ignore",
        "volumes",
        cwd=tmp_path,
    ) == {"statefulset-service-not-found"}


def test_unknown_rules_in_flags_are_usage_errors(tmp_path: Path) -> None:
    write_repo(tmp_path, {"c.yaml": HOST_PATH_DEPLOYMENT})
    result = run_kslint("lint", ".", "--select", "pod-host-path-volumes", cwd=tmp_path)
    assert result.returncode == 2
    assert "--select: unknown rule or family 'pod-host-path-volumes'" in result.stderr
    assert "did you mean 'pod-host-path-volume'?" in result.stderr
    result = run_kslint("lint", ".", "--severity", "pod-host-path-volume", cwd=tmp_path)
    assert result.returncode == 2
    assert "expected RULE=LEVEL" in result.stderr
    result = run_kslint("lint", ".", "--severity", "pod-host-path-volume=warn", cwd=tmp_path)
    assert result.returncode == 2
    assert "'warn' is not one of error, warning, info, off (did you mean 'warning'?)" in (
        result.stderr
    )


# ---------------------------------------------------------------------------------------
# Settings


def test_severity_by_family_rule_beats_family_and_off(tmp_path: Path) -> None:
    config = """\
        severity:
          statefulset-service: error
          volumes: info
          pod-host-path-volume: warning
    """
    write_repo(tmp_path, {".kslint.yaml": config, "db.yaml": DB, "c.yaml": HOST_PATH_DEPLOYMENT})
    assert severities(".", cwd=tmp_path) == {
        "statefulset-service-not-found": "error",
        "pod-host-path-volume": "warning",
    }
    (tmp_path / ".kslint.yaml").write_text("severity: {statefulset-service: off}\n")
    assert rules(".", cwd=tmp_path) == {"pod-host-path-volume"}


def test_select_keeps_input_problems_and_ignore_wins(tmp_path: Path) -> None:
    write_repo(
        tmp_path,
        {
            ".kslint.yaml": "select: [statefulset-service]\n",
            "db.yaml": DB,
            "c.yaml": HOST_PATH_DEPLOYMENT,
            "broken.yaml": "a: [1\n",
        },
    )
    assert rules(".", cwd=tmp_path) == {"statefulset-service-not-found", "invalid-yaml"}
    (tmp_path / ".kslint.yaml").write_text("select: [statefulset-service]\nignore: [input]\n")
    assert rules(".", cwd=tmp_path) == {"statefulset-service-not-found"}


def test_namespace_setting_and_flag(tmp_path: Path) -> None:
    service = """\
        apiVersion: v1
        kind: Service
        metadata: {name: db, namespace: data}
        spec:
          clusterIP: None
          selector: {app: db}
    """
    write_repo(tmp_path, {".kslint.yaml": "namespace: data\n", "db.yaml": DB, "svc.yaml": service})
    assert rules(".", cwd=tmp_path) == set()
    assert rules(".", "--namespace", "default", cwd=tmp_path) == {"statefulset-service-not-found"}


def test_include_and_exclude_globs_are_relative_to_the_config(tmp_path: Path) -> None:
    config = """\
        include: ["deploy/**"]
        exclude: ["deploy/vendor", "*.generated.yaml"]
    """
    write_repo(
        tmp_path,
        {
            ".kslint.yaml": config,
            "deploy/app/c.yaml": HOST_PATH_DEPLOYMENT,
            "deploy/vendor/c.yaml": HOST_PATH_DEPLOYMENT,
            "deploy/app/c.generated.yaml": HOST_PATH_DEPLOYMENT,
            "other/c.yaml": HOST_PATH_DEPLOYMENT,
        },
    )
    assert findings(cwd=tmp_path) == [("pod-host-path-volume", "deploy/app/c.yaml", 17)]
    # From a subdirectory the globs still mean the same files.
    assert findings(".", cwd=tmp_path / "deploy") == [("pod-host-path-volume", "app/c.yaml", 17)]
    # --exclude (relative to the working directory) adds to the file's excludes.
    assert findings("--exclude", "deploy/app", cwd=tmp_path) == []


def test_stateful_images_extend_and_replace(tmp_path: Path) -> None:
    postgres = DB.replace("name: db\n", "name: pg\n", 1).replace("mydb:1.0", "postgres:16")
    write_repo(tmp_path, {"db.yaml": DB, "pg.yaml": postgres})
    rule = "database-without-persistent-storage"
    assert [f[1] for f in findings(".", cwd=tmp_path) if f[0] == rule] == ["pg.yaml"]
    (tmp_path / ".kslint.yaml").write_text("stateful_images: {extend: [mydb]}\n")
    assert [f[1] for f in findings(".", cwd=tmp_path) if f[0] == rule] == ["db.yaml", "pg.yaml"]
    (tmp_path / ".kslint.yaml").write_text("stateful_images: {replace: [mydb]}\n")
    assert [f[1] for f in findings(".", cwd=tmp_path) if f[0] == rule] == ["db.yaml"]


def test_cluster_objects_silence_not_found_rules(tmp_path: Path) -> None:
    write_repo(tmp_path, {"web.yaml": WEB, "db.yaml": DB})
    assert rules(".", cwd=tmp_path) >= {"pvc-not-found", "statefulset-service-not-found"}
    config = """\
        cluster:
          persistent_volume_claims: [default/web-data]
          services: [default/db]
    """
    (tmp_path / ".kslint.yaml").write_text(textwrap.dedent(config))
    found = rules(".", cwd=tmp_path)
    assert "pvc-not-found" not in found
    assert "statefulset-service-not-found" not in found
    # Another namespace is another object.
    (tmp_path / ".kslint.yaml").write_text("cluster: {services: [other/db]}\n")
    assert "statefulset-service-not-found" in rules(".", cwd=tmp_path)


def test_cluster_storage_classes_turn_on_the_complete_inventory(tmp_path: Path) -> None:
    write_repo(tmp_path, {"pvc.yaml": PVC})
    assert "storageclass-not-found" not in rules(".", cwd=tmp_path)
    (tmp_path / ".kslint.yaml").write_text("cluster: {storage_classes: [standard, gp3]}\n")
    assert "storageclass-not-found" in rules(".", cwd=tmp_path)
    (tmp_path / ".kslint.yaml").write_text("cluster: {storage_classes: [standard, fast]}\n")
    assert "storageclass-not-found" not in rules(".", cwd=tmp_path)


# ---------------------------------------------------------------------------------------
# Project context: pre-commit passes only the changed files


def test_linting_only_the_deployment_resolves_its_claim_from_context(tmp_path: Path) -> None:
    write_repo(tmp_path, {"deploy/web.yaml": WEB, "deploy/pvc.yaml": PVC})
    # Without configuration a file given alone is its own context, as before.
    assert rules("deploy/web.yaml", cwd=tmp_path) == {"pvc-not-found"}
    # With a configuration file, the project is loaded to resolve references.
    (tmp_path / ".kslint.yaml").write_text("fail_on: error\n")
    result = run_kslint("lint", "--format", "json", "deploy/web.yaml", cwd=tmp_path)
    document = json.loads(result.stdout)
    assert [(f["rule"], f["file"]) for f in document["findings"]] == [
        ("deployment-shared-rwo-pvc", "deploy/web.yaml")
    ]
    related = document["findings"][0]["related"]
    assert [r["file"] for r in related] == ["deploy/pvc.yaml"]
    assert document["summary"]["files"] == 1
    assert result.returncode == 1


def test_context_reports_findings_that_name_a_given_file_as_related(tmp_path: Path) -> None:
    other = WEB.replace("name: web\n", "name: api\n", 1).replace("replicas: 2", "replicas: 1")
    write_repo(
        tmp_path, {".kslint.yaml": "{}\n", "web.yaml": WEB, "api.yaml": other, "pvc.yaml": PVC}
    )
    # pvc-shared-across-workloads belongs to the PVC, but names api.yaml as related.
    assert ("pvc-shared-across-workloads", "pvc.yaml", 6) in findings("api.yaml", cwd=tmp_path)
    # Findings about other files that do not involve the given one stay out.
    assert all(
        f[1] == "api.yaml" or f[0] == "pvc-shared-across-workloads"
        for f in findings("api.yaml", cwd=tmp_path)
    )


def test_context_setting_and_include_default(tmp_path: Path) -> None:
    write_repo(
        tmp_path,
        {
            ".kslint.yaml": "context: [cluster-state]\n",
            "deploy/web.yaml": WEB,
            "cluster-state/pvc.yaml": PVC,
            "elsewhere/pvc.yaml": PVC.replace("web-data", "unrelated"),
        },
    )
    assert "pvc-not-found" not in rules("deploy/web.yaml", cwd=tmp_path)
    (tmp_path / ".kslint.yaml").write_text('include: ["deploy/**"]\n')
    # The default context is the include globs: the claim outside them is not loaded.
    assert "pvc-not-found" in rules("deploy/web.yaml", cwd=tmp_path)


@pytest.mark.parametrize("name", [".kslint.yaml", "pyproject.toml"])
def test_empty_configuration_is_valid(tmp_path: Path, name: str) -> None:
    text = "" if name == ".kslint.yaml" else "[tool.kslint]\n"
    write_repo(tmp_path, {name: text, "c.yaml": HOST_PATH_DEPLOYMENT})
    assert rules(".", cwd=tmp_path) == {"pod-host-path-volume"}


def _readme_blocks(language: str) -> list[str]:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("<!-- section: configuration -->", 1)[1].split("<!-- section:", 1)[0]
    return [block.split("```", 1)[0] for block in section.split(f"```{language}\n")[1:]]


def test_the_readme_examples_are_valid_configurations(tmp_path: Path) -> None:
    yaml_example = _readme_blocks("yaml")[0]
    toml_example = _readme_blocks("toml")[0]
    assert yaml_example.startswith("# yaml-language-server: $schema=")
    write_repo(
        tmp_path / "a", {".kslint.yaml": yaml_example, "deploy/c.yaml": HOST_PATH_DEPLOYMENT}
    )
    for folder in ("cluster-state", "policies", "schemas/crds"):  # paths the example names
        (tmp_path / "a" / folder).mkdir(parents=True)
    result = run_kslint("lint", "deploy/c.yaml", cwd=tmp_path / "a")
    assert result.returncode in (0, 1), result.stderr
    write_repo(tmp_path / "b", {"pyproject.toml": toml_example, "c.yaml": HOST_PATH_DEPLOYMENT})
    result = run_kslint("lint", "c.yaml", cwd=tmp_path / "b")
    assert result.returncode in (0, 1), result.stderr

"""Runs that render are cached too (issue 18): the key holds every file the renders read
(a base outside the linted folder included) and the renderer's version, so a warm run
reports exactly what a cold one does, and a changed base is never served stale."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from helpers import run_kslint, write_repo

pytestmark = pytest.mark.skipif(
    shutil.which("kustomize") is None and shutil.which("kubectl") is None,
    reason="needs kustomize or kubectl (kubectl kustomize)",
)

PROJECT = {
    "base/kustomization.yaml": "resources: [deploy.yaml, pvc.yaml]\n",
    "base/deploy.yaml": """\
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: db}
        spec:
          replicas: 1
          selector: {matchLabels: {app: db}}
          template:
            metadata: {labels: {app: db}}
            spec:
              containers: [{name: db, image: postgres:15}]
              volumes:
                - name: data
                  persistentVolumeClaim: {claimName: data}
        """,
    "base/pvc.yaml": """\
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata: {name: data}
        spec:
          accessModes: [ReadWriteOnce]
          resources: {requests: {storage: 1Gi}}
        """,
    "overlays/prod/kustomization.yaml": """\
        resources: [../../base]
        replicas:
          - name: db
            count: 3
        """,
}


def _lint(root: Path, tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = {"XDG_CACHE_HOME": str(tmp_path / "user-cache")}
    return run_kslint("lint", "overlays/prod", "--fail-on", "never", *args, cwd=root, env=env)


def _run_entries(root: Path) -> set[Path]:
    return {p for p in (root / ".kslint_cache" / "run").rglob("*") if p.is_file()}


@pytest.mark.parametrize("format", ["text", "json"])
def test_a_warm_run_that_renders_reports_what_a_cold_run_does(tmp_path: Path, format: str) -> None:
    root = write_repo(tmp_path / "project", PROJECT)
    cold = _lint(root, tmp_path, "--format", format, "--no-cache")
    first = _lint(root, tmp_path, "--format", format)
    entries = _run_entries(root)
    assert len(entries) == 1
    warm = _lint(root, tmp_path, "--format", format)
    assert _run_entries(root) == entries  # served from the entry, nothing new written
    assert cold.stdout == first.stdout == warm.stdout
    assert "deployment-shared-rwo-pvc" in warm.stdout  # the overlay's 3 replicas
    if format == "text":  # the base's excerpt, though the base is not among the inputs
        assert "13 |           persistentVolumeClaim: {claimName: data}" in warm.stdout


def test_a_changed_base_outside_the_linted_folder_is_a_new_entry(tmp_path: Path) -> None:
    root = write_repo(tmp_path / "project", PROJECT)
    before = json.loads(_lint(root, tmp_path, "--format", "json").stdout)
    assert before["findings"]
    # The base (not linted itself: only overlays/prod is) switches to a shared claim.
    pvc = root / "base" / "pvc.yaml"
    pvc.write_text(pvc.read_text().replace("ReadWriteOnce", "ReadWriteMany"))
    after = json.loads(_lint(root, tmp_path, "--format", "json").stdout)
    cold = json.loads(_lint(root, tmp_path, "--format", "json", "--no-cache").stdout)
    assert after == cold
    assert len(_run_entries(root)) == 2
    rules = {f["rule"] for f in before["findings"]}
    assert "deployment-shared-rwo-pvc" in rules
    assert "deployment-shared-rwo-pvc" not in {f["rule"] for f in after["findings"]}


def test_another_renderer_is_a_new_entry(tmp_path: Path) -> None:
    root = write_repo(tmp_path / "project", PROJECT)
    _lint(root, tmp_path, "--format", "json")
    # The same kustomize under another command (a wrapper script): its own entry.
    wrapper = tmp_path / "kustomize-wrapper"
    kustomize = shutil.which("kustomize")
    if kustomize is not None:
        script = f'exec {kustomize} "$@"'
    else:
        kubectl = shutil.which("kubectl")
        script = (
            f'if [ "$1" = version ]; then {kubectl} version --client | grep Kustomize; exit; fi\n'
            f'shift; exec {kubectl} kustomize "$@"'
        )
    wrapper.write_text(f"#!/bin/sh\n{script}\n")
    wrapper.chmod(0o755)
    default = _lint(root, tmp_path, "--format", "json")
    other = _lint(root, tmp_path, "--format", "json", "--kustomize-command", str(wrapper))
    assert len(_run_entries(root)) == 2
    assert json.loads(other.stdout) == json.loads(default.stdout)  # rendered the same


def test_a_missing_patch_file_is_keyed_as_absent(tmp_path: Path) -> None:
    """A kustomization naming a file that is not there fails to render, the same way each
    run: the run is cached (keyed with the file absent), and is cold again once it is."""
    project = {
        **PROJECT,
        "overlays/prod/kustomization.yaml": "resources: [../../base]\npatches: [{path: p.yaml}]\n",
    }
    root = write_repo(tmp_path / "project", project)
    first = _lint(root, tmp_path, "--format", "json")
    assert "render-failed" in {f["rule"] for f in json.loads(first.stdout)["findings"]}
    entries = _run_entries(root)
    assert len(entries) == 1
    assert _lint(root, tmp_path, "--format", "json").stdout == first.stdout
    assert _run_entries(root) == entries  # served from the entry
    (root / "overlays" / "prod" / "p.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: db}\nspec: {replicas: 2}\n"
    )
    after = json.loads(_lint(root, tmp_path, "--format", "json").stdout)
    assert "render-failed" not in {f["rule"] for f in after["findings"]}
    assert len(_run_entries(root)) == 2

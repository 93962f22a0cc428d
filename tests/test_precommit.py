"""The published pre-commit hook, run by the real ``pre-commit`` against a temporary git
repository: a bad manifest fails the hook, a good one passes, and a changed Deployment
still finds its claim in an unchanged file (the configuration's project context).

pre-commit builds the hook's own virtualenv with pip (PyPI is reachable here and in CI).
One environment is built per test session, in a temporary PRE_COMMIT_HOME, from a snapshot
of this source tree committed to a scratch repository (so its revision, and with it the
environment, stays the same for every call).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from manifests import HOST_PATH_DEPLOYMENT

ROOT = Path(__file__).resolve().parent.parent
# What pip needs to build and install kslint (see pyproject.toml's build targets).
SOURCES = ("kslint", "rules", "schemas", "pyproject.toml", "README.md", ".pre-commit-hooks.yaml")
# pip's words when no package index can be reached (offline, proxy, DNS).
NO_INDEX = re.compile(
    r"Could not find a version that satisfies the requirement"
    r"|No matching distribution found"
    r"|Failed to establish a new connection"
    r"|Temporary failure in name resolution"
    r"|Network is unreachable"
    r"|ProxyError"
)

CONFIG = "# kslint configuration: the whole repository is the context of pre-commit runs.\n"

CLAIM = """\
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: web-data
spec:
  accessModes: [ReadWriteOnce]
  storageClassName: standard
  resources: {requests: {storage: 1Gi}}
"""

GOOD = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
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
          volumeMounts:
            - {name: data, mountPath: /data}
      volumes:
        - name: data
          persistentVolumeClaim:
            claimName: web-data
"""


def _environment(home: Path) -> dict[str, str]:
    return {
        **os.environ,
        "PRE_COMMIT_HOME": str(home),
        "PRE_COMMIT_COLOR": "never",
        "NO_COLOR": "1",
        "GIT_AUTHOR_NAME": "kslint tests",
        "GIT_AUTHOR_EMAIL": "tests@kslint.invalid",
        "GIT_COMMITTER_NAME": "kslint tests",
        "GIT_COMMITTER_EMAIL": "tests@kslint.invalid",
    }


def _git(cwd: Path, *args: str, env: dict[str, str]) -> None:
    subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True)


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A committed snapshot of this source tree, and the environment for pre-commit."""
    if shutil.which("git") is None:
        pytest.fail("git is needed to run pre-commit")
    base = tmp_path_factory.mktemp("precommit")
    env = _environment(base / "pre-commit-home")
    snapshot = base / "kslint-hook"
    snapshot.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, snapshot / name, ignore=ignore)
        else:
            shutil.copy2(source, snapshot / name)
    _git(snapshot, "init", "-q", env=env)
    _git(snapshot, "add", "-A", env=env)
    _git(snapshot, "commit", "-q", "-m", "snapshot", env=env)
    return snapshot, env


def _try_repo(
    project: Path, hook_repo: tuple[Path, dict[str, str]], hook: str = "kslint"
) -> tuple[int, str]:
    snapshot, env = hook_repo
    result = subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(snapshot), hook],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    output = result.stdout + result.stderr
    if result.returncode not in (0, 1) or (
        "An unexpected error has occurred" in output and NO_INDEX.search(output)
    ):
        log = Path(env["PRE_COMMIT_HOME"]) / "pre-commit.log"
        details = log.read_text(errors="replace") if log.is_file() else ""
        if NO_INDEX.search(output + details):
            pytest.skip("pip cannot reach a package index to build the hook's environment")
        pytest.fail(f"pre-commit failed to run the hook:\n{output}\n{details}")
    return result.returncode, output


def test_the_hook_fails_a_bad_manifest_and_passes_a_good_one(
    tmp_path: Path, hook_repo: tuple[Path, dict[str, str]]
) -> None:
    _, env = hook_repo
    project = tmp_path / "project"
    (project / "deploy").mkdir(parents=True)
    _git(project, "init", "-q", env=env)
    (project / ".kslint.yaml").write_text(CONFIG)
    (project / "deploy" / "claim.yaml").write_text(CLAIM)
    _git(project, "add", ".kslint.yaml", "deploy/claim.yaml", env=env)
    _git(project, "commit", "-q", "-m", "the claim", env=env)

    # Only the changed Deployment is passed to the hook; its claim comes from context.
    (project / "deploy" / "web.yaml").write_text(GOOD)
    _git(project, "add", "deploy/web.yaml", env=env)
    code, output = _try_repo(project, hook_repo)
    assert code == 0, output
    assert re.search(r"kslint\.+Passed", output), output

    _git(project, "commit", "-q", "-m", "web", env=env)
    (project / "deploy" / "cache.yaml").write_text(HOST_PATH_DEPLOYMENT)
    _git(project, "add", "deploy/cache.yaml", env=env)
    code, output = _try_repo(project, hook_repo)
    assert code == 1, output
    assert re.search(r"kslint\.+Failed", output), output
    assert "deploy/cache.yaml:17:11: warning[pod-host-path-volume]" in output
    assert "web.yaml" not in output  # unchanged files are context, not reported


def test_the_fix_hook_fixes_and_fails_then_passes(
    tmp_path: Path, hook_repo: tuple[Path, dict[str, str]]
) -> None:
    """kslint-fix writes the safe fix and fails (the change must be reviewed and staged),
    then passes once the fixed file is staged."""
    _, env = hook_repo
    project = tmp_path / "project"
    (project / "deploy").mkdir(parents=True)
    _git(project, "init", "-q", env=env)
    (project / ".kslint.yaml").write_text(CONFIG)
    (project / "deploy" / "claim.yaml").write_text(CLAIM)
    _git(project, "add", ".kslint.yaml", "deploy/claim.yaml", env=env)
    _git(project, "commit", "-q", "-m", "the claim", env=env)

    rolling = GOOD.replace("  strategy: {type: Recreate}\n", "")
    (project / "deploy" / "web.yaml").write_text(rolling)
    _git(project, "add", "deploy/web.yaml", env=env)
    code, output = _try_repo(project, hook_repo, "kslint-fix")
    assert code == 1, output
    assert re.search(r"kslint fix\.+Failed", output), output
    assert "deploy/web.yaml:5:1: deployment-rwo-rolling-update: fixed (safe)" in output
    fixed = (project / "deploy" / "web.yaml").read_text()
    assert fixed == rolling.replace(
        "  replicas: 1\n",
        "  replicas: 1\n  strategy:\n    rollingUpdate:\n      maxSurge: 0\n      maxUnavailable: 1\n",
    )

    _git(project, "add", "deploy/web.yaml", env=env)
    code, output = _try_repo(project, hook_repo, "kslint-fix")
    assert code == 0, output
    assert re.search(r"kslint fix\.+Passed", output), output


@pytest.mark.skipif(
    shutil.which("kustomize") is None and shutil.which("kubectl") is None,
    reason="needs kustomize or kubectl (kubectl kustomize)",
)
def test_a_changed_file_named_kustomization_runs_the_hook(
    tmp_path: Path, hook_repo: tuple[Path, dict[str, str]]
) -> None:
    """kustomize's suffixless file name carries no file type: the hook still takes it,
    re-renders its overlay, and fails on what the change caused in the base."""
    _, env = hook_repo
    project = tmp_path / "project"
    (project / "base").mkdir(parents=True)
    (project / "overlays" / "prod").mkdir(parents=True)
    _git(project, "init", "-q", env=env)
    (project / ".kslint.yaml").write_text(CONFIG)
    (project / "base" / "kustomization.yaml").write_text("resources: [web.yaml, claim.yaml]\n")
    (project / "base" / "web.yaml").write_text(GOOD)
    (project / "base" / "claim.yaml").write_text(CLAIM)
    overlay = project / "overlays" / "prod" / "Kustomization"
    overlay.write_text("resources: [../../base]\n")
    _git(project, "add", "-A", env=env)
    _git(project, "commit", "-q", "-m", "base and overlay", env=env)

    overlay.write_text("resources: [../../base]\nreplicas:\n  - name: web\n    count: 3\n")
    _git(project, "add", "overlays/prod/Kustomization", env=env)
    code, output = _try_repo(project, hook_repo)
    assert code == 1, output
    assert re.search(r"kslint\.+Failed", output), output
    assert "base/web.yaml:22:24: error[deployment-shared-rwo-pvc]" in output  # claimName
    assert "related: overlays/prod/Kustomization:4:5" in output

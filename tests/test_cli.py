"""The CLI as users run it: a subprocess, with exit codes, stdin, reports and files."""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path

import pytest
from helpers import run_kslint

from kslint import __version__

SHARED_RWO = """\
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data}
spec:
  storageClassName: standard
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 1Gi}}
---
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
          image: nginx:1.27
      volumes:
        - name: data
          persistentVolumeClaim:
            claimName: data
"""

CLEAN = """\
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports: [{port: 80}]
"""

# As users run it: their own environment (no NO_COLOR added), output as bytes.
run = partial(run_kslint, text=False, no_color=False)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "k8s").mkdir()
    (tmp_path / "k8s" / "web.yaml").write_text(SHARED_RWO)
    (tmp_path / "k8s" / "svc.yaml").write_text(CLEAN)
    return tmp_path


def test_version(tmp_path: Path) -> None:
    result = run("--version", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.decode().strip() == f"kslint {__version__}"


def test_text_report_and_exit_code(project: Path) -> None:
    result = run("lint", "k8s", cwd=project)
    assert result.returncode == 1
    out = result.stdout.decode()
    first = out.splitlines()[0]
    assert first.startswith(
        "k8s/web.yaml:28:24: error[deployment-shared-rwo-pvc] Deployment default/web runs up to 3"
    )
    assert "   28 |             claimName: data" in out
    assert "      |                        ^^^^" in out
    assert "= related: k8s/web.yaml:6:3: PersistentVolumeClaim default/data is ReadWriteOnce" in out
    assert "= fix: " in out
    assert out.rstrip().splitlines()[-2:] == [
        "1 error, 0 warnings, 0 info in 2 files, 3 objects",
        "failed: 1 finding at or above warning: 1 deployment-shared-rwo-pvc",
    ]
    assert "\x1b[" not in out  # no colour when not on a terminal


def test_clean_input_exits_zero(project: Path) -> None:
    result = run("lint", "k8s/svc.yaml", cwd=project)
    assert result.returncode == 0
    assert result.stdout.decode().strip() == "0 errors, 0 warnings, 0 info in 1 file, 1 object"


def test_fail_on(project: Path) -> None:
    assert run("lint", "k8s", "--fail-on", "never", cwd=project).returncode == 0
    assert run("lint", "k8s", "--fail-on", "error", cwd=project).returncode == 1


def test_json_shape(project: Path) -> None:
    result = run("lint", "k8s", "--format", "json", cwd=project)
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["version"] == 1
    assert report["summary"] == {
        "files": 2,
        "documents": 3,
        "objects": 3,
        "skipped": 0,
        "findings": {"error": 1, "warning": 0, "info": 0},
        "fixable": {"safe": 0, "unsafe": 0},
        "schema": {
            "kubernetes_version": "1.37",
            "kubernetes_versions": ["1.37"],
            "without_schema_validation": [],
            "validated": 3,
            "without_schema": 0,
        },
    }
    (finding,) = report["findings"]
    assert finding == {
        "rule": "deployment-shared-rwo-pvc",
        "severity": "error",
        "message": finding["message"],
        "file": "k8s/web.yaml",
        "line": 28,
        "column": 24,
        "end_line": 28,
        "end_column": 28,
        "object": {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "namespace": "default",
            "name": "web",
        },
        "fix": finding["fix"],
        "related": [
            {
                "file": "k8s/web.yaml",
                "line": 6,
                "column": 3,
                "message": "PersistentVolumeClaim default/data is ReadWriteOnce",
            }
        ],
        "units": ["plain"],
        "fixable": False,
        "autofix": None,
    }
    assert "PersistentVolumeClaim default/data" in finding["message"]


def test_stdin(project: Path) -> None:
    result = run("lint", "-", "--format", "json", cwd=project, stdin=SHARED_RWO)
    assert result.returncode == 1
    (finding,) = json.loads(result.stdout)["findings"]
    assert (finding["file"], finding["line"]) == ("<stdin>", 28)


def test_output_file(project: Path) -> None:
    result = run("lint", "k8s", "--format", "json", "--output", "report.json", cwd=project)
    assert result.returncode == 1
    assert result.stdout == b""
    assert json.loads((project / "report.json").read_text())["summary"]["objects"] == 3


def test_exclude_and_namespace(project: Path) -> None:
    result = run("lint", "k8s", "--exclude", "*/web.yaml", cwd=project)
    assert result.returncode == 0
    result = run("lint", "k8s", "-n", "prod", "--format", "json", cwd=project)
    (finding,) = json.loads(result.stdout)["findings"]
    assert finding["object"]["namespace"] == "prod"


@pytest.mark.parametrize(
    "args",
    [
        ("lint", "missing-dir"),
        ("lint", "k8s", "--no-such-option"),
        ("lint", "k8s", "--format", "xml"),
        ("lint", "k8s", "--fail-on", "sometimes"),
    ],
)
def test_usage_errors_exit_2(project: Path, args: tuple[str, ...]) -> None:
    result = run(*args, cwd=project)
    assert result.returncode == 2
    assert b"Traceback" not in result.stderr


def test_bad_files_do_not_stop_the_others(project: Path) -> None:
    (project / "k8s" / "broken.yaml").write_text("kind: [\n")
    (project / "k8s" / "binary.json").write_bytes(b"\x00\x01\x02\xff")
    result = run("lint", "k8s", "--format", "json", cwd=project)
    assert result.returncode == 1
    assert b"Traceback" not in result.stderr
    rules = sorted((f["file"], f["rule"]) for f in json.loads(result.stdout)["findings"])
    assert rules == [
        ("k8s/binary.json", "invalid-yaml"),
        ("k8s/broken.yaml", "invalid-yaml"),
        ("k8s/web.yaml", "deployment-shared-rwo-pvc"),
    ]


def test_no_color_even_on_request(project: Path) -> None:
    result = run("lint", "k8s", cwd=project, env={"NO_COLOR": "1"})
    assert b"\x1b[" not in result.stdout


def test_directory_walk_is_sorted_and_skips_hidden(project: Path) -> None:
    (project / "k8s" / ".hidden").mkdir()
    (project / "k8s" / ".hidden" / "x.yaml").write_text("kind: [\n")
    (project / "k8s" / "notes.txt").write_text("kind: [\n")
    (project / "k8s" / "loop").symlink_to(project / "k8s")
    result = run("lint", "k8s", "--format", "json", cwd=project)
    report = json.loads(result.stdout)
    assert report["summary"]["files"] == 2

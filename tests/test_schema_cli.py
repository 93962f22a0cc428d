"""The schema options on the command line: --kubernetes-version, --schema-dir, --verbose."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from helpers import run_kslint

FIXTURES = Path(__file__).parent / "fixtures"

OLD_CLASS = """\
apiVersion: storage.k8s.io/v1beta1
kind: VolumeAttributesClass
metadata: {name: gold}
driverName: pd.csi.storage.gke.io
"""


def rules_of(result: subprocess.CompletedProcess[str]) -> list[tuple[str, int, int]]:
    return [(f["rule"], f["line"], f["column"]) for f in json.loads(result.stdout)["findings"]]


def test_kubernetes_version_switch(tmp_path: Path) -> None:
    (tmp_path / "class.yaml").write_text(OLD_CLASS)
    args = ["lint", "class.yaml", "--format", "json"]
    newest = run_kslint(*args, cwd=tmp_path)
    older = run_kslint(*args, "--kubernetes-version", "1.36", cwd=tmp_path)
    assert newest.returncode == 1, newest.stderr
    assert rules_of(newest) == [("removed-api-version", 1, 13)]
    assert older.returncode == 1, older.stderr
    assert rules_of(older) == [("deprecated-api-version", 1, 13)]
    gate = run_kslint(*args, "--kubernetes-version", "v1.36", "--fail-on", "error", cwd=tmp_path)
    assert gate.returncode == 0, gate.stderr  # a warning does not fail an error gate


def test_unsupported_version_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "class.yaml").write_text(OLD_CLASS)
    for version in ("1.15", "1.38", "1.31,2.0", "latest"):
        result = run_kslint("lint", "class.yaml", "--kubernetes-version", version, cwd=tmp_path)
        assert result.returncode == 2, version
        assert "unsupported Kubernetes version" in result.stderr
        assert "supported: 1.16 to 1.37 (schemas bundled for 1.25 to 1.37)" in result.stderr
        assert "Traceback" not in result.stderr


def test_schema_dir_and_verbose(tmp_path: Path) -> None:
    folder = tmp_path / "project"
    shutil.copytree(FIXTURES / "schema-dir", folder)
    # Zalando's postgresql has a bundled schema (schemas/operators/); its
    # OperatorConfiguration does not.
    without = run_kslint("lint", "clusters.yaml", "--verbose", "--ignore", "operators", cwd=folder)
    assert without.returncode == 1, without.stderr
    assert "2 objects validated, 1 without a schema" in without.stderr
    assert "no schema: acid.zalan.do/v1 postgresql" not in without.stderr
    assert "no schema: acid.zalan.do/v1 OperatorConfiguration (1)" in without.stderr
    # A --schema-dir schema takes precedence over the bundled one.
    with_dir = run_kslint(
        "lint",
        "clusters.yaml",
        "--schema-dir",
        "schemas",
        "--ignore",
        "operators",
        "--format",
        "json",
        cwd=folder,
    )
    assert with_dir.returncode == 1, with_dir.stderr
    assert rules_of(with_dir) == [
        ("unknown-field", 18, 3),
        ("schema-violation", 20, 11),
        ("schema-violation", 27, 12),
    ]


def test_text_format_counts_objects_without_schema(tmp_path: Path) -> None:
    (tmp_path / "w.yaml").write_text(
        "apiVersion: example.org/v1\nkind: Widget\nmetadata: {name: w}\n"
    )
    result = run_kslint("lint", "w.yaml", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "0 objects validated, 1 without a schema (--verbose lists their kinds)" in result.stderr

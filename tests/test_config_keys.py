"""Config keys that reach other stages: policies, kubernetes_version and schema_dirs, each
also settable on the command line (the flag wins for the version, adds for folders)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from helpers import run_kslint

FIXTURES = Path(__file__).parent / "fixtures"

POLICY = """\
id: team-claims-have-owner
severity: warning
summary: Every claim names its owning team.
why: Orphaned disks are found by owner.
fix: Add a `team` label.
match:
  kinds: [PersistentVolumeClaim]
assert:
  properties:
    metadata:
      required: [labels]
      properties:
        labels:
          required: [team]
message: "${object} has no team label."
examples:
  bad:
    - line: 3
      manifest: |
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata:
          name: data
  good:
    - manifest: |
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata:
          name: data
          labels: {team: db}
"""

CLAIM = """\
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: data
spec:
  accessModes: [ReadWriteOnce]
  storageClassName: standard
  resources: {requests: {storage: 1Gi}}
"""

VOLUME_ATTRIBUTES_CLASS = """\
apiVersion: storage.k8s.io/v1beta1
kind: VolumeAttributesClass
metadata:
  name: gold
driverName: pd.csi.storage.gke.io
"""


def lint(cwd: Path, *args: str) -> tuple[int, list[tuple[str, int, int]], str]:
    result = run_kslint("lint", *args, "--format", "json", cwd=cwd)
    if result.returncode == 2:
        return 2, [], result.stderr
    findings = json.loads(result.stdout)["findings"]
    return result.returncode, [(f["rule"], f["line"], f["column"]) for f in findings], result.stderr


def test_policies_from_config_can_be_named_by_the_config(tmp_path: Path) -> None:
    (tmp_path / "policies").mkdir()
    (tmp_path / "policies" / "owner.yaml").write_text(POLICY)
    (tmp_path / "claim.yaml").write_text(CLAIM)
    (tmp_path / ".kslint.yaml").write_text(
        "policies: [policies]\nseverity:\n  team-claims-have-owner: error\n"
    )
    code, findings, _ = lint(tmp_path, "claim.yaml")
    assert (code, findings) == (1, [("team-claims-have-owner", 3, 1)])
    # Without the policy loaded, the severity entry names an unknown rule: exit 2.
    (tmp_path / ".kslint.yaml").write_text("severity:\n  team-claims-have-owner: error\n")
    code, _, stderr = lint(tmp_path, "claim.yaml")
    assert code == 2
    assert ".kslint.yaml:2:3: severity: unknown rule or family 'team-claims-have-owner'" in stderr


def test_missing_policy_folder_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "claim.yaml").write_text(CLAIM)
    (tmp_path / ".kslint.yaml").write_text("policies: [nowhere]\n")
    code, _, stderr = lint(tmp_path, "claim.yaml")
    assert code == 2
    assert ".kslint.yaml:1:12: policies: path 'nowhere' does not exist" in stderr


def test_kubernetes_version_from_config_and_flag(tmp_path: Path) -> None:
    (tmp_path / "vac.yaml").write_text(VOLUME_ATTRIBUTES_CLASS)
    assert lint(tmp_path, "vac.yaml")[1] == [("removed-api-version", 1, 13)]
    (tmp_path / ".kslint.yaml").write_text('kubernetes_version: "1.36"\n')
    assert lint(tmp_path, "vac.yaml")[1] == [("deprecated-api-version", 1, 13)]
    assert lint(tmp_path, "vac.yaml", "--kubernetes-version", "1.37")[1] == [
        ("removed-api-version", 1, 13)
    ]
    (tmp_path / ".kslint.yaml").write_text("kubernetes_version: 1.36.2\n")
    code, _, stderr = lint(tmp_path, "vac.yaml")
    assert code == 2
    assert 'kubernetes_version: must be a minor version such as "1.36"' in stderr


def test_schema_dirs_from_config(tmp_path: Path) -> None:
    shutil.copytree(FIXTURES / "schema-dir" / "schemas", tmp_path / "crd-schemas")
    shutil.copy(FIXTURES / "schema-dir" / "clusters.yaml", tmp_path / "clusters.yaml")
    _, without, _ = lint(tmp_path, "clusters.yaml")
    (tmp_path / ".kslint.yaml").write_text("schema_dirs: [crd-schemas]\n")
    _, with_dir, _ = lint(tmp_path, "clusters.yaml")
    _, with_flag, _ = lint(tmp_path, "clusters.yaml", "--no-config", "--schema-dir", "crd-schemas")
    # The OperatorConfiguration (from line 22) has a schema only in the folder; Zalando's
    # postgresql has a bundled one (schemas/operators/) too.
    schema_rules = ("schema-violation", "unknown-field")
    assert not [f for f in without if f[0] in schema_rules and f[1] >= 22]
    assert [f for f in with_dir if f[0] in schema_rules and f[1] >= 22]
    assert with_dir == with_flag


def test_rules_and_explain_include_the_configured_policies(tmp_path: Path) -> None:
    (tmp_path / "policies").mkdir()
    (tmp_path / "policies" / "owner.yaml").write_text(POLICY)
    (tmp_path / ".kslint.yaml").write_text("policies: [policies]\n")
    listed = run_kslint("rules", cwd=tmp_path)
    assert listed.returncode == 0
    assert "team-claims-have-owner" in listed.stdout
    explained = run_kslint("explain", "team-claims-have-owner", cwd=tmp_path)
    assert explained.returncode == 0
    assert "Every claim names its owning team." in explained.stdout
    (tmp_path / ".kslint.yaml").write_text("policies: [nowhere]\n")
    broken = run_kslint("rules", cwd=tmp_path)
    assert broken.returncode == 2
    assert "policies: path 'nowhere' does not exist" in broken.stderr

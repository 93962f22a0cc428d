"""Policies from the command line, as users run it (a subprocess): ``--policy-dir`` on
``lint``, ``rules`` and ``explain``, ``kslint policy test``, exit codes, report formats,
configuration flags, Python plugins and a runaway regular expression."""

from __future__ import annotations

import json
import subprocess
import textwrap
from pathlib import Path

import pytest
from helpers import run_kslint

ROOT = Path(__file__).resolve().parent.parent
POLICIES = ROOT / "examples" / "policies"

CLAIM_ON_DELETE_CLASS = """\
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: gp3
provisioner: ebs.csi.aws.com
reclaimPolicy: Delete
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: orders-db
  namespace: prod-orders
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 50Gi}}
  storageClassName: gp3
"""

HEAD = "severity: warning\nsummary: A test policy.\nwhy: Tests.\nfix: Fix it.\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "claims.yaml").write_text(CLAIM_ON_DELETE_CLASS)
    return tmp_path


def lint(project: Path, *args: str) -> subprocess.CompletedProcess:
    policy = POLICIES / "prod-claims-retain.yaml"  # a file is accepted as well as a folder
    return run_kslint(
        "lint", "claims.yaml", "--no-config", "--policy-dir", str(policy), *args, cwd=project
    )


def test_a_policy_finding_in_the_text_report(project: Path) -> None:
    result = lint(project)
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "claims.yaml:16:3: error[prod-claims-retain] PersistentVolumeClaim prod-orders/orders-db "
        "must use a StorageClass with reclaimPolicy Retain in production (1 found in the set: "
        "StorageClass gp3; 'Retain' was expected)."
    )
    assert "      = related: claims.yaml:6:1: StorageClass gp3: 'Retain' was expected" in lines
    assert (
        "      = fix: Use one of the platform's Retain classes (`gp3-retain`, `standard-retain`) "
        "in `storageClassName`."
    ) in lines
    # Without the policy folder the same file passes the built-in rules.
    plain = run_kslint("lint", "claims.yaml", "--no-config", cwd=project)
    assert plain.returncode == 0, plain.stdout


def test_policies_in_json_and_sarif_reports(project: Path) -> None:
    document = json.loads(lint(project, "--format", "json").stdout)
    [finding] = [f for f in document["findings"] if f["rule"] == "prod-claims-retain"]
    assert (finding["line"], finding["column"], finding["severity"]) == (16, 3, "error")
    assert finding["object"]["name"] == "orders-db"
    sarif = json.loads(lint(project, "--format", "sarif").stdout)
    rules = {r["id"]: r for r in sarif["runs"][0]["tool"]["driver"]["rules"]}
    assert rules["prod-claims-retain"]["shortDescription"]["text"] == (
        "In production namespaces, every PVC uses a StorageClass with reclaimPolicy Retain."
    )
    [result] = [r for r in sarif["runs"][0]["results"] if r["ruleId"] == "prod-claims-retain"]
    region = result["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"]) == (16, 3)


def test_configuration_flags_apply_to_policies(project: Path) -> None:
    lowered = lint(project, "--severity", "prod-claims-retain=info", "--format", "json")
    assert lowered.returncode == 0, lowered.stderr  # info is below the default gate
    [finding] = json.loads(lowered.stdout)["findings"]
    assert finding["severity"] == "info"
    ignored = lint(project, "--ignore", "prod-claims-retain", "--format", "json")
    assert ignored.returncode == 0
    assert json.loads(ignored.stdout)["findings"] == []
    unknown = run_kslint(
        "lint", "claims.yaml", "--no-config", "--ignore", "prod-claims-retain", cwd=project
    )
    assert unknown.returncode == 2  # without --policy-dir the id is unknown


def test_invalid_policies_exit_2_with_every_problem(tmp_path: Path) -> None:
    policies = tmp_path / "policies"
    policies.mkdir()
    (policies / "a.yaml").write_text(
        f"id: a-policy\n{HEAD}match: {{kinds: [StatefulSet]}}\n"
        "related:\n  - edge: pdb\n    count: {min: 1}\n"
    )
    (policies / "b.yaml").write_text(
        f"id: b-policy\n{HEAD}match: {{kinds: [Pod]}}\nassert: {{type: objekt}}\n"
    )
    (policies / "c.yaml").write_text("id: c\nseverity: [\n")
    (tmp_path / "m.yaml").write_text(CLAIM_ON_DELETE_CLASS)
    result = run_kslint("lint", "m.yaml", "--no-config", "--policy-dir", "policies", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "policies/a.yaml:8:11: related[0].edge: unknown edge 'pdb' (did you mean 'pdbs'?); "
        "known edges: claims, claim_templates, all_claims, storage_class, volume, users, "
        "governing_service, selecting_services, pdbs, hpas, selected_workloads, scale_target, "
        "peers",
        "policies/b.yaml:7:16: assert.type: invalid JSON Schema: 'objekt' is not one of "
        "['array', 'boolean', 'integer', 'null', 'number', 'object', 'string'] "
        "(no alternative of anyOf matches)",
        "policies/c.yaml:3:1: YAML syntax error: did not find expected node content "
        "(while parsing a flow node).",
        "kslint: invalid policies",
    ]
    missing = run_kslint("lint", "m.yaml", "--no-config", "--policy-dir", "nowhere", cwd=tmp_path)
    assert missing.returncode == 2
    assert missing.stderr.splitlines()[0] == "nowhere:1:1: no such file or directory"


def test_policy_test_passes_the_shipped_examples() -> None:
    result = run_kslint("policy", "test", "examples/policies", cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    files = sorted(POLICIES.glob("*.yaml"))
    assert len(files) >= 5
    for path in files:
        rule_id = path.stem
        assert any(f" PASS {rule_id} bad[0]: fires at " in line for line in lines), rule_id
        assert any(f" PASS {rule_id} good[0]: does not fire" in line for line in lines), rule_id
    assert not [line for line in lines if " FAIL " in line]
    assert lines[-1].endswith(f"passed, 0 failed ({len(files)} rules)")


def test_policy_test_reports_each_failing_example(tmp_path: Path) -> None:
    (tmp_path / "p.yaml").write_text(
        textwrap.dedent(
            f"""\
            id: pv-retain
            {HEAD.replace(chr(10), chr(10) + " " * 12)}match: {{kinds: [PersistentVolume]}}
            assert:
              properties:
                spec:
                  properties:
                    persistentVolumeReclaimPolicy: {{const: Retain}}
            examples:
              bad:
                - line: 3
                  manifest: |
                    apiVersion: v1
                    kind: PersistentVolume
                    metadata: {{name: a}}
                    spec: {{persistentVolumeReclaimPolicy: Delete}}
              good:
                - manifest: |
                    apiVersion: v1
                    kind: PersistentVolume
                    metadata: {{name: a}}
                    spec: {{persistentVolumeReclaimPolicy: Recycle}}
            """
        )
    )
    result = run_kslint("policy", "test", "p.yaml", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "p.yaml:14:7: FAIL pv-retain bad[0]: expected a finding at line 3, it fires at 4:8",
        "p.yaml:21:7: FAIL pv-retain good[0]: fires at 4:8: PersistentVolume a fails policy "
        "pv-retain at spec.persistentVolumeReclaimPolicy: 'Retain' was expected.",
        "0 passed, 2 failed (1 rule)",
    ]


def test_policy_test_rejects_an_invalid_policy(tmp_path: Path) -> None:
    (tmp_path / "p.yaml").write_text(f"id: x\n{HEAD}match: {{kinds: [Pod]}}\n")
    result = run_kslint("policy", "test", "p.yaml", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "p.yaml:1:1: a policy with `match` needs `assert` or `related` (or both)",
        "kslint: invalid policies",
    ]


def test_rules_and_explain_include_policies(tmp_path: Path) -> None:
    listed = run_kslint("rules", "--policy-dir", str(POLICIES), cwd=tmp_path)
    assert listed.returncode == 0
    [line] = [line for line in listed.stdout.splitlines() if line.startswith("no-orphan-claims ")]
    assert line.split()[:3] == ["no-orphan-claims", "info", "custom"]
    explained = run_kslint(
        "explain", "no-orphan-claims", "--policy-dir", str(POLICIES), cwd=tmp_path
    )
    assert explained.returncode == 0
    # The family is shown by its id, with its title ("custom" is a known family).
    assert explained.stdout.splitlines()[0].split() == [
        "no-orphan-claims",
        "info",
        "family",
        "custom",
        "(Policies",
        "written",
        "by",
        "your",
        "team)",
    ]
    assert "Every PersistentVolumeClaim is used by a workload." in explained.stdout
    assert run_kslint("explain", "no-orphan-claims", cwd=tmp_path).returncode == 2


def test_a_runaway_pattern_cannot_hang_the_run(tmp_path: Path) -> None:
    (tmp_path / "p.yaml").write_text(
        f"id: runaway\n{HEAD}match: {{kinds: [ConfigMap]}}\n"
        "assert: {properties: {data: {additionalProperties: {pattern: '^(a|aa)+$'}}}}\n"
    )
    (tmp_path / "m.yaml").write_text(
        "\n---\n".join(
            f"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c{n}}}\ndata: {{v: '{'a' * 60}!'}}"
            for n in range(50)
        )
    )
    result = run_kslint(
        "lint", "m.yaml", "--no-config", "--policy-dir", "p.yaml", "-f", "json", cwd=tmp_path
    )
    assert result.returncode == 1, result.stderr
    findings = json.loads(result.stdout)["findings"]
    assert [f["rule"] for f in findings] == ["runaway"] * 50
    assert "Traceback" not in result.stderr


def test_unevaluated_properties_with_a_referenced_catastrophic_pattern_is_exit_2(
    tmp_path: Path,
) -> None:
    (tmp_path / "p.yaml").write_text(
        f"id: sneaky\n{HEAD}match: {{kinds: [ConfigMap]}}\n"
        "assert:\n"
        "  $defs: {keys: {patternProperties: {'^(a+)+$': {type: string}}}}\n"
        "  properties:\n"
        "    data: {$ref: '#/$defs/keys', unevaluatedProperties: false}\n"
    )
    (tmp_path / "m.yaml").write_text(
        f"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c}}\ndata: {{{'a' * 40}!: x}}\n"
    )
    for command in (["lint", "m.yaml", "--no-config"], ["rules"]):
        result = run_kslint(*command, "--policy-dir", "p.yaml", cwd=tmp_path)
        assert result.returncode == 2, result.stderr
        assert "p.yaml:10:" in result.stderr
        assert "unevaluatedProperties cannot be used" in result.stderr
        assert "Traceback" not in result.stderr


def test_a_policy_schema_nested_140_deep_is_exit_2_also_for_rules(tmp_path: Path) -> None:
    nested = "{not: " * 140 + "{type: string}" + "}" * 140
    (tmp_path / "p.yaml").write_text(
        f"id: deep\n{HEAD}match: {{kinds: [ConfigMap]}}\nassert: {nested}\n"
    )
    (tmp_path / "m.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n")
    for command in (["lint", "m.yaml", "--no-config"], ["rules"]):
        result = run_kslint(*command, "--policy-dir", "p.yaml", cwd=tmp_path)
        assert result.returncode == 2, result.stderr
        assert "p.yaml:7:" in result.stderr
        assert "nests deeper than" in result.stderr
        assert "Traceback" not in result.stderr


PLUGIN = """\
from pathlib import Path

from kslint.policies.plugins import PluginRule


def check(volume, graph):
    if volume.capacity is not None and volume.capacity > 2**40:
        yield volume.obj.finding(
            "acme-pv-too-large",
            f"{volume.obj} is larger than 1Ti.",
            volume.CAPACITY_PATH,
            key=False,
        )


def rules():
    return [
        PluginRule(Path(__file__).with_name("acme-pv-too-large.yaml"), ["PersistentVolume"], check)
    ]
"""


def test_python_plugins_run_only_when_named(tmp_path: Path) -> None:
    site = tmp_path / "site"
    info = site / "acme_kslint-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-kslint\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[kslint.rules]\nacme = acme_kslint:rules\n")
    (site / "acme_kslint.py").write_text(PLUGIN)
    (site / "acme-pv-too-large.yaml").write_text(f"id: acme-pv-too-large\n{HEAD}")
    (tmp_path / "pv.yaml").write_text(
        "apiVersion: v1\nkind: PersistentVolume\nmetadata: {name: big}\n"
        "spec:\n  capacity: {storage: 2Ti}\n  persistentVolumeReclaimPolicy: Retain\n"
        "  nfs: {server: nas, path: /big}\n"
    )
    env = {"PYTHONPATH": str(site)}
    used = run_kslint("lint", "pv.yaml", "--no-config", "--plugin", "acme", cwd=tmp_path, env=env)
    assert used.returncode == 1, used.stderr
    assert used.stdout.splitlines()[0] == (
        "pv.yaml:5:23: warning[acme-pv-too-large] PersistentVolume big is larger than 1Ti."
    )
    unused = run_kslint("lint", "pv.yaml", "--no-config", cwd=tmp_path, env=env)
    assert unused.returncode == 0, unused.stdout
    unknown = run_kslint(
        "lint", "pv.yaml", "--no-config", "--plugin", "nope", cwd=tmp_path, env=env
    )
    assert unknown.returncode == 2
    assert unknown.stderr.splitlines()[0] == (
        "kslint: --plugin nope: no such plugin in kslint.rules (acme)"
    )

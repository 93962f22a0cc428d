"""Upgrade checks: several target Kubernetes versions in one run (--kubernetes-version
1.31,1.34 or the configuration's kubernetes_version), each finding naming the versions it
holds on, in text, JSON and SARIF."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import lint_json, run_kslint, write_repo

# Valid on 1.31; on 1.34 the FlowSchema's API is gone. The claim's
# volumeAttributesClassName is unknown on 1.28 (added in 1.29). The StatefulSet's string
# replicas are wrong on every version.
MANIFESTS = {
    "flow.yaml": """\
        apiVersion: flowcontrol.apiserver.k8s.io/v1beta3
        kind: FlowSchema
        metadata:
          name: batch-jobs
        spec:
          priorityLevelConfiguration:
            name: workload-low
          matchingPrecedence: 1000
        """,
    "claim.yaml": """\
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata:
          name: data
        spec:
          accessModes: [ReadWriteOnce]
          storageClassName: gp3
          volumeAttributesClassName: fast
          resources:
            requests:
              storage: 10Gi
        """,
    "db.yaml": """\
        apiVersion: apps/v1
        kind: StatefulSet
        metadata:
          name: db
        spec:
          replicas: "2"
          serviceName: db
          selector:
            matchLabels: {app: db}
          template:
            metadata:
              labels: {app: db}
            spec:
              containers:
                - name: db
                  image: busybox
        """,
}

SCHEMA = ["--select", "schema"]


def schema_findings(document: dict) -> list[tuple[str, str, int, int, list[str]]]:
    return [
        (f["rule"], f["file"], f["line"], f["column"], f.get("kubernetes_versions"))
        for f in document["findings"]
    ]


def test_two_versions_in_one_run(tmp_path: Path) -> None:
    write_repo(tmp_path, MANIFESTS)
    document = lint_json(".", *SCHEMA, "--kubernetes-version", "1.34,1.31", cwd=tmp_path)
    assert schema_findings(document) == [
        ("schema-violation", "db.yaml", 6, 13, ["1.31", "1.34"]),  # both: reported once
        ("deprecated-api-version", "flow.yaml", 1, 13, ["1.31"]),
        ("removed-api-version", "flow.yaml", 1, 13, ["1.34"]),
    ]
    messages = [f["message"] for f in document["findings"]]
    assert messages == [
        'spec.replicas: expected integer, got string "2"',
        "flowcontrol.apiserver.k8s.io/v1beta3 FlowSchema is deprecated since Kubernetes 1.29 "
        "(removed in 1.32; on Kubernetes 1.31); use flowcontrol.apiserver.k8s.io/v1 "
        "(available since 1.29).",
        "flowcontrol.apiserver.k8s.io/v1beta3 FlowSchema is no longer served since Kubernetes "
        "1.32 (target: 1.34); use flowcontrol.apiserver.k8s.io/v1 (available since 1.29).",
    ]
    schema = document["summary"]["schema"]
    assert schema["kubernetes_versions"] == ["1.31", "1.34"]
    assert schema["kubernetes_version"] == "1.34"
    assert schema["validated"] == 3


def test_a_field_unknown_on_one_version_names_it(tmp_path: Path) -> None:
    write_repo(tmp_path, MANIFESTS)
    document = lint_json("claim.yaml", "--kubernetes-version", "1.28,1.31", *SCHEMA, cwd=tmp_path)
    assert schema_findings(document) == [("unknown-field", "claim.yaml", 8, 3, ["1.28"])]
    assert document["findings"][0]["message"] == (
        'unknown field "spec.volumeAttributesClassName" (on Kubernetes 1.28)'
    )
    # On one version, the message is as it always was.
    single = lint_json("claim.yaml", "--kubernetes-version", "1.28", *SCHEMA, cwd=tmp_path)
    assert [f["message"] for f in single["findings"]] == [
        'unknown field "spec.volumeAttributesClassName"'
    ]
    assert single["findings"][0]["kubernetes_versions"] == ["1.28"]


def test_text_and_sarif_name_the_versions(tmp_path: Path) -> None:
    write_repo(tmp_path, MANIFESTS)
    args = ["lint", "flow.yaml", "claim.yaml", "--kubernetes-version", "1.28,1.34", *SCHEMA]
    text = run_kslint(*args, cwd=tmp_path)
    assert text.returncode == 1
    assert (
        'claim.yaml:8:3: error[unknown-field] unknown field "spec.volumeAttributesClassName" '
        "(on Kubernetes 1.28)"
    ) in text.stdout
    assert "flow.yaml:1:13: error[removed-api-version]" in text.stdout
    assert "(target: 1.34)" in text.stdout
    sarif = json.loads(run_kslint(*args, "--format", "sarif", cwd=tmp_path).stdout)
    results = sarif["runs"][0]["results"]
    assert [(r["ruleId"], r["properties"]["kubernetes_versions"]) for r in results] == [
        ("unknown-field", ["1.28"]),
        ("removed-api-version", ["1.34"]),
    ]


def test_configuration_lists_the_versions(tmp_path: Path) -> None:
    write_repo(tmp_path, MANIFESTS)
    for setting in ('kubernetes_version: ["1.31", "1.34"]\n', 'kubernetes_version: "1.31,1.34"\n'):
        (tmp_path / ".kslint.yaml").write_text(setting)
        document = lint_json("flow.yaml", *SCHEMA, cwd=tmp_path)
        assert document["summary"]["schema"]["kubernetes_versions"] == ["1.31", "1.34"]
        assert [f["rule"] for f in document["findings"]] == [
            "deprecated-api-version",
            "removed-api-version",
        ]
    # The flag replaces the file's setting.
    document = lint_json("flow.yaml", *SCHEMA, "--kubernetes-version", "1.31", cwd=tmp_path)
    assert [f["rule"] for f in document["findings"]] == ["deprecated-api-version"]
    (tmp_path / ".kslint.yaml").write_text('kubernetes_version: ["1.31", "next"]\n')
    result = run_kslint("lint", "flow.yaml", cwd=tmp_path)
    assert result.returncode == 2
    assert 'kubernetes_version[1]: must be a minor version such as "1.36"' in result.stderr


def test_versions_without_schemas_are_said_once(tmp_path: Path) -> None:
    old = """\
        apiVersion: extensions/v1beta1
        kind: Ingress
        metadata:
          name: web-{n}
        spec:
          bogus: true
        """
    write_repo(tmp_path, {f"ingress-{n}.yaml": old.replace("{n}", str(n)) for n in range(3)})
    result = run_kslint(
        "lint", ".", "--kubernetes-version", "1.20,1.22", "--format", "json", cwd=tmp_path
    )
    note = (
        "kslint: schema validation is not available for Kubernetes 1.20 and 1.22 (schemas are "
        "bundled for 1.25 to 1.37); API removals and deprecations are checked"
    )
    assert result.stderr.count(note) == 1, result.stderr
    document = json.loads(result.stdout)
    assert document["summary"]["schema"]["without_schema_validation"] == ["1.20", "1.22"]
    assert [
        (f["rule"], f["line"], f["column"], f["kubernetes_versions"]) for f in document["findings"]
    ] == [
        ("deprecated-api-version", 1, 13, ["1.20"]),
        ("removed-api-version", 1, 13, ["1.22"]),
    ] * 3
    # A version with schemas says nothing about it.
    quiet = run_kslint("lint", ".", "--kubernetes-version", "1.25", cwd=tmp_path)
    assert "not available" not in quiet.stderr

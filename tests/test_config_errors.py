"""An invalid configuration is exit code 2 with every problem as ``file:line:col: message``,
wherever the file is and whatever is wrong with it."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from helpers import run_kslint, write_repo

from kslint.config.validate import schema

MANIFEST = """\
apiVersion: v1
kind: Service
metadata: {name: web}
spec: {selector: {app: web}}
"""


def lint_with(tmp_path: Path, name: str, text: str) -> subprocess.CompletedProcess[str]:
    write_repo(tmp_path, {name: text, "svc.yaml": MANIFEST})
    return run_kslint("lint", "svc.yaml", cwd=tmp_path)


def problems(tmp_path: Path, text: str, name: str = ".kslint.yaml") -> list[str]:
    result = lint_with(tmp_path, name, text)
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[-1] == "kslint: invalid configuration"
    return lines[:-1]


def test_every_problem_is_listed_with_its_position(tmp_path: Path) -> None:
    config = """\
        selct: [volumes]
        severity:
          pvc-not-fund: off
          pod-host-path-volume: warn
        fail_on: sometimes
        namespace: Not_A_Namespace
        cluster:
          service: [db]
          persistent_volume_claims: [web-data, default/a, default/a]
        stateful_images: {extend: [mydb], replace: [mydb]}
        exemptions:
          - rules: [all]
            reason: vendor chart
          - kind: [Deployment]
          - name: "*"
            rules: [volumes, pod-host-path-volumes]
            reason: ""
        context: [missing-dir]
        include: ""
    """
    assert problems(tmp_path, config) == [
        '.kslint.yaml:1:1: unknown field "selct"; did you mean "select"?',
        ".kslint.yaml:3:3: severity: unknown rule or family 'pvc-not-fund' "
        "(did you mean 'pvc-not-found'?)",
        '.kslint.yaml:4:25: severity.pod-host-path-volume: string "warn" is not one of "error", '
        '"warning", "info", "off"; did you mean "warning"?',
        '.kslint.yaml:5:10: fail_on: string "sometimes" is not one of "error", "warning", "info", "never"',
        ".kslint.yaml:6:12: namespace: must be a Kubernetes namespace name "
        "(lower-case letters, digits and '-')",
        '.kslint.yaml:8:3: unknown field "cluster.service"; did you mean "services"?',
        '.kslint.yaml:9:29: cluster.persistent_volume_claims: lists "default/a" more than once',
        ".kslint.yaml:9:30: cluster.persistent_volume_claims[0]: must be namespace/name",
        ".kslint.yaml:10:18: stateful_images: give either extend or replace, not both",
        ".kslint.yaml:12:5: exemptions[0]: an exemption must name at least one of kind, "
        "namespace, name or paths (to turn a rule off everywhere, use ignore)",
        ".kslint.yaml:14:5: exemptions[1]: an exemption needs a reason",
        ".kslint.yaml:14:11: exemptions[1].kind: expected string, got a list",
        ".kslint.yaml:16:22: exemptions[2].rules: unknown rule or family "
        "'pod-host-path-volumes' (did you mean 'pod-host-path-volume'?)",
        ".kslint.yaml:17:13: exemptions[2].reason: must not be empty",
        ".kslint.yaml:18:11: context: path 'missing-dir' does not exist",
        '.kslint.yaml:19:10: include: expected list, got string ""',
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("- a\n- b\n", ".kslint.yaml:1:1: expected mapping, got a list"),
        (
            "stateful_images: {}\n",
            ".kslint.yaml:1:18: stateful_images: give either extend or replace",
        ),
        (
            "namespace: " + "a" * 64 + "\n",
            ".kslint.yaml:1:12: namespace: must be at most 63 characters long",
        ),
        (
            "exemptions:\n  - {kind: Pod, reason: x, rules: []}\n",
            ".kslint.yaml:2:35: exemptions[0].rules: must not be empty",
        ),
        (
            "select: [volumes, volumes]\n",
            '.kslint.yaml:1:9: select: lists "volumes" more than once',
        ),
        (
            "ignore: [volumez]\n",
            ".kslint.yaml:1:10: ignore: unknown rule or family 'volumez' (did you mean 'volumes'?)",
        ),
        (
            "cluster: {storage_classes: standard}\n",
            '.kslint.yaml:1:28: cluster.storage_classes: expected list, got string "standard"',
        ),
        (
            "select: [volumes\n",
            ".kslint.yaml:2:1: YAML syntax error: did not find expected ',' or ']' "
            "(while parsing a flow sequence).",
        ),
        (
            "fail_on: error\nfail_on: info\n",
            ".kslint.yaml:2:1: Duplicate key 'fail_on': YAML forbids it and the first value "
            "(line 1) would be silently replaced.",
        ),
        (
            "fail_on: error\n---\nfail_on: info\n",
            ".kslint.yaml:1:1: the configuration must be a single YAML document",
        ),
    ],
)
def test_each_kind_of_problem(tmp_path: Path, text: str, expected: str) -> None:
    assert problems(tmp_path, text) == [expected]


def test_pyproject_problems_point_at_their_lines(tmp_path: Path) -> None:
    pyproject = """\
        [project]
        name = "demo"

        [tool.kslint]
        fail_on = "sometimes"
        selct = ["volumes"]

        [tool.kslint.cluster]
        services = ["db"]

        [[tool.kslint.exemptions]]
        kind = "Deployment"
        reason = "ok"

        [[tool.kslint.exemptions]]
        kind = "Pod"
        reasn = "typo"
    """
    assert problems(tmp_path, pyproject, "pyproject.toml") == [
        'pyproject.toml:5:1: fail_on: string "sometimes" is not one of "error", "warning", "info", "never"',
        'pyproject.toml:6:1: unknown field "selct"; did you mean "select"?',
        "pyproject.toml:9:1: cluster.services[0]: must be namespace/name",
        "pyproject.toml:15:1: exemptions[1]: an exemption needs a reason",
        'pyproject.toml:17:1: unknown field "exemptions[1].reasn"; did you mean "reason"?',
    ]


def test_pyproject_syntax_error(tmp_path: Path) -> None:
    found = problems(tmp_path, '[tool.kslint]\nfail_on = "error\n', "pyproject.toml")
    assert len(found) == 1
    assert found[0].startswith("pyproject.toml:2:")
    assert "TOML syntax error" in found[0]


def test_config_flag_pointing_at_a_pyproject_without_the_table(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')
    (tmp_path / "svc.yaml").write_text(MANIFEST)
    result = run_kslint("lint", "--config", "pyproject.toml", "svc.yaml", cwd=tmp_path)
    assert result.returncode == 2
    assert "pyproject.toml:1:1: there is no [tool.kslint] table" in result.stderr


def test_the_published_schema_is_valid_and_documents_every_key() -> None:
    from jsonschema import Draft202012Validator

    Draft202012Validator.check_schema(schema())
    assert set(schema()["properties"]) == {
        "$schema",
        "severity",
        "select",
        "ignore",
        "fail_on",
        "namespace",
        "include",
        "exclude",
        "context",
        "stateful_images",
        "cluster",
        "exemptions",
        "policies",
        "kubernetes_version",
        "schema_dirs",
        "limits",
        "units",
        "render",
        "helm",
    }
    for name, definition in schema()["properties"].items():
        assert definition.get("description"), f"{name} has no description for editors"
    # The file itself is plain JSON (editors fetch it as is).
    json.dumps(schema())

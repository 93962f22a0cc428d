"""CI report formats (SARIF, JUnit, GitHub, GitLab) and the text gate line, rendered from
the same fixture set (``tests/fixtures/reports``): exact positions, escaping, fingerprints
that survive lines moving, and SARIF valid against the official 2.1.0 schema."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from kslint import __version__
from kslint.findings import Finding, ObjectRef, Related, Severity, Suppression
from kslint.fingerprint import fingerprint
from kslint.nodes import Span
from kslint.objects import SourceFile
from kslint.pipeline import LintOptions, LintResult, lint
from kslint.report import (
    ReportContext,
    formats,
    gate_line,
    github,
    gitlab,
    junit,
    sarif,
    unique_fingerprints,
)
from kslint.ruleset import RuleSet

FIXTURES = Path(__file__).parent / "fixtures"
REPORTS = FIXTURES / "reports"
SCHEMA = json.loads((FIXTURES / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
SCENARIOS = sorted(p.parent.name for p in FIXTURES.glob("*/expected.yaml"))
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def lint_here(path: Path, monkeypatch: pytest.MonkeyPatch) -> LintResult:
    monkeypatch.chdir(path)
    return lint(LintOptions(paths=["."], exclude=["expected.yaml"]))


def sarif_log(result: LintResult, **context: Any) -> dict[str, Any]:
    text = sarif.render(result, ReportContext(**context))
    log = json.loads(text)
    validate_sarif(log)
    return log


def validate_sarif(log: dict[str, Any]) -> None:
    validator = jsonschema.Draft4Validator(SCHEMA, format_checker=jsonschema.FormatChecker())
    errors = sorted(validator.iter_errors(log), key=lambda error: list(error.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors]


def by_key(log: dict[str, Any]) -> dict[tuple[str, str, int], dict[str, Any]]:
    """SARIF results by (ruleId, uri, startLine)."""
    found = {}
    for item in log["runs"][0]["results"]:
        physical = item["locations"][0]["physicalLocation"]
        key = (item["ruleId"], physical["artifactLocation"]["uri"], physical["region"]["startLine"])
        assert key not in found
        found[key] = item
    return found


def region(result: dict[str, Any]) -> tuple[int, int, int, int]:
    r = result["locations"][0]["physicalLocation"]["region"]
    return (r["startLine"], r["startColumn"], r["endLine"], r["endColumn"])


def made_result(findings: list[Finding], files: tuple[str, ...] = ("a.yaml",)) -> LintResult:
    return LintResult(
        findings=findings,
        files=[SourceFile(path) for path in files],
        documents=len(files),
        objects=0,
        skipped=0,
    )


def finding(rule: str = "pod-host-path-volume", **overrides: Any) -> Finding:
    values: dict[str, Any] = {
        "rule": rule,
        "message": "Pod default/p mounts hostPath volume 'd'.",
        "file": "a.yaml",
        "span": Span(9, 7, 9, 15),
        "obj": ObjectRef("Pod", "default", "p", "v1"),
        "severity": Severity.WARNING,
        "fix": "Use a claim.",
        "path": ("spec", "volumes", 0, "hostPath"),
    }
    values.update(overrides)
    return Finding(**values)


# --- SARIF -----------------------------------------------------------------------------


def test_sarif_regions_are_exact(monkeypatch: pytest.MonkeyPatch) -> None:
    results = by_key(sarif_log(lint_here(REPORTS, monkeypatch)))
    expected = {
        ("invalid-yaml", "broken.yaml", 7): (7, 1, 7, 1),
        ("statefulset-service-not-headless", "database.yaml", 18): (18, 16, 18, 18),
        ("pod-host-path-volume", "database.yaml", 33): (33, 11, 33, 19),
        ("pvc-shared-across-workloads", "storage.yaml", 9): (9, 3, 9, 14),
        ("deployment-shared-rwo-pvc", "storage.yaml", 37): (37, 24, 37, 31),
        # Columns count code points: "données-😀" is 11 of them (12 UTF-16 units).
        ("pod-host-path-volume", "unicode.yaml", 7): (7, 33, 7, 41),
        ("pv-missing-reclaim-policy", "volumes.yaml", 5): (5, 1, 5, 5),
    }
    assert {key: region(results[key]) for key in expected} == expected


def test_sarif_results_carry_objects_related_locations_and_levels(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    result = lint_here(REPORTS, monkeypatch)
    log = sarif_log(result)
    run = log["runs"][0]
    assert log["version"] == "2.1.0"
    assert run["columnKind"] == "unicodeCodePoints"
    assert run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": REPORTS.resolve().as_uri() + "/"}}
    results = by_key(log)
    assert len(run["results"]) == len(result.findings)

    shared = results[("pvc-shared-across-workloads", "storage.yaml", 9)]
    assert shared["locations"][0]["logicalLocations"] == [
        {
            "name": "uploads",
            "fullyQualifiedName": "PersistentVolumeClaim/shop/uploads",
            "kind": "resource",
        }
    ]
    assert shared["relatedLocations"] == [
        {
            "id": 1,
            "physicalLocation": {
                "artifactLocation": {"uri": "storage.yaml", "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": 37, "startColumn": 13, "endLine": 37, "endColumn": 22},
            },
            "message": {"text": "Deployment shop/web uses PersistentVolumeClaim shop/uploads"},
        },
        {
            "id": 2,
            "physicalLocation": {
                "artifactLocation": {"uri": "storage.yaml", "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": 62, "startColumn": 13, "endLine": 62, "endColumn": 22},
            },
            "message": {
                "text": "Deployment shop/thumbnailer uses PersistentVolumeClaim shop/uploads"
            },
        },
    ]
    headless = results[("statefulset-service-not-headless", "database.yaml", 18)]
    assert [
        (r["physicalLocation"]["region"]["startLine"], r["message"]["text"])
        for r in headless["relatedLocations"]
    ] == [(7, "Service shop/db has clusterIP 10.96.0.20")]

    cluster_scoped = results[("pv-missing-reclaim-policy", "volumes.yaml", 5)]
    assert cluster_scoped["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == (
        "PersistentVolume/archive"
    )
    broken = results[("invalid-yaml", "broken.yaml", 7)]
    assert "logicalLocations" not in broken["locations"][0]
    assert "relatedLocations" not in broken

    hostpath = results[("pod-host-path-volume", "unicode.yaml", 7)]
    assert hostpath["level"] == "warning"
    assert hostpath["message"]["text"] == (
        "Pod shop/café mounts hostPath volume 'données-😀' (/srv/données) writable in "
        "container 'app': what is written there stays on one node and is lost to the "
        "workload when the pod moves to another."
    )
    for item, original in zip(run["results"], result.findings, strict=True):
        assert item["ruleId"] == original.rule
        assert item["level"] == LEVELS[original.severity]
        assert item["partialFingerprints"] == {"kslint/v1": fingerprint(original)}


def test_sarif_driver_describes_each_rule_used_once(monkeypatch: pytest.MonkeyPatch) -> None:
    run = sarif_log(lint_here(REPORTS, monkeypatch))["runs"][0]
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("kslint", __version__)
    assert driver["informationUri"].startswith("https://")
    ids = [rule["id"] for rule in driver["rules"]]
    assert ids == sorted({item["ruleId"] for item in run["results"]})
    for item in run["results"]:
        assert driver["rules"][item["ruleIndex"]]["id"] == item["ruleId"]

    meta = RuleSet.builtin().catalog["pod-host-path-volume"]
    rule = driver["rules"][ids.index("pod-host-path-volume")]
    assert rule["name"] == "PodHostPathVolume"
    assert rule["shortDescription"] == {"text": meta.summary}
    assert rule["fullDescription"] == {"text": meta.why}
    assert rule["defaultConfiguration"] == {"level": "warning"}
    assert rule["help"]["text"].startswith(meta.summary + "\n\n" + meta.why)
    assert f"Fix: {meta.fix}" in rule["help"]["text"]
    assert (
        "- Volumes: hostPath: https://kubernetes.io/docs/concepts/storage/volumes/#hostpath"
        in (rule["help"]["text"])
    )
    assert f"**Fix:** {meta.fix}" in rule["help"]["markdown"]
    assert (
        "- [Volumes: hostPath](https://kubernetes.io/docs/concepts/storage/volumes/#hostpath)"
        in rule["help"]["markdown"]
    )


def test_sarif_rule_without_data_file_still_validates() -> None:
    log = sarif_log(made_result([finding(rule="no-such-rule-yet", severity=Severity.INFO)]))
    driver = log["runs"][0]["tool"]["driver"]
    assert driver["rules"] == [
        {
            "id": "no-such-rule-yet",
            "name": "NoSuchRuleYet",
            "shortDescription": {"text": "no-such-rule-yet"},
        }
    ]
    assert log["runs"][0]["results"][0]["level"] == "note"


@pytest.mark.parametrize("name", SCENARIOS)
def test_sarif_valid_for_every_fixture(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    log = sarif_log(lint_here(FIXTURES / name, monkeypatch), show_suppressed=True)
    assert log["runs"][0]["results"]


def test_sarif_valid_with_zero_findings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copy(REPORTS / "volumes.yaml", tmp_path / "volumes.yaml")
    text = (tmp_path / "volumes.yaml").read_text()
    (tmp_path / "volumes.yaml").write_text(text.split("---\n")[1])  # only the PV that is fine
    result = lint_here(tmp_path, monkeypatch)
    assert result.findings == []
    run = sarif_log(result)["runs"][0]
    assert run["results"] == []
    assert run["tool"]["driver"]["rules"] == []


def test_sarif_valid_with_only_invalid_yaml(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copy(REPORTS / "broken.yaml", tmp_path / "broken.yaml")
    (tmp_path / "binary.yaml").write_bytes(b"kind: \xff\xfe\n")
    log = sarif_log(lint_here(tmp_path, monkeypatch))
    results = {
        item["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]: item
        for item in log["runs"][0]["results"]
    }
    assert sorted(results) == ["binary.yaml", "broken.yaml"]
    assert {item["ruleId"] for item in results.values()} == {"invalid-yaml"}
    assert region(results["broken.yaml"]) == (7, 1, 7, 1)
    assert region(results["binary.yaml"])[:2] == (1, 7)


def test_sarif_fingerprints_survive_a_blank_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(REPORTS, tmp_path / "before")
    shutil.copytree(REPORTS, tmp_path / "after")
    for name in ("storage.yaml", "database.yaml", "volumes.yaml", "unicode.yaml"):
        path = tmp_path / "after" / name
        path.write_text("\n" + path.read_text(encoding="utf-8"), encoding="utf-8")

    def prints(folder: str) -> dict[tuple[str, str], tuple[str, int]]:
        log = sarif_log(lint_here(tmp_path / folder, monkeypatch))
        found = {}
        for item in log["runs"][0]["results"]:
            logical = item["locations"][0].get("logicalLocations", [{}])[0]
            key = (item["ruleId"], logical.get("fullyQualifiedName", ""))
            found[key] = (item["partialFingerprints"]["kslint/v1"], region(item)[0])
        return found

    before, after = prints("before"), prints("after")
    assert before.keys() == after.keys()
    moved = [key for key in before if key[0] != "invalid-yaml"]
    assert len(moved) == 7
    for key in moved:
        assert after[key][0] == before[key][0], key
        assert after[key][1] == before[key][1] + 1, key  # the line did move


def test_sarif_suppressed_findings_only_when_asked() -> None:
    result = made_result([finding()])
    result.suppressed = [
        Suppression(
            finding(rule="pvc-shared-across-workloads", span=Span(3, 1, 3, 5)), "accepted risk"
        )
    ]
    hidden = sarif_log(result)["runs"][0]["results"]
    assert [item["ruleId"] for item in hidden] == ["pod-host-path-volume"]
    assert "suppressions" not in hidden[0]
    shown = sarif_log(result, show_suppressed=True)["runs"][0]
    assert [item["ruleId"] for item in shown["results"]] == [
        "pod-host-path-volume",
        "pvc-shared-across-workloads",
    ]
    assert "suppressions" not in shown["results"][0]
    assert shown["results"][1]["suppressions"] == [
        {"kind": "external", "status": "accepted", "justification": "accepted risk"}
    ]
    assert [rule["id"] for rule in shown["tool"]["driver"]["rules"]] == [
        "pod-host-path-volume",
        "pvc-shared-across-workloads",
    ]


def test_sarif_uris_are_encoded_and_outside_paths_absolute(tmp_path: Path) -> None:
    outside = tmp_path.parent / "elsewhere" / "x.yaml"
    result = made_result(
        [
            finding(file="my dir/ünï code,1%.yaml"),
            finding(file=str(outside)),
            finding(file="<stdin>"),
        ]
    )
    log = json.loads(sarif.render(result, ReportContext()))
    validate_sarif(log)
    locations = [
        item["locations"][0]["physicalLocation"]["artifactLocation"]
        for item in log["runs"][0]["results"]
    ]
    assert locations == [
        {"uri": "my%20dir/%C3%BCn%C3%AF%20code%2C1%25.yaml", "uriBaseId": "%SRCROOT%"},
        {"uri": outside.as_uri()},
        {"description": {"text": "standard input"}},
    ]


def test_sarif_region_clamps_positions_the_schema_rejects() -> None:
    assert sarif.region(Span(0, 0, 0, 0)) is None
    assert sarif.region(Span(4, 5, 4, 2)) == {
        "startLine": 4,
        "startColumn": 5,
        "endLine": 4,
        "endColumn": 5,
    }
    assert sarif.region(Span(4, 5, 6, 1)) == {
        "startLine": 4,
        "startColumn": 5,
        "endLine": 6,
        "endColumn": 1,
    }


def test_repeated_identities_get_distinct_fingerprints() -> None:
    first = finding(rule="duplicate-key", obj=None, message="Duplicate key 'a' (line 3).")
    second = finding(rule="duplicate-key", obj=None, message="Duplicate key 'a' (line 7).")
    assert fingerprint(first) == fingerprint(second)
    prints = unique_fingerprints([first, second])
    assert prints[0] == fingerprint(first)
    assert prints[1] != prints[0] and len(prints[1]) == len(prints[0])
    log = sarif_log(made_result([first, second]))
    assert [r["partialFingerprints"]["kslint/v1"] for r in log["runs"][0]["results"]] == prints


# --- JUnit -----------------------------------------------------------------------------


def junit_tree(result: LintResult, fail_on: Severity | None = Severity.WARNING) -> ET.Element:
    return ET.fromstring(junit.render(result, ReportContext(fail_on=fail_on)))


def cases(root: ET.Element) -> dict[tuple[str, str], ET.Element]:
    return {
        (suite.get("name"), case.get("name")): case
        for suite in root.iter("testsuite")
        for case in suite.iter("testcase")
    }


def test_junit_suites_cases_and_failures(monkeypatch: pytest.MonkeyPatch) -> None:
    result = lint_here(REPORTS, monkeypatch)
    root = junit_tree(result)
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == [
        "broken.yaml",
        "database.yaml",
        "storage.yaml",
        "unicode.yaml",
        "volumes.yaml",
    ]
    assert [[c.get("name") for c in s.findall("testcase")] for s in suites] == [
        ["broken.yaml"],
        ["Service shop/db", "StatefulSet shop/db"],
        [
            "PersistentVolumeClaim shop/uploads",
            "Deployment shop/web",
            "Deployment shop/thumbnailer",
        ],
        ["Pod shop/café"],
        ["PersistentVolume archive", "PersistentVolume kept"],
    ]
    by_case = cases(root)
    for passing in [
        ("database.yaml", "Service shop/db"),
        ("storage.yaml", "Deployment shop/thumbnailer"),
        ("volumes.yaml", "PersistentVolume kept"),
    ]:
        assert list(by_case[passing]) == [], passing
    assert [f.get("type") for f in by_case[("database.yaml", "StatefulSet shop/db")]] == [
        "statefulset-service-not-headless",
        "database-without-persistent-storage",
        "pod-host-path-volume",
    ]
    (failure,) = by_case[("storage.yaml", "Deployment shop/web")]
    assert failure.tag == "failure"
    assert failure.get("type") == "deployment-shared-rwo-pvc"
    assert failure.get("message") == (
        "Deployment shop/web runs up to 3 replicas but they share ReadWriteOnce "
        "PersistentVolumeClaim shop/uploads; replicas on other nodes cannot attach it "
        "(Multi-Attach error)."
    )
    body = failure.text.splitlines()
    assert body[0].startswith("storage.yaml:37:24: error[deployment-shared-rwo-pvc] Deployment")
    assert (
        body[1]
        == "  related: storage.yaml:9:3: PersistentVolumeClaim shop/uploads is ReadWriteOnce"
    )
    assert body[2].startswith("  fix: ")
    (whole_file,) = by_case[("broken.yaml", "broken.yaml")]
    assert whole_file.get("type") == "invalid-yaml"
    assert whole_file.text.startswith("broken.yaml:7:1: error[invalid-yaml] YAML syntax error")

    for suite in suites:
        testcases = suite.findall("testcase")
        failed = [c for c in testcases if c.find("failure") is not None]
        assert suite.get("tests") == str(len(testcases))
        assert suite.get("failures") == str(len(failed))
        assert (suite.get("errors"), suite.get("skipped"), suite.get("time")) == ("0", "0", "0")
        assert all(
            c.get("classname") == suite.get("name") and c.get("time") == "0" for c in testcases
        )
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("9", "6", "0")


def test_junit_findings_below_the_gate_pass_and_are_kept_in_system_out(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    result = lint_here(REPORTS, monkeypatch)
    root = junit_tree(result, fail_on=Severity.ERROR)
    (output,) = cases(root)[("unicode.yaml", "Pod shop/café")]
    assert output.tag == "system-out"
    assert output.text.startswith("unicode.yaml:7:33: warning[pod-host-path-volume] Pod shop/café")
    never = junit_tree(result, fail_on=None)
    assert never.get("failures") == "0"
    assert list(never.iter("failure")) == []
    assert len(list(never.iter("system-out"))) == 6  # every testcase with a finding


def test_junit_rule_crash_is_an_error_and_hostile_text_stays_xml() -> None:
    crash = finding(rule="internal-error", severity=Severity.ERROR, message="boom\x00 <&> \"'")
    hostile = finding(message="bad\x1b[31m ]]> & <tag>\nnext", obj=ObjectRef("Pod", "default", "q"))
    root = junit_tree(made_result([crash, hostile]))
    by_case = cases(root)
    (error,) = by_case[("a.yaml", "Pod default/p")]
    assert (error.tag, error.get("type")) == ("error", "internal-error")
    assert error.get("message") == "boom\ufffd <&> \"'"
    (failure,) = by_case[("a.yaml", "Pod default/q")]
    assert failure.get("message") == "bad\ufffd[31m ]]> & <tag>\nnext"
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("2", "1", "1")


def test_junit_with_zero_findings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "ok.yaml").write_text((REPORTS / "volumes.yaml").read_text().split("---\n")[1])
    root = junit_tree(lint_here(tmp_path, monkeypatch))
    assert [(s.get("name"), s.get("tests"), s.get("failures")) for s in root] == [
        ("ok.yaml", "1", "0")
    ]
    assert [c.get("name") for c in root.iter("testcase")] == ["PersistentVolume kept"]


# --- GitHub ----------------------------------------------------------------------------


def test_github_annotations_for_the_fixture(monkeypatch: pytest.MonkeyPatch) -> None:
    result = lint_here(REPORTS, monkeypatch)
    lines = github.render(result, ReportContext()).splitlines()
    assert len(lines) == len(result.findings)
    assert lines[0].partition("%0A")[0] == (
        "::error file=broken.yaml,line=7,col=1,endLine=7,endColumn=1,title=kslint invalid-yaml"
        "::YAML syntax error: did not find expected ',' or ']' (while parsing a flow sequence)."
    )
    assert (
        "::warning file=unicode.yaml,line=7,col=33,endLine=7,endColumn=41,"
        "title=kslint pod-host-path-volume::Pod shop/café mounts hostPath volume 'données-😀' "
        "(/srv/données) writable in container 'app': what is written there stays on one node "
        "and is lost to the workload when the pod moves to another.%0A"
        "related: unicode.yaml:6:69: container 'app' mounts it writable here%0Afix: "
        + RuleSet.builtin().catalog["pod-host-path-volume"].fix.splitlines()[0]
    ) in lines
    (shared,) = [line for line in lines if "pvc-shared-across-workloads" in line]
    assert shared.split("::")[1].endswith(
        "file=storage.yaml,line=9,col=3,endLine=9,endColumn=14,"
        "title=kslint pvc-shared-across-workloads"
    )
    assert (
        "%0Arelated: storage.yaml:37:13: Deployment shop/web uses PersistentVolumeClaim "
        "shop/uploads%0Arelated: storage.yaml:62:13: Deployment shop/thumbnailer uses "
        "PersistentVolumeClaim shop/uploads%0Afix: "
    ) in shared
    for line, original in zip(lines, result.findings, strict=True):
        command = {"error": "::error ", "warning": "::warning ", "info": "::notice "}
        assert line.startswith(command[str(original.severity)])


def test_github_escapes_hostile_messages_and_paths() -> None:
    hostile = finding(
        file="dir, x/a:b 100% ü.yaml",
        message="50% of\r\nreplicas: a,b::error::injected",
        fix=None,
        severity=Severity.INFO,
        related=[Related("o,ther:.yaml", Span(2, 3, 2, 4), "uses 10%")],
    )
    assert github.render(made_result([hostile]), ReportContext()) == (
        "::notice file=dir%2C x/a%3Ab 100%25 ü.yaml,line=9,col=7,endLine=9,endColumn=15,"
        "title=kslint pod-host-path-volume"
        "::50%25 of%0D%0Areplicas: a,b::error::injected%0Arelated: o,ther:.yaml:2:3: uses 10%25\n"
    )
    assert github.escape_property("a%b\rc\nd:e,f") == "a%25b%0Dc%0Ad%3Ae%2Cf"
    assert github.escape_data("a%b\rc\nd:e,f") == "a%25b%0Dc%0Ad:e,f"


def test_github_stdin_and_zero_findings() -> None:
    line = github.render(made_result([finding(file="<stdin>", fix=None)]), ReportContext())
    assert line.startswith("::warning line=9,col=7,endLine=9,endColumn=15,title=kslint ")
    assert github.render(made_result([]), ReportContext()) == ""


# --- GitLab ----------------------------------------------------------------------------


def test_gitlab_code_quality(monkeypatch: pytest.MonkeyPatch) -> None:
    result = lint_here(REPORTS, monkeypatch)
    issues = json.loads(gitlab.render(result, ReportContext()))
    assert len(issues) == len(result.findings)
    for issue, original in zip(issues, result.findings, strict=True):
        assert issue["check_name"] == original.rule
        assert issue["description"] == original.message
        assert issue["fingerprint"] == fingerprint(original)
        assert issue["location"]["path"] == original.file
        assert issue["location"]["lines"]["begin"] == original.span.line
    shared = issues[[i["check_name"] for i in issues].index("deployment-shared-rwo-pvc")]
    assert shared["location"] == {"path": "storage.yaml", "lines": {"begin": 37, "end": 37}}
    assert shared["content"]["body"].startswith(
        "- related: `storage.yaml:9:3` PersistentVolumeClaim shop/uploads is ReadWriteOnce\n- fix: "
    )
    assert issues[0]["check_name"] == "invalid-yaml"
    assert issues[0]["severity"] == "critical"
    assert len({issue["fingerprint"] for issue in issues}) == len(issues)


def test_gitlab_severity_mapping_and_lines() -> None:
    findings = [
        finding(severity=Severity.INFO),
        finding(severity=Severity.WARNING),
        finding(severity=Severity.ERROR),
        finding(rule="invalid-yaml", obj=None, severity=Severity.ERROR),
        finding(rule="invalid-yaml", obj=None, severity=Severity.WARNING, message="other"),
        finding(rule="internal-error", severity=Severity.ERROR, span=Span(3, 1, 6, 1)),
    ]
    issues = json.loads(gitlab.render(made_result(findings), ReportContext()))
    assert [i["severity"] for i in issues] == [
        "info",
        "minor",
        "major",
        "critical",
        "minor",
        "critical",
    ]
    # A node that ends at column 1 of line 6 ends on line 5.
    assert issues[5]["location"]["lines"] == {"begin": 3, "end": 5}
    assert gitlab.render(made_result([]), ReportContext()) == "[]\n"


# --- Text gate line --------------------------------------------------------------------


def test_gate_line_names_the_findings_that_failed() -> None:
    result = made_result(
        [
            finding(rule="b-rule", severity=Severity.WARNING),
            finding(rule="a-rule", severity=Severity.ERROR),
            finding(rule="b-rule", severity=Severity.ERROR),
            finding(rule="c-rule", severity=Severity.INFO),
            finding(rule="a-rule", severity=Severity.WARNING),
            finding(rule="d-rule", severity=Severity.ERROR),
        ]
    )
    assert gate_line(result, Severity.WARNING) == (
        "failed: 5 findings at or above warning: 2 a-rule, 2 b-rule, 1 d-rule"
    )
    assert gate_line(result, Severity.ERROR) == (
        "failed: 3 findings at or above error: 1 a-rule, 1 b-rule, 1 d-rule"
    )
    assert gate_line(result, Severity.INFO).startswith("failed: 6 findings at or above info: ")
    assert gate_line(result, None) is None
    assert gate_line(made_result([finding(severity=Severity.INFO)]), Severity.WARNING) is None
    one = made_result([finding(severity=Severity.ERROR)])
    assert gate_line(one, Severity.ERROR) == (
        "failed: 1 finding at or above error: 1 pod-host-path-volume"
    )


def test_every_format_is_registered() -> None:
    assert list(formats()) == ["text", "json", "sarif", "junit", "github", "gitlab", "markdown"]


# --- Streamed reports ------------------------------------------------------------------


def test_streamed_reports_are_the_rendered_ones_in_pieces(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from kslint.report import CHUNK_CHARACTERS, stream

    small = lint_here(REPORTS, monkeypatch)
    many = made_result(
        [finding(span=Span(line, 7, line, 15), message=f"é {line}") for line in range(1, 3001)]
    )
    for result in (small, many, made_result([])):
        for name, render in formats().items():
            for context in (ReportContext(), ReportContext(show_suppressed=True, color=True)):
                pieces = list(stream(name, result, context))
                assert "".join(pieces) == render(result, context), name
                # JUnit comes in one piece (ElementTree); Markdown is short by design.
                if result is many and name not in ("junit", "markdown"):
                    assert len(pieces) > 1, name
                    assert max(map(len, pieces[:-1])) < 2 * CHUNK_CHARACTERS, name
    # The JSON layouts are those of json.dumps (SARIF, GitLab), and one finding per line.
    for name in ("sarif", "gitlab"):
        text = "".join(stream(name, many, ReportContext()))
        assert text == json.dumps(json.loads(text), indent=2, ensure_ascii=False) + "\n"
    for result in (many, made_result([])):
        text = "".join(stream("json", result, ReportContext()))
        document = json.loads(text)
        found = document.pop("findings")
        head = json.dumps(document, indent=2, ensure_ascii=False).split("\n", 2)
        body = ",\n".join("    " + json.dumps(f, ensure_ascii=False) for f in found)
        body = f"[\n{body}\n  ]" if found else "[]"
        assert text == "\n".join([*head[:2], f'  "findings": {body},', head[2]]) + "\n"


def test_a_report_that_fails_while_streamed_changes_no_file(tmp_path: Path) -> None:
    from kslint.atomic import write_all

    first, second = tmp_path / "a.json", tmp_path / "b.json"
    first.write_text("old a", encoding="utf-8")
    second.write_text("old b", encoding="utf-8")

    def failing() -> Any:
        yield "new "
        raise RuntimeError("a bug while rendering")

    with pytest.raises(RuntimeError):
        write_all([(first, iter(["new a"])), (second, failing())])
    assert first.read_text(encoding="utf-8") == "old a"
    assert second.read_text(encoding="utf-8") == "old b"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json", "b.json"]
    write_all([(first, iter(["new ", "a"])), (second, "new b")])
    assert (first.read_text(encoding="utf-8"), second.read_text(encoding="utf-8")) == (
        "new a",
        "new b",
    )


@pytest.mark.parametrize(
    "text",
    ["plain", "a bell\x07, a form feed\x0c, a CR\r and ESC\x1b[31m", "tab\tafter 漢字\tand", ""],
)
def test_plain_text_lines_are_what_rich_writes(text: str) -> None:
    """Without colour the text report writes lines itself (rich per line was most of a
    warm run's time): exactly what rich would write, control codes and tabs included."""
    import io

    from rich.console import Console
    from rich.text import Text

    from kslint.report.text import _Writer

    writer = _Writer(color=False)
    writer.line("bold", [("src/a.yaml:1:2: ", ""), (text, "dim"), (" end", "")])
    buffer = io.StringIO()
    console = Console(
        file=buffer, no_color=True, color_system=None, highlight=False, soft_wrap=True,
        width=10_000, emoji=False, markup=False,
    )  # fmt: skip
    expected = Text("src/a.yaml:1:2: ", style="bold")
    expected.append(text, style="dim")
    expected.append(" end")
    console.print(expected)
    assert writer.taken() == buffer.getvalue()

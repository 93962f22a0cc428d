"""The CI gate through the command line: --format, --report NAME=PATH (several in one run),
--fail-on deciding the exit code whatever the formats, and the text gate line."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from functools import partial
from pathlib import Path

import jsonschema
import pytest
from helpers import run_kslint

FIXTURES = Path(__file__).parent / "fixtures"
REPORTS = FIXTURES / "reports"
SCHEMA = json.loads((FIXTURES / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
FORMATS = ("text", "json", "sarif", "junit", "github", "gitlab", "markdown")

# A bare environment (PATH, NO_COLOR and a UTF-8 PYTHONIOENCODING only): nothing from the
# caller's shell can change a report.
kslint = partial(run_kslint, inherit_env=False, env={"PATH": "/usr/bin:/bin"})

HOSTPATH_DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
spec:
  replicas: 1
  selector:
    matchLabels: {{app: {name}}}
  template:
    metadata:
      labels: {{app: {name}}}
    spec:
      containers:
        - {{name: app, image: "example/app:1.0",
           volumeMounts: [{{name: data, mountPath: /data}}]}}
      volumes:
        - name: data
          hostPath:
            path: /srv/{name}
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The report fixture set, copied so reports can be written beside it."""
    target = tmp_path / "project"
    shutil.copytree(REPORTS, target, ignore=shutil.ignore_patterns("expected.yaml"))
    return target


@pytest.fixture
def small(tmp_path: Path) -> Path:
    """Two hostPath warnings and one invalid-YAML error."""
    target = tmp_path / "small"
    target.mkdir()
    (target / "a.yaml").write_text(HOSTPATH_DEPLOYMENT.format(name="alpha"))
    (target / "b.yaml").write_text(HOSTPATH_DEPLOYMENT.format(name="beta"))
    (target / "c.yaml").write_text("kind: [Pod\n")
    return target


def test_several_reports_in_one_run_equal_separate_runs(project: Path) -> None:
    out = project.parent / "out"  # outside the linted folder: .json reports are manifests
    args = [f"--report={name}=../out/combined.{name}" for name in FORMATS]
    combined = kslint("lint", ".", "--format", "github", *args, cwd=project)
    assert combined.returncode == 1, combined.stderr  # the gate fails; files are written
    separate_github = kslint("lint", ".", "--format", "github", cwd=project)
    assert combined.stdout == separate_github.stdout
    for name in FORMATS:
        alone = kslint(
            "lint", ".", "--format", name, "--output", f"../out/alone.{name}", cwd=project
        )
        assert alone.returncode == 1, alone.stderr
        written = (out / f"combined.{name}").read_text(encoding="utf-8")
        assert written == (out / f"alone.{name}").read_text(encoding="utf-8"), name
        assert written.strip(), name
    log = json.loads((out / "combined.sarif").read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(SCHEMA).validate(log)
    assert len(log["runs"][0]["results"]) == 8
    root = ET.parse(out / "combined.junit").getroot()
    assert (root.get("tests"), root.get("failures")) == ("9", "6")
    text = (out / "combined.text").read_text(encoding="utf-8")
    assert "\x1b[" not in text  # report files never carry colour codes


def test_report_files_are_written_when_the_gate_passes_too(project: Path) -> None:
    done = kslint(
        "lint", ".", "--fail-on", "never", "--report", "gitlab=cq.json", "-f", "json", cwd=project
    )
    assert done.returncode == 0, done.stderr
    assert len(json.loads((project / "cq.json").read_text(encoding="utf-8"))) == 8
    assert len(json.loads(done.stdout)["findings"]) == 8


@pytest.mark.parametrize("name", FORMATS)
def test_fail_on_decides_the_exit_code_whatever_the_format(small: Path, name: str) -> None:
    codes = {
        level: kslint("lint", ".", "-f", name, "--fail-on", level, cwd=small).returncode
        for level in ("error", "warning", "info", "never")
    }
    assert codes == {"error": 1, "warning": 1, "info": 1, "never": 0}
    (small / "c.yaml").unlink()  # only warnings left
    codes = {
        level: kslint("lint", ".", "-f", name, "--fail-on", level, cwd=small).returncode
        for level in ("error", "warning")
    }
    assert codes == {"error": 0, "warning": 1}


def test_text_report_ends_with_summary_and_gate_line(small: Path) -> None:
    done = kslint("lint", ".", cwd=small)
    assert done.returncode == 1
    assert done.stdout.splitlines()[-2:] == [
        "1 error, 2 warnings, 0 info in 3 files, 2 objects",
        "failed: 3 findings at or above warning: 2 pod-host-path-volume, 1 invalid-yaml",
    ]
    strict = kslint("lint", ".", "--fail-on", "error", cwd=small)
    assert strict.stdout.splitlines()[-1] == ("failed: 1 finding at or above error: 1 invalid-yaml")
    never = kslint("lint", ".", "--fail-on", "never", cwd=small)
    assert never.returncode == 0
    assert never.stdout.splitlines()[-1] == "1 error, 2 warnings, 0 info in 3 files, 2 objects"
    assert "failed:" not in never.stdout


def test_github_format_on_stdout(small: Path) -> None:
    done = kslint("lint", ".", "-f", "github", cwd=small)
    lines = done.stdout.splitlines()
    assert [line.split(" ", 1)[0] for line in lines] == ["::warning", "::warning", "::error"]
    assert lines[0].startswith(
        "::warning file=a.yaml,line=18,col=11,endLine=18,endColumn=19,"
        "title=kslint pod-host-path-volume::Deployment default/alpha mounts hostPath volume"
    )
    assert lines[2].startswith(
        "::error file=c.yaml,line=2,col=1,endLine=2,endColumn=1,title=kslint invalid-yaml::"
    )


def test_github_escapes_a_hostile_file_name_end_to_end(tmp_path: Path) -> None:
    folder = tmp_path / "odd"
    folder.mkdir()
    hostile = 'name: "x,y: 100%\\r\\n::error::pwned"'
    (folder / "a,b: 50% ü.yaml").write_text(
        HOSTPATH_DEPLOYMENT.format(name="web").replace("name: web\n", hostile + "\n", 1)
    )
    done = kslint("lint", ".", "-f", "github", cwd=folder)
    assert done.stdout.count("\n") == 1  # one finding, one line: nothing injected
    assert done.stdout.startswith(
        "::warning file=a%2Cb%3A 50%25 ü.yaml,line=18,col=11,endLine=18,endColumn=19,"
        "title=kslint pod-host-path-volume::Deployment default/x,y: 100%25%0D%0A::error::pwned "
        "mounts hostPath volume 'data'"
    )


def test_report_option_errors_are_usage_errors(small: Path) -> None:
    missing = kslint("lint", ".", "--report", "sarif", cwd=small)
    assert missing.returncode == 2
    assert "--report wants FORMAT=PATH, got 'sarif'" in missing.stderr
    unknown = kslint("lint", ".", "--report", "pdf=x.pdf", cwd=small)
    assert unknown.returncode == 2
    assert "--report: unknown format 'pdf'" in unknown.stderr
    assert not (small / "x.pdf").exists()
    (small / "blocker").write_text("a file, not a directory")
    unwritable = kslint("lint", ".", "--report", "sarif=blocker/out.sarif", cwd=small)
    assert unwritable.returncode == 2
    assert "cannot write blocker/out.sarif" in unwritable.stderr

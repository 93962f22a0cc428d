"""The GitHub Action (action.yml at the repository root), run as a runner would run it:
each ``run:`` step in ``bash --noprofile --norc -eo pipefail``, with ``GITHUB_OUTPUT``,
``GITHUB_PATH``, ``GITHUB_STEP_SUMMARY`` and ``RUNNER_TEMP`` pointing at temporary files,
``${{ inputs.* }}`` and ``${{ steps.*.outputs.* }}`` filled in from the inputs and the
outputs earlier steps wrote. The install step runs for real once (a virtual environment
with kslint installed from this checkout, through pip as configured, like .ci/run); the
lint, summary and gate steps then run on fixtures and their summary, SARIF and exit codes
are checked."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from helpers import run_kslint
from ruamel.yaml import YAML

ROOT = Path(__file__).parent.parent
ACTION = YAML(typ="safe").load((ROOT / "action.yml").read_text(encoding="utf-8"))
FIXTURES = Path(__file__).parent / "fixtures"
SCHEMA = json.loads((FIXTURES / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
BASH = ["bash", "--noprofile", "--norc", "-eo", "pipefail"]  # GitHub's `shell: bash`


@dataclass
class Runner:
    """The files and state a runner keeps for one job."""

    workspace: Path
    temp: Path
    path: list[str] = field(default_factory=list)  # GITHUB_PATH entries, newest first
    outputs: dict[str, dict[str, str]] = field(default_factory=dict)  # by step id

    @property
    def summary(self) -> Path:
        return self.temp / "step_summary.md"

    def expression(self, text: str, inputs: dict[str, str]) -> str:
        def value(match: re.Match[str]) -> str:
            expression = match.group(1)
            if expression.startswith("inputs."):
                return inputs[expression.removeprefix("inputs.")]
            step = re.fullmatch(r"steps\.([\w-]+)\.outputs\.([\w-]+)", expression)
            if step:
                return self.outputs.get(step.group(1), {}).get(step.group(2), "")
            raise AssertionError(f"the test runner does not know {expression!r}")

        return EXPRESSION.sub(value, text)

    def run_step(self, step: dict[str, Any], inputs: dict[str, str]) -> subprocess.CompletedProcess:
        output = self.temp / f"output-{len(self.outputs)}"
        output.write_text("")
        github_path = self.temp / "path"
        github_path.write_text("")
        env = {
            "PATH": os.pathsep.join([*self.path, "/usr/local/bin", "/usr/bin", "/bin"]),
            "HOME": str(self.temp),
            "NO_COLOR": "1",
            "RUNNER_TEMP": str(self.temp),
            "GITHUB_ACTION_PATH": str(ROOT),
            "GITHUB_WORKSPACE": str(self.workspace),
            "GITHUB_OUTPUT": str(output),
            "GITHUB_PATH": str(github_path),
            "GITHUB_STEP_SUMMARY": str(self.summary),
            **{name: self.expression(str(v), inputs) for name, v in step.get("env", {}).items()},
        }
        for name in ("PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_FIND_LINKS", "PIP_CONFIG_FILE"):
            if name in os.environ:  # pip as configured on this machine, as for .ci/run
                env[name] = os.environ[name]
        done = subprocess.run(
            [*BASH, "-c", step["run"]],
            cwd=self.workspace,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        self.outputs[step.get("id", f"step-{len(self.outputs)}")] = dict(
            line.split("=", 1) for line in output.read_text().splitlines() if "=" in line
        )
        self.path = [*reversed(github_path.read_text().split()), *self.path]
        return done


def steps(name: str) -> dict[str, Any]:
    return next(step for step in ACTION["runs"]["steps"] if step["name"] == name)


def inputs(**overrides: str) -> dict[str, str]:
    values = {name: str(spec.get("default", "")) for name, spec in ACTION["inputs"].items()}
    for name, value in overrides.items():
        assert name.replace("_", "-") in values, name
        values[name.replace("_", "-")] = value
    return values


@pytest.fixture(scope="module")
def kslint_bin(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """The install step, run for real once: the PATH entries it adds."""
    temp = tmp_path_factory.mktemp("runner")
    runner = Runner(workspace=temp, temp=temp)
    done = runner.run_step(steps("Install kslint"), inputs())
    assert done.returncode == 0, done.stderr
    assert re.fullmatch(r"kslint \S+\n", done.stdout), done.stdout
    assert runner.path == [str(temp / "kslint-venv" / "bin")]
    return runner.path


def run_action(workspace: Path, path: list[str], **overrides: str) -> tuple[Runner, dict]:
    """The steps after the install, in order, as the runner runs them (a failing step
    ends the job); returns the runner and each step's result by name."""
    runner = Runner(workspace=workspace, temp=workspace.parent / "runner-temp", path=list(path))
    runner.temp.mkdir(exist_ok=True)
    values = inputs(**overrides)
    results = {}
    for step in ACTION["runs"]["steps"][1:]:
        if "run" not in step:
            continue
        results[step["name"]] = done = runner.run_step(step, values)
        if done.returncode != 0:
            break
    return runner, results


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    target = tmp_path / "workspace"
    shutil.copytree(FIXTURES / "graph", target)
    return target


def test_the_action_is_composite_and_every_input_is_documented() -> None:
    assert ACTION["runs"]["using"] == "composite"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### The kslint GitHub Action", 1)[1].split("\n## ", 1)[0]
    for name, spec in ACTION["inputs"].items():
        assert spec["description"], name
        assert f"| `{name}` |" in section, f"input {name} is not in the README's table"
    assert "uses: <owner>/kslint@" in section  # a complete workflow example
    for step in ACTION["runs"]["steps"]:
        # Inputs reach scripts only through env: an expression in a script could inject code.
        assert "${{" not in step.get("run", ""), step["name"]


def test_sarif_upload_step() -> None:
    upload = steps("Upload SARIF to code scanning")
    assert upload["uses"].startswith("github/codeql-action/upload-sarif@")
    assert "inputs.sarif == 'true'" in upload["if"]
    assert upload["with"]["sarif_file"] == "${{ inputs.sarif-file }}"


def test_failing_run_writes_summary_and_sarif_then_fails(
    kslint_bin: list[str], workspace: Path
) -> None:
    runner, results = run_action(workspace, kslint_bin, sarif="true")
    lint = results["Lint"]
    assert runner.outputs["lint"]["exit-code"] == "1"
    # Annotations on the diff: one workflow command per finding.
    assert len(re.findall(r"^::(error|warning|notice) ", lint.stdout, re.M)) == 8
    # The job summary is the Markdown report, exactly.
    expected = run_kslint("lint", ".", "--format", "markdown", cwd=workspace).stdout
    assert runner.summary.read_text(encoding="utf-8") == expected
    assert "❌ **kslint failed**: 7 findings at or above warning" in expected
    # SARIF for code scanning, valid against the 2.1.0 schema.
    sarif = json.loads((workspace / "kslint.sarif").read_text(encoding="utf-8"))
    jsonschema.validate(sarif, SCHEMA)
    assert len(sarif["runs"][0]["results"]) == 8
    assert runner.outputs["lint"]["sarif-file"] == "kslint.sarif"
    gate = results["Gate"]
    assert gate.returncode == 1
    assert "findings at or above fail-on" in gate.stdout


def test_fail_on_error_passes_on_warnings_and_options_reach_kslint(
    kslint_bin: list[str], workspace: Path
) -> None:
    runner, results = run_action(
        workspace,
        kslint_bin,
        paths="ledger.yaml\nweb.yaml",
        fail_on="error",
        args="--ignore deployment-shared-rwo-pvc",
        annotations="false",
    )
    assert runner.outputs["lint"]["exit-code"] == "0"
    assert results["Gate"].returncode == 0
    summary = runner.summary.read_text(encoding="utf-8")
    assert summary.splitlines()[2].startswith("✅ **kslint passed**: nothing at or above error")
    assert "deployment-shared-rwo-pvc" not in summary
    assert "pvc-not-found" in summary
    # Without annotations the log has the text report; without sarif, no SARIF file.
    assert "warning[pvc-not-found]" in results["Lint"].stdout
    assert not (workspace / "kslint.sarif").exists()


def test_summary_off_and_a_usage_error(kslint_bin: list[str], workspace: Path) -> None:
    runner, results = run_action(workspace, kslint_bin, paths="nowhere", summary="false")
    assert runner.outputs["lint"]["exit-code"] == "2"
    assert not runner.summary.exists()
    assert "nowhere" in results["Lint"].stderr
    assert results["Gate"].returncode == 2


def test_paths_are_not_globbed_or_run(kslint_bin: list[str], workspace: Path) -> None:
    runner, results = run_action(workspace, kslint_bin, paths="'*.yaml' $(touch pwned)")
    assert not (workspace / "pwned").exists()
    assert runner.outputs["lint"]["exit-code"] == "2"  # no file is literally named '*.yaml'
    assert results["Gate"].returncode == 2

"""What a new user ran into trying the README (issue 12), through the CLI: --help shows
no Python types, flag errors say "did you mean", --baseline-write says what it wrote, the
caret of a cut line stays under its node, family ids are shown one way."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from helpers import run_kslint, write_repo

from kslint.registry import FAMILIES
from kslint.ruledocs import readme_table

ROOT = Path(__file__).resolve().parent.parent

HOST_PATH = """\
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: c, image: busybox, volumeMounts: [{name: h, mountPath: /h}]}]
  volumes: [{name: h, hostPath: {path: /srv}}]
"""


@pytest.mark.parametrize(
    "command",
    [
        (),
        ("lint",),
        ("fix",),
        ("graph",),
        ("rules",),
        ("explain",),
        ("policy",),
        ("policy", "test"),
        ("clean",),
    ],
)
def test_help_shows_no_python_types(command: tuple[str, ...], tmp_path: Path) -> None:
    result = run_kslint(*command, "--help", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert not re.search(r"<(list\[|str>|path>|int>|Path>)", result.stdout), result.stdout


def test_lint_help_names_its_values(tmp_path: Path) -> None:
    out = run_kslint("lint", "--help", cwd=tmp_path).stdout
    for shown in ("PATH", "--exclude GLOB", "--select RULES", "--baseline-write FILE"):
        assert shown in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--fail-on", "warn"), "--fail-on: unknown value 'warn' (did you mean 'warning'?)"),
        (("--format", "jsn"), "--format: unknown format 'jsn' (did you mean 'json'?)"),
        (("--report", "sarf=x.sarif"), "--report: unknown format 'sarf' (did you mean 'sarif'?)"),
        (
            ("--select", "volumez"),
            "--select: unknown rule or family 'volumez' (did you mean 'volumes'?)",
        ),
        (("--ignore", "pdb-blocks-evictions"), "did you mean 'pdb-blocks-eviction'?"),
        (
            ("--select", "nosuch"),
            "unknown rule or family 'nosuch' (`kslint rules` lists the rule and family ids)",
        ),
    ],
)
def test_flag_errors_suggest(args: tuple[str, ...], message: str, tmp_path: Path) -> None:
    write_repo(tmp_path, {"p.yaml": HOST_PATH})
    result = run_kslint("lint", "p.yaml", *args, cwd=tmp_path)
    assert result.returncode == 2
    assert message in result.stderr


def test_rules_format_suggests(tmp_path: Path) -> None:
    result = run_kslint("rules", "--format", "jsno", cwd=tmp_path)
    assert result.returncode == 2
    assert "--format: unknown format 'jsno' (did you mean 'json'?)" in result.stderr


def test_baseline_write_says_what_it_wrote(tmp_path: Path) -> None:
    write_repo(tmp_path, {"p.yaml": HOST_PATH})
    result = run_kslint("lint", "p.yaml", "--baseline-write", "base.json", cwd=tmp_path)
    assert result.returncode == 0
    assert "failed:" not in result.stdout
    assert "0 errors, 1 warning, 0 info in 1 file, 1 object" in result.stdout
    assert (
        "kslint: recorded 1 finding in the baseline base.json (1 pod-host-path-volume); exit 0. "
        "Later runs with --baseline base.json report only findings not recorded there."
    ) in result.stderr
    recorded = json.loads((tmp_path / "base.json").read_text())["findings"]
    assert len(recorded) == 1
    again = run_kslint("lint", "p.yaml", "--baseline", "base.json", cwd=tmp_path)
    assert again.returncode == 0


def test_the_caret_of_a_cut_line_stays_under_its_node(tmp_path: Path) -> None:
    long_value = "x" * 300
    minified = (
        '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","annotations":{"a":"'
        + long_value
        + '"}},"spec":{"containers":[{"name":"c","image":"busybox","volumeMounts":'
        '[{"name":"h","mountPath":"/h"}]}],"volumes":[{"name":"h","hostPath":{"path":"/srv"}}]}}\n'
    )
    write_repo(tmp_path, {"p.json": minified})
    out = run_kslint("lint", "p.json", "--select", "pod-host-path-volume", cwd=tmp_path).stdout
    lines = out.splitlines()
    index = next(i for i, line in enumerate(lines) if line.startswith("    1 | "))
    shown, caret = lines[index], lines[index + 1]
    assert len(shown) <= len("    1 | ") + 162
    assert shown.startswith("    1 | …")
    start = caret.index("^")
    assert shown[start : start + len('"hostPath"')] == '"hostPath"'
    assert caret[start:].rstrip() == "^" * len('"hostPath"')


def test_family_ids_are_shown_one_way(tmp_path: Path) -> None:
    listing = run_kslint("rules", cwd=tmp_path).stdout
    explained = run_kslint("explain", "pod-host-path-volume", cwd=tmp_path).stdout
    assert "  volumes  " in listing.splitlines()[2] or " volumes " in listing
    assert explained.splitlines()[0].endswith("family volumes (A. Volumes in pod templates)")
    table = readme_table()
    assert "| `pod-host-path-volume` | warning | `volumes` |" in table
    for family in ("volumes", "sharing", "statefulset-service", "input", "schema"):
        assert f"| `{family}` | {FAMILIES[family]} |" in table
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "A. Volumes in pod templates |" not in readme.split("| family | rules about |")[0]
    assert "--select volumes,pdb-blocks-eviction" in readme


def test_select_a_family(tmp_path: Path) -> None:
    write_repo(tmp_path, {"p.yaml": HOST_PATH})
    out = run_kslint("lint", "p.yaml", "--select", "volumes", "-f", "json", cwd=tmp_path).stdout
    assert {f["rule"] for f in json.loads(out)["findings"]} == {"pod-host-path-volume"}
    out = run_kslint("lint", "p.yaml", "--select", "binding", "-f", "json", cwd=tmp_path).stdout
    assert json.loads(out)["findings"] == []

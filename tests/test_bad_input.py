"""Hostile and broken input through the command line (issue 14): no hang, no exit 3, bounded
reading, and never a report written onto an input.

Each test is one defect that was found; the README's "Bad input" section lists the limits
and what each case gets.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import run_kslint

CONFIGMAP = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok}\ndata: {a: b}\n"
HUGE_HEX = "0x" + "f" * 3700  # past Python's int-to-string limit once parsed


def lint(tmp_path: Path, *args: str, **kwargs: object) -> subprocess.CompletedProcess:
    result = run_kslint("lint", *args, cwd=tmp_path, **kwargs)  # type: ignore[arg-type]
    assert "Traceback" not in result.stderr
    assert "internal error" not in result.stderr
    return result


def findings(result: subprocess.CompletedProcess) -> list[tuple[str, str, str]]:
    return [(f["rule"], f["file"], f["message"]) for f in json.loads(result.stdout)["findings"]]


# -- hangs ------------------------------------------------------------------------------------

CRD = """\
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: things.example.com}
spec:
  group: example.com
  names: {kind: Thing, plural: things}
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              properties:
                code: {type: string, pattern: '^(a+)+$'}
"""
THING = "apiVersion: example.com/v1\nkind: Thing\nmetadata: {name: t}\nspec: {code: %s}\n"


def test_a_catastrophic_crd_pattern_does_not_hang(tmp_path: Path) -> None:
    (tmp_path / "crd.yaml").write_text(CRD)
    (tmp_path / "thing.yaml").write_text(THING % ("a" * 40 + "!"))
    result = lint(tmp_path, ".", "--no-config", "-f", "json")
    assert result.returncode == 1
    [(rule, file, message)] = findings(result)
    assert (rule, file) == ("schema-violation", "thing.yaml")
    assert "does not match the pattern ^(a+)+$" in message


def test_a_catastrophic_schema_dir_pattern_does_not_hang(tmp_path: Path) -> None:
    schemas = tmp_path / "schemas"
    schemas.mkdir()
    schema = {
        "type": "object",
        "properties": {
            "spec": {
                "type": "object",
                "properties": {"code": {"type": "string", "pattern": "^(a+)+$"}},
                "patternProperties": {"^(b+)+$": {"type": "string"}},
            }
        },
    }
    (schemas / "thing-example-v1.json").write_text(json.dumps(schema))
    (tmp_path / "thing.yaml").write_text(THING % ("a" * 40 + "!"))
    result = lint(tmp_path, "thing.yaml", "--no-config", "--schema-dir", "schemas", "-f", "json")
    assert result.returncode == 1
    assert [rule for rule, _, _ in findings(result)] == ["schema-violation"]


def test_a_schema_dir_pattern_re2_cannot_compile_is_a_usage_error(tmp_path: Path) -> None:
    schemas = tmp_path / "schemas"
    schemas.mkdir()
    schema = {"properties": {"spec": {"properties": {"code": {"pattern": "(a)\\1"}}}}}
    (schemas / "thing-example-v1.json").write_text(json.dumps(schema))
    (tmp_path / "thing.yaml").write_text(THING % "aa")
    result = lint(tmp_path, "thing.yaml", "--no-config", "--schema-dir", "schemas")
    assert result.returncode == 2
    assert result.stderr.startswith(
        "kslint: --schema-dir: the schema of example.com/v1 Thing has a pattern RE2"
    )


def test_a_crd_pattern_re2_cannot_compile_is_a_finding_on_the_crd(tmp_path: Path) -> None:
    (tmp_path / "crd.yaml").write_text(CRD.replace("'^(a+)+$'", "'(?=a)'"))
    (tmp_path / "thing.yaml").write_text(THING % "aa")
    result = lint(tmp_path, ".", "--no-config", "-f", "json")
    assert result.returncode == 1
    [(rule, file, message)] = findings(result)
    assert (rule, file) == ("schema-violation", "crd.yaml")
    assert "'(?=a)' is not a valid RE2 regular expression" in message


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_a_fifo_on_the_command_line_is_a_finding_not_a_hang(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "x.yaml")
    (tmp_path / "ok.yaml").write_text(CONFIGMAP)
    result = lint(tmp_path, "x.yaml", "ok.yaml", "--no-config", "-f", "json", timeout=60)
    assert result.returncode == 1
    [(rule, file, message)] = findings(result)
    assert (rule, file) == ("invalid-yaml", "x.yaml")
    assert message.startswith("x.yaml is not a regular file (a FIFO): not read;")
    alone = lint(tmp_path, "x.yaml", "--no-config", timeout=60)
    assert alone.returncode == 2
    assert "nothing could be read" in alone.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_a_fifo_baseline_is_a_usage_error_not_a_hang(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "baseline.json")
    (tmp_path / "ok.yaml").write_text(CONFIGMAP)
    result = lint(tmp_path, "ok.yaml", "--no-config", "--baseline", "baseline.json", timeout=60)
    assert result.returncode == 2
    assert "baseline.json is not a regular file (a FIFO)" in result.stderr


# -- exit 3 where the input is at fault ---------------------------------------------------------


def test_a_symlink_loop_with_a_configuration_file(tmp_path: Path) -> None:
    (tmp_path / ".kslint.yaml").write_text("#\n")
    (tmp_path / "ok.yaml").write_text(CONFIGMAP)
    os.symlink("b.yaml", tmp_path / "a.yaml")
    os.symlink("a.yaml", tmp_path / "b.yaml")
    assert lint(tmp_path, "ok.yaml").returncode == 0
    everything = lint(tmp_path, ".", "-f", "json")
    assert everything.returncode == 1
    assert findings(everything) == [
        ("invalid-yaml", "a.yaml", "Cannot read a.yaml: Too many levels of symbolic links."),
        ("invalid-yaml", "b.yaml", "Cannot read b.yaml: Too many levels of symbolic links."),
    ]
    # As pre-commit runs it: the loop among the changed files, the project as context.
    changed = lint(tmp_path, "a.yaml", "ok.yaml", "-f", "json")
    assert changed.returncode == 1
    assert findings(changed) == [
        ("invalid-yaml", "a.yaml", "Cannot read a.yaml: Too many levels of symbolic links."),
    ]


@pytest.mark.parametrize(
    "manifest",
    [
        f"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: {HUGE_HEX}}}\n",
        f"apiVersion: v1\nkind: {HUGE_HEX}\nmetadata: {{name: x}}\n",
        f"apiVersion: {HUGE_HEX}\nkind: ConfigMap\nmetadata: {{name: x}}\n",
        f"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: x}}\ndata: {{a: {HUGE_HEX}}}\n",
    ],
)
def test_huge_hex_integers_in_manifests(tmp_path: Path, manifest: str) -> None:
    (tmp_path / "m.yaml").write_text(manifest)
    for output in ("text", "json", "sarif"):
        assert lint(tmp_path, "m.yaml", "--no-config", "-f", output).returncode in (0, 1)


def test_a_huge_integer_as_kubernetes_version_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "ok.yaml").write_text(CONFIGMAP)
    (tmp_path / ".kslint.yaml").write_text(f"kubernetes_version: {HUGE_HEX}\n")
    result = lint(tmp_path, "ok.yaml")
    assert result.returncode == 2
    assert ".kslint.yaml:1:21: kubernetes_version:" in result.stderr
    (tmp_path / ".kslint.yaml").unlink()
    (tmp_path / "pyproject.toml").write_text(f"[tool.kslint]\nkubernetes_version = {HUGE_HEX}\n")
    toml = lint(tmp_path, "ok.yaml")
    assert toml.returncode == 2
    assert "pyproject.toml:2:1: kubernetes_version: the integer is too large" in toml.stderr


def test_a_nul_byte_in_kustomization_patches(tmp_path: Path) -> None:
    (tmp_path / "ok.yaml").write_text(CONFIGMAP)
    (tmp_path / "kustomization.yaml").write_text('resources: [ok.yaml]\npatches: ["a\\0b"]\n')
    # Discovery reads the patch list without crashing; rendering (kustomize is on these
    # machines) reports kustomize's own error, and without rendering the files are plain.
    rendered = lint(tmp_path, ".", "--no-config", "-f", "json")
    assert [rule for rule, _, _ in findings(rendered)] == ["render-failed"]
    assert lint(tmp_path, ".", "--no-config", "--render", "never").returncode == 0


def test_a_pyproject_nested_5000_deep_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "ok.yaml").write_text(CONFIGMAP)
    (tmp_path / "pyproject.toml").write_text(
        "[tool.kslint]\nfail_on = " + "[" * 5000 + "]" * 5000 + "\n"
    )
    result = lint(tmp_path, "ok.yaml")
    assert result.returncode == 2
    assert "pyproject.toml:2:111: the TOML nests deeper than 100 levels" in result.stderr


def test_a_baseline_of_nested_brackets_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "ok.yaml").write_text(CONFIGMAP)
    (tmp_path / "b.json").write_text("[" * 100_000 + "]" * 100_000)
    result = lint(tmp_path, "ok.yaml", "--no-config", "--baseline", "b.json")
    assert result.returncode == 2
    assert "b.json:1:101: the baseline nests deeper than 100 levels" in result.stderr


def test_context_outside_the_project_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "ok.yaml").write_text(CONFIGMAP)
    (tmp_path / ".kslint.yaml").write_text("context: ['/']\n")
    result = lint(tmp_path, "ok.yaml", timeout=60)
    assert result.returncode == 2
    assert ".kslint.yaml:1:11: context: path '/' is outside the project" in result.stderr


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads everything")
def test_a_file_under_an_untraversable_directory(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    (locked / "sub").mkdir(parents=True)
    (locked / "sub" / "x.yaml").write_text(CONFIGMAP)
    (tmp_path / "ok.yaml").write_text(CONFIGMAP)
    locked.chmod(0)
    try:
        named = lint(tmp_path, "locked/sub/x.yaml", "ok.yaml", "--no-config", "-f", "json")
        assert named.returncode == 1
        assert findings(named) == [
            (
                "invalid-yaml",
                "locked/sub/x.yaml",
                "Cannot read locked/sub/x.yaml: Permission denied.",
            )
        ]
        walked = lint(tmp_path, ".", "--no-config", "-f", "json")
        assert walked.returncode == 1
        assert findings(walked) == [
            ("invalid-yaml", "locked", "Cannot read locked: Permission denied.")
        ]
        nothing = lint(tmp_path, "locked", "--no-config")
        assert nothing.returncode == 2
        assert "nothing could be read" in nothing.stderr
    finally:
        locked.chmod(0o755)


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_stdout_on_a_full_disk(tmp_path: Path) -> None:
    (tmp_path / "ok.yaml").write_text(CONFIGMAP)
    for command in (["lint", "ok.yaml", "--no-config"], ["rules"]):
        with open("/dev/full", "w") as full:
            result = subprocess.run(
                [sys.executable, "-m", "kslint", *command],
                cwd=tmp_path,
                stdout=full,
                stderr=subprocess.PIPE,
                text=True,
                timeout=120,
            )
        assert result.returncode == 2, result.stderr
        assert result.stderr.strip().splitlines()[-1] == (
            "kslint: cannot write to standard output: No space left on device"
        )


# -- memory and size ------------------------------------------------------------------------------


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_dev_zero_is_not_read(tmp_path: Path) -> None:
    result = lint(tmp_path, "/dev/zero", "--no-config", timeout=60)
    assert result.returncode == 2
    assert "is not a regular file (a character device)" in result.stderr


def test_a_runaway_generator_on_stdin_stops_at_the_limit(tmp_path: Path) -> None:
    # `yes` never ends: kslint must stop reading at the limit, not grow until killed.
    generator = subprocess.Popen(["yes", "key: value"], stdout=subprocess.PIPE)
    try:
        result = subprocess.run(
            [sys.executable, "-m", "kslint", "lint", "-", "--no-config", "-f", "json"],
            cwd=tmp_path,
            stdin=generator.stdout,
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        generator.kill()
        generator.wait()
    assert result.returncode == 1, result.stderr
    assert findings(result) == [
        ("invalid-yaml", "<stdin>", "Standard input is over the 32 MiB limit of one input.")
    ]


def test_the_run_budget_reports_what_it_leaves_out(tmp_path: Path) -> None:
    for name in ("a", "b", "c"):  # one name each: copies in one directory are duplicates
        (tmp_path / f"{name}.yaml").write_text(CONFIGMAP.replace("name: ok", f"name: o{name}"))
    (tmp_path / ".kslint.yaml").write_text(f"limits: {{max_bytes: {len(CONFIGMAP) * 2}}}\n")
    result = lint(tmp_path, "a.yaml", "b.yaml", "c.yaml", "-f", "json")
    assert result.returncode == 1
    [(rule, file, message)] = findings(result)
    assert (rule, file) == ("invalid-yaml", "c.yaml")
    assert message.startswith(f"Not read: the run already read {len(CONFIGMAP) * 2} bytes")
    (tmp_path / ".kslint.yaml").write_text("limits: {max_documents: 3}\n")
    documents = lint(tmp_path, "a.yaml", "b.yaml", "c.yaml", "-", "-f", "json", stdin=CONFIGMAP)
    assert documents.returncode == 1
    [(rule, file, message)] = findings(documents)
    assert (rule, file) == ("invalid-yaml", "<stdin>")
    assert message.startswith("The run reached its limit of 3 YAML documents")


def test_limits_on_the_command_line_win_over_the_configuration(tmp_path: Path) -> None:
    for name in ("a", "b", "c"):
        (tmp_path / f"{name}.yaml").write_text(CONFIGMAP.replace("name: ok", f"name: o{name}"))
    (tmp_path / ".kslint.yaml").write_text("limits: {max_documents: 1, max_bytes: 1}\n")
    files = ("a.yaml", "b.yaml", "c.yaml")
    # The flags replace the file's limits: everything is read and loaded.
    lifted = lint(tmp_path, *files, "-f", "json", "--max-documents", "3", "--max-bytes", "1KiB")
    assert lifted.returncode == 0, lifted.stdout
    assert json.loads(lifted.stdout)["summary"]["objects"] == 3
    # And lower them: the second document is where loading stops.
    documents = lint(tmp_path, *files, "-f", "json", "--no-config", "--max-documents", "1")
    assert documents.returncode == 1
    left_out = findings(documents)
    assert [(rule, file) for rule, file, _ in left_out] == [
        ("invalid-yaml", "b.yaml"),
        ("invalid-yaml", "c.yaml"),
    ]
    assert left_out[0][2].startswith("The run reached its limit of 1 YAML documents")
    assert "--max-documents" in left_out[0][2]
    budget = lint(tmp_path, *files, "-f", "json", "--no-config", "--max-bytes", str(len(CONFIGMAP)))
    assert [(r, f) for r, f, _ in findings(budget)] == [
        ("invalid-yaml", "b.yaml"),
        ("invalid-yaml", "c.yaml"),
    ]
    # The per-file limit, for files and standard input.
    per_file = lint(tmp_path, "a.yaml", "-f", "json", "--no-config", "--max-file-bytes", "20")
    assert findings(per_file) == [
        ("invalid-yaml", "a.yaml", f"a.yaml is {len(CONFIGMAP)} bytes, over the 20 bytes limit.")
    ]
    stdin = lint(
        tmp_path, "-", "-f", "json", "--no-config", "--max-file-bytes", "20", stdin=CONFIGMAP
    )
    assert findings(stdin) == [
        ("invalid-yaml", "<stdin>", "Standard input is over the 20 bytes limit of one input.")
    ]
    config = tmp_path / "big.yaml"
    config.write_text("limits: {max_file_bytes: 20}\n")
    raised = lint(tmp_path, "a.yaml", "--config", "big.yaml", "--max-file-bytes", "1MiB")
    assert raised.returncode == 0, raised.stdout


@pytest.mark.parametrize("command", ["lint", "fix", "graph"])
@pytest.mark.parametrize(
    ("flag", "value", "expected"),
    [
        ("--max-bytes", "0", "must be at least 1"),
        ("--max-bytes", "12XB", "'12XB' is not a whole number of bytes"),
        ("--max-file-bytes", "-5", "'-5' is not a whole number of bytes"),
        ("--max-documents", "1MiB", "'1MiB' is not a whole number"),
        ("--max-documents", "many", "'many' is not a whole number"),
    ],
)
def test_a_bad_limit_on_the_command_line_is_a_usage_error(
    tmp_path: Path, command: str, flag: str, value: str, expected: str
) -> None:
    (tmp_path / "m.yaml").write_text(CONFIGMAP)
    result = run_kslint(command, "m.yaml", "--no-config", flag, value, cwd=tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert f"Invalid value for '{flag}': {expected}" in " ".join(result.stderr.split())
    assert m_unchanged(tmp_path)


def m_unchanged(tmp_path: Path) -> bool:
    return (tmp_path / "m.yaml").read_text() == CONFIGMAP


PVC = """\
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: NAME}
spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
"""


def test_limits_flags_reach_graph_and_fix(tmp_path: Path) -> None:
    (tmp_path / "m.yaml").write_text(
        PVC.replace("NAME", "one") + "---\n" + PVC.replace("NAME", "two")
    )

    def names(*flags: str) -> set[str]:
        graph = run_kslint("graph", "m.yaml", "--no-config", "-f", "json", *flags, cwd=tmp_path)
        assert graph.returncode == 0, graph.stderr
        units = json.loads(graph.stdout)["units"]
        return {node["name"] for unit in units for node in unit["nodes"]}

    assert names() == {"one", "two"}
    assert names("--max-documents", "1") == {"one"}
    # fix reads through the same limits: a file over --max-file-bytes is not read, so
    # not fixed; without the flag its safe fix is written.
    (tmp_path / "app.yaml").write_text(DEPLOYMENT)
    limited = run_kslint("fix", "app.yaml", "--no-config", "--max-file-bytes", "100", cwd=tmp_path)
    assert "Traceback" not in limited.stderr
    assert (tmp_path / "app.yaml").read_text() == DEPLOYMENT
    fixed = run_kslint("fix", "app.yaml", "--no-config", cwd=tmp_path)
    assert fixed.returncode == 0, fixed.stderr
    assert (tmp_path / "app.yaml").read_text() != DEPLOYMENT


DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
spec:
  replicas: 1
  selector:
    matchLabels: {app: app}
  template:
    metadata:
      labels: {app: app}
    spec:
      containers:
        - name: app
          image: nginx
      volumes:
        - name: data
          persistentVolumeClaim: {claimName: data}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data}
spec: {accessModes: [ReadWriteOnce], storageClassName: standard, resources: {requests: {storage: 1Gi}}}
"""


# -- silent wrong answers --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "flags",
    [
        ["-o", "m.yaml"],
        ["--report", "json=m.yaml"],
        ["--baseline-write", "m.yaml"],
        ["-o", "context.yaml"],
    ],
)
def test_outputs_onto_an_input_manifest_are_refused(tmp_path: Path, flags: list[str]) -> None:
    (tmp_path / ".kslint.yaml").write_text("context: [context.yaml]\n")
    (tmp_path / "m.yaml").write_text(CONFIGMAP)
    (tmp_path / "context.yaml").write_text(CONFIGMAP.replace("ok", "other"))
    result = lint(tmp_path, "m.yaml", *flags)
    assert result.returncode == 2
    assert "a manifest this run reads" in result.stderr
    assert (tmp_path / "m.yaml").read_text() == CONFIGMAP
    assert (tmp_path / "context.yaml").read_text() == CONFIGMAP.replace("ok", "other")


def test_an_output_through_a_symlink_onto_a_walked_manifest_is_refused(tmp_path: Path) -> None:
    """The same cold and warm (the cached run knows the real paths discovery read)."""
    (tmp_path / "deploy").mkdir()
    (tmp_path / "deploy" / "m.yaml").write_text(CONFIGMAP)
    os.symlink("deploy/m.yaml", tmp_path / "out.json")
    for _ in range(2):
        result = lint(tmp_path, "deploy", "-f", "json", "-o", "out.json")
        assert result.returncode == 2
        assert "refusing to write out.json: it is deploy/m.yaml" in result.stderr
    assert (tmp_path / "deploy" / "m.yaml").read_text() == CONFIGMAP


def test_two_outputs_onto_one_path_are_refused(tmp_path: Path) -> None:
    (tmp_path / "m.yaml").write_text(CONFIGMAP)
    result = lint(tmp_path, "m.yaml", "--no-config", "-o", "out.txt", "--report", "json=./out.txt")
    assert result.returncode == 2
    assert "both write" in result.stderr
    assert not (tmp_path / "out.txt").exists()


def test_reports_are_written_all_together_or_not_at_all(tmp_path: Path) -> None:
    (tmp_path / "m.yaml").write_text(CONFIGMAP)
    (tmp_path / "old.json").write_text("earlier report\n")
    (tmp_path / "blocked").write_text("a file, not a folder\n")
    result = lint(
        tmp_path,
        "m.yaml",
        "--no-config",
        "--report",
        "json=old.json",
        "--report",
        "sarif=blocked/new.sarif",
    )
    assert result.returncode == 2
    assert "cannot write blocked/new.sarif" in result.stderr
    assert (tmp_path / "old.json").read_text() == "earlier report\n"
    written = sorted(p.name for p in tmp_path.iterdir() if p.name != ".kslint_cache")
    assert written == ["blocked", "m.yaml", "old.json"]  # the content cache aside
    fine = lint(tmp_path, "m.yaml", "--no-config", "--report", "json=old.json")
    assert fine.returncode == 0
    assert json.loads((tmp_path / "old.json").read_text())["findings"] == []


def test_symlinks_out_of_the_tree_are_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.yaml").write_text("root:x:0:0:root:/root:/bin/bash\n")
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "ok.yaml").write_text(CONFIGMAP)
    os.symlink(outside / "secret.yaml", tree / "link.yaml")
    os.symlink("ok.yaml", tree / "inside.yaml")
    result = lint(tree, ".", "--no-config", "-f", "json")
    assert result.returncode == 0
    assert json.loads(result.stdout)["summary"]["files"] == 1  # inside.yaml is ok.yaml
    assert "1 symlink(s) not followed" in result.stderr
    assert "link.yaml" in result.stderr
    followed = lint(tree, ".", "--no-config", "--follow-symlinks", "-f", "json")
    assert json.loads(followed.stdout)["summary"]["files"] == 2


def test_a_pyproject_with_a_non_utf8_byte_is_reported(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "ok.yaml").write_text(CONFIGMAP)
    (tmp_path / "pyproject.toml").write_bytes(b'[tool.kslint]\nfail_on = "err\xffor"\n')
    result = lint(tmp_path, "ok.yaml")
    assert result.returncode == 2
    assert "pyproject.toml:2:15: the file is not UTF-8 text (byte 0xff" in result.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_a_fifo_or_a_deeply_nested_file_in_a_schema_dir(tmp_path: Path) -> None:
    schemas = tmp_path / "schemas"
    schemas.mkdir()
    os.mkfifo(schemas / "thing-example-v1.json")
    (tmp_path / "thing.yaml").write_text(THING % "aa")
    fifo = lint(tmp_path, "thing.yaml", "--no-config", "--schema-dir", "schemas", timeout=60)
    assert fifo.returncode == 0  # not a schema file: Thing has no schema, as before
    (schemas / "thing-example-v1.json").unlink()
    (schemas / "thing-example-v1.json").write_text("[" * 100_000 + "]" * 100_000)
    nested = lint(tmp_path, "thing.yaml", "--no-config", "--schema-dir", "schemas")
    assert nested.returncode == 2
    assert "--schema-dir: cannot read schemas/thing-example-v1.json" in nested.stderr

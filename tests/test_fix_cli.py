"""``kslint fix`` and ``kslint lint --fix`` through the real command line: what is written
(and what is not), --diff, --unsafe-fixes, --select, exit codes, standard input, the
reasons a finding is not fixed, SARIF ``fixes`` and ``kslint explain``."""

from __future__ import annotations

import json
import os
from pathlib import Path

import jsonschema
from helpers import run_kslint, write_files

from kslint.fix.edits import SourceText

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SARIF_SCHEMA = json.loads((FIXTURES / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))

APP = """\
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: data
spec:
  accessModes: [ReadWriteOnce]
  storageClassName: standard
  resources:
    requests:
      storage: 1Gi
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
spec:
  replicas: 1  # keep
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
"""

APP_FIXED = APP.replace(
    "  replicas: 1  # keep\n",
    "  replicas: 1  # keep\n"
    "  strategy:\n"
    "    rollingUpdate:\n"
    "      maxSurge: 0\n"
    "      maxUnavailable: 1\n",
)

CLASS = """\
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: standard
provisioner: ebs.csi.aws.com
"""

CLASS_FIXED = CLASS + "reclaimPolicy: Retain\n"


def _project(tmp_path: Path) -> Path:
    return write_files(tmp_path, {"app.yaml": APP, "class.yaml": CLASS})


def test_fix_writes_the_safe_fixes_and_tells_what_is_left(tmp_path: Path) -> None:
    _project(tmp_path)
    result = run_kslint("fix", ".", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "app.yaml").read_text() == APP_FIXED
    assert (tmp_path / "class.yaml").read_text() == CLASS  # unsafe: not applied
    lines = result.stdout.splitlines()
    assert lines[0].startswith("app.yaml:16:1: deployment-rwo-rolling-update: fixed (safe): ")
    assert "Fixed 1 finding in 1 file." in lines
    assert lines[-1].startswith(
        "1 more fix available with --unsafe-fixes (storageclass-missing-reclaim-policy)"
    )

    stamp = (tmp_path / "app.yaml").stat().st_mtime_ns
    again = run_kslint("fix", ".", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert "Nothing to fix." in again.stdout.splitlines()
    assert (tmp_path / "app.yaml").stat().st_mtime_ns == stamp  # not rewritten

    lint = run_kslint("lint", "--format", "json", "--fail-on", "never", ".", cwd=tmp_path)
    rules = {finding["rule"] for finding in json.loads(lint.stdout)["findings"]}
    assert "deployment-rwo-rolling-update" not in rules
    assert "storageclass-missing-reclaim-policy" in rules


def test_unsafe_fixes_and_select(tmp_path: Path) -> None:
    _project(tmp_path)
    result = run_kslint(
        "fix", "--unsafe-fixes", "--select", "storageclass-missing-reclaim-policy", ".",
        cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "class.yaml").read_text() == CLASS_FIXED
    assert (tmp_path / "app.yaml").read_text() == APP  # not selected
    assert "class.yaml:5:1: storageclass-missing-reclaim-policy: fixed (unsafe)" in result.stdout


def test_diff_prints_a_unified_diff_and_writes_nothing(tmp_path: Path) -> None:
    _project(tmp_path)
    result = run_kslint("fix", "--diff", "--unsafe-fixes", ".", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout == (
        "--- a/app.yaml\n"
        "+++ b/app.yaml\n"
        "@@ -15,6 +15,10 @@\n"
        "   name: app\n"
        " spec:\n"
        "   replicas: 1  # keep\n"
        "+  strategy:\n"
        "+    rollingUpdate:\n"
        "+      maxSurge: 0\n"
        "+      maxUnavailable: 1\n"
        "   selector:\n"
        "     matchLabels: {app: app}\n"
        "   template:\n"
        "--- a/class.yaml\n"
        "+++ b/class.yaml\n"
        "@@ -3,3 +3,4 @@\n"
        " metadata:\n"
        "   name: standard\n"
        " provisioner: ebs.csi.aws.com\n"
        "+reclaimPolicy: Retain\n"
    )
    assert "Would fix 2 findings in 2 files." in result.stderr
    assert (tmp_path / "app.yaml").read_text() == APP
    assert (tmp_path / "class.yaml").read_text() == CLASS

    write_files(tmp_path, {"app.yaml": APP_FIXED, "class.yaml": CLASS_FIXED})
    clean = run_kslint("fix", "--diff", "--unsafe-fixes", ".", cwd=tmp_path)
    assert clean.returncode == 0 and clean.stdout == ""
    assert "Nothing to fix." in clean.stderr


def test_exit_non_zero_on_fix(tmp_path: Path) -> None:
    _project(tmp_path)
    first = run_kslint("fix", "--exit-non-zero-on-fix", ".", cwd=tmp_path)
    assert first.returncode == 1
    assert (tmp_path / "app.yaml").read_text() == APP_FIXED
    second = run_kslint("fix", "--exit-non-zero-on-fix", ".", cwd=tmp_path)
    assert second.returncode == 0


def test_lint_fix_fixes_then_reports_what_is_left(tmp_path: Path) -> None:
    _project(tmp_path)
    result = run_kslint("lint", "--fix", "--format", "json", ".", cwd=tmp_path)
    assert result.returncode == 1  # the StorageClass warning is left
    assert "kslint: Fixed 1 finding in 1 file." in result.stderr
    assert "kslint: more fixes are available with --unsafe-fixes" in result.stderr
    rules = [finding["rule"] for finding in json.loads(result.stdout)["findings"]]
    assert rules == ["storageclass-missing-reclaim-policy"]
    assert (tmp_path / "app.yaml").read_text() == APP_FIXED

    unsafe = run_kslint("lint", "--fix", "--unsafe-fixes", ".", cwd=tmp_path)
    assert unsafe.returncode == 0, unsafe.stdout
    assert (tmp_path / "class.yaml").read_text() == CLASS_FIXED


def test_lint_fix_usage_errors(tmp_path: Path) -> None:
    _project(tmp_path)
    alone = run_kslint("lint", "--unsafe-fixes", ".", cwd=tmp_path)
    assert alone.returncode == 2
    assert "--unsafe-fixes needs --fix" in alone.stderr
    stdin = run_kslint("lint", "--fix", "-", cwd=tmp_path, stdin=APP)
    assert stdin.returncode == 2
    assert "--fix cannot fix standard input" in stdin.stderr


def test_standard_input_is_never_written(tmp_path: Path) -> None:
    result = run_kslint("fix", "--diff", "-", cwd=tmp_path, stdin=APP)
    assert result.returncode == 0
    assert result.stdout == ""
    assert (
        "<stdin>:16:1: deployment-rwo-rolling-update: not fixed: standard input is never "
        "written (run kslint fix on the file)"
    ) in result.stderr


def test_not_fixable_findings_say_why(tmp_path: Path) -> None:
    write_files(
        tmp_path,
        {
            "db.yaml": """\
            apiVersion: v1
            kind: Service
            metadata:
              name: db
            spec:
              type: LoadBalancer
              selector: {app: db}
            ---
            apiVersion: apps/v1
            kind: StatefulSet
            metadata:
              name: db
            spec:
              serviceName: db
              selector:
                matchLabels: {app: db}
              template:
                metadata:
                  labels: {app: db}
                spec:
                  containers: [{name: db, image: busybox}]
            """,
            # Two PersistentVolumes share one spec through a YAML alias: an edit there
            # would reach both, so neither is fixed.
            "pvs.yaml": """\
            apiVersion: v1
            kind: List
            items:
              - apiVersion: v1
                kind: PersistentVolume
                metadata: {name: a}
                spec: &spec
                  capacity: {storage: 1Gi}
                  accessModes: [ReadWriteOnce]
                  csi: {driver: x, volumeHandle: y}
              - apiVersion: v1
                kind: PersistentVolume
                metadata: {name: b}
                spec: *spec
            """,
            "pv.json": '{"apiVersion": "v1", "kind": "PersistentVolume",\n'
            ' "metadata": {"name": "c"},\n'
            ' "spec": {"capacity": {"storage": "1Gi"}, "accessModes": ["ReadWriteOnce"],\n'
            '          "csi": {"driver": "x", "volumeHandle": "z"}}}\n',
        },
    )
    before = {path.name: path.read_bytes() for path in tmp_path.iterdir()}
    result = run_kslint("fix", "--unsafe-fixes", ".", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert (
        "db.yaml:14:16: statefulset-service-not-headless: not fixed: Service default/db is "
        "of type LoadBalancer; only a ClusterIP Service is headless"
    ) in out
    assert out.count("is a YAML alias: an edit would change every place that uses it") == 2
    # JSON keeps its syntax: the key is inserted quoted, on a line of its own like the
    # entry before it.
    assert (
        (tmp_path / "pv.json")
        .read_text()
        .endswith(
            '          "csi": {"driver": "x", "volumeHandle": "z"},\n'
            '          "persistentVolumeReclaimPolicy": "Retain"}}\n'
        )
    )
    assert (tmp_path / "db.yaml").read_bytes() == before["db.yaml"]
    assert (tmp_path / "pvs.yaml").read_bytes() == before["pvs.yaml"]


def test_file_mode_is_kept(tmp_path: Path) -> None:
    _project(tmp_path)
    os.chmod(tmp_path / "app.yaml", 0o640)
    assert run_kslint("fix", ".", cwd=tmp_path).returncode == 0
    assert (tmp_path / "app.yaml").stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["app.yaml", "class.yaml"]


def _apply_sarif(text: str, replacements: list[dict]) -> str:
    """Apply SARIF replacements (1-based lines and code-point columns) as an editor would."""
    source = SourceText(text)
    edits = []
    for replacement in replacements:
        region = replacement["deletedRegion"]
        start = source.offset(region["startLine"], region["startColumn"])
        end = source.offset(region["endLine"], region["endColumn"])
        edits.append((start, end, replacement["insertedContent"]["text"]))
    for start, end, inserted in sorted(edits, reverse=True):
        text = text[:start] + inserted + text[end:]
    return text


def test_sarif_results_carry_the_fixes(tmp_path: Path) -> None:
    _project(tmp_path)
    result = run_kslint("lint", "--format", "sarif", ".", cwd=tmp_path)
    log = json.loads(result.stdout)
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(log)
    by_rule = {r["ruleId"]: r for r in log["runs"][0]["results"]}

    rolling = by_rule["deployment-rwo-rolling-update"]["fixes"]
    assert [fix["description"]["text"].rsplit("(", 1)[1] for fix in rolling] == [
        "safe fix: kslint fix)",
        "unsafe fix: kslint fix --unsafe-fixes)",
    ]
    safe, recreate = (fix["artifactChanges"] for fix in rolling)
    assert [change["artifactLocation"] for change in safe] == [
        {"uri": "app.yaml", "uriBaseId": "%SRCROOT%"}
    ]
    assert _apply_sarif(APP, safe[0]["replacements"]) == APP_FIXED  # the edits kslint fix makes
    assert _apply_sarif(APP, recreate[0]["replacements"]) == APP.replace(
        "  replicas: 1  # keep\n", "  replicas: 1  # keep\n  strategy:\n    type: Recreate\n"
    )
    reclaim = by_rule["storageclass-missing-reclaim-policy"]["fixes"]
    assert len(reclaim) == 1
    assert _apply_sarif(CLASS, reclaim[0]["artifactChanges"][0]["replacements"]) == CLASS_FIXED
    # Findings of rules without a fix carry none.
    others = [r for r in log["runs"][0]["results"] if r["ruleId"] not in FIXABLE]
    assert all("fixes" not in r for r in log["runs"][0]["results"] if r["ruleId"] not in FIXABLE)
    assert set(by_rule) == FIXABLE | {r["ruleId"] for r in others}


FIXABLE = {"deployment-rwo-rolling-update", "storageclass-missing-reclaim-policy"}


def test_explain_shows_the_automatic_fixes(tmp_path: Path) -> None:
    result = run_kslint(
        "explain", "statefulset-service-not-headless", cwd=tmp_path, env={"COLUMNS": "200"}
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "\nAutomatic fix\n" in out
    words = " ".join(out.split())
    assert (
        "Unsafe (kslint fix --unsafe-fixes): Set spec.clusterIP: None on the governing Service."
        in words
    )
    assert "Caution: A Service's clusterIP cannot be changed" in words


def test_suppressed_and_baselined_findings_are_not_fixed(tmp_path: Path) -> None:
    suppressed = APP.replace(
        "metadata:\n  name: app\n",
        'metadata:\n  name: app\n  annotations:\n    kslint.io/ignore: "deployment-rwo-rolling-update"\n',
    )
    write_files(tmp_path, {"app.yaml": suppressed, "class.yaml": CLASS})
    result = run_kslint("fix", "--unsafe-fixes", "app.yaml", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Nothing to fix." in result.stdout
    assert (tmp_path / "app.yaml").read_text() == suppressed

    recorded = run_kslint("lint", "--baseline-write", "base.json", "class.yaml", cwd=tmp_path)
    assert recorded.returncode == 0, recorded.stderr
    result = run_kslint(
        "fix", "--unsafe-fixes", "--baseline", "base.json", "class.yaml", cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "class.yaml").read_text() == CLASS

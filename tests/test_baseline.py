"""Baselines through the CLI: record today's findings, then report only new ones, across
edits that move lines and objects."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from helpers import run_kslint
from manifests import HOST_PATH_DEPLOYMENT

WORKLOADS = (
    HOST_PATH_DEPLOYMENT
    + """\
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
      containers:
        - name: db
          image: example/db:1.0
"""
)


def write_baseline(cwd: Path, *paths: str) -> subprocess.CompletedProcess[str]:
    result = run_kslint("lint", *paths, "--baseline-write", "kslint-baseline.json", cwd=cwd)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def test_round_trip_across_edits_that_move_lines(tmp_path: Path) -> None:
    (tmp_path / "k8s").mkdir()
    (tmp_path / "k8s" / "app.yaml").write_text(WORKLOADS)
    before = run_kslint("lint", "k8s", cwd=tmp_path)
    assert before.returncode == 1
    recorded = write_baseline(tmp_path, "k8s")
    assert "recorded 2 findings in the baseline kslint-baseline.json" in recorded.stderr

    # The file is sorted and keyed on rule, object and node path: no line numbers.
    text = (tmp_path / "kslint-baseline.json").read_text()
    baseline = json.loads(text)
    assert baseline["version"] == 1
    identities = [entry["identity"] for entry in baseline["findings"]]
    assert identities == sorted(identities)
    assert identities == [
        "pod-host-path-volume|Deployment default/cache|spec.template.spec.volumes.[0].hostPath",
        "statefulset-service-not-found|StatefulSet default/db|spec.serviceName",
    ]
    # Writing again gives the same bytes (stable diffs).
    write_baseline(tmp_path, "k8s")
    assert (tmp_path / "kslint-baseline.json").read_text() == text

    # Move every line: a comment block on top, the documents swapped, one of them moved to
    # another file, and an unrelated label added.
    deployment, statefulset = WORKLOADS.split("---\n")
    moved = "# Workloads of the cache team.\n# Owned by: ops\n\n" + statefulset.replace(
        "metadata:\n  name: db\n", "metadata:\n  name: db\n  labels: {team: ops}\n"
    )
    (tmp_path / "k8s" / "app.yaml").write_text(moved)
    (tmp_path / "k8s" / "cache.yaml").write_text("\n\n" + deployment)
    after = run_kslint("lint", "k8s", "--baseline", "kslint-baseline.json", cwd=tmp_path)
    assert after.returncode == 0, after.stdout
    assert "0 errors, 0 warnings, 0 info" in after.stdout
    assert "baseline kslint-baseline.json: 2 known findings not shown" in after.stderr

    # A new problem is reported; the known ones stay hidden.
    second = deployment.replace("name: cache\n", "name: cache-2\n", 1)
    (tmp_path / "k8s" / "cache-2.yaml").write_text(second)
    new = run_kslint("lint", "k8s", "--baseline", "kslint-baseline.json", cwd=tmp_path)
    assert new.returncode == 1
    assert "k8s/cache-2.yaml:17:11: warning[pod-host-path-volume] Deployment default/cache-2" in (
        new.stdout
    )
    assert "1 warning" in new.stdout

    # Fixing a known problem: the baseline says how many entries are gone.
    (tmp_path / "k8s" / "cache-2.yaml").unlink()
    (tmp_path / "k8s" / "app.yaml").write_text(moved.replace("serviceName: db", "serviceName: ''"))
    fixed = run_kslint(
        "lint", "k8s", "--baseline", "kslint-baseline.json", "--select", "volumes", cwd=tmp_path
    )
    assert fixed.returncode == 0
    assert (
        "baseline kslint-baseline.json: 1 known finding not shown; 1 baselined finding gone "
        "(fixed or removed): run --baseline-write kslint-baseline.json to drop them"
    ) in fixed.stderr


def test_repeated_identities_are_counted(tmp_path: Path) -> None:
    text = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {x: "1", x: "2"}\n'
    (tmp_path / "dup.yaml").write_text(text + "---\n" + text.replace("name: a", "name: b"))
    write_baseline(tmp_path, ".")
    entries = json.loads((tmp_path / "kslint-baseline.json").read_text())["findings"]
    assert [entry.get("count") for entry in entries] == [2]
    assert (
        run_kslint("lint", ".", "--baseline", "kslint-baseline.json", cwd=tmp_path).returncode == 0
    )
    third = text.replace("name: a", "name: c")
    (tmp_path / "dup.yaml").write_text(text + "---\n" + third + "---\n" + third)
    result = run_kslint("lint", ".", "--baseline", "kslint-baseline.json", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.count("error[duplicate-key]") == 1


def test_rewriting_a_baseline_keeps_known_and_new_findings(tmp_path: Path) -> None:
    (tmp_path / "app.yaml").write_text(WORKLOADS)
    write_baseline(tmp_path, ".")
    extra = WORKLOADS.split("---\n")[0].replace("name: cache\n", "name: more\n", 1)
    (tmp_path / "more.yaml").write_text(extra)
    result = run_kslint(
        "lint",
        ".",
        "--baseline",
        "kslint-baseline.json",
        "--baseline-write",
        "kslint-baseline.json",
        cwd=tmp_path,
    )
    assert result.returncode == 0
    assert "recorded 3 findings" in result.stderr
    assert (
        run_kslint("lint", ".", "--baseline", "kslint-baseline.json", cwd=tmp_path).returncode == 0
    )


def test_suppressed_findings_are_not_recorded(tmp_path: Path) -> None:
    annotated = WORKLOADS.replace(
        "  name: cache\n", "  name: cache\n  annotations: {kslint.io/ignore: all}\n", 1
    )
    (tmp_path / "app.yaml").write_text(annotated)
    write_baseline(tmp_path, ".")
    entries = json.loads((tmp_path / "kslint-baseline.json").read_text())["findings"]
    assert [entry["identity"].split("|")[0] for entry in entries] == [
        "statefulset-service-not-found"
    ]


def test_an_unusable_baseline_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "app.yaml").write_text(WORKLOADS)
    missing = run_kslint("lint", ".", "--baseline", "nope.json", cwd=tmp_path)
    assert missing.returncode == 2
    assert "cannot read the baseline nope.json" in missing.stderr
    (tmp_path / "bad.json").write_text("{not json")
    broken = run_kslint("lint", ".", "--baseline", "bad.json", cwd=tmp_path)
    assert broken.returncode == 2
    assert "the baseline bad.json is not valid JSON" in broken.stderr
    (tmp_path / "other.json").write_text('{"runs": []}')
    other = run_kslint("lint", ".", "--baseline", "other.json", cwd=tmp_path)
    assert other.returncode == 2
    assert "other.json is not a kslint baseline" in other.stderr

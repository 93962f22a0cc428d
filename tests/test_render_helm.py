"""Helm: streams in helm's exact output format mapped to chart templates (subcharts
included), and charts in the set without helm reported once as not-rendered."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from helpers import lint_json, run_kslint, write_repo

CHART = {
    "mychart/Chart.yaml": """\
        apiVersion: v2
        name: mychart
        version: 0.1.0
        """,
    "mychart/values.yaml": """\
        replicaCount: 3
        """,
    "mychart/templates/_helpers.tpl": """\
        {{- define "mychart.fullname" -}}{{ .Release.Name }}-{{ .Chart.Name }}{{- end }}
        """,
    "mychart/templates/deployment.yaml": """\
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: {{ include "mychart.fullname" . }}
          labels:
            {{- include "mychart.labels" . | nindent 4 }}
        spec:
          replicas: {{ .Values.replicaCount }}
          selector:
            matchLabels:
              app: db
          template:
            metadata:
              labels:
                app: db
            spec:
              containers:
                - name: db
                  image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
                  volumeMounts:
                    - name: data
                      mountPath: /var/lib/postgresql/data
              volumes:
                - name: data
                  persistentVolumeClaim:
                    claimName: {{ .Values.claim }}
        """,
    "mychart/charts/storage/Chart.yaml": """\
        apiVersion: v2
        name: storage
        version: 0.1.0
        """,
    "mychart/charts/storage/templates/pvc.yaml": """\
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata:
          name: data
        spec:
          accessModes:
            - ReadWriteOnce
          storageClassName: {{ .Values.storageClass | quote }}
          resources:
            requests:
              storage: {{ .Values.size }}
        """,
}

# Exactly as `helm template release mychart` writes it: subchart documents first.
STREAM = """\
---
# Source: mychart/charts/storage/templates/pvc.yaml
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: data
spec:
  accessModes:
    - ReadWriteOnce
  storageClassName: "standard"
  resources:
    requests:
      storage: 1Gi
---
# Source: mychart/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: release-mychart
  labels:
    app.kubernetes.io/name: mychart
spec:
  replicas: 3
  selector:
    matchLabels:
      app: db
  template:
    metadata:
      labels:
        app: db
    spec:
      containers:
        - name: db
          image: "postgres:16"
          volumeMounts:
            - name: data
              mountPath: /var/lib/postgresql/data
      volumes:
        - name: data
          persistentVolumeClaim:
            claimName: data
"""

NO_HELM = {"KSLINT_HELM": "/nonexistent/helm"}


def _by_rule(report: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for finding in report["findings"]:
        found.setdefault(finding["rule"], []).append(finding)
    return found


def _at(item: dict[str, Any]) -> str:
    return f"{item['file']}:{item['line']}:{item['column']}"


def _lint_stream(cwd: Path, *args: str) -> dict[str, list[dict[str, Any]]]:
    result = run_kslint(
        "lint", "--format", "json", "--fail-on", "never", *args, "-", cwd=cwd, stdin=STREAM
    )
    assert result.returncode == 0, result.stderr
    return _by_rule(json.loads(result.stdout))


def test_a_stream_maps_to_the_templates_of_the_chart_in_the_working_directory(
    tmp_path: Path,
) -> None:
    root = write_repo(tmp_path, CHART)
    found = _lint_stream(root / "mychart")
    [finding] = found["deployment-shared-rwo-pvc"]
    assert _at(finding) == "templates/deployment.yaml:26:13"  # claimName: {{ .Values.claim }}
    related = [_at(r) for r in finding["related"]]
    assert related == [
        "<stdin>:41:24",  # the stream position is kept
        "charts/storage/templates/pvc.yaml:6:3",  # subchart template: accessModes
    ]
    [image] = found["stateful-image-in-deployment"]
    assert _at(image) == "templates/deployment.yaml:19:11"  # image: "{{ ... }}"


def test_chart_dir_names_the_chart_root(tmp_path: Path) -> None:
    root = write_repo(tmp_path, CHART)
    found = _lint_stream(root, "--chart-dir", "mychart")
    [finding] = found["deployment-shared-rwo-pvc"]
    assert _at(finding) == "mychart/templates/deployment.yaml:26:13"


def test_a_key_path_not_in_the_template_points_at_its_nearest_written_ancestor(
    tmp_path: Path,
) -> None:
    root = write_repo(tmp_path, CHART)
    found = _lint_stream(root / "mychart")
    # no strategy in the template: the rule points at `spec`, which the template writes
    [finding] = found["deployment-rwo-rolling-update"]
    assert _at(finding) == "templates/deployment.yaml:7:1"


def test_without_a_chart_the_stream_positions_stay(tmp_path: Path) -> None:
    found = _lint_stream(tmp_path)
    [finding] = found["deployment-shared-rwo-pvc"]
    assert _at(finding) == "<stdin>:41:24"
    assert [_at(r) for r in finding["related"]] == ["<stdin>:8:3"]


def test_a_stream_file_is_mapped_like_stdin(tmp_path: Path) -> None:
    root = write_repo(tmp_path, {**CHART, "rendered/all.yaml": STREAM})
    found = _by_rule(lint_json("--chart-dir", "mychart", "rendered/all.yaml", cwd=root))
    [finding] = found["deployment-shared-rwo-pvc"]
    assert _at(finding) == "mychart/templates/deployment.yaml:26:13"
    assert "rendered/all.yaml:41:24" in [_at(r) for r in finding["related"]]


def test_a_chart_without_helm_is_one_not_rendered_instead_of_unrendered_templates(
    tmp_path: Path,
) -> None:
    root = write_repo(tmp_path, CHART)
    result = run_kslint(
        "lint", "--format", "json", "--fail-on", "never", ".", cwd=root, env=NO_HELM
    )
    found = _by_rule(json.loads(result.stdout))
    [finding] = found["not-rendered"]
    assert _at(finding) == "mychart/Chart.yaml:1:1"
    assert finding["severity"] == "info"
    assert "unrendered-template" not in found
    assert set(found) == {"not-rendered"}


def test_render_never_keeps_one_unrendered_template_per_template(tmp_path: Path) -> None:
    root = write_repo(tmp_path, CHART)
    result = run_kslint(
        "lint", "--format", "json", "--fail-on", "never", "--render", "never", ".", cwd=root
    )
    found = _by_rule(json.loads(result.stdout))
    assert "not-rendered" not in found
    assert len(found["unrendered-template"]) == 2  # one per template file


def test_render_always_without_helm_is_a_usage_error(tmp_path: Path) -> None:
    root = write_repo(tmp_path, CHART)
    result = run_kslint("lint", "--render", "always", ".", cwd=root, env=NO_HELM)
    assert result.returncode == 2
    assert "helm is not available" in result.stderr


def test_helm_template_renders_a_chart_with_the_configured_values(tmp_path: Path) -> None:
    """The helm binary path, through a stand-in that records its arguments and prints the
    stream helm would (helm itself cannot be installed here)."""
    root = write_repo(
        tmp_path / "repo",
        {
            **CHART,
            ".kslint.yaml": "helm:\n  release_name: release\n  values: [values.yaml]\n"
            "  set: [replicaCount=3]\n",
        },
    )
    fake = tmp_path / "bin" / "helm"
    fake.parent.mkdir()
    (tmp_path / "stream.yaml").write_text(STREAM)
    fake.write_text(f'#!/bin/sh\necho "$@" > "{tmp_path}/calls"\ncat "{tmp_path}/stream.yaml"\n')
    fake.chmod(0o755)
    result = run_kslint(
        "lint",
        "--format",
        "json",
        "--fail-on",
        "never",
        ".",
        cwd=root,
        env={"KSLINT_HELM": str(fake)},
    )
    found = _by_rule(json.loads(result.stdout))
    [finding] = found["deployment-shared-rwo-pvc"]
    assert _at(finding) == "mychart/templates/deployment.yaml:26:13"
    calls = (tmp_path / "calls").read_text().split()
    assert calls[:2] == ["template", "release"]
    assert Path(root, calls[2]).resolve() == (root / "mychart").resolve()
    assert "--values" in calls and "--set" in calls and "replicaCount=3" in calls
    assert not any(arg.startswith("--post-renderer") for arg in calls)


def test_a_helm_error_is_render_failed_on_the_chart(tmp_path: Path) -> None:
    root = write_repo(tmp_path / "repo", CHART)
    fake = tmp_path / "helm"
    fake.write_text('#!/bin/sh\necho "Error: execution error: image.tag is required" >&2\nexit 1\n')
    fake.chmod(0o755)
    result = run_kslint(
        "lint",
        "--format",
        "json",
        "--fail-on",
        "never",
        ".",
        cwd=root,
        env={"KSLINT_HELM": str(fake)},
    )
    [finding] = _by_rule(json.loads(result.stdout))["render-failed"]
    assert _at(finding) == "mychart/Chart.yaml:1:1"
    assert finding["message"].endswith("execution error: image.tag is required")


def _chart_with_stream(tmp_path: Path, stream: str) -> tuple[Path, str]:
    """The chart, and a stand-in helm that prints ``stream``."""
    root = write_repo(tmp_path / "repo", CHART)
    (tmp_path / "stream.yaml").write_text(stream)
    fake = tmp_path / "bin" / "helm"
    fake.parent.mkdir()
    fake.write_text(f'#!/bin/sh\ncat "{tmp_path}/stream.yaml"\n')
    fake.chmod(0o755)
    return root, str(fake)


def test_helm_output_over_the_limit_of_one_input_is_stopped(tmp_path: Path) -> None:
    root, fake = _chart_with_stream(tmp_path, STREAM + "# " + "x" * 5000 + "\n")
    result = run_kslint(
        "lint",
        "--format",
        "json",
        "--max-file-bytes",
        "4000",
        ".",
        cwd=root,
        env={"KSLINT_HELM": fake},
    )
    [finding] = _by_rule(json.loads(result.stdout))["render-failed"]
    assert _at(finding) == "mychart/Chart.yaml:1:1"
    assert finding["message"] == (
        "helm could not render mychart: its output is over the 4,000 bytes limit of one "
        "input (--max-file-bytes, or limits.max_file_bytes in the configuration, raises it)"
    )


def test_helm_output_counts_against_the_runs_byte_budget(tmp_path: Path) -> None:
    root, fake = _chart_with_stream(tmp_path, STREAM + "# " + "x" * 20_000 + "\n")
    result = run_kslint(
        "lint",
        "--format",
        "json",
        "--max-bytes",
        "10000",
        ".",
        cwd=root,
        env={"KSLINT_HELM": fake},
    )
    found = _by_rule(json.loads(result.stdout))
    [finding] = found["render-failed"]
    assert finding["message"].startswith(
        "helm could not render mychart: its output was not loaded: the run already read "
        "10,000 bytes, its limit"
    )
    assert "deployment-shared-rwo-pvc" not in found  # (its objects were not loaded)


@pytest.mark.skipif(shutil.which("helm") is None, reason="helm is not installed here")
def test_real_helm_renders_the_chart(tmp_path: Path) -> None:
    root = write_repo(tmp_path, CHART)
    (root / "mychart" / "values.yaml").write_text(
        "replicaCount: 3\nimage: {repository: postgres, tag: '16'}\nclaim: data\n"
    )
    (root / "mychart" / "charts" / "storage" / "values.yaml").write_text(
        "storageClass: standard\nsize: 1Gi\n"
    )
    (root / "mychart" / "templates" / "_helpers.tpl").write_text(
        '{{- define "mychart.fullname" -}}{{ .Release.Name }}-{{ .Chart.Name }}{{- end }}\n'
        '{{- define "mychart.labels" -}}app.kubernetes.io/name: mychart{{- end }}\n'
    )
    found = _by_rule(lint_json(".", cwd=root))
    [finding] = found["deployment-shared-rwo-pvc"]
    assert _at(finding) == "mychart/templates/deployment.yaml:26:13"


def test_library_charts_and_subcharts_are_never_rendered_on_their_own(tmp_path: Path) -> None:
    root = write_repo(
        tmp_path,
        {
            **CHART,
            "lib/Chart.yaml": "apiVersion: v2\nname: lib\nversion: 0.1.0\ntype: library\n",
            "lib/templates/_x.yaml": '{{- define "lib.x" }}{{ end }}\n',
        },
    )
    result = run_kslint(
        "lint", "--format", "json", "--fail-on", "never", ".", cwd=root, env=NO_HELM
    )
    found = _by_rule(json.loads(result.stdout))
    # one for mychart (its subchart included), none for the library or the subchart
    assert [_at(f) for f in found["not-rendered"]] == ["mychart/Chart.yaml:1:1"]
    assert "unrendered-template" not in found  # library templates are only definitions


@pytest.mark.parametrize(
    ("comment", "stream"),
    [
        ("# Source: mychart/templates/deployment.yaml", True),
        ("# Source: mychart/templates/sub/dir/job.yaml", True),
        ("# Source: mychart/charts/storage/charts/disks/templates/pv.yaml", True),
        ("# Source: mychart/crds/crontab.yaml", True),
        ("# Source: mychart/charts/storage/crds/volume.yaml", True),
        ("# Source: https://kubernetes.io/docs/tutorials/stateful-application/cassandra/", False),
        ("# Source: https://github.com/org/repo/blob/main/templates/x.yaml", False),
        ("# Source: docs/examples/db.yaml", False),
        ("# Source: the upstream example", False),
        ("#Source: mychart/templates/deployment.yaml", False),
    ],
)
def test_only_helms_own_source_comment_makes_a_stream(comment: str, stream: bool) -> None:
    from kslint.render.helm import is_helm_stream

    assert is_helm_stream(f"---\n{comment}\napiVersion: v1\nkind: Service\n") is stream


def test_a_source_comment_naming_a_url_leaves_the_file_plain(tmp_path: Path) -> None:
    # Examples copied from the Kubernetes docs often say where they came from. Read as a
    # Helm stream, the Service document (chart "https:") and the StatefulSet (no comment)
    # were split into two units, and the StatefulSet lost its Service.
    root = write_repo(
        tmp_path,
        {
            "cassandra.yaml": """\
                # Source: https://kubernetes.io/docs/tutorials/stateful-application/cassandra/
                apiVersion: v1
                kind: Service
                metadata:
                  name: cassandra
                spec:
                  clusterIP: None
                  selector:
                    app: cassandra
                  ports:
                    - port: 9042
                ---
                apiVersion: apps/v1
                kind: StatefulSet
                metadata:
                  name: cassandra
                spec:
                  serviceName: cassandra
                  replicas: 1
                  selector:
                    matchLabels:
                      app: cassandra
                  template:
                    metadata:
                      labels:
                        app: cassandra
                    spec:
                      containers:
                        - name: cassandra
                          image: cassandra:4.1
                """,
        },
    )
    report = lint_json(".", cwd=root)
    rules = {finding["rule"] for finding in report["findings"]}
    assert "statefulset-service-not-found" not in rules
    assert {unit for finding in report["findings"] for unit in finding["units"]} == {"plain"}
    # the StatefulSet is still linted as a plain object (positions in the file itself)
    [storage] = [
        f for f in report["findings"] if f["rule"] == "database-without-persistent-storage"
    ]
    assert _at(storage) == "cassandra.yaml:29:11"  # the container running cassandra

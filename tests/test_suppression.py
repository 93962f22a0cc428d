"""Suppressing findings where they are (annotations, comment directives), exemptions in the
configuration, unused suppressions, and --show-suppressed; all through the CLI."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from helpers import lint_json, run_kslint, write_repo

from kslint.pipeline import lint_texts

HOST_PATH = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: cache
  namespace: vendor-system
{annotations}spec:
  selector:
    matchLabels: {{app: cache}}
  template:
    metadata:
      labels: {{app: cache}}
{pod_annotations}    spec:
      containers:
        - {{name: cache, image: "example/cache:1.0",
           volumeMounts: [{{name: data, mountPath: /data}}]}}
      volumes:
        - name: data
          hostPath:
            path: /srv/cache
        - name: share
          nfs: {{server: nfs.example, path: /cache}}
"""


def manifest(annotations: str = "", pod_annotations: str = "") -> str:
    """The Deployment above: pod-host-path-volume at line 18 and pod-inline-persistent-volume
    at line 21, each moved down by the annotation lines."""
    return HOST_PATH.format(
        annotations=textwrap.indent(textwrap.dedent(annotations), "  "),
        pod_annotations=textwrap.indent(textwrap.dedent(pod_annotations), "      "),
    )


def found(cwd: Path, *args: str) -> list[tuple[str, int]]:
    return [(f["rule"], f["line"]) for f in lint_json(*args, cwd=cwd)["findings"]]


def test_the_manifest_without_suppressions(tmp_path: Path) -> None:
    write_repo(tmp_path, {"cache.yaml": manifest()})
    assert found(tmp_path, ".") == [
        ("pod-host-path-volume", 18),
        ("pod-inline-persistent-volume", 21),
    ]


def test_annotation_on_the_object_with_a_reason(tmp_path: Path) -> None:
    annotations = """\
        annotations:
          kslint.io/ignore: "pod-host-path-volume, pod-inline-persistent-volume"
          kslint.io/ignore-reason: upstream chart, tracked in OPS-12
    """
    write_repo(tmp_path, {"cache.yaml": manifest(annotations)})
    result = run_kslint("lint", ".", "--show-suppressed", cwd=tmp_path)
    assert result.returncode == 0, result.stdout
    assert "0 errors, 0 warnings, 0 info" in result.stdout
    assert "Suppressed (2):" in result.stdout
    assert (
        "cache.yaml:21:11: suppressed[pod-host-path-volume] Deployment vendor-system/cache"
        in result.stdout
    )
    assert (
        "      = by: kslint.io/ignore on Deployment vendor-system/cache (cache.yaml:7): "
        "upstream chart, tracked in OPS-12"
    ) in result.stdout
    # Without --show-suppressed nothing is said about them.
    assert "suppressed[" not in run_kslint("lint", ".", cwd=tmp_path).stdout


def test_annotation_on_the_pod_template(tmp_path: Path) -> None:
    pod = """\
        annotations:
          kslint.io/ignore: pod-host-path-volume
    """
    write_repo(tmp_path, {"cache.yaml": manifest(pod_annotations=pod)})
    assert found(tmp_path, ".") == [("pod-inline-persistent-volume", 23)]
    assert "unused-suppression" not in run_kslint("lint", ".", cwd=tmp_path).stdout
    result = run_kslint("lint", ".", "--show-suppressed", cwd=tmp_path)
    assert "by: kslint.io/ignore on Deployment vendor-system/cache (pod template)" in (
        result.stdout
    )


def test_annotation_all_and_unused_names(tmp_path: Path) -> None:
    write_repo(
        tmp_path,
        {
            "all.yaml": manifest('annotations: {kslint.io/ignore: "all"}\n'),
            "partly.yaml": manifest(
                'annotations: {kslint.io/ignore: "pod-host-path-volume, pv-host-path, '
                'pod-host-path-volumes"}\n'
            ).replace("name: cache", "name: partly"),
        },
    )
    document = lint_json(".", cwd=tmp_path)
    assert [(f["rule"], f["file"], f["line"]) for f in document["findings"]] == [
        ("unused-suppression", "partly.yaml", 6),
        ("pod-inline-persistent-volume", "partly.yaml", 22),
    ]
    unused = document["findings"][0]
    assert unused["severity"] == "info"
    assert unused["message"] == (
        "kslint.io/ignore on Deployment vendor-system/partly names unknown rule "
        "'pod-host-path-volumes' (did you mean 'pod-host-path-volume'?) and suppresses "
        "nothing for pv-host-path; remove it or correct it."
    )
    assert unused["object"]["name"] == "partly"


def test_comment_directives(tmp_path: Path) -> None:
    text = manifest().replace(
        "          hostPath:\n",
        "          # kslint: disable=pod-host-path-volume -- node-local cache, rebuilt on start\n"
        "          hostPath:\n",
    )
    text = text.replace(
        "          nfs: {server: nfs.example, path: /cache}",
        "          nfs: {server: nfs.example, path: /cache}  # kslint: disable=pod-inline-"
        "persistent-volume",
    )
    write_repo(tmp_path, {"cache.yaml": text})
    assert found(tmp_path, ".") == []
    listing = run_kslint("lint", ".", "--show-suppressed", cwd=tmp_path).stdout
    assert (
        "by: # kslint: disable=pod-host-path-volume (cache.yaml:18): node-local cache, "
        "rebuilt on start"
    ) in listing
    assert "by: # kslint: disable=pod-inline-persistent-volume (cache.yaml:22)" in listing


def test_a_directive_above_a_key_covers_everything_nested_under_it(tmp_path: Path) -> None:
    text = manifest().replace(
        "      volumes:\n", "      # kslint: disable=pod-host-path-volume\n      volumes:\n"
    )
    write_repo(tmp_path, {"cache.yaml": text})
    document = lint_json(".", cwd=tmp_path)
    assert [(f["rule"], f["line"], f["column"]) for f in document["findings"]] == [
        ("pod-inline-persistent-volume", 22, 11),
    ]


def test_a_directive_above_a_sibling_does_not_reach_the_finding(tmp_path: Path) -> None:
    text = manifest().replace(
        "      containers:\n", "      # kslint: disable=pod-host-path-volume\n      containers:\n"
    )
    write_repo(tmp_path, {"cache.yaml": text})
    document = lint_json(".", cwd=tmp_path)
    assert [(f["rule"], f["line"], f["column"]) for f in document["findings"]] == [
        ("unused-suppression", 13, 7),
        ("pod-host-path-volume", 19, 11),
        ("pod-inline-persistent-volume", 22, 11),
    ]
    assert document["findings"][0]["message"] == (
        "# kslint: disable=pod-host-path-volume suppresses nothing for pod-host-path-volume; "
        "remove it or correct it."
    )


def test_disable_file_anywhere_in_the_file(tmp_path: Path) -> None:
    text = manifest() + "# kslint: disable-file=volumes -- generated by the vendor\n"
    write_repo(tmp_path, {"cache.yaml": text, "other.yaml": manifest().replace("cache", "other")})
    assert [(f["rule"], f["file"]) for f in lint_json(".", cwd=tmp_path)["findings"]] == [
        ("pod-host-path-volume", "other.yaml"),
        ("pod-inline-persistent-volume", "other.yaml"),
    ]


def test_suppressions_of_disabled_rules_are_not_reported_unused(tmp_path: Path) -> None:
    text = manifest('annotations: {kslint.io/ignore: "pv-host-path"}\n')
    write_repo(tmp_path, {"cache.yaml": text, ".kslint.yaml": "ignore: [pv-host-path]\n"})
    assert [rule for rule, _ in found(tmp_path, ".")] == [
        "pod-host-path-volume",
        "pod-inline-persistent-volume",
    ]
    (tmp_path / ".kslint.yaml").write_text("severity: {unused-suppression: off}\n")
    assert "unused-suppression" not in [rule for rule, _ in found(tmp_path, ".")]


def test_exemptions_by_glob(tmp_path: Path) -> None:
    config = """\
        exemptions:
          - rules: [pod-host-path-volume]
            kind: Deploy*
            namespace: "*-system"
            reason: vendor charts run on dedicated nodes
          - paths: ["third_party/**"]
            reason: upstream manifests, reviewed on upgrade
    """
    write_repo(
        tmp_path,
        {
            ".kslint.yaml": textwrap.dedent(config),
            "cache.yaml": manifest(),
            "app.yaml": manifest().replace("vendor-system", "apps"),
            "third_party/x/cache.yaml": manifest().replace("vendor-system", "x"),
        },
    )
    assert [(f["rule"], f["file"]) for f in lint_json(".", cwd=tmp_path)["findings"]] == [
        ("pod-host-path-volume", "app.yaml"),
        ("pod-inline-persistent-volume", "app.yaml"),
        ("pod-inline-persistent-volume", "cache.yaml"),
    ]
    listing = run_kslint("lint", ".", "--show-suppressed", cwd=tmp_path).stdout
    assert "by: exemption (.kslint.yaml:2): vendor charts run on dedicated nodes" in listing
    assert "by: exemption (.kslint.yaml:6): upstream manifests, reviewed on upgrade" in listing
    # Globs on the path are relative to the configuration, not the working directory.
    assert [f[1] for f in lint_json(".", cwd=tmp_path / "third_party")["findings"]] == []


def test_sarif_shows_suppressed_findings_as_suppressed_results(tmp_path: Path) -> None:
    write_repo(tmp_path, {"cache.yaml": manifest('annotations: {kslint.io/ignore: "volumes"}\n')})
    result = run_kslint("lint", ".", "--format", "sarif", "--show-suppressed", cwd=tmp_path)
    assert result.returncode == 0
    results = json.loads(result.stdout)["runs"][0]["results"]
    assert sorted(r["ruleId"] for r in results) == [
        "pod-host-path-volume",
        "pod-inline-persistent-volume",
    ]
    for entry in results:
        (suppression,) = entry["suppressions"]
        assert "kslint.io/ignore on Deployment vendor-system/cache" in suppression["justification"]
        assert suppression["kind"] == "inSource"  # the manifest itself says so


def test_suppression_in_a_context_file_is_not_reported_when_linting_another(
    tmp_path: Path,
) -> None:
    stale = manifest('annotations: {kslint.io/ignore: "pv-host-path"}\n').replace("cache", "old")
    write_repo(tmp_path, {".kslint.yaml": "{}\n", "old.yaml": stale, "new.yaml": manifest()})
    assert "unused-suppression" not in [rule for rule, _ in found(tmp_path, "new.yaml")]
    assert "unused-suppression" in [rule for rule, _ in found(tmp_path, "old.yaml")]


def test_library_callers_get_suppression_too() -> None:
    text = manifest('annotations: {kslint.io/ignore: "pod-host-path-volume"}\n')
    result = lint_texts([("cache.yaml", text)])
    assert [f.rule for f in result.findings] == ["pod-inline-persistent-volume"]
    assert [(f.rule, reason.split(" (")[0]) for f, reason, _ in result.suppressed] == [
        ("pod-host-path-volume", "kslint.io/ignore on Deployment vendor-system/cache")
    ]


def test_sarif_marks_configuration_exemptions_as_external(tmp_path: Path) -> None:
    config = "exemptions:\n  - kind: Deployment\n    reason: reviewed by the platform team\n"
    write_repo(tmp_path, {".kslint.yaml": config, "cache.yaml": manifest()})
    result = run_kslint("lint", ".", "--format", "sarif", "--show-suppressed", cwd=tmp_path)
    results = json.loads(result.stdout)["runs"][0]["results"]
    assert results and all(entry["suppressions"][0]["kind"] == "external" for entry in results), (
        results
    )


def test_show_suppressed_reaches_text_report_files_too(tmp_path: Path) -> None:
    write_repo(tmp_path, {"cache.yaml": manifest('annotations: {kslint.io/ignore: "volumes"}\n')})
    shown = run_kslint("lint", ".", "--show-suppressed", "--report", "text=out.txt", cwd=tmp_path)
    assert "Suppressed (2):" in shown.stdout
    assert (tmp_path / "out.txt").read_text() == shown.stdout

"""Discovery: kustomize patch fragments, Helm chart templates, excludes."""

from __future__ import annotations

from pathlib import Path

import pytest

from kslint.pipeline import LintOptions, lint
from kslint.render import RenderSettings


def test_kustomize_patches_are_fragments(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "kustomization.yaml").write_text(
        "resources: [deploy.yaml]\npatchesStrategicMerge: [patch.yaml]\n"
        "patches:\n  - path: patches/replicas.yaml\n  - patch: |\n      - op: add\n"
    )
    (tmp_path / "patches").mkdir()
    fragment = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {replicas: 3}\n"
    (tmp_path / "patch.yaml").write_text(fragment.replace("spec", "metadata"))
    (tmp_path / "patches" / "replicas.yaml").write_text(fragment)
    (tmp_path / "deploy.yaml").write_text(
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  volumes: [{name: h, hostPath: {path: /}}]\n"
        "  containers: [{name: c, image: busybox, volumeMounts: [{name: h, mountPath: /h}]}]\n"  # a valid Pod: schema findings stay out
    )
    # Unrendered (render mode never), discovery alone decides what the files are.
    result = lint(LintOptions(paths=["."], render=RenderSettings(mode="never")))
    assert [(f.rule, f.file) for f in result.findings] == [("pod-host-path-volume", "deploy.yaml")]
    assert result.objects == 1
    assert result.skipped == 3  # two patch fragments and the kustomization itself


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ('"patc\\x68es": [{path: patch.yaml}]\n', "utf-8"),  # the key spelled with an escape
        ("patches: [{path: patch.yaml}]\n", "utf-16"),  # no ASCII "patches" in the bytes
    ],
)
def test_patch_keys_found_however_spelled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, encoding: str
) -> None:
    """Discovery parses only kustomizations whose bytes could name a patch: the quick
    look must not miss one spelled with escapes or written in UTF-16."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "kustomization.yaml").write_bytes(text.encode(encoding))
    (tmp_path / "patch.yaml").write_text("apiVersion: apps/v1\nkind: Deployment\n")
    result = lint(LintOptions(paths=["."], render=RenderSettings(mode="never")))
    assert result.skipped == 2  # the patch fragment and the kustomization
    assert [f.file for f in result.findings] == []


def test_chart_templates_get_one_finding(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    chart = tmp_path / "chart"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: c\nversion: 1.0.0\n")
    (chart / "values.yaml").write_text("replicas: 3\n")
    (chart / "templates" / "svc.yaml").write_text(
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Release.Name }}\n"
    )
    result = lint(LintOptions(paths=["chart"], render=RenderSettings(mode="never")))
    assert [(f.rule, f.file, f.span.line, str(f.severity)) for f in result.findings] == [
        ("unrendered-template", "chart/templates/svc.yaml", 4, "info")
    ]
    # Rendering on (the default) and no helm: one not-rendered for the chart instead.
    monkeypatch.setenv("KSLINT_HELM", str(tmp_path / "no-helm"))
    result = lint(LintOptions(paths=["chart"]))
    assert [(f.rule, f.file, f.span.line, str(f.severity)) for f in result.findings] == [
        ("not-rendered", "chart/Chart.yaml", 1, "info")
    ]


def test_hostile_kustomization_is_reported_not_crashed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "kustomization.yaml").write_text("[" * 100_000 + "]" * 100_000)
    result = lint(LintOptions(paths=["."]))
    assert [(f.rule, f.file) for f in result.findings] == [("invalid-yaml", "kustomization.yaml")]


def test_an_unreadable_directory_is_a_finding_and_nothing_readable_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Simulated (the suite may run as root, who reads everything); tests/test_bad_input.py
    # has the same case with real permissions.
    import os

    import kslint.discover
    from kslint.errors import UsageError

    monkeypatch.chdir(tmp_path)
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "x.yaml").write_text("a: b\n")
    (tmp_path / "ok.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n")
    real_scandir = os.scandir

    def scandir(path: object) -> object:
        if Path(str(path)).name == "locked":
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)  # type: ignore[arg-type]

    monkeypatch.setattr(kslint.discover.os, "scandir", scandir)
    result = lint(LintOptions(paths=["."]))
    assert [(f.rule, f.file, f.message) for f in result.findings] == [
        ("invalid-yaml", "locked", "Cannot read locked: Permission denied.")
    ]
    assert result.objects == 1
    with pytest.raises(UsageError, match="nothing could be read: Cannot read locked"):
        lint(LintOptions(paths=["locked"]))


def test_a_kustomization_patch_path_with_a_nul_byte(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "kustomization.yaml").write_text('patches: ["a\\0b", {path: "c\\0d"}]\n')
    (tmp_path / "ok.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n")
    # Read as plain files: rendering would report kustomize's own error (render-failed).
    result = lint(LintOptions(paths=["."], render=RenderSettings(mode="never")))
    assert result.findings == []
    assert result.objects == 1


def test_patch_files_come_from_the_cache_while_kustomizations_are_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run with the content cache parses a kustomization to find its patch files only
    when its bytes are new; what it names still decides which files are fragments."""
    from kslint import discover as discover_module
    from kslint.cache import Cache

    parsed: list[str] = []
    real = discover_module._patch_targets
    monkeypatch.setattr(
        discover_module,
        "_patch_targets",
        lambda path, *args: parsed.append(str(path)) or real(path, *args),
    )
    monkeypatch.chdir(tmp_path)
    (tmp_path / "kustomization.yaml").write_text(
        "resources: [cm.yaml]\npatches: [{path: a.yaml}]\n"
    )
    configmap = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: %s}\n"
    for name in ("cm", "a", "b"):
        (tmp_path / f"{name}.yaml").write_text(configmap % name)

    def run() -> list[str]:
        options = LintOptions(
            paths=["."], render=RenderSettings(mode="never"), cache=Cache(tmp_path / ".c")
        )
        result = lint(options)
        return sorted(file.path for file in result.files)

    assert run() == ["b.yaml", "cm.yaml", "kustomization.yaml"]  # a.yaml: a patch
    assert len(parsed) == 1
    (tmp_path / "b.yaml").write_text(configmap % "b2")  # a cold run, same kustomization
    assert run() == ["b.yaml", "cm.yaml", "kustomization.yaml"]
    assert len(parsed) == 1  # not parsed again
    (tmp_path / "kustomization.yaml").write_text(
        "resources: [cm.yaml]\npatches: [{path: b.yaml}]\n"
    )
    assert run() == ["a.yaml", "cm.yaml", "kustomization.yaml"]
    assert len(parsed) == 2

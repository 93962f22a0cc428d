"""A kustomize patch file linted on its own (pre-commit passes only the changed file, no
configuration file) is a patch when a kustomization in its directory or a parent names it,
whether or not that kustomization is linted (issue 12)."""

from __future__ import annotations

from pathlib import Path

from helpers import lint_json, write_repo

PATCH = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {replicas: 3}\n"


def project(tmp_path: Path, kustomization: str) -> Path:
    return write_repo(
        tmp_path,
        {
            "deploy/base/kustomization.yaml": kustomization,
            "deploy/base/patches/replicas.yaml": PATCH,
            "deploy/base/other.yaml": PATCH,
        },
    )


def test_a_patch_named_by_a_parent_kustomization_is_not_an_object(tmp_path: Path) -> None:
    project(tmp_path, "resources: []\npatches:\n  - path: patches/replicas.yaml\n")
    document = lint_json("deploy/base/patches/replicas.yaml", cwd=tmp_path)
    assert document["findings"] == []
    assert document["summary"]["objects"] == 0


def test_strategic_merge_and_json6902_names_count_too(tmp_path: Path) -> None:
    project(
        tmp_path,
        "patchesStrategicMerge: [patches/replicas.yaml]\n"
        "patchesJson6902:\n  - path: other.yaml\n    target: {kind: Deployment, name: web}\n",
    )
    for name in ("deploy/base/patches/replicas.yaml", "deploy/base/other.yaml"):
        assert lint_json(name, cwd=tmp_path)["findings"] == []


def test_a_file_no_kustomization_names_is_linted_as_an_object(tmp_path: Path) -> None:
    project(tmp_path, "resources: []\npatches:\n  - path: patches/replicas.yaml\n")
    found = lint_json("deploy/base/other.yaml", cwd=tmp_path)["findings"]
    assert "schema-violation" in {f["rule"] for f in found}


def test_the_search_stops_at_the_project_root(tmp_path: Path) -> None:
    # A kustomization above the repository root is not the project's.
    (tmp_path / "kustomization.yaml").write_text("patches:\n  - path: repo/web.yaml\n")
    repo = write_repo(tmp_path / "repo", {"web.yaml": PATCH})
    found = lint_json("web.yaml", cwd=repo)["findings"]
    assert "schema-violation" in {f["rule"] for f in found}

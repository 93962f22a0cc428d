"""scripts/build_schemas.py on a small wheel written here: the shared-definitions layout,
the version ranges in the index, and a byte-for-byte reproducible rebuild (offline)."""

from __future__ import annotations

import importlib.util
import json
import zipfile
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "build_schemas.py"


@pytest.fixture
def script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_schemas", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def gvk(group: str, version: str, kind: str) -> dict[str, Any]:
    return {"x-kubernetes-group-version-kind": [{"group": group, "version": version, "kind": kind}]}


def claim(extra: dict[str, Any]) -> dict[str, Any]:
    return {
        **gvk("", "v1", "PersistentVolumeClaim"),
        "type": "object",
        "description": "dropped",
        "properties": {"spec": {"type": "object", "properties": extra}},
    }


def definitions(minor: int) -> dict[str, Any]:
    found = {
        # The same text from 1.25 on: stored once.
        "io.k8s.api.core.v1.PersistentVolumeClaim": claim({"storageClassName": {"type": "string"}})
        if minor < 27
        else claim({"storageClassName": {"type": "string"}, "volumeAttributesClassName": {}}),
    }
    if minor <= 25:  # an API removed in 1.26
        found["io.k8s.api.batch.v1beta1.CronJob"] = {
            **gvk("batch", "v1beta1", "CronJob"),
            "type": "object",
        }
    return {"$defs": found}


def wheel(folder: Path) -> Path:
    path = folder / "kubernetes_validate-1.37.0-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as archive:
        for minor in (24, 25, 26, 27):
            name = f"v1.{minor}.0-local-strict/_definitions.json"
            archive.writestr(
                f"kubernetes_validate/kubernetes-json-schema/{name}",
                json.dumps(definitions(minor)),
            )
        archive.writestr("kubernetes_validate-1.37.0.dist-info/LICENSE", "Apache-2.0\n")
    return path


def test_layout_ranges_and_reproducibility(
    script: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = wheel(tmp_path)
    outputs = []
    for run in ("a", "b"):
        out = tmp_path / run / "schemas" / "kubernetes"
        monkeypatch.setattr(script, "ROOT", tmp_path / run)
        monkeypatch.setattr(script, "OUT", out)
        script.build(source)
        outputs.append({p.name: p.read_bytes() for p in sorted(out.iterdir())})
    assert outputs[0] == outputs[1]  # reproducible, byte for byte
    index = json.loads(outputs[0]["index.json"])
    assert index["versions"] == ["1.25", "1.26", "1.27"]  # 1.24 is older than OLDEST
    assert index["definitions"] == {
        "io.k8s.api.batch.v1beta1.CronJob": "1.25",
        "io.k8s.api.core.v1.PersistentVolumeClaim": "1.25-1.26",
        "io.k8s.api.core.v1.PersistentVolumeClaim@1.27": "1.27",
    }
    assert index["kinds"] == {
        "batch/v1beta1": {"CronJob": ["io.k8s.api.batch.v1beta1.CronJob", "1.25"]},
        "v1": {"PersistentVolumeClaim": ["io.k8s.api.core.v1.PersistentVolumeClaim", "1.25-1.27"]},
    }
    stored = json.loads(outputs[0]["definitions.json"])["$defs"]
    assert "description" not in stored["io.k8s.api.core.v1.PersistentVolumeClaim"]
    assert outputs[0]["LICENSE"] == b"Apache-2.0\n"


def test_ranges(script: ModuleType) -> None:
    order = ["1.25", "1.26", "1.27", "1.28", "1.29"]
    assert script.ranges(["1.25", "1.26", "1.27"], order) == "1.25-1.27"
    assert script.ranges(["1.25", "1.26", "1.28"], order) == "1.25-1.26,1.28"
    assert script.ranges(["1.29"], order) == "1.29"

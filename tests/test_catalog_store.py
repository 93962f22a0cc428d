"""kslint's parsed rule catalog, kept beside the per-user key: used only while the rule
files are unchanged, and never when tampered with."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from kslint import registry
from kslint.cache import own_entry
from kslint.datafiles import data_dir


@pytest.fixture
def rules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    key = tmp_path / "user-cache" / "kslint" / "cache.key"
    key.parent.mkdir(parents=True)
    key.write_text("k" * 64)
    folder = tmp_path / "rules"
    folder.mkdir()
    for name in ("deployment-shared-rwo-pvc.yaml", "pod-host-path-volume.yaml"):
        shutil.copy(data_dir("rules") / name, folder / name)
    return sorted(folder.glob("*.yaml"))


def _stored(tmp_path: Path) -> Path:
    return tmp_path / "user-cache" / "kslint" / registry.CATALOG_ENTRY


def test_the_stored_catalog_is_what_parsing_gives(rules: list[Path], tmp_path: Path) -> None:
    parsed = registry._catalog_documents(rules)
    assert own_entry(registry.CATALOG_ENTRY)["documents"] == parsed
    again = registry._catalog_documents(rules)
    assert again == parsed
    assert type(again[0]) is dict  # the stored copy (the parse gives YMap nodes)
    assert [registry.parse_meta(d, p) for d, p in zip(again, rules, strict=True)] == [
        registry.parse_meta(d, p) for d, p in zip(parsed, rules, strict=True)
    ]


def test_a_changed_rule_file_is_parsed_again(rules: list[Path], tmp_path: Path) -> None:
    registry._catalog_documents(rules)
    text = rules[0].read_text().replace("severity: error", "severity: warning")
    rules[0].write_text(text + "\n")
    (first, _) = registry._catalog_documents(rules)
    assert first["severity"] == "warning"


def test_a_tampered_store_is_not_used(rules: list[Path], tmp_path: Path) -> None:
    registry._catalog_documents(rules)
    mac, _, body = _stored(tmp_path).read_bytes().partition(b"\n")
    forged = json.loads(body)
    forged["documents"][0]["summary"] = "forged"
    _stored(tmp_path).write_bytes(mac + b"\n" + json.dumps(forged).encode())
    assert own_entry(registry.CATALOG_ENTRY) is None
    assert registry._catalog_documents(rules)[0]["summary"] != "forged"
    assert own_entry(registry.CATALOG_ENTRY) is not None  # written again, signed


def test_without_a_key_nothing_is_stored(rules: list[Path], tmp_path: Path) -> None:
    (tmp_path / "user-cache" / "kslint" / "cache.key").unlink()
    assert registry._catalog_documents(rules)
    assert not _stored(tmp_path).exists()

"""Per-file cache entries (issue 18): a run with one file changed parses only that file
and reports exactly what a cold run does; a damaged per-file entry is ignored and
rewritten; runs at once leave every entry whole. Parses are counted through the loader
the workers call, never timed."""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import run_kslint, write_repo

from kslint import cached_run, workers
from kslint.cache import Cache
from kslint.discover import Limits
from kslint.pipeline import LintOptions, lint
from kslint.render import RenderSettings
from kslint.yaml_reader import parse_yaml

PROJECT = {
    "db/statefulset.yaml": """\
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: db}
        spec:
          serviceName: missing
          replicas: "3"
          selector: {matchLabels: {app: db}}
          template:
            metadata: {labels: {app: db}}
            spec:
              containers:
                - name: postgres
                  image: postgres:16
                  volumeMounts: [{name: data, mountPath: /var/lib/postgresql/data}]
          volumeClaimTemplates:
            - metadata: {name: data}
              spec: {accessModes: [ReadWriteMany], resources: {requests: {storage: 1Gi}}}
        """,
    "db/pvc.yaml": """\
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata: {name: data, namespace: db}
        spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}, bogus: 1}
        """,
    "crd/backup-crd.yaml": """\
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata: {name: backups.example.com}
        spec:
          group: example.com
          scope: Namespaced
          names: {kind: Backup, plural: backups}
          versions:
            - name: v1
              served: true
              storage: true
              schema:
                openAPIV3Schema:
                  type: object
                  properties:
                    spec: {type: object, properties: {schedule: {type: string}}}
        """,
    "crd/backup.yaml": """\
        apiVersion: example.com/v1
        kind: Backup
        metadata: {name: nightly}
        spec: {schedule: 3}
        """,
    "web/list.yaml": """\
        apiVersion: v1
        kind: List
        items:
          - apiVersion: v1
            kind: Service
            metadata: {name: web}
            spec: {ports: [{port: 80}], 1: one, true: yes, null: nothing}
          - apiVersion: v1
            kind: ConfigMap
            metadata: {name: c}
            data: {a: "1", a: "2"}
        """,
    "web/broken.yaml": "a: [1, 2\n",
    "top.yaml": "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {ports: [{port: 80}]}\n",
}


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = write_repo(tmp_path / "project", PROJECT)
    monkeypatch.chdir(root)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    return root


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths the run parses (the loader as the workers call it)."""
    paths: list[str] = []
    real = workers.load_source

    def counting(source, *args):  # type: ignore[no-untyped-def]
        paths.append(source.path)
        return real(source, *args)

    monkeypatch.setattr(workers, "load_source", counting)
    return paths


def _run(root: Path, cached: bool = True, jobs: int = 1):  # type: ignore[no-untyped-def]
    cache = Cache(root / ".kslint_cache") if cached else None
    options = LintOptions(paths=["."], cache=cache, render=RenderSettings(mode="never"), jobs=jobs)
    return lint(options)


def _report(result) -> list[tuple]:  # type: ignore[no-untyped-def]
    return [
        (f.rule, f.file, f.span, f.message, f.obj, f.kubernetes_versions, f.path)
        for f in result.findings
    ] + [(result.documents, result.objects, result.skipped)]


def _drop_run_entries(root: Path) -> None:
    shutil.rmtree(root / ".kslint_cache" / cached_run.RUN, ignore_errors=True)


def _file_entries(root: Path) -> list[Path]:
    return sorted(p for p in (root / ".kslint_cache" / cached_run.FILES).rglob("*") if p.is_file())


def test_one_changed_file_is_the_only_one_parsed(project: Path, parsed: list[str]) -> None:
    first = _run(project)
    assert sorted(parsed) == sorted(str(Path(name)) for name in PROJECT)
    assert len(_file_entries(project)) == 4  # one per folder, not one per file
    parsed.clear()
    assert _report(_run(project)) == _report(first)
    assert parsed == []  # the whole-run entry
    (project / "db" / "pvc.yaml").write_text(
        (project / "db" / "pvc.yaml").read_text().replace("bogus: 1", "other: 2")
    )
    warm = _run(project)
    assert parsed == [str(Path("db/pvc.yaml"))]
    parsed.clear()
    cold = _run(project, cached=False)
    assert _report(warm) == _report(cold)
    assert "unknown-field" in {f.rule for f in warm.findings}
    assert [f.text for f in warm.files] == [f.text for f in cold.files]  # excerpts


def test_a_file_too_big_for_an_entry_is_parsed_each_time(
    project: Path, parsed: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Its entry would cost more memory than parsing it again costs time (the limit is
    # lowered here so that one fixture file is over it).
    sizes = {name: len((project / name).read_bytes()) for name in PROJECT}
    biggest = max(sizes, key=lambda name: sizes[name])
    monkeypatch.setattr(cached_run, "MAX_CACHED_FILE_BYTES", sizes[biggest] - 1)
    first = _run(project)
    _drop_run_entries(project)
    parsed.clear()
    again = _run(project)
    assert parsed == [str(Path(biggest))]
    assert _report(again) == _report(first) == _report(_run(project, cached=False))


def test_the_workers_fill_and_read_the_same_entries(project: Path, parsed: list[str]) -> None:
    cold = _run(project, cached=False)
    _run(project, jobs=2)
    _drop_run_entries(project)
    parsed.clear()
    assert _report(_run(project, jobs=2)) == _report(cold)
    assert parsed == []


@pytest.mark.parametrize("damage", ["truncated", "garbage", "wrong-shape", "tree"])
def test_a_damaged_file_entry_is_ignored_and_rewritten(
    project: Path, parsed: list[str], damage: str
) -> None:
    cold = _run(project, cached=False)
    _run(project)
    cache = Cache(project / ".kslint_cache")
    limits = Limits()
    limits_key = (limits.max_documents, limits.max_file_bytes)
    settings = cached_run.load_settings("default", limits_key, workers.SchemaWork(None))
    key = cached_run.group_key(settings, "db")
    entry = next(p for p in _file_entries(project) if p.name == key)
    good = cache.get(cached_run.FILES, key)
    assert isinstance(good, dict) and len(good) == 2
    if damage == "truncated":
        entry.write_bytes(entry.read_bytes()[:100])
    elif damage == "garbage":
        entry.write_bytes(b"\x80\x04\x95 not json")
    elif damage == "wrong-shape":  # well signed, of another shape
        cache.put(cached_run.FILES, key, {name: {"objects": 3} for name in good}, prune=False)
    else:  # a node of an unknown type
        bad = {
            name: {**value, "objects": [["v1", "X", "x", None, [7], ""]]}
            for name, value in good.items()
        }
        cache.put(cached_run.FILES, key, bad, prune=False)
    _drop_run_entries(project)
    parsed.clear()
    assert _report(_run(project)) == _report(cold)
    assert sorted(parsed) == [str(Path("db/pvc.yaml")), str(Path("db/statefulset.yaml"))]
    assert cache.get(cached_run.FILES, key) == good  # rewritten
    _drop_run_entries(project)
    parsed.clear()
    _run(project)
    assert parsed == []


def test_runs_at_once_leave_every_entry_whole(project: Path, tmp_path: Path) -> None:
    command = [sys.executable, "-m", "kslint", "lint", ".", "--format", "json"]
    command += ["--fail-on", "never", "--render", "never"]
    cold = run_kslint(*command[3:], "--no-cache", cwd=project).stdout
    env = {**os.environ, "NO_COLOR": "1"}
    runs = [
        subprocess.Popen(command, cwd=project, stdout=subprocess.PIPE, env=env) for _ in range(4)
    ]
    assert all(run.communicate(timeout=120)[0].decode() == cold for run in runs)
    assert not [p for p in (project / ".kslint_cache").rglob(".tmp-*")]
    # Each folder's entry is whole: with the run entries gone, every file comes from them.
    (project / "top.yaml").write_text(PROJECT["top.yaml"].replace("port: 80", "port: 81"))
    changed = run_kslint(*command[3:], cwd=project)
    assert changed.stdout == run_kslint(*command[3:], "--no-cache", cwd=project).stdout
    assert json.loads(changed.stdout)["summary"]["files"] == len(PROJECT)


def test_trees_survive_the_json_entry() -> None:
    text = (
        b"a: 1\n1: int key\ntrue: bool key\nnull: null key\n1.5: float key\n"
        b"b: [x, {c: .nan, d: -0.0, e: 123456789012345678901234567890}]\n"
        b"f: g\n"
    )
    [doc], _ = parse_yaml("x.yaml", text)
    back = cached_run.tree_from_entry(*json.loads(json.dumps(cached_run.tree_entry(doc))))
    assert list(back) == list(doc) and back.key_spans == doc.key_spans
    assert back.value_spans == doc.value_spans and back.span == doc.span
    assert back["b"].item_spans == doc["b"].item_spans
    assert math.isnan(back["b"][1]["c"]) and str(back["b"][1]["d"]) == "-0.0"
    assert back["b"][1]["e"] == 123456789012345678901234567890
    doc.pop("f")  # positions unpacked by a change are stored too
    back = cached_run.tree_from_entry(*cached_run.tree_entry(doc))
    assert back.key_spans == {key: doc.key_spans[key] for key in doc}
    assert back.value_spans == {key: doc.value_spans[key] for key in doc}


def test_a_tree_json_cannot_carry_is_not_cached() -> None:
    [doc], _ = parse_yaml("x.yaml", b"a: 1\n")
    doc["b"] = b"bytes"
    with pytest.raises(cached_run.Uncacheable):  # a key without a position
        cached_run.tree_entry(doc)
    doc.key_spans["b"] = doc.value_spans["b"] = doc.span
    with pytest.raises(cached_run.Uncacheable):  # a value JSON has no type for
        cached_run.tree_entry(doc)


def test_workers_are_forked_ahead_only_while_the_cache_cannot_answer(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Workers are forked before the inputs are read (so they do not share those bytes),
    but not when the cache holds a run of this build: a warm run loads nothing."""
    reserved: list[int | None] = []
    monkeypatch.setattr(workers, "reserve", lambda jobs: reserved.append(jobs))
    cold = _run(project, jobs=2)
    assert reserved == [2]
    warm = _run(project, jobs=2)
    assert reserved == [2]  # not again
    assert _report(warm) == _report(cold)
    (project / "db" / "pvc.yaml").write_text("apiVersion: v1\nkind: ConfigMap\n")
    edited = _run(project, jobs=2)  # one file to load: no workers ahead either
    assert reserved == [2]
    assert edited.findings != cold.findings
    assert _report(_run(project, cached=False, jobs=2)) == _report(edited)
    assert reserved == [2, 2]  # no cache: forked ahead

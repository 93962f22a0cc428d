"""Worker processes (``--jobs``, kslint.workers): the same report as one process, in the
same order; a worker that fails loses no file; the CPUs a run may use."""

from __future__ import annotations

import json
import os
import pickle
import shutil
from pathlib import Path

import pytest
from helpers import run_kslint, write_files

from kslint import workers
from kslint.api_schemas import validate
from kslint.loader import Source, load_sources
from kslint.objects import SourceFile

FIXTURES = Path(__file__).parent / "fixtures"

CRD = """\
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
            spec:
              type: object
              properties:
                schedule: {type: string, pattern: "(?=lookahead)"}
"""

# Files of every kind of outcome: objects with findings, schema violations, a custom
# resource whose CRD is in another file (another worker), broken YAML, a template.
TREE = {
    "a/crd.yaml": CRD,
    "z/backup.yaml": """\
        apiVersion: example.com/v1
        kind: Backup
        metadata: {name: nightly}
        spec: {schedule: 3, extra: true}
        """,
    "b/deploy.yaml": """\
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          replicas: "two"
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              containers:
                - name: web
                  image: nginx
                  volumeMounts: [{name: data, mountPath: /data}]
              volumes:
                - name: data
                  persistentVolumeClaim: {claimName: missing}
        """,
    "b/broken.yaml": "a: [1, 2\n",
    "c/template.yaml": "apiVersion: v1\nkind: {{ .Values.kind }}\n",
    "c/list.yaml": """\
        apiVersion: v1
        kind: List
        items:
          - apiVersion: v1
            kind: PersistentVolumeClaim
            metadata: {name: data, namespace: db}
            spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
          - 3
        """,
}


def _tree(root: Path) -> Path:
    write_files(root, TREE)
    for name in ("claim-sharing", "pod-volumes", "graph", "claims-and-selectors"):
        shutil.copytree(FIXTURES / name, root / name)
    return root


def test_two_processes_report_byte_for_byte_what_one_does(tmp_path: Path) -> None:
    root = _tree(tmp_path / "repo")
    common = ("lint", ".", "--no-cache", "--format", "json", "--fail-on", "never")
    one = run_kslint(*common, "--jobs", "1", cwd=root)
    assert one.returncode == 0, one.stderr
    assert '"invalid-yaml"' in one.stdout and '"unknown-field"' in one.stdout
    assert "(?=lookahead)" in one.stdout  # the CRD's pattern finding (a pre-checked one)
    for jobs in ("2", "3"):
        many = run_kslint(*common, "--jobs", jobs, cwd=root)
        assert many.returncode == 0, many.stderr
        assert many.stdout == one.stdout, jobs
        assert many.stderr == one.stderr, jobs
    text = run_kslint("lint", ".", "--no-cache", "--jobs", "2", cwd=root)
    assert text.returncode == 1  # the exit code is as in one process
    assert text.stdout == run_kslint("lint", ".", "--no-cache", "-j", "1", cwd=root).stdout


def test_jobs_must_be_positive(tmp_path: Path) -> None:
    result = run_kslint("lint", ".", "--jobs", "0", cwd=tmp_path)
    assert result.returncode == 2
    assert "--jobs" in result.stderr


def _sources(root: Path) -> list[Source]:
    paths = sorted(p for p in root.rglob("*.yaml") if p.is_file())
    return [Source(str(p.relative_to(root)), p.read_bytes()) for p in paths]


def _same(a, b) -> None:  # type: ignore[no-untyped-def]
    assert [f.path for f in a.files] == [f.path for f in b.files]
    assert [f.text for f in a.files] == [f.text for f in b.files]
    assert [(o.identity, o.file.path, o.body) for o in a.objects] == [
        (o.identity, o.file.path, o.body) for o in b.objects
    ]
    assert [o.body.span for o in a.objects] == [o.body.span for o in b.objects]
    assert a.findings == b.findings
    assert (a.documents, a.skipped) == (b.documents, b.skipped)


def test_parallel_load_equals_one_process_and_drops_the_bytes(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    expected = load_sources(_sources(root))
    sources = _sources(root)
    loaded, hints = workers.load_parallel(sources, jobs=2, schema=workers.SchemaWork(None))
    _same(loaded, expected)
    assert set(hints) == {id(obj) for obj in loaded.objects}
    assert all(source.data == b"" for source in sources)
    # The schema stage says the same with the workers' pre-checks as without them.
    assert validate(loaded.objects, prechecked=hints) == validate(expected.objects)


def test_a_chunk_whose_worker_fails_is_loaded_in_the_main_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _tree(tmp_path)
    expected = load_sources(_sources(root))
    main = os.getpid()
    real = workers.load_source

    def failing(source, *args):  # type: ignore[no-untyped-def]
        if os.getpid() != main and source.path.startswith("b"):
            raise RuntimeError("a bug in a worker")
        if os.getpid() != main and source.path.startswith("graph"):
            os._exit(3)  # a worker that dies
        return real(source, *args)

    monkeypatch.setattr(workers, "load_source", failing)
    loaded, _ = workers.load_parallel(_sources(root), jobs=2)
    _same(loaded, expected)


def test_the_document_budget_is_shared_in_file_order(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    for limit in (1, 5, 12):
        expected = load_sources(_sources(root), max_documents=limit)
        loaded, _ = workers.load_parallel(_sources(root), max_documents=limit, jobs=2)
        _same(loaded, expected)


def test_trees_cross_processes_with_positions_still_packed(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    loaded = load_sources(_sources(root))
    back = pickle.loads(pickle.dumps(loaded))
    _same(back, loaded)
    body = back.objects[0].body
    assert body._packed is not None  # not unpacked by the round trip
    assert body.key_spans == loaded.objects[0].body.key_spans
    # One text per file, shared by the file's objects.
    assert len({id(obj.file) for obj in back.objects if obj.file.path.endswith("list.yaml")}) == 1


def test_small_inputs_stay_in_one_process() -> None:
    small = [Source(f"{i}.yaml", b"x" * 1000) for i in range(300)]
    assert workers.jobs_for(None, small) == 1
    assert workers.jobs_for(4, small) == 4  # asked for: as many as asked
    assert workers.jobs_for(4, small[:2]) == 2  # never more than files
    large = [Source(f"{i}.yaml", b"x" * 100_000) for i in range(300)]
    assert workers.jobs_for(None, large) == workers.available_cpus()


def test_chunks_are_consecutive_and_balanced_by_size() -> None:
    sizes = [10, 10, 10, 10, 40, 10, 10]
    ranges = workers.chunks(sizes, 3)
    assert [list(r) for r in ranges] == [[0, 1, 2, 3], [4], [5, 6]]
    assert [i for r in workers.chunks(sizes, 100) for i in r] == list(range(len(sizes)))
    assert workers.chunks([], 4) == []


def test_available_cpus_follow_affinity_and_cgroup_quota(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cgroup = tmp_path / "cgroup"
    cgroup.mkdir()
    monkeypatch.setattr(workers, "_cgroup_paths", lambda: ("/", "/"))
    assert workers.cgroup_cpu_limit(cgroup) is None
    (cgroup / "cpu.max").write_text("max 100000\n")
    assert workers.cgroup_cpu_limit(cgroup) is None
    (cgroup / "cpu.max").write_text("150000 100000\n")
    assert workers.cgroup_cpu_limit(cgroup) == 1.5
    (cgroup / "cpu.max").unlink()
    (cgroup / "cpu").mkdir()
    (cgroup / "cpu" / "cpu.cfs_quota_us").write_text("-1\n")
    (cgroup / "cpu" / "cpu.cfs_period_us").write_text("100000\n")
    assert workers.cgroup_cpu_limit(cgroup) is None
    (cgroup / "cpu" / "cpu.cfs_quota_us").write_text("300000\n")
    assert workers.cgroup_cpu_limit(cgroup) == 3.0

    monkeypatch.setattr(workers, "cgroup_cpu_limit", lambda: 1.5)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2, 3}, raising=False)
    assert workers.available_cpus() == 1
    monkeypatch.setattr(workers, "cgroup_cpu_limit", lambda: None)
    assert workers.available_cpus() == 4
    monkeypatch.setattr(os, "cpu_count", lambda: 64)
    assert workers.available_cpus() == 4  # the affinity, not the machine


def test_a_run_that_stops_early_ends_its_workers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # What Ctrl-C in the main process does too: the workers still busy are ended.
    root = _tree(tmp_path)
    pools: list[workers._Workers] = []
    real = workers._Workers

    def recording(*args):  # type: ignore[no-untyped-def]
        pools.append(real(*args))
        return pools[-1]

    monkeypatch.setattr(workers, "_Workers", recording)
    outcomes = workers.load_each(_sources(root), jobs=2)
    next(outcomes)
    outcomes.close()
    [pool] = pools
    assert pool.workers and not any(process.is_alive() for process, _ in pool.workers)


# A file long enough that its text is kept compressed after loading (SourceFile.compact),
# with text that is not ASCII above the finding.
LONG = "".join(
    f"# Données de l'équipe, ligne {i}: du texte pour remplir le fichier.\n" for i in range(12)
)
COMPRESSED = {
    "a/deploy.yaml": LONG
    + """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, annotations: {note: "café"}}
spec:
  replicas: "two"
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx}]}
""",
}
COMPRESSED["b/deploy.yaml"] = COMPRESSED["a/deploy.yaml"].replace(
    'replicas: "two"', 'replicas: "two"  # kslint: disable=schema-violation'
)


def test_compacted_texts_read_as_loaded(tmp_path: Path) -> None:
    root = write_files(tmp_path, COMPRESSED)
    plain = load_sources(_sources(root))
    for loaded in (
        load_sources(_sources(root), release=True),
        workers.load_parallel(_sources(root), jobs=2)[0],
    ):
        assert all(file._zipped is not None for file in loaded.files)  # kept compressed
        assert [f.text for f in loaded.files] == [f.text for f in plain.files]
        assert loaded.files[0].lines[12] == "apiVersion: apps/v1"
    short = SourceFile("short.yaml", "a: 1\n")
    short.compact()
    assert short._zipped is None and short.text == "a: 1\n"  # too short to gain
    changed = load_sources(_sources(root), release=True).files[0]
    changed.text = "b: 2\n"  # a new text replaces the compressed one
    assert changed.text == "b: 2\n" and changed.lines == ["b: 2"]


def test_excerpts_and_comments_of_compacted_files(tmp_path: Path) -> None:
    root = write_files(tmp_path, COMPRESSED)
    one = run_kslint("lint", ".", "--no-cache", "--jobs", "1", cwd=root)
    assert one.returncode == 1, one.stderr
    assert "a/deploy.yaml:17:13: error[schema-violation] spec.replicas" in one.stdout
    assert '   17 |   replicas: "two"\n' in one.stdout  # the excerpt, from the compressed text
    assert "b/deploy.yaml:17" not in one.stdout  # its comment suppresses the finding
    two = run_kslint("lint", ".", "--no-cache", "--jobs", "2", cwd=root)
    assert two.stdout == one.stdout


SCHEMA_ERRORS = {
    "crd.yaml": CRD + "                keep: {type: integer, description: 5}\n",
    "backup.yaml": """\
        apiVersion: example.com/v1
        kind: Backup
        metadata: {name: nightly}
        spec: {schedule: 3, keep: 2, extra: true}
        """,
}
SCHEMA_PATH = ("spec", "versions", 0, "schema", "openAPIV3Schema")


def test_a_crd_checked_in_a_worker_keeps_its_schemas_without_positions(tmp_path: Path) -> None:
    root = write_files(tmp_path, SCHEMA_ERRORS)
    expected = load_sources(_sources(root))
    assert expected.objects[1].kind == "CustomResourceDefinition"
    for release in (True, False):
        schema = workers.SchemaWork(None, release=release)
        loaded, hints = workers.load_parallel(_sources(root), jobs=2, schema=schema)
        _same(loaded, expected)
        [crd] = [obj for obj in loaded.objects if obj.kind == "CustomResourceDefinition"]
        kept = crd.get(*SCHEMA_PATH)
        assert (type(kept) is dict) is release  # a plain tree once its work is done
        assert crd.span(*SCHEMA_PATH) == expected.objects[1].span(*SCHEMA_PATH)
        # Every finding in the schema (found in the worker) and about the custom
        # resource (validated with the CRD's schema) is where one process puts it.
        assert validate(loaded.objects, prechecked=hints) == validate(expected.objects)


def test_findings_inside_released_schemas_keep_their_positions(tmp_path: Path) -> None:
    root = write_files(tmp_path, SCHEMA_ERRORS)
    common = ("lint", ".", "--no-cache", "--format", "json", "--fail-on", "never")
    one = run_kslint(*common, "--jobs", "1", cwd=root)
    two = run_kslint(*common, "--jobs", "2", cwd=root)
    assert two.stdout == one.stdout and one.returncode == 0, one.stderr
    found = {(f["file"], f["line"], f["column"]) for f in json.loads(two.stdout)["findings"]}
    assert {("crd.yaml", 19, 51), ("crd.yaml", 20, 52), ("backup.yaml", 4, 18)} <= found


def test_the_bytes_dropped_while_loading_are_given_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every TRIM_BYTES dropped, the heap's free pages go back to the system (glibc's
    # malloc_trim; a no-op elsewhere), once more at the end of a large enough load.
    from kslint import loader

    root = _tree(tmp_path)
    calls: list[int] = []
    monkeypatch.setattr(loader, "_TRIM", lambda: calls.append(1) or 0)
    monkeypatch.setattr(loader, "TRIM_BYTES", 1000)
    sources = _sources(root)
    size = sum(len(source.data) for source in sources)
    loaded = load_sources(sources, release=True)
    assert all(source.data == b"" for source in sources)
    assert size > 10_000 and 5 <= len(calls) <= size // 1000 + 1
    _same(loaded, load_sources(_sources(root)))
    calls.clear()
    monkeypatch.setattr(workers, "TRIM_BYTES", 1000)
    workers.load_parallel(_sources(root), jobs=2)
    assert 5 <= len(calls) <= size // 1000 + 1
    calls.clear()
    monkeypatch.setattr(loader, "TRIM_BYTES", 10**12)
    load_sources(_sources(root), release=True)
    assert not calls  # a small load: nothing worth giving back
    assert loader.give_back() == 0
    monkeypatch.setattr(loader, "_TRIM", None)
    assert loader.give_back() == 0  # the real one (or none where there is no glibc)

"""The content cache (issue 18): a warm run reports exactly what a cold run does; entries
that are truncated, tampered with or foreign are ignored and rewritten; the folder sits at
the project root with its own .gitignore; an unwritable cache turns itself off with one
note; ``kslint clean`` removes it. Behaviour only: timings live in benchmarks/run.py."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import subprocess
import sys
from dataclasses import fields
from pathlib import Path

import pytest
from helpers import run_kslint, write_files, write_repo

from kslint.cache import FORMAT, KEEP
from kslint.cached_run import FINDING_FIELDS
from kslint.findings import Finding

PROJECT = {
    "db/statefulset.yaml": """\
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: db}
        spec:
          serviceName: missing
          replicas: 3
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
    "broken.yaml": "a: [1, 2\n",
    "dup.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: '1', a: '2'}\n",
    "utf16.yaml": "",  # written as UTF-16 below
}


def _project(tmp_path: Path) -> Path:
    root = write_repo(tmp_path / "project", PROJECT)
    (root / "utf16.yaml").write_bytes(
        "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {ports: [{port: 80}]}\n".encode(
            "utf-16"
        )
    )
    return root


def _env(tmp_path: Path) -> dict[str, str]:
    return {"XDG_CACHE_HOME": str(tmp_path / "user-cache")}


def _lint(root: Path, tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    return run_kslint("lint", ".", "--fail-on", "never", *args, cwd=root, env=_env(tmp_path))


def _entries(root: Path) -> dict[Path, int]:
    return {
        p: p.stat().st_mtime_ns for p in (root / ".kslint_cache" / "run").rglob("*") if p.is_file()
    }


@pytest.mark.parametrize("format", ["text", "json", "junit", "gitlab", "github"])
def test_a_warm_run_reports_byte_for_byte_what_a_cold_run_does(tmp_path: Path, format: str) -> None:
    root = _project(tmp_path)
    cold = _lint(root, tmp_path, "--format", format, "--no-cache")
    assert not (root / ".kslint_cache").exists()  # --no-cache writes nothing
    first = _lint(root, tmp_path, "--format", format)
    entries = _entries(root)
    assert len(entries) == 1
    warm = _lint(root, tmp_path, "--format", format)
    assert _entries(root) == entries  # read, not rewritten: the second run was warm
    assert cold.returncode == first.returncode == warm.returncode == 0
    assert cold.stdout == first.stdout == warm.stdout
    assert cold.stderr == warm.stderr
    assert "invalid-yaml" in cold.stdout and "duplicate-key" in cold.stdout


def test_a_sarif_report_is_made_cold_from_the_object_trees(tmp_path: Path) -> None:
    # SARIF fixes are planned on the object trees, which a cached result does not hold.
    root = _project(tmp_path)
    cold = _lint(root, tmp_path, "--format", "sarif", "--no-cache")
    _lint(root, tmp_path, "--format", "json")
    entries = _entries(root)
    sarif = _lint(root, tmp_path, "--format", "sarif")
    assert sarif.returncode == 0 and sarif.stdout == cold.stdout
    assert _entries(root).keys() == entries.keys()


def test_the_cache_folder_is_at_the_project_root_and_ignores_itself(tmp_path: Path) -> None:
    root = _project(tmp_path)
    run_kslint("lint", "statefulset.yaml", cwd=root / "db", env=_env(tmp_path))
    cache = root / ".kslint_cache"
    assert (cache / ".gitignore").read_text().splitlines()[-1] == "*"
    assert "created by kslint" in (cache / "CACHEDIR.TAG").read_text()
    assert not (root / "db" / ".kslint_cache").exists()


def test_a_changed_file_or_setting_is_a_new_entry(tmp_path: Path) -> None:
    root = _project(tmp_path)
    before = _lint(root, tmp_path, "--format", "json")
    (root / "broken.yaml").write_text("a: [1, 2]\n")
    after = _lint(root, tmp_path, "--format", "json")
    assert before.stdout != after.stdout
    assert "invalid-yaml" not in {f["rule"] for f in json.loads(after.stdout)["findings"]}
    selected = _lint(root, tmp_path, "--format", "json", "--select", "duplicate-key")
    assert {f["rule"] for f in json.loads(selected.stdout)["findings"]} == {"duplicate-key"}
    assert len(_entries(root)) == 3


def _sign(tmp_path: Path, key: str, body: bytes) -> bytes:
    secret = (tmp_path / "user-cache" / "kslint" / "cache.key").read_bytes()
    mac = hmac.new(secret, key.encode() + b"\0" + body, hashlib.sha256).hexdigest()
    return FORMAT + mac.encode() + b"\n" + body


def _forged(entry: Path, message: str) -> bytes:
    body = json.loads(entry.read_bytes()[len(FORMAT) :].partition(b"\n")[2])
    body["strings"].append(message)  # a finding names its message in the entry's strings
    body["findings"][0][1] = len(body["strings"]) - 1
    return json.dumps(body).encode()


def test_an_entry_signed_with_the_users_key_is_what_a_warm_run_reports(tmp_path: Path) -> None:
    # Proves the warm path reads the entry (the next test: and trusts nothing unsigned).
    root = _project(tmp_path)
    _lint(root, tmp_path, "--format", "json")
    (entry,) = _entries(root)
    entry.write_bytes(_sign(tmp_path, entry.name, _forged(entry, "from the cache")))
    warm = json.loads(_lint(root, tmp_path, "--format", "json").stdout)
    assert warm["findings"][0]["message"] == "from the cache"


@pytest.mark.parametrize("damage", ["tampered", "truncated", "foreign", "garbage", "wrong-shape"])
def test_a_damaged_or_foreign_entry_is_ignored_and_rewritten(tmp_path: Path, damage: str) -> None:
    root = _project(tmp_path)
    cold = _lint(root, tmp_path, "--format", "json", "--no-cache")
    _lint(root, tmp_path, "--format", "json")
    (entry,) = _entries(root)
    good = entry.read_bytes()
    header = good.partition(b"\n")[2].partition(b"\n")[0]
    damaged = {
        # An attacker without the user's key (a cache committed to the repository):
        "tampered": FORMAT + header + b"\n" + _forged(entry, "hidden"),
        "truncated": good[: len(good) // 2],
        "foreign": b"kslint-cache 0\n" + good[len(FORMAT) :],
        "garbage": b"\x80\x04\x95 not json",
        "wrong-shape": _sign(tmp_path, entry.name, b'{"findings": 3}'),
    }[damage]
    entry.write_bytes(damaged)
    again = _lint(root, tmp_path, "--format", "json")
    assert again.stdout == cold.stdout
    assert entry.read_bytes() == good  # rewritten with the real result


def test_an_unwritable_cache_runs_without_it_saying_so_once(tmp_path: Path) -> None:
    root = _project(tmp_path)
    cold = _lint(root, tmp_path, "--format", "json", "--no-cache")
    (root / "file").write_text("")
    # A folder below a regular file cannot be made, whoever runs the test (root included).
    result = _lint(root, tmp_path, "--format", "json", "--cache-dir", "file/cache")
    assert result.returncode == 0
    assert result.stdout == cold.stdout
    notes = [line for line in result.stderr.splitlines() if "without the cache" in line]
    assert len(notes) == 1 and "file/cache" in notes[0], result.stderr


def test_cache_dir_and_clean(tmp_path: Path) -> None:
    root = _project(tmp_path)
    _lint(root, tmp_path, "--cache-dir", str(tmp_path / "elsewhere"))
    assert (tmp_path / "elsewhere" / "CACHEDIR.TAG").is_file()
    assert not (root / ".kslint_cache").exists()
    removed = run_kslint("clean", "--cache-dir", str(tmp_path / "elsewhere"), cwd=root)
    assert removed.returncode == 0 and not (tmp_path / "elsewhere").exists()
    _lint(root, tmp_path)
    assert run_kslint("clean", cwd=root / "db").returncode == 0  # the project's, from below
    assert not (root / ".kslint_cache").exists()
    assert "no cache" in run_kslint("clean", cwd=root).stdout


def test_clean_refuses_a_folder_kslint_did_not_make(tmp_path: Path) -> None:
    folder = write_files(tmp_path / "precious", {"keep.txt": "data"})
    result = run_kslint("clean", "--cache-dir", str(folder), cwd=tmp_path)
    assert result.returncode == 2
    assert "not a kslint cache" in result.stderr
    assert (folder / "keep.txt").is_file()


def test_runs_at_once_share_the_cache_without_corrupting_it(tmp_path: Path) -> None:
    root = _project(tmp_path)
    cold = _lint(root, tmp_path, "--format", "json", "--no-cache")
    env = {**os.environ, **_env(tmp_path), "NO_COLOR": "1"}
    command = [
        sys.executable,
        "-m",
        "kslint",
        "lint",
        ".",
        "--format",
        "json",
        "--fail-on",
        "never",
    ]
    runs = [subprocess.Popen(command, cwd=root, stdout=subprocess.PIPE, env=env) for _ in range(4)]
    outputs = [run.communicate(timeout=120)[0].decode() for run in runs]
    assert all(output == cold.stdout for output in outputs)
    entries = _entries(root)
    assert len(entries) == 1
    assert _lint(root, tmp_path, "--format", "json").stdout == cold.stdout
    assert _entries(root) == entries  # the entry they wrote was whole: read, not rewritten
    assert not [p for p in (root / ".kslint_cache").rglob(".tmp-*")]


def test_only_the_newest_entries_are_kept(tmp_path: Path) -> None:
    root = _project(tmp_path)
    for index in range(KEEP + 2):
        (root / "broken.yaml").write_text(f"a: [{index}, 2\n")
        _lint(root, tmp_path)
    entries = _entries(root)
    assert len(entries) == KEEP
    # The newest (this content's) entry is among them: the next run is warm.
    _lint(root, tmp_path)
    assert _entries(root) == entries


def test_an_entry_stores_every_field_of_a_finding() -> None:
    # A field the entry does not store would make every round trip differ: never wrong
    # (such a result is not cached) but never warm either.
    assert tuple(field.name for field in fields(Finding)) == FINDING_FIELDS


def test_a_warm_run_with_several_kubernetes_versions_says_what_a_cold_run_says(
    tmp_path: Path,
) -> None:
    root = _project(tmp_path)
    args = ("--kubernetes-version", "1.20,1.34", "--verbose")
    cold = _lint(root, tmp_path, *args, "--no-cache")
    _lint(root, tmp_path, *args)
    entries = _entries(root)
    warm = _lint(root, tmp_path, *args)
    assert _entries(root) == entries
    assert (warm.stdout, warm.stderr) == (cold.stdout, cold.stderr)
    assert "1.20" in cold.stdout + cold.stderr


def test_the_first_key_made_is_the_key(tmp_path: Path) -> None:
    """Runs starting at once each make a key; only the first is kept, so no run signs
    entries with a key another run then replaces (their entries would look forged)."""
    from kslint.cache import _create_once

    key = tmp_path / "cache.key"
    _create_once(key, b"first", mode=0o600)
    _create_once(key, b"second", mode=0o600)
    assert key.read_bytes() == b"first"
    assert oct(key.stat().st_mode & 0o777) == "0o600"
    assert [p.name for p in tmp_path.iterdir()] == ["cache.key"]  # no temporary left


def test_digests_in_two_threads_are_the_digests_in_order() -> None:
    from kslint.cache import PARALLEL_HASH_BYTES, file_digest, file_digests

    datas = [bytes([i % 251]) * (i * 99_991 % 300_000) for i in range(60)]
    assert sum(map(len, datas)) > PARALLEL_HASH_BYTES  # the threaded path
    assert file_digests(datas) == [file_digest(data) for data in datas]
    assert file_digests(datas[:3]) == [file_digest(data) for data in datas[:3]]
    assert file_digests([]) == []


def test_a_cached_file_decodes_its_text_once_and_behaves_as_any_file() -> None:
    from kslint.cached_run import DecodedLater

    calls: list[bytes] = []
    text = "a: 1\n" * 200

    def decode(data: bytes) -> str:
        calls.append(data)
        return data.decode()

    file = DecodedLater("m.yaml", text.encode(), decode)
    assert file.lines[1] == "a: 1" and file.text == text and len(calls) == 1
    file.compact()  # as the loader's files are, once read
    assert file.text == text and len(calls) == 1
    file.text = "b: 2\n"
    assert file.lines == ["b: 2"]  # a new text drops the old lines

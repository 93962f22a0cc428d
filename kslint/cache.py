"""Content cache: a run whose inputs and settings are unchanged reuses the last result.

Where: ``.kslint_cache/`` at the project root (the git work tree's top, else the working
directory), or ``--cache-dir``. Like ruff's, the folder writes its own ``.gitignore``
(``*``) and a ``CACHEDIR.TAG``, so backup tools and git leave it alone.

Keys: an entry's name is a SHA-256 over everything that changes the result: kslint's
version and build (the size and mtime of each of its own files, so an edited checkout
never reads an older build's entries), the Python version, each input's path and the
SHA-256 of its bytes, and a description of every setting (configuration, rules and
policies, baseline, Kubernetes version, the bytes of every ``--schema-dir`` file).

Trust: a cache folder inside a repository is attacker-controlled (it can be committed).
Entries are JSON (never pickle or marshal) and each is authenticated with HMAC-SHA256
under a per-user secret key kept outside every repository
(``$XDG_CACHE_HOME/kslint/cache.key``, else ``~/.cache/kslint/cache.key``, mode 0600).
An entry that is truncated, corrupt, written by another user or another format, or fails
the HMAC is ignored and rewritten: never trusted.

Writes are atomic (a temporary file in the same folder, then ``os.replace``), so two runs
at once never leave a half-written entry. A folder that cannot be written (read-only
checkout) turns the cache off for the run, with one note. Only the newest ``KEEP`` entries
are kept.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

FORMAT = b"kslint-cache 1\n"
CACHE_DIR_NAME = ".kslint_cache"
KEEP = 8  # entries of a kind kept (the newest)
_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by kslint.\n"
    "# For information about cache directory tags see https://bford.info/cachedir/\n"
)


def project_root(start: Path | None = None) -> Path:
    """The git work tree's top above ``start`` (default: the working directory), else
    ``start`` itself."""
    start = (start or Path.cwd()).resolve()
    for directory in (start, *start.parents):
        if (directory / ".git").exists():
            return directory
    return start


def default_dir() -> Path:
    return project_root() / CACHE_DIR_NAME


def _key_file() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "kslint" / "cache.key"


def _secret() -> bytes:
    """The per-user HMAC key, made on first use. Raises OSError when it cannot be read
    or made (the cache is then off)."""
    path = _key_file()
    try:
        data = path.read_bytes()
        if len(data) >= 32:
            return data
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    _create_once(path, os.urandom(32).hex().encode(), mode=0o600)
    return path.read_bytes()


def _create_once(path: Path, data: bytes, mode: int) -> None:
    """Write ``path`` whole unless it exists: written aside, then hard-linked into place
    (a link is never made over an existing file). Runs starting at once all read the
    first one's key: replacing it would make entries signed a moment ago look forged."""
    import tempfile

    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.chmod(temporary, mode)
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass  # another run made it first: its key is the key
        except OSError:  # no hard links here (some file systems): last writer wins
            os.replace(temporary, path)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(temporary)


def own_entry(name: str) -> Any | None:
    """JSON that kslint keeps about itself (never about a repository: its parsed rule
    catalog) beside the per-user key, signed with it; None when missing, unsigned,
    tampered or unreadable."""
    try:
        secret = _key_file().read_bytes()
        raw = (_key_file().parent / name).read_bytes()
    except OSError:
        return None
    mac, _, body = raw.partition(b"\n")
    expected = hmac.new(secret, name.encode() + b"\0" + body, hashlib.sha256).hexdigest()
    if len(secret) < 32 or not hmac.compare_digest(mac, expected.encode()):
        return None
    try:
        return json.loads(body)
    except ValueError:
        return None


def store_own_entry(name: str, value: Any) -> None:
    """Keep ``value`` for ``own_entry``, when the per-user key exists (kslint makes it
    only for the content cache); nothing happens when it cannot be written."""
    try:
        secret = _key_file().read_bytes()
        if len(secret) < 32:
            return
        body = json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()
        mac = hmac.new(secret, name.encode() + b"\0" + body, hashlib.sha256).hexdigest()
        _atomic_write(_key_file().parent / name, mac.encode(), b"\n", body)
    except (OSError, ValueError):
        return


def _atomic_write(path: Path, *parts: bytes, mode: int = 0o644) -> None:
    import tempfile  # only when writing: a warm run needs none of it

    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(handle, "wb") as file:
            file.writelines(parts)
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


_BUILD: str | None = None


def build_id() -> str:
    """kslint's version plus the size and mtime of each of its files and data files."""
    global _BUILD
    if _BUILD is None:
        from kslint import __version__
        from kslint.datafiles import data_dir

        digest = hashlib.sha256(f"{__version__}\0{sys.version}".encode())
        package = Path(__file__).parent
        for folder in (package, data_dir("rules"), data_dir("schemas")):
            for root, dirs, files in os.walk(folder):
                dirs[:] = sorted(d for d in dirs if d != "__pycache__")
                for name in sorted(files):
                    stat = os.stat(os.path.join(root, name))
                    digest.update(f"{root}/{name}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
        _BUILD = digest.hexdigest()
    return _BUILD


def file_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_digests(datas: list[bytes]) -> list[str]:
    """``file_digest`` of each, in two threads when there is much to hash: hashlib lets
    go of the interpreter lock while it hashes, so the second core halves the time a
    cached run spends hashing a big tree."""
    total = sum(len(data) for data in datas)
    if total < PARALLEL_HASH_BYTES:
        return [file_digest(data) for data in datas]
    import threading

    # Split by bytes, not by count: the halves take about the same time.
    half, seen = len(datas), 0
    for index, data in enumerate(datas):
        seen += len(data)
        if seen >= total // 2:
            half = index + 1
            break
    second: list[str] = []
    helper = threading.Thread(target=lambda: second.extend(map(file_digest, datas[half:])))
    helper.start()
    first = [file_digest(data) for data in datas[:half]]
    helper.join()
    return first + second


PARALLEL_HASH_BYTES = 4 * 1024 * 1024


def tree_digest(paths: Iterable[str | Path]) -> str:
    """The names and bytes of every file under ``paths`` (``--schema-dir`` folders)."""
    digest = hashlib.sha256()
    for top in paths:
        top_path = Path(top)
        files = [top_path] if top_path.is_file() else sorted(top_path.rglob("*"))
        for path in files:
            if path.is_file():
                digest.update(f"{path}\0".encode())
                digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


class Cache:
    """Authenticated JSON entries in one folder; every failure is a miss, never an error."""

    def __init__(self, directory: Path, notify: Any = None) -> None:
        self.directory = directory
        self._notify = notify or (lambda message: print(message, file=sys.stderr))
        self._secret: bytes | None = None
        self.enabled = True
        self._prepared = False

    def _off(self, why: str) -> None:
        if self.enabled:
            self.enabled = False
            self._notify(f"kslint: running without the cache: {why}")

    def _key(self) -> bytes | None:
        if self._secret is None and self.enabled:
            try:
                self._secret = _secret()
            except OSError as exc:
                self._off(f"cannot keep its key in {_key_file()} ({exc.strerror or exc})")
        return self._secret

    def _path(self, kind: str, key: str) -> Path:
        return self.directory / kind / key[:2] / key

    def get(self, kind: str, key: str) -> Any | None:
        """The JSON value stored under ``key``, or None (missing, foreign or tampered)."""
        secret = self._key()
        if secret is None:
            return None
        try:
            raw = self._path(kind, key).read_bytes()
        except OSError:
            return None
        if not raw.startswith(FORMAT):
            return None
        mac, _, body = raw[len(FORMAT) :].partition(b"\n")
        expected = hmac.new(secret, key.encode() + b"\0" + body, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(mac, expected.encode()):
            return None
        try:
            return json.loads(body)
        except ValueError:
            return None

    def put(self, kind: str, key: str, value: Any, prune: bool = True) -> None:
        """Store ``value`` (JSON data) under ``key``; ``prune``: then keep only the newest
        ``KEEP`` entries of ``kind`` (a caller writing many calls ``prune`` once)."""
        secret = self._key()
        if secret is None or not self.enabled:
            return
        try:
            body = json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()
        except ValueError:  # text JSON cannot carry (a lone surrogate): not stored
            return
        # No concatenated copies of ``body``: an entry can be tens of megabytes.
        mac = hmac.new(secret, key.encode() + b"\0", hashlib.sha256)
        mac.update(body)
        path = self._path(kind, key)
        try:
            self._prepare()
            path.parent.mkdir(parents=True, exist_ok=True)
            _atomic_write(path, FORMAT, mac.hexdigest().encode(), b"\n", body)
        except OSError as exc:
            self._off(f"cannot write {self.directory} ({exc.strerror or exc})")
            return
        if prune:
            self.prune(kind, KEEP, spare=path)

    def filled_by(self, build: str) -> bool:
        """Whether a run of kslint's ``build`` stored its result here (``stamp``): then
        the next run finds most of its per-file work here. Only a hint for how to run
        (whether to start worker processes ahead): nothing is read from the cache on it."""
        try:
            return (self.directory / BUILD_STAMP).read_text() == build
        except (OSError, ValueError):
            return False

    def stamp(self, build: str) -> None:
        if not self.enabled or self.filled_by(build):
            return
        with contextlib.suppress(OSError):
            self._prepare()
            _atomic_write(self.directory / BUILD_STAMP, build.encode())

    def prune(self, kind: str, keep: int, spare: Path | None = None) -> None:
        """Keep the newest ``keep`` entries of a kind (and ``spare``): each edit makes a
        new run entry, and only the latest ones can be hit again. Another run removing
        an entry this one wanted only costs that run a miss."""
        entries = []
        for entry in (self.directory / kind).glob("*/*"):
            if entry.name.startswith(".tmp-"):
                continue  # another run's entry being written
            with contextlib.suppress(OSError):
                entries.append((entry.stat().st_mtime_ns, entry))
        entries.sort(reverse=True)
        for _, entry in entries[keep:]:
            if entry != spare:
                with contextlib.suppress(OSError):
                    entry.unlink()

    def _prepare(self) -> None:
        """The folder, its ``.gitignore`` and ``CACHEDIR.TAG`` (as ruff writes them)."""
        if self._prepared:
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        for name, text in (
            (".gitignore", "# Automatically created by kslint.\n*\n"),
            ("CACHEDIR.TAG", _TAG),
        ):
            target = self.directory / name
            if not target.exists():
                _atomic_write(target, text.encode())
        self._prepared = True


# The build (``build_id``) of the last run that stored its result (``Cache.stamp``).
BUILD_STAMP = "last-build"


def clean(directory: Path) -> bool:
    """Remove a cache folder kslint made (it holds kslint's ``CACHEDIR.TAG``); False if
    there was none. Refuses a folder that is not a kslint cache."""
    import shutil

    if not directory.exists():
        return False
    tag = directory / "CACHEDIR.TAG"
    if not tag.is_file() or "created by kslint" not in tag.read_text(errors="replace"):
        raise ValueError(f"{directory} is not a kslint cache (no kslint CACHEDIR.TAG)")
    shutil.rmtree(directory)
    return True

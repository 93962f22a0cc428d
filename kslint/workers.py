"""Worker processes for the per-file work of a run (``--jobs N``).

Discovery has read every file (``Source.data``); what each file then costs on its own,
decoding, parsing into position trees (``kslint.loader.load_source``) and the schema
work that does not depend on the run's CRDs (``kslint.api_schemas.precheck``), runs in
``N`` worker processes. The graph, the cross-object rules and the rest of the schema
stage run once, in the main process, over what the workers send back.

- How many: ``--jobs`` (1 is the single-process path), else the CPUs this process may
  use (its CPU affinity and its cgroup's CPU quota, never ``os.cpu_count()``, which
  counts the machine's). Inputs under ``MIN_BYTES`` stay in one process: starting
  workers and sending trees back would cost more than it saves.
- What crosses: chunks of consecutive files of about the same size in bytes (the last
  chunk to finish decides the wall time), results taken in chunk order, so the result
  is the one a single process makes, in the same order. Trees cross cheaply: positions
  stay packed (``YMap.__reduce__``) and a file's text is one string its objects share.
- Memory: with ``fork`` a worker inherits the sources instead of receiving a copy, and
  reads only its chunk's; the main process drops a chunk's bytes as soon as its result
  is back. Where ``fork`` is unavailable, ``spawn`` sends each chunk its own sources.
- Failures: a chunk whose worker raised or died is loaded again in the main process (a
  bug there then shows exactly as in a single-process run); Ctrl-C ends the workers.
"""

from __future__ import annotations

import contextlib
import gc
import os
import signal
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kslint.api_schemas import Prechecked, precheck
from kslint.findings import Span
from kslint.loader import (
    TRIM_BYTES,
    LoadResult,
    Source,
    _over_documents,
    building_trees,
    give_back,
    load_source,
    load_sources,
)
from kslint.nodes import YMap, without_positions
from kslint.objects import K8sObject, SourceFile

MIN_BYTES = 2 * 2**20  # below this (default jobs), one process is faster
CHUNKS_PER_JOB = 8  # small enough chunks that the processes finish close together
CHUNK_BYTES = 2**20  # and at most about this much YAML each: a worker's memory is a chunk's


@dataclass(frozen=True)
class SchemaWork:
    """The schema settings a worker pre-checks objects with (the run's own)."""

    kubernetes_version: str | list[str] | None
    schema_dirs: tuple[str, ...] = ()
    # Whether a CRD whose schema work is done here keeps its schemas without positions
    # (``release_schemas``). Not for the content cache, whose entries store positions.
    release: bool = True


def available_cpus() -> int:
    """The CPUs this process may use: its affinity, bounded by its cgroup's quota."""
    try:
        count = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        count = os.cpu_count() or 1  # no affinity call (macOS, Windows)
    quota = cgroup_cpu_limit()
    if quota is not None:
        count = min(count, max(1, int(quota)))  # 1.5 CPUs of quota: one process per whole CPU
    return max(1, count)


def cgroup_cpu_limit(root: Path = Path("/sys/fs/cgroup")) -> float | None:
    """The CPU quota of this process's cgroup in CPUs (quota / period), or None when it
    has none. cgroup v2: ``cpu.max`` ("max 100000" or "150000 100000"); v1:
    ``cpu.cfs_quota_us`` (-1: none) and ``cpu.cfs_period_us``."""
    v2, v1 = _cgroup_paths()
    for folder in (root / v2.lstrip("/"), root):
        text = _read(folder / "cpu.max")
        if text:
            quota, _, period = text.partition(" ")
            return None if quota == "max" else _ratio(quota, period)
    for name in ("cpu", "cpu,cpuacct", "cpuacct,cpu"):
        for folder in (root / name / v1.lstrip("/"), root / name):
            quota = _read(folder / "cpu.cfs_quota_us")
            if quota:
                period = _read(folder / "cpu.cfs_period_us")
                return None if quota.startswith("-") else _ratio(quota, period)
    return None


def _cgroup_paths() -> tuple[str, str]:
    """This process's cgroup v2 path and v1 ``cpu`` controller path (``/proc/self/cgroup``)."""
    v2 = v1 = "/"
    for line in (_read(Path("/proc/self/cgroup")) or "").splitlines():
        number, _, rest = line.partition(":")
        controllers, _, path = rest.partition(":")
        if number == "0" and not controllers:
            v2 = path
        elif "cpu" in controllers.split(","):
            v1 = path
    return v2, v1


def _read(path: Path) -> str | None:
    try:
        return path.read_text().strip()
    except (OSError, ValueError):
        return None


def _ratio(quota: str, period: str | None) -> float | None:
    try:
        value = int(quota) / int(period or "100000")
    except (ValueError, ZeroDivisionError):
        return None
    return value if value > 0 else None


def jobs_for(requested: int | None, sources: Sequence[Source]) -> int:
    """The processes to load ``sources`` with: ``requested`` (``--jobs``) as given, else
    the CPUs available when the input is large enough to gain from them; never more
    than there are files."""
    if requested is None:
        if sum(len(source.data) for source in sources) < MIN_BYTES:
            return 1
        requested = available_cpus()
    return max(1, min(requested, len(sources)))


def chunks(sizes: Sequence[int], count: int) -> list[range]:
    """Consecutive index ranges of about equal total size, at most ``count`` of them."""
    total = sum(sizes)
    target = max(total / max(count, 1), 1)
    ranges, start, filled = [], 0, 0
    for index, size in enumerate(sizes):
        filled += size
        if filled >= target and index + 1 < len(sizes):
            ranges.append(range(start, index + 1))
            start, filled = index + 1, 0
    if start < len(sizes):
        ranges.append(range(start, len(sizes)))
    return ranges


# What a worker made with fork reads: the run's sources and settings (set just before
# the workers start; a spawned worker gets its sources with each chunk instead).
_INHERITED: tuple[Sequence[Source], str, int | None, int | None, SchemaWork | None] | None = None


def _serve(connection: Any) -> None:
    """A worker: load the chunks the main process sends until it sends None."""
    # The main process ends the workers on Ctrl-C; trees hold no cycles (see load_sources).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    gc.freeze()  # what it inherited: never scanned (scanning would copy the pages)
    gc.disable()
    while True:
        try:
            task = connection.recv()
        except (EOFError, OSError):
            return  # the main process is gone
        if task is None:
            return
        try:
            outcome = _work(task)
        except Exception:  # a bug: the main process loads the chunk (and shows it)
            outcome = None
        try:
            connection.send(outcome)
        except (OSError, EOFError):
            return  # the main process is gone
        except Exception:  # a result that cannot be sent: the main process loads it
            with contextlib.suppress(OSError):
                connection.send(None)
        del task, outcome
        # Cycles a chunk left (exceptions of bad files) are among the youngest objects:
        # the older ones (schemas compiled for later chunks) need no scan per chunk.
        gc.collect(0)


# One file's outcome: what it loaded, and its objects' schema pre-checks (None: not done).
FileOutcome = tuple[LoadResult, list[Prechecked] | None]


def _work(task: tuple[Any, ...]) -> list[FileOutcome]:
    """Load a chunk, file by file: ``(indices,)`` into the inherited sources, or
    ``(sources, namespace, max_documents, max_file_bytes, schema)``."""
    if len(task) == 1:
        assert _INHERITED is not None
        everything, namespace, limit, file_limit, schema = _INHERITED
        sources = [everything[index] for index in task[0]]
    else:
        sources, namespace, limit, file_limit, schema = task
    return [load_one(source, namespace, limit, schema, file_limit) for source in sources]


def load_one(
    source: Source,
    namespace: str,
    limit: int | None,
    schema: SchemaWork | None,
    file_limit: int | None = None,
) -> FileOutcome:
    """One file's per-file work (in a worker, or in the main process)."""
    result = load_source(source, namespace, limit, file_limit)
    checks = None
    if schema is not None and result.objects:
        try:
            checks = precheck(result.objects, schema.kubernetes_version, schema.schema_dirs)
        except Exception:  # the main process does it again and reports what is wrong
            checks = None
    if checks is not None and schema is not None and schema.release:
        for obj, done in zip(result.objects, checks, strict=True):
            if done.patterns is not None and done.by_version:
                release_schemas(obj)
    for file in result.files:  # derived on demand; not worth sending
        vars(file).pop("lines", None)
        vars(file).pop("directory", None)
        file.compact()  # the per-file work is done: what reads the text later is rare
    return result, checks


def release_schemas(obj: K8sObject) -> None:
    """Once a CRD's own schema work is done (validated against the CRD schema, its
    patterns checked: ``precheck``), no finding points into its ``openAPIV3Schema``
    trees: what the run still reads of them (the schemas of its custom kinds) needs no
    positions. They are 64% of the nodes of a corpus of real manifests. The key itself
    keeps its position (``dict.__setitem__``: the holder's positions stay packed)."""
    if obj.kind != "CustomResourceDefinition" or not obj.api_version.startswith(
        "apiextensions.k8s.io/"
    ):
        return
    spec = obj.body.get("spec")
    if not isinstance(spec, dict):
        return
    versions = spec.get("versions")
    holders = [spec.get("validation")]
    for version in versions if isinstance(versions, list) else ():
        holders.append(version.get("schema") if isinstance(version, dict) else None)
    for holder in holders:
        if isinstance(holder, YMap) and isinstance(holder.get("openAPIV3Schema"), YMap):
            dict.__setitem__(
                holder, "openAPIV3Schema", without_positions(holder["openAPIV3Schema"])
            )


Outcome = list[FileOutcome] | None  # a chunk's; None: its worker failed, load it here


class _Workers:
    """``jobs`` processes, each fed one chunk at a time through its own pipe; a chunk
    goes to whichever worker is free, results are kept until their turn comes."""

    def __init__(self, workers: list[tuple[Any, Any]], tasks: list[tuple[Any, ...]]) -> None:
        self.tasks = tasks
        self.next_task = 0
        self.done: dict[int, Outcome] = {}
        self.busy: dict[Any, int] = {}  # worker -> chunk it is loading
        self.workers = workers
        for worker in self.workers:
            self._give(worker)

    def _give(self, worker: tuple[Any, Any]) -> None:
        if self.next_task < len(self.tasks):
            try:
                worker[1].send(self.tasks[self.next_task])
            except OSError:  # the worker died: its chunk is loaded in the main process
                self.done[self.next_task] = None
                self.next_task += 1
                return
            self.busy[worker] = self.next_task
            self.next_task += 1

    def result(self, index: int) -> Outcome:
        """Chunk ``index``'s outcome, waiting for it."""
        from multiprocessing.connection import wait

        while index not in self.done:
            if not self.busy:  # every worker died: the rest is loaded in the main process
                return None
            by_handle = {}
            for worker in self.busy:
                by_handle[worker[1]] = by_handle[worker[0].sentinel] = worker
            for handle in wait(list(by_handle)):
                worker = by_handle[handle]
                if worker not in self.busy:
                    continue  # its pipe and its sentinel were both ready
                chunk = self.busy.pop(worker)
                try:
                    outcome = worker[1].recv() if worker[1].poll() else None
                except (EOFError, OSError):
                    outcome = None
                self.done[chunk] = outcome
                if worker[0].is_alive():
                    self._give(worker)
        return self.done.pop(index)

    def close(self, force: bool) -> None:
        """Stop the workers: ask the idle ones, end the busy ones (``force``: all)."""
        _stop(self.workers, self.busy if not force else self.workers)


def _start(context: Any) -> tuple[Any, Any]:
    """One worker process and the main process's end of its pipe."""
    # A forked worker flushes what it inherited of the standard streams when it ends.
    sys.stdout.flush()
    sys.stderr.flush()
    mine, theirs = context.Pipe()
    process = context.Process(target=_serve, args=(theirs,), daemon=True)
    process.start()
    theirs.close()
    return process, mine


def _stop(workers: list[tuple[Any, Any]], busy: Any) -> None:
    """Ask the idle ``workers`` to stop, end the ``busy`` ones, and wait for them."""
    for process, connection in workers:
        if (process, connection) not in busy:
            with contextlib.suppress(OSError):
                connection.send(None)
        else:
            process.terminate()
    for process, connection in workers:
        process.join(timeout=5)
        if process.is_alive():
            process.kill()
            process.join()
        connection.close()


# Workers forked when a run starts (``reserve``), while the main process holds little:
# a forked process's resident memory counts the pages it shares with its parent, so
# workers forked after discovery read the inputs would count those bytes once each.
_RESERVED: list[tuple[Any, Any]] = []


def reserve(jobs: int | None) -> None:
    """Fork the workers a large run may use, now (``dismiss`` ends them)."""
    count = available_cpus() if jobs is None else jobs
    context = _context() if count > 1 else None
    if context is None or context.get_start_method() != "fork":
        return  # spawned workers are small anyway: they start when needed
    while len(_RESERVED) < count:
        _RESERVED.append(_start(context))


def dismiss() -> None:
    """End the reserved workers."""
    workers = list(_RESERVED)
    _RESERVED.clear()
    _stop(workers, ())


def load_each(
    sources: list[Source],
    namespace: str = "default",
    max_documents: int | None = None,
    jobs: int = 2,
    schema: SchemaWork | None = None,
    max_file_bytes: int | None = None,
) -> Iterator[FileOutcome]:
    """Each source's outcome, in order, loaded in ``jobs`` processes (each file with the
    whole ``max_documents`` budget: sharing it in order is the caller's part)."""
    context = _context() if jobs > 1 and len(sources) > 1 else None
    if context is None:
        with building_trees():
            for source in sources:
                yield load_one(source, namespace, max_documents, schema, max_file_bytes)
        return
    global _INHERITED
    sizes = [len(source.data) for source in sources]
    ranges = chunks(sizes, max(jobs * CHUNKS_PER_JOB, sum(sizes) // CHUNK_BYTES))
    reserved = [worker for worker in _RESERVED[:jobs] if worker[0].is_alive()]
    del _RESERVED[:jobs]
    # Workers forked now inherit the sources; reserved ones get them with each chunk.
    forked = not reserved and context.get_start_method() == "fork"
    tasks = [
        (span,)
        if forked
        else ([sources[i] for i in span], namespace, max_documents, max_file_bytes, schema)
        for span in ranges
    ]
    enabled = gc.isenabled()
    gc.disable()  # unpickling trees allocates like parsing them
    gc.freeze()  # what is loaded so far stays out of the workers' way (copy-on-write)
    _INHERITED = (sources, namespace, max_documents, max_file_bytes, schema) if forked else None
    pool = None
    try:
        count = min(jobs, len(tasks))
        pool = _Workers(reserved or [_start(context) for _ in range(count)], tasks)
        for index, span in enumerate(ranges):
            outcome = pool.result(index)
            if outcome is None or len(outcome) != len(span):  # its worker raised or died
                outcome = [
                    load_one(sources[i], namespace, max_documents, schema, max_file_bytes)
                    for i in span
                ]
            yield from outcome
    finally:
        _INHERITED = None
        if pool is not None and reserved and not pool.busy:
            _RESERVED.extend(pool.workers)  # for the run's next load (its context)
        elif pool is not None:
            # Normally every chunk is back; a break (the document budget) or Ctrl-C ends
            # the workers still busy.
            pool.close(force=bool(pool.busy))
        elif reserved:
            _RESERVED.extend(reserved)
        gc.freeze()
        if enabled:
            gc.enable()


def load_parallel(
    sources: list[Source],
    namespace: str = "default",
    max_documents: int | None = None,
    jobs: int = 2,
    schema: SchemaWork | None = None,
    max_file_bytes: int | None = None,
) -> tuple[LoadResult, dict[int, Prechecked]]:
    """``load_sources`` in ``jobs`` processes: the same result, and the schema work
    done on the way (by ``id`` of each object, for ``api_schemas.validate``). Each
    source's bytes are dropped (``data = b""``) once it is loaded."""
    if jobs <= 1 or len(sources) < 2:
        return load_sources(sources, namespace, max_documents, max_file_bytes, release=True), {}
    result, hints = LoadResult(), {}
    released = 0  # bytes dropped since memory was last given back
    outcomes = load_each(sources, namespace, max_documents, jobs, schema, max_file_bytes)
    for index, (part, checks) in enumerate(outcomes):
        if max_documents is not None and result.documents + part.documents >= max_documents:
            # The run's document budget is shared by the files in order: from the file
            # that reaches it on, load as one process does.
            outcomes.close()
            load_in_order(sources[index:], namespace, max_documents, result, max_file_bytes)
            break
        add(result, hints, part, checks)
        released += len(sources[index].data)
        sources[index].data = b""
        if released >= TRIM_BYTES:
            released = give_back()
    if released >= TRIM_BYTES // 16:  # (a small run: not worth loading ctypes)
        give_back()
    return result, hints


def add(result: LoadResult, hints: dict[int, Prechecked], part: LoadResult, checks: Any) -> None:
    """One file's outcome added to the run's."""
    result.extend(part)
    if checks is not None:
        hints.update(zip(map(id, part.objects), checks, strict=True))


def load_in_order(
    sources: Sequence[Source],
    namespace: str,
    limit: int,
    result: LoadResult,
    file_limit: int | None = None,
) -> None:
    """``load_sources``' loop, continued from ``result``'s document count."""
    for source in sources:
        left = limit - result.documents
        if left <= 0:
            file = SourceFile(source.path)
            result.files.append(file)
            result.findings.append(_over_documents(file, Span(1, 1, 1, 1), limit))
            continue
        result.extend(load_source(source, namespace, left, file_limit))


def _context() -> Any:
    """``fork`` where the platform has it (workers start in milliseconds), else
    ``spawn``; None where neither works."""
    import multiprocessing  # only for a run that uses workers

    methods = multiprocessing.get_all_start_methods()
    for method in ("fork", "spawn"):
        if method in methods:
            try:
                return multiprocessing.get_context(method)
            except ValueError:
                continue
    return None

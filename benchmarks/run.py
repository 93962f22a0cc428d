"""Benchmark: ``python benchmarks/run.py DIR [--repeat N]``.

Prints, for ``kslint lint DIR`` run as users run it (a subprocess): files, documents,
objects, wall seconds of a cold run (``--no-cache``), documents/s, MB/s and peak RSS; in
the same run, the cost of parsing the same files alone with ruamel.yaml's C-accelerated
safe loader, and the ratio of the two; a warm run (the content cache filled by a previous
run, nothing changed) and its ratio to the cold run; and the wall time of linting one small
file (start-up cost). Best of N runs. Each issue-18 target is printed as a ratio measured
in this run, with the target beside it, and the load average before and after (the
machine may be shared: ratios measured in one run stay comparable, seconds do not).
Not a test: timings belong here, never in assertions of the test suite.

``--policies N`` also loads N policies (copies of examples/policies/ under unique ids) to
measure what user policies cost; other options after ``--`` go to ``kslint lint``.

Processes: the cold run is measured twice, with ``--jobs 1`` (one process) and with the
default jobs (the CPUs kslint may use); each is printed as a ratio to the parse-only time.

``--copies 1,4,10`` also lints that many copies of DIR (a temporary tree of hard links,
else copies, ``copy-K/...``), printing wall time and peak memory for each, and the time
of the largest count against that many times one copy. Peak memory there is the largest
SUM of resident memory (``VmRSS``) over kslint's process and its children, sampled every
10 ms from ``/proc`` (the peak RSS row above is ``getrusage(RUSAGE_CHILDREN)``: the
largest single process, not a sum).
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ruamel.yaml import YAML

from kslint.discover import discover
from kslint.workers import available_cpus

SMALL = """\
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data}
spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
"""


def c_loader() -> YAML:
    yaml = YAML(typ="safe", pure=False)
    parser = yaml.Parser
    if "clib" not in getattr(parser, "__module__", "") and "_ruamel_yaml" not in str(parser):
        sys.exit(
            f"ruamel.yaml is not using its C parser (Parser is {parser!r}); "
            "install ruamel.yaml.clib"
        )
    return yaml


def parse_only(paths: list[Path]) -> float:
    yaml = c_loader()
    started = time.perf_counter()
    for path in paths:
        try:
            for _ in yaml.load_all(path.read_bytes()):
                pass
        except Exception:
            pass  # the same files kslint reports as invalid
    return time.perf_counter() - started


def lint_once(args: list[str]) -> tuple[float, dict]:
    with tempfile.NamedTemporaryFile(suffix=".json") as report:
        command = [
            sys.executable,
            "-m",
            "kslint",
            "lint",
            *args,
            "--format",
            "json",
            "--fail-on",
            "never",
            "--output",
            report.name,
        ]
        started = time.perf_counter()
        subprocess.run(command, check=True, stderr=subprocess.DEVNULL)
        elapsed = time.perf_counter() - started
        return elapsed, json.loads(Path(report.name).read_text())


def tree_rss_kb(pid: int) -> int:
    """Resident memory of ``pid`` and its descendants, in kB (``/proc``, Linux)."""
    total, stack, seen = 0, [pid], set()
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        seen.add(current)
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += next(
                int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")
            )
        except (OSError, StopIteration, ValueError):
            continue
        for children in Path(f"/proc/{current}/task").glob("*/children"):
            with contextlib.suppress(OSError, ValueError):
                stack += [int(child) for child in children.read_text().split()]
    return total


def lint_sampled(args: list[str]) -> tuple[float, float]:
    """Wall seconds and peak summed RSS (MB) of ``kslint lint *args``."""
    command = [sys.executable, "-m", "kslint", "lint", *args, "--fail-on", "never"]
    command += ["--format", "json", "--output", os.devnull]
    started = time.perf_counter()
    process = subprocess.Popen(command, stderr=subprocess.DEVNULL)
    peak = 0
    while process.poll() is None:
        peak = max(peak, tree_rss_kb(process.pid))
        time.sleep(0.01)
    elapsed = time.perf_counter() - started
    if process.returncode != 0:
        sys.exit(f"kslint exited {process.returncode} on {args}")
    return elapsed, peak / 1024


def copies_tree(directory: Path, count: int, folder: Path) -> Path:
    """``count`` copies of ``directory`` under ``folder/copies-N`` (hard links if possible)."""
    import shutil

    target = folder / f"copies-{count}"
    for index in range(count):
        shutil.copytree(directory, target / f"copy-{index}", copy_function=_link_or_copy)
    return target


def _link_or_copy(source: str, destination: str) -> None:
    import shutil

    try:
        os.link(source, destination)
    except OSError:
        shutil.copy2(source, destination)


def policy_copies(count: int, folder: Path) -> Path:
    """``count`` policies cycled from examples/policies/, each under its own id."""
    examples = sorted((Path(__file__).parent.parent / "examples" / "policies").glob("*.yaml"))
    target = folder / "policies"
    target.mkdir()
    for index in range(count):
        source = examples[index % len(examples)]
        text = source.read_text(encoding="utf-8")
        policy_id = source.stem
        text = text.replace(f"id: {policy_id}\n", f"id: {policy_id}-{index}\n", 1)
        (target / f"{policy_id}-{index}.yaml").write_text(text, encoding="utf-8")
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--policies", type=int, default=0, help="load N example policies")
    parser.add_argument(
        "--copies", default="", metavar="N,N", help="also lint N copies of DIR (e.g. 1,4,10)"
    )
    # Everything after ``--`` goes to kslint lint as it is (``-- --render never``).
    argv = sys.argv[1:]
    split = argv.index("--") if "--" in argv else len(argv)
    options = parser.parse_args(argv[:split])
    scratch = tempfile.TemporaryDirectory()
    work = Path(scratch.name)
    extra = argv[split + 1 :]
    if options.policies:
        extra += ["--policy-dir", str(policy_copies(options.policies, Path(scratch.name)))]

    paths = [Path(source.path) for source in discover([options.directory]).sources]
    size = sum(p.stat().st_size for p in paths)

    load_before = os.getloadavg()
    lint_times, summary, cold_report = [], {}, {}
    for _ in range(options.repeat):
        elapsed, cold_report = lint_once([options.directory, "--no-cache", *extra])
        lint_times.append(elapsed)
        summary = cold_report["summary"]
    peak_rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    one_times, one_report = [], {}
    for _ in range(options.repeat):
        elapsed, one_report = lint_once([options.directory, "--no-cache", "--jobs", "1", *extra])
        one_times.append(elapsed)
    if one_report != cold_report:
        sys.exit("--jobs 1 reported something else than the default jobs")

    cache = ["--cache-dir", str(Path(scratch.name) / "cache")]
    lint_once([options.directory, *cache, *extra])  # fills the cache
    warm_times = []
    for _ in range(options.repeat):
        elapsed, warm_report = lint_once([options.directory, *cache, *extra])
        warm_times.append(elapsed)
        if warm_report != cold_report:
            sys.exit("a warm run reported something else than the cold run")

    gc.collect()
    parse_times = [parse_only(paths) for _ in range(options.repeat)]

    with tempfile.TemporaryDirectory() as scratch:
        small = Path(scratch) / "small.yaml"
        small.write_text(SMALL)
        small = [str(small), "--cache-dir", str(Path(scratch) / "cache")]
        small_times = [lint_once(small)[0] for _ in range(max(options.repeat, 5))]
        small_cold = [lint_once([*small, "--no-cache"])[0] for _ in range(max(options.repeat, 5))]
    copies = []
    for count in [int(n) for n in options.copies.split(",") if n.strip()]:
        tree = copies_tree(Path(options.directory), count, work)
        runs = [lint_sampled([str(tree), "--no-cache", *extra]) for _ in range(options.repeat)]
        copies.append((count, min(t for t, _ in runs), max(m for _, m in runs)))
    load_after = os.getloadavg()

    lint_s, parse_s, warm_s = min(lint_times), min(parse_times), min(warm_times)
    one_s = min(one_times)
    rows = [
        ("files", f"{summary['files']:,}"),
        ("documents", f"{summary['documents']:,}"),
        ("objects", f"{summary['objects']:,}"),
        ("bytes", f"{size / 1e6:.1f} MB"),
        ("kslint lint wall (default jobs)", f"{lint_s:.2f} s (best of {options.repeat})"),
        ("kslint lint wall (--jobs 1)", f"{one_s:.2f} s"),
        ("documents/s", f"{summary['documents'] / lint_s:,.0f}"),
        ("MB/s", f"{size / 1e6 / lint_s:.1f}"),
        ("peak RSS", f"{peak_rss_mb:.0f} MB"),
        ("parse only (ruamel C safe loader)", f"{parse_s:.2f} s"),
        ("ratio lint --jobs 1 / parse", f"{one_s / parse_s:.2f}x"),
        ("ratio lint (jobs) / parse", f"{lint_s / parse_s:.2f}x (target <= 0.6x)"),
        ("warm run (cache, nothing changed)", f"{warm_s:.2f} s"),
        ("ratio warm / cold", f"{warm_s / lint_s:.3f}x (target <= 0.1x)"),
        ("one small file (cache on)", f"{min(small_times):.3f} s (target <= 0.2 s)"),
        ("one small file (--no-cache)", f"{min(small_cold):.3f} s"),
        ("policies loaded", str(options.policies)),
        ("cpu count / usable", f"{os.cpu_count()} / {available_cpus()}"),
        ("load average before / after", f"{load_before[0]:.1f} / {load_after[0]:.1f}"),
    ]
    for count, seconds, peak in copies:
        rows.append((f"{count} copies: wall, peak RSS sum", f"{seconds:.2f} s, {peak:.0f} MB"))
    if len(copies) > 1 and copies[0][0] == 1:
        count, seconds, _ = copies[-1]
        ratio = seconds / (count * copies[0][1])
        rows.append((f"{count} copies / {count} x one copy", f"{ratio:.2f}x (target <= 1.1x)"))
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}")


if __name__ == "__main__":
    main()

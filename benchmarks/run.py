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
"""

from __future__ import annotations

import argparse
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
    # Everything after ``--`` goes to kslint lint as it is (``-- --render never``).
    argv = sys.argv[1:]
    split = argv.index("--") if "--" in argv else len(argv)
    options = parser.parse_args(argv[:split])
    scratch = tempfile.TemporaryDirectory()
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
    load_after = os.getloadavg()

    lint_s, parse_s, warm_s = min(lint_times), min(parse_times), min(warm_times)
    rows = [
        ("files", f"{summary['files']:,}"),
        ("documents", f"{summary['documents']:,}"),
        ("objects", f"{summary['objects']:,}"),
        ("bytes", f"{size / 1e6:.1f} MB"),
        ("kslint lint wall", f"{lint_s:.2f} s (best of {options.repeat})"),
        ("documents/s", f"{summary['documents'] / lint_s:,.0f}"),
        ("MB/s", f"{size / 1e6 / lint_s:.1f}"),
        ("peak RSS", f"{peak_rss_mb:.0f} MB"),
        ("parse only (ruamel C safe loader)", f"{parse_s:.2f} s"),
        ("ratio lint / parse", f"{lint_s / parse_s:.2f}x"),
        ("warm run (cache, nothing changed)", f"{warm_s:.2f} s"),
        ("ratio warm / cold", f"{warm_s / lint_s:.3f}x (target <= 0.1x)"),
        ("one small file (cache on)", f"{min(small_times):.3f} s (target <= 0.2 s)"),
        ("one small file (--no-cache)", f"{min(small_cold):.3f} s"),
        ("policies loaded", str(options.policies)),
        ("cpu count", str(os.cpu_count())),
        ("load average before / after", f"{load_before[0]:.1f} / {load_after[0]:.1f}"),
    ]
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}")


if __name__ == "__main__":
    main()

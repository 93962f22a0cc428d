"""Benchmark: per-document cost. ``python benchmarks/tiny_documents.py [--documents N]``.

Writes one file of N tiny ConfigMaps (367,000 by default: about 31 MB, the case of
issue 14), then prints, best of ``--repeat`` runs: ``kslint lint FILE`` run as users run it
(a subprocess; the content cache on, in a scratch folder) with its wall time and peak RSS,
the peak of the same run with ``--no-cache`` (no cache entry written at the end), the time
ruamel.yaml's C safe loader needs to load the same file, and the ratio of the two. The
targets: a ratio of at most 1.0 and a peak under 600 MB. Not a test: timings belong here,
never in assertions of the test suite.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from run import c_loader

DOCUMENT = (
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: configmap-{n:06d}\ndata: {{k: v{n}}}\n"
)


def write_file(path: Path, documents: int) -> int:
    text = "---\n".join(DOCUMENT.format(n=n) for n in range(documents))
    path.write_text(text, encoding="utf-8")
    return len(text)


def lint_once(path: Path, *flags: str) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one ``kslint lint`` process."""
    command = [sys.executable, "-m", "kslint", "lint", str(path), "--no-config", *flags]
    command += ["--format", "json", "--fail-on", "never", "--output", str(path) + ".json"]
    started = time.perf_counter()
    process = subprocess.Popen(command)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        sys.exit(f"kslint lint exited {process.returncode}")
    return elapsed, usage.ru_maxrss / 1024


def load_once(path: Path) -> float:
    yaml = c_loader()
    data = path.read_bytes()
    started = time.perf_counter()
    for _ in yaml.load_all(data):
        pass
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=367_000)
    parser.add_argument("--repeat", type=int, default=1)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "tiny.yaml"
        size = write_file(path, options.documents)
        cache = ("--cache-dir", str(Path(scratch) / "cache"))
        runs = [lint_once(path, *cache) for _ in range(options.repeat)]
        lint_s, peak_mb = min(s for s, _ in runs), max(mb for _, mb in runs)
        no_cache_mb = max(lint_once(path, "--no-cache")[1] for _ in range(options.repeat))
        load_s = min(load_once(path) for _ in range(options.repeat))
    rows = [
        ("documents", f"{options.documents:,}"),
        ("bytes", f"{size / 1e6:.1f} MB"),
        ("kslint lint wall", f"{lint_s:.2f} s (best of {options.repeat})"),
        ("peak RSS", f"{peak_mb:.0f} MB (target: under 600 MB)"),
        ("peak RSS with --no-cache", f"{no_cache_mb:.0f} MB"),
        ("ruamel.yaml C safe loader", f"{load_s:.2f} s"),
        ("ratio lint / load", f"{lint_s / load_s:.2f}x (target: at most 1.0x)"),
    ]
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}")


if __name__ == "__main__":
    main()

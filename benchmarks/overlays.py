"""Benchmark: a tree of one base and N Kustomize overlays (``python benchmarks/overlays.py``).

Prints, best of ``--repeat`` runs:

- ``lint tree``: wall time of ``kslint lint TREE`` as users run it (a subprocess; includes
  every kustomize render);
- ``kslint's own work on the renders``: the same run in-process with kustomize's output
  replayed from memory, so only kslint's work is timed (wrapper, loading the output,
  stripping origins, graphs, rules, mapping every finding back to its source);
- ``same objects as plain files``: linting the very objects the renders produced, written
  as plain files (origin annotations removed);
- the ratio of the last two (issue 11 asks for at most 1.2), what the renders add per
  overlay next to what 1.2x would allow, and the same two times measured in CPU time of
  this process (threads included), which other work on a shared machine disturbs less
  than wall time.

Not a test: timings belong here, never in assertions of the test suite.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

BASE = {
    "kustomization.yaml": "resources: [db.yaml, claim.yaml, service.yaml, cache.yaml]\n"
    "configMapGenerator:\n  - name: settings\n    literals: [mode=fast]\n",
    "db.yaml": """\
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  serviceName: db
  replicas: 1
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers:
        - name: db
          image: postgres:15
          volumeMounts: [{name: data, mountPath: /var/lib/postgresql/data}]
  volumeClaimTemplates:
    - metadata: {name: data}
      spec:
        accessModes: [ReadWriteOnce]
        resources: {requests: {storage: 10Gi}}
""",
    "claim.yaml": """\
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: uploads}
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 1Gi}}
""",
    "service.yaml": """\
apiVersion: v1
kind: Service
metadata: {name: db}
spec:
  clusterIP: None
  selector: {app: db}
  ports: [{port: 5432}]
""",
    "cache.yaml": """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: nginx:1.27}]
      volumes: [{name: uploads, persistentVolumeClaim: {claimName: uploads}}]
""",
}

OVERLAY = """\
resources: [../../base]
namePrefix: env{index}-
namespace: env{index}
replicas:
  - name: web
    count: {replicas}
images:
  - name: postgres
    newTag: "16"
patches:
  - path: patch.yaml
  - target: {{kind: PersistentVolumeClaim, name: uploads}}
    patch: |-
      - op: replace
        path: /spec/resources/requests/storage
        value: {size}Gi
"""

PATCH = """\
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  replicas: 3
  template:
    spec:
      containers:
        - name: db
          resources: {requests: {memory: 2Gi}}
"""


def write_tree(root: Path, overlays: int, copies: int = 1) -> None:
    """One base (its workloads ``copies`` times, under distinct names) and the overlays."""
    (root / "base").mkdir(parents=True, exist_ok=True)
    for name, text in BASE.items():
        if name == "kustomization.yaml":
            text = text.replace("[db.yaml, claim.yaml, service.yaml, cache.yaml]", "[all.yaml]")
            (root / "base" / name).write_text(text)
            continue
        with (root / "base" / "all.yaml").open("a") as out:
            for copy in range(copies):
                suffix = "" if copy == 0 else f"-{copy}"
                out.write("---\n" + _renamed(text, suffix))
    for index in range(overlays):
        directory = root / "overlays" / f"env{index}"
        directory.mkdir(parents=True)
        (directory / "kustomization.yaml").write_text(
            OVERLAY.format(index=index, replicas=1 + index % 3, size=1 + index)
        )
        (directory / "patch.yaml").write_text(PATCH)


def _renamed(text: str, suffix: str) -> str:
    """A copy of a manifest whose own name and the names it refers to get ``suffix``
    (the first copy keeps its names, which the overlays' patches target)."""
    if not suffix:
        return text
    for name in ("db", "uploads", "web"):
        text = re.sub(rf"\b(name|claimName|serviceName): {name}\b", rf"\1: {name}{suffix}", text)
        text = re.sub(rf"\{{name: {name}\}}", f"{{name: {name}{suffix}}}", text)
    return text


def best(repeat: int, work: Callable[[], Any], cpu: list[float] | None = None) -> float:
    """The shortest wall time of ``repeat`` runs; with ``cpu``, the shortest CPU time of
    this process is appended to it (other work on the machine disturbs it less)."""
    times, cpu_times = [], []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        work()
        times.append(time.perf_counter() - started)
        cpu_times.append(time.process_time() - started_cpu)
    if cpu is not None:
        cpu.append(min(cpu_times))
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--overlays", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--copies", type=int, default=1, help="workload sets in the base (4 objects each)"
    )
    args = parser.parse_args()

    from kslint.pipeline import LintOptions, lint
    from kslint.render import tools

    with tempfile.TemporaryDirectory(prefix="kslint-overlays-") as temporary:
        tree = Path(temporary) / "tree"
        write_tree(tree, args.overlays, args.copies)
        command = [sys.executable, "-m", "kslint", "lint", str(tree), "--fail-on", "never"]
        # --no-cache: the content cache would serve every run after the first (kustomize
        # included); this line measures a cold run.
        command += ["--format", "json", "--no-cache"]
        whole = best(
            args.repeat, lambda: subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        )

        # Record kustomize's output once, then replay it: only kslint's own work is timed.
        # A render is known by its wrapper's folder name (root0, root1, ...: the roots in
        # their sorted order, the same in every run), not by reading the wrapper back: the
        # replay's own work is not kslint's.
        recorded: dict[str, tools.Run] = {}
        real_run = tools.run

        def recording(
            argv: list[str], cwd: str, timeout: float, max_output: int | None = None
        ) -> tools.Run:
            key = os.path.basename(cwd)
            if key not in recorded:
                recorded[key] = real_run(argv, cwd, timeout, max_output)
            return recorded[key]

        tools.run = recording  # type: ignore[assignment]
        import kslint.render.kustomize as kustomize_module

        kustomize_module.run = recording  # type: ignore[assignment]
        os.chdir(tree)
        options = LintOptions(paths=["."])
        result = lint(options)  # records (and warms caches)
        cpu: list[float] = []
        rendered = best(args.repeat, lambda: lint(options), cpu)

        plain = Path(temporary) / "plain"
        plain.mkdir()
        origin = re.compile(rb"\n    config\.kubernetes\.io/origin: \|\n(?:      .*\n)+")
        for index, outcome in enumerate(recorded.values()):
            text = origin.sub(b"\n", outcome.stdout).replace(b"  annotations:\n\n", b"")
            (plain / f"render{index}.yaml").write_bytes(text)
        os.chdir(plain)
        plain_options = LintOptions(paths=["."])
        as_plain = lint(plain_options)
        plain_time = best(args.repeat, lambda: lint(plain_options), cpu)

    print(
        f"tree: 1 base + {args.overlays} overlays, {result.objects} rendered objects, "
        f"{len(result.findings)} findings ({len(as_plain.findings)} as plain files)"
    )
    print(f"lint tree (subprocess, kustomize included): {whole:.2f} s")
    print(f"kslint's own work on the renders:           {rendered * 1000:.0f} ms")
    print(f"same objects as plain files:                {plain_time * 1000:.0f} ms")
    print(f"ratio:                                      {rendered / plain_time:.2f}x")
    # What the render path adds is mostly per overlay (README "Speed"): at 1.2x it may add
    # a fifth of the plain time, which a small base spreads thin over many overlays.
    added = (rendered - plain_time) / args.overlays * 1000
    budget = 0.2 * plain_time / args.overlays * 1000
    print(f"added per overlay (at 1.2x at most):        {added:.2f} ms ({budget:.2f} ms)")
    print(
        f"the same in CPU time of this process:       {cpu[0] * 1000:.0f} ms / "
        f"{cpu[1] * 1000:.0f} ms = {cpu[0] / cpu[1]:.2f}x"
    )


if __name__ == "__main__":
    main()

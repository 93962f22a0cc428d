"""The engine: a crashing rule becomes an internal-error finding; the others still run."""

from __future__ import annotations

from kslint.engine import run_checks
from kslint.graph import Graph
from kslint.loader import Source, load_source
from kslint.registry import Check
from kslint.ruleset import RuleSet

TEXT = """\
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  volumes:
    - {name: h, hostPath: {path: /x}}
  containers: [{name: c, volumeMounts: [{name: h, mountPath: /x}]}]
---
apiVersion: v1
kind: Pod
metadata: {name: q}
spec:
  volumes: {not: a list}
"""


def test_crash_becomes_internal_error_and_others_still_run() -> None:
    def explode(view, graph, report):
        raise RuntimeError("boom")
        yield

    graph = Graph(load_source(Source("p.yaml", TEXT.encode())).objects)
    crashing = Check("pod-inline-persistent-volume", frozenset({"Pod"}), explode)
    found = run_checks(
        graph,
        [crashing, RuleSet.builtin().checks["pod-host-path-volume"]],
        RuleSet.builtin().catalog,
    )
    summary = sorted((f.rule, str(f.obj), f.span.line) for f in found)
    assert summary == [
        ("internal-error", "Pod default/p", 2),
        ("internal-error", "Pod default/q", 10),
        ("invalid-object", "Pod default/q", 13),
        ("pod-host-path-volume", "Pod default/p", 6),
    ]
    crash = next(f for f in found if f.rule == "internal-error")
    assert "pod-inline-persistent-volume" in crash.message and "boom" in crash.message
    invalid = next(f for f in found if f.rule == "invalid-object")
    assert invalid.message == "Pod default/q: `spec.volumes` must be a list, not a mapping."

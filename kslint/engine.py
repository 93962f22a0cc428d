"""Engine stage: run each enabled check over the graph.

A check that raises becomes an ``internal-error`` finding naming the rule and the object;
the other checks (and the other objects) still run. Fields of the wrong type that checks
met while reading are reported once per field as ``invalid-object``.
"""

from __future__ import annotations

import functools
import sys
import traceback
from collections.abc import Iterable, Mapping

from kslint.findings import Finding, Severity
from kslint.graph import Graph
from kslint.registry import Check, Reporter, RuleMeta


def run_checks(
    graph: Graph,
    checks: Iterable[Check],
    catalog: Mapping[str, RuleMeta],
    *,
    debug: bool = False,
) -> list[Finding]:
    findings: list[Finding] = []
    present = graph.by_kind
    held = present.keys()
    for check in checks:
        # A run checks one graph per unit: most units hold few of the kinds there are.
        if check.kinds.isdisjoint(held):
            continue
        report = Reporter(check.rule_id)
        for kind in _sorted_kinds(check.kinds):
            for obj in present.get(kind, ()):
                try:
                    subject = obj if check.raw else graph.model(obj)
                    findings.extend(check.function(subject, graph, report))
                except Exception as exc:
                    if debug:
                        traceback.print_exc(file=sys.stderr)
                    findings.append(
                        obj.finding(
                            "internal-error",
                            f"Rule {check.rule_id} crashed on {obj}: "
                            f"{type(exc).__name__}: {exc}. Please report this; "
                            "run with --debug for the traceback.",
                        )
                    )
    findings += invalid_fields(graph)
    return [apply_defaults(finding, catalog) for finding in findings]


@functools.lru_cache(maxsize=1024)
def _sorted_kinds(kinds: frozenset[str]) -> tuple[str, ...]:
    return tuple(sorted(kinds))


def invalid_fields(graph: Graph) -> list[Finding]:
    """One ``invalid-object`` finding per malformed field that a check tried to read."""
    found = []
    for obj in graph.objects:
        for path, problem in sorted(obj.problems.items(), key=lambda item: str(item[0])):
            found.append(obj.finding("invalid-object", f"{obj}: {problem}.", path, key=False))
    return found


def apply_defaults(finding: Finding, catalog: Mapping[str, RuleMeta]) -> Finding:
    meta = catalog.get(finding.rule)
    if finding.severity is None:
        finding.severity = meta.severity if meta else Severity.ERROR
    if finding.fix is None and meta is not None:
        finding.fix = meta.fix.splitlines()[0]
    return finding

"""A rule with ``cases``: one rule id whose check differs by the kind of object.

Family F is the example: ``operator-ephemeral-storage`` is one rule for a dozen operators'
custom resources, and each operator keeps its storage in its own fields. Each case is a
policy of its own (``match`` with ``groups``/``kinds``, ``each``, ``assert``, ``at``,
``related``, ``message``) and may carry its own ``severity`` (an explicit setting and an
operator's default can differ). Adding the next operator is one more case, as data.

Every case whose ``match`` selects an object runs; findings at a place another case
already reported for this rule are dropped, so a node gets one finding per rule (a
dual-role Kafka node pool that is both the only broker and the only controller).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kslint.findings import Finding, Severity
from kslint.graph import Graph
from kslint.objects import K8sObject
from kslint.policies.compile import CompiledPolicy, Problem, compile_policy
from kslint.registry import Check, RuleMeta


@dataclass
class CasesPolicy:
    meta: RuleMeta
    cases: list[CompiledPolicy] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.meta.id

    @property
    def kinds(self) -> frozenset[str]:
        return frozenset().union(*(case.match.kinds for case in self.cases))

    def to_check(self) -> Check:
        return Check(self.id, self.kinds, self.check, raw=True)

    def check(self, obj: K8sObject, graph: Graph, report: Any = None) -> list[Finding]:
        """``report`` is unused: each case builds its findings with the rule's id."""
        found: list[Finding] = []
        places: set[tuple[Any, ...]] = set()
        for case in self.cases:
            for finding in case.check(obj, graph):
                if finding.rule == self.id and finding.path in places:
                    continue
                places.add(finding.path)
                found.append(finding)
        return found


def compile_rule(
    data: Any, meta: RuleMeta, origin: str = "", *, trusted: bool = False
) -> tuple[CompiledPolicy | CasesPolicy | None, list[Problem]]:
    """Compile a rule document with ``match`` or with ``cases``."""
    if "cases" in data:
        return compile_cases(data, meta, origin, trusted=trusted)
    return compile_policy(data, meta, origin, trusted=trusted)


def compile_cases(
    data: Any, meta: RuleMeta, origin: str = "", *, trusted: bool = False
) -> tuple[CasesPolicy | None, list[Problem]]:
    policy = CasesPolicy(meta)
    problems: list[Problem] = []
    for index, case in enumerate(data.get("cases") or ()):
        compiled, found = compile_policy(case, meta, origin, trusted=trusted)
        problems += [Problem(("cases", index, *p.path), p.message) for p in found]
        if compiled is None:
            continue
        if case.get("severity"):
            compiled.severity = Severity.parse(str(case["severity"]))
        policy.cases.append(compiled)
    if problems:
        return None, problems
    return policy, []

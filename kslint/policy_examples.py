"""``kslint policy test``: every rule file's examples are its tests.

Each bad example must make its rule fire at the stated line (and column, when given);
each good example must not make it fire; no example may crash anything. An example is
linted exactly as ``kslint lint`` would lint it (every rule runs, suppression comments
apply), with the policies under test in use. A policy without a bad example fails: nothing
shows that it can fire.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from kslint.pipeline import lint_texts
from kslint.policies.files import LoadedRule, load_rule_documents
from kslint.registry import builtin_catalog
from kslint.ruleset import RuleSet


@dataclass
class ExampleResult:
    rule_id: str
    label: str  # bad[0], good[1], or "examples"
    where: str  # file:line:col of the example in its rule file
    passed: bool
    detail: str
    skipped: bool = False

    def line(self) -> str:
        status = "SKIP" if self.skipped else ("PASS" if self.passed else "FAIL")
        return f"{self.where}: {status} {self.rule_id} {self.label}: {self.detail}"


def run_tests(paths: Iterable[str | Path]) -> list[ExampleResult]:
    """Load the rule files under ``paths`` (a built-in rule's own file is accepted) and
    run every example. Raises ``PolicyError`` when a file cannot be used."""
    rules = load_rule_documents(paths, builtin_sources=True)
    new = [(rule.meta, rule.policy.to_check()) for rule in rules if _is_new(rule)]
    rule_set = RuleSet.builtin().with_rules(new)
    results: list[ExampleResult] = []
    for rule in rules:
        results += _run_rule(rule, rule_set)
    return results


def _is_new(rule: LoadedRule) -> bool:
    return rule.policy is not None and rule.meta.id not in builtin_catalog()


def _run_rule(rule: LoadedRule, rule_set: RuleSet) -> list[ExampleResult]:
    meta = rule.meta
    examples = rule.data.get("examples") or {}
    bad, good = examples.get("bad") or [], examples.get("good") or []
    if not bad:
        where = rule.where("examples") if "examples" in rule.data else rule.where("id")
        if rule.policy is None:  # a Python rule's metadata (internal-error has no example)
            return [ExampleResult(meta.id, "examples", where, True, "no examples", skipped=True)]
        return [
            ExampleResult(
                meta.id, "examples", where, False, "no bad example: nothing shows the rule fires"
            )
        ]
    results = []
    for kind, items in (("bad", bad), ("good", good)):
        for index, example in enumerate(items):
            label = f"{kind}[{index}]"
            where = rule.where("examples", kind, index)
            passed, detail = _run_example(meta.id, kind, index, example, rule_set)
            results.append(ExampleResult(meta.id, label, where, passed, detail))
    return results


def _run_example(
    rule_id: str, kind: str, index: int, example: dict, rule_set: RuleSet
) -> tuple[bool, str]:
    name = f"{rule_id}-{kind}-{index}.yaml"
    result = lint_texts([(name, str(example["manifest"]))], rules=rule_set)
    hits = [finding for finding in result.findings if finding.rule == rule_id]
    crashes = [f for f in result.findings if f.rule == "internal-error" and rule_id != f.rule]
    if crashes:
        first = crashes[0]
        return False, f"internal error at {first.span.line}:{first.span.column}: {first.message}"
    places = ", ".join(f"{f.span.line}:{f.span.column}" for f in hits)
    if kind == "good":
        if hits:
            first = hits[0]
            return False, f"fires at {places}: {first.message}"
        return True, "does not fire"
    line, column = example.get("line"), example.get("column")
    wanted = f"{line}:{column}" if column is not None else f"line {line}"
    matched = [
        f for f in hits if f.span.line == line and (column is None or f.span.column == column)
    ]
    if matched:
        return True, f"fires at {matched[0].span.line}:{matched[0].span.column}"
    if not hits:
        others = sorted({f.rule for f in result.findings})
        seen = f" (other findings: {', '.join(others)})" if others else ""
        return False, f"expected a finding at {wanted}, the rule did not fire{seen}"
    return False, f"expected a finding at {wanted}, it fires at {places}"


def summary(results: list[ExampleResult]) -> str:
    passed = sum(1 for r in results if r.passed and not r.skipped)
    failed = sum(1 for r in results if not r.passed)
    skipped = sum(1 for r in results if r.skipped)
    rules = len({r.rule_id for r in results})
    text = f"{passed} passed, {failed} failed"
    if skipped:
        text += f", {skipped} skipped"
    return f"{text} ({rules} rule{'' if rules == 1 else 's'})"

"""Every rule's documented examples are tests: each bad example fires the rule at its
stated line, each good example does not fire it."""

from __future__ import annotations

import pytest

from kslint.pipeline import lint_texts
from kslint.ruleset import RuleSet

EXAMPLES = [
    pytest.param(meta.id, kind, index, example, id=f"{meta.id}-{kind}-{index}")
    for meta in RuleSet.builtin().catalog.values()
    for kind, examples in (("bad", meta.bad), ("good", meta.good))
    for index, example in enumerate(examples)
]


def test_every_rule_has_bad_and_good_examples() -> None:
    for meta in RuleSet.builtin().catalog.values():
        # internal-error means a rule crashed: no manifest may produce it, so it has none.
        # render-failed and not-rendered come from rendering a kustomization or chart
        # directory, which a single manifest cannot be (tests/test_render_*.py cover them).
        if meta.id not in ("internal-error", "render-failed", "not-rendered"):
            assert meta.bad, f"{meta.id} has no bad example"
        if meta.family != "input":
            assert meta.good, f"{meta.id} has no good example"


@pytest.mark.parametrize(("rule_id", "kind", "index", "example"), EXAMPLES)
def test_example(rule_id: str, kind: str, index: int, example) -> None:
    result = lint_texts([(f"{rule_id}-{kind}-{index}.yaml", example.manifest)])
    hits = [finding for finding in result.findings if finding.rule == rule_id]
    internal = [finding for finding in result.findings if finding.rule == "internal-error"]
    assert not internal, internal
    if kind == "bad":
        assert example.line is not None, "a bad example must state the line where it fires"
        assert [f.span.line for f in hits] and example.line in [f.span.line for f in hits], (
            f"expected {rule_id} at line {example.line}, got "
            f"{[(f.rule, f.span.line, f.span.column) for f in result.findings]}"
        )
    else:
        assert not hits, [(f.rule, f.span.line, f.message) for f in hits]

"""schema-violation beyond the OpenAPI schema (catalog revision 3): a pod template without
``spec`` or containers, a PodDisruptionBudget with both minAvailable and maxUnavailable."""

from __future__ import annotations

import pytest

from kslint.pipeline import lint_texts


def violations(text: str) -> list[tuple[int, int, str]]:
    result = lint_texts([("m.yaml", text)])
    return [
        (f.span.line, f.span.column, f.message)
        for f in result.findings
        if f.rule == "schema-violation"
    ]


def test_a_pod_without_spec() -> None:
    assert violations("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n") == [
        (2, 1, "Pod default/p has no `spec`: the API server rejects a pod without containers.")
    ]


def test_an_empty_container_list() -> None:
    text = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: []\n"
    assert violations(text) == [
        (5, 3, "`spec.containers` is empty: the API server rejects a pod without containers.")
    ]


@pytest.mark.parametrize(
    ("kind", "template", "line"),
    [
        ("Deployment", "  template: {metadata: {labels: {a: b}}}\n", 6),
        ("StatefulSet", "  serviceName: s\n  template: {metadata: {labels: {a: b}}}\n", 7),
        ("Job", "  template: {metadata: {labels: {a: b}}}\n", 6),
    ],
)
def test_templates_without_spec(kind: str, template: str, line: int) -> None:
    api = "batch/v1" if kind == "Job" else "apps/v1"
    selector = "" if kind == "Job" else "  selector: {matchLabels: {a: b}}\n"
    text = f"apiVersion: {api}\nkind: {kind}\nmetadata: {{name: w}}\nspec:\n{selector}{template}"
    found = violations(text)
    assert [(at, message) for at, _, message in found] == [
        (
            line if kind != "Job" else 5,
            f"{kind} default/w has no `spec.template.spec`: the API server rejects a pod "
            "without containers.",
        )
    ]


def test_a_cronjob_template_without_spec() -> None:
    text = (
        "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: c}\nspec:\n  schedule: '@daily'\n"
        "  jobTemplate:\n    spec:\n      template: {metadata: {labels: {a: b}}}\n"
    )
    assert [line for line, _, _ in violations(text)] == [8]


def test_a_missing_containers_key_is_reported_once() -> None:
    text = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {}\n"
    assert [message for _, _, message in violations(text)] == [
        'spec: missing required field "containers"'
    ]


def test_valid_pods_and_budgets_are_quiet() -> None:
    pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, image: x}]}\n"
    budget = (
        "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: b}\n"
        "spec: {minAvailable: 1, selector: {}}\n"
    )
    assert violations(pod) == [] and violations(budget) == []


def test_a_budget_with_both_fields() -> None:
    text = (
        "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: b}\n"
        "spec:\n  minAvailable: 1\n  maxUnavailable: 1\n  selector: {}\n"
    )
    result = lint_texts([("m.yaml", text)])
    (finding,) = [f for f in result.findings if f.rule == "schema-violation"]
    assert (finding.span.line, finding.span.column) == (6, 3)
    assert finding.message == (
        "PodDisruptionBudget default/b sets both `spec.minAvailable` and `spec.maxUnavailable`: "
        "the API server accepts only one of them."
    )
    assert [(r.span.line, r.message) for r in finding.related] == [(5, "minAvailable is set here")]

"""pdb-blocks-eviction, and PodDisruptionBudget selectors by API version (catalog
revision 3): policy/v1 ``{}`` selects every pod of the namespace, policy/v1beta1 ``{}``
none, an absent selector none."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import lint_json, write_repo

from kslint.pipeline import lint_texts

RULE = "pdb-blocks-eviction"


def pdb(policy: str, selector: str = "{matchLabels: {app: db}}", version: str = "v1") -> str:
    return (
        f"apiVersion: policy/{version}\nkind: PodDisruptionBudget\nmetadata: {{name: db}}\n"
        f"spec:\n  {policy}\n" + (f"  selector: {selector}\n" if selector else "")
    )


def workload(kind: str = "StatefulSet", replicas: str = "3", name: str = "db") -> str:
    extra = "  serviceName: db\n" if kind == "StatefulSet" else ""
    return (
        f"apiVersion: apps/v1\nkind: {kind}\nmetadata: {{name: {name}}}\nspec:\n{extra}"
        f"  replicas: {replicas}\n  selector: {{matchLabels: {{app: db}}}}\n  template:\n"
        "    metadata: {labels: {app: db}}\n"
        "    spec: {containers: [{name: c, image: example/c}]}\n"
    )


def findings(*documents: str, rule: str = RULE) -> list[tuple[int, str]]:
    result = lint_texts([("p.yaml", "---\n".join(documents))])
    return [(f.span.line, f.message) for f in result.findings if f.rule == rule]


@pytest.mark.parametrize("policy", ["maxUnavailable: 0", 'maxUnavailable: "0%"'])
def test_max_unavailable_zero_fires_whatever_it_selects(policy: str) -> None:
    ((line, message),) = findings(pdb(policy))
    assert line == 5
    value = policy.split(": ")[1].strip('"')
    assert message == (
        f"PodDisruptionBudget default/db sets maxUnavailable {value}: no pod it selects can "
        "ever be evicted, so node drains and cluster upgrades hang."
    )


def test_min_available_100_percent_fires() -> None:
    assert [line for line, _ in findings(pdb('minAvailable: "100%"'))] == [5]


def test_min_available_at_least_the_replicas_fires_with_the_workloads_related() -> None:
    result = lint_texts([("p.yaml", pdb("minAvailable: 3") + "---\n" + workload())])
    (finding,) = [f for f in result.findings if f.rule == RULE]
    assert finding.message == (
        "PodDisruptionBudget default/db requires minAvailable 3 of the 3 pods of StatefulSet "
        "default/db: no pod it selects can ever be evicted, so node drains and cluster "
        "upgrades hang."
    )
    assert [(r.span.line, r.message) for r in finding.related] == [
        (10, "StatefulSet default/db runs pods that PodDisruptionBudget default/db selects")
    ]


@pytest.mark.parametrize(
    ("policy", "replicas", "fires"),
    [
        ("minAvailable: 2", "3", False),
        ("minAvailable: 4", "3", True),
        ('minAvailable: "60%"', "3", False),  # 1.8 rounds up to 2 of 3
        ('minAvailable: "67%"', "3", True),  # 2.01 rounds up to 3 of 3
        ('minAvailable: "99%"', "1", True),
        ("minAvailable: 1", "0", False),  # scaled to zero: nothing to evict
        ("minAvailable: 0", "1", False),
        ("minAvailable: 3", '"{{ .Values.replicas }}"', False),  # unknown count
        ('maxUnavailable: "10%"', "3", False),
        ("maxUnavailable: 1", "1", False),
    ],
)
def test_counts(policy: str, replicas: str, fires: bool) -> None:
    assert bool(findings(pdb(policy), workload(replicas=replicas))) is fires


def test_the_count_sums_every_selected_workload() -> None:
    two = [workload("Deployment", "2", "a"), workload("Deployment", "2", "b")]
    assert findings(pdb("minAvailable: 3"), *two) == []
    assert len(findings(pdb("minAvailable: 4"), *two)) == 1


def test_an_autoscaler_raises_the_count() -> None:
    hpa = (
        "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: db}\n"
        "spec: {scaleTargetRef: {kind: Deployment, name: db}, maxReplicas: 4}\n"
    )
    assert findings(pdb("minAvailable: 2"), workload("Deployment", "2"), hpa) == []
    assert len(findings(pdb("minAvailable: 2"), workload("Deployment", "2"))) == 1


def test_a_keda_scaled_object_raises_the_count() -> None:
    keda = (
        "apiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata: {name: db}\n"
        "spec: {scaleTargetRef: {name: db}, minReplicaCount: 1, maxReplicaCount: 3}\n"
    )
    deployment = workload("Deployment", "1")
    assert findings(pdb("minAvailable: 1"), deployment, keda) == []
    other = keda.replace("name: db}", "name: other}")
    assert len(findings(pdb("minAvailable: 1"), deployment, other)) == 1


def test_daemonsets_and_jobs_have_no_known_count() -> None:
    daemon = workload("DaemonSet").replace("  replicas: 3\n", "")
    assert findings(pdb("minAvailable: 1"), daemon) == []


def test_no_selected_workload_no_count() -> None:
    assert findings(pdb("minAvailable: 5")) == []
    assert findings(pdb("minAvailable: 5", "{matchLabels: {app: other}}"), workload()) == []


def test_both_fields_are_left_to_schema_violation() -> None:
    text = pdb("minAvailable: 3\n  maxUnavailable: 0") + "---\n" + workload()
    assert findings(text) == []
    assert [line for line, _ in findings(text, rule="schema-violation")] == [6]


@pytest.mark.parametrize(
    ("version", "selector", "selects"),
    [
        ("v1", "{}", True),
        ("v1beta1", "{}", False),
        ("v1", None, False),
        ("v1beta1", None, False),
        ("v1beta1", "{matchLabels: {app: db}}", True),
    ],
)
def test_selectors_by_api_version(version: str, selector: str | None, selects: bool) -> None:
    budget = pdb("minAvailable: 3", selector or "", version)
    blocked = findings(budget, workload())
    missing = findings(budget, workload(), rule="statefulset-missing-pdb")
    assert bool(blocked) is selects
    assert bool(missing) is not selects


def test_cli(tmp_path: Path) -> None:
    write_repo(tmp_path, {"pdb.yaml": pdb("maxUnavailable: 0")})
    found = lint_json("pdb.yaml", cwd=tmp_path)["findings"]
    assert [(f["rule"], f["line"], f["column"], f["severity"]) for f in found] == [
        (RULE, 5, 3, "warning")
    ]

"""unknown-kind (catalog revision 3): a kind a built-in group does not serve in any
Kubernetes version; such an object takes part in no relation."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import lint_json, write_repo

from kslint.api_schemas.kinds import builtin_group, is_unknown_kind
from kslint.pipeline import lint_texts

RULE = "unknown-kind"


def rules_at(text: str) -> list[tuple[str, int, int]]:
    result = lint_texts([("m.yaml", text)])
    return [(f.rule, f.span.line, f.span.column) for f in result.findings]


@pytest.mark.parametrize(
    ("api_version", "kind"),
    [
        ("v1", "StatefulSet"),
        ("apps/v1", "Service"),
        ("apps/v2", "Deployment"),
        ("apps/v1", "Statefulset"),
        ("policy/v1", "PodDisruptionBudgets"),
        ("storage.k8s.io/v1", "PersistentVolume"),
        ("extensions/achia", "NetworkPolicy"),  # a version the group never had
    ],
)
def test_unknown(api_version: str, kind: str) -> None:
    assert is_unknown_kind(api_version, kind)


@pytest.mark.parametrize(
    ("api_version", "kind"),
    [
        ("v1", "Service"),
        ("apps/v1", "StatefulSet"),
        ("extensions/v1beta1", "Deployment"),  # removed: removed-api-version's
        ("apps/v1beta2", "StatefulSet"),
        ("policy/v1beta1", "PodSecurityPolicy"),
        ("postgresql.cnpg.io/v1", "Cluster"),  # custom resources have a dotted group
        ("kustomize.config.k8s.io/v1beta1", "Kustomization"),  # not a bundled group
        ("example.k8s.io/v1", "Widget"),
        ("skaffold/v3", "Config"),  # a tool's configuration in a dotless group
    ],
)
def test_known_or_not_built_in(api_version: str, kind: str) -> None:
    assert not is_unknown_kind(api_version, kind)


def test_built_in_groups() -> None:
    assert builtin_group("") and builtin_group("apps") and builtin_group("storage.k8s.io")
    assert builtin_group("extensions") and builtin_group("policy")
    assert not builtin_group("example.k8s.io") and not builtin_group("cert-manager.io")
    assert not builtin_group("skaffold")


def test_legacy_openshift_kinds_name_their_group() -> None:
    text = "apiVersion: v1\nkind: DeploymentConfig\nmetadata: {name: web}\n"
    (finding,) = lint_texts([("m.yaml", text)]).findings
    assert (finding.rule, finding.span.line) == (RULE, 1)
    assert finding.message.endswith("OpenShift serves it as apiVersion: apps.openshift.io/v1.")


def test_a_known_kind_under_the_wrong_group_points_at_the_api_version() -> None:
    text = "apiVersion: v1\nkind: StatefulSet\nmetadata: {name: db}\n"
    result = lint_texts([("m.yaml", text)])
    (finding,) = result.findings
    assert (finding.rule, finding.span.line, finding.span.column) == (RULE, 1, 13)
    assert finding.message == (
        "No Kubernetes version serves kind StatefulSet at apiVersion v1: the API server "
        "rejects StatefulSet default/db, and kslint leaves it out of every relation; use "
        "apiVersion: apps/v1."
    )


def test_a_misspelled_kind_points_at_the_kind_and_suggests() -> None:
    text = "apiVersion: apps/v1\nkind: Statefulset\nmetadata: {name: db}\n"
    (finding,) = lint_texts([("m.yaml", text)]).findings
    assert (finding.span.line, finding.span.column) == (2, 7)
    assert finding.message.endswith("did you mean kind 'StatefulSet' (apps/v1)?")


STATEFULSET = """\
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  serviceName: db
  replicas: 3
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec: {containers: [{name: c, image: example/c}]}
"""


def test_an_apps_service_does_not_govern_a_statefulset() -> None:
    service = (
        "apiVersion: {api}\nkind: Service\nmetadata: {{name: db}}\n"
        "spec: {{clusterIP: None, selector: {{app: db}}}}\n---\n"
    )
    wrong = rules_at(service.format(api="apps/v1") + STATEFULSET)
    assert (RULE, 1, 13) in wrong
    assert "statefulset-service-not-found" in {rule for rule, _, _ in wrong}
    right = rules_at(service.format(api="v1") + STATEFULSET)
    assert "statefulset-service-not-found" not in {rule for rule, _, _ in right}


def test_a_core_pod_disruption_budget_is_no_budget() -> None:
    budget = (
        "apiVersion: {api}\nkind: PodDisruptionBudget\nmetadata: {{name: db}}\n"
        "spec: {{maxUnavailable: 0, selector: {{matchLabels: {{app: db}}}}}}\n---\n"
    )
    wrong = {rule for rule, _, _ in rules_at(budget.format(api="v1") + STATEFULSET)}
    assert RULE in wrong and "statefulset-missing-pdb" in wrong
    assert "pdb-blocks-eviction" not in wrong  # no rule runs on it
    right = {rule for rule, _, _ in rules_at(budget.format(api="policy/v1") + STATEFULSET)}
    assert "statefulset-missing-pdb" not in right and "pdb-blocks-eviction" in right


def test_an_annotation_on_the_object_suppresses_it() -> None:
    text = (
        "apiVersion: apps/v1\nkind: Service\nmetadata:\n  name: s\n"
        "  annotations: {kslint.io/ignore: unknown-kind}\n"
    )
    result = lint_texts([("m.yaml", text)])
    assert result.findings == []
    assert [s.finding.rule for s in result.suppressed] == [RULE]


def test_cli(tmp_path: Path) -> None:
    write_repo(tmp_path, {"m.yaml": "apiVersion: apps/v1\nkind: Service\nmetadata: {name: s}\n"})
    found = lint_json("m.yaml", cwd=tmp_path)["findings"]
    assert [(f["rule"], f["severity"], f["line"], f["column"]) for f in found] == [
        (RULE, "error", 1, 13)
    ]

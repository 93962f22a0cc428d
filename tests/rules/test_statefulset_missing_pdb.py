"""statefulset-missing-pdb: replicas counted with the autoscaler, and older budget API
versions. (A replica count that is a template placeholder:
``test_deployment_shared_rwo_pvc.py``.)"""

from __future__ import annotations

from textwrap import dedent

from helpers import rule_findings
from manifests import HPA, STATEFULSET


def test_statefulset_missing_pdb_counts_the_autoscaler() -> None:
    text = STATEFULSET.format(replicas=1).replace(
        "persistentVolumeClaim: {claimName: db-data}", "emptyDir: {}"
    )
    assert rule_findings("statefulset-missing-pdb", text) == []
    [finding] = rule_findings("statefulset-missing-pdb", text + HPA)
    assert "runs up to 5 replicas" in finding.message
    assert [r.message for r in finding.related] == [
        "HorizontalPodAutoscaler data/db scales it up to 5 replicas"
    ]


def test_statefulset_missing_pdb_v1beta1_budget_counts() -> None:
    text = STATEFULSET.format(replicas=3) + dedent(
        """\
        ---
        apiVersion: policy/v1beta1
        kind: PodDisruptionBudget
        metadata: {name: db, namespace: data}
        spec:
          minAvailable: 2
          selector: {matchLabels: {app: db}}
        """
    )
    assert rule_findings("statefulset-missing-pdb", text) == []

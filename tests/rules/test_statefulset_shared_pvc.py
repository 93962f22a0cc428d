"""statefulset-shared-pvc: the severity chosen per finding (replicas, access mode,
autoscaler), its position and related locations."""

from __future__ import annotations

import pytest
from helpers import rule_findings
from manifests import CLAIM, HPA, STATEFULSET

from kslint.findings import Severity


@pytest.mark.parametrize(
    ("replicas", "claim", "hpa", "severity"),
    [
        (3, "ReadWriteOnce", False, Severity.ERROR),
        (2, "ReadWriteOncePod", False, Severity.ERROR),
        (1, "ReadWriteOnce", True, Severity.ERROR),  # the autoscaler raises it to 5
        (1, "ReadWriteOnce", False, Severity.INFO),
        (3, "ReadWriteMany", False, Severity.INFO),
        (3, None, False, Severity.INFO),  # the claim is not in the set
        ('"{{ .Values.replicas }}"', "ReadWriteOnce", False, Severity.INFO),  # unknown count
    ],
)
def test_statefulset_shared_pvc_severity(
    replicas: object, claim: str | None, hpa: bool, severity: Severity
) -> None:
    text = STATEFULSET.format(replicas=replicas)
    if claim:
        text += CLAIM.format(mode=claim)
    if hpa:
        text += HPA
    [finding] = rule_findings("statefulset-shared-pvc", text)
    assert finding.severity is severity
    assert (finding.span.line, finding.span.column) == (22, 46)
    related = [r.message for r in finding.related]
    if claim:
        assert f"PersistentVolumeClaim data/db-data is {claim}" in related
    if hpa:
        assert "HorizontalPodAutoscaler data/db scales it up to 5 replicas" in related
    assert finding.message.startswith("StatefulSet data/db mounts a PersistentVolumeClaim")

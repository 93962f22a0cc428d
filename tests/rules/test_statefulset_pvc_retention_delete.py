"""statefulset-pvc-retention-delete: one finding per retention field set to Delete."""

from __future__ import annotations

from helpers import rule_findings
from manifests import STATEFULSET


def test_each_retention_field_is_its_own_finding() -> None:
    text = STATEFULSET.format(replicas=1).replace(
        "  serviceName: db\n",
        "  serviceName: db\n  persistentVolumeClaimRetentionPolicy: {whenDeleted: Retain, whenScaled: Delete}\n",
    )
    [finding] = rule_findings("statefulset-pvc-retention-delete", text)
    assert "whenScaled: Delete" in finding.message
    assert finding.path == ("spec", "persistentVolumeClaimRetentionPolicy", "whenScaled")

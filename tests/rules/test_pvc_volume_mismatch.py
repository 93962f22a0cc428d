"""pvc-volume-mismatch: every reason in one finding, both ties (volumeName, claimRef),
malformed input, and static binding with an empty class. (The binding simulation itself:
``tests/test_binding.py``.)"""

from __future__ import annotations

import pytest
from helpers import binding_positions, graph_of, lint_manifests, run_check
from manifests import CLASSLESS_PV, EMPTY_CLASS, pv, pvc


def test_every_reason_in_one_finding_with_related_locations() -> None:
    volume = pv("  storageClassName: slow\n  volumeMode: Block\n", capacity="1Gi")
    claim = pvc(
        "  storageClassName: fast\n  volumeName: vol\n  selector: {matchLabels: {zone: b}}\n",
        request="2Gi",
        modes="[ReadWriteMany]",
    )
    [finding] = run_check("pvc-volume-mismatch", volume, claim)
    assert finding.message == (
        "PersistentVolumeClaim default/data names PersistentVolume vol in spec.volumeName but "
        "cannot bind it: the claim asks for storage class 'fast' but the PV has "
        "storageClassName 'slow'; the PV does not offer access mode ReadWriteMany (it offers "
        "ReadWriteOnce); the PV holds 1Gi, less than the 2Gi requested; the claim's "
        "volumeMode is Filesystem but the PV's is Block; the claim's selector zone=b does "
        "not match the PV's labels."
    )
    # At the first reason: the claim's storageClassName value.
    assert (finding.span.line, finding.span.column) == (6, 21)
    assert [(r.file, r.span.line, r.message) for r in finding.related] == [
        ("doc0.yaml", 10, "PersistentVolume vol has storageClassName 'slow'"),
        ("doc0.yaml", 8, "PersistentVolume vol offers ReadWriteOnce"),
        ("doc0.yaml", 7, "PersistentVolume vol holds 1Gi"),
        ("doc0.yaml", 11, "PersistentVolume vol has volumeMode Block"),
        ("doc0.yaml", 5, "PersistentVolume vol has labels zone=a"),
    ]


def test_both_ties_are_checked() -> None:
    named = pv().replace("name: vol", "name: named")
    reserving = pv("  storageClassName: other\n  claimRef: {namespace: default, name: data}\n")
    claim = pvc(EMPTY_CLASS + "  volumeName: named\n")
    graph = graph_of(named, reserving, claim)
    claim_view = graph.of_kind("PersistentVolumeClaim")[0]
    assert [(v.obj.name, how) for v, how in graph.tied_volumes(claim_view)] == [
        ("named", "volumeName"),
        ("vol", "claimRef"),
    ]
    findings = run_check("pvc-volume-mismatch", named, reserving, claim)
    assert [f.message.split(" but ")[0] for f in findings] == [
        "PersistentVolumeClaim default/data is named by the claimRef of PersistentVolume vol"
    ]


def test_malformed_capacity_is_invalid_object_not_a_mismatch() -> None:
    result = lint_manifests(pv(capacity="lots"), pvc(EMPTY_CLASS + "  volumeName: vol\n"))
    rules = [(f.rule, f.file, f.span.line, f.span.column) for f in result.findings]
    assert ("invalid-object", "doc0.yaml", 7, 23) in rules
    assert "pvc-volume-mismatch" not in {f.rule for f in result.findings}


@pytest.mark.parametrize("volume_name", ["  volumeName: nfs-share\n", ""])
def test_classless_pv_bound_by_empty_class_claim(volume_name: str) -> None:
    claim = f"""\
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: share
spec:
  storageClassName: ""
{volume_name}  accessModes: [ReadWriteMany]
  resources: {{requests: {{storage: 100Gi}}}}
"""
    assert binding_positions(CLASSLESS_PV, claim) == []
    # Without storageClassName the claim gets the default class: a mismatch (control).
    if volume_name:
        no_class = claim.replace('  storageClassName: ""\n', "")
        assert ("pvc-volume-mismatch", 5, 1) in binding_positions(CLASSLESS_PV, no_class)


def test_pv_prebound_by_claim_ref_with_empty_class_claim() -> None:
    volume = CLASSLESS_PV.replace("  nfs:", "  claimRef: {namespace: media, name: share}\n  nfs:")
    claim = """\
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: share
  namespace: media
spec:
  storageClassName: ""
  accessModes: [ReadWriteMany]
  resources: {requests: {storage: 100G}}
"""
    assert binding_positions(volume, claim) == []

"""The fix engine's parts: the unsafe Recreate alternative (which SARIF offers), the
guards that decide which text may be edited, YAML merge keys, scalar spelling and edit
application."""

from __future__ import annotations

import pytest

from kslint.findings import Finding
from kslint.fix import targets
from kslint.fix.builders import BUILDERS
from kslint.fix.edits import Edit, apply_edits, scalar
from kslint.fix.plan import Planner
from kslint.pipeline import lint_texts
from kslint.ruleset import RuleSet

CLAIM = """\
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data}
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 1Gi}}
---
"""

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata: {{name: app}}
spec:
{strategy}  selector: {{matchLabels: {{app: app}}}}
  template:
    metadata: {{labels: {{app: app}}}}
    spec:
      containers: [{{name: app, image: nginx}}]
      volumes: [{{name: data, persistentVolumeClaim: {{claimName: data}}}}]
"""


def _planner(text: str, data: bytes | None = None) -> tuple[Planner, list[Finding]]:
    result = lint_texts([("m.yaml", text)])
    files = {"m.yaml": text.encode() if data is None else data}
    planner = Planner(result.graph, result.files, files.get, result.rules.catalog, BUILDERS)
    return planner, result.findings


def _fixes(text: str, rule: str) -> list:
    planner, findings = _planner(text)
    (finding,) = [f for f in findings if f.rule == rule]
    return planner.resolve(finding, allow_unsafe=True).fixes


def _apply(text: str, fix) -> str:
    return apply_edits(text, [edit.edit for edit in fix.edits])


@pytest.mark.parametrize(
    ("strategy", "recreated"),
    [
        (
            "  strategy:\n    type: RollingUpdate  # was\n    rollingUpdate:\n"
            "      maxSurge: 1\n    # keep this comment\n",
            "  strategy:\n    type: Recreate  # was\n    # keep this comment\n",
        ),
        (
            "  strategy:\n    rollingUpdate:\n      maxSurge: 1\n      maxUnavailable: 0\n",
            "  strategy:\n    type: Recreate\n",
        ),
        (
            "  strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 1}}\n",
            "  strategy: {type: Recreate}\n",
        ),
        (
            "  strategy: {rollingUpdate: {maxSurge: 1}, type: RollingUpdate}\n",
            "  strategy: {type: Recreate}\n",
        ),
        (
            "  strategy: {rollingUpdate: {maxSurge: 1}}\n",
            "  strategy: {type: Recreate}\n",
        ),
    ],
)
def test_recreate_alternative_removes_rolling_update(strategy: str, recreated: str) -> None:
    text = CLAIM + DEPLOYMENT.format(strategy=strategy)
    safe, recreate = _fixes(text, "deployment-rwo-rolling-update")
    assert (safe.meta.id, safe.meta.safety) == ("no-surge", "safe")
    assert (recreate.meta.id, recreate.meta.safety) == ("recreate", "unsafe")
    assert _apply(text, recreate) == CLAIM + DEPLOYMENT.format(strategy=recreated)


def test_recreate_without_a_strategy_goes_after_the_last_one_line_entry() -> None:
    text = CLAIM + DEPLOYMENT.format(strategy="")
    recreate = _fixes(text, "deployment-rwo-rolling-update")[1]
    selector = "  selector: {matchLabels: {app: app}}\n"
    assert _apply(text, recreate) == text.replace(
        selector, selector + "  strategy:\n    type: Recreate\n"
    )


def test_a_file_that_does_not_hold_the_linted_text_is_not_edited() -> None:
    """Rendered output (or a file changed since it was read) is never edited."""
    text = CLAIM + DEPLOYMENT.format(strategy="")
    planner, findings = _planner(text, data=b"# something else\n")
    (finding,) = [f for f in findings if f.rule == "deployment-rwo-rolling-update"]
    resolution = planner.resolve(finding)
    assert resolution.fixes == []
    assert (
        resolution.reason
        == "m.yaml does not hold the text this object was read from (rendered or changed)"
    )


def test_a_registered_guard_refuses_objects() -> None:
    """What units rendered from shared sources use to refuse an edit, with the reason."""

    def shared_base(obj) -> str | None:
        return "the base is shared by two overlays" if obj.kind == "Deployment" else None

    targets.register_guard(shared_base)
    try:
        text = CLAIM + DEPLOYMENT.format(strategy="")
        planner, findings = _planner(text)
        (finding,) = [f for f in findings if f.rule == "deployment-rwo-rolling-update"]
        assert planner.resolve(finding).reason == "the base is shared by two overlays"
    finally:
        targets.GUARDS.remove(shared_base)
    planner, findings = _planner(text)
    (finding,) = [f for f in findings if f.rule == "deployment-rwo-rolling-update"]
    assert planner.resolve(finding).chosen is not None


def test_keys_from_a_merge_key_are_not_edited() -> None:
    text = """\
apiVersion: v1
kind: PersistentVolume
metadata: {name: a}
spec:
  <<: &base {capacity: {storage: 1Gi}, persistentVolumeReclaimPolicy: Recycle}
  accessModes: [ReadWriteOnce]
  csi: {driver: x, volumeHandle: y}
"""
    planner, findings = _planner(text)
    (finding,) = [f for f in findings if f.rule == "pv-recycle-reclaim-policy"]
    resolution = planner.resolve(finding, allow_unsafe=True)
    assert resolution.fixes == []
    assert resolution.reason == "`spec` uses a YAML merge key (<<)"


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("None", "None"),
        ("Retain", "Retain"),
        ("yes", '"yes"'),
        ("on", '"on"'),
        ("null", '"null"'),
        ("1.0", '"1.0"'),
        ("a: b", '"a: b"'),
        ("", '""'),
        (0, "0"),
        (True, "true"),
        ("example.com/app", "example.com/app"),
    ],
)
def test_scalars_read_back_as_written(value: object, written: str) -> None:
    assert scalar(value) == written


def test_apply_edits_rejects_overlaps_and_keeps_insertion_order() -> None:
    assert apply_edits("abc", [Edit(1, 1, "X"), Edit(1, 1, "Y"), Edit(2, 3, "Z")]) == "aXYbZ"
    with pytest.raises(ValueError, match="overlapping"):
        apply_edits("abcdef", [Edit(0, 3, "x"), Edit(2, 4, "y")])


def test_every_declared_fix_has_a_builder_and_every_builder_is_declared() -> None:
    declared = {
        (meta.id, fix.id) for meta in RuleSet.builtin().catalog.values() for fix in meta.autofix
    }
    assert declared == set(BUILDERS)
    assert len({rule for rule, _ in declared}) >= 11


STATEFULSET = """\
apiVersion: apps/v1
kind: StatefulSet
metadata: {{name: db}}
spec:
  serviceName: db
  selector:
    matchLabels: {{app: db}}
  template:
    metadata: {labels}
    spec:
      containers: [{{name: db, image: busybox}}]
"""


def test_a_new_service_selects_the_pod_labels_when_the_selector_does_not_match_them() -> None:
    """A Service built from a selector that misses the pods would govern nothing."""
    text = STATEFULSET.format(labels="{labels: {app: database, tier: data}}")
    (fix,) = _fixes(text, "statefulset-service-not-found")
    assert _apply(text, fix) == text + (
        "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: db\nspec:\n"
        "  clusterIP: None\n  selector:\n    app: database\n    tier: data\n"
    )


def test_pods_without_labels_get_no_service() -> None:
    text = STATEFULSET.format(labels="{}")
    planner, findings = _planner(text)
    (finding,) = [f for f in findings if f.rule == "statefulset-service-not-found"]
    resolution = planner.resolve(finding)
    assert resolution.fixes == []
    assert resolution.reason == "StatefulSet default/db has no pod labels to select its pods by"


def test_a_finding_moved_to_another_file_is_not_fixed() -> None:
    """What the render stage does: the finding points at the source file, the object was
    read from the rendered output."""
    text = CLAIM + DEPLOYMENT.format(strategy="")
    planner, findings = _planner(text)
    (finding,) = [f for f in findings if f.rule == "deployment-rwo-rolling-update"]
    finding.file = "base/deployment.yaml"
    resolution = planner.resolve(finding)
    assert resolution.fixes == []
    assert resolution.reason == (
        "base/deployment.yaml is not the text its object was read from (rendered output): "
        "fix the source by hand"
    )

"""The API removal and deprecation table (schemas/deprecations.yaml), row by row, and the
bundled schemas, minor by minor."""

from __future__ import annotations

from itertools import pairwise

import pytest

from kslint.api_schemas import SCHEMA_RULES
from kslint.api_schemas.deprecations import ApiChange, table
from kslint.api_schemas.store import _kinds, bundled_versions, served, version_key
from kslint.api_schemas.versions import OLDEST
from kslint.loader import Source, load_sources
from kslint.pipeline import LintOptions, lint_loaded

ROWS = sorted(table().values(), key=lambda c: (c.api_version, c.kind))
GUIDE_SOURCES = ("https://kubernetes.io/", "https://github.com/kubernetes/kubernetes/")


def findings(text: str, version: str) -> list[tuple[int, int, str, str]]:
    loaded = load_sources([Source("manifest.yaml", text.encode())], "default")
    result = lint_loaded(loaded, LintOptions(paths=[], kubernetes_version=version))
    return [
        (f.span.line, f.span.column, f.rule, f.message)
        for f in result.findings
        if f.rule in SCHEMA_RULES
    ]


def table_findings(change: ApiChange, version: str) -> list[tuple[int, int, str, str]]:
    """The removal/deprecation findings for a minimal object of the row's kind."""
    text = f"apiVersion: {change.api_version}\nkind: {change.kind}\nmetadata:\n  name: x\n"
    return [
        f
        for f in findings(text, version)
        if f[2] in ("removed-api-version", "deprecated-api-version")
    ]


def minor_before(version: str) -> str:
    major, minor = version_key(version)
    return f"{major}.{minor - 1}"


@pytest.mark.parametrize("change", ROWS, ids=lambda c: f"{c.api_version}:{c.kind}")
def test_every_row_at_before_and_after_its_releases(change: ApiChange) -> None:
    row = f"{change.api_version} {change.kind}"
    if change.removed is not None:
        # Removed on the release that removed it and on every later one.
        for version in (change.removed, bundled_versions()[-1]):
            ((line, column, rule, message),) = table_findings(change, version)
            assert (line, column, rule) == (1, 13, "removed-api-version"), version
            assert message.startswith(
                f"{row} is no longer served since Kubernetes {change.removed} (target: {version}); "
            )
            if change.replacement is not None:
                assert f"use {change.replacement}" in message
            else:
                assert change.note and change.note in message
        before = minor_before(change.removed)
        if version_key(before) >= version_key(OLDEST):
            expected = []
            if change.deprecated is not None and change.deprecated_in(before):
                expected = [
                    (
                        1,
                        13,
                        "deprecated-api-version",
                        f"{row} is deprecated since Kubernetes {change.deprecated} "
                        f"(removed in {change.removed}); {change.advice()}.",
                    )
                ]
            assert table_findings(change, before) == expected
    else:  # deprecated, still served
        assert change.deprecated is not None
        ((*_, rule, message),) = table_findings(change, bundled_versions()[-1])
        assert rule == "deprecated-api-version"
        assert "no removal is scheduled" in message
    if change.deprecated is not None:
        before = minor_before(change.deprecated)
        if version_key(before) >= version_key(OLDEST):
            assert table_findings(change, before) == []  # not yet deprecated


@pytest.mark.parametrize("change", ROWS, ids=lambda c: f"{c.api_version}:{c.kind}")
def test_every_row_is_well_formed_and_sourced(change: ApiChange) -> None:
    assert change.source == "bundled-schemas" or change.source.startswith(GUIDE_SOURCES)
    if change.removed is not None and change.deprecated is not None:
        assert version_key(change.deprecated) < version_key(change.removed)
    if change.removed is not None:
        assert version_key(change.removed) >= version_key(OLDEST)
    if change.replacement is None:
        assert change.note, "a row without a replacement says what to do instead"
    elif change.available is not None:
        assert change.replacement_kind or change.replacement != change.api_version


def test_the_table_covers_the_issue_list() -> None:
    rows = {(c.api_version, c.kind): c.removed for c in ROWS}
    expected = {
        ("extensions/v1beta1", "Deployment"): "1.16",
        ("extensions/v1beta1", "DaemonSet"): "1.16",
        ("extensions/v1beta1", "NetworkPolicy"): "1.16",
        ("extensions/v1beta1", "PodSecurityPolicy"): "1.16",
        ("extensions/v1beta1", "Ingress"): "1.22",
        ("apps/v1beta1", "StatefulSet"): "1.16",
        ("apps/v1beta2", "Deployment"): "1.16",
        ("networking.k8s.io/v1beta1", "Ingress"): "1.22",
        ("apiextensions.k8s.io/v1beta1", "CustomResourceDefinition"): "1.22",
        ("rbac.authorization.k8s.io/v1beta1", "ClusterRole"): "1.22",
        ("batch/v1beta1", "CronJob"): "1.25",
        ("policy/v1beta1", "PodDisruptionBudget"): "1.25",
        ("policy/v1beta1", "PodSecurityPolicy"): "1.25",
        ("autoscaling/v2beta1", "HorizontalPodAutoscaler"): "1.25",
        ("autoscaling/v2beta2", "HorizontalPodAutoscaler"): "1.26",
        ("flowcontrol.apiserver.k8s.io/v1beta1", "FlowSchema"): "1.26",
        ("flowcontrol.apiserver.k8s.io/v1beta2", "FlowSchema"): "1.29",
        ("flowcontrol.apiserver.k8s.io/v1beta3", "PriorityLevelConfiguration"): "1.32",
        ("storage.k8s.io/v1beta1", "CSIStorageCapacity"): "1.27",
        ("resource.k8s.io/v1alpha2", "ResourceClaim"): "1.31",
        ("resource.k8s.io/v1alpha3", "DeviceClass"): "1.34",
    }
    assert {key: rows.get(key) for key in expected} == expected


META_KINDS = {"DeleteOptions", "WatchEvent", "Status"}


def test_every_api_version_the_bundled_schemas_drop_has_a_row() -> None:
    versions = bundled_versions()
    changes = table()
    for older, newer in pairwise(versions):
        for api_version, kinds in _kinds(older).items():
            for kind in kinds:
                if kind.endswith("List") or kind in META_KINDS or served(newer, api_version, kind):
                    continue
                change = changes.get((api_version, kind))
                assert change is not None, f"{api_version} {kind} disappears in {newer}"
                assert change.removed == newer, (api_version, kind)


# One object per bundled minor that this minor serves and validates, and a version next
# to it (the one before, or a later one that removed it) does not.
PER_MINOR = {
    "1.25": (
        "apiVersion: flowcontrol.apiserver.k8s.io/v1beta2\nkind: FlowSchema\n"
        "metadata: {name: fs}\nspec:\n  priorityLevelConfiguration: {name: workload-low}\n"
        "  matchingPrecedence: 1000\n",
        "1.29",
    ),
    "1.26": (
        "apiVersion: flowcontrol.apiserver.k8s.io/v1beta3\nkind: PriorityLevelConfiguration\n"
        "metadata: {name: p}\nspec: {type: Exempt}\n",
        "1.25",
    ),
    "1.27": (
        "apiVersion: certificates.k8s.io/v1alpha1\nkind: ClusterTrustBundle\n"
        "metadata: {name: 'example.com:ca'}\nspec:\n  signerName: example.com/ca\n"
        "  trustBundle: '-----BEGIN CERTIFICATE-----'\n",
        "1.37",
    ),
    "1.28": (
        "apiVersion: authentication.k8s.io/v1\nkind: SelfSubjectReview\nmetadata: {name: me}\n",
        "1.27",
    ),
    "1.29": (
        "apiVersion: flowcontrol.apiserver.k8s.io/v1\nkind: PriorityLevelConfiguration\n"
        "metadata: {name: p}\nspec: {type: Exempt}\n",
        "1.28",
    ),
    "1.30": (
        "apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingAdmissionPolicy\n"
        "metadata: {name: replicas}\nspec:\n  validations:\n"
        "    - expression: object.spec.replicas <= 5\n",
        "1.29",
    ),
    "1.31": (
        "apiVersion: networking.k8s.io/v1beta1\nkind: ServiceCIDR\nmetadata: {name: extra}\n"
        "spec:\n  cidrs: [10.96.0.0/16]\n",
        "1.30",
    ),
    "1.32": (
        "apiVersion: resource.k8s.io/v1beta1\nkind: DeviceClass\nmetadata: {name: gpu}\n"
        "spec:\n  selectors:\n    - cel: {expression: device.driver == 'gpu.example.com'}\n",
        "1.31",
    ),
    "1.33": (
        "apiVersion: networking.k8s.io/v1\nkind: ServiceCIDR\nmetadata: {name: extra}\n"
        "spec:\n  cidrs: [10.96.0.0/16]\n",
        "1.32",
    ),
    "1.34": (
        "apiVersion: storage.k8s.io/v1\nkind: VolumeAttributesClass\nmetadata: {name: gold}\n"
        "driverName: ebs.csi.aws.com\nparameters: {iops: '6000'}\n",
        "1.33",
    ),
    "1.35": (
        "apiVersion: storagemigration.k8s.io/v1beta1\nkind: StorageVersionMigration\n"
        "metadata: {name: m}\nspec:\n  resource: {group: apps, resource: deployments}\n",
        "1.34",
    ),
    "1.36": (
        "apiVersion: admissionregistration.k8s.io/v1\nkind: MutatingAdmissionPolicyBinding\n"
        "metadata: {name: b}\nspec:\n  policyName: add-labels\n",
        "1.35",
    ),
    "1.37": (
        "apiVersion: certificates.k8s.io/v1\nkind: ClusterTrustBundle\n"
        "metadata: {name: 'example.com:ca'}\nspec:\n  signerName: example.com/ca\n"
        "  trustBundle: '-----BEGIN CERTIFICATE-----'\n",
        "1.36",
    ),
}


def test_every_bundled_minor_has_a_case() -> None:
    assert list(PER_MINOR) == bundled_versions()


@pytest.mark.parametrize("version", list(PER_MINOR))
def test_an_object_valid_on_each_bundled_minor(version: str) -> None:
    text, elsewhere = PER_MINOR[version]
    loaded = load_sources([Source("manifest.yaml", text.encode())], "default")
    result = lint_loaded(loaded, LintOptions(paths=[], kubernetes_version=version))
    assert [f.rule for f in result.findings] == []
    assert result.schema is not None and result.schema.validated == 1  # checked, and valid
    # A field the kind does not have is reported on that version's schema...
    broken = text.replace("metadata:", "bogus: 1\nmetadata:", 1)
    assert findings(broken, version) == [(3, 1, "unknown-field", 'unknown field "bogus"')]
    # ... and the version next to it does not serve the object at all.
    ((line, column, rule, _message),) = findings(text, elsewhere)
    assert (line, column) == (1, 13)
    assert rule in ("schema-violation", "removed-api-version")


def test_below_the_bundled_schemas_only_the_table_is_checked() -> None:
    text = (
        "apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: {name: web}\n"
        "spec: {bogus: 1}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\n"
        "spec:\n  replicas: '3'\n  selector: {matchLabels: {app: d}}\n"
        "  template:\n    metadata: {labels: {app: d}}\n"
        "    spec: {containers: [{name: c, image: busybox}]}\n"
    )
    assert findings(text, "1.21") == [
        (
            1,
            13,
            "deprecated-api-version",
            "extensions/v1beta1 Ingress is deprecated since Kubernetes 1.14 (removed in 1.22); "
            "use networking.k8s.io/v1 (available since 1.19).",
        )
    ]
    assert [f[:3] for f in findings(text, "1.22")] == [(1, 13, "removed-api-version")]
    assert [f[:3] for f in findings(text, "1.25")] == [
        (1, 13, "removed-api-version"),
        (10, 13, "schema-violation"),  # 1.25 has schemas: the string replicas count
    ]

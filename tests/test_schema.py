"""Schema stage: bundled Kubernetes schemas, CRDs in the set, --schema-dir, deprecated and
removed API versions, each finding at its exact line and column."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from kslint.api_schemas import SCHEMA_RULES, bundled_versions, resolve_version, resolve_versions
from kslint.api_schemas.deprecations import table
from kslint.errors import UsageError
from kslint.findings import Severity
from kslint.pipeline import LintOptions, LintResult, lint, lint_texts

FIXTURES = Path(__file__).parent / "fixtures"
BUILT_IN_KINDS = {
    "Pod",
    "Deployment",
    "ReplicaSet",
    "ReplicationController",
    "StatefulSet",
    "DaemonSet",
    "Job",
    "CronJob",
    "Service",
    "PersistentVolumeClaim",
    "PersistentVolume",
    "StorageClass",
    "PodDisruptionBudget",
    "HorizontalPodAutoscaler",
    "Namespace",
}


def schema_findings(result: LintResult) -> list[tuple[str, int, int, str, str]]:
    return [
        (Path(f.file).name, f.span.line, f.span.column, f.rule, f.message)
        for f in result.findings
        if f.rule in SCHEMA_RULES
    ]


def lint_text(text: str, version: str | None = None) -> LintResult:
    if version is None:
        return lint_texts([("manifest.yaml", text)])
    from kslint.loader import Source, load_sources
    from kslint.pipeline import lint_loaded

    loaded = load_sources([Source("manifest.yaml", text.encode())])
    return lint_loaded(loaded, LintOptions(paths=[], kubernetes_version=version))


def test_a_valid_object_of_each_built_in_kind_passes() -> None:
    result = lint(LintOptions(paths=[str(FIXTURES / "schema-valid")]))
    assert schema_findings(result) == []
    assert result.graph is not None
    assert {obj.kind for obj in result.graph.objects} == BUILT_IN_KINDS
    assert result.schema is not None
    assert result.schema.validated == len(BUILT_IN_KINDS)
    assert not result.schema.without_schema


@pytest.mark.parametrize("version", ["1.34", "1.35", "1.36", "1.37"])
def test_the_valid_kinds_pass_in_every_bundled_version(version: str) -> None:
    result = lint(LintOptions(paths=[str(FIXTURES / "schema-valid")], kubernetes_version=version))
    assert schema_findings(result) == []


def test_wrong_types_missing_fields_and_unknown_fields_at_their_node() -> None:
    result = lint(LintOptions(paths=[str(FIXTURES / "schema-invalid")]))
    assert schema_findings(result) == [
        (
            "claims.yaml",
            19,
            3,
            "unknown-field",
            'unknown field "spec.persistentVolumeReclaimPolicys"; '
            'did you mean "persistentVolumeReclaimPolicy"?',
        ),
        ("claims.yaml", 26, 1, "schema-violation", 'spec: missing required field "selector"'),
        (
            "claims.yaml",
            29,
            17,
            "schema-violation",
            "spec.strategy.rollingUpdate.maxSurge: expected integer or string, got boolean true",
        ),
        (
            "claims.yaml",
            38,
            30,
            "schema-violation",
            'spec.template.spec.containers[0].resources.limits.memory: string "2GB" is not a '
            "valid quantity (a number with an optional suffix: 10Gi, 500M, 250m, 1e3)",
        ),
        (
            "statefulset.yaml",
            7,
            14,
            "schema-violation",
            "metadata.labels.release: expected string, got integer 2",
        ),
        (
            "statefulset.yaml",
            9,
            13,
            "schema-violation",
            'spec.replicas: expected integer, got string "3"',
        ),
        (
            "statefulset.yaml",
            13,
            3,
            "unknown-field",
            'unknown field "spec.volumeClaimTemplate"; did you mean "volumeClaimTemplates"?',
        ),
        (
            "statefulset.yaml",
            25,
            11,
            "unknown-field",
            'unknown field "spec.template.spec.containers[0].volumeMount"; '
            'did you mean "volumeMounts"?',
        ),
        (
            "statefulset.yaml",
            27,
            11,
            "schema-violation",
            'spec.template.spec.containers[1]: missing required field "name"',
        ),
        (
            "statefulset.yaml",
            29,
            30,
            "schema-violation",
            "spec.template.spec.containers[1].ports[0].containerPort: expected integer, "
            'got string "9187"',
        ),
    ]
    severities = {f.rule: f.severity for f in result.findings if f.rule in SCHEMA_RULES}
    assert severities == {"schema-violation": Severity.ERROR, "unknown-field": Severity.ERROR}


def test_a_field_a_check_reported_as_invalid_object_is_not_reported_twice() -> None:
    text = """\
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data}
spec:
  accessModes: [ReadWriteOnce]
  storageClassName: standard
  resources: {requests: {storage: 10GB}}
"""
    result = lint_text(text)
    at_storage = [f.rule for f in result.findings if (f.span.line, f.span.column) == (7, 35)]
    assert len(at_storage) == 1, at_storage  # invalid-object or schema-violation, not both


def test_findings_carry_the_node_path() -> None:
    result = lint(LintOptions(paths=[str(FIXTURES / "schema-invalid" / "statefulset.yaml")]))
    paths = {f.path for f in result.findings if f.rule in SCHEMA_RULES}
    assert ("spec", "volumeClaimTemplate") in paths
    assert ("spec", "template", "spec", "containers", 0, "volumeMount") in paths


DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata: {{name: web}}
spec:
  strategy:
    rollingUpdate: {{maxSurge: {surge}, maxUnavailable: {unavailable}}}
  selector: {{matchLabels: {{app: web}}}}
  template:
    metadata: {{labels: {{app: web}}}}
    spec:
      containers:
        - name: web
          image: nginx:1.27
          resources:
            requests: {{cpu: {cpu}, memory: {memory}}}
"""


@pytest.mark.parametrize(
    ("surge", "unavailable", "cpu", "memory"),
    [
        ("25%", "1", "100m", "64Mi"),
        ("1", "25%", "0.5", "1Gi"),
        ("0", "'50%'", "1", "1e9"),
        ("2", "0", "'2'", "'512M'"),
        ("'3'", "1", "1.5", "134217728"),
    ],
)
def test_int_or_string_and_quantity_fields_accept_both_forms(
    surge: str, unavailable: str, cpu: str, memory: str
) -> None:
    text = DEPLOYMENT.format(surge=surge, unavailable=unavailable, cpu=cpu, memory=memory)
    assert schema_findings(lint_text(text)) == []


@pytest.mark.parametrize(
    ("surge", "cpu", "memory", "expected"),
    [
        (
            "[1]",
            "1",
            "1Gi",
            (6, 31, "spec.strategy.rollingUpdate.maxSurge: expected integer or string, got a list"),
        ),
        (
            "1",
            "true",
            "1Gi",
            (
                15,
                29,
                "spec.template.spec.containers[0].resources.requests.cpu: "
                "expected string or number, got boolean true",
            ),
        ),
        (
            "1",
            "1",
            "1 Gi",
            (
                15,
                40,
                "spec.template.spec.containers[0].resources.requests.memory: "
                'string "1 Gi" is not a valid quantity (a number with an '
                "optional suffix: 10Gi, 500M, 250m, 1e3)",
            ),
        ),
    ],
)
def test_int_or_string_and_quantity_fields_reject_other_values(
    surge: str, cpu: str, memory: str, expected: tuple[int, int, str]
) -> None:
    text = DEPLOYMENT.format(surge=surge, unavailable=1, cpu=cpu, memory=memory)
    line, column, message = expected
    assert schema_findings(lint_text(text)) == [
        ("manifest.yaml", line, column, "schema-violation", message)
    ]


def test_nullable_fields_and_null_timestamps_are_valid() -> None:
    text = """\
apiVersion: v1
kind: Pod
metadata:
  name: p
  creationTimestamp: null
  annotations: null
spec:
  nodeSelector: null
  containers:
    - name: c
      image: busybox
      resources: {}
status: {}
"""
    assert schema_findings(lint_text(text)) == []


REMOVED = sorted(
    (change.api_version, change.kind, change.removed)
    for change in table().values()
    if change.removed is not None and change.removed_in(bundled_versions()[-1])
)


@pytest.mark.parametrize(("api_version", "kind", "removed"), REMOVED)
def test_every_removed_api_version_in_the_table(api_version: str, kind: str, removed: str) -> None:
    text = f"apiVersion: {api_version}\nkind: {kind}\nmetadata:\n  name: old\nspec:\n  bogus: 1\n"
    findings = schema_findings(lint_text(text))
    assert len(findings) == 1, findings  # the removal only: no schema findings on top
    _file, line, column, rule, message = findings[0]
    assert (line, column, rule) == (1, 13, "removed-api-version")
    assert f"{api_version} {kind} is no longer served since Kubernetes {removed}" in message
    change = table()[(api_version, kind)]
    if change.replacement is not None:
        assert f"use {change.replacement}" in message


def test_removed_api_names_the_replacement_and_release() -> None:
    text = "apiVersion: extensions/v1beta1\nkind: Deployment\nmetadata: {name: web}\nspec: {}\n"
    assert schema_findings(lint_text(text)) == [
        (
            "manifest.yaml",
            1,
            13,
            "removed-api-version",
            "extensions/v1beta1 Deployment is no longer served since Kubernetes 1.16 "
            "(target: 1.37); use apps/v1 (available since 1.9).",
        )
    ]


VOLUME_ATTRIBUTES_CLASS = """\
apiVersion: storage.k8s.io/v1beta1
kind: VolumeAttributesClass
metadata:
  name: gold
driverName: pd.csi.storage.gke.io
parameters:
  iops: "3000"
"""


def test_the_version_switch_changes_the_outcome_for_an_api_removed_in_between() -> None:
    at_136 = schema_findings(lint_text(VOLUME_ATTRIBUTES_CLASS, "1.36"))
    at_137 = schema_findings(lint_text(VOLUME_ATTRIBUTES_CLASS, "1.37"))
    assert at_136 == [
        (
            "manifest.yaml",
            1,
            13,
            "deprecated-api-version",
            "storage.k8s.io/v1beta1 VolumeAttributesClass is deprecated since Kubernetes 1.34 "
            "(removed in 1.37); use storage.k8s.io/v1 (available since 1.34).",
        )
    ]
    assert at_137 == [
        (
            "manifest.yaml",
            1,
            13,
            "removed-api-version",
            "storage.k8s.io/v1beta1 VolumeAttributesClass is no longer served since Kubernetes "
            "1.37 (target: 1.37); use storage.k8s.io/v1 (available since 1.34).",
        )
    ]


def test_a_deprecated_api_is_still_validated() -> None:
    text = VOLUME_ATTRIBUTES_CLASS.replace("driverName", "driver")
    assert [f[1:4] for f in schema_findings(lint_text(text, "1.35"))] == [
        (1, 13, "deprecated-api-version"),
        (2, 1, "schema-violation"),  # missing driverName: reported at the object's kind
        (5, 1, "unknown-field"),
    ]


def test_an_api_version_newer_than_the_target_is_a_schema_violation() -> None:
    text = "apiVersion: storagemigration.k8s.io/v1\nkind: StorageVersionMigration\n"
    text += "metadata: {name: m}\nspec: {resource: {group: apps, resource: deployments}}\n"
    assert schema_findings(lint_text(text, "1.37")) == []
    (finding,) = schema_findings(lint_text(text, "1.36"))
    assert finding[1:4] == (1, 13, "schema-violation")
    assert "served from Kubernetes 1.37" in finding[4]
    assert "use storagemigration.k8s.io/v1beta1" in finding[4]


def test_a_misspelled_built_in_api_version() -> None:
    text = "apiVersion: apps/v2\nkind: StatefulSet\nmetadata: {name: db}\nspec: {}\n"
    assert schema_findings(lint_text(text)) == [
        (
            "manifest.yaml",
            1,
            13,
            "unknown-kind",
            "No Kubernetes version serves kind StatefulSet at apiVersion apps/v2: the API "
            "server rejects StatefulSet default/db, and kslint leaves it out of every "
            "relation; use apiVersion: apps/v1.",
        )
    ]


def test_a_crd_in_the_set_validates_its_custom_resources() -> None:
    result = lint(LintOptions(paths=[str(FIXTURES / "schema-crd")]))
    assert schema_findings(result) == [
        (
            "databases.yaml",
            36,
            3,
            "unknown-field",
            'unknown field "metadata.lables"; did you mean "labels"?',
        ),
        (
            "databases.yaml",
            38,
            11,
            "schema-violation",
            'spec.engine: string "oracle" is not one of "postgres", "mysql"',
        ),
        (
            "databases.yaml",
            39,
            13,
            "schema-violation",
            "spec.replicas: 12 is greater than the maximum of 9",
        ),
        (
            "databases.yaml",
            41,
            11,
            "schema-violation",
            "spec.storage.size: expected integer or string, got boolean true",
        ),
        (
            "databases.yaml",
            42,
            5,
            "unknown-field",
            'unknown field "spec.storage.sizeGb"; did you mean "size"?',
        ),
        (
            "databases.yaml",
            44,
            15,
            "schema-violation",
            "spec.tuning.work_mem: expected string, got integer 64",
        ),
        ("databases.yaml", 50, 1, "schema-violation", 'spec: missing required field "engine"'),
        ("databases.yaml", 50, 1, "schema-violation", 'spec: missing required field "storage"'),
    ]
    assert result.schema is not None
    assert result.schema.validated == 5  # the CRD itself and its four resources
    assert not result.schema.without_schema


def test_a_crd_with_an_invalid_schema_validates_nothing() -> None:
    """The API server refuses a CRD whose schema has a bound that is not a number: the CRD
    gets its schema-violation, its resources are not checked against it (and nothing
    crashes comparing a number with a string)."""
    crd = """\
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata: {name: widgets.example.com}
        spec:
          group: example.com
          names: {kind: Widget, plural: widgets}
          scope: Namespaced
          versions:
            - name: v1
              served: true
              storage: true
              schema:
                openAPIV3Schema:
                  type: object
                  properties:
                    spec:
                      type: object
                      properties:
                        size: {type: integer, minimum: "one"}
                        name: {type: string, maxLength: [3]}
        """
    widget = "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {size: 3}\n"
    result = lint_texts([("crd.yaml", textwrap.dedent(crd)), ("widget.yaml", widget)])
    # At the values: `"one"` and `[3]` on the lines of `size` and `name`.
    assert [(f.file, f.span.line, f.span.column, f.rule) for f in result.findings] == [
        ("crd.yaml", 19, 48, "schema-violation"),
        ("crd.yaml", 20, 49, "schema-violation"),
    ]


def test_custom_resources_without_their_crd_are_counted_not_reported() -> None:
    result = lint(LintOptions(paths=[str(FIXTURES / "schema-crd" / "databases.yaml")]))
    assert schema_findings(result) == []
    assert result.schema is not None
    assert result.schema.without_schema == {"example.com/v1 Database": 4}


def test_an_unknown_kind_passes() -> None:
    text = "apiVersion: example.org/v1\nkind: Widget\nmetadata: {name: w}\nspec: {anything: 1}\n"
    result = lint_text(text)
    assert schema_findings(result) == []
    assert result.schema is not None
    assert result.schema.without_schema == {"example.org/v1 Widget": 1}


def test_schema_dir_in_kubeconform_naming() -> None:
    folder = FIXTURES / "schema-dir"
    options = LintOptions(
        paths=[str(folder / "clusters.yaml")], schema_dirs=[str(folder / "schemas")]
    )
    assert schema_findings(lint(options)) == [
        (
            "clusters.yaml",
            18,
            3,
            "unknown-field",
            'unknown field "spec.numberOfInstance"; did you mean "numberOfInstances"?',
        ),
        (
            "clusters.yaml",
            20,
            11,
            "schema-violation",
            'spec.volume.size: string "10 GB" does not match the pattern '
            r"^(\d+(e\d+)?|\d+(\.\d+)?(e\d+)?[EPTGMK]i?)$",
        ),
        (
            "clusters.yaml",
            27,
            12,
            "schema-violation",
            'configuration.workers: expected integer, got string "8"',
        ),
    ]


def test_a_missing_schema_dir_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="not a directory"):
        lint(LintOptions(paths=[str(FIXTURES / "schema-valid")], schema_dirs=[str(tmp_path / "x")]))


def test_versions() -> None:
    versions = bundled_versions()
    assert versions == [f"1.{minor}" for minor in range(25, 38)]
    assert resolve_version(None) == "1.37"
    assert resolve_version("v1.35") == "1.35"
    assert resolve_version("1.36.4") == "1.36"
    assert resolve_version("1.16") == "1.16"  # the removal table only
    assert resolve_versions("1.34, 1.31,v1.34.2") == ["1.31", "1.34"]
    assert resolve_versions(["1.20", "1.29"]) == ["1.20", "1.29"]
    assert resolve_versions("") == ["1.37"]
    with pytest.raises(UsageError, match=r"supported: 1\.16 to 1\.37"):
        resolve_version("1.15")
    with pytest.raises(UsageError, match="expected one Kubernetes version"):
        resolve_version("1.30,1.31")


def test_the_table_agrees_with_the_bundled_schemas() -> None:
    from kslint.api_schemas.store import served

    for change in table().values():
        for version in bundled_versions():
            if change.removed_in(version):
                assert not served(version, change.api_version, change.kind), (change, version)
            elif change.removed is not None and change.deprecated_in(version):
                assert served(version, change.api_version, change.kind), (change, version)
        if change.replacement is not None:
            kind = change.replacement_kind or change.kind
            newest = bundled_versions()[-1]
            assert served(newest, change.replacement, kind), change

"""Properties that hold for any input: no tracebacks, no rule crashes, and findings
independent of how the same manifests are arranged into files.

The engine turns a crashing rule into an ``internal-error`` finding (exit code 1, a valid
report), so "no traceback" alone would let a crash pass: every property also asserts that no
``internal-error`` finding appears."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from kslint.cli import app
from kslint.pipeline import LintOptions, lint

runner = CliRunner()


def _lint_stdin(data: bytes) -> None:
    result = runner.invoke(app, ["lint", "-", "--format", "json"], input=data)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code in (0, 1), result.output
    report = json.loads(result.stdout)
    crashes = [f for f in report["findings"] if f["rule"] == "internal-error"]
    assert not crashes, crashes


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=2000))
def test_random_bytes_never_crash(data: bytes) -> None:
    _lint_stdin(data)


YAMLISH = st.text(
    alphabet=st.sampled_from([*list("abk:-[]{}&*!|>'\"#\n\t ,?%@`0123456789.~<"), "\ufeff", "é"]),
    max_size=400,
)


@settings(max_examples=300, deadline=None)
@given(YAMLISH)
def test_random_yaml_like_text_never_crashes(text: str) -> None:
    _lint_stdin(text.encode("utf-8"))


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "apiVersion: v1",
                "kind: Pod",
                "kind: StatefulSet",
                "metadata:",
                "  name: a",
                "  name: [1]",
                "spec:",
                "  volumes: {a: 1}",
                "  volumes:",
                "  - name: v",
                "    nfs: {}",
                "    hostPath: 3",
                "  replicas: x",
                "  serviceName: 5",
                "  template: []",
                "---",
                "items: 4",
                "kind: List",
                "  selector: {matchExpressions: [{}]}",
            ]
        ),
        max_size=20,
    )
)
def test_malformed_objects_never_crash(lines: list[str]) -> None:
    _lint_stdin("\n".join(lines).encode())


# A pool of related documents: claims, workloads that use them, services, volumes.
POOL = [
    "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: data}\n"
    "spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}",
    "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: shared}\n"
    "spec: {accessModes: [ReadWriteMany], resources: {requests: {storage: 1Gi}}}",
    "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 2\n"
    "  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers: [{name: a, image: nginx}]\n"
    "      volumes: [{name: d, persistentVolumeClaim: {claimName: data}}]",
    "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: worker}\nspec:\n"
    "  template:\n    metadata: {labels: {app: worker}}\n    spec:\n      containers: [{name: a, image: busybox}]\n"
    "      volumes: [{name: d, persistentVolumeClaim: {claimName: data}}, {name: h, hostPath: {path: /x}}]",
    "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: db}\nspec:\n  serviceName: db\n  replicas: 3\n"
    "  selector: {matchLabels: {app: db}}\n  template:\n    metadata: {labels: {app: db}}\n"
    "    spec:\n      containers: [{name: db, image: postgres}]\n"
    "      volumes: [{name: n, nfs: {server: s, path: /}}]",
    "apiVersion: v1\nkind: Service\nmetadata: {name: db}\nspec: {clusterIP: 10.0.0.1, selector: {app: dbx}}",
    "apiVersion: v1\nkind: PersistentVolume\nmetadata: {name: pv1}\nspec: {persistentVolumeReclaimPolicy: Recycle}",
    "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: fast}\nprovisioner: ebs.csi.aws.com",
    "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: worker}\n"
    "spec: {scaleTargetRef: {kind: Deployment, name: worker}, maxReplicas: 4}",
    "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: cache, namespace: other}\nspec:\n"
    "  template:\n    metadata: {labels: {app: cache}}\n    spec:\n      containers: [{name: c, image: redis}]",
]


def _essence(directory: Path) -> Counter:
    result = lint(LintOptions(paths=[str(directory)]))
    crashes = [f.message for f in result.findings if f.rule == "internal-error"]
    assert not crashes, crashes
    return Counter(
        (f.rule, str(f.obj), f.message, tuple(sorted(r.message for r in f.related)))
        for f in result.findings
    )


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.sampled_from(range(len(POOL))), min_size=1, unique=True), st.randoms())
def test_findings_do_not_depend_on_file_layout(tmp_path_factory, picks: list[int], random) -> None:
    documents = [POOL[i] for i in picks]
    one = tmp_path_factory.mktemp("one")
    (one / "all.yaml").write_text("\n---\n".join(documents) + "\n")
    split = tmp_path_factory.mktemp("split")
    shuffled = documents[:]
    random.shuffle(shuffled)
    for index, document in enumerate(shuffled):
        (split / f"doc{index:02d}.yaml").write_text(document + "\n")
    reordered = tmp_path_factory.mktemp("reordered")
    for index, document in enumerate(reversed(shuffled)):
        (reordered / f"doc{index:02d}.yaml").write_text(document + "\n")
    expected = _essence(one)
    assert _essence(split) == expected
    assert _essence(reordered) == expected

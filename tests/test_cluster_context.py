"""The live cluster as context: a ``kubectl get ... -o yaml`` dump (a ``kind: List`` with
status, managedFields and server-set fields) given with ``--context`` or named in the
configuration's ``context``. Its objects resolve references and count as written; they are
never linted, never schema-checked and never get findings."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from helpers import lint_json, run_kslint, write_files

FIXTURE = Path(__file__).parent / "fixtures" / "cluster-context"

# What the repository's manifests get once the cluster's objects are known.
WITH_CLUSTER = [
    ("pvc-volume-mismatch", "deploy/grafana.yaml", 40, 16),
    ("storageclass-not-found", "deploy/grafana.yaml", 49, 21),
    ("stateful-claim-delete-reclaim", "deploy/postgres.yaml", 28, 27),
]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(FIXTURE, tmp_path / "project")
    (tmp_path / "project" / ".git").mkdir()  # the configuration search stops here
    return tmp_path / "project"


def found(document: dict[str, Any]) -> list[tuple[str, str, int, int]]:
    return [(f["rule"], f["file"], f["line"], f["column"]) for f in document["findings"]]


def test_without_the_cluster_references_to_live_objects_are_not_found(project: Path) -> None:
    assert found(lint_json("deploy", cwd=project)) == [
        ("pvc-not-found", "deploy/grafana.yaml", 27, 24),
        ("statefulset-service-not-found", "deploy/postgres.yaml", 7, 16),
    ]


def test_context_flag_makes_the_rules_see_the_cluster(project: Path) -> None:
    document = lint_json("deploy", "--context", "cluster.yaml", cwd=project)
    assert found(document) == WITH_CLUSTER
    by_rule = {f["rule"]: f for f in document["findings"]}
    # The live StorageClass's reclaimPolicy: Delete counts as written.
    delete = by_rule["stateful-claim-delete-reclaim"]
    assert [(r["file"], r["line"], r["column"]) for r in delete["related"]] == [
        ("cluster.yaml", 38, 3)
    ]
    # A typo of a class that exists only in the cluster: "did you mean".
    typo = by_rule["storageclass-not-found"]
    assert "did you mean 'io2-retain'?" in typo["message"]
    assert [(r["file"], r["line"], r["column"]) for r in typo["related"]] == [
        ("cluster.yaml", 44, 11)
    ]
    # A claim bound by name to a live PV that is too small for it.
    mismatch = by_rule["pvc-volume-mismatch"]
    assert "the PV holds 100Gi, less than the 200Gi requested" in mismatch["message"]
    assert [(r["file"], r["line"], r["column"]) for r in mismatch["related"]] == [
        ("cluster.yaml", 144, 7)
    ]
    assert document["summary"]["files"] == 2  # the dump is not one of the linted files


def test_the_dumped_storage_classes_are_the_cluster_s_complete_list(project: Path) -> None:
    claim = """\
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata:
          name: cache
          namespace: monitoring
        spec:
          accessModes: [ReadWriteOnce]
          storageClassName: premium-rwo
          resources:
            requests:
              storage: 10Gi
        """
    write_files(project, {"deploy/cache.yaml": claim})
    # Without the dump nobody knows the cluster's classes: silent.
    assert ("storageclass-not-found", "deploy/cache.yaml", 8, 21) not in found(
        lint_json("deploy", cwd=project)
    )
    document = lint_json("deploy", "--context", "cluster.yaml", cwd=project)
    assert ("storageclass-not-found", "deploy/cache.yaml", 8, 21) in found(document)
    (finding,) = [f for f in document["findings"] if f["file"] == "deploy/cache.yaml"]
    assert (
        "neither in the set nor among the cluster's declared storage classes"
        in (finding["message"])
    )


def test_the_repository_definition_wins_over_the_live_one(project: Path) -> None:
    # The repository defines gp3 with Retain: the live Delete no longer counts.
    classes = """\
        apiVersion: storage.k8s.io/v1
        kind: StorageClass
        metadata:
          name: gp3
        provisioner: ebs.csi.aws.com
        reclaimPolicy: Retain
        volumeBindingMode: WaitForFirstConsumer
        """
    write_files(project, {"deploy/classes.yaml": classes})
    document = lint_json("deploy", "--context", "cluster.yaml", cwd=project)
    assert found(document) == [f for f in WITH_CLUSTER if f[0] != "stateful-claim-delete-reclaim"]


def test_context_objects_never_get_findings_nor_schema_checks(project: Path) -> None:
    # Linted as a file, the dump trips the 1.25 schema (status.lastPhaseTransitionTime
    # came later); as context it is never validated.
    linted = lint_json("cluster.yaml", "--kubernetes-version", "1.25", cwd=project)
    assert ("unknown-field", "cluster.yaml", 131, 5) in found(linted)
    document = lint_json(
        ".", "--context", "cluster.yaml", "--kubernetes-version", "1.25", cwd=project
    )
    assert found(document) == WITH_CLUSTER  # `.` covers the dump: context wins


def test_a_finding_that_belongs_to_a_context_object_is_dropped(project: Path) -> None:
    # Two Deployments share the live ReadWriteOnce claim: pvc-shared-across-workloads
    # belongs to the claim, which lives in the cluster, so it is not reported; the
    # repository's own Deployments still get theirs.
    grafana = (project / "deploy" / "grafana.yaml").read_text()
    copy = grafana.split("---", 1)[0].replace("name: grafana\n", "name: grafana-2\n", 1)
    write_files(project, {"deploy/grafana-2.yaml": copy})
    shared = ("pvc-shared-across-workloads", "cluster.yaml", 73, 5)
    assert shared in found(lint_json("deploy", "cluster.yaml", cwd=project))  # both linted
    as_context = found(lint_json("deploy", "--context", "cluster.yaml", cwd=project))
    assert shared not in as_context
    assert all(file.startswith("deploy/") for _rule, file, _line, _column in as_context)


def test_configuration_context_names_the_dump(project: Path) -> None:
    (project / ".kslint.yaml").write_text("context: [cluster.yaml]\n")
    document = lint_json(".", cwd=project)
    assert found(document) == WITH_CLUSTER
    assert document["summary"]["files"] == 2
    # pre-commit: only a changed file, the rest of the project and the cluster as context.
    changed = lint_json("deploy/postgres.yaml", cwd=project)
    assert found(changed) == [("stateful-claim-delete-reclaim", "deploy/postgres.yaml", 28, 27)]


def test_a_missing_context_path_is_a_usage_error(project: Path) -> None:
    result = run_kslint("lint", "deploy", "--context", "nowhere.yaml", cwd=project)
    assert result.returncode == 2
    assert "path does not exist: nowhere.yaml" in result.stderr


def test_the_readme_documents_the_cluster_dump() -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    command = (
        "kubectl get storageclass,persistentvolumeclaim,persistentvolume,service -A -o yaml "
        "> cluster.yaml"
    )
    assert command in readme
    assert "--context cluster.yaml" in readme

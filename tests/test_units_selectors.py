"""Label selectors in plain files are scoped by directory like names: a Service or a
PodDisruptionBudget in ``deploy/dev/`` selects dev's pods, not prod's (``kslint.nearest``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from helpers import lint_json, write_files

from kslint.graph import Graph
from kslint.loader import Source, load_sources
from kslint.policies.edges import EDGES, Node, with_labels

STATEFULSET = """\
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  serviceName: db
  replicas: {replicas}
  selector:
    matchLabels: {{app: db}}
  template:
    metadata:
      labels: {{app: db}}
    spec:
      containers:
        - name: db
          image: example/db:1
"""

SERVICE = """\
apiVersion: v1
kind: Service
metadata:
  name: db
spec:
  clusterIP: None
  selector: {app: db}
"""

PDB = """\
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: db
spec:
  minAvailable: {min_available}
  selector:
    matchLabels: {{app: db}}
"""

RULES = "statefulset-missing-pdb,pdb-blocks-eviction"


def _environments(
    dev: int = 3, prod: int = 5, dev_min: int = 2, prod_min: int | None = 4
) -> dict[str, str]:
    files = {
        "deploy/dev/statefulset.yaml": STATEFULSET.format(replicas=dev),
        "deploy/dev/service.yaml": SERVICE,
        "deploy/dev/pdb.yaml": PDB.format(min_available=dev_min),
        "deploy/prod/statefulset.yaml": STATEFULSET.format(replicas=prod),
        "deploy/prod/service.yaml": SERVICE,
    }
    if prod_min is not None:
        files["deploy/prod/pdb.yaml"] = PDB.format(min_available=prod_min)
    return files


def _found(document: dict[str, Any]) -> list[tuple[str, str, int, int]]:
    return [(f["rule"], f["file"], f["line"], f["column"]) for f in document["findings"]]


def test_environment_folders_each_with_a_budget_have_no_cross_wiring(tmp_path: Path) -> None:
    write_files(tmp_path, _environments())
    assert _found(lint_json(".", "--select", RULES, cwd=tmp_path)) == []


def test_a_budget_counts_only_the_pods_of_its_own_folder(tmp_path: Path) -> None:
    # dev: 1 replica, minAvailable 1 blocks every eviction. Counted together with prod's
    # 5 replicas (6 pods) it would not.
    write_files(tmp_path, _environments(dev=1, dev_min=1))
    document = lint_json(".", "--select", RULES, cwd=tmp_path)
    assert _found(document) == [("pdb-blocks-eviction", "deploy/dev/pdb.yaml", 6, 3)]
    [finding] = document["findings"]
    assert "of the 1 pods of StatefulSet default/db" in finding["message"]
    assert [(r["file"], r["line"], r["column"]) for r in finding["related"]] == [
        ("deploy/dev/statefulset.yaml", 4, 9)
    ]


def test_a_missing_budget_in_prod_is_found_though_dev_has_one(tmp_path: Path) -> None:
    write_files(tmp_path, _environments(prod_min=None))
    assert _found(lint_json(".", "--select", RULES, cwd=tmp_path)) == [
        ("statefulset-missing-pdb", "deploy/prod/statefulset.yaml", 7, 13)
    ]


def _graph(files: dict[str, str]) -> tuple[Graph, dict[str, Any]]:
    loaded = load_sources(Source(path, text.encode()) for path, text in files.items())
    graph = Graph(loaded.objects)
    views = {f"{obj.file.path}:{obj.kind}": graph.model(obj) for obj in loaded.objects}
    return graph, views


def test_selector_relations_in_both_directions_stay_in_their_folder() -> None:
    graph, view = _graph(_environments())
    dev, prod = (
        view["deploy/dev/statefulset.yaml:StatefulSet"],
        view["deploy/prod/statefulset.yaml:StatefulSet"],
    )
    assert [p.obj.file.path for p in graph.pdbs(dev)] == ["deploy/dev/pdb.yaml"]
    assert [p.obj.file.path for p in graph.pdbs(prod)] == ["deploy/prod/pdb.yaml"]
    assert [s.obj.file.path for s in graph.services(prod)] == ["deploy/prod/service.yaml"]
    pdb = view["deploy/dev/pdb.yaml:PodDisruptionBudget"]
    assert [w.obj.file.path for w in graph.pdb_workloads(pdb)] == ["deploy/dev/statefulset.yaml"]
    service = view["deploy/prod/service.yaml:Service"]
    assert [w.obj.file.path for w in graph.service_workloads(service)] == [
        "deploy/prod/statefulset.yaml"
    ]


def test_a_budget_in_a_parent_folder_selects_the_pods_of_every_folder_below() -> None:
    files = _environments(prod_min=None)
    del files["deploy/dev/pdb.yaml"]
    files["deploy/pdb.yaml"] = PDB.format(min_available=1)
    graph, view = _graph(files)
    pdb = view["deploy/pdb.yaml:PodDisruptionBudget"]
    assert [w.obj.file.path for w in graph.pdb_workloads(pdb)] == [
        "deploy/dev/statefulset.yaml",
        "deploy/prod/statefulset.yaml",
    ]


def test_a_workload_in_a_parent_folder_is_nearer_than_a_sibling_folders() -> None:
    files = {
        "deploy/statefulset.yaml": STATEFULSET.format(replicas=3),
        "deploy/other/statefulset.yaml": STATEFULSET.format(replicas=3).replace(
            "name: db\n", "name: db-other\n", 1
        ),
        "deploy/prod/pdb.yaml": PDB.format(min_available=1),
    }
    graph, view = _graph(files)
    pdb = view["deploy/prod/pdb.yaml:PodDisruptionBudget"]
    assert [w.obj.file.path for w in graph.pdb_workloads(pdb)] == ["deploy/statefulset.yaml"]


def test_copies_of_one_budget_select_a_shared_workload_from_the_nearest_copy() -> None:
    files = {
        "deploy/shared/statefulset.yaml": STATEFULSET.format(replicas=3),
        "deploy/shared/pdb.yaml": PDB.format(min_available=1),
        "deploy/prod/pdb.yaml": PDB.format(min_available=2),
    }
    graph, view = _graph(files)
    workload = view["deploy/shared/statefulset.yaml:StatefulSet"]
    assert [p.obj.file.path for p in graph.pdbs(workload)] == ["deploy/shared/pdb.yaml"]
    assert graph.pdb_workloads(view["deploy/prod/pdb.yaml:PodDisruptionBudget"]) == []


POOL = """\
apiVersion: kafka.strimzi.io/v1beta2
kind: KafkaNodePool
metadata:
  name: {name}
  labels: {{strimzi.io/cluster: events}}
spec:
  replicas: 3
  roles: [broker]
"""


def test_operator_peers_found_by_labels_stay_in_their_folder() -> None:
    files = {
        "deploy/dev/pools.yaml": POOL.format(name="brokers"),
        "deploy/prod/pools.yaml": POOL.format(name="brokers")
        + "---\n"
        + POOL.format(name="controllers"),
    }
    graph, _ = _graph(files)
    peers = with_labels(EDGES["peers"], ("strimzi.io/cluster",))
    by_file = {obj.file.path: obj for obj in graph.objects if obj.name == "brokers"}
    dev = peers.follow(Node.of(by_file["deploy/dev/pools.yaml"], graph), graph)
    prod = peers.follow(Node.of(by_file["deploy/prod/pools.yaml"], graph), graph)
    assert dev == []
    assert [(node.obj.file.path, node.obj.name) for node, _ in prod] == [
        ("deploy/prod/pools.yaml", "controllers")
    ]

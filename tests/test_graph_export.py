"""``kslint graph``: the storage graph of the fixtures as exact text in each format, drawn
for real by Graphviz and parsed by Mermaid's own parser (tests/renderers.py), with stable
ids, sorted output, escaping of hostile names, --only-findings and several units."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from helpers import run_kslint, write_files
from renderers import dot_svg, mermaid_parse

from kslint.findings import Severity
from kslint.graph import Graph
from kslint.loader import Source, load_source
from kslint.pipeline import LintOptions, lint
from kslint.report.graph_export import Edge, Mark, Node, StorageGraph, run_graphs, storage_graph
from kslint.report.graph_render import to_dot, to_json, to_mermaid

ROOT = Path(__file__).parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
GRAPH = FIXTURES / "graph"
EXPECTED = FIXTURES / "graph-expected"
# The expected files: python scripts/render_graphs.py --fixtures rewrites them.
OUTPUTS = {
    "graph.mmd": ["--format", "mermaid"],
    "graph.dot": ["--format", "dot"],
    "graph.json": ["--format", "json"],
    "only-findings.mmd": ["--format", "mermaid", "--only-findings"],
}
SVG = "{http://www.w3.org/2000/svg}"


def graph_output(*args: str, cwd: Path = GRAPH) -> str:
    done = run_kslint("graph", "--no-config", *args, cwd=cwd)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.parametrize("name", sorted(OUTPUTS))
def test_fixture_graph_is_exactly_the_expected_text(name: str) -> None:
    expected = (EXPECTED / name).read_text(encoding="utf-8")
    assert graph_output(".", *OUTPUTS[name]) == expected


def test_mermaid_marks_findings_placeholders_and_labels() -> None:
    text = graph_output(".")
    lines = text.splitlines()
    assert lines[0] == "flowchart LR"
    # Every relation label, each edge once.
    for edge in (
        'svc_shop_db -->|"governs<br/>statefulset-service-not-headless"| sts_shop_db',
        'pdb_shop_db -->|"budgets"| sts_shop_db',
        'hpa_shop_web -->|"scales<br/>deployment-shared-rwo-pvc"| deploy_shop_web',
        'sts_shop_db -->|"mounts"| tpl_shop_db_data',
        'tpl_shop_db_data -->|"class<br/>stateful-claim-delete-reclaim"| sc_fast',
        'pvc_shop_uploads -->|"binds"| pv_uploads_pv',
        'pv_uploads_pv -->|"class"| sc_standard',
    ):
        assert f"  {edge}" in lines
    # Missing targets: dashed placeholder nodes, dashed edges carrying the rule.
    assert '  pvc_shop_scratch["PVC<br/>shop/scratch<br/>(not in the set)"]' in lines
    assert '  deploy_shop_thumbnailer -.->|"mounts<br/>pvc-not-found"| pvc_shop_scratch' in lines
    assert "  class svc_shop_queue_headless,pvc_shop_scratch,sc_premium kslint_missing" in lines
    # Colour by the most serious finding: the web Deployment has an error and a warning.
    assert "  class deploy_shop_web,sts_shop_db kslint_error" in lines
    # A claim a pod volume names after a claim template's replica is the template.
    assert '  cronjob_shop_db_backup -->|"mounts"| tpl_shop_db_data' in lines
    assert "pvc_shop_data_db_0" not in text


def test_json_lists_positions_findings_and_edges() -> None:
    document = json.loads(graph_output(".", "--format", "json"))
    assert document["version"] == 1
    (unit,) = document["units"]
    assert unit["unit"] is None
    nodes = {node["id"]: node for node in unit["nodes"]}
    assert nodes["sts_shop_db"]["file"] == "database.yaml"
    assert nodes["sts_shop_db"]["line"] == 14
    assert nodes["pvc_shop_scratch"] == {
        "id": "pvc_shop_scratch",
        "apiVersion": None,
        "kind": "PersistentVolumeClaim",
        "namespace": "shop",
        "name": "scratch",
        "missing": True,
        "file": None,
        "line": None,
        "findings": [],
    }
    assert nodes["sc_fast"]["namespace"] is None
    edges = {(e["from"], e["label"], e["to"]): e for e in unit["edges"]}
    (governs,) = edges[("svc_shop_db", "governs", "sts_shop_db")]["findings"]
    assert governs["rule"] == "statefulset-service-not-headless"
    assert governs["severity"] == "error"
    assert {label for _, label, _ in edges} == {
        "mounts",
        "binds",
        "class",
        "governs",
        "budgets",
        "scales",
    }


def test_only_findings_keeps_findings_and_their_neighbours() -> None:
    full = graph_output(".", "--format", "json")
    kept = json.loads(graph_output(".", "--format", "json", "--only-findings"))
    ids = {node["id"] for node in kept["units"][0]["nodes"]}
    assert not any("ledger" in node_id for node_id in ids)  # nothing wrong there
    assert "sc_standard" in ids  # a neighbour of the shared claim
    assert "pdb_shop_db" in ids  # a neighbour of the StatefulSet with findings
    assert "ledger" in full


def test_output_does_not_depend_on_input_order(tmp_path: Path) -> None:
    """Files named in another order, documents of a file reversed: the same text."""
    shuffled = tmp_path / "shuffled"
    shuffled.mkdir()
    for source in GRAPH.glob("*.yaml"):
        documents = source.read_text(encoding="utf-8").split("\n---\n")
        (shuffled / source.name).write_text("\n---\n".join(reversed(documents)), encoding="utf-8")
    files = sorted(path.name for path in shuffled.glob("*.yaml"))
    for format in ("mermaid", "dot", "json"):
        reordered = graph_output(*reversed(files), "--format", format, cwd=shuffled)
        forward = graph_output(*files, "--format", format, cwd=shuffled)
        assert reordered == forward
        ids = lambda text: sorted(  # noqa: E731
            node["id"] for node in json.loads(text)["units"][0]["nodes"]
        )
        if format == "json":
            assert ids(reordered) == ids(graph_output(".", "--format", "json"))


def test_dot_renders_to_svg_with_every_node_and_edge() -> None:
    source = graph_output(".", "--format", "dot")
    svg = ET.fromstring(dot_svg(source))
    titles = {title.text for title in svg.iter(f"{SVG}title")}
    document = json.loads(graph_output(".", "--format", "json"))["units"][0]
    assert {node["id"] for node in document["nodes"]} <= titles
    edge_titles = {f"{edge['from']}->{edge['to']}" for edge in document["edges"]}
    assert edge_titles <= titles
    # Dashed placeholders and coloured findings survive into the picture.
    groups = {g.findtext(f"{SVG}title"): g for g in svg.iter(f"{SVG}g")}
    placeholder = next(groups["pvc_shop_scratch"].iter(f"{SVG}path"))
    assert placeholder.get("stroke-dasharray")
    assert next(groups["sts_shop_db"].iter(f"{SVG}path")).get("stroke") == "#cf222e"


MANIFEST_SETS = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir() and any(p.glob("*.yaml")))


def test_every_fixture_set_draws_in_both_renderers() -> None:
    """Each fixture set's graph renders with dot and parses with Mermaid (one node run
    for all of them: Mermaid takes seconds to load). A label left open is rejected, so
    the check can fail."""
    diagrams = [(EXPECTED / name).read_text(encoding="utf-8") for name in OUTPUTS if "mmd" in name]
    for fixture in MANIFEST_SETS:  # in process: the CLI is tested above
        graphs = run_graphs(lint(LintOptions(paths=[str(FIXTURES / fixture)])))
        diagrams.append(to_mermaid(graphs))
        dot_svg(to_dot(graphs))
    broken = 'flowchart LR\n  a["open --> b\n'
    verdicts = mermaid_parse(*diagrams, broken)
    assert verdicts[:-1] == ["ok flowchart-v2"] * len(diagrams)
    assert verdicts[-1].startswith("error")


HOSTILE = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: "web"
  namespace: "ns"
spec:
  template:
    spec:
      containers: [{name: app, image: "example/app:1"}]
      volumes:
        - name: a
          persistentVolumeClaim: {claimName: 'x"]; click a call evil() %% end\\\\N'}
        - name: b
          persistentVolumeClaim: {claimName: "<b>bold</b> #quot; & `code` | pipe"}
        - name: c
          persistentVolumeClaim: {claimName: "données-😀"}
"""


def test_hostile_names_stay_inside_their_labels(tmp_path: Path) -> None:
    write_files(tmp_path, {"hostile.yaml": HOSTILE})
    mermaid = graph_output(".", cwd=tmp_path)
    assert mermaid_parse(mermaid) == ["ok flowchart-v2"]
    assert "x#34;#93;#59; click a call evil() #37;#37; end#92;#92;N" in mermaid
    assert "donn" in mermaid and "#128512;" in mermaid
    dot = graph_output(".", "--format", "dot", cwd=tmp_path)
    svg = dot_svg(dot)
    assert "x&quot;]; click a call evil() %% end\\\\N" in svg
    nodes = json.loads(graph_output(".", "--format", "json", cwd=tmp_path))["units"][0]["nodes"]
    names = {node["name"] for node in nodes if node["missing"]}
    assert "données-😀" in names


SELF_CLAIM = """\
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  serviceName: db
  selector:
    matchLabels: {app: db}
  template:
    metadata:
      labels: {app: db}
    spec:
      containers: [{name: db, image: "postgres:16"}]
      volumes:
        - name: previous
          persistentVolumeClaim: {claimName: data-db-0}
  volumeClaimTemplates:
    - metadata: {name: data}
      spec:
        accessModes: [ReadWriteOnce]
        resources: {requests: {storage: 1Gi}}
"""


def test_a_statefulset_mounting_its_own_replica_claim(tmp_path: Path) -> None:
    write_files(tmp_path, {"db.yaml": SELF_CLAIM})
    edges = json.loads(graph_output(".", "--format", "json", cwd=tmp_path))["units"][0]["edges"]
    pairs = [(edge["from"], edge["label"], edge["to"]) for edge in edges]
    assert pairs == [
        ("svc_default_db", "governs", "sts_default_db"),
        ("sts_default_db", "mounts", "tpl_default_db_data"),
    ]


OPERATOR_DATABASE = """\
apiVersion: postgresql.cnpg.io/v1
kind: Cluster
metadata:
  name: orders-db
  namespace: shop
spec:
  instances: 3
  storage:
    size: 20Gi
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: shop
data: {a: b}
"""


def test_an_operator_run_database_with_a_finding_is_drawn(tmp_path: Path) -> None:
    write_files(tmp_path, {"pg.yaml": OPERATOR_DATABASE})
    (unit,) = json.loads(graph_output(".", "--format", "json", cwd=tmp_path))["units"]
    (node,) = unit["nodes"]  # the ConfigMap is not part of the storage graph
    assert (node["id"], node["apiVersion"]) == ("cluster_shop_orders_db", "postgresql.cnpg.io/v1")
    assert [f["rule"] for f in node["findings"]] == ["operator-storage-without-class"]
    mermaid = graph_output(".", cwd=tmp_path)
    assert (
        '  cluster_shop_orders_db["Cluster (postgresql.cnpg.io)<br/>shop/orders-db<br/>'
        'operator-storage-without-class"]'
    ) in mermaid


def test_ids_are_readable_and_never_collide(tmp_path: Path) -> None:
    volumes = "\n---\n".join(
        f"apiVersion: v1\nkind: PersistentVolume\nmetadata:\n  name: {name}\n"
        "spec:\n  capacity: {storage: 1Gi}\n  persistentVolumeReclaimPolicy: Retain\n"
        "  csi: {driver: d, volumeHandle: h}\n"
        for name in ("data-1", "data.1", "plain")
    )
    write_files(tmp_path, {"volumes.yaml": volumes})
    nodes = json.loads(graph_output(".", "--format", "json", cwd=tmp_path))["units"][0]["nodes"]
    ids = {node["name"]: node["id"] for node in nodes}
    assert ids["plain"] == "pv_plain"
    assert ids["data-1"] != ids["data.1"]
    assert ids["data-1"].startswith("pv_data_1_") and ids["data.1"].startswith("pv_data_1_")
    # Ids come from identities, not from the order the objects were read in.
    write_files(tmp_path, {"volumes.yaml": "\n---\n".join(reversed(volumes.split("\n---\n")))})
    again = json.loads(graph_output(".", "--format", "json", cwd=tmp_path))["units"][0]["nodes"]
    assert {node["name"]: node["id"] for node in again} == ids


def _unit(name: str, text: str) -> StorageGraph:
    graph = Graph(load_source(Source(f"{name}/a.yaml", text.encode()), "default").objects)
    return storage_graph(graph, (), unit=name)


def test_several_units_are_framed_and_keep_their_ids_apart() -> None:
    text = (GRAPH / "ledger.yaml").read_text(encoding="utf-8")
    units = [_unit("overlays/prod", text), _unit("overlays/staging", text)]
    mermaid = to_mermaid(units)
    assert '  subgraph u1_unit["overlays/prod"]' in mermaid
    assert "    u2_sts_finance_ledger[" in mermaid
    assert mermaid_parse(mermaid) == ["ok flowchart-v2"]
    svg = ET.fromstring(dot_svg(to_dot(units)))
    titles = {title.text for title in svg.iter(f"{SVG}title")}
    assert {"cluster_u1_unit", "cluster_u2_unit", "u1_sts_finance_ledger"} <= titles
    document = json.loads(to_json(units))
    assert [unit["unit"] for unit in document["units"]] == ["overlays/prod", "overlays/staging"]


def test_an_edge_with_a_finding_is_coloured_by_its_most_serious_one() -> None:
    db = ("StatefulSet", "ns", "db")
    svc = ("Service", "ns", "db")
    warning = Mark("rule-b", Severity.WARNING, "m")
    error = Mark("rule-a", Severity.ERROR, "m")
    graph = StorageGraph(
        nodes=[Node(svc, id="svc"), Node(db, id="sts", marks=[warning])],
        edges=[Edge(svc, db, "governs", db, ("spec", "serviceName"), marks=[warning, error])],
    )
    mermaid = to_mermaid([graph])
    assert '  svc -->|"governs<br/>rule-a<br/>rule-b"| sts' in mermaid
    assert "  linkStyle 0 stroke:#cf222e,stroke-width:2px,color:#cf222e" in mermaid
    assert "  class sts kslint_warning" in mermaid


def test_usage_errors(tmp_path: Path) -> None:
    done = run_kslint("graph", ".", "--format", "png", cwd=tmp_path)
    assert done.returncode == 2
    assert "unknown format 'png'; choose one of: mermaid, dot, json" in done.stderr
    missing = run_kslint("graph", "nowhere", cwd=tmp_path)
    assert missing.returncode == 2


def test_stdin_and_output_file(tmp_path: Path) -> None:
    text = (GRAPH / "web.yaml").read_text(encoding="utf-8")
    done = run_kslint("graph", "-", "--format", "dot", "-o", "out/g.dot", cwd=tmp_path, stdin=text)
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    written = (tmp_path / "out" / "g.dot").read_text(encoding="utf-8")
    assert '"deploy_shop_web" -> "pvc_shop_uploads"' in written


def test_committed_examples_dot_is_current() -> None:
    """docs/images/examples-graph.dot is what kslint draws for examples/ today
    (regenerate: python scripts/render_graphs.py). The SVG beside it is not compared: it
    varies with the Graphviz version."""
    committed = (ROOT / "docs" / "images" / "examples-graph.dot").read_text(encoding="utf-8")
    assert graph_output("examples", "--format", "dot", cwd=ROOT) == committed
    assert (ROOT / "docs" / "images" / "examples-graph.svg").stat().st_size > 0
    assert "docs/images/examples-graph.svg" in (ROOT / "README.md").read_text(encoding="utf-8")

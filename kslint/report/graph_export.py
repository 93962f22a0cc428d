"""The storage graph as a picture's data: nodes, labelled edges and the findings on them.

``storage_graph(graph, findings)`` reads the lint graph through its public methods (the
graph module stays the only place that knows how objects relate) and returns a
``StorageGraph``: workloads, their claims (and StatefulSet claim templates), the volumes
and classes behind them, governing Services, PodDisruptionBudgets and autoscalers, joined
by edges labelled ``mounts``, ``binds``, ``class``, ``governs``, ``budgets`` and ``scales``.
A reference whose target is not in the set becomes a *missing* placeholder node, since
that is often what the finding is about. ``kslint.report.graph_render`` draws it as
Mermaid, DOT or JSON.

Which findings mark what:

- a node carries every finding about its object (a claim template node, the StatefulSet's
  findings that point inside that template);
- an edge carries a finding about one of its ends that points into the field making the
  relation (``claimName``, ``serviceName``, ``storageClassName``, ...), or whose related
  locations lie in the object at the other end (two workloads sharing a claim).

Node ids are derived from the object's identity (``pvc_shop_data``), so they stay the same
from run to run; nodes and edges come out sorted.
"""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from kslint.findings import Finding, Related, Severity
from kslint.graph import Graph
from kslint.model import Claim, PersistentVolumeClaim, Workload
from kslint.nodes import Path
from kslint.objects import K8sObject
from kslint.pipeline import LintResult

# Kinds in the order they are listed (and laid out, left to right): what points at a
# workload, the workloads, then their storage from claim to class.
KIND_ORDER = (
    "Service",
    "PodDisruptionBudget",
    "HorizontalPodAutoscaler",
    "Pod",
    "Deployment",
    "ReplicaSet",
    "ReplicationController",
    "StatefulSet",
    "DaemonSet",
    "Job",
    "CronJob",
    "ClaimTemplate",
    "PersistentVolumeClaim",
    "PersistentVolume",
    "StorageClass",
)
SHORT_KINDS = {
    "PersistentVolumeClaim": "PVC",
    "PersistentVolume": "PV",
    "PodDisruptionBudget": "PDB",
    "HorizontalPodAutoscaler": "HPA",
    "ClaimTemplate": "volumeClaimTemplate",
}
ID_PREFIXES = {
    "Service": "svc",
    "PodDisruptionBudget": "pdb",
    "HorizontalPodAutoscaler": "hpa",
    "Pod": "pod",
    "Deployment": "deploy",
    "ReplicaSet": "rs",
    "ReplicationController": "rc",
    "StatefulSet": "sts",
    "DaemonSet": "ds",
    "Job": "job",
    "CronJob": "cronjob",
    "ClaimTemplate": "tpl",
    "PersistentVolumeClaim": "pvc",
    "PersistentVolume": "pv",
    "StorageClass": "sc",
}
EDGE_LABELS = ("mounts", "binds", "class", "governs", "budgets", "scales")

NodeKey = tuple[str, str | None, str]  # (kind, namespace, name); a template: "sts/template"


@dataclass(frozen=True)
class Mark:
    """One finding as a picture shows it."""

    rule: str
    severity: Severity
    message: str

    @classmethod
    def of(cls, finding: Finding) -> Mark:
        return cls(finding.rule, finding.severity or Severity.ERROR, finding.message)


@dataclass
class Node:
    key: NodeKey
    id: str = ""
    missing: bool = False  # a placeholder: something names it, but it is not in the set
    file: str | None = None
    line: int | None = None
    marks: list[Mark] = field(default_factory=list)
    # A claim template: the StatefulSet that holds it and the template's path in it.
    owner: NodeKey | None = None
    root: Path = ()
    api_version: str = ""

    @property
    def kind(self) -> str:
        return self.key[0]

    @property
    def namespace(self) -> str | None:
        return self.key[1]

    @property
    def name(self) -> str:
        return self.key[2]

    @property
    def title(self) -> str:
        """``shop/db`` (namespaced) or ``db`` (cluster-scoped)."""
        return self.name if self.namespace is None else f"{self.namespace}/{self.name}"

    @property
    def short_kind(self) -> str:
        """``PVC``, ``StatefulSet``; a custom resource with its API group, since its kind
        alone (``Cluster``) says little."""
        if self.kind not in KIND_ORDER and "/" in self.api_version:
            return f"{self.kind} ({self.api_version.split('/')[0]})"
        return SHORT_KINDS.get(self.kind, self.kind)

    @property
    def severity(self) -> Severity | None:
        return max((m.severity for m in self.marks), default=None)

    @property
    def rules(self) -> list[str]:
        return sorted({m.rule for m in self.marks})


@dataclass
class Edge:
    source: NodeKey
    target: NodeKey
    label: str
    # Where the relation is written: the object and the path of the field that makes it.
    origin: NodeKey
    path: Path
    marks: list[Mark] = field(default_factory=list)

    @property
    def severity(self) -> Severity | None:
        return max((m.severity for m in self.marks), default=None)

    @property
    def rules(self) -> list[str]:
        return sorted({m.rule for m in self.marks})


@dataclass
class StorageGraph:
    """Nodes (sorted, with ids) and edges (sorted) of one unit; ``unit`` is its name, or
    None for a run that has a single graph."""

    nodes: list[Node]
    edges: list[Edge]
    unit: str | None = None
    # The objects cross-object findings involve: the ends of each edge a finding marks,
    # and an object with a finding together with the objects its related locations lie in.
    involved: set[NodeKey] = field(default_factory=set)

    @property
    def missing_keys(self) -> set[NodeKey]:
        """Placeholders: an edge to or from one is drawn dashed."""
        return {node.key for node in self.nodes if node.missing}

    def only_findings(self) -> StorageGraph:
        """The nodes and edges that carry a finding, with their neighbours (missing
        targets included), and the edges between what is kept."""
        marked = {node.key for node in self.nodes if node.marks}
        for edge in self.edges:
            if edge.marks:
                marked |= {edge.source, edge.target}
        return self.around(marked)

    def cross_object(self) -> StorageGraph:
        """Only the objects that cross-object findings involve, and the edges among them."""
        return self.restricted(self.involved)

    def around(self, keys: set[NodeKey]) -> StorageGraph:
        """``keys`` and their neighbours, and the edges among them."""
        keep = set(keys)
        for edge in self.edges:
            if edge.source in keys or edge.target in keys:
                keep |= {edge.source, edge.target}
        return self.restricted(keep)

    def restricted(self, keys: set[NodeKey]) -> StorageGraph:
        return StorageGraph(
            nodes=[node for node in self.nodes if node.key in keys],
            edges=[e for e in self.edges if e.source in keys and e.target in keys],
            unit=self.unit,
            involved=self.involved & keys,
        )


def node_key(obj: K8sObject) -> NodeKey:
    return (obj.kind, obj.namespace, obj.name)


def template_key(statefulset: K8sObject, template: str) -> NodeKey:
    return ("ClaimTemplate", statefulset.namespace, f"{statefulset.name}/{template}")


# ---------------------------------------------------------------------------------------
# Building


class _Builder:
    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self.nodes: dict[NodeKey, Node] = {}
        self.edges: dict[tuple[NodeKey, NodeKey, str], Edge] = {}
        self.drawn: set[int] = set()  # workloads already added, by id

    def add(self, obj: K8sObject) -> NodeKey:
        key = node_key(obj)
        known = self.nodes.get(key)
        if known is None or known.missing:  # an object in the set is never a placeholder
            span = obj.span("kind")
            self.nodes[key] = Node(
                key, file=obj.file.path, line=span.line, api_version=obj.api_version
            )
        return key

    def placeholder(self, key: NodeKey) -> NodeKey:
        self.nodes.setdefault(key, Node(key, missing=True))
        return key

    def connect(
        self, source: NodeKey, target: NodeKey, label: str, origin: NodeKey, path: Path
    ) -> None:
        self.edges.setdefault((source, target, label), Edge(source, target, label, origin, path))

    # -- relations, each read from the graph -------------------------------------------

    def workload(self, workload: Workload) -> None:
        if id(workload) in self.drawn:  # a claim made from its own template leads back here
            return
        self.drawn.add(id(workload))
        key = self.add(workload.obj)
        namespace = workload.obj.namespace
        for volume, claim in self.graph.claims(workload):
            assert volume.claim_name is not None  # claims() yields PVC-backed volumes only
            target = self._claim_target(namespace, volume.claim_name, claim)
            self.connect(key, target, "mounts", key, volume.path)
        for template in workload.claim_templates:
            template_node = template_key(workload.obj, template.name)
            if template_node not in self.nodes:
                root = template.claim.root
                self.nodes[template_node] = Node(
                    template_node,
                    file=workload.obj.file.path,
                    line=workload.obj.span(*root).line,
                    owner=key,
                    root=root,
                )
            self.connect(key, template_node, "mounts", key, (*template.claim.root, "metadata"))
            self.claim_class(template_node, key, template.claim)
        if workload.kind == "StatefulSet" and workload.service_name:
            service = self.graph.governing_service(workload)
            source = (
                self.add(service.obj)
                if service is not None
                else self.placeholder(("Service", namespace, workload.service_name))
            )
            self.connect(source, key, "governs", key, ("spec", "serviceName"))
        for pdb in self.graph.pdbs(workload):
            self.connect(self.add(pdb.obj), key, "budgets", node_key(pdb.obj), ("spec", "selector"))
        for hpa in self.graph.hpas(workload):
            origin = self.add(hpa.obj)
            self.connect(origin, key, "scales", origin, ("spec", "scaleTargetRef"))

    def _claim_target(
        self, namespace: str | None, claim_name: str, claim: PersistentVolumeClaim | None
    ) -> NodeKey:
        if claim is not None:
            return self.add(claim.obj)
        made_by = self.graph.claim_template_for(namespace, claim_name)
        if made_by is not None:  # a StatefulSet replica's claim, named after its template
            statefulset, template = made_by
            self.workload(statefulset)
            return template_key(statefulset.obj, template.name)
        return self.placeholder(("PersistentVolumeClaim", namespace, claim_name))

    def claim(self, claim: PersistentVolumeClaim) -> None:
        key = self.add(claim.obj)
        self.claim_class(key, key, claim)
        tied = self.graph.tied_volumes(claim)
        for volume, how in tied:
            if how == "volumeName":
                self.connect(key, self.add(volume.obj), "binds", key, ("spec", "volumeName"))
            else:  # the PV's claimRef names the claim: the relation is written on the PV
                origin = self.add(volume.obj)
                self.connect(key, origin, "binds", origin, ("spec", "claimRef"))
        if claim.volume_name and all(how != "volumeName" for _, how in tied):
            target = self.placeholder(("PersistentVolume", None, claim.volume_name))
            self.connect(key, target, "binds", key, ("spec", "volumeName"))

    def claim_class(self, key: NodeKey, origin: NodeKey, claim: Claim) -> None:
        if not claim.storage_class:  # no class (the cluster default) or "" (none at all)
            return
        found = self.graph.storage_class(claim)
        target = (
            self.add(found.obj)
            if found is not None
            else self.placeholder(("StorageClass", None, claim.storage_class))
        )
        self.connect(key, target, "class", origin, claim.storage_class_path)

    def volume(self, volume: K8sObject, class_name: str) -> None:
        key = self.add(volume)
        if not class_name:
            return
        found = self.graph.get("StorageClass", None, class_name)
        target = (
            self.add(found.obj)
            if found is not None
            else self.placeholder(("StorageClass", None, class_name))
        )
        self.connect(key, target, "class", key, ("spec", "storageClassName"))


def _is_storage_workload(workload: Workload) -> bool:
    return bool(
        workload.claim_volumes
        or workload.claim_templates
        or (workload.kind == "StatefulSet" and workload.service_name)
    )


def storage_graph(
    graph: Graph,
    findings: Iterable[Finding] = (),
    unit: str | None = None,
    custom_rules: Iterable[str] = (),
) -> StorageGraph:
    """The storage graph of ``graph``'s objects, marked with ``findings``.

    Claims, volumes and classes are always shown; a workload when it uses a claim, has
    claim templates or names a governing Service; Services, budgets and autoscalers when
    they govern, budget or scale one of those. Any modelled object with a finding is
    shown too (a database Deployment without a claim is often the point), and so is
    an object of any kind with a finding of one of ``custom_rules`` (the operator-run
    databases of family F, which the graph does not relate to anything yet)."""
    findings = [f for f in findings if f.obj is not None]
    flagged = {(f.obj.kind, f.obj.namespace, f.obj.name) for f in findings if f.obj}
    custom = set(custom_rules)
    builder = _Builder(graph)
    for workload in graph.workloads:
        if _is_storage_workload(workload) or node_key(workload.obj) in flagged:
            builder.workload(workload)
    for claim in graph.of_kind("PersistentVolumeClaim"):
        builder.claim(claim)
    for volume in graph.of_kind("PersistentVolume"):
        builder.volume(volume.obj, volume.storage_class)
    for storage_class in graph.of_kind("StorageClass"):
        builder.add(storage_class.obj)
    for view in graph.of_kind("Service", "PodDisruptionBudget", "HorizontalPodAutoscaler"):
        if node_key(view.obj) in flagged:
            builder.add(view.obj)
    for finding in findings:
        if finding.rule in custom and finding.obj is not None:
            obj = graph.by_key.get((finding.obj.kind, finding.obj.namespace, finding.obj.name))
            if obj is not None:
                builder.add(obj)
    nodes, edges = _sorted(builder)
    involved = _mark(nodes, edges, findings, graph)
    return StorageGraph(nodes, edges, unit, involved)


# ---------------------------------------------------------------------------------------
# Order and ids


def _order(key: NodeKey) -> tuple[int, str, str]:
    kind, namespace, name = key
    rank = KIND_ORDER.index(kind) if kind in KIND_ORDER else len(KIND_ORDER)
    return (rank, namespace or "", name)


def _slug(key: NodeKey) -> str:
    kind, namespace, name = key
    parts = [ID_PREFIXES.get(kind, kind.lower()), *([namespace] if namespace else []), name]
    return re.sub(r"[^A-Za-z0-9]", "_", "_".join(parts))


def _ids(keys: list[NodeKey]) -> dict[NodeKey, str]:
    """Readable ids from identities; where two identities read the same (``a-b`` and
    ``a.b``), each gets a short digest of its identity, so ids never depend on order."""
    slugs = {key: _slug(key) for key in keys}
    taken: defaultdict[str, int] = defaultdict(int)
    for slug in slugs.values():
        taken[slug] += 1
    ids = {}
    for key, slug in slugs.items():
        if taken[slug] > 1:
            digest = hashlib.sha256(repr(key).encode()).hexdigest()[:8]
            slug = f"{slug}_{digest}"
        ids[key] = slug
    return ids


def _sorted(builder: _Builder) -> tuple[list[Node], list[Edge]]:
    nodes = sorted(builder.nodes.values(), key=lambda node: _order(node.key))
    for node, node_id in zip(nodes, _ids([n.key for n in nodes]).values(), strict=True):
        node.id = node_id
    edges = sorted(
        builder.edges.values(),
        key=lambda e: (_order(e.source), _order(e.target), EDGE_LABELS.index(e.label)),
    )
    return nodes, edges


# ---------------------------------------------------------------------------------------
# Marking


class _Locator:
    """Which object a related location lies in: per file, objects by starting line."""

    def __init__(self, objects: Iterable[K8sObject]) -> None:
        self.by_file: dict[str, list[tuple[tuple[int, int], tuple[int, int], NodeKey]]] = (
            defaultdict(list)
        )
        for obj in objects:
            span = obj.body.span
            self.by_file[obj.file.path].append(
                ((span.line, span.column), (span.end_line, span.end_column), node_key(obj))
            )
        for entries in self.by_file.values():
            entries.sort()

    def object_at(self, related: Related) -> NodeKey | None:
        entries = self.by_file.get(related.file, [])
        where = (related.span.line, related.span.column)
        index = bisect_right(entries, (where, (10**9, 10**9))) - 1
        if index >= 0 and where <= entries[index][1]:
            return entries[index][2]
        return None


def _mark(
    nodes: list[Node], edges: list[Edge], findings: list[Finding], graph: Graph
) -> set[NodeKey]:
    """Put each finding on its nodes and edges; return the objects that cross-object
    findings involve."""
    by_key = {node.key: node for node in nodes}
    templates: dict[NodeKey, list[Node]] = defaultdict(list)
    for node in nodes:
        if node.owner is not None:
            templates[node.owner].append(node)
    by_end: dict[NodeKey, list[Edge]] = defaultdict(list)  # by either end and by origin
    for edge in edges:
        for key in dict.fromkeys((edge.source, edge.target, edge.origin)):
            by_end[key].append(edge)
    locator = _Locator(graph.objects)
    involved: set[NodeKey] = set()
    for finding in findings:
        assert finding.obj is not None
        owner: NodeKey = (finding.obj.kind, finding.obj.namespace, finding.obj.name)
        if owner in by_key:
            by_key[owner].marks.append(Mark.of(finding))
        for template in templates.get(owner, []):
            if finding.path[: len(template.root)] == template.root:
                template.marks.append(Mark.of(finding))
        others = {locator.object_at(related) for related in finding.related} - {owner}
        for edge in by_end.get(owner, []):
            if _edge_carries(edge, finding, owner, others):
                edge.marks.append(Mark.of(finding))
                involved |= {edge.source, edge.target}
        shown = {key for key in others if key in by_key}
        if shown and owner in by_key:
            involved |= {owner, *shown}
    return involved


def _edge_carries(
    edge: Edge, finding: Finding, owner: NodeKey, others: set[NodeKey | None]
) -> bool:
    """Whether a finding about ``owner`` (an end of ``edge``, or the object the edge's
    relation is written in) is about the relation; ``others``: the objects its related
    locations lie in."""
    if owner == edge.origin and finding.path[: len(edge.path)] == edge.path:
        return True
    if owner not in (edge.source, edge.target):
        return False
    other = edge.target if owner == edge.source else edge.source
    return other in others


def run_graphs(result: LintResult, only_findings: bool = False) -> list[StorageGraph]:
    """One storage graph per unit of a lint run (today: the run's single graph)."""
    if result.graph is None:
        return []
    graph = storage_graph(result.graph, result.findings, custom_rules=operator_rules(result))
    return [graph.only_findings() if only_findings else graph]


def operator_rules(result: LintResult) -> set[str]:
    """The run's rules about operator-run databases (family ``operators``)."""
    return {rule for rule, meta in result.rules.catalog.items() if meta.family == "operators"}

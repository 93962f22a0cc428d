"""The graph's named edges, as policies name them.

Each edge is a thin adapter over one ``kslint.graph`` method: selector matching, claim
resolution, class resolution and autoscaler targets live there and only there. An edge
goes from a node (a whole object, or a StatefulSet's volumeClaimTemplate, which the graph
treats as a claim) to the related nodes, each with the place in the *starting* object
that refers to it (its anchor), where a finding about the relation points.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from kslint.findings import Related
from kslint.graph import Graph
from kslint.model import Workload
from kslint.nearest import in_reach
from kslint.nodes import Path, span_of
from kslint.objects import POD_TEMPLATE_KINDS, K8sObject, group_of

CLAIM_TEMPLATE = "VolumeClaimTemplate"  # the node kind of a StatefulSet claim template
WORKLOADS = frozenset(POD_TEMPLATE_KINDS)
SCALABLE = frozenset({"Deployment", "ReplicaSet", "ReplicationController", "StatefulSet"})


@dataclass(frozen=True, eq=False)
class Node:
    """Something a policy evaluates a schema on: an object, or part of one (``root``)."""

    obj: K8sObject
    view: Any  # the typed model (a Claim for a claim template); None for unmodelled kinds
    root: Path = ()
    kind: str = ""

    @staticmethod
    def of(obj: K8sObject, graph: Graph) -> Node:
        return Node(obj, graph.model(obj), (), obj.kind)

    @staticmethod
    def of_view(view: Any) -> Node:
        return Node(view.obj, view, (), view.obj.kind)

    @property
    def data(self) -> Any:
        return self.obj.get(*self.root) if self.root else self.obj.body

    def __str__(self) -> str:
        if self.kind == CLAIM_TEMPLATE:
            return (
                f"volumeClaimTemplate {self.obj.get(*self.root, 'metadata', 'name')} of {self.obj}"
            )
        return str(self.obj)

    def related(self, message: str, path: Path = (), *, key: bool = True) -> Related:
        """A related location at ``path`` inside this node (its start by default)."""
        if not self.root and not path:
            return self.obj.related(message)
        full = (*self.root, *path)
        span = span_of(self.obj.body, full, key=key) or self.obj.body.span
        return Related(self.obj.file.path, span, message)


Step = tuple[Node, Path]  # a related node, and the anchor in the starting object


@dataclass(frozen=True)
class Edge:
    name: str
    sources: frozenset[str]  # node kinds it starts from
    targets: frozenset[str]  # node kinds it reaches
    doc: str
    follow: Callable[[Node, Graph], list[Step]]
    home: Callable[[Node], Path]  # where a finding about the relation as a whole points
    # Starts from any kind, modelled or not (``peers``): reaches objects of that kind.
    any_source: bool = False


def _labels_path(node: Node) -> Path:
    view = node.view
    return view.pod.labels_path if isinstance(view, Workload) else ()


def _claims(node: Node, graph: Graph) -> list[Step]:
    steps = []
    for volume, claim in graph.claims(node.view):
        if claim is not None:
            steps.append((Node.of_view(claim), volume.claim_name_path))
    return steps


def _claim_templates(node: Node, graph: Graph) -> list[Step]:
    return [
        (Node(node.obj, template.claim, template.claim.root, CLAIM_TEMPLATE), template.claim.root)
        for template in node.view.claim_templates
    ]


def _all_claims(node: Node, graph: Graph) -> list[Step]:
    return _claims(node, graph) + _claim_templates(node, graph)


def _volumes_path(node: Node) -> Path:
    view = node.view
    return (*view.pod.spec_path, "volumes") if isinstance(view, Workload) else ()


def _storage_class(node: Node, graph: Graph) -> list[Step]:
    if node.kind == "PersistentVolume":  # a PV's class is its storageClassName ("": none)
        found = graph.volume_storage_class(node.view)
    else:
        found = graph.storage_class(node.view)
    return [] if found is None else [(Node.of_view(found), _class_path(node))]


def _class_path(node: Node) -> Path:
    if node.kind == "PersistentVolume":
        return ("spec", "storageClassName")
    return node.view.storage_class_path


def _volume(node: Node, graph: Graph) -> list[Step]:
    found = graph.bound_volume(node.view)
    return [] if found is None else [(Node.of_view(found), _volume_name_path(node))]


def _volume_name_path(node: Node) -> Path:
    return ("spec", "volumeName") if node.obj.get("spec", "volumeName") is not None else ()


def _users(node: Node, graph: Graph) -> list[Step]:
    # Distinct identities: copies of one workload in several directories are one user.
    seen: dict[object, Step] = {}
    for workload, _volume in graph.claim_users(node.view):
        seen.setdefault(workload.obj.identity, (Node.of_view(workload), ()))
    return list(seen.values())


def _governing_service(node: Node, graph: Graph) -> list[Step]:
    found = graph.governing_service(node.view)
    return [] if found is None else [(Node.of_view(found), ("spec", "serviceName"))]


def _selecting_services(node: Node, graph: Graph) -> list[Step]:
    anchor = _labels_path(node)
    return [(Node.of_view(service), anchor) for service in graph.services(node.view)]


def _pdbs(node: Node, graph: Graph) -> list[Step]:
    anchor = _labels_path(node)
    return [(Node.of_view(pdb), anchor) for pdb in graph.pdbs(node.view)]


def _hpas(node: Node, graph: Graph) -> list[Step]:
    return [(Node.of_view(hpa), ()) for hpa in graph.hpas(node.view)]


def _selected_workloads(node: Node, graph: Graph) -> list[Step]:
    selector = node.view.selector
    if selector is None:
        return []
    workloads = graph.selected_workloads(node.obj.namespace, selector, node.obj)
    return [(Node.of_view(workload), ("spec", "selector")) for workload in workloads]


def _scale_target(node: Node, graph: Graph) -> list[Step]:
    found = graph.scale_target(node.view)
    return [] if found is None else [(Node.of_view(found), ("spec", "scaleTargetRef"))]


def _root(node: Node) -> Path:
    return node.root


def _group(obj: K8sObject) -> str:
    return group_of(obj.api_version)


def _peers(node: Node, graph: Graph, labels: tuple[str, ...] = ()) -> list[Step]:
    """The other objects of the node's kind and apiVersion group in its namespace that
    carry the same value for every label in ``labels`` (a Strimzi KafkaNodePool's
    ``strimzi.io/cluster``), in its reach by directory. A node without one of the
    labels has no peers."""
    obj = node.obj
    wanted = {label: obj.labels.get(label) for label in labels}
    if not labels or any(not isinstance(value, str) for value in wanted.values()):
        return []
    matching = [
        other
        for other in graph.by_kind.get(obj.kind, ())
        if other.namespace == obj.namespace
        and _group(other) == _group(obj)
        and all(other.labels.get(label) == value for label, value in wanted.items())
    ]
    # Scoped by directory like a selector (kslint.nearest): with the node itself among
    # the matches, peers in another environment folder are out of reach.
    return [
        (Node.of(other, graph), ("metadata", "labels", labels[0]))
        for other in in_reach(obj, matching, lambda found: found)
        if other is not obj
    ]


def with_labels(edge: Edge, labels: tuple[str, ...]) -> Edge:
    """``peers`` bound to the labels a policy's related entry names (``same_labels``)."""

    def follow(node: Node, graph: Graph) -> list[Step]:
        return _peers(node, graph, labels)

    return replace(edge, follow=follow, home=lambda node: ("metadata", "labels", labels[0]))


EDGES: dict[str, Edge] = {
    edge.name: edge
    for edge in (
        Edge(
            "claims",
            WORKLOADS,
            frozenset({"PersistentVolumeClaim"}),
            "The PersistentVolumeClaims the pod template's volumes name (claimName), "
            "in the workload's namespace. Anchor: each volume's claimName.",
            _claims,
            _volumes_path,
        ),
        Edge(
            "claim_templates",
            frozenset({"StatefulSet"}),
            frozenset({CLAIM_TEMPLATE}),
            "A StatefulSet's volumeClaimTemplates entries, each evaluated as a claim "
            "(metadata, spec). Anchor: the entry.",
            _claim_templates,
            lambda node: ("spec", "volumeClaimTemplates"),
        ),
        Edge(
            "all_claims",
            WORKLOADS,
            frozenset({"PersistentVolumeClaim", CLAIM_TEMPLATE}),
            "claims and claim_templates together: every claim the workload's pods use.",
            _all_claims,
            _volumes_path,
        ),
        Edge(
            "storage_class",
            frozenset({"PersistentVolumeClaim", CLAIM_TEMPLATE, "PersistentVolume"}),
            frozenset({"StorageClass"}),
            "The StorageClass a claim or volume names (storageClassName, or the beta "
            "annotation on claims). Anchor: where the class is named.",
            _storage_class,
            _class_path,
        ),
        Edge(
            "volume",
            frozenset({"PersistentVolumeClaim"}),
            frozenset({"PersistentVolume"}),
            "The PersistentVolume tied to a claim: named by spec.volumeName, or whose "
            "claimRef names the claim. Anchor: spec.volumeName.",
            _volume,
            _volume_name_path,
        ),
        Edge(
            "users",
            frozenset({"PersistentVolumeClaim"}),
            WORKLOADS,
            "The workloads whose pod templates use the claim. Anchor: the claim.",
            _users,
            _root,
        ),
        Edge(
            "governing_service",
            frozenset({"StatefulSet"}),
            frozenset({"Service"}),
            "The Service spec.serviceName names, in the StatefulSet's namespace. "
            "Anchor: spec.serviceName.",
            _governing_service,
            lambda node: ("spec", "serviceName"),
        ),
        Edge(
            "selecting_services",
            WORKLOADS,
            frozenset({"Service"}),
            "Services in the namespace whose selector matches the pod template's labels. "
            "Anchor: the pod template's labels.",
            _selecting_services,
            _labels_path,
        ),
        Edge(
            "pdbs",
            WORKLOADS,
            frozenset({"PodDisruptionBudget"}),
            "PodDisruptionBudgets in the namespace whose selector matches the pod "
            "template's labels. Anchor: the pod template's labels.",
            _pdbs,
            _labels_path,
        ),
        Edge(
            "hpas",
            SCALABLE,
            frozenset({"HorizontalPodAutoscaler"}),
            "HorizontalPodAutoscalers whose scaleTargetRef names the workload. "
            "Anchor: the workload.",
            _hpas,
            _root,
        ),
        Edge(
            "selected_workloads",
            frozenset({"Service", "PodDisruptionBudget"}),
            WORKLOADS,
            "The workloads whose pod template labels the selector matches. Anchor: spec.selector.",
            _selected_workloads,
            lambda node: ("spec", "selector"),
        ),
        Edge(
            "scale_target",
            frozenset({"HorizontalPodAutoscaler"}),
            SCALABLE,
            "The workload an autoscaler's scaleTargetRef names. Anchor: spec.scaleTargetRef.",
            _scale_target,
            lambda node: ("spec", "scaleTargetRef"),
        ),
        Edge(
            "peers",
            frozenset(),
            frozenset(),
            "Other objects of the same kind and apiVersion group in the namespace that carry "
            "the same value for every label the entry's same_labels names (the node pools "
            "of one Kafka cluster). Any kind, custom resources included. Anchor: the first "
            "of those labels.",
            _peers,
            lambda node: ("metadata", "labels"),
            any_source=True,
        ),
    )
}


def follow(chain: tuple[Edge, ...], start: Node, graph: Graph) -> list[Step]:
    """The nodes ``chain`` reaches from ``start``, each once, with its anchor in
    ``start``'s object: the last step's anchor that still lies in that object (for
    ``claim_templates.storage_class``, the template's storageClassName)."""
    frontier: list[Step] = [(start, ())]
    for edge in chain:
        reached: dict[tuple[int, Path], Step] = {}
        for node, anchor in frontier:
            if not edge.any_source and (node.kind not in edge.sources or node.view is None):
                continue
            for found, step_anchor in edge.follow(node, graph):
                key = (id(found.obj), found.root)
                reached.setdefault(key, (found, step_anchor if node.obj is start.obj else anchor))
        frontier = list(reached.values())
    return frontier

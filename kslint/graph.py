"""Graph stage: indexes over the loaded objects and the named edges between them.

This is the only place that knows how objects relate: claim resolution, governing
Services, storage classes, bound volumes, autoscaler targets and selector matching.
Everything is built once, with indexes, so no lookup is quadratic in the object count.

A graph holds one deployment unit (``kslint.units``) and, after it, the project context.
A name may be defined more than once in a unit of plain files (environment folders,
copied examples), so every reference (claimName, serviceName, storageClassName,
scaleTargetRef, volumeName, claimRef) resolves to the *nearest* definition (``lookup``):
same file, then same directory, then the longest shared leading directory path; at the
same distance the unit's own definition beats a context one. Definitions that tie are
*ambiguous*: the reference resolves to nothing, and rules that need its target (not-found
rules included) stay silent, since guessing is what cross-wires environment folders.
Label selectors (Services' and PodDisruptionBudgets' pods) are scoped the same way by
``kslint.nearest``: a selector reaches the matches in its own directory first.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from functools import cached_property
from typing import Any, NamedTuple

from kslint.findings import Related
from kslint.model import (
    MODELS,
    Claim,
    ClaimTemplate,
    HorizontalPodAutoscaler,
    PersistentVolume,
    PersistentVolumeClaim,
    PodDisruptionBudget,
    Service,
    StorageClass,
    Volume,
    Workload,
)
from kslint.nearest import in_reach, nearest_copies
from kslint.objects import K8sObject
from kslint.options import RuleOptions
from kslint.selectors import LabelSelector

Key = tuple[str, str | None, str]  # (kind, namespace, name)


class Lookup(NamedTuple):
    """Where a reference leads: its ``target``, or the definitions that tie for nearest
    (``tied``; then ``target`` is None). Neither: nothing of that name is in the set."""

    target: K8sObject | None
    tied: tuple[K8sObject, ...] = ()

    @property
    def ambiguous(self) -> bool:
        return bool(self.tied)


class Graph:
    def __init__(
        self,
        objects: Iterable[K8sObject],
        options: RuleOptions | None = None,
        context: Iterable[K8sObject] = (),
    ) -> None:
        """``objects``: one unit's objects (later duplicates already left out);
        ``context``: the project context, visible after them."""
        own = list(objects)
        extra = list(context)
        self.objects: list[K8sObject] = own + extra
        self.options = options or RuleOptions()
        self._context = {id(obj) for obj in extra}
        self.by_kind: dict[str, list[K8sObject]] = defaultdict(list)
        for obj in self.objects:
            self.by_kind[obj.kind].append(obj)
        # Name indexes are built per kind, the first time a kind is looked up: most kinds
        # (ConfigMaps, Secrets, RBAC) are never the target of a reference, and an index
        # entry costs more than a small object's fields.
        self._definitions: dict[str, dict[tuple[str | None, str], list[K8sObject]]] = {}
        self._named: dict[str, dict[str, list[K8sObject]]] = {}
        self._models: dict[int, Any] = {}
        self._lookups: dict[tuple[Key, str], Lookup] = {}

    def _definitions_of(self, kind: str) -> dict[tuple[str | None, str], list[K8sObject]]:
        """Every definition of a kind by (namespace, name): the unit's own first, then
        the context's (the order of ``objects``)."""
        index = self._definitions.get(kind)
        if index is None:
            index = self._definitions[kind] = defaultdict(list)
            for obj in self.by_kind.get(kind, ()):
                index[(obj.namespace, obj.name)].append(obj)
        return index

    @cached_property
    def by_key(self) -> dict[Key, K8sObject]:
        """The first definition of each (kind, namespace, name)."""
        return {
            (kind, *key): found[0]
            for kind in self.by_kind
            for key, found in self._definitions_of(kind).items()
        }

    # -- references: the nearest definition --------------------------------------------

    def is_context(self, obj: K8sObject) -> bool:
        return id(obj) in self._context

    def defines(self, kind: str, namespace: str | None, name: str) -> bool:
        """Whether anything of this kind and name is in the set (unit or context)."""
        return bool(self._definitions_of(kind).get((namespace, name)))

    def lookup(self, kind: str, namespace: str | None, name: str, near: K8sObject) -> Lookup:
        """The definition of ``kind namespace/name`` nearest to the referring object."""
        key = (kind, namespace, name)
        candidates = self._definitions_of(kind).get((namespace, name))
        if not candidates:
            return Lookup(None)
        if len(candidates) == 1:
            return Lookup(candidates[0])
        cache_key = (key, near.file.path)
        found = self._lookups.get(cache_key)
        if found is None:
            found = self._lookups[cache_key] = self._nearest(candidates, near)
        return found

    def _nearest(self, candidates: list[K8sObject], near: K8sObject) -> Lookup:
        ranked = [(self._distance(candidate, near), candidate) for candidate in candidates]
        best = min(rank for rank, _ in ranked)
        tied = tuple(candidate for rank, candidate in ranked if rank == best)
        return Lookup(tied[0]) if len(tied) == 1 else Lookup(None, tied)

    def _distance(self, candidate: K8sObject, near: K8sObject) -> tuple[int, int, int]:
        """Smaller is nearer: same file, same directory, then the longest shared leading
        path; at equal distance the unit's own definition before a context one."""
        context = 1 if self.is_context(candidate) else 0
        if candidate.file.path == near.file.path:
            return (0, 0, context)
        if candidate.file.directory == near.file.directory:
            return (1, 0, context)
        shared = 0
        for mine, theirs in zip(
            _parts(near.file.directory), _parts(candidate.file.directory), strict=False
        ):
            if mine != theirs:
                break
            shared += 1
        return (2, -shared, context)

    def resolve(self, kind: str, namespace: str | None, name: str, near: K8sObject) -> Any:
        """The typed view of the nearest definition; None when absent or ambiguous."""
        target = self.lookup(kind, namespace, name, near).target
        return None if target is None else self.model(target)

    # -- typed views -----------------------------------------------------------------

    def model(self, obj: K8sObject) -> Any:
        """The typed view of ``obj`` (one per object), or None for unmodelled kinds."""
        view = self._models.get(id(obj))
        if view is None:
            factory = MODELS.get(obj.kind)
            if factory is None:
                return None
            view = self._models[id(obj)] = factory(obj)
        return view

    def of_kind(self, *kinds: str) -> list[Any]:
        return [self.model(obj) for kind in kinds for obj in self.by_kind.get(kind, [])]

    def named(self, kind: str, name: str) -> list[K8sObject]:
        """Objects of a kind with this name in any namespace (for "did you mean")."""
        index = self._named.get(kind)
        if index is None:
            index = self._named[kind] = defaultdict(list)
            for obj in self.by_kind.get(kind, ()):
                index[obj.name].append(obj)
        return index.get(name, [])

    def get(self, kind: str, namespace: str | None, name: str) -> Any:
        found = self._definitions_of(kind).get((namespace, name))
        return self.model(found[0]) if found else None

    @cached_property
    def workloads(self) -> list[Workload]:
        return [view for view in map(self.model, self.objects) if isinstance(view, Workload)]

    # -- claims ------------------------------------------------------------------------

    def claim(self, workload: Workload, volume: Volume) -> PersistentVolumeClaim | None:
        """The PVC a pod volume names, in the workload's namespace (None: not in the set,
        or ambiguous)."""
        if volume.claim_name is None:
            return None
        return self.resolve(
            "PersistentVolumeClaim", workload.obj.namespace, volume.claim_name, workload.obj
        )

    def claims(self, workload: Workload) -> list[tuple[Volume, PersistentVolumeClaim | None]]:
        """Each PVC-backed pod volume with the PVC it resolves to (None: not in the set).
        A volume whose claim name is ambiguous is left out: rules that need the claim, or
        that report it missing, stay silent about it."""
        obj = workload.obj
        found = []
        for volume in workload.claim_volumes:
            name = volume.claim_name
            if name is None:
                found.append((volume, None))
                continue
            lookup = self.lookup("PersistentVolumeClaim", obj.namespace, name, obj)
            if not lookup.ambiguous:
                target = lookup.target
                found.append((volume, None if target is None else self.model(target)))
        return found

    @cached_property
    def _claim_users(self) -> dict[int, list[tuple[Workload, Volume]]]:
        users: dict[int, list[tuple[Workload, Volume]]] = defaultdict(list)
        for workload in self.workloads:
            for volume, claim in self.claims(workload):
                if claim is not None:
                    users[id(claim)].append((workload, volume))
        return users

    def claim_users(self, claim: PersistentVolumeClaim) -> list[tuple[Workload, Volume]]:
        """Every workload (and the volume) that uses this PVC."""
        return self._claim_users.get(id(claim), [])

    # -- storage ---------------------------------------------------------------------

    def storage_class(self, claim: Claim) -> StorageClass | None:
        """The StorageClass a claim (or claim template) names, nearest to it."""
        name = claim.storage_class
        return self.resolve("StorageClass", None, name, claim.obj) if name else None

    def volume_storage_class(self, volume: PersistentVolume) -> StorageClass | None:
        """The StorageClass a PV names (its class; "" and absent: none), nearest to it."""
        name = volume.storage_class
        return self.resolve("StorageClass", None, name, volume.obj) if name else None

    @cached_property
    def _all_volumes_by_claim_ref(self) -> dict[int, list[Any]]:
        """PVs by the PVC their ``claimRef`` resolves to (the nearest one)."""
        refs: dict[int, list[Any]] = defaultdict(list)
        for volume in self.of_kind("PersistentVolume"):
            if volume.claim_ref is None:
                continue
            namespace, name = volume.claim_ref
            if name is None:
                continue
            target = self.lookup("PersistentVolumeClaim", namespace, name, volume.obj).target
            if target is not None:
                refs[id(target)].append(volume)
        return refs

    def _named_volume(self, claim: PersistentVolumeClaim) -> PersistentVolume | None:
        if not claim.volume_name:
            return None
        return self.resolve("PersistentVolume", None, claim.volume_name, claim.obj)

    def bound_volume(self, claim: PersistentVolumeClaim) -> PersistentVolume | None:
        """The PV tied to a PVC, by ``spec.volumeName`` or by the PV's ``claimRef``."""
        found = self._named_volume(claim)
        if found is not None:
            return found
        refs = self._all_volumes_by_claim_ref.get(id(claim.obj))
        return refs[0] if refs else None

    def tied_volumes(self, claim: PersistentVolumeClaim) -> list[tuple[PersistentVolume, str]]:
        """Every PV in the set tied to a PVC, each once with how: ``"volumeName"`` (the
        PVC's ``spec.volumeName`` names it) or ``"claimRef"`` (its claimRef names the PVC)."""
        tied: list[tuple[PersistentVolume, str]] = []
        named = self._named_volume(claim)
        if named is not None:
            tied.append((named, "volumeName"))
        for volume in self._all_volumes_by_claim_ref.get(id(claim.obj), []):
            if all(volume is not other for other, _ in tied):
                tied.append((volume, "claimRef"))
        return tied

    @cached_property
    def _volumes_by_class(self) -> dict[str, list[PersistentVolume]]:
        index: dict[str, list[PersistentVolume]] = defaultdict(list)
        for volume in self.of_kind("PersistentVolume"):
            index[volume.storage_class].append(volume)
        return index

    def volumes_of_class(self, name: str) -> list[PersistentVolume]:
        """PVs whose class is ``name`` (``""``: PVs without a class)."""
        return self._volumes_by_class.get(name, [])

    @cached_property
    def _claims_by_class(self) -> dict[str, list[Claim]]:
        index: dict[str, list[Claim]] = defaultdict(list)
        for claim in self.of_kind("PersistentVolumeClaim"):
            if claim.storage_class is not None:
                index[claim.storage_class].append(claim)
        for workload in self.of_kind("StatefulSet"):
            for template in workload.claim_templates:
                if template.claim.storage_class is not None:
                    index[template.claim.storage_class].append(template.claim)
        return index

    def claims_of_class(self, name: str) -> list[Claim]:
        """PVCs and StatefulSet claim templates that name class ``name``."""
        return self._claims_by_class.get(name, [])

    @cached_property
    def default_storage_classes(self) -> list[StorageClass]:
        """StorageClasses annotated as the cluster default."""
        return [sc for sc in self.of_kind("StorageClass") if sc.is_default]

    @cached_property
    def _storage_classes_by_lower(self) -> dict[str, list[StorageClass]]:
        index: dict[str, list[StorageClass]] = defaultdict(list)
        for storage_class in self.of_kind("StorageClass"):
            index[storage_class.obj.name.lower()].append(storage_class)
        return index

    def similar_storage_classes(self, name: str) -> list[StorageClass]:
        """StorageClasses in the set (other than ``name`` itself) whose name differs from
        it only by case or by an edit distance of at most 2: typo suggestions, nearest
        first. Case-only matches come from the index; the distance scan runs only for
        names that are not in the set, over the (few) classes."""
        if self.get("StorageClass", None, name) is not None:
            return []
        same_case = self._storage_classes_by_lower.get(name.lower(), [])
        if same_case:
            return sorted(same_case, key=lambda sc: sc.obj.name)
        scored = []
        for lowered, classes in self._storage_classes_by_lower.items():
            distance = _edit_distance(name.lower(), lowered, limit=2)
            if distance <= 2:
                scored += [(distance, sc.obj.name, sc) for sc in classes]
        return [sc for _, _, sc in sorted(scored, key=lambda item: item[:2])]

    @cached_property
    def _claim_templates_by_prefix(
        self,
    ) -> dict[tuple[str | None, str], tuple[Workload, ClaimTemplate]]:
        index: dict[tuple[str | None, str], tuple[Workload, ClaimTemplate]] = {}
        for statefulset in self.of_kind("StatefulSet"):
            for template in statefulset.claim_templates:
                key = (statefulset.obj.namespace, f"{template.name}-{statefulset.obj.name}")
                index.setdefault(key, (statefulset, template))
        return index

    def claim_template_for(
        self, namespace: str | None, claim_name: str
    ) -> tuple[Workload, ClaimTemplate] | None:
        """The StatefulSet and claim template whose replicas' PVCs are named like
        ``claim_name`` (``<template>-<statefulset>-<ordinal>``), in ``namespace``."""
        prefix, _, ordinal = claim_name.rpartition("-")
        if not prefix or not ordinal.isdigit():
            return None
        return self._claim_templates_by_prefix.get((namespace, prefix))

    # -- workloads and their neighbours ----------------------------------------------

    def governing_service(self, statefulset: Workload) -> Service | None:
        name = statefulset.service_name
        obj = statefulset.obj
        return self.resolve("Service", obj.namespace, name, obj) if name else None

    def scale_target(self, hpa: HorizontalPodAutoscaler) -> Any:
        """The workload an autoscaler's ``scaleTargetRef`` names, nearest to it."""
        if hpa.target is None:
            return None
        kind, name = hpa.target
        return self.resolve(kind, hpa.obj.namespace, name, hpa.obj)

    @cached_property
    def _hpas_by_target(self) -> dict[int, list[HorizontalPodAutoscaler]]:
        index: dict[int, list[HorizontalPodAutoscaler]] = defaultdict(list)
        for hpa in self.of_kind("HorizontalPodAutoscaler"):
            target = self.scale_target(hpa)
            if target is not None:
                index[id(target.obj)].append(hpa)
        return index

    def hpas(self, workload: Workload) -> list[HorizontalPodAutoscaler]:
        return self._hpas_by_target.get(id(workload.obj), [])

    def scaler_locations(self, workload: Workload) -> list[Related]:
        """Related locations of the autoscalers that raise a workload above one replica."""
        return [
            hpa.obj.related(
                f"{hpa.obj} scales it up to {hpa.max_replicas} replicas", "spec", "maxReplicas"
            )
            for hpa in self.hpas(workload)
            if hpa.max_replicas is not None and hpa.max_replicas > 1
        ]

    def max_replicas(self, workload: Workload) -> int | None:
        """Replicas, raised to an autoscaler's maxReplicas; None when unknown."""
        replicas = workload.replicas
        if replicas is None:
            return None
        for hpa in self.hpas(workload):
            if hpa.max_replicas is not None:
                replicas = max(replicas, hpa.max_replicas)
        return replicas

    @cached_property
    def _workloads_by_label(self) -> dict[tuple[str | None, str, str], list[Workload]]:
        index: dict[tuple[str | None, str, str], list[Workload]] = defaultdict(list)
        for workload in self.workloads:
            for key, value in workload.pod.labels.items():
                index[(workload.obj.namespace, str(key), _text(value))].append(workload)
        return index

    @cached_property
    def _workloads_by_namespace(self) -> dict[str | None, list[Workload]]:
        index: dict[str | None, list[Workload]] = defaultdict(list)
        for workload in self.workloads:
            index[workload.obj.namespace].append(workload)
        return index

    def selected_workloads(
        self, namespace: str | None, selector: LabelSelector, near: K8sObject | None = None
    ) -> list[Workload]:
        """Workloads in ``namespace`` whose pod labels the selector matches. A matchLabels
        pair narrows the candidates through the label index. With ``near`` (the selecting
        object), only those in its reach by directory (``kslint.nearest.in_reach``)."""
        if selector.match_labels:
            key, value = selector.match_labels[0]
            candidates = self._workloads_by_label.get((namespace, key, value), [])
        else:
            candidates = self._workloads_by_namespace.get(namespace, [])
        found = [w for w in candidates if selector.matches(w.pod.labels)]
        return found if near is None else in_reach(near, found, _obj)

    def _selections(self, kind: str, selector: Callable[[Any], LabelSelector | None]) -> _Selected:
        """Which workloads each object of ``kind`` selects, and the reverse, scoped by
        directory (``kslint.nearest``)."""
        by_workload: dict[int, list[Any]] = defaultdict(list)
        for view in self.of_kind(kind):
            wanted = selector(view)
            if wanted is not None:
                for workload in self.selected_workloads(view.obj.namespace, wanted, view.obj):
                    by_workload[id(workload)].append(view)
        by_selector: dict[int, list[Workload]] = defaultdict(list)
        for workload in self.workloads:
            found = by_workload.get(id(workload))
            if found:
                found[:] = nearest_copies(workload.obj, found, _obj)
                for view in found:
                    by_selector[id(view)].append(workload)
        return _Selected(by_workload, by_selector)

    @cached_property
    def _pdb_selections(self) -> _Selected:
        # pod_selector is None by API version: see PodDisruptionBudget
        return self._selections("PodDisruptionBudget", lambda pdb: pdb.pod_selector)

    def pdbs(self, workload: Workload) -> list[PodDisruptionBudget]:
        return self._pdb_selections.by_workload.get(id(workload), [])

    def pdb_workloads(self, pdb: PodDisruptionBudget) -> list[Workload]:
        """The workloads whose pods a PodDisruptionBudget selects."""
        return self._pdb_selections.by_selector.get(id(pdb), [])

    @cached_property
    def _service_selections(self) -> _Selected:
        return self._selections("Service", lambda service: service.selector)

    def services(self, workload: Workload) -> list[Service]:
        """Services whose selector matches the workload's pods."""
        return self._service_selections.by_workload.get(id(workload), [])

    def service_workloads(self, service: Service) -> list[Workload]:
        """The workloads whose pods a Service selects."""
        return self._service_selections.by_selector.get(id(service), [])


class _Selected(NamedTuple):
    by_workload: dict[int, list[Any]]
    by_selector: dict[int, list[Workload]]


def _obj(view: Any) -> K8sObject:
    return view.obj


def _parts(directory: str) -> list[str]:
    return directory.split("/") if directory else []


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _edit_distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance between ``a`` and ``b``, or ``limit + 1`` once it exceeds
    ``limit`` (the length gap alone rules most pairs out without a table)."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b))
            )
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]

"""Graph stage: indexes over the loaded objects and the named edges between them.

This is the only place that knows how objects relate: claim resolution, governing
Services, storage classes, bound volumes, autoscaler targets and selector matching.
Everything is built once, with indexes, so no lookup is quadratic in the object count.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from functools import cached_property
from typing import Any

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
from kslint.objects import K8sObject
from kslint.options import RuleOptions
from kslint.selectors import LabelSelector

Key = tuple[str, str | None, str]  # (kind, namespace, name)


class Graph:
    def __init__(self, objects: Iterable[K8sObject], options: RuleOptions | None = None) -> None:
        self.objects: list[K8sObject] = list(objects)
        self.options = options or RuleOptions()
        self.by_key: dict[Key, K8sObject] = {}
        self.by_kind: dict[str, list[K8sObject]] = defaultdict(list)
        self.by_name: dict[tuple[str, str], list[K8sObject]] = defaultdict(list)
        for obj in self.objects:
            # The first definition wins; a later duplicate is still linted on its own.
            self.by_key.setdefault((obj.kind, obj.namespace, obj.name), obj)
            self.by_kind[obj.kind].append(obj)
            self.by_name[(obj.kind, obj.name)].append(obj)
        self._models: dict[int, Any] = {}

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
        return self.by_name.get((kind, name), [])

    def get(self, kind: str, namespace: str | None, name: str) -> Any:
        obj = self.by_key.get((kind, namespace, name))
        return None if obj is None else self.model(obj)

    @cached_property
    def workloads(self) -> list[Workload]:
        return [view for view in map(self.model, self.objects) if isinstance(view, Workload)]

    # -- claims ------------------------------------------------------------------------

    def claim(self, workload: Workload, volume: Volume) -> PersistentVolumeClaim | None:
        """The PVC a pod volume names, in the workload's namespace."""
        if volume.claim_name is None:
            return None
        return self.get("PersistentVolumeClaim", workload.obj.namespace, volume.claim_name)

    def claims(self, workload: Workload) -> list[tuple[Volume, PersistentVolumeClaim | None]]:
        """Each PVC-backed pod volume with the PVC it resolves to (None: not in the set)."""
        return [(volume, self.claim(workload, volume)) for volume in workload.claim_volumes]

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
        name = claim.storage_class
        return self.get("StorageClass", None, name) if name else None

    @cached_property
    def _volumes_by_claim_ref(self) -> dict[tuple[str | None, str | None], PersistentVolume]:
        refs = {}
        for volume in self.of_kind("PersistentVolume"):
            if volume.claim_ref is not None:
                refs.setdefault(volume.claim_ref, volume)
        return refs

    def bound_volume(self, claim: PersistentVolumeClaim) -> PersistentVolume | None:
        """The PV tied to a PVC, by ``spec.volumeName`` or by the PV's ``claimRef``."""
        if claim.volume_name:
            found = self.get("PersistentVolume", None, claim.volume_name)
            if found is not None:
                return found
        return self._volumes_by_claim_ref.get((claim.obj.namespace, claim.obj.name))

    @cached_property
    def _all_volumes_by_claim_ref(self) -> dict[tuple[str | None, str | None], list[Any]]:
        refs: dict[tuple[str | None, str | None], list[Any]] = defaultdict(list)
        for volume in self.of_kind("PersistentVolume"):
            if volume.claim_ref is not None:
                refs[volume.claim_ref].append(volume)
        return refs

    def tied_volumes(self, claim: PersistentVolumeClaim) -> list[tuple[PersistentVolume, str]]:
        """Every PV in the set tied to a PVC, each once with how: ``"volumeName"`` (the
        PVC's ``spec.volumeName`` names it) or ``"claimRef"`` (its claimRef names the PVC)."""
        tied: list[tuple[PersistentVolume, str]] = []
        if claim.volume_name:
            named = self.get("PersistentVolume", None, claim.volume_name)
            if named is not None:
                tied.append((named, "volumeName"))
        for volume in self._all_volumes_by_claim_ref.get((claim.obj.namespace, claim.obj.name), []):
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
        return self.get("Service", statefulset.obj.namespace, name) if name else None

    @cached_property
    def _hpas_by_target(self) -> dict[Key, list[HorizontalPodAutoscaler]]:
        index: dict[Key, list[HorizontalPodAutoscaler]] = defaultdict(list)
        for hpa in self.of_kind("HorizontalPodAutoscaler"):
            if hpa.target is not None:
                kind, name = hpa.target
                index[(kind, hpa.obj.namespace, name)].append(hpa)
        return index

    def hpas(self, workload: Workload) -> list[HorizontalPodAutoscaler]:
        return self._hpas_by_target.get(
            (workload.kind, workload.obj.namespace, workload.obj.name), []
        )

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

    def selected_workloads(self, namespace: str | None, selector: LabelSelector) -> list[Workload]:
        """Workloads in ``namespace`` whose pod labels the selector matches. A matchLabels
        pair narrows the candidates through the label index."""
        if selector.match_labels:
            key, value = selector.match_labels[0]
            candidates = self._workloads_by_label.get((namespace, key, value), [])
        else:
            candidates = self._workloads_by_namespace.get(namespace, [])
        return [w for w in candidates if selector.matches(w.pod.labels)]

    @cached_property
    def _pdbs_by_workload(self) -> dict[int, list[PodDisruptionBudget]]:
        index: dict[int, list[PodDisruptionBudget]] = defaultdict(list)
        for pdb in self.of_kind("PodDisruptionBudget"):
            if pdb.pod_selector is not None:  # by API version: see PodDisruptionBudget
                for workload in self.selected_workloads(pdb.obj.namespace, pdb.pod_selector):
                    index[id(workload)].append(pdb)
        return index

    def pdbs(self, workload: Workload) -> list[PodDisruptionBudget]:
        return self._pdbs_by_workload.get(id(workload), [])

    def pdb_workloads(self, pdb: PodDisruptionBudget) -> list[Workload]:
        """The workloads whose pods a PodDisruptionBudget selects."""
        if pdb.pod_selector is None:
            return []
        return self.selected_workloads(pdb.obj.namespace, pdb.pod_selector)

    @cached_property
    def _services_by_workload(self) -> dict[int, list[Service]]:
        index: dict[int, list[Service]] = defaultdict(list)
        for service in self.of_kind("Service"):
            if service.selector is not None:
                for workload in self.selected_workloads(service.obj.namespace, service.selector):
                    index[id(workload)].append(service)
        return index

    def services(self, workload: Workload) -> list[Service]:
        """Services whose selector matches the workload's pods."""
        return self._services_by_workload.get(id(workload), [])


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

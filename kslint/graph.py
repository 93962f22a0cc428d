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

from kslint.model import (
    MODELS,
    Claim,
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
from kslint.rules import RuleOptions
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
            if pdb.selector is not None:
                for workload in self.selected_workloads(pdb.obj.namespace, pdb.selector):
                    index[id(workload)].append(pdb)
        return index

    def pdbs(self, workload: Workload) -> list[PodDisruptionBudget]:
        return self._pdbs_by_workload.get(id(workload), [])

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

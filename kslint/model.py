"""Model stage: typed views over the kinds the rules read.

Rules read these views, never raw dicts. Every accessor checks the type of what it reads;
a field of the wrong type is recorded on the object (reported once as ``invalid-object``)
and reads as absent, so one malformed field never crashes a rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property
from typing import Any

from kslint.nodes import Path, describe, dotted
from kslint.objects import POD_TEMPLATE_KINDS, K8sObject
from kslint.quantity import QuantityError, parse_quantity
from kslint.selectors import LabelSelector, SelectorError, parse_equality, parse_label_selector

SINGLE_NODE_MODES = frozenset({"ReadWriteOnce", "ReadWriteOncePod"})

# Volume sources that are persistent disks or network shares declared inline in a pod.
INLINE_PERSISTENT_SOURCES = (
    "awsElasticBlockStore",
    "gcePersistentDisk",
    "azureDisk",
    "azureFile",
    "cinder",
    "nfs",
    "iscsi",
    "rbd",
    "cephfs",
    "glusterfs",
    "fc",
    "flocker",
    "portworxVolume",
    "quobyte",
    "scaleIO",
    "storageos",
    "vsphereVolume",
    "photonPersistentDisk",
    "flexVolume",
)

_TYPE_NAMES = {
    str: "a string",
    int: "an integer",
    list: "a list",
    dict: "a mapping",
    bool: "a boolean",
}


def present(obj: K8sObject, path: Path) -> Path:
    """The longest prefix of ``path`` that exists in ``obj``: for a missing field, the
    key of the mapping that lacks it (where a finding about it points)."""
    for end in range(len(path), 0, -1):
        if obj.get(*path[:end]) is not None:
            return path[:end]
    return ()


def typed(obj: K8sObject, path: Path, expected: type) -> Any:
    """The value at ``path`` if it has the expected type; else None (absent or recorded)."""
    value = obj.get(*path)
    if value is None:
        return None
    if isinstance(value, expected) and not (expected is int and isinstance(value, bool)):
        return value
    obj.note_problem(
        path, f"`{dotted(path)}` must be {_TYPE_NAMES[expected]}, not {describe(value)}"
    )
    return None


def text(obj: K8sObject, path: Path) -> str | None:
    """A string field; numbers are accepted as their text (YAML may leave them unquoted)."""
    value = obj.get(*path)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return typed(obj, path, str)


def items(obj: K8sObject, path: Path) -> list[tuple[Path, Any]]:
    """``(path, item)`` for each mapping in the list at ``path``."""
    value = typed(obj, path, list) or []
    found = []
    for index, item in enumerate(value):
        item_path = (*path, index)
        if isinstance(item, dict):
            found.append((item_path, item))
        else:
            obj.note_problem(
                item_path, f"`{dotted(item_path)}` must be a mapping, not {describe(item)}"
            )
    return found


def selector(obj: K8sObject, path: Path, *, equality: bool = False) -> LabelSelector | None:
    value = obj.get(*path)
    if value is None:
        return None
    try:
        return parse_equality(value) if equality else parse_label_selector(value)
    except SelectorError as exc:
        obj.note_problem(path, f"`{dotted(path)}` {exc}")
        return None


def quantity(obj: K8sObject, path: Path) -> Fraction | None:
    """A resource quantity (``10Gi``) as an exact number; None when absent or malformed
    (a malformed one is recorded). YAML reads unquoted ``1e3`` or ``1.5`` as floats: their
    source text is parsed instead, so no float ever takes part in a comparison."""
    value = obj.get(*path)
    if value is None:
        return None
    if isinstance(value, float):
        value = _source_text(obj, path) or value
    try:
        return parse_quantity(value)
    except QuantityError as exc:
        obj.note_problem(path, f"`{dotted(path)}`: {exc}")
        return None


def quantity_text(obj: K8sObject, path: Path) -> str | None:
    """A quantity as written, for messages (None when absent)."""
    value = obj.get(*path)
    if value is None or isinstance(value, (dict, list)):
        return None
    if isinstance(value, float):
        return _source_text(obj, path) or repr(value)
    return str(value)


def _source_text(obj: K8sObject, path: Path) -> str | None:
    """The text of a one-line scalar exactly as written in its file."""
    span = obj.span(*path, key=False)
    lines = obj.file.lines
    if span.line != span.end_line or not 0 < span.line <= len(lines):
        return None
    return lines[span.line - 1][span.column - 1 : span.end_column - 1] or None


# ---------------------------------------------------------------------------------------
# Pod templates


@dataclass(frozen=True)
class Volume:
    name: str
    path: Path  # to the volume's item in ``volumes``
    source: str | None  # the volume source key: persistentVolumeClaim, nfs, hostPath, ...
    claim_name: str | None

    @property
    def source_path(self) -> Path:
        return (*self.path, self.source) if self.source else self.path

    @property
    def claim_name_path(self) -> Path:
        return (*self.path, "persistentVolumeClaim", "claimName")


@dataclass(frozen=True)
class VolumeMount:
    name: str
    path: Path
    read_only: bool = False  # ``readOnly: true``: the container cannot write there


@dataclass(frozen=True)
class Container:
    name: str
    path: Path
    image: str | None
    command: tuple[str, ...] | None
    mounts: tuple[VolumeMount, ...]
    init: bool
    # ``volumeDevices``: raw block volumes, which use a claim as surely as a mount does.
    devices: tuple[VolumeMount, ...] = ()
    args: tuple[str, ...] | None = None


class PodTemplate:
    """The pod spec of any pod-template workload, wherever its kind keeps it."""

    def __init__(self, obj: K8sObject, spec_path: Path, labels_path: Path) -> None:
        self.obj = obj
        self.spec_path = spec_path
        self.labels_path = labels_path

    @cached_property
    def exists(self) -> bool:
        return typed(self.obj, self.spec_path, dict) is not None

    @cached_property
    def labels(self) -> dict[str, Any]:
        return typed(self.obj, self.labels_path, dict) or {}

    @cached_property
    def annotations(self) -> dict[str, Any]:
        path = (*self.labels_path[:-1], "annotations")
        return typed(self.obj, path, dict) or {}

    @cached_property
    def host_network(self) -> bool:
        return self.obj.get(*self.spec_path, "hostNetwork") is True

    @cached_property
    def volumes(self) -> list[Volume]:
        found = []
        for path, body in items(self.obj, (*self.spec_path, "volumes")):
            name = text(self.obj, (*path, "name"))
            if name is None:
                continue
            source = next((key for key in body if key != "name"), None)
            claim = None
            if source == "persistentVolumeClaim":
                claim = text(self.obj, (*path, source, "claimName"))
            found.append(Volume(name, path, source, claim))
        return found

    @cached_property
    def containers(self) -> list[Container]:
        found = []
        for field, init in (("initContainers", True), ("containers", False)):
            for path, _ in items(self.obj, (*self.spec_path, field)):
                found.append(self._container(path, init))
        return found

    def _container(self, path: Path, init: bool) -> Container:
        command = typed(self.obj, (*path, "command"), list)
        args = typed(self.obj, (*path, "args"), list)
        mounts = []
        for mount_path, _ in items(self.obj, (*path, "volumeMounts")):
            name = text(self.obj, (*mount_path, "name"))
            if name is not None:
                read_only = self.obj.get(*mount_path, "readOnly") is True
                mounts.append(VolumeMount(name, mount_path, read_only))
        devices = []
        for device_path, _ in items(self.obj, (*path, "volumeDevices")):
            name = text(self.obj, (*device_path, "name"))
            if name is not None:
                devices.append(VolumeMount(name, device_path))
        return Container(
            name=text(self.obj, (*path, "name")) or "",
            path=path,
            image=text(self.obj, (*path, "image")),
            command=tuple(str(word) for word in command) if command else None,
            mounts=tuple(mounts),
            init=init,
            devices=tuple(devices),
            args=tuple(str(word) for word in args) if args else None,
        )


@dataclass(frozen=True)
class ClaimTemplate:
    """One ``volumeClaimTemplates`` entry of a StatefulSet, read as a claim."""

    name: str
    claim: Claim


class Workload:
    """A pod-template workload: Pod, Deployment, ReplicaSet, ReplicationController,
    StatefulSet, DaemonSet, Job or CronJob."""

    SPEC_PATHS = {
        "Pod": ("spec",),
        "CronJob": ("spec", "jobTemplate", "spec", "template", "spec"),
    }

    def __init__(self, obj: K8sObject) -> None:
        self.obj = obj
        self.kind = obj.kind
        spec_path = self.SPEC_PATHS.get(obj.kind, ("spec", "template", "spec"))
        labels_path = (
            ("metadata", "labels") if obj.kind == "Pod" else (*spec_path[:-1], "metadata", "labels")
        )
        self.pod = PodTemplate(obj, spec_path, labels_path)

    @cached_property
    def static(self) -> bool:
        """A static (node-bound) pod: a ``Pod`` object (not a template) that sets
        ``spec.nodeName``, carries a kubelet mirror or file-source annotation, or is a
        kubeadm control-plane manifest (``kube-system`` with ``hostNetwork: true``). It
        never moves to another node."""
        if self.kind != "Pod":
            return False
        annotations = self.obj.annotations
        return (
            bool(self.obj.get("spec", "nodeName"))
            or "kubernetes.io/config.mirror" in annotations
            or annotations.get("kubernetes.io/config.source") == "file"
            or (self.obj.namespace == "kube-system" and self.pod.host_network)
        )

    @cached_property
    def replicas(self) -> int | None:
        """``spec.replicas`` (absent: 1); None when it is not an integer (a placeholder)."""
        if self.kind not in ("Deployment", "ReplicaSet", "ReplicationController", "StatefulSet"):
            return 1
        value = self.obj.get("spec", "replicas")
        if value is None:
            return 1
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        return None

    @cached_property
    def selector(self) -> LabelSelector | None:
        if self.kind == "ReplicationController":
            return selector(self.obj, ("spec", "selector"), equality=True)
        return selector(self.obj, ("spec", "selector"))

    @cached_property
    def service_name(self) -> str | None:
        return text(self.obj, ("spec", "serviceName"))

    @cached_property
    def strategy_type(self) -> str:
        """The Deployment rollout strategy; Kubernetes defaults to RollingUpdate."""
        return text(self.obj, ("spec", "strategy", "type")) or "RollingUpdate"

    @cached_property
    def claim_templates(self) -> list[ClaimTemplate]:
        if self.kind != "StatefulSet":
            return []
        found = []
        for path, _ in items(self.obj, ("spec", "volumeClaimTemplates")):
            name = text(self.obj, (*path, "metadata", "name"))
            if name is not None:
                found.append(ClaimTemplate(name, Claim(self.obj, path)))
        return found

    @cached_property
    def volumes(self) -> list[Volume]:
        """Pod volumes, less those a StatefulSet claim template of the same name replaces
        (Kubernetes substitutes the per-replica claim for them)."""
        shadowed = {template.name for template in self.claim_templates}
        return [volume for volume in self.pod.volumes if volume.name not in shadowed]

    @cached_property
    def claim_volumes(self) -> list[Volume]:
        """Pod volumes backed by a PVC (claim templates excluded)."""
        return [volume for volume in self.volumes if volume.claim_name is not None]


# ---------------------------------------------------------------------------------------
# Storage


class Claim:
    """A PersistentVolumeClaim spec, standalone or inside a StatefulSet claim template."""

    def __init__(self, obj: K8sObject, root: Path = ()) -> None:
        self.obj = obj
        self.root = root  # () for a PVC object, the template's path for a claim template

    def path(self, *steps: Any) -> Path:
        return (*self.root, *steps)

    @cached_property
    def access_modes(self) -> tuple[str, ...]:
        modes = typed(self.obj, self.path("spec", "accessModes"), list) or []
        return tuple(str(mode) for mode in modes)

    @property
    def single_node(self) -> bool:
        return bool(self.access_modes) and set(self.access_modes) <= SINGLE_NODE_MODES

    @cached_property
    def storage_class(self) -> str | None:
        """``spec.storageClassName``, else the deprecated beta annotation; None: no class."""
        name = text(self.obj, self.path("spec", "storageClassName"))
        if name is None:
            name = text(
                self.obj,
                self.path("metadata", "annotations", "volume.beta.kubernetes.io/storage-class"),
            )
        return name

    @cached_property
    def storage_class_path(self) -> Path:
        if self.obj.get(*self.path("spec", "storageClassName")) is not None:
            return self.path("spec", "storageClassName")
        annotation = self.path("metadata", "annotations", "volume.beta.kubernetes.io/storage-class")
        return annotation if self.obj.get(*annotation) is not None else self.path("spec")

    @cached_property
    def volume_name(self) -> str | None:
        return text(self.obj, self.path("spec", "volumeName"))

    @cached_property
    def volume_mode(self) -> str:
        return text(self.obj, self.path("spec", "volumeMode")) or "Filesystem"

    @property
    def storage_request_path(self) -> Path:
        return self.path("spec", "resources", "requests", "storage")

    @cached_property
    def storage_request(self) -> Fraction | None:
        """``resources.requests.storage`` as an exact byte count; None: absent or malformed."""
        return quantity(self.obj, self.storage_request_path)

    @cached_property
    def storage_request_text(self) -> str | None:
        """The request as written (``10Gi``), for messages."""
        return quantity_text(self.obj, self.storage_request_path)

    @cached_property
    def claim_selector(self) -> LabelSelector | None:
        """``spec.selector``: the labels a statically bound PV must carry."""
        return selector(self.obj, self.path("spec", "selector"))


class PersistentVolumeClaim(Claim):
    def __init__(self, obj: K8sObject) -> None:
        super().__init__(obj)


# The fields of a PersistentVolume spec that are not its volume source.
PV_SPEC_FIELDS = frozenset(
    {
        "accessModes",
        "capacity",
        "claimRef",
        "mountOptions",
        "nodeAffinity",
        "persistentVolumeReclaimPolicy",
        "storageClassName",
        "volumeAttributesClassName",
        "volumeMode",
    }
)


class PersistentVolume:
    def __init__(self, obj: K8sObject) -> None:
        self.obj = obj

    @cached_property
    def reclaim_policy(self) -> str | None:
        return text(self.obj, ("spec", "persistentVolumeReclaimPolicy"))

    @cached_property
    def storage_class(self) -> str:
        """An absent class and ``""`` mean the same on a PV."""
        return text(self.obj, ("spec", "storageClassName")) or ""

    @cached_property
    def access_modes(self) -> tuple[str, ...]:
        modes = typed(self.obj, ("spec", "accessModes"), list) or []
        return tuple(str(mode) for mode in modes)

    @cached_property
    def claim_ref(self) -> tuple[str | None, str | None] | None:
        """(namespace, name) of ``spec.claimRef``; None when the PV is not pre-bound."""
        if typed(self.obj, ("spec", "claimRef"), dict) is None:
            return None
        return (
            text(self.obj, ("spec", "claimRef", "namespace")),
            text(self.obj, ("spec", "claimRef", "name")),
        )

    CAPACITY_PATH = ("spec", "capacity", "storage")

    @cached_property
    def capacity(self) -> Fraction | None:
        """``spec.capacity.storage`` as an exact byte count; None: absent or malformed."""
        return quantity(self.obj, self.CAPACITY_PATH)

    @cached_property
    def capacity_text(self) -> str | None:
        return quantity_text(self.obj, self.CAPACITY_PATH)

    @cached_property
    def volume_mode(self) -> str:
        return text(self.obj, ("spec", "volumeMode")) or "Filesystem"

    @cached_property
    def source(self) -> str | None:
        """The volume source key of the PV's spec: local, hostPath, nfs, csi, ..."""
        spec = typed(self.obj, ("spec",), dict) or {}
        return next((key for key in spec if key not in PV_SPEC_FIELDS), None)

    @cached_property
    def node_affinity_required(self) -> bool:
        """Whether ``spec.nodeAffinity.required`` is set."""
        return typed(self.obj, ("spec", "nodeAffinity", "required"), dict) is not None


class StorageClass:
    DEFAULT_ANNOTATIONS = (
        "storageclass.kubernetes.io/is-default-class",
        "storageclass.beta.kubernetes.io/is-default-class",
    )

    def __init__(self, obj: K8sObject) -> None:
        self.obj = obj

    @cached_property
    def provisioner(self) -> str | None:
        return text(self.obj, ("provisioner",))

    @cached_property
    def reclaim_policy(self) -> str | None:
        """As written; None when absent (the API then defaults to Delete)."""
        return text(self.obj, ("reclaimPolicy",))

    @cached_property
    def binding_mode(self) -> str:
        return text(self.obj, ("volumeBindingMode",)) or "Immediate"

    @cached_property
    def is_default(self) -> bool:
        annotations = self.obj.annotations
        return any(str(annotations.get(key)).lower() == "true" for key in self.DEFAULT_ANNOTATIONS)


# ---------------------------------------------------------------------------------------
# Services, disruption budgets, autoscalers


class Service:
    def __init__(self, obj: K8sObject) -> None:
        self.obj = obj

    @cached_property
    def cluster_ip(self) -> str | None:
        return text(self.obj, ("spec", "clusterIP"))

    @property
    def headless(self) -> bool:
        return self.cluster_ip == "None"

    @cached_property
    def selector(self) -> LabelSelector | None:
        """None when the Service has no selector (it then selects no pods)."""
        found = selector(self.obj, ("spec", "selector"), equality=True)
        return None if found is None or found.empty else found


class PodDisruptionBudget:
    def __init__(self, obj: K8sObject) -> None:
        self.obj = obj

    @cached_property
    def selector(self) -> LabelSelector | None:
        return selector(self.obj, ("spec", "selector"))

    @cached_property
    def pod_selector(self) -> LabelSelector | None:
        """The selector the disruption controller uses; None: it selects no pod. An
        absent selector selects none; an empty one (``{}``) selects every pod of the
        namespace in ``policy/v1`` and none in ``policy/v1beta1``."""
        found = self.selector
        if found is None or (found.empty and self.obj.api_version == "policy/v1beta1"):
            return None
        return found

    @cached_property
    def min_available(self) -> int | str | None:
        return _int_or_percent(self.obj, ("spec", "minAvailable"))

    @cached_property
    def max_unavailable(self) -> int | str | None:
        return _int_or_percent(self.obj, ("spec", "maxUnavailable"))


def _int_or_percent(obj: K8sObject, path: Path) -> int | str | None:
    """An IntOrString field as an int or a percentage string (``"50%"``); None when absent
    or anything else (a template placeholder: unknown)."""
    value = obj.get(*path)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.endswith("%") and value[:-1].strip().isdigit():
        return value
    return None


class HorizontalPodAutoscaler:
    def __init__(self, obj: K8sObject) -> None:
        self.obj = obj

    @cached_property
    def target(self) -> tuple[str, str] | None:
        kind = text(self.obj, ("spec", "scaleTargetRef", "kind"))
        name = text(self.obj, ("spec", "scaleTargetRef", "name"))
        return (kind, name) if kind and name else None

    @cached_property
    def max_replicas(self) -> int | None:
        return typed(self.obj, ("spec", "maxReplicas"), int)


def declared_claims(view: Any) -> list[tuple[Claim, str]]:
    """The claims an object declares, each with how a message names it: a standalone PVC
    (``""``) or each of a StatefulSet's claim templates (``Claim template 'data' of ``).
    The finding belongs to the object that declares the claim."""
    if isinstance(view, Workload):
        return [(t.claim, f"Claim template {t.name!r} of ") for t in view.claim_templates]
    if isinstance(view, Claim):
        return [(view, "")]
    return []


MODELS: dict[str, type] = {
    **dict.fromkeys(POD_TEMPLATE_KINDS, Workload),
    "PersistentVolumeClaim": PersistentVolumeClaim,
    "PersistentVolume": PersistentVolume,
    "StorageClass": StorageClass,
    "Service": Service,
    "PodDisruptionBudget": PodDisruptionBudget,
    "HorizontalPodAutoscaler": HorizontalPodAutoscaler,
}

"""The loader's output: source files and the Kubernetes objects found in them."""

from __future__ import annotations

import posixpath
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import Any

from kslint.findings import Finding, ObjectRef, Related
from kslint.nodes import Path, Span, YMap, span_of, walk

# Kinds whose objects have no namespace. The catalog needs PersistentVolume,
# StorageClass and Namespace; the rest keep reports honest for common cluster kinds.
CLUSTER_SCOPED_KINDS = frozenset(
    {
        "PersistentVolume",
        "StorageClass",
        "Namespace",
        "Node",
        "ClusterRole",
        "ClusterRoleBinding",
        "CustomResourceDefinition",
        "PriorityClass",
        "PodSecurityPolicy",
        "ValidatingWebhookConfiguration",
        "MutatingWebhookConfiguration",
        "ValidatingAdmissionPolicy",
        "ValidatingAdmissionPolicyBinding",
        "APIService",
        "CSIDriver",
        "CSINode",
        "VolumeAttachment",
        "IngressClass",
        "RuntimeClass",
        "VolumeSnapshotClass",
        "FlowSchema",
        "PriorityLevelConfiguration",
    }
)


# The kinds kslint models. A document of one of these kinds that lacks ``metadata`` is a
# malformed object; other kinds without metadata are usually tool configuration
# (Kustomization, kubeconfig, kubeadm) and are skipped rather than reported.
POD_TEMPLATE_KINDS = frozenset(
    {
        "Pod",
        "Deployment",
        "ReplicaSet",
        "ReplicationController",
        "StatefulSet",
        "DaemonSet",
        "Job",
        "CronJob",
    }
)
CORE_KINDS = POD_TEMPLATE_KINDS | {
    "Service",
    "PersistentVolumeClaim",
    "PersistentVolume",
    "StorageClass",
    "PodDisruptionBudget",
    "HorizontalPodAutoscaler",
    "Namespace",
}


# Texts shorter than this stay as they are: compressing them would save little.
_COMPACT_MIN = 512


class SourceFile:
    """One input file (or stdin) as the loader read it.

    The text is kept for what reads it after loading (excerpts, suppression comments,
    fixes), and most files are never read again: once the per-file work is done,
    ``compact`` keeps it zlib-compressed (YAML compresses about 7x), and ``text``
    decompresses it on each read. A run over ten copies of a 21 MB corpus otherwise
    holds 210 MB of text.
    """

    def __init__(self, path: str, text: str = "") -> None:
        self.path = path  # as reported: relative to the working directory where possible
        self._text = text
        self._zipped: bytes | None = None

    @property
    def text(self) -> str:
        if self._zipped is not None:
            return zlib.decompress(self._zipped).decode("utf-8", "surrogatepass")
        return self._text

    @text.setter
    def text(self, value: str) -> None:
        self._text, self._zipped = value, None
        vars(self).pop("lines", None)

    def compact(self) -> None:
        """Keep the text compressed (``text`` reads the same)."""
        if self._zipped is None and len(self._text) >= _COMPACT_MIN:
            self._zipped = zlib.compress(self._text.encode("utf-8", "surrogatepass"), 1)
            self._text = ""

    def __repr__(self) -> str:
        return f"SourceFile(path={self.path!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SourceFile):
            return NotImplemented
        return self.path == other.path and self.text == other.text

    __hash__ = None  # type: ignore[assignment]  # mutable, compared by value (as a dataclass)

    @cached_property
    def lines(self) -> list[str]:
        return self.text.splitlines()

    @cached_property
    def directory(self) -> str:
        """The folder holding the file, ``/``-separated as shown ("" for the working
        directory and stdin): nearest-definition resolution and duplicates compare it."""
        return posixpath.dirname(self.path.replace("\\", "/"))


# What makes two objects "the same object" to Kubernetes: apiVersion group, kind,
# namespace and name. Two definitions of one identity are duplicates or alternatives.
Identity = tuple[str, str, str | None, str]


def group_of(api_version: str) -> str:
    """The API group of an apiVersion ("" for the core group's ``v1``)."""
    return api_version.rpartition("/")[0]


def identity_of(api_version: str, kind: str, namespace: str | None, name: str) -> Identity:
    return (group_of(api_version), kind, namespace, name)


# What ``K8sObject.problems`` reads as while an object has none (most objects): read-only,
# so a write that should have gone through ``note_problem`` fails loudly.
_NO_PROBLEMS: Mapping[Path, str] = MappingProxyType({})


@dataclass(eq=False, slots=True)
class K8sObject:
    """A Kubernetes object: identity, body and where each of its nodes is.

    Typed accessors (``kslint.model``) record fields of the wrong type with
    ``note_problem``; the engine reports them once as ``invalid-object``.

    Slotted, with nothing cached per object: a run may hold hundreds of thousands of
    objects, and each attribute dict, cache entry or empty ``problems`` dict would
    cost more than the fields themselves (benchmarks/tiny_documents.py).
    """

    api_version: str
    kind: str
    name: str
    namespace: str | None
    body: YMap
    file: SourceFile
    # A rendered object's identity before the renderer's transforms (name prefixes,
    # namespace:): what a finding's identity keys on, so it does not depend on which
    # overlay reached the object. None for plain files (the object's own identity).
    origin: ObjectRef | None = None
    _problems: dict[Path, str] | None = field(default=None, repr=False)

    @property
    def ref(self) -> ObjectRef:
        return ObjectRef(self.kind, self.namespace, self.name, self.api_version)

    @property
    def identity(self) -> Identity:
        return identity_of(self.api_version, self.kind, self.namespace, self.name)

    @property
    def problems(self) -> Mapping[Path, str]:
        """Malformed fields a typed accessor met: path -> what is wrong with it."""
        return self._problems if self._problems is not None else _NO_PROBLEMS

    def note_problem(self, path: Path, problem: str) -> None:
        """Record a malformed field (the first problem noted for a path is kept)."""
        if self._problems is None:
            self._problems = {}
        self._problems.setdefault(path, problem)

    def __str__(self) -> str:
        return str(self.ref)

    def get(self, *path: Any) -> Any:
        return walk(self.body, path)

    def span(self, *path: Any, key: bool = True) -> Span:
        return span_of(self.body, path, key=key) or self.body.span

    @property
    def labels(self) -> dict[str, str]:
        labels = self.get("metadata", "labels")
        return labels if isinstance(labels, dict) else {}

    @property
    def annotations(self) -> dict[str, Any]:
        annotations = self.get("metadata", "annotations")
        return annotations if isinstance(annotations, dict) else {}

    def related(self, message: str, *path: Any) -> Related:
        """A related location pointing at this object (its ``kind:`` line by default)."""
        span = self.span(*path) if path else self.span("metadata", "name", key=False)
        return Related(self.file.path, span, message)

    def finding(
        self,
        rule: str,
        message: str,
        path: Path = (),
        *,
        key: bool = True,
        related: list[Related] | None = None,
        fix: str | None = None,
        severity: Any = None,
    ) -> Finding:
        """A finding about this object at the node ``path`` points to."""
        span = self.span(*path, key=key) if path else self.span("kind")
        return Finding(
            path=path,
            rule=rule,
            message=message,
            file=self.file.path,
            span=span,
            obj=self.ref,
            origin=self.origin,
            severity=severity,
            fix=fix,
            related=related or [],
        )

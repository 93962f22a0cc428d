"""The loader's output: source files and the Kubernetes objects found in them."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
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


@dataclass
class SourceFile:
    """One input file (or stdin) as the loader read it."""

    path: str  # as reported: relative to the working directory where possible
    text: str = ""

    @cached_property
    def lines(self) -> list[str]:
        return self.text.splitlines()


@dataclass(eq=False)
class K8sObject:
    """A Kubernetes object: identity, body and where each of its nodes is.

    Typed accessors (``kslint.model``) record fields of the wrong type in ``problems``;
    the engine reports them once as ``invalid-object``.
    """

    api_version: str
    kind: str
    name: str
    namespace: str | None
    body: YMap
    file: SourceFile
    problems: dict[Path, str] = field(default_factory=dict)

    @cached_property
    def ref(self) -> ObjectRef:
        return ObjectRef(self.kind, self.namespace, self.name, self.api_version)

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
            severity=severity,
            fix=fix,
            related=related or [],
        )

"""What every stage after the loader passes along: findings and the objects they name."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any, NamedTuple

from kslint.nodes import Span


class Severity(IntEnum):
    """Ordered so that ``>=`` means "at least as serious"."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    @classmethod
    def parse(cls, text: str) -> Severity:
        return cls[text.strip().upper()]

    def __str__(self) -> str:
        return self.name.lower()


@dataclass(frozen=True, order=True)
class ObjectRef:
    """Identity of a Kubernetes object (``namespace`` is None when cluster-scoped)."""

    kind: str
    namespace: str | None
    name: str
    api_version: str = field(default="", compare=False)

    def __str__(self) -> str:
        if self.namespace is None:
            return f"{self.kind} {self.name}"
        return f"{self.kind} {self.namespace}/{self.name}"


@dataclass(frozen=True)
class Related:
    """Another place involved in a finding: the Service, the PVC, the other users."""

    file: str
    span: Span
    message: str


@dataclass
class Finding:
    rule: str
    message: str
    file: str
    span: Span
    obj: ObjectRef | None = None
    severity: Severity | None = None  # None: the rule's default, filled in by the engine
    fix: str | None = None  # None: the rule's generic fix, filled in by the engine
    related: list[Related] = field(default_factory=list)
    # Where in the object the finding points (keys and list indexes): unlike a line
    # number, it survives unrelated edits, so baselines and fingerprints key on it.
    path: tuple[Any, ...] = ()
    # The target Kubernetes versions the finding holds on (schema stage; empty: a finding
    # that does not depend on the version).
    kubernetes_versions: tuple[str, ...] = ()
    # The object's identity before rendering transforms (None: ``obj``); see K8sObject.origin.
    origin: ObjectRef | None = None
    # The directory that tells copies of one identity apart (environment folders, copied
    # examples): set only when the identity is defined in more than one directory.
    scope: str | None = None
    # The deployment units that produced this finding (kslint.units): one finding that
    # several units share (a base used by two overlays) names every one of them.
    units: tuple[str, ...] = ()

    @property
    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.file, self.span.line, self.span.column, self.rule, self.message)


class Suppression(NamedTuple):
    """A finding the policy layer hid, and why. ``in_source``: hidden by the manifest
    itself (an annotation or a comment), not by configuration or a baseline."""

    finding: Finding
    reason: str
    in_source: bool = False

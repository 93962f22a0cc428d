"""pvc-without-storage-class: the claim depends on whichever class the cluster marks default.

A claim with neither ``storageClassName`` nor the deprecated
``volume.beta.kubernetes.io/storage-class`` annotation gets the default class written
into it at admission: the same manifest provisions different storage (or none, when the
cluster has no default) from one cluster to the next. For a StatefulSet's claim
templates the finding belongs to the StatefulSet.
"""

from collections.abc import Iterator
from typing import Any

from kslint.findings import Finding
from kslint.graph import Graph
from kslint.model import Claim, declared_claims
from kslint.registry import Reporter, rule


@rule("pvc-without-storage-class", kinds=("PersistentVolumeClaim", "StatefulSet"))
def check(view: Any, graph: Graph, report: Reporter) -> Iterator[Finding]:
    for claim, prefix in declared_claims(view):
        yield from _check(claim, prefix, report)


def _check(claim: Claim, prefix: str, report: Reporter) -> Iterator[Finding]:
    if claim.storage_class is not None:
        return
    yield report(
        claim.obj,
        f"{prefix}{claim.obj} has no storageClassName, so it gets whichever class the "
        "cluster marks default (or stays Pending if there is none).",
        claim.storage_class_path,
    )

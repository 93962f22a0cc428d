"""storageclass-not-found: a claim or PV names a storage class that does not exist.

Classes installed in the cluster are usually not in a manifests repository, so the rule
speaks only when it knows: the user declared the cluster's classes
(``cluster_storage_classes``) and the name is not among them, or a class in the set is
spelled almost the same (a typo). A class name shared by a PV and a claim in the set is a
static-binding label, which needs no StorageClass object, and is never reported.
"""

from collections.abc import Iterator
from typing import Any

from kslint.findings import Finding
from kslint.graph import Graph
from kslint.model import Claim, PersistentVolume, declared_claims
from kslint.nodes import Path
from kslint.registry import Reporter, rule


@rule("storageclass-not-found", kinds=("PersistentVolumeClaim", "StatefulSet", "PersistentVolume"))
def check(view: Any, graph: Graph, report: Reporter) -> Iterator[Finding]:
    if isinstance(view, PersistentVolume):
        name = view.storage_class
        if name and not graph.claims_of_class(name):
            yield from _missing(view.obj, name, ("spec", "storageClassName"), "", graph, report)
    for claim, prefix in declared_claims(view):
        yield from _claim(claim, prefix, graph, report)


def _claim(claim: Claim, prefix: str, graph: Graph, report: Reporter) -> Iterator[Finding]:
    name = claim.storage_class
    if name and not graph.volumes_of_class(name):
        yield from _missing(claim.obj, name, claim.storage_class_path, prefix, graph, report)


def _missing(
    obj: Any, name: str, path: Path, prefix: str, graph: Graph, report: Reporter
) -> Iterator[Finding]:
    if graph.get("StorageClass", None, name) is not None:
        return
    declared = graph.options.cluster_storage_classes
    if declared is not None and name in declared:
        return
    similar = graph.similar_storage_classes(name)
    if similar:
        suggestion = " or ".join(repr(sc.obj.name) for sc in similar[:3])
        message = (
            f"{prefix}{obj} names StorageClass {name!r}, which is not in the set; "
            f"did you mean {suggestion}?"
        )
    elif declared is not None:
        message = (
            f"{prefix}{obj} names StorageClass {name!r}, which is neither in the set nor "
            "among the cluster's declared storage classes."
        )
    else:
        return
    yield report(
        obj,
        message[0].upper() + message[1:],
        path,
        key=False,
        related=[sc.obj.related(f"{sc.obj} is defined here") for sc in similar[:3]],
    )

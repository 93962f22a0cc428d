"""pvc-not-found: a pod template names a claim that is not in the set.

The pod stays Pending ("persistentvolumeclaim not found") until a PVC of that name exists
in its namespace. Claims declared external in the configuration (``cluster_claims``) and
the per-replica claims a StatefulSet in the namespace creates from its claim templates
(``<template>-<statefulset>-<ordinal>``) count as existing.
"""

from collections.abc import Iterator

from kslint.findings import Finding
from kslint.graph import Graph
from kslint.model import Workload
from kslint.objects import POD_TEMPLATE_KINDS
from kslint.registry import Reporter, rule


@rule("pvc-not-found", kinds=POD_TEMPLATE_KINDS)
def check(workload: Workload, graph: Graph, report: Reporter) -> Iterator[Finding]:
    obj = workload.obj
    for volume, claim in graph.claims(workload):
        name = volume.claim_name
        if claim is not None or not name:
            continue
        if (obj.namespace, name) in graph.options.cluster_claims:
            continue
        if graph.claim_template_for(obj.namespace, name) is not None:
            continue
        elsewhere = sorted(graph.named("PersistentVolumeClaim", name), key=str)
        hint = ""
        if elsewhere:
            namespaces = sorted({str(other.namespace) for other in elsewhere})
            label = "namespace" if len(namespaces) == 1 else "namespaces"
            hint = f" (a PVC of that name exists in {label} {', '.join(namespaces)})"
        yield report(
            obj,
            f"{obj} uses claim {name!r} in volume {volume.name!r}, but no PVC "
            f"{obj.namespace}/{name} is in the set{hint}.",
            volume.claim_name_path,
            key=False,
            related=[
                other.related(
                    f"{other} is in another namespace; claims resolve only in {obj.namespace}"
                )
                for other in elsewhere
            ],
        )

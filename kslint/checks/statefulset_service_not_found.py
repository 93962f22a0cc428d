"""statefulset-service-not-found: the governing Service is not in the set.

Kubernetes does not create it; without it the pods' DNS names never resolve.
"""

from collections.abc import Iterator

from kslint.findings import Finding
from kslint.graph import Graph
from kslint.model import Workload
from kslint.registry import Reporter, rule


@rule("statefulset-service-not-found", kinds=("StatefulSet",))
def check(statefulset: Workload, graph: Graph, report: Reporter) -> Iterator[Finding]:
    name = statefulset.service_name
    obj = statefulset.obj
    # Defined at all (even ambiguously, by two equally near copies): not missing.
    if not name or graph.defines("Service", obj.namespace, name):
        return
    if (obj.namespace, name) in graph.options.cluster_services:
        return  # declared in the configuration: it lives in the cluster, not in the repo
    elsewhere = sorted(graph.named("Service", name), key=str)
    hint = ""
    if elsewhere:
        hint = f" (a Service of that name exists in namespace {elsewhere[0].namespace})"
    yield report(
        obj,
        f"{obj} names governing Service {name!r}, but no Service {obj.namespace}/{name} "
        f"is in the set{hint}.",
        ("spec", "serviceName"),
        key=False,
        related=[s.related(f"{s} is in another namespace") for s in elsewhere],
    )

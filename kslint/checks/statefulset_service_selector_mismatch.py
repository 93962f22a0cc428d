"""statefulset-service-selector-mismatch: the governing Service does not select the pods.

Per-pod DNS records exist only for pods the Service selects; a Service without a
selector, or with one that misses the pod labels, leaves the StatefulSet without them.
"""

from collections.abc import Iterator

from kslint.findings import Finding
from kslint.graph import Graph
from kslint.model import Workload
from kslint.registry import Reporter, rule


@rule("statefulset-service-selector-mismatch", kinds=("StatefulSet",))
def check(statefulset: Workload, graph: Graph, report: Reporter) -> Iterator[Finding]:
    service = graph.governing_service(statefulset)
    if service is None:
        return
    if service.selector is None:
        problem = "has no selector"
        related = service.obj.related(f"{service.obj} has no selector", "spec")
    elif not service.selector.matches(statefulset.pod.labels):
        problem = f"selects {service.selector.describe()}, which the pod labels do not match"
        related = service.obj.related(
            f"{service.obj} selects {service.selector.describe()}", "spec", "selector"
        )
    else:
        return
    yield report(
        statefulset.obj,
        f"Governing {service.obj} of {statefulset.obj} {problem}: its pods get no DNS records.",
        ("spec", "serviceName"),
        key=False,
        related=[related],
    )

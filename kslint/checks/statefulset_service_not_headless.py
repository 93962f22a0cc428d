"""statefulset-service-not-headless: the governing Service has a cluster IP.

Only a headless Service (``clusterIP: None``) publishes a DNS record per pod. With a
virtual IP the pods get no stable names and clustered databases cannot find their peers.
"""

from collections.abc import Iterator

from kslint.findings import Finding
from kslint.graph import Graph
from kslint.model import Workload
from kslint.registry import Reporter, rule


@rule("statefulset-service-not-headless", kinds=("StatefulSet",))
def check(statefulset: Workload, graph: Graph, report: Reporter) -> Iterator[Finding]:
    service = graph.governing_service(statefulset)
    if service is None or service.headless:
        return
    if service.cluster_ip is None:
        detail = f"{service.obj} has no clusterIP (it gets a virtual IP)"
        related = service.obj.related(detail, "spec")
    else:
        detail = f"{service.obj} has clusterIP {service.cluster_ip}"
        related = service.obj.related(detail, "spec", "clusterIP")
    yield report(
        statefulset.obj,
        f"{statefulset.obj} is governed by {service.obj}, which is not headless "
        "(it needs clusterIP: None): its pods get no stable DNS names.",
        ("spec", "serviceName"),
        key=False,
        related=[related],
    )

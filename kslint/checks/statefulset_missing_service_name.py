"""statefulset-missing-service-name: no governing Service named.

A StatefulSet's pods get stable DNS names (``db-0.db.ns.svc``) only through the headless
Service that ``spec.serviceName`` names; peers and clients of clustered databases rely on
them.
"""

from collections.abc import Iterator

from kslint.findings import Finding
from kslint.graph import Graph
from kslint.model import Workload
from kslint.registry import Reporter, rule


@rule("statefulset-missing-service-name", kinds=("StatefulSet",))
def check(statefulset: Workload, graph: Graph, report: Reporter) -> Iterator[Finding]:
    if statefulset.service_name:
        return
    obj = statefulset.obj
    written = obj.get("spec", "serviceName") is not None
    yield report(
        obj,
        f"{obj} has {'an empty' if written else 'no'} spec.serviceName: its pods get no "
        "stable network identity.",
        ("spec", "serviceName") if written else ("spec",),
        key=not written,
    )

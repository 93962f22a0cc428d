"""deployment-rwo-rolling-update: a surge pod cannot attach the old pod's volume.

A RollingUpdate starts the new pod before stopping the old one. With a single-node claim
the new pod waits for a volume the old pod holds (on another node it never gets it), and
the rollout stalls. ``maxSurge: 0`` or ``strategy: {type: Recreate}`` avoid it.
"""

from collections.abc import Iterator
from typing import Any

from kslint.findings import Finding
from kslint.graph import Graph
from kslint.model import Workload
from kslint.registry import Reporter, rule


def _is_zero(value: Any) -> bool:
    return value in (0, "0", "0%")


@rule("deployment-rwo-rolling-update", kinds=("Deployment",))
def check(workload: Workload, graph: Graph, report: Reporter) -> Iterator[Finding]:
    if workload.strategy_type != "RollingUpdate" or workload.replicas == 0:
        return
    obj = workload.obj
    max_surge = obj.get("spec", "strategy", "rollingUpdate", "maxSurge")
    if _is_zero(max_surge):
        return
    for _, claim in graph.claims(workload):
        if claim is None or not claim.single_node:
            continue
        # The node to change: maxSurge or the strategy type if written, else the mapping
        # that lacks them (not the claim: deployment-shared-rwo-pvc reports that one).
        key = False
        if max_surge is not None:
            path: tuple[Any, ...] = ("spec", "strategy", "rollingUpdate", "maxSurge")
        elif obj.get("spec", "strategy", "type") is not None:
            path = ("spec", "strategy", "type")
        else:
            path, key = (("spec", "strategy") if obj.get("spec", "strategy") else ("spec",)), True
        surge = "the default maxSurge of 25%" if max_surge is None else f"maxSurge {max_surge}"
        yield report(
            obj,
            f"{obj} rolls out with RollingUpdate ({surge}) while it uses "
            f"{'/'.join(claim.access_modes)} {claim.obj}: the surge pod cannot attach the "
            "volume the old pod holds, and the rollout stalls.",
            path,
            key=key,
            related=[
                claim.obj.related(
                    f"{claim.obj} is {'/'.join(claim.access_modes)}", "spec", "accessModes"
                )
            ],
        )
        return  # one finding per Deployment: the fix (Recreate) is the same for every claim

"""stateful-image-in-deployment: a database run by a Deployment on a claim.

A Deployment treats its pods as interchangeable: a rollout starts the new pod before the
old one stops (two servers on one data directory, or a stuck rollout on a single-node
claim), pods get random names, and every replica shares the one claim. A StatefulSet
gives a database stable identity, ordered rollout and a claim per replica. Reported once
per Deployment, at the image of its first server container (one that mounts a claim when
there is one).
"""

from collections.abc import Iterator

from kslint.findings import Finding
from kslint.graph import Graph
from kslint.images import server_containers
from kslint.model import Workload
from kslint.registry import Reporter, rule


@rule("stateful-image-in-deployment", kinds=("Deployment",))
def check(deployment: Workload, graph: Graph, report: Reporter) -> Iterator[Finding]:
    # The finding needs no target (an unknown or ambiguous claim is named as written).
    claims = [(volume, graph.claim(deployment, volume)) for volume in deployment.claim_volumes]
    if not claims:
        return
    servers = server_containers(deployment.pod.containers, graph.options)
    if not servers:
        return
    claim_volumes = {volume.name for volume, _ in claims}
    container, image = next(
        (
            (container, image)
            for container, image in servers
            if any(mount.name in claim_volumes for mount in (*container.mounts, *container.devices))
        ),
        servers[0],
    )
    obj = deployment.obj
    names = ", ".join(
        str(claim.obj) if claim is not None else f"claim {volume.claim_name!r}"
        for volume, claim in claims
    )
    yield report(
        obj,
        f"{obj} runs {image.name} (container {container.name!r}) on {names}: a StatefulSet "
        "gives it stable identity, ordered rollout and per-replica storage.",
        (*container.path, "image"),
        key=False,
        related=[
            claim.obj.related(f"{claim.obj} holds the data of {obj}")
            for _, claim in claims
            if claim is not None
        ],
    )

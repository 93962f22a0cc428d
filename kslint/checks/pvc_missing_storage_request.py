"""pvc-missing-storage-request: a claim that does not say how much storage it needs.

The API server rejects a PersistentVolumeClaim without ``resources.requests.storage``;
in a StatefulSet's claim templates the StatefulSet is accepted but every replica's claim
is rejected, so its pods never start. The request is also parsed: a malformed quantity
is reported as ``invalid-object``.
"""

from collections.abc import Iterator
from typing import Any

from kslint.findings import Finding
from kslint.graph import Graph
from kslint.model import Claim, declared_claims, present
from kslint.registry import Reporter, rule


@rule("pvc-missing-storage-request", kinds=("PersistentVolumeClaim", "StatefulSet"))
def check(view: Any, graph: Graph, report: Reporter) -> Iterator[Finding]:
    for claim, prefix in declared_claims(view):
        yield from _check(claim, prefix, report)


def _check(claim: Claim, prefix: str, report: Reporter) -> Iterator[Finding]:
    # Reading the request parses it: a malformed quantity is recorded as invalid-object.
    if claim.storage_request is not None or claim.obj.get(*claim.storage_request_path) is not None:
        return
    yield report(
        claim.obj,
        f"{prefix}{claim.obj} has no resources.requests.storage, so the API server "
        "rejects the claim.",
        present(claim.obj, claim.storage_request_path),
    )

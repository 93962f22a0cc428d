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
from kslint.rules import rule

RULE = "pvc-missing-storage-request"


@rule(RULE, kinds=("PersistentVolumeClaim", "StatefulSet"))
def check(view: Any, graph: Graph) -> Iterator[Finding]:
    for claim, prefix in declared_claims(view):
        yield from _check(claim, prefix)


def _check(claim: Claim, prefix: str) -> Iterator[Finding]:
    # Reading the request parses it: a malformed quantity is recorded as invalid-object.
    if claim.storage_request is not None or claim.obj.get(*claim.storage_request_path) is not None:
        return
    yield claim.obj.finding(
        RULE,
        f"{prefix}{claim.obj} has no resources.requests.storage, so the API server "
        "rejects the claim.",
        present(claim.obj, claim.storage_request_path),
    )

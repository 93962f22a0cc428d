"""Which of the objects a label selector matches are in its scope, by directory.

Names resolve to the nearest definition (``kslint.graph.Graph.lookup``). Label selectors
(a Service's or a PodDisruptionBudget's pods, an operator's peers) match every object
that carries the labels, so in plain files they would cross environment folders: the
PodDisruptionBudget in ``deploy/dev/`` would cover the StatefulSet in ``deploy/prod/``.
The same nearest-directory rule scopes them, in two steps:

- ``in_reach``: the matches in the selecting object's directory or below it; when there
  are none, those below its nearest ancestor that holds any (siblings tie and all stay:
  a Service in ``app/`` selects the pods of ``app/a/`` and ``app/b/``).
- ``nearest_copies``: when copies of one selecting object (one identity, several
  directories) match the same object, only the nearest copy selects it.

A render is one directory as far as this goes: its objects share one file.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from kslint.objects import K8sObject

T = TypeVar("T")


def _parts(directory: str) -> tuple[str, ...]:
    return tuple(directory.split("/")) if directory else ()


def _shared(a: tuple[str, ...], b: tuple[str, ...]) -> int:
    shared = 0
    for mine, theirs in zip(a, b, strict=False):
        if mine != theirs:
            break
        shared += 1
    return shared


def reach(near: K8sObject, other: K8sObject) -> tuple[int, int, int]:
    """How close ``other`` is to ``near``'s directory (larger is nearer): in it or below
    it; else the number of leading directory parts they share, an ancestor's own
    directory before a sibling folder at the same depth."""
    mine, theirs = _parts(near.file.directory), _parts(other.file.directory)
    shared = _shared(mine, theirs)
    if shared == len(mine):
        return (1, 0, 0)
    return (0, shared, 1 if shared == len(theirs) else 0)


def in_reach(near: K8sObject, matches: Sequence[T], obj: Callable[[T], K8sObject]) -> list[T]:
    """The matches a selector of ``near`` reaches (see the module docs)."""
    if len(matches) < 2:
        return list(matches)
    ranks = [reach(near, obj(match)) for match in matches]
    best = max(ranks)
    return [match for match, rank in zip(matches, ranks, strict=True) if rank == best]


def nearest_copies(
    target: K8sObject, selectors: Sequence[T], obj: Callable[[T], K8sObject]
) -> list[T]:
    """Of the selectors that match ``target``, drop copies of one identity that are
    farther from it than another copy (ties keep every copy)."""
    if len(selectors) < 2:
        return list(selectors)
    by_identity: dict[object, list[tuple[tuple[int, int, int], T]]] = {}
    for selector in selectors:
        by_identity.setdefault(obj(selector).identity, []).append(
            (reach(target, obj(selector)), selector)
        )
    kept: list[T] = []
    for selector in selectors:
        ranked = by_identity[obj(selector).identity]
        best = max(rank for rank, _ in ranked)
        if any(rank == best and item is selector for rank, item in ranked):
            kept.append(selector)
    return kept

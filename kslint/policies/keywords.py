"""JSON Schema keywords kslint adds for policies, where plain JSON Schema cannot say what
a Kubernetes field means:

- ``quantity``: the value read as a Kubernetes resource quantity (``"10Gi"``, ``500M``,
  ``0``) and compared as a number: ``quantity: {exclusiveMinimum: 0}`` fails on ``"0"``,
  ``0Gi`` and ``0``, which ``const``/``pattern`` cannot all catch. Bounds are quantities
  too (``maximum: 1Gi``). A value that is not a quantity (a template placeholder)
  satisfies it: the policy cannot know, so it stays silent.
- ``sumOf``: on a list, the sum of one field of its items (``pointer`` into each item,
  ``default`` for items that lack it) must satisfy ``is`` (a schema, usually
  ``not: {const: 1}``): ``sumOf: {pointer: /replicas, default: 1, is: {not: {const: 1}}}``
  fails on ``[{replicas: 1}]`` and on ``[{}]``, not on ``[{}, {}]``. An item whose value
  is not an integer makes the sum unknown, and the keyword is satisfied.

Both are registered on the bounded validators of ``kslint.policies.schema``; the meta-schema
of every dialect allows unknown keywords, so policies may use them.
"""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction
from typing import Any

from jsonschema import ValidationError

from kslint.nodes import json_pointer
from kslint.quantity import QuantityError, parse_quantity

_COMPARISONS = {
    "minimum": (lambda value, bound: value >= bound, "at least"),
    "maximum": (lambda value, bound: value <= bound, "at most"),
    "exclusiveMinimum": (lambda value, bound: value > bound, "more than"),
    "exclusiveMaximum": (lambda value, bound: value < bound, "less than"),
}


def _quantity(value: Any) -> Fraction | None:
    try:
        return parse_quantity(value)
    except QuantityError:
        return None


def quantity(validator: Any, bounds: Any, instance: Any, schema: Any) -> Iterator[Any]:
    if not isinstance(bounds, dict):
        return
    value = _quantity(instance)
    if value is None:
        return  # not a quantity: unknown, never a failure
    for name, (holds, words) in _COMPARISONS.items():
        if name not in bounds:
            continue
        bound = _quantity(bounds[name])
        if bound is not None and not holds(value, bound):
            yield ValidationError(f"{instance!r} is not {words} {bounds[name]}")


def item_sum(items: list[Any], pointer: str, default: Any) -> int | None:
    """The sum of ``pointer`` over ``items``; None when a value is not an integer."""
    total = 0
    for item in items:
        try:
            value = json_pointer(item, pointer) if pointer else item
        except (KeyError, TypeError, IndexError, ValueError):
            value = default
        if value is None:
            value = default
        if isinstance(value, bool) or not isinstance(value, int):
            return None
        total += value
    return total


def sum_of(validator: Any, spec: Any, instance: Any, schema: Any) -> Iterator[Any]:
    if not isinstance(spec, dict) or not validator.is_type(instance, "array"):
        return
    total = item_sum(list(instance), str(spec.get("pointer", "")), spec.get("default"))
    if total is None:
        return
    expected = spec.get("is", True)
    if not validator.evolve(schema=expected).is_valid(total):
        where = spec.get("pointer", "") or "the items"
        yield ValidationError(f"the sum of {where} over {len(instance)} item(s) is {total}")


KEYWORDS = {"quantity": quantity, "sumOf": sum_of}

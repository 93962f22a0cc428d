"""``jsonschema`` keywords made safe for schemas and instances that come from repositories.

Two stages evaluate JSON Schemas written by someone else with ``jsonschema``: manifests
against CRD and ``--schema-dir`` schemas (``kslint.schema``), and policies
(``kslint.policies``). ``extend`` gives either a validator class whose keywords

- match ``pattern``, ``patternProperties`` and the ``additionalProperties`` that depends
  on them with RE2 (``kslint.patterns``): linear time, the API server's syntax;
- find duplicates for ``uniqueItems`` by hashing (``jsonschema`` compares every pair:
  20,000 mappings take minutes);
- count their work against a ``Budget`` when one is active (``spending``): steps that do
  not depend on the machine's speed, so the same input always gives the same findings,
  however slow or busy the machine.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import Any

from kslint.patterns import search

# What one pattern match costs: a step, plus one per this many characters of text.
_CHARACTERS_PER_STEP = 256


class BudgetExceeded(Exception):
    """An evaluation spent every step of its budget."""


class Budget:
    """Steps an evaluation may take: one per keyword evaluated, more for long matches."""

    def __init__(self, steps: int) -> None:
        self.limit = steps
        self.left = steps

    def spend(self, steps: int = 1) -> None:
        self.left -= steps
        if self.left < 0:
            raise BudgetExceeded(f"it took more than {self.limit:,} evaluation steps")


_ACTIVE: ContextVar[Budget | None] = ContextVar("kslint_schema_budget", default=None)


@contextlib.contextmanager
def spending(budget: Budget) -> Iterator[Budget]:
    """Charge every keyword evaluated inside the block to ``budget``."""
    token = _ACTIVE.set(budget)
    try:
        yield budget
    finally:
        _ACTIVE.reset(token)


def _charge(steps: int = 1) -> None:
    budget = _ACTIVE.get()
    if budget is not None:
        budget.spend(steps)


def matches(pattern: str, text: str) -> bool:
    """``pattern`` searched in ``text`` with RE2, charged to the active budget."""
    _charge(1 + len(text) // _CHARACTERS_PER_STEP)
    return search(pattern, text)


# -- uniqueItems in linear time -------------------------------------------------------------


def _canonical(value: Any) -> Any:
    """A hashable value equal for values JSON Schema calls equal (``1 == 1.0``, mappings
    in any order) and different otherwise (``true`` is not ``1``)."""
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, (int, float)):
        return ("number", value)
    if isinstance(value, dict):
        return ("object", frozenset((key, _canonical(item)) for key, item in value.items()))
    if isinstance(value, list):
        return ("array", tuple(_canonical(item) for item in value))
    return (type(value).__name__, value)


def first_duplicate(items: list[Any]) -> tuple[bool, Any]:
    """``(True, item)`` for the first item equal to an earlier one, else ``(False, None)``."""
    seen: set[Any] = set()
    for item in items:
        key = _canonical(item)
        if key in seen:
            return True, item
        seen.add(key)
    return False, None


# -- the keywords -------------------------------------------------------------------------


def _pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Iterator[Any]:
    from jsonschema import ValidationError

    if validator.is_type(instance, "string") and not matches(pattern, instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


def _pattern_properties(validator: Any, patterns: Any, instance: Any, schema: Any) -> Iterator[Any]:
    if not validator.is_type(instance, "object"):
        return
    for pattern, subschema in patterns.items():
        for key, value in instance.items():
            if matches(pattern, key):
                yield from validator.descend(value, subschema, path=key, schema_path=pattern)


def additional_keys(instance: dict[str, Any], schema: dict[str, Any]) -> list[str]:
    """Keys neither ``properties`` nor ``patternProperties`` of ``schema`` cover."""
    properties = schema.get("properties", {})
    patterns = list(schema.get("patternProperties", {}))
    return [
        key
        for key in instance
        if key not in properties and not any(matches(pattern, key) for pattern in patterns)
    ]


def _additional_properties(
    validator: Any, allowed: Any, instance: Any, schema: Any
) -> Iterator[Any]:
    from jsonschema import ValidationError

    if not validator.is_type(instance, "object"):
        return
    extras = additional_keys(instance, schema)
    if validator.is_type(allowed, "object"):
        for extra in extras:
            yield from validator.descend(instance[extra], allowed, path=extra)
    elif not allowed and extras:
        shown = ", ".join(repr(extra) for extra in sorted(extras, key=str))
        verb = "was" if len(extras) == 1 else "were"
        yield ValidationError(f"Additional properties are not allowed ({shown} {verb} unexpected)")


def _unique_items(validator: Any, unique: Any, instance: Any, schema: Any) -> Iterator[Any]:
    from jsonschema import ValidationError

    if not unique or not validator.is_type(instance, "array"):
        return
    _charge(len(instance))
    found, item = first_duplicate(instance)
    if found:
        yield ValidationError(f"{item!r} has non-unique elements")


_SAFE_KEYWORDS: dict[str, Callable[..., Any]] = {
    "pattern": _pattern,
    "patternProperties": _pattern_properties,
    "additionalProperties": _additional_properties,
    "uniqueItems": _unique_items,
}


def _counted(keyword: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(keyword)
    def counted(validator: Any, value: Any, instance: Any, schema: Any) -> Any:
        budget = _ACTIVE.get()
        if budget is not None:
            budget.spend(1)
        return keyword(validator, value, instance, schema)

    return counted


_EXTENDED: dict[tuple[Any, frozenset[str]], Any] = {}


def extend(base: Any, extra: dict[str, Callable[..., Any]] | None = None) -> Any:
    """``base`` (a ``jsonschema`` validator class) with the safe keywords and ``extra``
    ones, every keyword counted against the active budget. Built once per base and set of
    extra keywords."""
    from jsonschema import validators

    extra = extra or {}
    key = (base, frozenset(extra))
    if key not in _EXTENDED:
        keywords = {**base.VALIDATORS, **_SAFE_KEYWORDS, **extra}
        keywords = {name: keywords[name] for name in [*base.VALIDATORS, *extra]}
        counted = {name: _counted(function) for name, function in keywords.items()}
        _EXTENDED[key] = validators.extend(base, counted)
    return _EXTENDED[key]

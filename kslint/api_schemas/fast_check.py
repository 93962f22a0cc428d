"""A fast yes/no JSON Schema check, compiled once per schema into Python closures.

Almost every object in a repository is valid, so the hot path only has to answer "is it?"
as fast as possible. ``jsonschema`` answers that too, but its generic keyword dispatch costs
about ten times more per node than a closure that knows its schema. This module compiles
the keywords Kubernetes schemas and CRD schemas use into closures; the (rare) objects that
fail are then validated again by ``jsonschema`` to explain why (``kslint.api_schemas.violations``).

The compiled check must never say "valid" where ``jsonschema`` would not: a schema using
an asserting keyword this module does not implement raises ``Unsupported`` at compile time
and the caller validates with ``jsonschema`` alone. Checking more than ``jsonschema`` does
(``$ref`` siblings in old drafts) is harmless: it only sends an object down the slow path.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kslint.nodes import YMap, YSeq, json_pointer
from kslint.patterns import PatternError, compile_pattern

Check = Callable[[Any], bool]

# Keywords that assert something in some JSON Schema draft and that this module does not
# implement. Any other unknown keyword is an annotation, which jsonschema ignores too.
UNSUPPORTED = frozenset(
    {
        "$dynamicRef",
        "$recursiveRef",
        "additionalItems",
        "contains",
        "dependencies",
        "dependentRequired",
        "dependentSchemas",
        "if",
        "maxContains",
        "minContains",
        "prefixItems",
        "propertyNames",
        "unevaluatedItems",
        "unevaluatedProperties",
        "uniqueItems",
    }
)


class Unsupported(Exception):
    """The schema needs a keyword (or form) the fast check does not implement."""


class InvalidSchema(Exception):
    """The schema is not one: a bound or a count that is not a number. The API server
    refuses a CRD whose schema is invalid (its own ``schema-violation`` says where), so
    nothing is validated against it."""


# Keywords whose value must be a number (``exclusiveMinimum`` and ``exclusiveMaximum``:
# a number, or a flag in draft 4 and OpenAPI 3.0).
_NUMERIC = (
    "minimum",
    "maximum",
    "multipleOf",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "minProperties",
    "maxProperties",
)


def _numeric_keywords(schema: dict[str, Any]) -> None:
    for key in _NUMERIC:
        value = schema.get(key)
        if value is not None and not _is_number(value):
            raise InvalidSchema(f"{key}: {value!r} is not a number")
    for key in ("exclusiveMinimum", "exclusiveMaximum"):
        value = schema.get(key)
        if value is not None and not (_is_number(value) or isinstance(value, bool)):
            raise InvalidSchema(f"{key}: {value!r} is neither a number nor a flag")


def _true(value: Any) -> bool:
    return True


def _false(value: Any) -> bool:
    return False


_OBJECT = (dict, YMap)
_ARRAY = (list, YSeq)
_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "object": _OBJECT,
    "array": _ARRAY,
    "boolean": (bool,),
    "null": (type(None),),
    "number": (int, float),
    "integer": (int,),
}


def _type_check(names: Any) -> Check:
    if isinstance(names, str):
        names = [names]
    exact: set[type] = set()
    for name in names:
        if name not in _TYPES:
            raise Unsupported(f"type {name!r}")
        exact.update(_TYPES[name])
    allowed = frozenset(exact)
    integral_floats = "integer" in names and float not in allowed

    def check(value: Any) -> bool:
        kind = type(value)
        if kind in allowed:
            return True
        if integral_floats and kind is float:
            return value.is_integer()
        return False

    return check


def _key(value: Any) -> Any:
    """A comparable form where 1 == 1.0 but True != 1 (as jsonschema compares)."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return (type(value).__name__, value)
    if isinstance(value, (int, float)):
        return ("number", value)
    if isinstance(value, dict):
        return ("object", tuple(sorted((k, _key(v)) for k, v in value.items())))
    if isinstance(value, list):
        return ("array", tuple(_key(v) for v in value))
    raise Unsupported(f"enum value {value!r}")


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _all(checks: list[Check]) -> Check:
    if not checks:
        return _true
    if len(checks) == 1:
        return checks[0]
    if len(checks) == 2:
        first, second = checks
        return lambda value: first(value) and second(value)
    frozen = tuple(checks)

    def check(value: Any) -> bool:
        for item in frozen:  # noqa: SIM110 (a loop is faster than all() over a generator)
            if not item(value):
                return False
        return True

    return check


class Compiler:
    """Compiles the schemas of one root document (refs resolve inside it).

    ``cache`` maps a ``$ref`` to its compiled check; roots that share a ``$defs`` object
    (a Kubernetes version and the CRD schemas that use its ObjectMeta) share the cache.
    """

    def __init__(self, root: Any, cache: dict[str, Check] | None = None) -> None:
        self.root = root
        self.cache: dict[str, Check] = {} if cache is None else cache

    def ref(self, ref: str) -> Check:
        found = self.cache.get(ref)
        if found is not None:
            return found
        if not ref.startswith("#"):
            raise Unsupported(f"remote $ref {ref!r}")
        target = self._pointer(ref[1:])
        cell: list[Check] = []

        def forward(value: Any) -> bool:  # a recursive schema reaches itself through this
            return cell[0](value)

        self.cache[ref] = forward
        try:
            compiled = self.compile(target)
        except BaseException:
            del self.cache[ref]
            raise
        cell.append(compiled)
        self.cache[ref] = compiled
        return compiled

    def _pointer(self, pointer: str) -> Any:
        node = self.root
        if not pointer:
            return node
        if not pointer.startswith("/"):
            raise Unsupported(f"anchor $ref #{pointer}")
        try:
            return json_pointer(node, pointer)
        except KeyError:
            raise Unsupported(f"unresolvable $ref #{pointer}") from None

    def compile(self, schema: Any) -> Check:
        if schema is True:
            return _true
        if schema is False:
            return _false
        if not isinstance(schema, dict):
            raise Unsupported(f"schema {schema!r}")
        _numeric_keywords(schema)
        unsupported = UNSUPPORTED.intersection(schema)
        if unsupported:
            raise Unsupported(", ".join(sorted(unsupported)))
        checks: list[Check] = []
        if "type" in schema:
            checks.append(_type_check(schema["type"]))
        if "$ref" in schema:
            checks.append(self.ref(schema["$ref"]))
        if "enum" in schema:
            checks.append(self._enum(schema["enum"]))
        if "const" in schema:
            checks.append(self._enum([schema["const"]]))
        for part in (
            self._object(schema),
            self._array(schema),
            self._string(schema),
            self._number(schema),
        ):
            if part is not None:
                checks.append(part)
        if "allOf" in schema:
            checks.extend(self.compile(sub) for sub in schema["allOf"])
        if "anyOf" in schema:
            options = [self.compile(sub) for sub in schema["anyOf"]]
            checks.append(lambda value: any(option(value) for option in options))
        if "oneOf" in schema:
            alternatives = [self.compile(sub) for sub in schema["oneOf"]]
            checks.append(lambda value: sum(1 for a in alternatives if a(value)) == 1)
        if "not" in schema:
            negated = self.compile(schema["not"])
            checks.append(lambda value: not negated(value))
        return _all(checks)

    def _enum(self, values: Any) -> Check:
        if not isinstance(values, list):
            raise Unsupported("enum")
        allowed = frozenset(_key(value) for value in values)

        def check(value: Any) -> bool:
            try:
                return _key(value) in allowed
            except Unsupported:
                return False

        return check

    def _object(self, schema: dict[str, Any]) -> Check | None:
        properties = schema.get("properties")
        additional = schema.get("additionalProperties")
        patterns = schema.get("patternProperties")
        required = schema.get("required")
        low, high = schema.get("minProperties"), schema.get("maxProperties")
        if not (properties or additional is not None or patterns or required) and (
            low is None and high is None
        ):
            return None
        props = {name: self.compile(sub) for name, sub in (properties or {}).items()}
        try:  # RE2, as the API server: linear time (kslint.patterns)
            pattern_checks = [
                (compile_pattern(pattern), self.compile(sub))
                for pattern, sub in (patterns or {}).items()
            ]
        except PatternError as exc:
            raise Unsupported(f"patternProperties: {exc}") from None
        extra = None if additional is None or additional is True else self.compile(additional)
        needed = tuple(required or ())
        minimum = low or 0
        maximum = high

        def check(value: Any) -> bool:
            if not isinstance(value, dict):
                return True
            for name in needed:
                if name not in value:
                    return False
            for name, item in value.items():
                sub = props.get(name)
                if sub is not None:
                    if not sub(item):
                        return False
                    if not pattern_checks:
                        continue
                matched = False
                for regex, pattern_check in pattern_checks:
                    if regex.search(name):
                        matched = True
                        if not pattern_check(item):
                            return False
                if sub is None and not matched and extra is not None and not extra(item):
                    return False
            if len(value) < minimum:
                return False
            return maximum is None or len(value) <= maximum

        return check

    def _array(self, schema: dict[str, Any]) -> Check | None:
        items = schema.get("items")
        low, high = schema.get("minItems"), schema.get("maxItems")
        if items is None and low is None and high is None:
            return None
        if isinstance(items, list):
            raise Unsupported("items as a list")
        item_check = None if items is None or items is True else self.compile(items)
        minimum = low or 0
        maximum = high

        def check(value: Any) -> bool:
            if not isinstance(value, list):
                return True
            if len(value) < minimum or (maximum is not None and len(value) > maximum):
                return False
            if item_check is not None:
                for item in value:
                    if not item_check(item):
                        return False
            return True

        return check

    def _string(self, schema: dict[str, Any]) -> Check | None:
        pattern = schema.get("pattern")
        low, high = schema.get("minLength"), schema.get("maxLength")
        if pattern is None and low is None and high is None:
            return None
        try:
            regex = compile_pattern(pattern) if pattern is not None else None
        except PatternError as exc:
            raise Unsupported(f"pattern {pattern!r}: {exc}") from None
        minimum = low or 0
        maximum = high

        def check(value: Any) -> bool:
            if type(value) is not str:
                return True
            if len(value) < minimum or (maximum is not None and len(value) > maximum):
                return False
            return regex is None or regex.search(value) is not None

        return check

    def _number(self, schema: dict[str, Any]) -> Check | None:
        minimum, maximum = schema.get("minimum"), schema.get("maximum")
        exclusive_min, exclusive_max = (
            schema.get("exclusiveMinimum"),
            schema.get("exclusiveMaximum"),
        )
        multiple = schema.get("multipleOf")
        if all(x is None for x in (minimum, maximum, exclusive_min, exclusive_max, multiple)):
            return None
        bounds: list[Check] = []
        # Draft 4 and OpenAPI 3.0: exclusiveMinimum is a flag on minimum; later drafts: a bound.
        if minimum is not None:
            low = minimum
            if exclusive_min is True:
                bounds.append(lambda v: v > low)
            else:
                bounds.append(lambda v: v >= low)
        if maximum is not None:
            high = maximum
            if exclusive_max is True:
                bounds.append(lambda v: v < high)
            else:
                bounds.append(lambda v: v <= high)
        if _is_number(exclusive_min):
            strict_low = exclusive_min
            bounds.append(lambda v: v > strict_low)
        if _is_number(exclusive_max):
            strict_high = exclusive_max
            bounds.append(lambda v: v < strict_high)
        if multiple is not None:
            if isinstance(multiple, float) or not _is_number(multiple):
                raise Unsupported("multipleOf with a fraction")
            step = multiple
            bounds.append(lambda v: isinstance(v, int) and v % step == 0)
        inner = _all(bounds)

        def check(value: Any) -> bool:
            return not _is_number(value) or inner(value)

        return check

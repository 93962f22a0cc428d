"""The one translation of JSON Schema validation errors into messages people read.

Three places validate against a JSON Schema: manifests against Kubernetes and CRD schemas
(``kslint.api_schemas``), the configuration file (``kslint.config``) and policy files
(``kslint.policies``). They all word a problem the same way, through ``explain``; each
only decides where the message is shown (a finding, or a ``file:line:col`` line).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kslint.nodes import describe, dotted, quoted
from kslint.patterns import PatternError, search
from kslint.schema_keywords import first_duplicate
from kslint.suggest import closest

if TYPE_CHECKING:  # jsonschema is imported only where something failed validation
    from jsonschema.exceptions import ValidationError

_QUANTITY_HINT = "[KMGTPE]i"
_LONGEST_MESSAGE = 160


@dataclass(frozen=True)
class SchemaProblem:
    path: tuple[Any, ...]  # the node the message is about
    message: str  # the whole message, starting with the node's dotted path where useful
    key: bool  # point at the node's key (True) or its value
    unknown_field: bool = False  # a key the schema does not declare


def leaves(errors: Iterable[ValidationError]) -> Iterator[ValidationError]:
    """Each error, with an ``anyOf``/``oneOf`` replaced by its most relevant alternative's
    error (``jsonschema.exceptions.best_match``)."""
    for error in errors:
        if error.context:
            from jsonschema.exceptions import best_match

            chosen = best_match([error])
            yield chosen if chosen is not None else error
        else:
            yield error


def suggestion(name: str, known: Iterable[str]) -> str | None:
    """The declared field a misspelled one most likely meant, if any is close. Stricter
    than names elsewhere: Kubernetes field names share long prefixes (``storageClassName``,
    ``storageClass``), and a wrong guess here reads like an authoritative fix."""
    match = closest(name, known, cutoff=0.75)
    return match[0] if match else None


def explain(error: ValidationError) -> list[SchemaProblem]:
    """What one validation error means, as one or more problems (one per undeclared key,
    one per missing required field)."""
    path = tuple(error.absolute_path)
    keyword = error.validator
    value = error.instance
    schema = error.schema if isinstance(error.schema, dict) else {}
    if keyword == "additionalProperties" and isinstance(value, dict):
        return list(_unknown_fields(path, value, schema))
    at = dotted(path)
    prefix = f"{at}: " if at else ""
    # A schema of kslint's own (configuration, rule format) may word its errors itself:
    # ``errorMessage`` as one string, or per keyword.
    custom = schema.get("errorMessage")
    if isinstance(custom, dict):
        custom = custom.get(keyword)
    if isinstance(custom, str):
        return [SchemaProblem(path, f"{prefix}{custom}", key=keyword == "required")]
    if keyword == "required" and isinstance(value, dict):
        missing = [name for name in error.validator_value if name not in value]
        return [
            SchemaProblem(path, f"{prefix}missing required field {quoted(name)}", key=True)
            for name in missing
        ]
    return [SchemaProblem(path, f"{prefix}{_wording(error)}", key=False)]


def _unknown_fields(
    path: tuple[Any, ...], value: dict[Any, Any], schema: dict[str, Any]
) -> Iterator[SchemaProblem]:
    declared = list(schema.get("properties") or {})
    patterns = list(schema.get("patternProperties") or {})
    for key in value:
        if key in declared or any(_matches(p, str(key)) for p in patterns):
            continue
        message = f"unknown field {quoted(dotted((*path, key)))}"
        hint = suggestion(str(key), declared)
        if hint is not None:
            message += f"; did you mean {quoted(hint)}?"
        elif not declared:
            message += f" ({dotted(path) or 'the object'} accepts no fields)"
        yield SchemaProblem((*path, key), message, key=True, unknown_field=True)


def _matches(pattern: str, key: str) -> bool:
    """As the validator matched (RE2, as the API server); a pattern RE2 refuses was
    reported where the schema was read."""
    try:
        return search(pattern, key)
    except PatternError:
        return False


def _wording(error: ValidationError) -> str:
    keyword, value, expected = error.validator, error.instance, error.validator_value
    if keyword == "type":
        return f"expected {_types(expected)}, got {describe(value)}"
    if keyword == "enum":
        options = [o for o in expected if o is not None]
        shown = ", ".join(quoted(o) if isinstance(o, str) else str(o) for o in options[:8])
        more = ", ..." if len(options) > 8 else ""
        hint = closest(value, map(str, options)) if isinstance(value, str) else []
        close = f"; did you mean {quoted(hint[0])}?" if hint else ""
        return f"{describe(value)} is not one of {shown}{more}{close}"
    if keyword == "pattern" and _QUANTITY_HINT in str(expected):
        return (
            f"{describe(value)} is not a valid quantity "
            "(a number with an optional suffix: 10Gi, 500M, 250m, 1e3)"
        )
    if keyword == "pattern":
        return f"{describe(value)} does not match the pattern {expected}"
    if keyword in ("minLength", "minItems", "minProperties") and not value:
        return "must not be empty"
    if keyword == "uniqueItems" and isinstance(value, list):
        _, twice = first_duplicate(value)
        return f"lists {quoted(twice)} more than once"
    if keyword == "maxLength":
        return f"must be at most {expected} characters long"
    message = error.message
    return message if len(message) <= _LONGEST_MESSAGE else message[: _LONGEST_MESSAGE - 3] + "..."


def _types(expected: Any) -> str:
    names = [expected] if isinstance(expected, str) else list(expected)
    names = [name for name in names if name != "null"] or names
    wording = {"object": "mapping", "array": "list"}
    return " or ".join(wording.get(name, name) for name in names)

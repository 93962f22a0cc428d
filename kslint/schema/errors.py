"""Why an object failed its schema: ``jsonschema`` errors mapped to findings at the node.

Each error becomes at most a few findings, pointing at the offending value (a wrong type,
a bad enum value), at the unknown key, or, for a missing required field, at the key of the
mapping that lacks it. Of the alternatives of an ``anyOf``/``oneOf`` only the most
relevant error is kept (``jsonschema.exceptions.best_match``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from kslint.findings import Finding
from kslint.nodes import describe, dotted, quoted
from kslint.objects import K8sObject
from kslint.suggest import closest

if TYPE_CHECKING:  # imported on first use: only objects that fail their check need it
    from jsonschema.exceptions import ValidationError

MAX_FINDINGS_PER_OBJECT = 20
_QUANTITY_HINT = "[KMGTPE]i"


def _types(expected: Any) -> str:
    names = [expected] if isinstance(expected, str) else list(expected)
    names = [name for name in names if name != "null"] or names
    wording = {"object": "mapping", "array": "list"}
    return " or ".join(wording.get(name, name) for name in names)


def suggestion(name: str, known: Iterable[str]) -> str | None:
    """The declared field a misspelled one most likely meant, if any is close. Stricter
    than names elsewhere: Kubernetes field names share long prefixes (``storageClassName``,
    ``storageClass``), and a wrong guess here reads like an authoritative fix."""
    match = closest(name, known, cutoff=0.75)
    return match[0] if match else None


def _leaves(errors: Iterable[ValidationError]) -> Iterable[ValidationError]:
    for error in errors:
        if error.context:
            from jsonschema.exceptions import best_match

            chosen = best_match([error])
            yield chosen if chosen is not None else error
        else:
            yield error


def findings_for(obj: K8sObject, errors: Iterable[ValidationError]) -> list[Finding]:
    """The findings for one object's schema errors, at most ``MAX_FINDINGS_PER_OBJECT``."""
    found: dict[tuple[Any, ...], Finding] = {}
    for error in _leaves(errors):
        for finding in _error_findings(obj, error):
            found.setdefault((finding.rule, finding.path, finding.message), finding)
        if len(found) >= MAX_FINDINGS_PER_OBJECT:
            break
    return list(found.values())


def _error_findings(obj: K8sObject, error: ValidationError) -> list[Finding]:
    path = tuple(error.absolute_path)
    keyword = error.validator
    value = error.instance
    if keyword == "additionalProperties" and isinstance(value, dict):
        schema = error.schema if isinstance(error.schema, dict) else {}
        declared = list(schema.get("properties") or {})
        patterns = [re.compile(p) for p in (schema.get("patternProperties") or {})]
        findings = []
        for key in value:
            if key in declared or any(p.search(str(key)) for p in patterns):
                continue
            message = f"unknown field {quoted(dotted((*path, key)))}"
            hint = suggestion(str(key), declared)
            if hint is not None:
                message += f"; did you mean {quoted(hint)}?"
            elif not declared:
                message += f" ({dotted(path) or 'the object'} accepts no fields)"
            findings.append(obj.finding("unknown-field", message, (*path, key), key=True))
        return findings
    at = dotted(path)
    prefix = f"{at}: " if at else ""
    if keyword == "required" and isinstance(value, dict):
        missing = [name for name in error.validator_value if name not in value]
        return [
            obj.finding(
                "schema-violation",
                f"{prefix}missing required field {quoted(name)}",
                path,
                key=True,
            )
            for name in missing
        ]
    if keyword == "type":
        message = f"{prefix}expected {_types(error.validator_value)}, got {describe(value)}"
    elif keyword == "enum":
        options = [o for o in error.validator_value if o is not None]
        shown = ", ".join(quoted(o) if isinstance(o, str) else str(o) for o in options[:8])
        more = ", ..." if len(options) > 8 else ""
        message = f"{prefix}{describe(value)} is not one of {shown}{more}"
    elif keyword == "pattern" and _QUANTITY_HINT in str(error.validator_value):
        message = (
            f"{prefix}{describe(value)} is not a valid quantity "
            "(a number with an optional suffix: 10Gi, 500M, 250m, 1e3)"
        )
    elif keyword == "pattern":
        message = f"{prefix}{describe(value)} does not match the pattern {error.validator_value}"
    else:
        message = f"{prefix}{error.message}"
    return [obj.finding("schema-violation", message, path, key=False)]

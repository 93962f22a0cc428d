"""Why an object failed its schema: ``jsonschema`` errors mapped to findings at the node.

Each error becomes at most a few findings, pointing at the offending value (a wrong type,
a bad enum value), at the unknown key, or, for a missing required field, at the key of the
mapping that lacks it. Of the alternatives of an ``anyOf``/``oneOf`` only the most
relevant error is kept (``jsonschema.exceptions.best_match``).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from kslint.findings import Finding
from kslint.objects import K8sObject

if TYPE_CHECKING:  # imported on first use: only objects that fail their check need it
    from jsonschema.exceptions import ValidationError

MAX_FINDINGS_PER_OBJECT = 20
_IDENTIFIER = re.compile(r"[A-Za-z_$][\w$-]*")
_QUANTITY_HINT = "[KMGTPE]i"


def dotted(path: Iterable[Any]) -> str:
    """``spec.template.spec.containers[0].image``; odd keys in brackets."""
    text = ""
    for step in path:
        if isinstance(step, int):
            text += f"[{step}]"
        elif _IDENTIFIER.fullmatch(str(step)):
            text += f".{step}" if text else str(step)
        else:
            text += f"[{_quote(step)}]"
    return text


def _quote(value: Any) -> str:
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


def describe(value: Any) -> str:
    if isinstance(value, bool):
        return f"boolean {str(value).lower()}"
    if value is None:
        return "null"
    if isinstance(value, int):
        return f"integer {value}"
    if isinstance(value, float):
        return f"number {value!r}"
    if isinstance(value, str):
        shown = value if len(value) <= 60 else value[:57] + "..."
        return f"string {_quote(shown)}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


def _types(expected: Any) -> str:
    names = [expected] if isinstance(expected, str) else list(expected)
    names = [name for name in names if name != "null"] or names
    wording = {"object": "mapping", "array": "list"}
    return " or ".join(wording.get(name, name) for name in names)


def suggestion(name: str, known: Iterable[str]) -> str | None:
    """The declared field a misspelled one most likely meant, if any is close."""
    candidates = {candidate.lower(): candidate for candidate in known}
    match = difflib.get_close_matches(name.lower(), list(candidates), n=1, cutoff=0.75)
    return candidates[match[0]] if match else None


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
            message = f"unknown field {_quote(dotted((*path, key)))}"
            hint = suggestion(str(key), declared)
            if hint is not None:
                message += f"; did you mean {_quote(hint)}?"
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
                f"{prefix}missing required field {_quote(name)}",
                path,
                key=True,
            )
            for name in missing
        ]
    if keyword == "type":
        message = f"{prefix}expected {_types(error.validator_value)}, got {describe(value)}"
    elif keyword == "enum":
        options = [o for o in error.validator_value if o is not None]
        shown = ", ".join(_quote(o) if isinstance(o, str) else str(o) for o in options[:8])
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

"""Why an object failed its schema: validation errors as findings at the node.

Each error becomes at most a few findings, worded by ``kslint.schema_messages`` and
pointing at the offending value (a wrong type, a bad enum value), at the unknown key
(``unknown-field``), or, for a missing required field, at the key of the mapping that
lacks it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from kslint.findings import Finding
from kslint.objects import K8sObject
from kslint.schema_messages import explain, leaves

if TYPE_CHECKING:  # imported on first use: only objects that fail their check need it
    from jsonschema.exceptions import ValidationError

MAX_FINDINGS_PER_OBJECT = 20


def findings_for(obj: K8sObject, errors: Iterable[ValidationError]) -> list[Finding]:
    """The findings for one object's schema errors, at most ``MAX_FINDINGS_PER_OBJECT``."""
    found: dict[tuple[Any, ...], Finding] = {}
    for error in leaves(errors):
        for problem in explain(error):
            rule = "unknown-field" if problem.unknown_field else "schema-violation"
            finding = obj.finding(rule, problem.message, problem.path, key=problem.key)
            found.setdefault((finding.rule, finding.path, finding.message), finding)
        if len(found) >= MAX_FINDINGS_PER_OBJECT:
            break
    return list(found.values())

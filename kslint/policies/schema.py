"""Bounded JSON Schema evaluation: the schemas inside policies, checked when they are
loaded and evaluated with ``jsonschema`` so that no policy can hang a run or reach out.

What a policy's schema cannot do:

- reach the network or the file system: every ``$ref`` must point inside the schema
  (``#...``); anything else is refused when the policy is loaded, and the registry the
  validator resolves through refuses to retrieve anything (``jsonschema`` would otherwise
  fetch ``http(s)`` references);
- run away: evaluation is bounded as a whole by budgets that do not depend on the
  machine's speed, so the same input always gives the same findings. Patterns match with
  RE2 (``kslint.patterns``: linear time; a pattern RE2 cannot compile is refused when the
  policy is loaded), ``uniqueItems`` hashes (``kslint.schema_keywords``), and every
  keyword evaluated is a step charged to the policy's ``Budget`` for the run
  (``POLICY_STEPS``); a policy that spends it raises ``BudgetExceeded``, which the policy
  reports, and it checks nothing more in that run. ``unevaluatedProperties`` is refused
  in a schema that has ``patternProperties`` anywhere (``jsonschema`` would match those
  with Python's backtracking ``re``). Schemas nest at most ``MAX_SCHEMA_DEPTH`` levels;
- recurse forever: a ``$ref`` cycle that never descends into the object raises
  ``RecursionError`` quickly; the caller reports it like a spent budget.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from jsonschema import Draft202012Validator, ValidationError, validators
from jsonschema.exceptions import best_match
from referencing import Registry
from referencing.exceptions import NoSuchResource

from kslint.nodes import describe, json_pointer
from kslint.patterns import pattern_problem
from kslint.schema_keywords import Budget, BudgetExceeded, additional_keys, extend, spending

__all__ = ["Budget", "BudgetExceeded", "additional_keys", "spending"]

# Evaluation steps (keywords evaluated; long pattern matches count more) one policy may
# take in one run, over every object it checks. A real policy takes tens of steps per
# object; this leaves room for 100,000s of objects and stops a runaway in seconds.
POLICY_STEPS = 5_000_000

# How deep a policy's schema may nest (keys and indexes from its root). Real policies
# nest under 20; far deeper ones would exhaust Python's recursion while evaluated.
MAX_SCHEMA_DEPTH = 64

# Dialects a policy may name with ``$schema``; the default is draft 2020-12.
DIALECTS = {
    "https://json-schema.org/draft/2020-12/schema": "Draft202012Validator",
    "https://json-schema.org/draft/2019-09/schema": "Draft201909Validator",
    "http://json-schema.org/draft-07/schema": "Draft7Validator",
    "http://json-schema.org/draft-06/schema": "Draft6Validator",
    "http://json-schema.org/draft-04/schema": "Draft4Validator",
}


def _refuse(uri: str) -> Any:
    raise NoSuchResource(ref=uri)


# Resolves ``#...`` references inside the schema only: nothing is ever retrieved.
SAFE_REGISTRY: Registry[Any] = Registry(retrieve=_refuse)  # type: ignore[call-arg]


def bounded_validator(name: str) -> Any:
    """A ``jsonschema`` validator class whose evaluation is bounded, with kslint's own
    keywords (``quantity``, ``sumOf``: ``kslint.policies.keywords``), counted too."""
    from kslint.policies.keywords import KEYWORDS

    return extend(getattr(validators, name), KEYWORDS)


# -- compiling (checking) a schema once ----------------------------------------------------


@dataclass(frozen=True)
class SchemaProblem:
    """Why a schema cannot be used, and where in it (keys and indexes from its root)."""

    path: tuple[Any, ...]
    message: str


class Schema:
    """A compiled, bounded schema: ``is_valid`` for the hot path, ``errors`` to explain."""

    def __init__(self, source: Any, validator: Any) -> None:
        self.source = source
        self._validator = validator

    def is_valid(self, instance: Any) -> bool:
        return next(self._validator.iter_errors(instance), None) is None

    def errors(self, instance: Any) -> list[ValidationError]:
        """Each failure once, deepest first within a branch; ``anyOf``/``oneOf`` failures
        keep their own position (the reason comes from their best alternative)."""
        return sorted(self._validator.iter_errors(instance), key=_error_order)


def _error_order(error: ValidationError) -> tuple[str, str]:
    return (repr(list(error.absolute_path)), repr(list(error.absolute_schema_path)))


def compile_schema(
    source: Any, *, trusted: bool = False
) -> tuple[Schema | None, list[SchemaProblem]]:
    """Check ``source`` as a JSON Schema a policy may use; compile it if it is one.
    ``trusted`` (built-in rules, whose schemas the test suite checks) skips validating
    it against its meta-schema, the costly part, at every start."""
    problems: list[SchemaProblem] = []
    name = "Draft202012Validator"
    if isinstance(source, dict) and "$schema" in source:
        dialect = str(source["$schema"]).rstrip("#")
        if dialect not in DIALECTS:
            known = ", ".join(DIALECTS)
            problems.append(
                SchemaProblem(("$schema",), f"unknown $schema {dialect!r}; use one of: {known}")
            )
            return None, problems
        name = DIALECTS[dialect]
    cls = bounded_validator(name)
    problems += _static_problems(source, (), source)
    if any(problem.message.startswith(_TOO_DEEP) for problem in problems):
        return None, problems[:1]  # the meta-schema check would recurse as deep
    if not trusted:
        problems += _meta_problems(source, cls)
    if problems:
        unique = {problem.path: problem for problem in reversed(problems)}  # first per place
        return None, sorted(unique.values(), key=lambda problem: problems.index(problem))
    validator = cls(source, registry=SAFE_REGISTRY, format_checker=cls.FORMAT_CHECKER)
    schema = Schema(source, validator)
    try:  # a $ref cycle that never descends into the instance fails on anything
        for probe in ({}, [], "", 0, None):
            schema.is_valid(probe)
    except RecursionError:
        return None, [SchemaProblem((), "the schema refers to itself in a loop ($ref cycle)")]
    except BudgetExceeded:
        pass  # reported when it happens on real input
    except Exception as exc:  # an unresolvable local $ref, say
        return None, [SchemaProblem((), f"the schema cannot be evaluated: {_short(exc)}")]
    return schema, []


def _meta_problems(source: Any, cls: Any) -> Iterator[SchemaProblem]:
    """Violations of the dialect's meta-schema (resolved from the bundled copies)."""
    meta = validators.validator_for(cls.META_SCHEMA, default=Draft202012Validator)
    checker = meta(cls.META_SCHEMA, format_checker=meta.FORMAT_CHECKER)
    for error in checker.iter_errors(source):
        best = best_match([error])
        yield SchemaProblem(tuple(best.absolute_path), f"invalid JSON Schema: {reason(best)}")


_TOO_DEEP = "the schema nests deeper than"


def _static_problems(node: Any, path: tuple[Any, ...], root: Any) -> Iterator[SchemaProblem]:
    yield from _node_problems(node, path, root)
    if path == ():
        yield from _unevaluated_problems(node)


def _unevaluated_problems(root: Any) -> Iterator[SchemaProblem]:
    """``unevaluatedProperties`` where the schema has ``patternProperties`` anywhere:
    through ``allOf`` or ``$ref`` they decide what was evaluated, and ``jsonschema``
    matches them there with Python's backtracking ``re``, outside any bound."""
    found: dict[str, list[tuple[Any, ...]]] = {"unevaluatedProperties": [], "patternProperties": []}
    stack: list[tuple[Any, tuple[Any, ...]]] = [(root, ())]
    while stack:
        node, path = stack.pop()
        if isinstance(node, list):
            stack += [(item, (*path, index)) for index, item in enumerate(node)]
        elif isinstance(node, dict):
            for key, value in node.items():
                if key in found and not (path and path[-1] in _PROPERTY_MAPS):
                    found[key].append((*path, key))
                if key not in ("enum", "const", "examples", "default"):
                    stack.append((value, (*path, key)))
    if found["patternProperties"]:
        for path in sorted(found["unevaluatedProperties"], key=repr):
            yield SchemaProblem(
                path,
                "unevaluatedProperties cannot be used in a policy whose schema has "
                "patternProperties (use additionalProperties)",
            )


# Keywords whose keys are property names, not keywords.
_PROPERTY_MAPS = frozenset({"properties", "patternProperties", "$defs", "definitions"})


def _node_problems(node: Any, path: tuple[Any, ...], root: Any) -> Iterator[SchemaProblem]:
    """References that leave the schema (or point nowhere in it), patterns the regex
    engine rejects, and the one keyword pairing that would match without a time bound."""
    if len(path) > MAX_SCHEMA_DEPTH:
        yield SchemaProblem(path, f"{_TOO_DEEP} {MAX_SCHEMA_DEPTH} levels")
        return
    if isinstance(node, list):
        for index, item in enumerate(node):
            yield from _node_problems(item, (*path, index), root)
        return
    if not isinstance(node, dict):
        return
    for keyword in ("$ref", "$dynamicRef", "$recursiveRef"):
        ref = node.get(keyword)
        if not isinstance(ref, str):
            continue
        if not ref.startswith("#"):
            yield SchemaProblem(
                (*path, keyword),
                f"{keyword} {ref!r} is refused: a policy may only refer inside itself "
                "(#/$defs/...); it never reads files or the network",
            )
        elif ref.startswith("#/") and not _resolves(root, ref[1:]):
            yield SchemaProblem((*path, keyword), f"{keyword} {ref!r} points to nothing")
    pattern = node.get("pattern")
    if isinstance(pattern, str):
        yield from _pattern_problems(pattern, (*path, "pattern"))
    patterns = node.get("patternProperties")
    if isinstance(patterns, dict):
        for key in patterns:
            yield from _pattern_problems(str(key), (*path, "patternProperties", key))
    for key, value in node.items():
        if key in ("enum", "const", "examples", "default"):
            continue  # data, not schemas
        yield from _node_problems(value, (*path, key), root)


def _resolves(root: Any, pointer: str) -> bool:
    try:
        json_pointer(root, pointer)
    except KeyError:
        return False
    return True


def _pattern_problems(pattern: str, path: tuple[Any, ...]) -> Iterator[SchemaProblem]:
    problem = pattern_problem(pattern)
    if problem is not None:
        yield SchemaProblem(
            path, f"invalid regular expression {pattern!r} (RE2, as Kubernetes): {problem}"
        )


# -- explaining an error in a sentence ---------------------------------------------------------


def _short(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text if len(text) <= 160 else text[:157] + "..."


def _types(expected: Any) -> str:
    names = [expected] if isinstance(expected, str) else list(expected)
    return " or ".join(repr(name) for name in names)


def reason(error: ValidationError) -> str:
    """A one-line reason that never dumps a whole mapping into the message."""
    keyword, instance = error.validator, error.instance
    if keyword is None:  # the boolean schema false
        return "nothing is allowed here (the schema is false)"
    if keyword in ("anyOf", "oneOf") and error.context:
        inner = best_match(error.context)
        return f"{reason(inner)} (no alternative of {keyword} matches)"
    small = not isinstance(instance, (dict, list)) or len(repr(instance)) <= 60
    if keyword == "type" and not small:
        return f"{describe(instance)} is not of type {_types(error.validator_value)}"
    if keyword in ("enum", "const") and not small:
        return f"{describe(instance)} is not one of the allowed values"
    message = error.message
    if len(message) > 160:
        message = f"{describe(instance)} does not satisfy `{keyword}`"
    return message


def render_value(value: Any) -> str:
    """``${value}``: scalars as written, collections summarised."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, (dict, list)):
        return describe(value)
    text = str(value)
    return text if len(text) <= 80 else text[:77] + "..."

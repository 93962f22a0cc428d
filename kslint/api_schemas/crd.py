"""Custom resources: a CustomResourceDefinition in the linted set supplies the JSON Schema
of its kinds, one per served version.

A CRD's ``openAPIV3Schema`` is OpenAPI 3.0 with Kubernetes extensions, not JSON Schema.
``convert`` turns it into JSON Schema that says what the API server accepts:

- ``nullable: true`` adds ``null`` to the type (and to an ``enum``); so does leaving a
  field out of ``required``: the API server prunes a ``null`` it is not told to keep
  before it validates, so ``field: null`` is a field left out;
- ``x-kubernetes-int-or-string: true`` is ``type: [integer, string]``;
- an object that declares ``properties`` and has neither ``additionalProperties`` nor
  ``x-kubernetes-preserve-unknown-fields`` rejects fields it does not declare, as
  ``kubectl apply`` (strict field validation) does;
- ``x-kubernetes-embedded-resource: true`` also allows ``apiVersion``, ``kind`` and
  ``metadata``;
- ``exclusiveMinimum: true`` (OpenAPI 3.0) becomes the JSON Schema number form;
- a ``required`` field whose schema has a ``default`` is not required (the API server
  fills in defaults before it validates);
- at the root, ``apiVersion``, ``kind`` and ``metadata`` are always allowed, and
  ``metadata`` is validated as the built-in ObjectMeta (``#/$defs/...``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from kslint.findings import Finding
from kslint.objects import K8sObject
from kslint.patterns import pattern_problem

OBJECT_META = "#/$defs/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"

# OpenAPI keywords copied as they are (JSON Schema has the same meaning).
_COPIED = (
    "enum",
    "pattern",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "minProperties",
    "maxProperties",
    "multipleOf",
    "required",
)


@dataclass
class CustomSchema:
    """One served version of a CRD. The OpenAPI schema is converted on first use: a
    repository often holds many CRDs (operators ship dozens) and few of their resources."""

    api_version: str
    kind: str
    openapi: dict[str, Any]
    crd: K8sObject
    preserve_all: bool = False
    _converted: dict[str, Any] | None = None

    @property
    def schema(self) -> dict[str, Any]:
        if self._converted is None:
            self._converted = root_schema(self.openapi, self.preserve_all)
        return self._converted


def crd_schemas(objects: Iterable[K8sObject]) -> dict[tuple[str, str], CustomSchema]:
    """``(apiVersion, kind) -> schema`` for every served version of every CRD; the first
    CRD that defines a kind wins."""
    found: dict[tuple[str, str], CustomSchema] = {}
    for obj in objects:
        if not _is_crd(obj):
            continue
        for api_version, kind, schema, preserve in _versions(obj):
            found.setdefault(
                (api_version, kind), CustomSchema(api_version, kind, schema, obj, preserve)
            )
    return found


def _is_crd(obj: K8sObject) -> bool:
    return obj.kind == "CustomResourceDefinition" and obj.api_version.startswith(
        "apiextensions.k8s.io/"
    )


def pattern_findings(obj: K8sObject) -> list[Finding]:
    """``schema-violation`` for each ``pattern`` (or ``patternProperties`` key) of a CRD
    that RE2, the API server's engine, cannot compile: the API server refuses the CRD."""
    if not _is_crd(obj):
        return []
    spec = obj.get("spec")
    if not isinstance(spec, dict):
        return []
    roots: list[tuple[tuple[Any, ...], Any]] = [
        (("spec", "validation", "openAPIV3Schema"), _schema_of(spec.get("validation")))
    ]
    versions = spec.get("versions")
    if isinstance(versions, list):
        for index, version in enumerate(versions):
            schema = _schema_of(version.get("schema")) if isinstance(version, dict) else None
            roots.append((("spec", "versions", index, "schema", "openAPIV3Schema"), schema))
    findings = []
    for root, schema in roots:
        for path, pattern in _patterns(schema, root):
            problem = pattern_problem(pattern)
            if problem is not None:
                findings.append(
                    obj.finding(
                        "schema-violation",
                        f"pattern {pattern!r} is not a valid RE2 regular expression (the "
                        f"syntax the API server uses): {problem}; the API server refuses "
                        "this CustomResourceDefinition.",
                        path,
                        key=path[-2] == "patternProperties",
                    )
                )
    return findings


# Keywords whose keys are property names (or patterns), not keywords.
_NAME_MAPS = frozenset({"properties", "patternProperties", "definitions"})
# Keywords whose values are data, not schemas.
_DATA_KEYWORDS = frozenset({"enum", "default", "example", "x-kubernetes-validations"})


def _patterns(node: Any, path: tuple[Any, ...]) -> Iterable[tuple[tuple[Any, ...], str]]:
    """Every ``pattern`` and ``patternProperties`` key below a schema node, with its path."""
    stack = [(node, path, False)]
    while stack:
        current, where, names = stack.pop()  # names: the keys are property names
        if isinstance(current, list):
            stack += [(item, (*where, i), False) for i, item in enumerate(current)]
            continue
        if not isinstance(current, dict):
            continue
        for key, value in current.items():
            if not names and key == "pattern" and isinstance(value, str):
                yield (*where, key), value
            elif not names and key == "patternProperties" and isinstance(value, dict):
                for name in value:
                    yield (*where, key, name), str(name)
            if names or key not in _DATA_KEYWORDS:
                stack.append((value, (*where, key), not names and key in _NAME_MAPS))


def _versions(crd: K8sObject) -> Iterable[tuple[str, str, dict[str, Any], bool]]:
    spec = crd.get("spec")
    if not isinstance(spec, dict):
        return
    group, names = spec.get("group"), spec.get("names")
    kind = names.get("kind") if isinstance(names, dict) else None
    if not isinstance(group, str) or not isinstance(kind, str):
        return
    preserve = spec.get("preserveUnknownFields") is True  # apiextensions v1beta1
    shared = _schema_of(spec.get("validation"))  # v1beta1: one schema for all versions
    versions = spec.get("versions")
    entries: list[tuple[str, Any]] = []
    if isinstance(versions, list):
        for version in versions:
            if not isinstance(version, dict) or not isinstance(version.get("name"), str):
                continue
            if version.get("served", True) is False:
                continue
            entries.append((version["name"], _schema_of(version.get("schema")) or shared))
    elif isinstance(spec.get("version"), str):
        entries.append((spec["version"], shared))
    for name, schema in entries:
        if isinstance(schema, dict):
            yield f"{group}/{name}", kind, schema, preserve


def _schema_of(holder: Any) -> Any:
    return holder.get("openAPIV3Schema") if isinstance(holder, dict) else None


def root_schema(schema: dict[str, Any], preserve_all: bool = False) -> dict[str, Any]:
    converted = convert(schema, preserve_all)
    properties = dict(converted.get("properties") or {})
    properties["apiVersion"] = {"type": "string"}
    properties["kind"] = {"type": "string"}
    properties["metadata"] = {"$ref": OBJECT_META}
    converted["properties"] = properties
    return converted


def convert(node: Any, preserve_all: bool = False) -> Any:
    """One OpenAPI 3.0 structural schema node as JSON Schema (a new tree)."""
    if not isinstance(node, dict):
        return {}
    result: dict[str, Any] = {}
    types: list[str] = []
    if isinstance(node.get("type"), str):
        types.append(node["type"])
    int_or_string = node.get("x-kubernetes-int-or-string") is True
    if int_or_string:
        types = ["integer", "string"]
    embedded = node.get("x-kubernetes-embedded-resource") is True
    preserve = preserve_all or node.get("x-kubernetes-preserve-unknown-fields") is True
    for key in _COPIED:
        if key in node:
            result[key] = _plain(node[key])
    for key, flag in (("minimum", "exclusiveMinimum"), ("maximum", "exclusiveMaximum")):
        if key in node:
            if node.get(flag) is True:
                result[flag] = node[key]
            else:
                result[key] = node[key]
    if isinstance(node.get("properties"), dict):
        result["properties"] = {
            str(name): convert(sub, preserve_all) for name, sub in node["properties"].items()
        }
        # The API server applies ``default`` before it validates: a required field with a
        # default may be left out (CloudNativePG's ``instances``).
        defaulted = {
            str(name)
            for name, sub in node["properties"].items()
            if isinstance(sub, dict) and "default" in sub
        }
        if defaulted and isinstance(result.get("required"), list):
            result["required"] = [n for n in result["required"] if n not in defaulted]
        # The API server prunes a ``null`` it is not told to keep (``nullable``) before
        # it validates, so ``field: null`` is a field left out: fine unless required.
        required = result.get("required") if isinstance(result.get("required"), list) else []
        for name, sub in result["properties"].items():
            if name not in required:
                _allow_null(sub)
    if isinstance(node.get("items"), dict):
        result["items"] = convert(node["items"], preserve_all)
    additional = node.get("additionalProperties")
    if isinstance(additional, dict):
        result["additionalProperties"] = convert(additional, preserve_all)
    elif isinstance(additional, bool):
        result["additionalProperties"] = additional
    if not int_or_string:
        # Branches only add constraints to fields the node itself declares: they never
        # reject other fields.
        for key in ("allOf", "anyOf", "oneOf"):
            if isinstance(node.get(key), list):
                result[key] = [convert(sub, True) for sub in node[key]]
        if isinstance(node.get("not"), dict):
            result["not"] = convert(node["not"], True)
    if embedded:
        properties = result.setdefault("properties", {})
        properties.setdefault("apiVersion", {"type": "string"})
        properties.setdefault("kind", {"type": "string"})
        properties.setdefault("metadata", {"type": "object"})
    # Only an object that declares its fields rejects others. ``{type: object}`` alone is
    # what controller-gen writes for an embedded ``metadata``: the API server prunes what
    # it holds, but reporting every label there would bury the real findings.
    if "properties" in result and "additionalProperties" not in result and not preserve:
        result["additionalProperties"] = False
    if node.get("nullable") is True:
        if types:
            types.append("null")
        if "enum" in result:
            result["enum"] = [*result["enum"], None]
    if types:
        result["type"] = types[0] if len(types) == 1 else types
    return result


def _allow_null(schema: dict[str, Any]) -> None:
    types = schema.get("type")
    if isinstance(types, str):
        schema["type"] = [types, "null"]
    elif isinstance(types, list) and "null" not in types:
        schema["type"] = [*types, "null"]
    if isinstance(schema.get("enum"), list) and None not in schema["enum"]:
        schema["enum"] = [*schema["enum"], None]


def _plain(value: Any) -> Any:
    """YMap/YSeq as plain dict/list (schemas are kept apart from the linted trees)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value

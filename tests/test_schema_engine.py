"""The schema machinery on its own: the compiled fast check must agree with jsonschema,
CRD schemas convert as the API server reads them, the bundled data is what the build
script promises."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kslint.api_schemas.crd import convert, crd_schemas
from kslint.api_schemas.fast_check import Compiler, Unsupported
from kslint.api_schemas.store import Schema, _members, kubernetes
from kslint.datafiles import data_dir
from kslint.loader import Source, load_sources
from kslint.nodes import dotted
from kslint.pipeline import lint_texts
from kslint.schema_messages import suggestion

FIXTURES = Path(__file__).parent / "fixtures"


def _objects(*folders: str) -> list[Any]:
    sources = [
        Source(str(path), path.read_bytes())
        for folder in folders
        for path in sorted((FIXTURES / folder).glob("*.yaml"))
    ]
    return load_sources(sources).objects


OBJECTS = _objects("schema-valid", "schema-invalid")
SCHEMAS = {
    (o.api_version, o.kind): kubernetes("1.37").schema(o.api_version, o.kind) for o in OBJECTS
}


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*prefix, index))
    return found


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 70000),
    st.floats(-10, 10, allow_nan=False),
    st.sampled_from(["", "x", "25%", "10Gi", "10GB", "500m", "1e3", "Always", "TCP", "db"]),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=2),
        st.dictionaries(st.sampled_from(["name", "image", "port", "spec", "x"]), inner, max_size=2),
    ),
    max_leaves=4,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    index=st.integers(0, len(OBJECTS) - 1),
    choice=st.integers(0, 10_000),
    action=st.sampled_from(["replace", "add", "delete"]),
    value=values,
)
def test_the_fast_check_agrees_with_jsonschema(
    index: int, choice: int, action: str, value: Any
) -> None:
    obj = OBJECTS[index]
    schema = SCHEMAS[(obj.api_version, obj.kind)]
    assert schema is not None and schema.check is not None
    body = _plain(obj.body)
    paths = _paths(body)
    path = paths[choice % len(paths)]
    parent_path, last = path[:-1], path[-1] if path else None
    mutated = copy.deepcopy(body)
    target = mutated
    for step in parent_path:
        target = target[step]
    if action == "replace" and path:
        target[last] = value
    elif action == "add":
        node = target[last] if path else mutated
        if isinstance(node, dict):
            node["extraField"] = value
        elif isinstance(node, list):
            node.append(value)
    elif action == "delete" and path and isinstance(target, dict):
        del target[last]
    assert schema.check(mutated) == schema.validator().is_valid(mutated)


def test_recursive_schemas_compile() -> None:
    crd = kubernetes("1.37").schema("apiextensions.k8s.io/v1", "CustomResourceDefinition")
    assert crd is not None and crd.check is not None  # JSONSchemaProps refers to itself


def test_unsupported_keywords_fall_back_to_jsonschema() -> None:
    root = {"type": "object", "propertyNames": {"maxLength": 3}}
    with pytest.raises(Unsupported):
        Compiler(root).compile(root)
    schema = Schema(root, "test", Compiler(root))
    assert schema.check is None
    assert schema.is_valid({"abc": 1})
    assert not schema.is_valid({"abcd": 1})


def test_crd_conversion() -> None:
    openapi = {
        "type": "object",
        "properties": {
            "size": {
                "x-kubernetes-int-or-string": True,
                "anyOf": [{"type": "integer"}, {"type": "string"}],
            },
            "mode": {"type": "string", "enum": ["a", "b"], "nullable": True},
            "free": {"type": "object", "x-kubernetes-preserve-unknown-fields": True},
            "bare": {"type": "object"},
            "low": {"type": "integer", "minimum": 0, "exclusiveMinimum": True},
            "either": {
                "type": "object",
                "properties": {"a": {"type": "string"}, "b": {"type": "string"}},
                "oneOf": [{"required": ["a"]}, {"required": ["b"]}],
            },
        },
        "required": ["low"],
    }
    # A field left out of ``required`` may be null (the API server prunes the null);
    # a required one may not.
    assert convert(openapi) == {
        "type": "object",
        "additionalProperties": False,
        "required": ["low"],
        "properties": {
            "size": {"type": ["integer", "string", "null"]},
            "mode": {"type": ["string", "null"], "enum": ["a", "b", None]},
            "free": {"type": ["object", "null"]},
            "bare": {"type": ["object", "null"]},
            "low": {"type": "integer", "exclusiveMinimum": 0},
            "either": {
                "type": ["object", "null"],
                "additionalProperties": False,
                "properties": {
                    "a": {"type": ["string", "null"]},
                    "b": {"type": ["string", "null"]},
                },
                "oneOf": [{"required": ["a"]}, {"required": ["b"]}],
            },
        },
    }


def test_a_null_custom_resource_field_is_a_field_left_out() -> None:
    crd = """\
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: queues.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {kind: Queue, plural: queues}
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              required: [size]
              properties:
                size: {type: integer}
                settings: {type: object, properties: {mode: {type: string}}}
"""
    queue = """\
apiVersion: example.com/v1
kind: Queue
metadata: {name: q}
spec:
  settings:
  size:
"""
    result = lint_texts([("crd.yaml", crd), ("queue.yaml", queue)])
    found = [(f.rule, f.file, f.span.line, f.span.column) for f in result.findings]
    # ``settings: null`` is pruned; ``size: null`` is a required field left out.
    assert found == [("schema-violation", "queue.yaml", 6, 8)], result.findings


def test_crds_define_served_versions_only() -> None:
    found = crd_schemas(_objects("schema-crd"))
    assert sorted(found) == [("example.com/v1", "Database")]


def test_v1beta1_crd_validation_applies_to_its_versions() -> None:
    text = """\
apiVersion: apiextensions.k8s.io/v1beta1
kind: CustomResourceDefinition
metadata: {name: backups.example.com}
spec:
  group: example.com
  names: {kind: Backup, plural: backups}
  versions: [{name: v1alpha1, served: true, storage: true}]
  validation:
    openAPIV3Schema:
      type: object
      properties:
        spec: {type: object, properties: {schedule: {type: string}}}
"""
    objects = load_sources([Source("crd.yaml", text.encode())]).objects
    found = crd_schemas(objects)
    assert list(found) == [("example.com/v1alpha1", "Backup")]


def test_dotted_paths_and_suggestions() -> None:
    assert dotted(("spec", "containers", 0, "ports", 1, "containerPort")) == (
        "spec.containers[0].ports[1].containerPort"
    )
    assert dotted(("metadata", "labels", "app.kubernetes.io/name")) == (
        'metadata.labels["app.kubernetes.io/name"]'
    )
    assert suggestion("volumeClaimTemplate", ["volumeClaimTemplates", "template"]) == (
        "volumeClaimTemplates"
    )
    assert suggestion("ContainerPort", ["containerPort", "hostPort"]) == "containerPort"
    assert suggestion("foo", ["containerPort"]) is None


def test_bundled_data_shares_definitions_across_versions() -> None:
    folder = data_dir("schemas") / "kubernetes"
    index = json.loads((folder / "index.json").read_text())
    stored = json.loads((folder / "definitions.json").read_text())["$defs"]
    assert index["source"]["package"] == "kubernetes-validate"
    assert index["source"]["license"] == "Apache-2.0"
    assert index["versions"] == [f"1.{minor}" for minor in range(25, 38)]
    per_version = [len(kubernetes(v).definitions) for v in index["versions"]]
    assert len(stored) < sum(per_version) / 5  # shared, not repeated per version
    for version in index["versions"]:
        defs = kubernetes(version).definitions
        for api_version, kinds in kubernetes(version).kinds.items():
            for kind, name in kinds.items():
                assert name in defs, (version, api_version, kind)
    # Every stored definition stands for at least one version, and a name and its
    # variants never claim the same version.
    claimed: dict[tuple[str, str], str] = {}
    for key, ranges in index["definitions"].items():
        versions = [v for v in index["versions"] if v in _members(ranges)]
        assert versions, key
        for version in versions:
            assert claimed.setdefault((key.partition("@")[0], version), key) == key
    assert (folder / "LICENSE").is_file()


def test_go_syntax_patterns_are_checked_with_re2() -> None:
    text = """\
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: things.example.com}
spec:
  group: example.com
  names: {kind: Thing, plural: things}
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              properties:
                name: {type: string, pattern: '^\\p{L}+$'}
---
apiVersion: example.com/v1
kind: Thing
metadata: {name: t}
spec: {name: x, other: 1}
"""
    result = lint_texts([("things.yaml", text)])
    # \\p{L} is RE2 (and Go) syntax: the pattern is checked, so is the rest of the object.
    assert [(f.rule, f.message) for f in result.findings] == [
        ("unknown-field", 'unknown field "spec.other"')
    ]
    bad = lint_texts([("things.yaml", text.replace("name: x,", "name: '1',"))])
    assert "schema-violation" in [f.rule for f in bad.findings]


CATASTROPHIC_CRD = """\
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: things.example.com}
spec:
  group: example.com
  names: {kind: Thing, plural: things}
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              properties:
                name: {type: string, pattern: '^(a+)+$'}
                code: {type: string, pattern: '(x)\\1'}
---
apiVersion: example.com/v1
kind: Thing
metadata: {name: t}
spec: {name: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!}
"""


def test_a_catastrophic_crd_pattern_matches_in_linear_time() -> None:
    # Forty a's and a '!' against ^(a+)+$: a backtracking engine never returns.
    result = lint_texts([("things.yaml", CATASTROPHIC_CRD)])
    found = [(f.rule, f.span.line) for f in result.findings if "^(a+)+$" in f.message]
    assert found == [("schema-violation", 25)]


def test_a_crd_pattern_re2_cannot_compile_is_a_finding_on_the_crd() -> None:
    result = lint_texts([("things.yaml", CATASTROPHIC_CRD)])
    [bad] = [f for f in result.findings if "RE2" in f.message]
    assert bad.rule == "schema-violation"
    assert (bad.file, bad.span.line, bad.span.column) == ("things.yaml", 20, 47)
    assert bad.message.startswith("pattern '(x)\\\\1' is not a valid RE2 regular expression")

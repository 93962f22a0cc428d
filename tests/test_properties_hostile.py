"""Hostile input as properties (issue 14): documents with huge integers, NUL bytes and deep
nesting, and random kustomization, configuration, baseline and policy files. Whatever they
hold, a run ends with exit code 0, 1 or 2, no traceback and no ``internal-error`` finding.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML
from typer.testing import CliRunner

from kslint.cli import app
from kslint.yaml_reader import structural_depth_bound

runner = CliRunner()
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
CONFIGMAP = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok}\ndata: {a: b}\n"


@contextlib.contextmanager
def project(files: dict[str, str | bytes]) -> Iterator[Path]:
    """A fresh directory holding ``files``, as the working directory."""
    before = Path.cwd()
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        for name, content in files.items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        os.chdir(root)
        try:
            yield root
        finally:
            os.chdir(before)


def run(*args: str, stdin: bytes | None = None) -> None:
    """``kslint lint`` in-process: exit 0, 1 or 2, no traceback, no internal error."""
    result = runner.invoke(app, ["lint", *args, "-f", "json"], input=stdin)
    exception = result.exception
    assert exception is None or isinstance(exception, SystemExit), repr(exception)
    assert result.exit_code in (0, 1, 2), result.output
    assert "Traceback" not in result.output
    assert "internal error" not in result.output
    if result.exit_code in (0, 1):
        report = json.loads(result.stdout)
        crashes = [f for f in report["findings"] if f["rule"] == "internal-error"]
        assert not crashes, crashes


# -- documents: huge integers, NUL bytes, deep nesting -------------------------------------

HUGE_INTEGER = st.builds(
    lambda sign, prefix, digits: f"{sign}{prefix}{digits}",
    st.sampled_from(["", "-", "+"]),
    st.sampled_from(["", "0x", "0o", "0b"]),
    st.sampled_from([1, 19, 20, 3600, 4400, 6000]).map(lambda n: "1" * n),
)
NUL_STRING = st.sampled_from(['"a\\0b"', '"\\0"', '"\\x00\\u0000"', "'a\x00b'", "a\x00b"])
NESTED = st.builds(
    lambda opener, depth: (
        opener * depth + "x" + {"[": "]", "{": "}"}[opener] * depth
        if opener != "- "
        else "\n" + "".join(f"{'  ' * i}- \n" for i in range(depth))
    ),
    st.sampled_from(["[", "{", "- "]),
    st.integers(1, 400),
)
SCALAR = st.one_of(HUGE_INTEGER, NUL_STRING, NESTED, st.sampled_from(["~", "''", "1e999", ".nan"]))


@SETTINGS
@given(
    st.lists(st.tuples(st.sampled_from(["name", "kind", "apiVersion", "data"]), SCALAR), max_size=4)
)
def test_documents_with_huge_integers_nul_bytes_and_deep_nesting(
    fields: list[tuple[str, str]],
) -> None:
    values = {"name": "x", "kind": "ConfigMap", "apiVersion": "v1", "data": "{}"}
    values.update(dict(fields))
    text = (
        f"apiVersion: {values['apiVersion']}\nkind: {values['kind']}\n"
        f"metadata:\n  name: {values['name']}\ndata:\n  k: {values['data']}\n"
    )
    with project({"m.yaml": text.encode("utf-8", "surrogatepass")}):
        run("m.yaml", "--no-config")
    run("-", "--no-config", stdin=text.encode("utf-8", "surrogatepass"))


# -- random kustomization, configuration, baseline and policy files --------------------------

JSONISH = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(allow_nan=False),
        st.text(max_size=20),
        st.sampled_from(["/", "..", "../../etc/passwd", "a\x00b", "*", "**/x", "0x" + "f" * 3700]),
    ),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)


def mapping_of(keys: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    return st.dictionaries(st.sampled_from(keys), JSONISH, max_size=len(keys))


def as_yaml(value: Any) -> str:
    """JSON is YAML; NUL and lone surrogates survive as escapes."""
    return json.dumps(value, ensure_ascii=True)


KUSTOMIZATION_KEYS = [
    "resources",
    "patches",
    "patchesStrategicMerge",
    "patchesJson6902",
    "namespace",
    "bases",
    "components",
]


@SETTINGS
@given(mapping_of(KUSTOMIZATION_KEYS))
@example({"patches": ["a\x00b"]})
@example({"patchesStrategicMerge": ["\x00"]})  # a NUL path in the cache key's file list
@example({"resources": ["0x" + "f" * 5000]})  # a name the system refuses as too long
def test_random_kustomizations(kustomization: dict[str, Any]) -> None:
    with project({"kustomization.yaml": as_yaml(kustomization), "ok.yaml": CONFIGMAP}):
        run(".", "--no-config")


CONFIG_KEYS = [
    "severity",
    "select",
    "ignore",
    "fail_on",
    "namespace",
    "include",
    "exclude",
    "context",
    "stateful_images",
    "cluster",
    "exemptions",
    "policies",
    "kubernetes_version",
    "schema_dirs",
    "limits",
]


@SETTINGS
@given(mapping_of(CONFIG_KEYS), st.booleans())
@example({"context": ["/"]}, False)
@example({"kubernetes_version": "0x" + "f" * 3700}, False)
def test_random_configuration_files(config: dict[str, Any], as_toml: bool) -> None:
    files: dict[str, str | bytes] = {"ok.yaml": CONFIGMAP, ".git/HEAD": "ref: main\n"}
    if as_toml:
        # TOML cannot hold null: the keys' values as JSON strings and arrays instead.
        lines = ["[tool.kslint]"]
        for key, value in config.items():
            lines.append(f"{key} = {json.dumps(json.dumps(value))}")
        files["pyproject.toml"] = "\n".join(lines) + "\n"
    else:
        files[".kslint.yaml"] = as_yaml(config)
    with project(files):
        run("ok.yaml")


@SETTINGS
@given(
    st.one_of(
        JSONISH.map(as_yaml),
        st.builds(
            lambda entries: as_yaml({"version": 1, "findings": entries}),
            st.lists(JSONISH, max_size=4),
        ),
        st.integers(1, 200_000).map(lambda n: "[" * n + "]" * n),
        st.binary(max_size=200).map(lambda data: data.decode("latin-1")),
    )
)
@example("[" * 100_000 + "]" * 100_000)
def test_random_baselines(baseline: str) -> None:
    with project({"ok.yaml": CONFIGMAP, "baseline.json": baseline}):
        run("ok.yaml", "--no-config", "--baseline", "baseline.json")


PATTERNS = st.sampled_from(
    ["^(a+)+$", "(a|aa)+$", "(?=a)", "(a)\\1", "[", "\\p{L}", ".*", "a{1000}{1000}"]
)
SCHEMA = st.recursive(
    st.one_of(
        st.booleans(),
        st.builds(lambda p: {"pattern": p}, PATTERNS),
        st.builds(lambda p: {"patternProperties": {p: {"type": "string"}}}, PATTERNS),
        st.just({"uniqueItems": True}),
        st.just({"unevaluatedProperties": False}),
        st.sampled_from([{"$ref": "#/$defs/x"}, {"$ref": "#"}, {"$ref": "http://x"}]),
        st.just({"type": "objekt"}),
        st.just({"required": ["data"]}),
    ),
    lambda inner: st.one_of(
        st.builds(lambda s: {"not": s}, inner),
        st.builds(lambda s: {"allOf": s}, st.lists(inner, max_size=3)),
        st.builds(lambda s: {"anyOf": s}, st.lists(inner, max_size=3)),
        st.builds(lambda s: {"properties": {"data": s}}, inner),
        st.builds(lambda s: {"additionalProperties": s}, inner),
        st.builds(lambda s: {"$defs": {"x": s}, "$ref": "#/$defs/x"}, inner),
    ),
    max_leaves=8,
)


@SETTINGS
@given(SCHEMA, st.integers(0, 150))
@example({"not": {"type": "string"}}, 140)
@example({"properties": {"data": {"uniqueItems": True, "pattern": "^(a+)+$"}}}, 0)
def test_random_policies(schema: Any, extra_not: int) -> None:
    for _ in range(extra_not):
        schema = {"not": schema}
    policy = (
        "id: random-policy\nseverity: warning\nsummary: s.\nwhy: w.\nfix: f.\n"
        f"match: {{kinds: [ConfigMap]}}\nassert: {as_yaml(schema)}\n"
    )
    big = CONFIGMAP + "---\n" + "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\n"
    big += "data: {" + ", ".join(f"k{n}: {'a' * 40}!" for n in range(50)) + "}\n"
    with project({"p.yaml": policy, "ok.yaml": big}):
        run("ok.yaml", "--no-config", "--policy-dir", "p.yaml")
        result = runner.invoke(app, ["rules", "--policy-dir", "p.yaml"])
        assert result.exit_code in (0, 2), result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)


# Nested values in every layout ruamel.yaml writes: block, indentless sequences, one-space
# mappings, flow, and block with flow leaves.
_NESTED = st.recursive(
    st.just("x"),
    lambda children: st.one_of(
        st.dictionaries(st.sampled_from(["a", "bb", "c"]), children, min_size=1, max_size=2),
        st.lists(children, min_size=1, max_size=2),
    ),
    max_leaves=60,
)


def _nesting(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + max(map(_nesting, value.values()))
    if isinstance(value, list):
        return 1 + max(map(_nesting, value))
    return 0


@settings(max_examples=150, deadline=None)
@given(value=_NESTED, layout=st.sampled_from(["block", "indentless", "narrow", "flow", "mixed"]))
def test_the_cheap_depth_bound_is_never_below_the_real_nesting(value: Any, layout: str) -> None:
    # Files under the bound are composed by libyaml's recursive C composer without the
    # exact (slow) scan: an underestimate would let deep nesting reach it.
    yaml = YAML()
    yaml.width = 10**6
    if layout == "indentless":
        yaml.indent(mapping=2, sequence=2, offset=0)
    elif layout == "narrow":
        yaml.indent(mapping=1, sequence=2, offset=0)
    elif layout == "flow":
        yaml.default_flow_style = True
    elif layout == "mixed":
        yaml.default_flow_style = None
    stream = io.BytesIO()
    yaml.dump(value, stream)
    assert structural_depth_bound(stream.getvalue()) >= _nesting(value)

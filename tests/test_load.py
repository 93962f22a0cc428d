"""The loader: positions on tricky YAML, and bad input as findings, never a traceback."""

from __future__ import annotations

import time

import pytest
from helpers import run_kslint

from kslint import loader
from kslint.loader import LoadResult, Source, load_source
from kslint.nodes import Span
from kslint.yaml_reader import parse_yaml


def _load(text: str | bytes, path: str = "m.yaml", **kwargs: object) -> LoadResult:
    data = text.encode() if isinstance(text, str) else text
    return load_source(Source(path, data, **kwargs))  # type: ignore[arg-type]


def _rules(result: LoadResult) -> list[tuple[str, int, int]]:
    return [(f.rule, f.span.line, f.span.column) for f in result.findings]


POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: db
spec:
  containers:
    - {name: db, image: "postgres:16", args: [a, b]}
  volumes:
    - name: data
      nfs:
        server: nfs.example.com
        path: /exports/db
"""


def test_block_and_flow_positions() -> None:
    (obj,) = _load(POD).objects
    assert obj.span("kind") == Span(2, 1, 2, 5)
    assert obj.span("metadata", "name", key=False) == Span(4, 9, 4, 11)
    assert obj.span("spec", "containers", 0, "image") == Span(7, 18, 7, 23)
    assert obj.span("spec", "containers", 0, "image", key=False) == Span(7, 25, 7, 38)
    assert obj.span("spec", "containers", 0, "args", 1, key=False) == Span(7, 50, 7, 51)
    assert obj.span("spec", "volumes", 0, "nfs") == Span(10, 7, 10, 10)
    # A path past what exists points at the deepest node that does exist.
    assert obj.span("spec", "volumes", 0, "nfs", "readOnly") == Span(11, 9, 13, 1)


def test_crlf_bom_and_tabs_keep_columns() -> None:
    text = "\ufeff" + POD.replace("name: db\n", "name: db\t\n").replace("\n", "\r\n")
    result = _load(text.encode("utf-8"))
    assert not result.findings
    (obj,) = result.objects
    assert obj.name == "db"
    assert obj.span("metadata", "name", key=False) == Span(4, 9, 4, 11)
    assert obj.span("spec", "volumes", 0, "nfs") == Span(10, 7, 10, 10)


def test_utf16_with_bom_loads() -> None:
    (obj,) = _load(POD.encode("utf-16")).objects
    assert obj.span("spec", "volumes", 0, "nfs") == Span(10, 7, 10, 10)


def test_block_scalars_and_json() -> None:
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: |\n    x\n    y\n  b: 1\n"
    (obj,) = _load(text).objects
    assert obj.get("data", "a") == "x\ny\n"
    assert obj.span("data", "b") == Span(9, 3, 9, 4)
    json_text = '{\n  "apiVersion": "v1",\n  "kind": "Service",\n  "metadata": {"name": "s"}\n}\n'
    (service,) = _load(json_text, "s.json").objects
    assert service.span("metadata", "name", key=False) == Span(4, 24, 4, 27)


def test_only_a_plain_or_merge_tagged_double_angle_key_merges() -> None:
    from kslint.yaml_reader import parse_yaml

    text = b"a: &a {b: 1}\nc: {<<: *a, d: 2}\ne: {!!merge <<: *a}\nf: {'<<': *a}\n"
    ((document,), problems) = parse_yaml("m.yaml", text)
    assert not problems
    assert document["c"] == {"d": 2, "b": 1}
    assert document["e"] == {"b": 1}
    assert document["f"] == {"<<": {"b": 1}}  # a quoted key is a key like any other


def test_anchors_aliases_and_merge_keys() -> None:
    text = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: &labels
    app: web
spec:
  selector:
    matchLabels: *labels
  template:
    metadata:
      labels:
        <<: *labels
        tier: front
"""
    (obj,) = _load(text).objects
    assert obj.get("spec", "selector", "matchLabels") == {"app": "web"}
    assert obj.get("spec", "template", "metadata", "labels") == {"app": "web", "tier": "front"}
    # Merged keys point where they were written: at the anchor.
    assert obj.span("spec", "template", "metadata", "labels", "app") == Span(6, 5, 6, 8)
    assert obj.span("spec", "template", "metadata", "labels", "tier") == Span(14, 9, 14, 13)


def test_list_items_are_objects_with_their_own_positions() -> None:
    text = """\
apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Service
    metadata: {name: a}
  - apiVersion: v1
    kind: PersistentVolumeClaim
    metadata:
      name: b
      namespace: data
"""
    result = _load(text)
    assert [(o.kind, o.namespace, o.name) for o in result.objects] == [
        ("Service", "default", "a"),
        ("PersistentVolumeClaim", "data", "b"),
    ]
    assert result.objects[1].span("metadata", "name", key=False) == Span(10, 13, 10, 14)
    assert result.objects[1].span("kind") == Span(8, 5, 8, 9)


def test_scalar_types() -> None:
    text = "apiVersion: v1\nkind: X\nmetadata: {name: x}\nv: [1, 0x1f, 1.5, true, null, ~, '3', yes, 1e3, 012]\n"
    (obj,) = _load(text).objects
    assert obj.get("v") == [1, 31, 1.5, True, None, None, "3", "yes", 1000.0, 12]


def test_documents_without_kind_are_skipped_and_counted() -> None:
    text = "replicaCount: 3\n---\n---\n# only a comment\n---\n- a\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: n}\n"
    result = _load(text)
    assert (result.documents, result.skipped, len(result.objects)) == (3, 2, 1)
    assert result.objects[0].namespace is None  # cluster-scoped


def test_tool_configuration_without_metadata_is_skipped() -> None:
    text = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [a.yaml]\n"
    result = _load(text, "kustomization.yaml")
    assert (result.findings, result.skipped) == ([], 1)


def test_syntax_error_has_the_parser_position() -> None:
    result = _load("apiVersion: v1\nkind: Pod\nmetadata:\n  name: [unclosed\n")
    assert _rules(result)[0][0] == "invalid-yaml"
    assert result.findings[0].span.line == 5


def test_duplicate_key_points_at_the_second_key() -> None:
    result = _load("apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n  name: b\n")
    assert _rules(result) == [("duplicate-key", 5, 3)]
    assert result.objects[0].name == "b"


@pytest.mark.parametrize(
    ("text", "line", "column", "words"),
    [
        ("apiVersion: v1\nkind: Pod\nspec: {}\n", 2, 7, "metadata"),
        ("apiVersion: v1\nkind: Pod\nmetadata:\n  labels: {}\n", 3, 1, "metadata.name"),
        ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: [a]\n", 4, 9, "must be a string"),
        ("apiVersion: v1\nkind: [Pod]\nmetadata: {name: a}\n", 2, 7, "kind"),
        ("apiVersion: 1\nkind: Pod\nmetadata: {name: a}\n", 1, 13, "apiVersion"),
        ("apiVersion: v1\nkind: Pod\nmetadata: x\n", 3, 11, "mapping"),
    ],
)
def test_invalid_objects(text: str, line: int, column: int, words: str) -> None:
    result = _load(text)
    (finding,) = result.findings
    assert (finding.rule, finding.span.line, finding.span.column) == (
        "invalid-object",
        line,
        column,
    )
    assert words in finding.message
    assert not result.objects


def test_invalid_utf8_points_at_the_byte() -> None:
    result = _load(b"apiVersion: v1\nkind: Pod\nmetadata:\n  name: caf\xe9\n")
    assert _rules(result) == [("invalid-yaml", 4, 12)]
    assert "0xe9" in result.findings[0].message


def test_binary_file() -> None:
    result = _load(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert _rules(result) == [("invalid-yaml", 1, 1)]
    assert "binary" in result.findings[0].message


def test_alias_bomb_is_bounded() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for level in range(1, 10):
        previous = f"*a{level - 1}"
        lines.append(f"a{level}: &a{level} [{', '.join([previous] * 10)}]")
    started = time.monotonic()
    result = _load("\n".join(lines) + "\n")
    assert time.monotonic() - started < 30  # a guard against a hang, not a benchmark
    assert [f.rule for f in result.findings] == ["invalid-yaml"]
    assert "aliases" in result.findings[0].message


def test_recursive_alias() -> None:
    result = _load("apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec: &s {x: *s}\n")
    assert [f.rule for f in result.findings] == ["invalid-yaml"]
    assert "recursive" in result.findings[0].message


@pytest.mark.parametrize("opener", ["[", "{a: ", "- "])
def test_deep_nesting_is_refused_not_crashed(opener: str) -> None:
    closer = {"[": "]", "{a: ": "}", "- ": ""}[opener]
    result = _load(opener * 100_000 + "x" + closer * 100_000)
    assert [f.rule for f in result.findings] == ["invalid-yaml"]


def test_moderate_nesting_loads() -> None:
    result = _load(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: " + "[" * 150 + "]" * 150
    )
    assert not result.findings


def test_file_size_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loader, "MAX_FILE_BYTES", 100)
    result = _load(POD)
    assert [f.rule for f in result.findings] == ["invalid-yaml"]
    assert "limit" in result.findings[0].message


HELM = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "app.fullname" . }}
spec:
  {{- if .Values.replicas }}
  replicas: {{ .Values.replicas }}
  {{- end }}
"""


def test_unrendered_helm_template() -> None:
    result = _load(HELM)
    assert _rules(result) == [("unrendered-template", 4, 9)]
    assert "helm template" in result.findings[0].message


def test_chart_templates_folder_is_not_parsed() -> None:
    result = _load("kind: {{ .Values.kind }}\n", chart_template=True)
    assert _rules(result) == [("unrendered-template", 1, 7)]


def test_braces_inside_strings_are_ordinary_yaml() -> None:
    text = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: alerts
data:
  rule: "{{ $value }} is high"
  tpl: |
    {{- if .Values.enabled }}
"""
    result = _load(text)
    assert result.findings == []
    assert result.objects[0].get("data", "rule") == "{{ $value }} is high"


def test_parse_yaml_for_kslints_own_files_has_the_same_limits() -> None:
    documents, problems = parse_yaml("cfg.yaml", b"[" * 100_000 + b"]" * 100_000)
    assert documents == []
    assert [(p.rule, p.file, p.message) for p in problems] == [
        ("invalid-yaml", "cfg.yaml", "The YAML nests deeper than 200 levels.")
    ]
    documents, problems = parse_yaml("cfg.yaml", b"a: 1\na: 2\n---\n")
    assert documents == [{"a": 2}, None]
    assert [(p.rule, p.span.line) for p in problems] == [("duplicate-key", 2)]


def test_deeply_nested_config_is_a_usage_error(tmp_path) -> None:
    (tmp_path / ".kslint.yaml").write_text("[" * 100_000 + "]" * 100_000)
    (tmp_path / "a.yaml").write_text(POD)
    result = run_kslint("lint", "a.yaml", cwd=tmp_path)
    assert result.returncode == 2
    assert ".kslint.yaml:1:1: The YAML nests deeper than 200 levels." in result.stderr


def test_packed_positions_survive_copies_and_changes() -> None:
    # Positions are kept packed until asked for (kslint.nodes): copying or changing a
    # mapping first must not shift them onto other keys.
    import copy
    import pickle

    from kslint.yaml_reader import parse_yaml

    text = b"a: 1\nb:\n  - x\n  - {c: 2}\nd: 4\n"
    for change in ("deepcopy", "copy", "pickle", "pop", "set"):
        [doc], _ = parse_yaml("x.yaml", text)
        if change == "deepcopy":
            doc = copy.deepcopy(doc)
        elif change == "copy":
            doc = copy.copy(doc)
        elif change == "pickle":
            doc = pickle.loads(pickle.dumps(doc))
        elif change == "pop":
            doc.pop("a")
        else:
            doc["z"] = 0
        assert doc.key_spans["d"][:2] == (5, 1), change
        assert doc.value_spans["b"][:2] == (3, 3), change
        assert [span[:2] for span in doc["b"].item_spans] == [(3, 5), (4, 5)], change
        assert doc.span[:2] == (1, 1), change


def test_packed_positions_at_every_width() -> None:
    # Positions are packed with the narrowest integers that hold them (kslint.nodes):
    # one byte in small nodes, two past 255 lines or columns, four past 65,535 lines or
    # for merged keys above the mapping. Every width gives the same spans back.
    long_value = "x" * 300
    filler = "".join(f"  k{n}: {n}\n" for n in range(70_000))
    text = (
        "base: &base {m: 1}\n"  # line 1
        "small: {a: 1}\n"  # line 2: one byte per integer
        f"wide: {{b: {long_value}, c: 2}}\n"  # line 3: a column past 255
        "merged:\n"  # line 4: the merged key sits on line 1, above the mapping
        "  <<: *base\n"
        "  n: 2\n"
        "list:\n"  # line 7
        "  - one\n"
        f"big:\n{filler}"  # line 9: a mapping of 70,000 lines
        "  last: [1, 2]\n"
    )
    [doc], problems = parse_yaml("x.yaml", text.encode())
    assert problems == []
    assert doc.key_spans["small"] == Span(2, 1, 2, 6)
    assert doc["small"].key_spans["a"] == Span(2, 9, 2, 10)
    assert doc["wide"].value_spans["c"] == Span(3, 316, 3, 317)
    assert doc["merged"].key_spans["m"] == Span(1, 14, 1, 15)
    assert doc["merged"].key_spans["n"] == Span(6, 3, 6, 4)
    assert doc["list"].item_spans == [Span(8, 5, 8, 8)]
    big = doc["big"]
    assert big.span[:2] == (10, 3)
    assert big.key_spans["k69999"] == Span(70_009, 3, 70_009, 9)
    assert big.value_spans["last"] == Span(70_010, 9, 70_010, 15)
    assert big["last"].item_spans == [Span(70_010, 10, 70_010, 11), Span(70_010, 13, 70_010, 14)]


def test_a_syntax_error_in_a_large_deep_looking_file_is_a_finding() -> None:
    # Past SAFE_COMPOSE_DEPTH the exact depth scan runs first and meets the error first.
    text = "a: " + "x" * 1200 + "\nb: [\n"  # a long line: the bound exceeds it
    result = _load(text)
    assert [f.rule for f in result.findings] == ["invalid-yaml"]
    assert result.findings[0].message.startswith("YAML syntax error")

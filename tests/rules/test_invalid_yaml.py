"""invalid-yaml (issue 12): the C scanner's flow-context colon false alarm is parsed again
(stand-in colons, else the pure-Python parser) with the same trees and positions; genuinely
broken files stay invalid; the fix hint fits the cause; a byte-order mark does not shift an
encoding error's column."""

from __future__ import annotations

import codecs
from pathlib import Path
from typing import Any

import pytest
from helpers import lint_json, write_repo

from kslint import file_text, yaml_reader
from kslint.loader import Source, load_source
from kslint.nodes import YMap, YSeq
from kslint.objects import SourceFile

FLOW_POD = "apiVersion: v1\nkind: Pod\nmetadata: {name: db}\nspec:\n  containers: [{name: db, image: mysql:8.4}]\n"


def load(data: bytes | str, path: str = "m.yaml"):
    return load_source(Source(path, data.encode() if isinstance(data, str) else data))


def test_a_colon_inside_a_flow_scalar_is_valid_yaml(tmp_path: Path) -> None:
    write_repo(tmp_path, {"db.yaml": FLOW_POD})
    found = lint_json("db.yaml", cwd=tmp_path)["findings"]
    assert [(f["rule"], f["line"], f["column"]) for f in found] == [
        ("database-without-persistent-storage", 5, 16)
    ]


def test_the_reparsed_tree_keeps_positions_and_types() -> None:
    text = "a: [{image: mysql:8.4, port: 3306, on: true, n: null}]\nb: 'x'\n"
    result = load(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  "
        + text.replace("\n", "\n  ")
    )
    assert not result.findings
    (obj,) = result.objects
    item = obj.get("data", "a", 0)
    assert item == {"image": "mysql:8.4", "port": 3306, "on": True, "n": None}
    assert obj.span("data", "a", 0, "port", key=False)[:2] == (5, 32)


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("a: [{name: db, image: mysql:8.4}\nb: 1\n", 2),  # unclosed: found on the next line
        ("a: {image: mysql:8.4\n", 2),
        ("a: [x: y: z, image: mysql:8.4]\n", 1),
        ("a: [{image: mysql:8.4}]]\n", 1),
    ],
)
def test_broken_flow_collections_stay_invalid(text: str, line: int) -> None:
    result = load(text)
    assert [(f.rule, f.span.line) for f in result.findings] == [("invalid-yaml", line)]


def test_a_broken_file_gets_the_pure_parser_s_error_and_its_fix() -> None:
    (finding,) = load("a: [{name: db, image: mysql:8.4}\nb: 1\n").findings
    assert finding.message == (
        "YAML syntax error: expected ',' or ']', but got '<scalar>' (while parsing a flow "
        "sequence)."
    )
    assert finding.fix == "Close the flow sequence with `]` (or add the missing `,`)."


def test_only_files_under_the_size_cap_go_to_the_pure_parser(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(yaml_reader, "PURE_REPARSE_MAX_BYTES", len(FLOW_POD) - 1)
    assert not load(FLOW_POD).findings  # the stand-in colons need no pure parse
    monkeypatch.setattr(yaml_reader, "_stand_in", lambda data: None)
    result = load(FLOW_POD)
    assert [f.rule for f in result.findings] == ["invalid-yaml"]
    assert "found unexpected ':'" in result.findings[0].message


def _tree(node: Any) -> Any:
    """A parsed node with every value, key and span it holds (for comparing parses)."""
    if isinstance(node, YMap):
        return [(k, node.key_spans[k], node.value_spans[k], _tree(v)) for k, v in node.items()]
    if isinstance(node, YSeq):
        return [(span, _tree(item)) for span, item in zip(node.item_spans, node, strict=True)]
    return (type(node).__name__, node)


def _parse(data: bytes | str) -> Any:
    documents, converter = yaml_reader.compose_all(SourceFile("m.yaml"), data)
    spans = [getattr(document, "span", None) for document in documents]
    return [_tree(d) for d in documents], spans, [(d.message, d.span) for d in converter.duplicates]


FLOW_COLONS = [
    "a: [{name: web, image: nginx:1.27}]\n",
    "é: x\nb: [{ü: ä:1, c: 'x:y', d: \"p:q\"}]  # see http://x\n",
    "---\nx: 1\n---\nc: [{name: web, image: nginx:1.27}]\nz: {a: b:c:d, e: [f:g, h:]}\n",
    "a: {x:y: 1}\nb: [a::b, c:: d]\nc: [--addr=:8080, --x=a:b, http://a.b:80/c]\n",
    "a: [x:y]\nb: &anchor {k: v:w}\nc: *anchor\n<<: {m: n:o}\n",
    "a: {k: v:w, k: z:z}\nt: [!!str a:b, !!int 1:30, 8:30]\n",
    'm: {"a":b, c: d:e}\nn: |\n  x:y\no: [b:c\n  , d:e]\n',
    "a: [b:c,d:e, -:x, b:#c]  # x:y\r\nd: {b:c}\r\n",
    "a: [b:c]\nb: \ue000 stays\n",
    "a: 1\na: 2\nb: x:y\n---\n---\nc: [d:e]\nc: [f:g]\n---\nh: [i:j]\n",
    'p: ["x:y\n  z:w", {q: r:s}, t]\nu: [v\n  w:x]\n',
]


@pytest.mark.parametrize("text", FLOW_COLONS)
@pytest.mark.parametrize("encoding", ["str", "utf-8", "utf-8-sig"])
def test_stand_in_colons_parse_as_the_pure_parser_does(
    text: str, encoding: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Values, keys, spans (1-based lines and columns, in characters) and duplicate keys
    of the C parser with stand-in colons are those of the pure-Python parser."""
    data: bytes | str = text if encoding == "str" else text.encode(encoding)
    pure_used: list[bool] = []
    pure = yaml_reader._PureComposer

    def spy(data: bytes | str) -> Any:
        pure_used.append(True)
        return pure(data)

    monkeypatch.setattr(yaml_reader, "_PureComposer", spy)
    fast = _parse(data)
    assert not pure_used
    monkeypatch.setattr(yaml_reader, "_stand_in", lambda data: None)
    assert fast == _parse(data)
    assert pure_used


def test_what_the_old_scanner_cannot_read_still_goes_to_the_pure_parser() -> None:
    # libyaml 0.1 also ends a flow scalar at "?": the pure parser reads YAML 1.2.
    (document,), _ = yaml_reader.parse_yaml("m.yaml", b"u: [http://a.b:80/c?d=e:f]\n")
    assert document == {"u": ["http://a.b:80/c?d=e:f"]}


def test_a_stand_in_colon_puts_the_finding_where_it_was() -> None:
    text = (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: wéb}\nspec:\n  template:\n"
        "    spec:\n      containers: [{name: wéb, image: nginx:1.27, ports: [{containerPort: 80}]}]\n"
    )
    result = load(text)
    assert not result.findings
    (obj,) = result.objects
    assert obj.get("spec", "template", "spec", "containers", 0, "image") == "nginx:1.27"
    container = ("spec", "template", "spec", "containers", 0)
    assert obj.span(*container, "image", key=False) == (7, 39, 7, 49)  # é is one column
    assert obj.span(*container, "ports", key=True)[:2] == (7, 51)


@pytest.mark.parametrize("bom", [b"", codecs.BOM_UTF8])
def test_a_byte_order_mark_does_not_shift_an_encoding_error(bom: bytes) -> None:
    result = load(bom + "é: 1\nab: x".encode() + b"\xff\n")
    ((finding),) = result.findings
    assert (finding.span.line, finding.span.column) == (2, 6)
    assert "byte 0xff" in finding.message


def test_utf16_encoding_errors_count_characters() -> None:
    data = codecs.BOM_UTF16_LE + "é: 1\nab: x".encode("utf-16-le") + b"\x00\xdc\x00\xdc"
    ((finding),) = load(data).findings
    assert (finding.span.line, finding.span.column) == (2, 6)


@pytest.mark.parametrize(
    ("data", "fix"),
    [
        (b"\x00\x01\x02binary", file_text.FIX_BINARY),
        (b"a: caf\xe9\n", file_text.FIX_ENCODING),
        (
            "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
            + "".join(
                f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
                for i in range(6)
            ),
            yaml_reader.FIX_ALIASES,
        ),
        ("[" * 300 + "]" * 300 + "\n", None),
        ("a:\n\tb: 1\n", "Indent with spaces: YAML does not allow tabs in indentation."),
        ("a: [1, 2\nb: 3\n", "Close the flow sequence with `]` (or add the missing `,`)."),
        ('a: "open\n', "Close the quoted string (a `\"` or `'` is missing)."),
        ("a: b: c\n", "Quote a value that contains `: `, or fix the indentation of this line."),
        ("? [a]\n: 1\n", yaml_reader.FIX_COLLECTION_KEY),
    ],
)
def test_the_fix_fits_the_cause(data: bytes | str, fix: str | None) -> None:
    findings = load(data).findings
    assert findings and findings[0].rule == "invalid-yaml"
    if fix is None:  # nesting: refused before or while composing, either way the depth fix
        assert findings[0].fix == yaml_reader.FIX_DEPTH
    else:
        assert findings[0].fix == fix


def test_the_cli_shows_the_fitting_fix(tmp_path: Path) -> None:
    write_repo(tmp_path, {"tabs.yaml": "a:\n\tb: 1\n"})
    found = lint_json("tabs.yaml", cwd=tmp_path)["findings"]
    assert [f["fix"] for f in found] == [
        "Indent with spaces: YAML does not allow tabs in indentation."
    ]

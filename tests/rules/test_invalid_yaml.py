"""invalid-yaml (issue 12): the C scanner's flow-context colon false alarm is parsed again
with the pure-Python parser; genuinely broken files stay invalid; the fix hint fits the
cause; a byte-order mark does not shift an encoding error's column."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from helpers import lint_json, write_repo

from kslint import yaml_reader
from kslint.loader import Source, load_source

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


def test_only_files_under_the_size_cap_are_parsed_again(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yaml_reader, "PURE_REPARSE_MAX_BYTES", len(FLOW_POD) - 1)
    result = load(FLOW_POD)
    assert [f.rule for f in result.findings] == ["invalid-yaml"]
    assert "found unexpected ':'" in result.findings[0].message


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
        (b"\x00\x01\x02binary", yaml_reader.FIX_BINARY),
        (b"a: caf\xe9\n", yaml_reader.FIX_ENCODING),
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

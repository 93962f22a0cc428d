"""unrendered-template (issue 12): placeholders of other template languages make a file
that does not parse an unrendered template, not broken YAML; a file that parses
(envsubst ``${VAR}``, a quoted placeholder) is linted as it is."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import lint_json, write_repo

from kslint.loader import OTHER_TEMPLATE_FIX, Source, load_source


def load(text: str):
    return load_source(Source("m.yaml", text.encode()))


@pytest.mark.parametrize(
    ("text", "line", "column", "shown"),
    [
        (
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  config: {{config_data}}\n",
            5,
            11,
            "{{config_data}}",
        ),
        (
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n{% if debug %}\n  labels: {a: b}\n{% endif %}\n",
            5,
            1,
            "{% if debug %}",
        ),
        (
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ service.name }}\n",
            4,
            9,
            "{{ service.name }}",
        ),
    ],
)
def test_other_template_placeholders(text: str, line: int, column: int, shown: str) -> None:
    result = load(text)
    (finding,) = result.findings
    assert finding.rule == "unrendered-template"
    assert (finding.span.line, finding.span.column) == (line, column)
    assert finding.message == (
        f"This file holds template placeholders ({shown}) and is not YAML until they are "
        "filled in; render it first and lint the output."
    )
    assert finding.fix == OTHER_TEMPLATE_FIX
    assert result.objects == []


def test_helm_templates_keep_their_message() -> None:
    (finding,) = load("metadata:\n  name: {{ .Release.Name }}\n  x: {{ y }}\n").findings
    assert finding.message.startswith("This file is an unrendered Helm template")


@pytest.mark.parametrize(
    "text",
    [
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${NAME}\n  namespace: ${NS}\ndata:\n  x: ${VALUE}\n",
        'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  config: "{{config_data}}"\n',
    ],
)
def test_files_that_parse_are_linted_as_they_are(text: str) -> None:
    result = load(text)
    assert result.findings == []
    assert len(result.objects) == 1


def test_broken_yaml_without_placeholders_is_invalid_yaml() -> None:
    (finding,) = load("a: [1, 2\nb: {c}\n").findings
    assert finding.rule == "invalid-yaml"


def test_cli(tmp_path: Path) -> None:
    write_repo(tmp_path, {"c.yaml": "kind: ConfigMap\ndata:\n  config: {{config_data}}\n"})
    found = lint_json("c.yaml", cwd=tmp_path)["findings"]
    assert [(f["rule"], f["severity"], f["line"], f["column"]) for f in found] == [
        ("unrendered-template", "info", 3, 11)
    ]

"""Drawing a storage graph: Mermaid (renders in GitHub and GitLab Markdown), Graphviz DOT
(``dot -Tsvg``) and JSON (for tools). Each takes the graphs of a run's units, in order;
a run without units has one graph with ``unit`` None, drawn without a frame around it.

Objects and edges with findings are coloured by their most serious finding and list the
rule ids; placeholders for missing targets are dashed, and so are the edges to them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from typing import Any

from kslint.findings import Severity
from kslint.report.graph_export import Edge, Node, StorageGraph

# GitHub's Primer colours: readable on light and dark backgrounds.
FILL = {Severity.ERROR: "#ffebe9", Severity.WARNING: "#fff8c5", Severity.INFO: "#ddf4ff"}
STROKE = {Severity.ERROR: "#cf222e", Severity.WARNING: "#9a6700", Severity.INFO: "#0969da"}
MISSING_STROKE = "#6e7781"
MISSING_TEXT = "#57606a"
JSON_VERSION = 1


def node_lines(node: Node) -> list[str]:
    lines = [node.short_kind, node.title]
    if node.missing:
        lines.append("(not in the set)")
    return lines + node.rules


def edge_lines(edge: Edge) -> list[str]:
    return [edge.label, *edge.rules]


def _prefixes(graphs: Sequence[StorageGraph]) -> list[str]:
    """Node id prefixes: none for a single graph, ``u1_``, ``u2_``... for units."""
    if len(graphs) == 1 and graphs[0].unit is None:
        return [""]
    return [f"u{number}_" for number in range(1, len(graphs) + 1)]


# ---------------------------------------------------------------------------------------
# Mermaid

_MERMAID_SAFE = re.compile(r"[ ._/:,=+()-]")


def mermaid_text(text: str) -> str:
    """Text for a quoted Mermaid label: letters, digits and a few plain signs as they are,
    anything else as a numeric entity (``#34;``), so no name can end the label, start a
    comment or inject markup."""
    return "".join(
        char if char.isalnum() or _MERMAID_SAFE.fullmatch(char) else f"#{ord(char)};"
        for char in text
    )


def _mermaid_label(lines: list[str]) -> str:
    return '"' + "<br/>".join(mermaid_text(line) for line in lines) + '"'


def _mermaid_class(node: Node) -> str | None:
    if node.severity is not None:
        return f"kslint_{node.severity}"
    return "kslint_missing" if node.missing else None


MERMAID_CLASSES = {
    **{
        f"kslint_{severity}": f"fill:{FILL[severity]},stroke:{STROKE[severity]},"
        "stroke-width:2px,color:#1f2328"
        for severity in (Severity.ERROR, Severity.WARNING, Severity.INFO)
    },
    "kslint_missing": f"fill:#ffffff,stroke:{MISSING_STROKE},stroke-dasharray:5 5,"
    f"color:{MISSING_TEXT}",
}


def to_mermaid(graphs: Sequence[StorageGraph]) -> str:
    lines = ["flowchart LR"]
    classes: dict[str, list[str]] = {}
    link_styles: dict[str, list[int]] = {}
    links = 0
    for graph, prefix in zip(graphs, _prefixes(graphs), strict=True):
        indent = "  "
        if prefix:
            title = _mermaid_label([graph.unit or "(plain files)"])
            lines.append(f"  subgraph {prefix}unit[{title}]")
            lines.append("    direction LR")
            indent = "    "
        for node in graph.nodes:
            lines.append(f"{indent}{prefix}{node.id}[{_mermaid_label(node_lines(node))}]")
            css = _mermaid_class(node)
            if css is not None:
                classes.setdefault(css, []).append(prefix + node.id)
        if prefix:
            lines.append("  end")
        ids = {node.key: prefix + node.id for node in graph.nodes}
        missing = graph.missing_keys
        for edge in graph.edges:
            arrow = "-.->" if {edge.source, edge.target} & missing else "-->"
            label = _mermaid_label(edge_lines(edge))
            lines.append(f"  {ids[edge.source]} {arrow}|{label}| {ids[edge.target]}")
            if edge.severity is not None:
                link_styles.setdefault(str(edge.severity), []).append(links)
            links += 1
    for name in sorted(classes):
        lines.append(f"  classDef {name} {MERMAID_CLASSES[name]}")
        lines.append(f"  class {','.join(classes[name])} {name}")
    for severity in sorted(link_styles):
        indexes = ",".join(map(str, link_styles[severity]))
        colour = STROKE[Severity.parse(severity)]
        lines.append(f"  linkStyle {indexes} stroke:{colour},stroke-width:2px,color:{colour}")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------
# Graphviz DOT


def dot_text(text: str) -> str:
    """A DOT quoted string's body: backslash and quote escaped, so no name can end it
    (or use one of DOT's ``\\N``-style escapes)."""
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")


def _dot_label(lines: list[str]) -> str:
    return '"' + "\\n".join(dot_text(line) for line in lines) + '"'


def _dot_node(node: Node, node_id: str) -> str:
    attributes = [f"label={_dot_label(node_lines(node))}"]
    if node.file is not None:
        attributes.append(f'tooltip="{dot_text(f"{node.file}:{node.line}")}"')
    if node.missing:  # dashed; coloured too if a finding is about it (an unknown kind)
        attributes.append('style="rounded,dashed,filled"')
    if node.severity is not None:
        attributes += [
            f'fillcolor="{FILL[node.severity]}"',
            f'color="{STROKE[node.severity]}"',
            "penwidth=2",
        ]
    elif node.missing:
        attributes += [f'color="{MISSING_STROKE}"', f'fontcolor="{MISSING_TEXT}"']
    return f'"{node_id}" [{", ".join(attributes)}];'


def _dot_edge(edge: Edge, source: str, target: str, missing: bool) -> str:
    attributes = [f"label={_dot_label(edge_lines(edge))}"]
    if missing:
        attributes.append("style=dashed")
    if edge.severity is not None:
        colour = STROKE[edge.severity]
        attributes += [f'color="{colour}"', f'fontcolor="{colour}"', "penwidth=2"]
    return f'"{source}" -> "{target}" [{", ".join(attributes)}];'


def to_dot(graphs: Sequence[StorageGraph]) -> str:
    lines = [
        "digraph kslint {",
        '  graph [rankdir=LR, fontname="Helvetica", fontsize=10];',
        '  node [shape=box, style="rounded,filled", fillcolor="#ffffff", '
        'fontname="Helvetica", fontsize=10];',
        '  edge [fontname="Helvetica", fontsize=9];',
    ]
    for graph, prefix in zip(graphs, _prefixes(graphs), strict=True):
        indent = "  "
        if prefix:
            lines.append(f'  subgraph "cluster_{prefix}unit" {{')
            lines.append(f"    label={_dot_label([graph.unit or '(plain files)'])};")
            indent = "    "
        lines += [indent + _dot_node(node, prefix + node.id) for node in graph.nodes]
        if prefix:
            lines.append("  }")
        ids = {node.key: prefix + node.id for node in graph.nodes}
        missing = graph.missing_keys
        lines += [
            "  " + _dot_edge(e, ids[e.source], ids[e.target], bool({e.source, e.target} & missing))
            for e in graph.edges
        ]
    lines.append("}")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------
# JSON


def _marks_json(item: Node | Edge) -> list[dict[str, str]]:
    return [
        {"rule": m.rule, "severity": str(m.severity), "message": m.message}
        for m in sorted(item.marks, key=lambda m: (m.rule, m.message))
    ]


def _graph_json(graph: StorageGraph) -> dict[str, Any]:
    ids = {node.key: node.id for node in graph.nodes}
    return {
        "unit": graph.unit,
        "nodes": [
            {
                "id": node.id,
                "apiVersion": node.api_version or None,
                "kind": node.kind,
                "namespace": node.namespace,
                "name": node.name,
                "missing": node.missing,
                "file": node.file,
                "line": node.line,
                "findings": _marks_json(node),
            }
            for node in graph.nodes
        ],
        "edges": [
            {
                "from": ids[edge.source],
                "to": ids[edge.target],
                "label": edge.label,
                "findings": _marks_json(edge),
            }
            for edge in graph.edges
        ],
    }


def to_json(graphs: Sequence[StorageGraph]) -> str:
    document = {"version": JSON_VERSION, "units": [_graph_json(graph) for graph in graphs]}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


RENDERERS: dict[str, Callable[[Sequence[StorageGraph]], str]] = {
    "mermaid": to_mermaid,
    "dot": to_dot,
    "json": to_json,
}

"""``--format markdown`` / ``--report markdown=PATH``: the pull-request / job-summary
report. Verdict, counts, the Mermaid graph of cross-object findings (parsed by Mermaid
itself), findings by file with position and fix, collapsing, the size bound, escaping."""

from __future__ import annotations

import re
from pathlib import Path

from helpers import run_kslint, write_files
from renderers import mermaid_parse

from kslint.pipeline import LintOptions, lint
from kslint.report import ReportContext
from kslint.report.markdown import LIMIT, render

FIXTURES = Path(__file__).parent / "fixtures"
GRAPH = FIXTURES / "graph"
MERMAID_BLOCK = re.compile(r"```mermaid\n(.*?)```", re.S)

HOSTPATH = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
spec:
  selector:
    matchLabels: {{app: {name}}}
  template:
    metadata:
      labels: {{app: {name}}}
    spec:
      containers:
        - name: app
          image: example/app:1.0
          volumeMounts:
            - {{name: data, mountPath: /data}}
      volumes:
        - name: data
          hostPath:
            path: /srv/{name}
"""


def markdown(*args: str, cwd: Path = GRAPH, code: int = 1) -> str:
    done = run_kslint("lint", "--no-config", "--format", "markdown", *args, cwd=cwd)
    assert done.returncode == code, done.stderr
    return done.stdout


def test_verdict_counts_and_rules() -> None:
    report = markdown(".")
    lines = report.splitlines()
    assert lines[:5] == [
        "## kslint",
        "",
        "❌ **kslint failed**: 7 findings at or above warning "
        "(2 errors, 5 warnings, 1 info in 4 files, 16 objects)",
        "",
        "🔴 2 errors · 🟡 5 warnings · 🔵 1 info",
    ]
    assert "| rule | severity | findings |" in lines
    assert "| `statefulset-service-not-headless` | 🔴 error | 1 |" in lines
    assert "| `statefulset-shared-pvc` | 🔵 info | 1 |" in lines


def test_findings_are_grouped_by_file_with_position_related_and_fix() -> None:
    report = markdown(".")
    sections = re.findall(r"^#### `(.*)`$", report, re.M)
    assert sections == ["database.yaml", "storage.yaml", "web.yaml"]
    assert (
        "- 🔴 **error** `statefulset-service-not-headless` at `database.yaml:19:16`: "
        "StatefulSet shop/db is governed by Service shop/db, which is not headless"
    ) in report
    assert "  - related: `database.yaml:9:1` Service shop/db has no clusterIP" in report
    # A fix keeps its code spans.
    assert "  - fix: Set `clusterIP: None` on the governing Service" in report


def test_mermaid_graph_of_cross_object_findings_parses() -> None:
    report = markdown(".")
    (block,) = MERMAID_BLOCK.findall(report)
    assert "**Objects involved in cross-object findings (12 objects)**" in report
    # The objects the findings connect; the clean ledger and the PDB are not involved.
    assert 'svc_shop_db -->|"governs<br/>statefulset-service-not-headless"| sts_shop_db' in block
    assert "pvc_shop_scratch" in block and "ledger" not in block and "pdb_" not in block
    assert mermaid_parse(block) == ["ok flowchart-v2"]


def test_no_graph_without_cross_object_findings(tmp_path: Path) -> None:
    write_files(tmp_path, {"a.yaml": HOSTPATH.format(name="alpha")})
    report = markdown(".", cwd=tmp_path)
    assert "```mermaid" not in report
    assert "pod-host-path-volume" in report


def test_a_passing_run(tmp_path: Path) -> None:
    report = markdown("ledger.yaml", "storage.yaml", code=0)
    assert report.splitlines()[2] == (
        "✅ **kslint passed**: nothing at or above warning (0 errors, 0 warnings, 0 info in "
        "2 files, 8 objects)"
    )
    assert "### Findings" not in report and "```mermaid" not in report
    never = markdown(".", "--fail-on", "never", code=0)
    assert never.splitlines()[2].startswith(
        "✅ **kslint passed** (the gate is off: `--fail-on never`): 2 errors, 5 warnings"
    )


def test_report_file_equals_standard_output(tmp_path: Path) -> None:
    out = tmp_path / "out" / "summary.md"
    done = run_kslint("lint", "--no-config", ".", "--report", f"markdown={out}", cwd=GRAPH)
    assert done.returncode == 1, done.stderr
    assert out.read_text(encoding="utf-8") == markdown(".")


def test_long_sections_are_collapsed(tmp_path: Path) -> None:
    many = "\n---\n".join(HOSTPATH.format(name=f"app-{n}") for n in range(7))
    write_files(tmp_path, {"many.yaml": many, "one.yaml": HOSTPATH.format(name="solo")})
    report = markdown(".", cwd=tmp_path)
    assert "<details>\n<summary><code>many.yaml</code>: 7 findings</summary>" in report
    assert "#### `one.yaml`" in report


def test_size_is_bounded_and_says_what_was_left_out(tmp_path: Path) -> None:
    count = 600
    documents = "\n---\n".join(HOSTPATH.format(name=f"app-{n:03}") for n in range(count))
    write_files(tmp_path, {"big.yaml": documents})
    report = markdown(".", cwd=tmp_path)
    assert len(report) <= LIMIT
    shown = report.count("`pod-host-path-volume` at")
    (left,) = re.findall(r"\*\*(\d+) more findings left out\*\*", report)
    assert shown > 50 and shown + int(left) == count
    # Directly, with a small limit: the same arithmetic.
    result = lint(LintOptions(paths=[str(tmp_path)]))
    small = render(result, ReportContext(), limit=5_000)
    assert len(small) <= 5_000
    shown = small.count("`pod-host-path-volume` at")
    (left,) = re.findall(r"\*\*(\d+) more findings left out\*\*", small)
    assert shown + int(left) == count


def test_names_from_the_manifests_are_escaped(tmp_path: Path) -> None:
    hostile = HOSTPATH.replace("name: {name}\n", 'name: "{name}"\n', 1).format(
        name="<script>alert(1)</script>|*x*"
    )
    write_files(tmp_path, {"evil <b>.yaml": hostile})
    report = markdown(".", cwd=tmp_path)
    assert "<script>" not in report
    assert "&lt;script&gt;alert(1)&lt;/script&gt;\\|\\*x\\*" in report
    assert "#### `evil <b>.yaml`" in report  # inside a code span: shown as written


def test_suppressed_findings_with_show_suppressed(tmp_path: Path) -> None:
    text = HOSTPATH.format(name="alpha").replace(
        "  name: alpha\n",
        "  name: alpha\n  annotations:\n    kslint.io/ignore: pod-host-path-volume\n",
    )
    write_files(tmp_path, {"a.yaml": text})
    report = markdown(".", "--show-suppressed", cwd=tmp_path, code=0)
    assert "<summary>Suppressed findings (1)</summary>" in report
    assert "- `pod-host-path-volume` at `a.yaml:" in report

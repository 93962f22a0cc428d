"""``kslint rules`` and ``kslint explain`` through the real command line (a subprocess),
and the README's rule table, which must be exactly what the catalog generates."""

from __future__ import annotations

import json
import subprocess
import sys
from functools import partial
from pathlib import Path

import pytest
from helpers import run_kslint

from kslint.registry import FAMILIES
from kslint.ruledocs import TABLE_END, TABLE_START, readme_table, suggestions, update_readme
from kslint.ruleset import RuleSet

ROOT = Path(__file__).resolve().parent.parent

# From the repository root, on a terminal 100 columns wide (rich wraps explain's text to COLUMNS).
kslint = partial(run_kslint, cwd=ROOT, env={"COLUMNS": "100"})


def test_rules_lists_every_rule_in_text() -> None:
    result = kslint("rules")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["RULE", "SEVERITY", "FAMILY", "FIX", "SUMMARY"]
    rows = {line.split()[0]: line for line in lines[1:] if line and not line.endswith("RULE-ID")}
    assert set(rows) == set(RuleSet.builtin().catalog)
    for meta in RuleSet.builtin().catalog.values():
        columns = rows[meta.id].split(maxsplit=4)
        fix = meta.autofix[0].safety if meta.autofix else "-"
        assert columns[1:4] == [str(meta.severity), meta.family, fix]
        assert columns[4] == meta.summary  # one line, never wrapped
    assert rows["deployment-rwo-rolling-update"].split()[3] == "safe"
    assert rows["statefulset-service-not-headless"].split()[3] == "unsafe"
    assert rows["volume-mount-undefined"].split()[3] == "-"
    assert f"{len(RuleSet.builtin().catalog)} rules." in result.stdout


def test_rules_json() -> None:
    result = kslint("rules", "--format", "json")
    assert result.returncode == 0, result.stderr
    listed = json.loads(result.stdout)
    assert [entry["id"] for entry in listed] == sorted(
        RuleSet.builtin().catalog,
        key=lambda rule_id: (
            list(FAMILIES).index(RuleSet.builtin().catalog[rule_id].family),
            rule_id,
        ),
    )
    by_id = {entry["id"]: entry for entry in listed}
    shared = by_id["statefulset-shared-pvc"]
    assert shared == {
        "id": "statefulset-shared-pvc",
        "severity": "info",
        "family": "sharing",
        "family_title": "B. Sharing claims",
        "summary": RuleSet.builtin().catalog["statefulset-shared-pvc"].summary,
        "fixes": [],
    }
    assert [(f["id"], f["safety"]) for f in by_id["deployment-rwo-rolling-update"]["fixes"]] == [
        ("no-surge", "safe"),
        ("recreate", "unsafe"),
    ]
    assert by_id["volume-mount-undefined"]["severity"] == "error"


def test_rules_rejects_an_unknown_format() -> None:
    result = kslint("rules", "--format", "yaml")
    assert result.returncode == 2
    assert "unknown format 'yaml'" in result.stderr


def test_explain_renders_the_rule_data() -> None:
    meta = RuleSet.builtin().catalog["stateful-claim-delete-reclaim"]
    result = kslint("explain", "stateful-claim-delete-reclaim")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith(
        "stateful-claim-delete-reclaim  warning  family reclaim (D. Reclaim and retention)\n"
    )
    headings = [line for line in out.splitlines() if line and line[0] not in " ❱"]
    assert headings[1:] == [
        "Why",
        "Fix",
        "References",
        "Bad example (fires at line 25)",
        "Good example",
    ]
    # Markdown is rendered (no backticks) and rewrapped; compare the words.
    words = " ".join(out.split())
    assert " ".join(meta.summary.split()) in words
    assert "A StorageClass's reclaimPolicy is copied to every volume it provisions." in words
    assert "`" not in out
    for reference in meta.references:
        assert f"  - {reference['title']}: {reference['url']}\n" in out  # never wrapped
    # Examples with line numbers; the line where the bad example fires is marked.
    assert f"❱ 25 {meta.bad[0].manifest.splitlines()[24]}\n" in out
    assert "storageClassName: fast-ssd" in meta.bad[0].manifest.splitlines()[24]
    assert "  1 apiVersion: apps/v1\n" in out
    assert "reclaimPolicy: Retain" in out
    assert "\x1b[" not in out  # no colour when not a terminal


def test_explain_forgives_case_and_underscores() -> None:
    result = kslint("explain", "Volume_Mount_Undefined")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("volume-mount-undefined  error")


def test_explain_unknown_rule_suggests_the_closest() -> None:
    result = kslint("explain", "statefulset-shared-pvs")
    assert result.returncode == 2
    assert result.stdout == ""
    first = result.stderr.splitlines()[0]
    assert first.startswith("kslint: unknown rule 'statefulset-shared-pvs'. Did you mean: ")
    assert "Did you mean: statefulset-shared-pvc," in first
    assert "kslint rules" in first


def test_explain_unknown_rule_without_a_close_match() -> None:
    result = kslint("explain", "zzzz")
    assert result.returncode == 2
    assert "Did you mean" not in result.stderr
    assert "unknown rule 'zzzz'" in result.stderr


def test_suggestions() -> None:
    known = list(RuleSet.builtin().catalog)
    assert suggestions("volume-mount-undefned", known)[0] == "volume-mount-undefined"
    assert suggestions("STATEFULSET_MISSING_PDB", known)[0] == "statefulset-missing-pdb"
    assert suggestions("xyz", known) == []


# ---------------------------------------------------------------------------------------
# README


def test_readme_rule_table_matches_the_catalog() -> None:
    """If this fails after adding or changing a rule, regenerate the table with
    ``python -m kslint.ruledocs --update-readme`` (it rewrites only the table)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme_table() in readme, (
        "README.md's rule table is out of date: run `python -m kslint.ruledocs --update-readme`"
    )


def test_readme_table_lists_every_rule_file() -> None:
    table = readme_table()
    for path in sorted((ROOT / "rules").glob("*.yaml")):
        assert f"| `{path.stem}` |" in table, path.name
    assert table.startswith(TABLE_START) and table.endswith(TABLE_END)


def test_update_readme_rewrites_only_the_table(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(f"# Title\n\nintro\n\n{TABLE_START}\nold table\n{TABLE_END}\n\nafter\n")
    assert update_readme(readme) is True
    assert readme.read_text() == f"# Title\n\nintro\n\n{readme_table()}\n\nafter\n"
    assert update_readme(readme) is False


def test_update_readme_without_markers(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text("# Title\n")
    with pytest.raises(ValueError, match="no rule table markers"):
        update_readme(readme)


def test_readme_table_script() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "kslint.ruledocs", "--readme-table"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == readme_table() + "\n"

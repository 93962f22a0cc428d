"""Built-in rules written in the policy format: the format proves itself on our own rules.

``pv-missing-reclaim-policy``, ``storageclass-missing-reclaim-policy``,
``local-pv-missing-node-affinity`` and ``statefulset-missing-pdb`` were Python checks; they
are now ``match``/``assert``/``related`` in their ``rules/<id>.yaml``. Their findings on
``tests/fixtures/policy-conversion/`` (edge cases: missing, null and wrongly typed fields,
autoscaled and templated replica counts, budgets in other namespaces), on their shipped
``examples/<id>.yaml`` and on their documented examples were recorded from the Python
checks before the conversion (``tests/fixtures/policy-conversion.json``); the data rules
must reproduce them exactly: position, message, node path (what baselines key on),
severity, fix and related locations. (At the conversion, the findings of the whole suite's
fixtures and of the shared corpus were compared too: identical.) The other scenario
fixtures keep checking these rules through their ``expected.yaml``.

Regenerate the snapshot only for an intended change of one of these rules:
``python tests/test_policies_builtin.py``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from helpers import run_kslint
from jsonschema import Draft202012Validator
from ruamel.yaml import YAML

from kslint.datafiles import data_dir
from kslint.findings import Finding
from kslint.pipeline import LintOptions, lint, lint_texts
from kslint.registry import builtin_catalog
from kslint.ruleset import RuleSet

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
SNAPSHOT = FIXTURES / "policy-conversion.json"
CONVERTED = (
    "local-pv-missing-node-affinity",
    "pv-missing-reclaim-policy",
    "statefulset-missing-pdb",
    "storageclass-missing-reclaim-policy",
)


def _record(finding: Finding, where: str) -> dict[str, Any]:
    return {
        "where": where,
        "rule": finding.rule,
        "file": finding.file,
        "span": list(finding.span),
        "object": str(finding.obj) if finding.obj else None,
        "message": finding.message,
        "path": [str(step) for step in finding.path],
        "severity": str(finding.severity),
        "fix": finding.fix,
        "related": [[r.file, *r.span, r.message] for r in finding.related],
    }


def converted_findings() -> list[dict[str, Any]]:
    """The converted rules' findings on their fixture, their examples/ files and their
    documented examples."""
    found: list[dict[str, Any]] = []
    cwd = Path.cwd()
    try:
        os.chdir(FIXTURES / "policy-conversion")
        result = lint(LintOptions(paths=["."]))
        found += [_record(f, "policy-conversion") for f in result.findings if f.rule in CONVERTED]
        os.chdir(ROOT)
        shipped = [f"examples/{rule_id}.yaml" for rule_id in CONVERTED]
        result = lint(LintOptions(paths=[p for p in shipped if Path(p).exists()]))
        found += [_record(f, "examples") for f in result.findings if f.rule in CONVERTED]
    finally:
        os.chdir(cwd)
    for rule_id in CONVERTED:
        meta = builtin_catalog()[rule_id]
        for kind, examples in (("bad", meta.bad), ("good", meta.good)):
            for index, example in enumerate(examples):
                name = f"{meta.id}-{kind}-{index}.yaml"
                result = lint_texts([(name, example.manifest)])
                found += [_record(f, name) for f in result.findings if f.rule in CONVERTED]
    return sorted(found, key=lambda item: json.dumps(item, sort_keys=True))


def test_converted_rules_find_exactly_what_the_python_checks_found() -> None:
    expected = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    actual = converted_findings()
    assert len(actual) == len(expected)
    for got, want in zip(actual, expected, strict=True):
        assert got == want


@pytest.mark.parametrize("rule_id", CONVERTED)
def test_converted_rules_are_data(rule_id: str) -> None:
    meta = builtin_catalog()[rule_id]
    assert meta.data is not None and "match" in meta.data, f"{rule_id} has no match"
    assert RuleSet.builtin().checks[rule_id].raw  # compiled from the data file, not a Python module
    module = ROOT / "kslint" / "checks" / f"{rule_id.replace('-', '_')}.py"
    assert not module.exists(), f"{module.name} should be gone"


def test_every_data_rule_is_a_check() -> None:
    data_rules = {meta.id for meta in builtin_catalog().values() if meta.data is not None}
    assert set(CONVERTED) <= data_rules
    assert data_rules <= set(RuleSet.builtin().checks)


def test_every_builtin_rule_file_validates_against_the_format_schema() -> None:
    schema = json.loads((data_dir("schemas") / "rule.schema.json").read_text())
    Draft202012Validator.check_schema(schema)
    validator = Draft202012Validator(schema)
    yaml = YAML(typ="safe")
    files = sorted(data_dir("rules").glob("*.yaml"))
    assert len(files) >= 30
    for path in files:
        errors = [
            f"{path.name}: {list(e.absolute_path)}: {e.message}"
            for e in validator.iter_errors(yaml.load(path.read_text()))
        ]
        assert not errors, errors


def test_builtin_rules_pass_kslint_policy_test() -> None:
    completed = run_kslint("policy", "test", "rules", cwd=ROOT, timeout=300)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    lines = completed.stdout.splitlines()
    for rule_id in CONVERTED:
        assert any(f" PASS {rule_id} bad[0]: fires at " in line for line in lines), rule_id
    assert " 0 failed" in lines[-1]


if __name__ == "__main__":
    SNAPSHOT.write_text(json.dumps(converted_findings(), indent=1) + "\n", encoding="utf-8")
    print(f"wrote {SNAPSHOT}")

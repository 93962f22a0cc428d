"""Where a rule's tests live: its examples in ``rules/<id>.yaml`` (test_rule_examples.py),
``examples/<id>.yaml`` (test_examples_dir.py), the scenario fixtures (test_fixtures.py), and
its detailed tests in ``tests/rules/test_<id with underscores>.py``. A file there that names
no rule (a typo, a renamed rule) would hide its tests from whoever looks for them."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RULE_TESTS = sorted((ROOT / "tests" / "rules").glob("test_*.py"))


def test_every_rule_test_file_is_named_after_a_rule() -> None:
    assert RULE_TESTS, "tests/rules/ holds no test file"
    rule_ids = {path.stem for path in (ROOT / "rules").glob("*.yaml")}
    stray = [
        p.name for p in RULE_TESTS if p.stem.removeprefix("test_").replace("_", "-") not in rule_ids
    ]
    assert not stray, f"tests/rules/ files must be named test_<rule_id>.py: {stray}"

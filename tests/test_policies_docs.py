"""The policy documentation stays true: every edge and every shipped example policy is
documented, and the complete policies shown in the README and docs/policies.md load."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kslint.policies import load_policies
from kslint.policies.edges import EDGES

ROOT = Path(__file__).resolve().parent.parent
DOCS = (ROOT / "docs" / "policies.md").read_text(encoding="utf-8")
README = (ROOT / "README.md").read_text(encoding="utf-8")


def yaml_blocks(text: str) -> list[str]:
    return re.findall(r"```yaml\n(.*?)```", text, flags=re.DOTALL)


def test_every_edge_has_a_row_in_the_edge_table() -> None:
    for name in EDGES:
        assert f"\n| `{name}` |" in DOCS, name


def test_every_shipped_policy_is_linked() -> None:
    for path in sorted((ROOT / "examples" / "policies").glob("*.yaml")):
        assert f"(../examples/policies/{path.name})" in DOCS, path.name


@pytest.mark.parametrize(
    ("source", "text"),
    [("README.md", README.split("<!-- section: policies -->")[1]), ("docs/policies.md", DOCS)],
)
def test_complete_policies_in_the_docs_load(source: str, text: str, tmp_path: Path) -> None:
    complete = [b for b in yaml_blocks(text) if re.search(r"^id: ", b, flags=re.MULTILINE)]
    assert complete, f"{source} shows no complete policy"
    for index, block in enumerate(complete):
        (tmp_path / f"policy-{index}.yaml").write_text(block, encoding="utf-8")
    loaded = load_policies([tmp_path])
    assert len(loaded) == len(complete)

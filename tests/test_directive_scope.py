"""Where a ``# kslint: disable=`` comment applies (issue 12): on its own line, the next
node and everything nested under it (above the first key of a document, the whole
document); trailing, its own line. The README's example works as shown."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

from helpers import lint_json, write_repo

from kslint.suppress import directive_scope

ROOT = Path(__file__).resolve().parent.parent


def scope(text: str) -> list[int]:
    lines = textwrap.dedent(text).splitlines()
    index = next(i for i, line in enumerate(lines) if "kslint:" in line)
    return list(directive_scope(lines, index))


def test_a_list_item_with_its_body() -> None:
    assert scope(
        """\
        a:
          volumes:
            # kslint: disable=x
            - name: logs
              hostPath:
                path: /var/log

            - name: other
        """
    ) == [4, 5, 6]


def test_a_key_with_its_value_and_a_sequence_at_its_own_indent() -> None:
    assert scope(
        """\
        spec:
          # kslint: disable=x
          volumes:
          - name: a
          - name: b
          containers: []
        """
    ) == [3, 4, 5]


def test_a_scalar_key_covers_its_line_only() -> None:
    assert scope("a:\n  # kslint: disable=x\n  b: 1\n  c: 2\n") == [3]


def test_above_the_first_key_the_whole_document() -> None:
    text = "# kslint: disable=x\napiVersion: v1\nkind: Pod\nspec:\n  a: 1\n---\nkind: Other\n"
    assert scope(text) == [2, 3, 4, 5]
    second = "kind: A\n---\n# header\n# kslint: disable=x\n\nkind: B\nspec: {}\n"
    assert scope(second) == [6, 7]


def test_nothing_after_it() -> None:
    assert scope("a: 1\n# kslint: disable=x\n") == []
    assert scope("a: 1\n# kslint: disable=x\n---\nb: 2\n") == []


def readme_example() -> str:
    """The comment-directive example of the README, verbatim."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", readme, flags=re.S)
    (block,) = [b for b in blocks if "# kslint: disable=pod-host-path-volume" in b]
    return block


def test_the_readme_example_works_as_shown(tmp_path: Path) -> None:
    example = readme_example()
    volumes, _, file_directive = example.rpartition("\n# kslint: disable-file=")
    manifest = (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: shipper\nspec:\n"
        "  selector:\n    matchLabels: {app: shipper}\n  template:\n"
        "    metadata:\n      labels: {app: shipper}\n    spec:\n      containers:\n"
        "        - name: shipper\n          image: example/shipper:1.0\n"
        "          volumeMounts: [{name: logs, mountPath: /logs}, {name: share, mountPath: /s}]\n"
        f"{volumes}\n"
    )
    write_repo(tmp_path, {"shipper.yaml": manifest})
    found = lint_json("shipper.yaml", cwd=tmp_path)["findings"]
    assert [(f["rule"], f["line"]) for f in found] == []
    # Without the directives both findings are there: the example suppresses something.
    bare = re.sub(r"\s*# kslint: disable=[^\n]*", "", manifest)
    write_repo(tmp_path, {"shipper.yaml": bare})
    rules = sorted(f["rule"] for f in lint_json("shipper.yaml", cwd=tmp_path)["findings"])
    assert rules == ["pod-host-path-volume", "pod-inline-persistent-volume"]
    assert file_directive.startswith("statefulset-missing-pdb,reclaim")

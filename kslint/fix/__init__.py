"""Automatic fixes: ``kslint fix`` and ``kslint lint --fix``.

A fix is a list of text edits at ranges computed from the positions the loader keeps on
every node, never a re-serialisation: comments, key order, quoting, flow style, blank
lines, line endings, a byte-order mark and every other byte stay as they were.

- ``edits``: byte-range (code point) edits and the YAML-aware editor (indentation of
  inserted keys, block or flow style, appended documents);
- ``builders``: one builder per ``autofix`` entry of a rule's ``rules/<id>.yaml``;
- ``targets``: which objects may be edited (never standard input; only text that is the
  object's real source);
- ``plan``: findings to fixes, the choice among them, applying and verifying them;
- ``run``: the fix loop, the diff and atomic writes.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kslint.fix.edits import Edit, NotFixable
    from kslint.fix.plan import FileEdit, Fix, Planner, Resolution

__all__ = ["Edit", "FileEdit", "Fix", "NotFixable", "Planner", "Resolution"]

# Imported when first named: a report of a cached run reads ``kslint.fix.offers`` only.
_HOMES = {"Edit": "edits", "NotFixable": "edits"} | dict.fromkeys(
    ("FileEdit", "Fix", "Planner", "Resolution"), "plan"
)


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{home}"), name)

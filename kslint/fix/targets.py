"""Which objects a fix may edit: only real source text whose edit reaches exactly them.

A fix edits a file only when the object's nodes are the text a person edits. That is
decided in two steps:

- ``object_refusal``: the guards in ``GUARDS``, each ``(obj) -> reason or None``. Standard
  input is never written.
- ``file_refusal``: the file on disk must hold exactly the text the object was read from.
  Objects read from rendered output carry the rendered text, which no file holds, so
  they are refused here even without a guard of their own; so is a file that changed
  since it was linted.

A finding that the render stage moved from rendered output to the source node a person
edits is planned by ``kslint.fix.rendered`` (the planner's ``Scope``): on the document read
from that source file, and only where the edit reaches exactly the flagged object (not a
base other units share, not a path an overlay sets).

Inside a file, ``kslint.fix.plan`` also refuses nodes that a YAML alias or merge key
shares with other places (an edit there would reach more than the flagged object).
"""

from __future__ import annotations

import codecs
from collections.abc import Callable

from kslint.objects import K8sObject, SourceFile

STDIN = "<stdin>"

Guard = Callable[[K8sObject], "str | None"]


def _stdin(obj: K8sObject) -> str | None:
    if obj.file.path == STDIN:
        return "standard input is never written (run kslint fix on the file)"
    return None


GUARDS: list[Guard] = [_stdin]


def register_guard(guard: Guard) -> Guard:
    """Add a guard (usable as a decorator); it runs for every object a fix would edit."""
    GUARDS.append(guard)
    return guard


def object_refusal(obj: K8sObject) -> str | None:
    for guard in GUARDS:
        reason = guard(obj)
        if reason is not None:
            return reason
    return None


_OTHER_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def decode(data: bytes) -> tuple[str, bytes] | str:
    """``(text, byte-order mark)`` of a UTF-8 file, or why it cannot be fixed."""
    bom = codecs.BOM_UTF8 if data.startswith(codecs.BOM_UTF8) else b""
    if not bom and data.startswith(_OTHER_BOMS):
        return "only UTF-8 files are fixed (this one is UTF-16 or UTF-32)"
    try:
        return data[len(bom) :].decode("utf-8"), bom
    except UnicodeDecodeError:
        return "the file is not UTF-8 text"


def file_refusal(file: SourceFile, data: bytes | None) -> str | None:
    """Why the bytes ``data`` (the file as it is now; None: unreadable) cannot be edited
    for objects loaded from ``file``."""
    if data is None:
        return f"{file.path} is not a file kslint can write"
    decoded = decode(data)
    if isinstance(decoded, str):
        return decoded
    if decoded[0] != file.text:
        return f"{file.path} does not hold the text this object was read from (rendered or changed)"
    return None

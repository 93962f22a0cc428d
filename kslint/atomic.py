"""Writing output files all together: each to a temporary name beside it, then every one
moved into place at the end.

A run that is interrupted (Ctrl-C) or fails while writing leaves every earlier file as it
was: never some reports new and others half-written or missing.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path


def _mode(target: Path) -> int:
    """The target's own permissions when it exists, else what the umask gives a new file
    (``mkstemp`` would leave 0600)."""
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def write_all(outputs: Sequence[tuple[Path, str | Iterable[str]]]) -> None:
    """Write each ``(target, text)`` as UTF-8, ``text`` whole or in pieces (a report made
    as it is written: never held whole). Raises ``OSError`` (its ``filename`` the
    target) when one cannot be written; then none is changed, also when making the
    pieces raises."""
    temporary: list[tuple[str, Path]] = []
    try:
        for target, text in outputs:
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                handle, name = tempfile.mkstemp(
                    dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"
                )
                temporary.append((name, target))
                with os.fdopen(handle, "w", encoding="utf-8") as stream:
                    for piece in [text] if isinstance(text, str) else text:
                        stream.write(piece)
                os.chmod(name, _mode(target))
            except OSError as exc:
                exc.filename = str(target)
                raise
        for name, target in temporary:
            os.replace(name, target)
        temporary.clear()
    finally:
        for name, _ in temporary:
            with contextlib.suppress(OSError):
                os.unlink(name)

"""Where kslint's own data lives: ``rules/`` and ``schemas/``."""

from __future__ import annotations

from pathlib import Path


def data_dir(name: str) -> Path:
    """``rules`` or ``schemas``: packaged inside the wheel, or beside the source tree."""
    packaged = Path(__file__).parent / "_data" / name
    return packaged if packaged.is_dir() else Path(__file__).parent.parent / name

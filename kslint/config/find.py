"""Finding the configuration file.

The file is ``.kslint.yaml`` (or ``.kslint.yml``, or ``[tool.kslint]`` in ``pyproject.toml``),
looked up from the working directory upward to the repository root (the directory holding
``.git``); outside a repository only the working directory is searched.
"""

from __future__ import annotations

import re
from pathlib import Path

from kslint.config.settings import CONFIG_NAMES, PYPROJECT


def repository_root(start: Path) -> Path | None:
    """The nearest directory at or above ``start`` holding ``.git``."""
    for directory in (start, *start.parents):
        if (directory / ".git").exists():
            return directory
    return None


def find_config(start: Path | None = None) -> Path | None:
    """The configuration file for a run started in ``start`` (default: the working
    directory), searching upward to the repository root."""
    start = (start or Path.cwd()).resolve()
    top = repository_root(start)
    directories = [start] if top is None else [start, *start.parents]
    for directory in directories:
        for name in CONFIG_NAMES:
            candidate = directory / name
            if candidate.is_file():
                return candidate
        pyproject = directory / PYPROJECT
        if pyproject.is_file() and _has_tool_table(pyproject):
            return pyproject
        if directory == top:
            break
    return None


def _has_tool_table(path: Path) -> bool:
    try:
        # Not strict about UTF-8: a file with a bad byte and a [tool.kslint] table is
        # still the configuration, and reading it reports the byte.
        text = path.read_bytes().decode("utf-8", "replace")
    except OSError:
        return False
    return re.search(r"^\s*\[\[?\s*tool\.kslint\s*[\].]", text, re.MULTILINE) is not None

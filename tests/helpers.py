"""Helpers shared by the test modules: running kslint as a subprocess, and writing a small
project to disk.

Test modules import them as ``from helpers import ...``: pytest's default ("prepend")
import mode puts this folder on ``sys.path``, also when a single test file is run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any


def run_kslint(
    *args: str,
    cwd: Path,
    stdin: str | bytes | None = None,
    env: dict[str, str] | None = None,
    text: bool = True,
    no_color: bool = True,
    inherit_env: bool = True,
    timeout: float = 120,
) -> subprocess.CompletedProcess:
    """``python -m kslint *args`` in ``cwd``, its output captured, never raising on exit codes.

    The environment is this process's (or nothing, with ``inherit_env=False``), then
    ``NO_COLOR=1`` (unless ``no_color=False``), then ``env``.

    Text mode (the default): stdout and stderr are ``str``; the child writes UTF-8
    (``PYTHONIOENCODING``, which ``env`` may override) and it is read as UTF-8. With
    ``text=False``, or when ``stdin`` is ``bytes``, output is ``bytes`` and the environment gets
    no encoding setting; a ``str`` stdin is then sent UTF-8 encoded.
    """
    binary = not text or isinstance(stdin, bytes)
    environment = dict(os.environ) if inherit_env else {}
    if no_color:
        environment["NO_COLOR"] = "1"
    if not binary:
        environment["PYTHONIOENCODING"] = "utf-8"
    environment.update(env or {})
    data = stdin.encode() if binary and isinstance(stdin, str) else stdin
    return subprocess.run(
        [sys.executable, "-m", "kslint", *args],
        cwd=cwd,
        input=data,
        capture_output=True,
        text=not binary,
        encoding=None if binary else "utf-8",
        env=environment,
        timeout=timeout,
    )


def lint_json(*args: str, cwd: Path) -> dict[str, Any]:
    """The JSON report of ``kslint lint --format json --fail-on never *args``, which must exit 0."""
    result = run_kslint("lint", "--format", "json", "--fail-on", "never", *args, cwd=cwd)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def write_files(root: Path, files: dict[str, str]) -> Path:
    """Write ``{relative path: text}`` below ``root`` (UTF-8, each text dedented, folders
    made as needed) and return ``root``."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def write_repo(root: Path, files: dict[str, str]) -> Path:
    """``write_files`` in a directory marked as a repository root by an empty ``.git``
    folder (not a real git repository): kslint's configuration search stops there."""
    (root / ".git").mkdir(parents=True, exist_ok=True)
    return write_files(root, files)

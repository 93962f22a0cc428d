"""Helpers shared by the test modules: running kslint as a subprocess, writing a small
project to disk, and linting manifests in-process for the rule tests (``tests/rules/``).

Test modules import them as ``from helpers import ...``: ``tests/conftest.py`` puts this
folder on ``sys.path``, also for sub-folders and when a single test file is run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

from kslint.engine import run_checks
from kslint.findings import Finding
from kslint.graph import Graph
from kslint.loader import Source, load_sources
from kslint.options import RuleOptions
from kslint.pipeline import LintResult, lint_texts
from kslint.ruleset import RuleSet


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


# ---------------------------------------------------------------------------------------
# In-process linting, for the rule tests. Manifest ``i`` is the file ``doc{i}.yaml``.


# The rules of family ``binding`` (claims, volumes, classes and selectors): near-miss tests
# of one of them assert that none of them fires, a rule added to the family included.
BINDING_RULES = frozenset(
    meta.id for meta in RuleSet.builtin().catalog.values() if meta.family == "binding"
)

# The rules that judge what a database image does with its data.
DATABASE_RULES = frozenset(
    {
        "database-without-persistent-storage",
        "stateful-image-in-deployment",
        "stateful-claim-delete-reclaim",
    }
)


def lint_manifests(*texts: str) -> LintResult:
    """Every rule over the manifests (each dedented), as ``kslint lint`` runs them; a rule
    that crashed (an ``internal-error`` finding) fails the test."""
    result = lint_texts([(f"doc{i}.yaml", textwrap.dedent(t)) for i, t in enumerate(texts)])
    crashes = [f for f in result.findings if f.rule == "internal-error"]
    assert not crashes, crashes
    return result


def rules_found(*texts: str) -> set[str]:
    """The rule ids of every finding of ``lint_manifests``."""
    return {finding.rule for finding in lint_manifests(*texts).findings}


def rule_findings(rule_id: str, *texts: str) -> list[Finding]:
    """The findings of one rule among those of ``lint_manifests``."""
    return [f for f in lint_manifests(*texts).findings if f.rule == rule_id]


def binding_positions(*texts: str) -> list[tuple[str, int, int]]:
    """(rule, line, column) of every finding of a ``BINDING_RULES`` rule."""
    return [
        (f.rule, f.span.line, f.span.column)
        for f in lint_manifests(*texts).findings
        if f.rule in BINDING_RULES
    ]


def graph_of(*texts: str, **options: Any) -> Graph:
    """The graph of the manifests (not dedented); ``options``: ``RuleOptions`` fields."""
    loaded = load_sources(Source(f"doc{i}.yaml", t.encode()) for i, t in enumerate(texts))
    return Graph(loaded.objects, RuleOptions(**options))


def run_check(rule_id: str, *texts: str, **options: Any) -> list[Finding]:
    """The findings of one rule's check alone on ``graph_of(*texts, **options)``: rule
    options without a configuration file, and no other stage (schema, suppression)."""
    graph = graph_of(*texts, **options)
    builtin = RuleSet.builtin()
    found = run_checks(graph, [builtin.checks[rule_id]], builtin.catalog)
    return [f for f in found if f.rule == rule_id]

"""The whole run, stage by stage: discover, load, graph, engine, then the report's input.

The CLI is a thin layer over ``lint``; tests and other tools can call it directly.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from kslint.discover import discover
from kslint.engine import apply_defaults, run_checks
from kslint.findings import Finding
from kslint.graph import Graph
from kslint.load import LoadResult, load_sources
from kslint.objects import SourceFile
from kslint.rules import catalog, checks


@dataclass
class LintOptions:
    paths: list[str] = field(default_factory=lambda: ["."])
    exclude: list[str] = field(default_factory=list)
    namespace: str = "default"
    debug: bool = False


@dataclass
class LintResult:
    findings: list[Finding]
    files: list[SourceFile]
    documents: int
    objects: int
    skipped: int
    graph: Graph | None = None
    # Findings the policy layer suppressed, each with the reason (annotation, config,
    # baseline). Not in ``findings`` and never part of the gate; reports may show them
    # (SARIF ``suppressions``) when the user asks with --show-suppressed.
    suppressed: list[tuple[Finding, str]] = field(default_factory=list)

    @property
    def sources(self) -> dict[str, SourceFile]:
        return {file.path: file for file in self.files}


def lint(options: LintOptions, stdin: Any = None) -> LintResult:
    """Run every built-in rule over the inputs. Raises ``UsageError`` for a bad path."""
    discovery = discover(options.paths, options.exclude, stdin=stdin)
    loaded = load_sources(discovery.sources, options.namespace)
    loaded.skipped += len(discovery.patch_fragments)
    return lint_loaded(loaded, options)


def lint_loaded(loaded: LoadResult, options: LintOptions) -> LintResult:
    rules = catalog()
    graph = Graph(loaded.objects)
    findings = run_checks(graph, checks().values(), rules, debug=options.debug)
    findings += [apply_defaults(finding, rules) for finding in loaded.findings]
    for finding in findings:  # input order must not show through
        finding.related.sort(key=lambda r: (r.file, r.span.line, r.span.column, r.message))
    findings.sort(key=lambda finding: finding.sort_key)
    return LintResult(
        findings=findings,
        files=loaded.files,
        documents=loaded.documents,
        objects=len(loaded.objects),
        skipped=loaded.skipped,
        graph=graph,
    )


def lint_texts(texts: Iterable[tuple[str, str]], namespace: str = "default") -> LintResult:
    """Lint in-memory manifests (``(path, text)`` pairs): used by rule example tests."""
    from kslint.load import Source

    loaded = load_sources((Source(path, text.encode()) for path, text in texts), namespace)
    return lint_loaded(loaded, LintOptions(paths=[], namespace=namespace))

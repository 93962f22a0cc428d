"""The whole run, stage by stage: discover, load, graph, engine, then the report's input.

The CLI is a thin layer over ``lint``; tests and other tools can call it directly.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from kslint.api_schemas import SchemaReport
from kslint.api_schemas import validate as validate_schemas
from kslint.api_schemas.kinds import is_unknown_kind
from kslint.baseline import Baseline, BaselineState
from kslint.config import Config
from kslint.discover import Limits, discover, only_context, with_context
from kslint.engine import apply_defaults, run_checks
from kslint.findings import Finding, Suppression
from kslint.graph import Graph
from kslint.loader import LoadResult, Source, load_sources
from kslint.objects import SourceFile
from kslint.ruleset import RuleSet
from kslint.suppress import SuppressionStage, enabled_checks


@dataclass
class LintOptions:
    paths: list[str] = field(default_factory=lambda: ["."])
    exclude: list[str] = field(default_factory=list)
    namespace: str = "default"
    debug: bool = False
    # The effective configuration (kslint.config.resolve): None behaves like no file.
    config: Config | None = None
    # The rules the run uses (kslint.config.resolve builds it with the policies in use);
    # None: the built-in rules.
    rules: RuleSet | None = None
    baseline: Baseline | None = None  # --baseline: report only findings not listed in it
    # Schema stage: target Kubernetes minor versions ("1.36", "1.31,1.34" or a list; None:
    # the newest bundled) and folders of extra JSON Schemas (--schema-dir).
    kubernetes_version: str | list[str] | None = None
    schema_dirs: list[str] = field(default_factory=list)
    # --context: files and folders loaded only as context (a kubectl dump of the cluster):
    # never linted, even when the paths to lint cover them; their objects get no findings.
    context: list[str] = field(default_factory=list)
    # What the run may read (bytes, documents), and whether symlinks that leave the
    # directory walked are followed (kslint.discover).
    limits: Limits = field(default_factory=Limits)
    follow_symlinks: bool = False


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
    suppressed: list[Suppression] = field(default_factory=list)
    baseline: BaselineState | None = None  # how many findings --baseline hid, how many gone
    baselined: list[Finding] = field(default_factory=list)  # the findings it hid
    schema: SchemaReport | None = None  # target version, kinds that had no schema
    # The rules the run used: reports read rule metadata from it.
    rules: RuleSet = field(default_factory=RuleSet.builtin)
    # Symlinks not followed because their target is outside the directory walked.
    outside_links: list[str] = field(default_factory=list)
    # Every file the run read, context included: reports may not be written onto them.
    inputs: list[str] = field(default_factory=list)

    @property
    def sources(self) -> dict[str, SourceFile]:
        return {file.path: file for file in self.files}


def lint(options: LintOptions, stdin: Any = None) -> LintResult:
    """Run every built-in rule over the inputs. Raises ``UsageError`` for a bad path."""
    inputs = read_inputs(options, stdin)
    limit = options.limits.max_documents
    loaded = load_sources(inputs.sources, options.namespace, limit)
    loaded.skipped += inputs.fragments
    _release(inputs.sources)
    context = None
    if inputs.context:  # the context shares the run's document budget
        left = max(limit - loaded.documents, 0)
        context = load_sources(inputs.context, options.namespace, left)
        _release(inputs.context)
    options = _with_dumped_classes(options, context, inputs.only)
    result = lint_loaded(loaded, options, context)
    # Objects loaded only as context never get findings, even ones that name a linted
    # file as related: what is in the cluster is not the repository's to fix.
    if inputs.only:
        result.findings = [f for f in result.findings if f.file not in inputs.only]
    result.outside_links = inputs.outside_links
    result.inputs = inputs.paths
    return result


def _with_dumped_classes(
    options: LintOptions, context: LoadResult | None, only: set[str]
) -> LintOptions:
    """A dump of the cluster's StorageClasses (context only) lists all of them: they are
    the cluster's declared classes, as the ``cluster.storage_classes`` setting says."""
    classes = [
        obj.name
        for obj in (context.objects if context else [])
        if obj.kind == "StorageClass" and obj.file.path in only
    ]
    if not classes:
        return options
    return replace(options, config=(options.config or Config()).with_cluster_classes(classes))


@dataclass
class Inputs:
    """What a run reads: the files to lint, the project context, the patch fragments."""

    sources: list[Source]
    context: list[Source]
    fragments: int
    only: set[str] = field(default_factory=set)  # context files that are never linted
    # Symlinks not followed (their target is outside the directory walked), and the path
    # of every file read (reports may not be written onto them).
    outside_links: list[str] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)


def read_inputs(options: LintOptions, stdin: Any = None) -> Inputs:
    """Discover and read the inputs (``kslint fix`` lints them again after each edit)."""
    config = options.config
    path_filter = config.path_filter() if config is not None else None
    limits, follow = options.limits, options.follow_symlinks
    discovery = discover(
        options.paths,
        options.exclude,
        stdin=stdin,
        path_filter=path_filter,
        limits=limits,
        follow_symlinks=follow,
    )
    named = [*options.context, *(config.context_files() if config is not None else [])]
    context_sources = only_context(discovery, named, options.exclude)
    only = {source.path for source in context_sources}
    if config is not None and config.path is not None:
        # Pre-commit passes only changed files: load the project as context for references.
        context_paths, context_filter = config.context_paths()
        project = with_context(
            discovery,
            context_paths,
            options.exclude,
            context_filter,
            limits=limits,
            follow_symlinks=follow,
        )
        context_sources += [source for source in project if source.path not in only]
    return Inputs(
        discovery.sources,
        context_sources,
        len(discovery.patch_fragments),
        only,
        outside_links=discovery.outside_links,
        paths=[
            *discovery.patch_fragments,
            *(source.path for source in [*discovery.sources, *context_sources]),
        ],
    )


def _release(sources: Iterable[Source]) -> None:
    """Drop the bytes read once they are loaded: the loaded text stays (for excerpts)."""
    for source in sources:
        source.data = b""


def lint_loaded(
    loaded: LoadResult, options: LintOptions, context: LoadResult | None = None
) -> LintResult:
    """``context``: files loaded only to resolve references; findings are reported only
    about ``loaded`` files (or naming one of them as related)."""
    rule_set = options.rules or RuleSet.builtin()
    rules = rule_set.catalog
    policy = SuppressionStage(rule_set, options.config, options.baseline)
    rule_options = options.config.rule_options() if options.config is not None else None
    # An object of a kind its built-in group does not serve takes part in no relation; the
    # schema stage reports it (unknown-kind).
    every_object = loaded.objects + (context.objects if context else [])
    graph = Graph(
        [obj for obj in every_object if not is_unknown_kind(obj.api_version, obj.kind)],
        rule_options,
    )
    enabled = enabled_checks(policy, rule_set.checks.values())
    findings = run_checks(graph, enabled, rules, debug=options.debug)
    schema_findings, schema_report = validate_schemas(
        loaded.objects,
        options.kubernetes_version,
        options.schema_dirs,
        context=context.objects if context else (),
    )
    findings += [apply_defaults(finding, rules) for finding in schema_findings]
    findings += [apply_defaults(finding, rules) for finding in loaded.findings]
    for finding in findings:  # input order must not show through
        finding.related.sort(key=lambda r: (r.file, r.span.line, r.span.column, r.message))
    outcome = policy.apply(
        findings,
        [(obj, graph.model(obj)) for obj in every_object],  # unknown kinds' annotations too
        loaded.files + (context.files if context else []),
        targets={file.path for file in loaded.files} if context else None,
    )
    findings = outcome.findings
    findings.sort(key=lambda finding: finding.sort_key)
    return LintResult(
        findings=findings,
        files=loaded.files,
        documents=loaded.documents,
        objects=len(loaded.objects),
        skipped=loaded.skipped,
        graph=graph,
        suppressed=outcome.suppressed,
        baseline=outcome.baseline,
        baselined=outcome.baselined,
        schema=schema_report,
        rules=rule_set,
    )


def lint_texts(
    texts: Iterable[tuple[str, str]], namespace: str = "default", rules: RuleSet | None = None
) -> LintResult:
    """Lint in-memory manifests (``(path, text)`` pairs): used by rule example tests."""
    loaded = load_sources((Source(path, text.encode()) for path, text in texts), namespace)
    return lint_loaded(loaded, LintOptions(paths=[], namespace=namespace, rules=rules))

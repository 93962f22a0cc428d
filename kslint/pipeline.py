"""The whole run, stage by stage: discover, load, graph, engine, then the report's input.

The CLI is a thin layer over ``lint``; tests and other tools can call it directly.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kslint.api_schemas import SchemaReport
from kslint.api_schemas import validate as validate_schemas
from kslint.api_schemas.kinds import is_unknown_kind
from kslint.baseline import Baseline, BaselineState
from kslint.config import Config
from kslint.discover import KUSTOMIZATION_NAMES, discover, with_context
from kslint.engine import apply_defaults, run_checks
from kslint.findings import Finding, Suppression
from kslint.graph import Graph
from kslint.loader import LoadResult, Source, load_sources
from kslint.objects import K8sObject, SourceFile
from kslint.render import Renders, RenderSettings, helm_streams, render_charts, render_units
from kslint.render.sourcemap import relocate
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
    # Schema stage: target Kubernetes minor version ("1.36"; None: the newest bundled) and
    # folders of extra JSON Schemas in kubeconform's file naming (--schema-dir).
    kubernetes_version: str | None = None
    schema_dirs: list[str] = field(default_factory=list)
    # Rendering of root kustomizations and charts (mode, commands, time limit).
    render: RenderSettings = field(default_factory=RenderSettings)


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

    @property
    def sources(self) -> dict[str, SourceFile]:
        return {file.path: file for file in self.files}


def lint(options: LintOptions, stdin: Any = None) -> LintResult:
    """Run every built-in rule over the inputs. Raises ``UsageError`` for a bad path."""
    inputs = read_inputs(options, stdin)
    sources, context_sources = inputs.sources, inputs.context
    targets = {source.path for source in sources} if context_sources else None
    renders = render_stage(sources, context_sources, options)
    consumed = renders.consumed
    if consumed:  # linted through their render, not again as plain files
        sources = [s for s in sources if not _consumed(s.path, consumed)]
        context_sources = [s for s in context_sources if not _consumed(s.path, consumed)]
    loaded = load_sources(sources, options.namespace)
    loaded.skipped += inputs.fragments
    renders.units += helm_streams(loaded, options.render)
    context = load_sources(context_sources, options.namespace) if context_sources else None
    return lint_loaded(loaded, options, context, renders, targets)


@dataclass
class Inputs:
    """What a run reads: the files to lint, the project context, the patch fragments."""

    sources: list[Source]
    context: list[Source]
    fragments: int


def read_inputs(options: LintOptions, stdin: Any = None) -> Inputs:
    """Discover and read the inputs (``kslint fix`` lints them again after each edit)."""
    config = options.config
    path_filter = config.path_filter() if config is not None else None
    discovery = discover(options.paths, options.exclude, stdin=stdin, path_filter=path_filter)
    context_sources = []
    if config is not None and config.path is not None:
        # Pre-commit passes only changed files: load the project as context for references.
        context_paths, context_filter = config.context_paths()
        context_sources = with_context(discovery, context_paths, options.exclude, context_filter)
    return Inputs(discovery.sources, context_sources, len(discovery.patch_fragments))


def _related_objects(objects: list[K8sObject]) -> list[K8sObject]:
    """The objects that take part in relations (not those of unknown built-in kinds)."""
    return [obj for obj in objects if not is_unknown_kind(obj.api_version, obj.kind)]


def _consumed(shown: str, consumed: set[Path]) -> bool:
    return shown != "<stdin>" and Path(shown).resolve() in consumed


def render_stage(sources: list[Source], context: list[Source], options: LintOptions) -> Renders:
    """Render the root kustomizations among the inputs (pre-commit: those whose render
    reads a given file, found through the project context)."""
    everything = [source for source in [*sources, *context] if source.path != "<stdin>"]
    directories = [
        Path(source.path).parent
        for source in everything
        if Path(source.path).name in KUSTOMIZATION_NAMES
    ]
    changed = None
    if context:
        changed = {Path(s.path).resolve() for s in sources if s.path != "<stdin>"}
    renders = render_units(directories, options.render, changed) if directories else Renders()
    templates = [Path(source.path) for source in everything if source.chart_template]
    if templates:
        charts = render_charts(templates, options.render)
        if changed is not None:  # pre-commit: only the charts a changed file belongs to
            charts.units = [unit for unit in charts.units if unit.consumed & changed]
        renders.units += charts.units
        renders.skipped |= charts.skipped
    return renders


def lint_loaded(
    loaded: LoadResult,
    options: LintOptions,
    context: LoadResult | None = None,
    renders: Renders | None = None,
    targets: set[str] | None = None,
) -> LintResult:
    """``context``: files loaded only to resolve references; findings are reported only
    about ``targets`` (default: the ``loaded`` files), or naming one of them as related.
    ``renders``: rendered units, each linted on its own (relations stay inside a unit)."""
    rule_set = options.rules or RuleSet.builtin()
    rules = rule_set.catalog
    policy = SuppressionStage(rule_set, options.config, options.baseline)
    rule_options = options.config.rule_options() if options.config is not None else None
    # An object of a kind its built-in group does not serve takes part in no relation; the
    # schema stage reports it (unknown-kind).
    context_objects = context.objects if context else []
    every_object = loaded.objects + context_objects
    graph = Graph(_related_objects(every_object), rule_options)
    enabled = enabled_checks(policy, rule_set.checks.values())
    findings = run_checks(graph, enabled, rules, debug=options.debug)
    schema_findings, schema_report = validate_schemas(
        loaded.objects,
        options.kubernetes_version,
        options.schema_dirs,
        context=context_objects,
    )
    findings += [apply_defaults(finding, rules) for finding in schema_findings]
    findings += [apply_defaults(finding, rules) for finding in loaded.findings]
    # unknown kinds' annotations too
    objects = [(obj, graph.model(obj)) for obj in every_object]
    rendered = renders or Renders()
    for unit in rendered.units:
        unit_graph = Graph(_related_objects(unit.loaded.objects + context_objects), rule_options)
        unit_findings = run_checks(unit_graph, enabled, rules, debug=options.debug)
        unit_schema, _ = validate_schemas(
            unit.loaded.objects,
            options.kubernetes_version,
            options.schema_dirs,
            context=context_objects,
        )
        unit_findings += unit_schema + unit.loaded.findings + unit.findings
        findings += [apply_defaults(finding, rules) for finding in unit_findings]
        objects += [(obj, unit_graph.model(obj)) for obj in unit.loaded.objects]
    moved = relocate(findings, rendered.maps)
    for finding in findings:  # input order must not show through
        finding.related.sort(key=lambda r: (r.file, r.span.line, r.span.column, r.message))
    sources = list(rendered.files.files.values())
    for render_map in rendered.maps.values():
        sources += [f for f in render_map.files.values() if f not in sources]
    outcome = policy.apply(
        findings,
        objects,
        loaded.files + (context.files if context else []) + sources,
        targets=(targets if targets is not None else {f.path for f in loaded.files})
        if context
        else None,
        object_file=lambda finding: moved.get(id(finding), finding.file),
    )
    maps = rendered.maps  # unused suppressions on rendered objects are found only now
    relocate([finding for finding in outcome.findings if finding.file in maps], maps)
    findings = outcome.findings
    findings.sort(key=lambda finding: finding.sort_key)
    unit_objects = sum(len(unit.loaded.objects) for unit in rendered.units)
    return LintResult(
        findings=findings,
        files=loaded.files + sources,
        documents=loaded.documents + sum(unit.loaded.documents for unit in rendered.units),
        objects=len(loaded.objects) + unit_objects,
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

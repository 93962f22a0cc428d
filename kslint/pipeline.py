"""The whole run, stage by stage: discover, load, units, graph, engine, then the report's
input. Each deployment unit (``kslint.units``) gets its own graph, with the project
context after its own objects; findings that several units share are merged.

The CLI is a thin layer over ``lint``; tests and other tools can call it directly.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kslint.config import Config
from kslint.discover import (
    KUSTOMIZATION_NAMES,
    Limits,
    PatchMemo,
    discover,
    only_context,
    real_path,
    with_context,
)
from kslint.file_text import decode
from kslint.findings import Finding, Suppression
from kslint.loader import LoadResult, Source, building_trees, load_sources
from kslint.objects import K8sObject, SourceFile
from kslint.ruleset import RuleSet

# The stages that lint are imported by the functions that run them: a run answered from
# the content cache, which runs none, imports none of them.
if TYPE_CHECKING:
    from kslint.api_schemas import Prechecked, SchemaReport
    from kslint.baseline import Baseline, BaselineState
    from kslint.graph import Graph
    from kslint.render import Renders, RenderSettings
    from kslint.units import UnitShape
    from kslint.workers import FileOutcome, SchemaWork


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
    # Rendering of root kustomizations and charts (mode, commands, time limit).
    render: RenderSettings = field(default_factory=lambda: _render_settings())
    # The content cache (kslint.cache.Cache); None: every run starts cold.
    cache: Any = None
    # A report needs the object trees (SARIF's fixes are planned on them): a cached
    # result has none, so the run is cold (and refreshes the cache).
    needs_graph: bool = False
    # --jobs: processes for the per-file work (kslint.workers); None: the CPUs this
    # process may use, one process for small inputs.
    jobs: int | None = None


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
    # Every file the run read, context included: reports may not be written onto them
    # (``input_reals``: by real path, when known).
    inputs: list[str] = field(default_factory=list)
    input_reals: dict[str, str] | None = None
    units: list[str] = field(default_factory=list)  # the deployment units linted, by name
    # The renders whose findings were moved to source files (None: a cached result):
    # ``kslint.fix`` plans fixes for such findings in those files.
    renders: Renders | None = None
    # The content cache's key of the run (None: not cached): reports may keep what they
    # derive from the result beside it (``kslint.fix.offers``).
    cache_key: str | None = None

    @property
    def sources(self) -> dict[str, SourceFile]:
        return {file.path: file for file in self.files}


def _render_settings() -> RenderSettings:
    from kslint.render import RenderSettings

    return RenderSettings()


def lint(options: LintOptions, stdin: Any = None) -> LintResult:
    """Run every built-in rule over the inputs. Raises ``UsageError`` for a bad path."""
    ahead = _may_need_workers(options)
    if ahead:
        from kslint.workers import reserve

        reserve(options.jobs)  # workers forked before the inputs are read (kslint.workers)
    try:
        with building_trees():  # the inputs read hold no cycles and live to the end
            inputs = read_inputs(options, stdin)
        if options.cache is not None and options.cache.enabled:
            renders = _render_inputs(inputs, options)
            if renders is not None:
                return _lint_cached(inputs, options, renders)
        return _lint_inputs(inputs, options)
    finally:
        if ahead:
            from kslint.workers import dismiss

            dismiss()


def _may_need_workers(options: LintOptions) -> bool:
    """Whether the run may load many files itself: not when the content cache holds a
    run of this very build (a warm run loads nothing; after an edit, the unchanged files'
    results are in the cache). Workers are then forked only if a run finds it needs them."""
    cache = options.cache
    if cache is None or not cache.enabled:
        return True
    from kslint.cache import build_id

    return not cache.filled_by(build_id())


def _render_inputs(inputs: Inputs, options: LintOptions) -> str | None:
    """What the run's renders would read (a base in another folder, the renderer's
    version: ``kslint.render.inputs``), "" when it renders nothing; None when that
    cannot be told, and the run is not cached."""
    if options.render.mode == "never":
        return ""
    directories, templates = _render_roots([*inputs.sources, *inputs.context])
    if not directories and not templates:
        return ""
    from kslint.render.inputs import describe

    return describe(directories, templates, options.render, inputs.known_kustomizations)


def _lint_inputs(inputs: Inputs, options: LintOptions) -> LintResult:
    return lint_rendered(inputs, options)[0]


def lint_rendered(inputs: Inputs, options: LintOptions) -> tuple[LintResult, Renders]:
    """Lint ``inputs`` as ``lint`` does (renders included, never the cache), and give the
    renders too: ``kslint fix`` plans fixes in the source files they consumed."""
    from kslint.render import helm_streams
    from kslint.workers import SchemaWork, dismiss, jobs_for

    sources, context_sources = inputs.sources, inputs.context
    renders = render_stage(sources, context_sources, options, inputs.known_kustomizations)
    consumed = renders.consumed  # computed once: a union over every unit
    if consumed:  # linted through their render, not again as plain files
        sources = [s for s in sources if not _consumed(s.path, consumed)]
        context_sources = [s for s in context_sources if not _consumed(s.path, consumed)]
    limit = options.limits.max_documents
    schema = SchemaWork(options.kubernetes_version, tuple(options.schema_dirs))
    jobs = jobs_for(options.jobs, [*sources, *context_sources])
    loaded, prechecked = _load(sources, options, limit, jobs, schema)
    loaded.skipped += inputs.fragments
    renders.units += helm_streams(loaded, options.render)
    _release(sources)
    context = None
    if context_sources:  # the context shares the run's document budget
        left = max(limit - loaded.documents, 0)
        context, _ = _load(context_sources, options, left, jobs, None)
        _release(context_sources)
    dismiss()  # the per-file work is done: the workers' memory is given back now
    options = _with_dumped_classes(options, context, inputs.only)
    targets = {source.path for source in inputs.sources} if inputs.context else None
    result = lint_loaded(
        loaded, options, context, renders=renders, targets=targets, prechecked=prechecked
    )
    # Objects loaded only as context never get findings, even ones that name a linted
    # file as related: what is in the cluster is not the repository's to fix.
    if inputs.only:
        result.findings = [f for f in result.findings if f.file not in inputs.only]
    result.outside_links = inputs.outside_links
    result.inputs = inputs.paths
    result.input_reals = inputs.reals
    result.renders = renders
    return result, renders


def _load(
    sources: list[Source], options: LintOptions, limit: int, jobs: int, schema: SchemaWork | None
) -> tuple[LoadResult, dict[int, Prechecked]]:
    """The sources loaded (in ``jobs`` processes), each unchanged file's result taken
    from the content cache's per-file entries when the run has a cache."""
    from kslint.workers import jobs_for, load_each, load_one, load_parallel

    cache, file_limit = options.cache, options.limits.max_file_bytes
    if cache is not None and cache.enabled and sources:
        from kslint import cached_run

        # Cache entries store every node's position: CRD schemas keep theirs.
        kept = replace(schema, release=False) if schema is not None else None

        def each(misses: list[Source]) -> Iterable[FileOutcome]:
            # A file too big for a per-file entry gets no schema pre-check either: kept
            # per object until validation, its results would only take memory.
            big = {i for i, source in enumerate(misses) if cached_run.too_big(len(source.data))}
            cached = [source for i, source in enumerate(misses) if i not in big]
            jobs = jobs_for(options.jobs, cached)
            found = iter(load_each(cached, options.namespace, limit, jobs, kept, file_limit))
            for index, source in enumerate(misses):
                if index in big:
                    yield load_one(source, options.namespace, limit, None, file_limit)
                else:
                    yield next(found)

        limits = (limit, file_limit)
        found = cached_run.load_cached(cache, sources, options.namespace, limits, kept, each, _text)
        if found is not None:
            return found
    return load_parallel(sources, options.namespace, limit, jobs, schema, file_limit)


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
    # Kustomizations discovery parsed, by real path (``Discovery.kustomizations``).
    kustomizations: dict[str, Any] = field(default_factory=dict)
    reals: dict[str, str] = field(default_factory=dict)  # ``Discovery.reals``

    @cached_property
    def known_kustomizations(self) -> dict[Path, tuple[bytes, Any]]:
        """The kustomization files discovery read (by resolved path), each with the
        document discovery parsed (None: not parsed there): the render stage and the
        cache key neither read nor parse them again. Worked out once, while the bytes
        are still there (before loading drops them)."""
        known = {}
        for source in [*self.sources, *self.context]:
            if source.path == "<stdin>" or source.error is not None:
                continue
            if Path(source.path).name in KUSTOMIZATION_NAMES:
                real = real_path(source.path)
                known[Path(real)] = (source.data, self.kustomizations.get(real))
        return known


def read_inputs(options: LintOptions, stdin: Any = None) -> Inputs:
    """Discover and read the inputs (``kslint fix`` lints them again after each edit)."""
    config = options.config
    path_filter = config.path_filter() if config is not None else None
    limits, follow = options.limits, options.follow_symlinks
    memo = _patch_memo(options.cache)
    discovery = discover(
        options.paths,
        options.exclude,
        stdin=stdin,
        path_filter=path_filter,
        limits=limits,
        follow_symlinks=follow,
        patch_memo=memo,
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
            patch_memo=memo,
        )
        context_sources += [source for source in project if source.path not in only]
    _keep_patch_memo(options.cache, memo)
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
        kustomizations=discovery.kustomizations,
        reals=discovery.reals,
    )


def _patch_memo(cache: Any) -> PatchMemo | None:
    """What earlier runs found kustomizations name as patches (``PatchMemo``), from the
    content cache; None when the run has no cache."""
    if cache is None or not cache.enabled:
        return None
    from kslint.cache import build_id

    known = cache.get(PATCHES, _patch_memo_key(build_id()))
    valid = isinstance(known, dict) and all(
        isinstance(targets, list) and all(isinstance(t, str) for t in targets)
        for targets in known.values()
    )
    return PatchMemo(known if valid else None)


def _keep_patch_memo(cache: Any, memo: PatchMemo | None) -> None:
    """Store the memo when the run parsed a kustomization (or no longer needs some)."""
    if memo is None or not (memo.changed or len(memo.used) < len(memo.known)):
        return
    from kslint.cache import build_id

    cache.put(PATCHES, _patch_memo_key(build_id()), memo.used)


def _patch_memo_key(build: str) -> str:
    import hashlib

    return hashlib.sha256(f"{build}\0patch files".encode()).hexdigest()


PATCHES = "patches"  # the cache kind of the patch memo


def _release(sources: Iterable[Source]) -> None:
    """Drop the bytes read once they are loaded: the loaded text stays (for excerpts)."""
    for source in sources:
        source.data = b""


def _consumed(shown: str, consumed: set[Path]) -> bool:
    return shown != "<stdin>" and Path(real_path(shown)) in consumed


def _render_roots(sources: list[Source]) -> tuple[list[Path], list[Path]]:
    """The folders of the kustomizations and the chart templates among ``sources``:
    what the render stage renders (and the cache key describes)."""
    files = [source for source in sources if source.path != "<stdin>"]
    directories = [
        Path(source.path).parent
        for source in files
        if Path(source.path).name in KUSTOMIZATION_NAMES
    ]
    return directories, [Path(source.path) for source in files if source.chart_template]


def render_stage(
    sources: list[Source],
    context: list[Source],
    options: LintOptions,
    known: Mapping[Path, tuple[bytes, Any]] | None = None,
) -> Renders:
    """Render the root kustomizations among the inputs (pre-commit: those whose render
    reads a given file, found through the project context). ``known``: the kustomization
    files the run read (``Inputs.known_kustomizations``)."""
    from kslint.api_schemas.kinds import builtin_groups
    from kslint.render import Renders, render_charts, render_units

    directories, templates = _render_roots([*sources, *context])
    changed = None
    if context:
        # real_path, not Path.resolve: a symlink loop among the changed files is an
        # unreadable input (reported by the loader), not a crash here.
        changed = {Path(real_path(s.path)) for s in sources if s.path != "<stdin>"}
    renders = Renders()
    # A render's output is an input: the run's limits apply, after what discovery read.
    spent = sum(len(source.data) for source in [*sources, *context])
    settings = replace(
        options.render, limits=options.limits, spent=spent, schema_groups=builtin_groups()
    )
    if directories:
        renders = render_units(directories, settings, changed, known)
    if templates:
        charts = render_charts(templates, replace(settings, spent=spent + renders.read_bytes))
        if changed is not None:  # pre-commit: only the charts a changed file belongs to
            charts.units = [unit for unit in charts.units if unit.consumed & changed]
        renders.units += charts.units
        renders.skipped |= charts.skipped
    return renders


def _lint_cached(inputs: Inputs, options: LintOptions, renders: str) -> LintResult:
    """The cached result of a run with the same inputs, settings and render inputs
    (``renders``), else a cold run whose result is stored (kslint.cache)."""
    from kslint import cached_run
    from kslint.cache import build_id

    rules = options.rules or RuleSet.builtin()
    key = cached_run.run_key(
        options,
        inputs.sources,
        inputs.context,
        f"{inputs.fragments}\0{sorted(inputs.only)}\0{inputs.outside_links}\0{renders}",
    )
    if key is not None and not options.needs_graph:
        with building_trees():  # the entry's findings and files: no cycles either
            entry = options.cache.get(cached_run.RUN, key)
            fields = _from_entry(entry, inputs, rules)
        if fields is not None:
            return LintResult(
                **fields,
                outside_links=inputs.outside_links,
                inputs=inputs.paths,
                input_reals=inputs.reals,
                cache_key=key,
            )
    result = _lint_inputs(inputs, options)
    result.cache_key = key
    if key is not None:
        data = cached_run.to_entry(result, {source.path for source in inputs.sources})
        if data is not None:
            options.cache.put(cached_run.RUN, key, data)
            options.cache.stamp(build_id())
    return result


def _from_entry(entry: Any, inputs: Inputs, rules: RuleSet) -> dict[str, Any] | None:
    """A run entry as ``LintResult`` arguments; None when there is none, or when it is a
    well-signed entry of another shape (the run is then made cold, and rewrites it)."""
    if entry is None:
        return None
    from kslint import cached_run

    try:
        return cached_run.from_entry(entry, inputs.sources, rules, _decoded)
    except (KeyError, TypeError, ValueError, IndexError):
        return None


def _text(source: Source) -> str:
    """A source's text as the loader decoded it (excerpts of a cached result)."""
    return _decoded(source.data)


def _decoded(data: bytes) -> str:
    return decode(data)[0] or ""


def lint_loaded(
    loaded: LoadResult,
    options: LintOptions,
    context: LoadResult | None = None,
    rendered: Sequence[UnitShape] = (),
    *,
    renders: Renders | None = None,
    targets: set[str] | None = None,
    prechecked: Mapping[int, Prechecked] | None = None,
) -> LintResult:
    """Lint ``loaded`` (plain files), the ``renders``' units and other ``rendered`` units,
    unit by unit.

    ``context``: files loaded only to resolve references; findings are reported only
    about ``targets`` (default: the plain files), or naming one of them as related.
    ``prechecked``: schema work the loading workers did (``kslint.workers``).
    Findings in rendered output are moved to their source nodes (the renders' source maps,
    ``kslint.render.sourcemap``) before findings that several units share are merged."""
    from kslint.api_schemas import validate as validate_schemas
    from kslint.engine import apply_defaults, run_checks
    from kslint.graph import Graph
    from kslint.render import Renders
    from kslint.render.sourcemap import relocate as relocate_rendered
    from kslint.suppress import SuppressionStage, enabled_checks
    from kslint.units import (
        PLAIN,
        copied_identities,
        first_definitions,
        merge,
        plain_units,
        scope_copies,
    )

    rule_set = options.rules or RuleSet.builtin()
    rules = rule_set.catalog
    config = options.config
    policy = SuppressionStage(rule_set, config, options.baseline)
    rule_options = config.rule_options() if config is not None else None
    globs, root = (config.units, config.root) if config is not None else ((), None)
    renders = renders or Renders()
    _carry_origins(renders)
    units: list[UnitShape] = [*plain_units(loaded, globs, root), *renders.units, *rendered]
    context_objects, _ = first_definitions(context.objects) if context else ([], [])
    context_objects = _related_kinds(context_objects)
    enabled = enabled_checks(policy, rule_set.checks.values())
    per_unit: list[tuple[str, list[Finding]]] = []
    graphs: list[Graph] = []
    for unit in units:
        objects, duplicates = first_definitions(unit.objects, unit.rendered)
        graph = Graph(_related_kinds(objects), rule_options, context=context_objects)
        graphs.append(graph)
        found = run_checks(graph, enabled, rules, debug=options.debug)
        found += [apply_defaults(finding, rules) for finding in duplicates + unit.findings]
        per_unit.append((unit.name, found))
    all_objects = [obj for unit in units for obj in unit.objects]
    schema_findings, schema_report = validate_schemas(
        all_objects,
        options.kubernetes_version,
        options.schema_dirs,
        context=context.objects if context else (),
        prechecked=prechecked,
    )
    per_unit += _by_unit(units, [apply_defaults(f, rules) for f in schema_findings])
    moved = relocate_rendered([f for _, found in per_unit for f in found], renders.maps)
    for _, found in per_unit:
        for finding in found:  # input order must not show through
            finding.related.sort(key=lambda r: (r.file, r.span.line, r.span.column, r.message))
    copied = copied_identities([*all_objects, *context_objects])
    for _, found in per_unit:
        scope_copies(found, copied)
    findings = merge(per_unit)
    graph = (
        graphs[0]
        if len(graphs) == 1
        else Graph(_related_kinds(all_objects), rule_options, context_objects)
    )
    files, plain = _run_files(units, renders)
    outcome = policy.apply(
        findings,
        # Every object, unknown kinds and later duplicates included, for annotations
        # (a generator: one pair at a time, not a list as long as the run).
        ((obj, graph.model(obj)) for obj in [*all_objects, *(context.objects if context else [])]),
        files + (context.files if context else []),
        targets=(targets if targets is not None else {f.path for f in plain}) if context else None,
        object_file=lambda finding: moved.get(id(finding), finding.file),
    )
    maps = renders.maps  # unused suppressions on rendered objects are found only now
    relocate_rendered([finding for finding in outcome.findings if finding.file in maps], maps)
    findings = outcome.findings
    owners = _owners(units)
    for finding in findings:  # made after the units stage (unused suppressions)
        if not finding.units:
            finding.units = tuple(owners.get(finding.file, [PLAIN]))
    findings.sort(key=lambda finding: finding.sort_key)
    return LintResult(
        findings=findings,
        files=files,
        documents=loaded.documents + sum(unit.loaded.documents for unit in renders.units),
        objects=len(all_objects),
        skipped=loaded.skipped,
        graph=graph,
        suppressed=outcome.suppressed,
        baseline=outcome.baseline,
        baselined=outcome.baselined,
        schema=schema_report,
        rules=rule_set,
        units=[unit.name for unit in units],
    )


def _carry_origins(renders: Renders) -> None:
    """A rendered object keeps its pre-transform identity (``K8sObject.origin``), so a
    finding that several overlays share keys on the base's object, not on the names
    prefixes and namespaces gave it."""
    for unit in renders.units:
        for entry in unit.render_map.objects if unit.render_map else ():
            origin = getattr(entry, "origin_ref", None)
            obj = entry.obj
            if origin is not None and (origin.name, origin.namespace, origin.kind) != (
                obj.name,
                obj.namespace,
                obj.kind,
            ):
                obj.origin = origin


def _run_files(
    units: Sequence[UnitShape], renders: Renders
) -> tuple[list[SourceFile], list[SourceFile]]:
    """The run's files (a file several units consume, a base of two overlays, counted
    once; a render's files are the sources its findings point into, not its output), and
    the files of the other units (plain files, and units rendered elsewhere)."""
    by_renderer = {id(unit) for unit in renders.units}
    plain = [file for unit in units if id(unit) not in by_renderer for file in unit.files]
    sources = list(renders.files.files.values())
    for render_map in renders.maps.values():
        sources += list(render_map.files.values())
    files = list({file.path: file for file in [*plain, *sources]}.values())
    return files, plain


def _related_kinds(objects: list[K8sObject]) -> list[K8sObject]:
    """An object of a kind its built-in group does not serve takes part in no relation;
    the schema stage reports it (unknown-kind)."""
    from kslint.api_schemas.kinds import is_unknown_kind

    return [obj for obj in objects if not is_unknown_kind(obj.api_version, obj.kind)]


def _owners(units: Sequence[UnitShape]) -> dict[str, list[str]]:
    """The units that consumed each file."""
    owners: dict[str, list[str]] = {}
    for unit in units:
        for file in unit.files:
            owners.setdefault(file.path, []).append(unit.name)
    return owners


def _by_unit(
    units: Sequence[UnitShape], findings: list[Finding]
) -> list[tuple[str, list[Finding]]]:
    """Findings of a stage that ran over every unit at once, given back to the units
    whose files they are about."""
    from kslint.units import PLAIN

    owners = _owners(units)
    grouped: dict[str, list[Finding]] = {unit.name: [] for unit in units}
    for finding in findings:
        for name in owners.get(finding.file, [PLAIN]):
            grouped.setdefault(name, []).append(finding)
    return [(name, found) for name, found in grouped.items() if found]


def lint_texts(
    texts: Iterable[tuple[str, str]], namespace: str = "default", rules: RuleSet | None = None
) -> LintResult:
    """Lint in-memory manifests (``(path, text)`` pairs): used by rule example tests."""
    loaded = load_sources((Source(path, text.encode()) for path, text in texts), namespace)
    return lint_loaded(loaded, LintOptions(paths=[], namespace=namespace, rules=rules))

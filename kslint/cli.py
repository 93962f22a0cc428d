"""Command line: ``kslint lint``, ``kslint fix``, ``kslint graph``, ``kslint rules``,
``kslint explain``, ``kslint clean``.

Exit codes: 0 nothing at or above ``--fail-on``; 1 something was; 2 usage error (unknown
option, missing path, unknown rule); 3 kslint itself failed (a bug: please report it).
"""

from __future__ import annotations

import contextlib
import os
import sys
from dataclasses import replace
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from kslint import __version__

if TYPE_CHECKING:  # the CLI imports stages lazily: ``--version`` and ``--help`` stay fast
    from collections.abc import Iterable, Iterator

    from kslint.fix.run import FixRun
    from kslint.pipeline import LintOptions, LintResult
    from kslint.report import ReportContext
    from kslint.ruleset import RuleSet

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_CRASH = 0, 1, 2, 3


def _argument_help_type(self: typer.core.TyperArgument, ctx: object) -> str | None:
    """Arguments show their metavar (``PATH...``), never a Python type (``<list[str]>``):
    typer adds the type to every argument's help line, whatever its metavar."""
    return None


typer.core.TyperArgument.display_type_rich = _argument_help_type  # type: ignore[method-assign]

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    help="Lint Kubernetes manifests for the mistakes that lose data or wedge a rollout.",
)


class RenderMode(str, Enum):
    auto = "auto"
    always = "always"
    never = "never"


class FailOn(str, Enum):
    error = "error"
    warning = "warning"
    info = "info"
    never = "never"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"kslint {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    """kslint: a linter for Kubernetes manifests that hold state."""


def _fail(message: str, code: int = EXIT_USAGE) -> typer.Exit:
    typer.echo(f"kslint: {message}", err=True)
    return typer.Exit(code)


# Options several commands share (lint, fix, graph): one definition each.
Excludes = Annotated[
    list[str] | None,
    typer.Option("--exclude", metavar="GLOB", help="Glob of paths to skip (repeatable)."),
]
Namespace = Annotated[
    str | None,
    typer.Option(
        "--namespace",
        "-n",
        metavar="NAME",
        help="Namespace of objects that set none (default).",
    ),
]
ConfigFile = Annotated[
    Path | None,
    typer.Option(
        "--config",
        metavar="FILE",
        help="Use this .kslint.yaml or pyproject.toml, not a found one.",
    ),
]
NoConfig = Annotated[bool, typer.Option("--no-config", help="Ignore configuration files.")]
PolicyDirs = Annotated[
    list[Path] | None,
    typer.Option(
        "--policy-dir",
        metavar="PATH",
        help="Load every policy (rule file with `match`) in this folder or file (repeatable).",
    ),
]
Plugins = Annotated[
    list[str] | None,
    typer.Option(
        "--plugin",
        metavar="NAME",
        help="Load the Python rules of this installed plugin (entry point group kslint.rules). "
        "This runs the plugin's code (repeatable).",
    ),
]

Jobs = Annotated[
    int | None,
    typer.Option(
        "--jobs",
        "-j",
        metavar="N",
        min=1,
        help="Processes for the per-file work (default: the CPUs this process may use; "
        "one for small inputs). 1: a single process.",
    ),
]

Render = Annotated[
    RenderMode | None,
    typer.Option(
        "--render",
        metavar="MODE",
        help="Render root kustomizations and charts: auto (when the tool is available; "
        "default), always (a missing tool is an error) or never.",
    ),
]
KustomizeCommand = Annotated[
    str | None,
    typer.Option(
        "--kustomize-command",
        metavar="COMMAND",
        help="The kustomize to run, e.g. 'kustomize' or 'kubectl kustomize' (also "
        "KSLINT_KUSTOMIZE; default: kustomize on PATH, else kubectl kustomize).",
    ),
]
HelmCommand = Annotated[
    str | None,
    typer.Option(
        "--helm-command",
        metavar="COMMAND",
        help="The helm to run (also KSLINT_HELM; default: PATH).",
    ),
]
RenderTimeout = Annotated[
    float | None,
    typer.Option(
        "--render-timeout",
        min=0.1,
        metavar="SECONDS",
        help="Seconds one render may take (60).",
    ),
]


_UNITS = {"": 1, "kib": 2**10, "mib": 2**20, "gib": 2**30}


def _count(text: str, *, units: bool) -> int:
    """A limit given on the command line: a whole number of at least 1 (byte counts may
    end in KiB, MiB or GiB). Anything else is a usage error (exit 2)."""
    value = text.strip().replace("_", "")
    digits = value.rstrip("KMGiBkmgib") if units else value  # noqa: B005 (a set of letters)
    unit = value[len(digits) :].strip().lower()
    if not digits.isdigit() or unit not in _UNITS or len(digits) > 30:
        what = "a whole number of bytes (512MiB, 64KiB, 1000000)" if units else "a whole number"
        raise typer.BadParameter(f"{text!r} is not {what}")
    count = int(digits) * _UNITS[unit]
    if count < 1:
        raise typer.BadParameter("must be at least 1")
    return count


def _bytes(text: str) -> int:
    return _count(text, units=True)


def _documents(text: str) -> int:
    return _count(text, units=False)


# The run's limits (README, "Bad input"): each flag replaces limits.* of the configuration.
MaxBytes = Annotated[
    int | None,
    typer.Option(
        "--max-bytes",
        metavar="BYTES",
        parser=_bytes,
        help="Read at most this much over all files, context included (default 256MiB; "
        "limits.max_bytes).",
    ),
]
MaxDocuments = Annotated[
    int | None,
    typer.Option(
        "--max-documents",
        metavar="N",
        parser=_documents,
        help="Load at most this many YAML documents over all files (default 1000000; "
        "limits.max_documents).",
    ),
]
MaxFileBytes = Annotated[
    int | None,
    typer.Option(
        "--max-file-bytes",
        metavar="BYTES",
        parser=_bytes,
        help="Read at most this much of any one file or of standard input (default 32MiB; "
        "limits.max_file_bytes).",
    ),
]


def _limits(
    max_bytes: int | None, max_documents: int | None, max_file_bytes: int | None
) -> tuple[tuple[str, int], ...]:
    """The limits set on the command line, as ``Overrides.limits``."""
    given = {
        "max_bytes": max_bytes,
        "max_documents": max_documents,
        "max_file_bytes": max_file_bytes,
    }
    return tuple((name, value) for name, value in given.items() if value is not None)


def _rule_set(policy_dirs: list[Path] | None, plugins: list[str] | None) -> RuleSet:
    """The built-in rules plus the policies of ``--policy-dir``, ``--plugin`` and the
    configuration file's ``policies``; exit 2 listing every problem."""
    from kslint.config import ConfigError, resolve

    try:
        return resolve(policy_dirs=policy_dirs or (), plugins=plugins or ())[1]
    except ConfigError as exc:
        typer.echo("\n".join(exc.problems), err=True)
        raise _fail(f"invalid {exc.what}") from None


@app.command()
def lint(
    paths: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="PATH", help="Files or directories to lint; - reads standard input."
        ),
    ] = None,
    format: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            help="text, json, sarif, junit, github, gitlab or markdown.",
        ),
    ] = "text",
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", metavar="FILE", help="Write the report to this file."),
    ] = None,
    reports: Annotated[
        list[str] | None,
        typer.Option(
            "--report",
            metavar="FORMAT=PATH",
            help="Also write a FORMAT report to PATH (repeatable): --report sarif=kslint.sarif.",
        ),
    ] = None,
    show_suppressed: Annotated[
        bool,
        typer.Option(
            "--show-suppressed",
            help="Include suppressed findings, marked as such, in formats that can (SARIF); "
            "the text format lists them, with the reason, after the report.",
        ),
    ] = False,
    fail_on: Annotated[
        str | None,
        typer.Option(
            "--fail-on",
            metavar="error|warning|info|never",
            help="Lowest severity that makes the exit code 1 (default: warning).",
        ),
    ] = None,
    exclude: Excludes = None,
    policy_dir: PolicyDirs = None,
    plugin: Plugins = None,
    namespace: Namespace = None,
    config_file: ConfigFile = None,
    no_config: NoConfig = False,
    jobs: Jobs = None,
    select: Annotated[
        list[str] | None,
        typer.Option(
            "--select",
            metavar="RULES",
            help="Run only these rules or families (comma-separated rule ids or family ids: "
            "volumes, sharing, statefulset-service, reclaim, binding, operators, input, "
            "schema, suppression, custom; `kslint rules` lists them).",
        ),
    ] = None,
    ignore: Annotated[
        list[str] | None,
        typer.Option(
            "--ignore",
            metavar="RULES",
            help="Do not run these rules or families (comma-separated, as --select).",
        ),
    ] = None,
    severity: Annotated[
        list[str] | None,
        typer.Option(
            "--severity",
            metavar="RULE=LEVEL",
            help="Severity of a rule or family: error, warning, info or off (repeatable).",
        ),
    ] = None,
    baseline: Annotated[
        Path | None,
        typer.Option(
            "--baseline", metavar="FILE", help="Report only findings not recorded in this file."
        ),
    ] = None,
    baseline_write: Annotated[
        Path | None,
        typer.Option(
            "--baseline-write",
            metavar="FILE",
            help="Record today's findings in this file; exit 0.",
        ),
    ] = None,
    kubernetes_version: Annotated[
        str | None,
        typer.Option(
            "--kubernetes-version",
            metavar="X.Y[,X.Y...]",
            help="Validate against this Kubernetes minor version, 1.16 or later (default: "
            "newest bundled); several, comma-separated, check an upgrade in one run.",
        ),
    ] = None,
    context: Annotated[
        list[str] | None,
        typer.Option(
            "--context",
            metavar="PATH",
            help="Objects that exist elsewhere (a `kubectl get -o yaml` dump of the cluster): "
            "loaded to resolve references, never linted (repeatable).",
        ),
    ] = None,
    schema_dir: Annotated[
        list[str] | None,
        typer.Option(
            "--schema-dir",
            metavar="DIR",
            help="Folder of JSON Schemas for more kinds, named {kind}-{group}-{version}.json "
            "(repeatable).",
        ),
    ] = None,
    render: Render = None,
    kustomize_command: KustomizeCommand = None,
    helm_command: HelmCommand = None,
    render_timeout: RenderTimeout = None,
    chart_dir: Annotated[
        Path | None,
        typer.Option(
            "--chart-dir",
            metavar="DIR",
            help="The chart a Helm stream (# Source: comments) was rendered from: findings "
            "point at its templates (default: the current directory if it has a Chart.yaml).",
        ),
    ] = None,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="List the kinds that had no schema.")
    ] = False,
    debug: Annotated[
        bool, typer.Option("--debug", help="Show tracebacks of rule crashes.")
    ] = False,
    fix: Annotated[
        bool, typer.Option("--fix", help="Apply the safe fixes first, then report what is left.")
    ] = False,
    unsafe_fixes: UnsafeFixes = False,
    follow_symlinks: Annotated[
        bool,
        typer.Option(
            "--follow-symlinks",
            help="Follow symlinks whose target is outside the directory linted (default: "
            "only those inside it).",
        ),
    ] = False,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Neither read nor write the content cache.")
    ] = False,
    cache_dir: Annotated[
        Path | None,
        typer.Option(
            "--cache-dir",
            metavar="DIR",
            help="Keep the content cache here (default: .kslint_cache at the project root).",
        ),
    ] = None,
    max_bytes: MaxBytes = None,
    max_documents: MaxDocuments = None,
    max_file_bytes: MaxFileBytes = None,
) -> None:
    """Lint manifests and report each finding at its file, line and column."""
    from kslint.baseline import baseline_summary
    from kslint.errors import UsageError
    from kslint.findings import Severity
    from kslint.pipeline import lint as run_lint
    from kslint.report import ReportContext

    report_files = _report_targets(format, reports or [])
    if fail_on is not None:
        _check_choice("--fail-on", fail_on, [level.value for level in FailOn])
    _refuse_shared_targets(output, report_files, baseline_write)
    options = _lint_options(
        paths,
        exclude,
        config_file,
        no_config,
        select=select,
        ignore=ignore,
        severity=severity,
        fail_on=fail_on,
        namespace=namespace,
        limits=(max_bytes, max_documents, max_file_bytes),
        baseline=baseline,
        policy_dirs=policy_dir,
        plugins=plugin,
        kubernetes_version=kubernetes_version,
        schema_dirs=schema_dir,
        debug=debug,
    )
    options.follow_symlinks = follow_symlinks
    options.jobs = jobs
    options.context = [*options.context, *(context or [])]
    options = _with_render_settings(
        options, render, kustomize_command, helm_command, render_timeout, chart_dir
    )
    if fix or unsafe_fixes:
        _fix_before_lint(options, fix, unsafe_fixes)
    if not no_cache:
        from kslint.cache import Cache, default_dir

        options.cache = Cache(cache_dir or default_dir(), notify=lambda m: typer.echo(m, err=True))
        # Formats that read only findings and counts can be made from a cached result;
        # any other (SARIF's fixes, Markdown's graph, a new one) reads the object trees.
        from_findings = {"text", "json", "junit", "github", "gitlab"}
        options.needs_graph = not {format, *(name for name, _ in report_files)} <= from_findings
    try:
        result = run_lint(options)
        if {format, *(name for name, _ in report_files)} & {"text", "json"}:
            # They mark the findings kslint fix fixes: planned on the object trees, which
            # a cached result has not, or kept in the cache beside its entry.
            from kslint.fix.offers import prepare

            if not prepare(result, options.cache):
                result = run_lint(replace(options, needs_graph=True))
                prepare(result, options.cache)
    except UsageError as exc:
        raise _fail(str(exc)) from None
    assert options.config is not None
    gate = options.config.fail_on or FailOn.warning.value
    threshold = None if gate == FailOn.never.value else Severity.parse(gate)
    color = output is None and sys.stdout.isatty() and "NO_COLOR" not in os.environ
    # Writing a baseline records the findings and exits 0: no gate line says "failed".
    gate_on = None if baseline_write is not None else threshold
    context = ReportContext(fail_on=gate_on, color=False, show_suppressed=show_suppressed)
    written = [(target, _render(name, result, context)) for name, target in report_files]
    report = _render(format, result, replace(context, color=color))
    if output is not None:
        written.append((output, report))
    if baseline_write is not None:
        from kslint.baseline import baseline_text

        recorded = [*result.findings, *result.baselined]
        written.append((baseline_write, baseline_text(recorded)))
    _refuse_inputs([target for target, _ in written], result, baseline)
    _write_all(written)  # written whether or not the gate fails
    if output is None:
        _emit(report)
    if result.outside_links:
        _note_outside_links(result.outside_links)
    if result.schema is not None:
        from kslint.api_schemas import schema_notes

        for line in schema_notes(result.schema):
            typer.echo(line, err=True)
    if result.schema is not None and (verbose or format == "text"):
        from kslint.api_schemas import schema_summary

        for line in schema_summary(result.schema, verbose=verbose):
            typer.echo(f"kslint: {line}", err=True)
    if result.baseline is not None:
        typer.echo(f"kslint: {baseline_summary(result.baseline)}", err=True)
    if baseline_write is not None:
        count = len(recorded)
        typer.echo(f"kslint: {_baseline_written(count, baseline_write, result)}", err=True)
        raise typer.Exit(EXIT_OK)
    failed = threshold is not None and any(
        finding.severity is not None and finding.severity >= threshold
        for finding in result.findings
    )
    raise typer.Exit(EXIT_FINDINGS if failed else EXIT_OK)


UnsafeFixes = Annotated[
    bool,
    typer.Option(
        "--unsafe-fixes",
        help="Also apply unsafe fixes (re-created objects, changed reclaim behaviour): "
        "kslint explain RULE-ID says what each needs.",
    ),
]


def _fix_before_lint(options: LintOptions, fix: bool, unsafe: bool) -> None:
    """``lint --fix``: write the fixes, say how many, then lint the fixed files."""
    if not fix:
        raise _fail("--unsafe-fixes needs --fix (or use kslint fix --unsafe-fixes)")
    if "-" in options.paths:
        raise _fail("--fix cannot fix standard input; use kslint fix --diff -")
    run = _run_fixes(options, unsafe, write=True)
    if run.applied:
        from kslint.fix.run import summary_line

        typer.echo(f"kslint: {summary_line(run, dry_run=False)}", err=True)
    if not unsafe and any(resolution.needs_unsafe for resolution in run.remaining):
        typer.echo("kslint: more fixes are available with --unsafe-fixes", err=True)


def _run_fixes(options: LintOptions, unsafe: bool, *, write: bool) -> FixRun:
    from kslint.errors import UsageError
    from kslint.fix.run import WriteError, run_fixes
    from kslint.fix.run import write as write_files

    try:
        run = run_fixes(options, unsafe=unsafe)
    except UsageError as exc:
        raise _fail(str(exc)) from None
    if write:
        try:
            write_files(run)
        except WriteError as exc:
            raise _fail(str(exc), EXIT_FINDINGS) from None
    return run


def _baseline_written(count: int, path: Path, result: LintResult) -> str:
    """What ``--baseline-write`` wrote, by rule, and what it means for later runs."""
    from collections import Counter

    rules = Counter(f.rule for f in [*result.findings, *result.baselined])
    by_rule = ", ".join(f"{n} {rule}" for rule, n in sorted(rules.items()))
    noun = "finding" if count == 1 else "findings"
    detail = f" ({by_rule})" if by_rule else ""
    return (
        f"recorded {count} {noun} in the baseline {path}{detail}; exit 0. "
        f"Later runs with --baseline {path} report only findings not recorded there."
    )


def _check_choice(flag: str, value: str, choices: list[str], what: str = "value") -> None:
    """Exit 2 for a value not among ``choices``, with a "did you mean" when one is close."""
    if value in choices:
        return
    from kslint.suggest import did_you_mean

    raise _fail(
        f"{flag}: unknown {what} {value!r}{did_you_mean(value, choices)}; "
        f"choose one of: {', '.join(choices)}"
    )


def _report_targets(format: str, reports: list[str]) -> list[tuple[str, Path]]:
    """Check ``--format`` and each ``--report FORMAT=PATH`` before any work is done."""
    from kslint.report import formats

    known = list(formats())
    _check_choice("--format", format, known, "format")
    targets = []
    for spec in reports:
        name, equals, target = spec.partition("=")
        if not equals or not target:
            raise _fail(f"--report wants FORMAT=PATH, got {spec!r}")
        _check_choice("--report", name, known, "format")
        targets.append((name, Path(target)))
    return targets


def _refuse_shared_targets(
    output: Path | None, reports: list[tuple[str, Path]], baseline_write: Path | None
) -> None:
    """Two outputs onto one file would leave only the last: exit 2 before any work."""
    from kslint.discover import real_path

    targets = [("--output", output), *((f"--report {n}", t) for n, t in reports)]
    targets.append(("--baseline-write", baseline_write))
    seen: dict[str, str] = {}
    for flag, target in targets:
        if target is None:
            continue
        key = real_path(target)
        if key in seen:
            raise _fail(f"{flag} and {seen[key]} both write {target}; give each its own file")
        seen[key] = flag


def _refuse_inputs(targets: list[Path], result: LintResult, baseline: Path | None) -> None:
    """Never write a report or baseline onto a manifest the run read (exit 2); rewriting
    the ``--baseline`` file (which a run over ``.`` also reads as JSON) stays allowed."""
    if not targets:  # nothing written to a file
        return
    from kslint.discover import real_path

    read = dict(result.input_reals or {})  # the real paths discovery worked out
    if result.input_reals is None:
        read = {real_path(p): p for p in result.inputs if p not in ("-", "<stdin>")}
    if baseline is not None:
        read.pop(real_path(baseline), None)
    for target in targets:
        shown = read.get(real_path(target))
        if shown is not None:
            raise _fail(f"refusing to write {target}: it is {shown}, a manifest this run reads")


def _write_all(outputs: list[tuple[Path, str | Iterable[str]]]) -> None:
    """Write every report to a temporary name beside its target, then move them all into
    place: an interrupted or failed run leaves every earlier report as it was, never some
    new and some half-written."""
    from kslint.atomic import write_all

    try:
        write_all(outputs)
    except OSError as exc:
        raise _fail(f"cannot write {exc.filename}: {exc.strerror}") from None


def _emit(text: str | Iterable[str]) -> None:
    """Write to standard output (a text, or its pieces as they are made); a full disk or
    closed pipe is a clear error, not a crash."""
    try:
        for piece in [text] if isinstance(text, str) else text:
            sys.stdout.write(piece)
        sys.stdout.flush()
    except OSError as exc:
        # Python flushes stdout again at exit: point it at /dev/null so that does not fail.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        if isinstance(exc, BrokenPipeError):  # `kslint ... | head`: the reader is done
            raise typer.Exit(EXIT_OK) from None
        raise _fail(f"cannot write to standard output: {exc.strerror}") from None


def _note_outside_links(links: list[str]) -> None:
    shown = ", ".join(links[:5]) + (", ..." if len(links) > 5 else "")
    typer.echo(
        f"kslint: {len(links)} symlink(s) not followed, their target is outside the "
        f"directory linted: {shown} (--follow-symlinks follows them)",
        err=True,
    )


def _lint_options(
    paths: list[str] | None,
    exclude: list[str] | None,
    config_file: Path | None,
    no_config: bool,
    *,
    select: list[str] | None = None,
    ignore: list[str] | None = None,
    severity: list[str] | None = None,
    fail_on: str | None = None,
    namespace: str | None = None,
    limits: tuple[int | None, int | None, int | None] = (None, None, None),
    baseline: Path | None = None,
    policy_dirs: list[Path] | None = None,
    plugins: list[str] | None = None,
    kubernetes_version: str | None = None,
    schema_dirs: list[str] | None = None,
    debug: bool = False,
) -> LintOptions:
    """The configuration file with the flags on top, as the pipeline's options; exit 2
    listing every problem when the configuration, a policy or the baseline is unusable.
    The flags are as typer gives them (None when not given); ``limits``: --max-bytes,
    --max-documents and --max-file-bytes."""
    from kslint.baseline import Baseline
    from kslint.config import ConfigError, Overrides, resolve, split_list
    from kslint.errors import UsageError
    from kslint.pipeline import LintOptions

    overrides = Overrides(
        select=split_list(select) if select else None,
        ignore=split_list(ignore),
        severity=tuple(severity or ()),
        fail_on=fail_on,
        namespace=namespace,
        limits=_limits(*limits),
    )
    try:
        # Policies are loaded with the config, which may name their ids.
        config, rules = resolve(
            config_file,
            no_config=no_config,
            overrides=overrides,
            policy_dirs=policy_dirs or [],
            plugins=plugins or [],
        )
        known = Baseline.read(baseline) if baseline is not None else None
    except ConfigError as exc:
        typer.echo("\n".join(exc.problems), err=True)
        raise _fail(f"invalid {exc.what}") from None
    except UsageError as exc:
        raise _fail(str(exc)) from None
    for note in config.notes:
        typer.echo(f"{note}", err=True)
    return LintOptions(
        paths=paths or ["."],
        exclude=exclude or [],
        namespace=config.namespace or "default",
        debug=debug,
        config=config,
        rules=rules,
        baseline=known,
        kubernetes_version=kubernetes_version or config.kubernetes_version,
        schema_dirs=[*map(str, config.schema_dirs), *(schema_dirs or [])],
        limits=config.limits,
    )


def _with_render_settings(
    options: LintOptions,
    mode: RenderMode | None,
    kustomize_command: str | None,
    helm_command: str | None,
    timeout: float | None,
    chart_dir: Path | None,
) -> LintOptions:
    """Flags over the configuration file; the commands only from flags or environment."""
    from kslint.render import RenderSettings
    from kslint.render.tools import DEFAULT_TIMEOUT

    config = options.config
    assert config is not None
    if chart_dir is not None and not (chart_dir / "Chart.yaml").is_file():
        raise _fail(f"--chart-dir {chart_dir}: no Chart.yaml there")
    render = RenderSettings(
        mode=mode.value if mode is not None else config.render_mode or "auto",
        kustomize_command=kustomize_command,
        helm_command=helm_command,
        timeout=timeout or config.render_timeout or DEFAULT_TIMEOUT,
        namespace=options.namespace,
        project_root=config.root if config.path is not None else None,
        chart_dir=chart_dir,
        helm_release=config.helm_release,
        helm_values=config.helm_values,
        helm_set=config.helm_set,
    )
    return replace(options, render=render)


def _render(name: str, result: LintResult, context: ReportContext) -> Iterator[str]:
    """The report, made piece by piece as it is written (``kslint.report.stream``): a
    report of tens of thousands of findings is never held whole."""
    from kslint.report import stream

    return stream(name, result, context)


def _write(target: Path, text: str) -> None:
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise _fail(f"cannot write {target}: {exc.strerror}") from None


@app.command("fix")
def fix_command(
    paths: Annotated[
        list[str] | None,
        typer.Argument(help="Files or directories to fix (standard input is never written)."),
    ] = None,
    diff: Annotated[
        bool,
        typer.Option("--diff", help="Print a unified diff and write nothing (exit 1 if any)."),
    ] = False,
    unsafe_fixes: UnsafeFixes = False,
    exit_non_zero_on_fix: Annotated[
        bool,
        typer.Option("--exit-non-zero-on-fix", help="Exit 1 when a file was changed (pre-commit)."),
    ] = False,
    select: Annotated[
        list[str] | None,
        typer.Option(
            "--select", metavar="RULES", help="Fix only these rules or families (comma-separated)."
        ),
    ] = None,
    ignore: Annotated[
        list[str] | None,
        typer.Option(
            "--ignore",
            metavar="RULES",
            help="Do not fix these rules or families (comma-separated).",
        ),
    ] = None,
    exclude: Excludes = None,
    namespace: Namespace = None,
    config_file: ConfigFile = None,
    no_config: NoConfig = False,
    baseline: Annotated[
        Path | None,
        typer.Option(
            "--baseline", metavar="FILE", help="Leave the findings recorded in this file alone."
        ),
    ] = None,
    policy_dir: PolicyDirs = None,
    plugin: Plugins = None,
    max_bytes: MaxBytes = None,
    max_documents: MaxDocuments = None,
    max_file_bytes: MaxFileBytes = None,
    render: Render = None,
    kustomize_command: KustomizeCommand = None,
    helm_command: HelmCommand = None,
    render_timeout: RenderTimeout = None,
) -> None:
    """Apply the automatic fixes (safe ones; unsafe too with --unsafe-fixes), keeping every
    comment and every byte the fix does not touch. Kustomizations are rendered as for
    lint: a finding in a base or overlay is fixed only where the edit reaches exactly it."""
    from kslint.fix.run import diff as unified_diff
    from kslint.fix.run import report_lines

    options = _lint_options(
        paths,
        exclude,
        config_file,
        no_config,
        select=select,
        ignore=ignore,
        namespace=namespace,
        limits=(max_bytes, max_documents, max_file_bytes),
        baseline=baseline,
        policy_dirs=policy_dir,
        plugins=plugin,
    )
    options = _with_render_settings(
        options, render, kustomize_command, helm_command, render_timeout, None
    )
    run = _run_fixes(options, unsafe_fixes, write=not diff)
    if diff:
        sys.stdout.write(unified_diff(run))
    for line in report_lines(run, dry_run=diff):
        typer.echo(line, err=diff)
    changed = bool(run.changed)
    failed = bool(run.failures) or (changed and (diff or exit_non_zero_on_fix))
    raise typer.Exit(EXIT_FINDINGS if failed else EXIT_OK)


@app.command("graph")
def graph_command(
    paths: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="PATH", help="Files or directories to draw; - reads standard input."
        ),
    ] = None,
    format: Annotated[
        str, typer.Option("--format", "-f", metavar="FORMAT", help="mermaid, dot or json.")
    ] = "mermaid",
    only_findings: Annotated[
        bool,
        typer.Option(
            "--only-findings",
            help="Keep only objects and edges with findings and their neighbours.",
        ),
    ] = False,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", metavar="FILE", help="Write the graph to this file."),
    ] = None,
    exclude: Excludes = None,
    namespace: Namespace = None,
    config_file: ConfigFile = None,
    no_config: NoConfig = False,
    jobs: Jobs = None,
    max_bytes: MaxBytes = None,
    max_documents: MaxDocuments = None,
    max_file_bytes: MaxFileBytes = None,
) -> None:
    """Draw the storage graph (workloads, claims, volumes, classes, governing Services,
    budgets, autoscalers), marking the objects and edges that have findings. Exit 0."""
    from kslint.errors import UsageError
    from kslint.pipeline import lint as run_lint
    from kslint.report.graph_export import run_graphs
    from kslint.report.graph_render import RENDERERS

    if format not in RENDERERS:
        raise _fail(f"unknown format {format!r}; choose one of: {', '.join(RENDERERS)}")
    options = _lint_options(
        paths,
        exclude,
        config_file,
        no_config,
        namespace=namespace,
        limits=(max_bytes, max_documents, max_file_bytes),
    )
    options.jobs = jobs
    try:
        result = run_lint(options)
    except UsageError as exc:
        raise _fail(str(exc)) from None
    text = RENDERERS[format](run_graphs(result, only_findings=only_findings))
    if output is not None:
        _write(output, text)
    else:
        sys.stdout.write(text)


@app.command("rules")
def rules_command(
    format: Annotated[
        str, typer.Option("--format", "-f", metavar="FORMAT", help="text or json.")
    ] = "text",
    policy_dir: PolicyDirs = None,
    plugin: Plugins = None,
) -> None:
    """List every rule: id, default severity, family and one-line summary."""
    from kslint.ruledocs import rules_json, rules_text

    catalog = _rule_set(policy_dir, plugin).catalog

    renderers = {"text": rules_text, "json": rules_json}
    _check_choice("--format", format, list(renderers), "format")
    _emit(renderers[format](catalog.values()))


@app.command("explain")
def explain_command(
    rule_id: Annotated[str, typer.Argument(metavar="RULE-ID", help="The rule to explain.")],
    policy_dir: PolicyDirs = None,
    plugin: Plugins = None,
) -> None:
    """Explain a rule: why it matters, how to fix it, references and examples."""
    import shutil

    from kslint.ruledocs import render_explanation, resolve, suggestions

    rules = _rule_set(policy_dir, plugin).catalog
    meta = resolve(rule_id, rules)
    if meta is None:
        close = suggestions(rule_id, rules)
        hint = f" Did you mean: {', '.join(close)}?" if close else ""
        raise _fail(f"unknown rule {rule_id!r}.{hint} Run `kslint rules` to list them all.")
    color = sys.stdout.isatty() and "NO_COLOR" not in os.environ
    width = shutil.get_terminal_size().columns if sys.stdout.isatty() else None
    _emit(render_explanation(meta, width=width, color=color))


@app.command("clean")
def clean_command(
    cache_dir: Annotated[
        Path | None,
        typer.Option(
            "--cache-dir", metavar="DIR", help="The cache to remove (default: the project's)."
        ),
    ] = None,
) -> None:
    """Remove the content cache (.kslint_cache at the project root, or --cache-dir)."""
    from kslint.cache import clean, default_dir

    directory = cache_dir or default_dir()
    try:
        removed = clean(directory)
    except (ValueError, OSError) as exc:
        raise _fail(str(exc)) from None
    typer.echo(f"kslint: removed {directory}" if removed else f"kslint: no cache at {directory}")


policy_app = typer.Typer(
    no_args_is_help=True,
    rich_markup_mode=None,
    help="Policies: your own rules, written as data (docs/policies.md).",
)
app.add_typer(policy_app, name="policy")


@policy_app.command("test")
def policy_test(
    paths: Annotated[
        list[Path],
        typer.Argument(
            metavar="PATH",
            help="Policy files or folders (rules/ tests the built-in rules).",
        ),
    ],
) -> None:
    """Run each rule's examples: bad ones must fire at their line, good ones must not.

    Exit 0 when every example passes, 1 when one fails, 2 when a policy is invalid."""
    from kslint.policies import PolicyError
    from kslint.policy_examples import run_tests, summary

    try:
        results = run_tests(paths)
    except PolicyError as exc:
        typer.echo("\n".join(exc.problems), err=True)
        raise _fail("invalid policies") from None
    for result in results:
        typer.echo(result.line())
    typer.echo(summary(results))
    raise typer.Exit(EXIT_FINDINGS if any(not r.passed for r in results) else EXIT_OK)


def main() -> None:
    """Entry point: never lets a traceback reach the user unless --debug asks for it."""
    try:
        app()
    except SystemExit as exc:
        _exit_now(exc.code)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:
        if "--debug" in sys.argv:
            raise
        typer.echo(
            f"kslint: internal error: {type(exc).__name__}: {exc} "
            "(run with --debug for details; please report it)",
            err=True,
        )
        sys.exit(EXIT_CRASH)


def _exit_now(code: object) -> None:
    """End the process once everything is written, without tearing down the run's
    objects one by one (as mypy does: freeing a large run's trees and findings took a
    tenth of a cached run). Every file kslint writes is complete and closed by now and
    its worker processes have ended; only the standard streams are left to flush."""
    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:  # sys.exit("message"): the message on stderr, status 1
        print(code, file=sys.stderr)
        status = 1
    for stream in (sys.stdout, sys.stderr):
        # A closed pipe (kslint lint | head): nothing more to write.
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(status)

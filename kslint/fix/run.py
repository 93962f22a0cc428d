"""``kslint fix``: lint, fix, lint again, until nothing more applies; then diff or write.

Each pass lints the current (in-memory) contents of the files, plans a fix for every
finding whose rule has one, applies the independent ones and lints again, at most
``MAX_PASSES`` times (a fix that waited because another touched the same text, or one
that a first fix made possible, comes in a later pass). Nothing is written until the end:
``write`` replaces each changed file atomically, and only when it still holds the bytes
that were read.
"""

from __future__ import annotations

import difflib
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from kslint.findings import Finding
from kslint.fix.builders import BUILDERS
from kslint.fix.plan import Fix, FixFailed, Planner, Resolution, apply_fixes, choose
from kslint.fix.rendered import RenderedScope
from kslint.fix.targets import STDIN, decode
from kslint.graph import Graph
from kslint.pipeline import LintOptions, LintResult, lint_rendered, read_inputs
from kslint.render import Renders, RenderSettings

MAX_PASSES = 5


@dataclass
class Applied:
    finding: Finding  # as reported before the fix (its position is in the text before)
    fix: Fix


@dataclass
class FixRun:
    original: dict[str, bytes]  # path -> bytes as read
    current: dict[str, bytes]  # path -> bytes after every fix
    applied: list[Applied] = field(default_factory=list)
    remaining: list[Resolution] = field(default_factory=list)  # last pass, not fixed
    failures: list[str] = field(default_factory=list)  # fixes that would break a file
    result: LintResult | None = None  # the lint of the fixed contents

    @property
    def changed(self) -> list[str]:
        return sorted(path for path, data in self.current.items() if data != self.original[path])


def run_fixes(
    options: LintOptions,
    *,
    unsafe: bool = False,
    stdin: Any = None,
    passes: int = MAX_PASSES,
) -> FixRun:
    """Lint as ``kslint lint`` does (renders included), fix, lint again. kustomize reads
    the files on disk, which change only at the end: a finding it moved into a file an
    earlier pass already edited (in memory) keeps what that pass made of it."""
    inputs = read_inputs(options, stdin)
    original = {source.path: source.data for source in inputs.sources}
    run = FixRun(original, dict(original))
    read = _reader(run)
    earlier: dict[tuple[str, str, int, int, str], Resolution] = {}  # not applied
    for number in range(passes + 1):
        current = replace(
            inputs,
            sources=[replace(source, data=run.current[source.path]) for source in inputs.sources],
            context=[replace(source) for source in inputs.context],
        )
        result, renders = lint_rendered(current, options)
        run.result = result
        planner = _planner(result, read, renders, options.render)
        edited = [finding for finding in result.findings if _edited(finding, run, renders)]
        findings = [finding for finding in result.findings if not _edited(finding, run, renders)]
        resolutions = [planner.resolve(finding, unsafe) for finding in findings]
        kept = [earlier[key] for key in map(_key, edited) if key in earlier]
        run.remaining = [
            r for r in [*resolutions, *kept] if r.reason is not None or r.chosen is not None
        ]
        chosen = choose(resolutions)
        applied = {id(resolution) for resolution in chosen}
        earlier = {_key(r.finding): r for r in [*resolutions, *kept] if id(r) not in applied}
        if not chosen or number == passes:
            break
        try:
            changed = apply_fixes(
                planner, [resolution.chosen for resolution in chosen if resolution.chosen]
            )
        except FixFailed as exc:
            run.failures.append(str(exc))
            break
        run.current.update(changed)
        run.applied += [Applied(r.finding, r.chosen) for r in chosen if r.chosen is not None]
    return run


def _reader(run: FixRun) -> Callable[[str], bytes | None]:
    """A file's bytes as the run has them: a source file a render read but the run did not
    (a base outside the paths given) is read on first use, and may then be fixed too."""

    def read(path: str) -> bytes | None:
        if path not in run.current:
            data = read_file(path)
            if data is None:
                return None
            run.original[path] = run.current[path] = data
        return run.current[path]

    return read


def _key(finding: Finding) -> tuple[str, str, int, int, str]:
    return (finding.rule, finding.file, finding.span.line, finding.span.column, finding.message)


def _edited(finding: Finding, run: FixRun, renders: Renders) -> bool:
    """A finding kustomize made from a file this run already edited in memory (the
    render read the file on disk, so the finding may be one the edit fixed)."""
    path = finding.file
    if path not in run.current or run.current[path] == run.original[path]:
        return False
    return Path(path).resolve() in renders.consumed


def _planner(
    result: LintResult,
    read: Callable[[str], bytes | None],
    renders: Renders | None,
    settings: RenderSettings | None = None,
) -> Planner:
    """A planner over a lint result; findings its renders moved to source files are
    planned there (``kslint.fix.rendered``)."""
    scope = None
    if renders is not None and renders.units:
        settings = settings or RenderSettings()
        scope = RenderedScope(renders, read, settings.namespace, settings.project_root)
    # A cached result's graph holds identities only (``kslint.cached_run``): nothing to plan on.
    graph = result.graph if isinstance(result.graph, Graph) else None
    return Planner(graph, result.files, read, result.rules.catalog, BUILDERS, scope)


def diff(run: FixRun) -> str:
    """A unified diff of every changed file (``a/PATH`` and ``b/PATH``)."""
    chunks = []
    for path in run.changed:
        before, after = _text(run.original[path]), _text(run.current[path])
        lines = difflib.unified_diff(
            before.splitlines(keepends=True),
            after.splitlines(keepends=True),
            fromfile=f"a/{path}",
            tofile=f"b/{path}",
        )
        for line in lines:
            chunks.append(
                line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"
            )
    return "".join(chunks)


def _text(data: bytes) -> str:
    decoded = decode(data)
    return decoded if isinstance(decoded, str) else decoded[0]


class WriteError(Exception):
    pass


def write(run: FixRun) -> list[str]:
    """Write every changed file atomically (a temporary file in the same folder, renamed
    over it, keeping its permissions); a file that changed on disk since it was read is
    left alone. Returns the paths written; raises ``WriteError`` listing the problems."""
    written, problems = [], []
    for path in run.changed:
        target = Path(path).resolve()  # through a symlink: the link stays a link
        try:
            if target.read_bytes() != run.original[path]:
                problems.append(f"{path} changed while kslint was fixing it; not written")
                continue
            _atomic_write(target, run.current[path])
        except OSError as exc:
            problems.append(f"cannot write {path}: {exc.strerror or exc}")
            continue
        written.append(path)
    if problems:
        raise WriteError("\n".join(problems))
    return written


def _atomic_write(target: Path, data: bytes) -> None:
    mode = target.stat().st_mode
    handle, temporary = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.name}.", suffix=".kslint"
    )
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, mode & 0o7777)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _where(finding: Finding) -> str:
    return f"{finding.file}:{finding.span.line}:{finding.span.column}: {finding.rule}"


def report_lines(run: FixRun, *, dry_run: bool) -> list[str]:
    """What ``kslint fix`` tells the user: each fix, then what was left and why."""
    lines = [
        f"{_where(item.finding)}: {'would fix' if dry_run else 'fixed'} "
        f"({item.fix.meta.safety}): {' '.join(item.fix.meta.summary.split())}"
        for item in run.applied
    ]
    unsafe = [r for r in run.remaining if r.needs_unsafe]
    refused = [r for r in run.remaining if r.reason is not None and not r.needs_unsafe]
    pending = [r for r in run.remaining if r.chosen is not None]
    for resolution in refused:
        lines.append(f"{_where(resolution.finding)}: not fixed: {resolution.reason}")
    for resolution in pending:
        lines.append(f"{_where(resolution.finding)}: not fixed yet: run kslint fix again")
    lines += [f"kslint: {failure} (a bug in a fix: please report it)" for failure in run.failures]
    lines.append(summary_line(run, dry_run=dry_run))
    if unsafe:
        rules = sorted({r.finding.rule for r in unsafe})
        lines.append(
            f"{len(unsafe)} more fix{'es' if len(unsafe) != 1 else ''} available with "
            f"--unsafe-fixes ({', '.join(rules)}); kslint explain RULE-ID says what each needs."
        )
    return lines


def summary_line(run: FixRun, *, dry_run: bool) -> str:
    count, files = len(run.applied), len(run.changed)
    if not count:
        return "Nothing to fix."
    verb = "Would fix" if dry_run else "Fixed"
    return (
        f"{verb} {count} finding{'s' if count != 1 else ''} "
        f"in {files} file{'s' if files != 1 else ''}."
    )


def read_file(path: str) -> bytes | None:
    """A file's bytes as they are on disk now (None: standard input, or not readable)."""
    if path == STDIN:
        return None
    try:
        with open(path, "rb") as stream:
            return stream.read()
    except OSError:
        return None


def planner_for(result: LintResult) -> Planner:
    """A planner over a lint result's files as they are on disk."""
    return _planner(result, read_file, result.renders)

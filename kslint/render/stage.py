"""The render stage's work (``kslint.render`` names it): render the root kustomizations
and charts among the inputs, load their output, and map it back to the source nodes.

Kept apart from the package's settings and result types so that a run that renders
nothing (answered from the content cache) imports none of it.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from kslint.discover import Limits, display_path
from kslint.errors import UsageError
from kslint.findings import Finding
from kslint.loader import LoadResult, building_trees
from kslint.nodes import Span
from kslint.render import RenderedUnit, Renders, RenderSettings, helm, kustomize, tools
from kslint.render.kustomization import Kustomization, KustomizationReader
from kslint.render.kustomize import render_failed


def unit_name(directory: Path, project_root: Path | None) -> str:
    base = (project_root or Path.cwd()).resolve()
    return _unit_name(directory.resolve(), base, directory)


def _unit_name(resolved: Path, base: Path, directory: Path | None = None) -> str:
    """``unit_name`` of a resolved directory, ``base`` the resolved project root."""
    try:
        relative = resolved.relative_to(base).as_posix()
    except ValueError:
        return display_path(directory or resolved).replace("\\", "/")
    return relative or "."


def render_units(
    kustomization_dirs: Iterable[Path],
    settings: RenderSettings,
    changed: set[Path] | None = None,
    known: Mapping[Path, tuple[bytes, Any]] | None = None,
) -> Renders:
    """Render every root among ``kustomization_dirs``; with ``changed`` (pre-commit), only
    the roots whose render reads one of those files. ``known``: kustomization files the
    run has read (by resolved path: the bytes, and the document when already parsed).
    Raises ``UsageError`` for mode ``always`` without a usable kustomize."""
    renders = Renders()
    if settings.mode == "never":
        return renders
    reader = KustomizationReader(known or {})
    roots = reader.roots(kustomization_dirs)
    consumed = {root.path: reader.consumed(root) for root in roots}
    if changed is not None:
        roots = [root for root in roots if consumed[root.path] & changed]
    if not roots:
        return renders
    renderer = tools.kustomize(settings.kustomize_command)
    if isinstance(renderer, tools.Unavailable) and settings.mode == "always":
        raise UsageError(f"render mode is 'always' but kustomize is unavailable: {renderer.reason}")
    helm = tools.helm(settings.helm_command)
    base = (settings.project_root or Path.cwd()).resolve()  # unit names are relative to it
    limits = settings.limits or Limits()

    def plan(root: Kustomization) -> tuple[RenderedUnit, str | None]:
        """The unit, and whether to run kustomize (with which helm, "" for none)."""
        unit = RenderedUnit(
            _unit_name(root.directory, base),  # (a kustomization's path is resolved)
            "kustomize",
            renders.files.shown(root.path),  # (display_path, once per file)
            consumed=consumed[root.path],
        )
        closure = reader.closure(root)
        broken = [
            problem for k in closure for problem in k.problems if problem.rule == "invalid-yaml"
        ]
        inflates = any(k.helm_charts for k in closure)
        if broken:  # kustomize would stop at the same place; kslint says where exactly
            unit.findings += broken
        elif isinstance(renderer, tools.Unavailable):
            unit.findings.append(_not_rendered(root, renderer.reason))
        elif helm is None and inflates:
            unit.findings.append(
                _not_rendered(root, "it inflates helmCharts and helm is not available")
            )
        else:
            return unit, (helm or "") if inflates else ""
        return unit, None

    plans = [(root, *plan(root)) for root in roots]
    to_build = [(root, helm_program) for root, _, helm_program in plans if helm_program is not None]
    if not to_build:
        renders.units = [unit for _, unit, _ in plans]
        return renders
    assert isinstance(renderer, tools.Renderer)
    # One temporary directory for the run's wrappers (creating one per root costs more).
    with tempfile.TemporaryDirectory(prefix="kslint-kustomize-", dir=_scratch()) as temporary:
        workspace = Path(temporary).resolve()
        wrappers = [workspace / f"root{index}" for index in range(len(to_build))]
        relatives = [
            kustomize.write_wrapper(root, wrapper)
            for (root, _), wrapper in zip(to_build, wrappers, strict=True)
        ]

        def build(index: int) -> tools.Run:
            helm_program = to_build[index][1]
            return kustomize.build(
                renderer,
                settings.timeout,
                wrappers[index],
                helm_program or None,
                limits.max_file_bytes,
            )

        # kustomize runs are independent processes: a few at a time hide their start-up
        # cost (the threads only wait for them). Their output is parsed here, in this
        # thread (parsing is CPU-bound).
        if len(to_build) == 1:
            runs = [build(0)]
        else:
            with ThreadPoolExecutor(max_workers=4) as pool:
                runs = list(pool.map(build, range(len(to_build))))
    built = {
        root.path: (runs[index], relatives[index], wrappers[index])
        for index, (root, _) in enumerate(to_build)
    }
    del runs  # (each output is let go once loaded)
    budget = limits.max_bytes - settings.spent  # renders are inputs: the run's byte budget
    with building_trees():
        for root, unit, helm_program in plans:
            if helm_program is not None:
                outcome, relative, wrapper = built.pop(root.path)
                too_much = outcome.ok and len(outcome.stdout) > budget
                failure = tools.over_budget(limits.max_bytes) if too_much else None
                if failure is None:
                    budget -= len(outcome.stdout)
                    renders.read_bytes += len(outcome.stdout)
                    result = kustomize.load(
                        root,
                        outcome,
                        relative,
                        wrapper,
                        reader,
                        renders.files,
                        settings.namespace,
                        limits,
                        settings.schema_groups,
                    )
                    if result.loaded is not None:
                        unit.loaded = result.loaded
                    unit.render_map, failure = result.render_map, result.failure
                if failure is not None:
                    unit.findings.append(render_failed(root, failure))
            renders.units.append(unit)
    return renders


def _scratch() -> str | None:
    """Where wrappers go: memory-backed /dev/shm on Linux (files there cost a fraction of
    a disk's), else the system's temporary directory."""
    shm = "/dev/shm"
    return shm if os.path.isdir(shm) and os.access(shm, os.W_OK | os.X_OK) else None


def helm_streams(loaded: LoadResult, settings: RenderSettings) -> list[RenderedUnit]:
    """Objects of Helm streams (``# Source:`` comments) become one unit per top-level
    chart, mapped to the chart's templates; they are taken out of ``loaded``."""
    if settings.mode == "never":
        return []
    chart_dir = settings.chart_dir or helm.default_chart_dir()
    templates = helm.Templates()
    units: list[RenderedUnit] = []
    for file in loaded.files:
        if not helm.is_helm_stream(file.text):
            continue
        objects = [obj for obj in loaded.objects if obj.file is file]
        render_map, by_chart = helm.stream_map(file, objects, chart_dir, templates)
        for chart, members in by_chart.items():
            unit = RenderedUnit(chart, "helm", file.path, render_map=render_map)
            unit.loaded.objects = members
            units.append(unit)
        taken = {id(obj) for obj in objects}
        loaded.objects = [obj for obj in loaded.objects if id(obj) not in taken]
    return units


def render_charts(chart_templates: Iterable[Path], settings: RenderSettings) -> Renders:
    """Top-level application charts (found from their template files) rendered with
    ``helm template``, or one ``not-rendered`` each when helm is not available."""
    renders = Renders()
    if settings.mode == "never":
        return renders
    charts = sorted({c for c in map(helm.chart_root, chart_templates) if c is not None})
    for library in [chart for chart in charts if helm.is_library(chart)]:
        renders.skipped |= helm.chart_files(library)
        charts.remove(library)
    if not charts:
        return renders
    program = tools.helm(settings.helm_command)
    if program is None and settings.mode == "always":
        raise UsageError("render mode is 'always' but helm is not available")
    templates = helm.Templates()
    limits = settings.limits or Limits()
    budget = limits.max_bytes - settings.spent  # charts are inputs: the run's byte budget
    for chart in charts:
        unit = RenderedUnit(
            chart.name, "helm", display_path(chart / "Chart.yaml"), consumed=helm.chart_files(chart)
        )
        if program is None:
            message = (
                f"Chart {display_path(chart)} was not rendered (helm is not available); "
                "its templates are not linted."
            )
            unit.findings.append(helm.chart_finding("not-rendered", chart, message))
        else:
            result = helm.helm_template(
                program,
                chart,
                settings.helm_release,
                settings.helm_values,
                settings.helm_set,
                settings.timeout,
                settings.namespace,
                limits,
                budget,
            )
            budget -= result.size
            renders.read_bytes += result.size
            if result.loaded is None:
                message = f"helm could not render {display_path(chart)}: {result.failure}"
                unit.findings.append(helm.chart_finding("render-failed", chart, message))
            else:
                file = result.loaded.files[0]
                render_map, _ = helm.stream_map(file, result.loaded.objects, chart, templates)
                unit.loaded, unit.render_map = result.loaded, render_map
        renders.units.append(unit)
    return renders


def _not_rendered(root: Kustomization, reason: str) -> Finding:
    return Finding(
        rule="not-rendered",
        message=f"{display_path(root.directory)} was not rendered ({reason}); "
        "its files are not linted as objects.",
        file=display_path(root.path),
        span=Span(1, 1, 1, 1),
    )

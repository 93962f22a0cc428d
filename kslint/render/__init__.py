"""Render stage: root kustomizations (and Helm charts) become units of rendered objects,
each with a map back to the source nodes a person edits.

``render_units`` is the stage's one entry point. It finds the roots among the given
kustomization directories, renders each with the real kustomize (``kslint.render.tools``
says which program, never a repository file), and returns per root: the loaded objects,
``render-failed``/``not-rendered`` findings, the source files the render consumed (not
linted again as plain files) and its ``RenderMap`` (``kslint.render.sourcemap.relocate``
turns rendered positions into source positions).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kslint.discover import Limits
from kslint.findings import Finding
from kslint.loader import LoadResult
from kslint.objects import K8sObject, SourceFile
from kslint.render import tools

if TYPE_CHECKING:
    from kslint.render.files import SourceFiles
    from kslint.render.sourcemap import RenderMap
    from kslint.render.stage import helm_streams, render_charts, render_units, unit_name

__all__ = [
    "MODES",
    "RenderSettings",
    "RenderedUnit",
    "Renders",
    "helm_streams",
    "render_charts",
    "render_units",
    "unit_name",
]

MODES = ("auto", "always", "never")


@dataclass(frozen=True)
class RenderSettings:
    """How to render: ``mode`` may come from configuration; the commands only from the
    command line or the environment."""

    mode: str = "auto"
    kustomize_command: str | None = None
    helm_command: str | None = None
    timeout: float = tools.DEFAULT_TIMEOUT
    namespace: str = "default"
    project_root: Path | None = None  # unit names are relative to it (default: cwd)
    chart_dir: Path | None = None  # --chart-dir: the chart a Helm stream came from
    helm_release: str | None = None
    helm_values: tuple[str, ...] = ()
    helm_set: tuple[str, ...] = ()
    # The run's limits (``kslint.discover.Limits``; None: the defaults): a render's output
    # is an input like a file, and what discovery read (``spent``) counts too.
    limits: Limits | None = None
    spent: int = 0
    # API groups whose kinds kustomize knows the schema of: a strategic merge patch merges
    # their lists by key, and replaces the lists of every other kind (custom resources).
    # None: every kind merges.
    schema_groups: frozenset[str] | None = None


@dataclass
class RenderedUnit:
    """One root's render."""

    name: str  # the kustomization directory relative to the project root, or the chart
    tool: str  # "kustomize" or "helm"
    root_file: str  # the kustomization file (or Chart.yaml), as reported
    loaded: LoadResult = field(default_factory=LoadResult)
    findings: list[Finding] = field(default_factory=list)  # render-failed, not-rendered
    consumed: set[Path] = field(default_factory=set)  # resolved source files it reads
    render_map: RenderMap | None = None

    # The shape of a deployment unit (name, objects, files, findings, rendered), so the
    # pipeline can lint a render like any other unit; its findings then go through
    # ``kslint.render.sourcemap.relocate`` with ``render_map``.
    rendered = True

    @property
    def objects(self) -> list[K8sObject]:
        return self.loaded.objects

    @property
    def files(self) -> list[SourceFile]:
        """The rendered stream (findings in it are relocated to the source files)."""
        return self.loaded.files


@dataclass
class Renders:
    units: list[RenderedUnit] = field(default_factory=list)
    files: SourceFiles = field(default_factory=lambda: _source_files())
    # Files that are neither plain objects nor a unit: library charts' templates.
    skipped: set[Path] = field(default_factory=set)
    read_bytes: int = 0  # the renders' output loaded (the run's byte budget counts it)

    @property
    def consumed(self) -> set[Path]:
        return {path for unit in self.units for path in unit.consumed} | self.skipped

    @property
    def maps(self) -> dict[str, RenderMap]:
        return {u.render_map.rendered: u.render_map for u in self.units if u.render_map}


def _source_files() -> SourceFiles:
    from kslint.render.files import SourceFiles

    return SourceFiles()


# The stage's functions live in ``kslint.render.stage``, imported when first named: the
# settings and result types above are all a run that renders nothing needs.
_STAGE = frozenset({"helm_streams", "render_charts", "render_units", "unit_name"})


def __getattr__(name: str) -> Any:
    if name in _STAGE:
        return getattr(importlib.import_module("kslint.render.stage"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

"""What a run's renders read, as one description: the content cache's key for runs that
render (``kslint.pipeline``).

A render reads more than the linted files (a base in another folder, a generator's data
file, a chart's templates) and its output depends on the renderer. The description holds
the renderer programs and their versions, and for each root kustomization and each chart
every local file the render reads with the SHA-256 of its bytes, so a run whose renders
would read other bytes (or run another kustomize) never gets an older result.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from kslint.render import RenderSettings, helm, tools
from kslint.render.kustomization import KustomizationReader


def describe(
    kustomization_dirs: Iterable[Path],
    chart_templates: Iterable[Path],
    settings: RenderSettings,
    known: Mapping[Path, tuple[bytes, Any]] | None = None,
) -> str | None:
    """The renders' inputs, or None when one of them cannot be read (the run is then
    not cached: a file that cannot be read now may be readable by the renderer later).
    ``known``: kustomization files the run has read (``KustomizationReader.known``)."""
    digest = hashlib.sha256(repr(settings).encode())
    reader = KustomizationReader(known or {})
    roots = reader.roots(kustomization_dirs)
    if roots:
        digest.update(tools.program_identity(settings.kustomize_command).encode())
    files: set[Path] = set()
    for root in roots:
        digest.update(f"root\0{root.path}\n".encode())
        files |= reader.consumed(root)
    charts = sorted({c for c in map(helm.chart_root, chart_templates) if c is not None})
    if charts:
        helm_program = tools.program_identity(settings.helm_command, tools.HELM_ENV)
        digest.update(f"helm\0{helm_program}\n".encode())
    for chart in charts:
        digest.update(f"chart\0{chart.resolve()}\n".encode())
        files |= helm.chart_files(chart)
    for path in sorted(files):
        try:
            state = hashlib.sha256(path.read_bytes()).hexdigest()
        except (FileNotFoundError, NotADirectoryError):
            # Absent: its render fails, and does again until the file is there (when the
            # key changes). Keyed as absent, so a repository with a broken reference is
            # still cached.
            state = "absent"
        except ValueError:  # a NUL byte: never a file
            state = "not a path"
        except OSError:
            return None
        digest.update(f"{path}\0{state}\n".encode())
    return digest.hexdigest()

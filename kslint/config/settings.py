"""The effective configuration, as values: what the file says with the CLI flags on top."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from kslint.discover import Limits, PathFilter
from kslint.findings import Severity
from kslint.options import RuleOptions
from kslint.ruleset import ALL

CONFIG_NAMES = (".kslint.yaml", ".kslint.yml")
PYPROJECT = "pyproject.toml"
LEVELS = ("error", "warning", "info")
OFF = "off"


class ConfigError(Exception):
    """An invalid configuration or flag: each problem is one ``file:line:col: message``."""

    def __init__(self, problems: list[str], what: str = "configuration") -> None:
        super().__init__("\n".join(problems))
        self.problems = problems
        self.what = what  # "configuration", or "policies" when only policies are at fault


@dataclass(frozen=True)
class Exemption:
    """Findings to hide: those of ``rules`` about objects every given glob matches."""

    reason: str
    source: str  # where the exemption is written: ``file:line``
    rules: tuple[str, ...] = (ALL,)  # rule IDs, family names or ``all``
    kind: str | None = None
    namespace: str | None = None
    name: str | None = None
    paths: tuple[str, ...] = ()


@dataclass(frozen=True)
class Config:
    """The effective configuration: the file's settings with the CLI flags applied."""

    path: Path | None = None  # the file it came from; None: no configuration file
    root: Path = field(default_factory=Path.cwd)  # globs and context paths are relative to it
    severity: dict[str, str] = field(default_factory=dict)  # rule ID or family -> level/off
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    fail_on: str | None = None
    namespace: str | None = None
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    context: tuple[str, ...] | None = None  # None: the default (include globs, or root)
    stateful_images: tuple[str, tuple[str, ...]] | None = None  # ("extend"|"replace", names)
    cluster_storage_classes: tuple[str, ...] | None = None
    cluster_claims: tuple[tuple[str, str], ...] = ()
    cluster_services: tuple[tuple[str, str], ...] = ()
    exemptions: tuple[Exemption, ...] = ()
    policies: tuple[Path, ...] = ()  # policy files or folders, resolved against ``root``
    limits: Limits = field(default_factory=Limits)  # what one run may read
    kubernetes_version: str | None = None
    schema_dirs: tuple[Path, ...] = ()
    # Globs (relative to ``root``) of directories whose plain files form units of their
    # own (kslint.units): references do not cross from one to another.
    units: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()  # ``file:line:col: ...`` notes to show (deprecated names)
    render_mode: str | None = None  # render.mode: auto, always or never
    render_timeout: float | None = None  # render.timeout, seconds
    # helm: how charts are rendered (release name, values files, --set); never a program.
    helm_release: str | None = None
    helm_values: tuple[str, ...] = ()
    helm_set: tuple[str, ...] = ()

    def path_filter(self) -> PathFilter | None:
        """The file's ``include``/``exclude`` globs (None without a file)."""
        if self.path is None:
            return None
        return PathFilter(self.root, self.include, self.exclude)

    def context_paths(self) -> tuple[list[str], PathFilter]:
        """What to load to resolve references: ``context`` (``exclude`` still applies),
        else the ``include`` globs below the root, else the whole root."""
        if self.context is None:
            return [str(self.root)], PathFilter(self.root, self.include, self.exclude)
        return [str(self.root / name) for name in self.context], PathFilter(
            self.root, (), self.exclude
        )

    def context_files(self) -> list[str]:
        """Files (not folders) the ``context`` setting names: context only, never linted
        (a ``kubectl get -o yaml`` dump of the cluster kept in the repository)."""
        if self.path is None or self.context is None:
            return []
        return [str(self.root / name) for name in self.context if (self.root / name).is_file()]

    def with_cluster_classes(self, names: Iterable[str]) -> Config:
        """These StorageClasses are the cluster's (a ``kubectl get storageclass`` dump
        given as context lists them all), added to any the ``cluster`` setting declares."""
        known = set(self.cluster_storage_classes or ()) | set(names)
        return replace(self, cluster_storage_classes=tuple(sorted(known)))

    def rule_options(self) -> RuleOptions:
        """The documented rule options the checks read from ``graph.options``."""
        images: frozenset[str] | None = None
        if self.stateful_images is not None:
            mode, names = self.stateful_images
            base = builtin_stateful_images() if mode == "extend" else frozenset()
            images = frozenset(base) | frozenset(names)
        classes = self.cluster_storage_classes
        return RuleOptions(
            stateful_images=images,
            cluster_storage_classes=None if classes is None else frozenset(classes),
            cluster_claims=frozenset(self.cluster_claims),
            cluster_services=frozenset(self.cluster_services),
        )


@dataclass(frozen=True)
class Overrides:
    """What the command line says; each set flag overrides (or adds to) the file."""

    select: tuple[str, ...] | None = None  # replaces the file's select
    ignore: tuple[str, ...] = ()  # added to the file's ignore
    severity: tuple[str, ...] = ()  # RULE=LEVEL, each replacing the file's entry
    fail_on: str | None = None
    namespace: str | None = None
    # --max-bytes, --max-documents, --max-file-bytes: each replaces the file's limit.
    limits: tuple[tuple[str, int], ...] = ()


def builtin_stateful_images() -> frozenset[str]:
    """The built-in stateful image list (``kslint.images``), for ``extend``."""
    from kslint.images import stateful_names

    return stateful_names()


def parse_level(level: str) -> Severity | None:
    """A configured level: None for ``off``."""
    return None if level == OFF else Severity.parse(level)

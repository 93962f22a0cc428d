"""Turning a validated configuration file into a ``Config``."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from kslint.config.read import Locator
from kslint.config.settings import Config, Exemption
from kslint.discover import Limits
from kslint.registry import RENAMED_FAMILIES
from kslint.ruleset import ALL


def _pairs(names: Iterable[str]) -> tuple[tuple[str, str], ...]:
    return tuple(tuple(name.split("/", 1)) for name in names)  # type: ignore[misc]


def renamed(name: str) -> str:
    """A family id as it is called now (``policy`` became ``suppression``)."""
    return RENAMED_FAMILIES.get(name, name)


def _names(names: Iterable[Any]) -> tuple[str, ...]:
    return tuple(renamed(str(name)) for name in names)


def rename_notes(value: Any, locator: Locator) -> tuple[str, ...]:
    """One note per use of a renamed family id, at its position."""
    places: list[tuple[list[Any], str, bool]] = []
    for name in value.get("severity") or {}:
        places.append((["severity", name], str(name), True))
    for key in ("select", "ignore"):
        places += [([key, i], str(n), False) for i, n in enumerate(value.get(key) or ())]
    for number, item in enumerate(value.get("exemptions") or ()):
        rules = item.get("rules") or () if isinstance(item, dict) else ()
        places += [(["exemptions", number, "rules", i], str(n), False) for i, n in enumerate(rules)]
    return tuple(
        f"{locator.where(path, key=key)}: the family {name!r} is now called "
        f"{RENAMED_FAMILIES[name]!r}; the old id still works but is deprecated"
        for path, name, key in places
        if name in RENAMED_FAMILIES
    )


def _versions(value: Any) -> str | None:
    """``kubernetes_version``: one version, a comma-separated string or a list."""
    if isinstance(value, list):
        return ",".join(str(item) for item in value)
    return value


def to_config(value: Any, path: Path, locator: Locator) -> Config:
    images = value.get("stateful_images")
    cluster = value.get("cluster") or {}
    classes = cluster.get("storage_classes")
    exemptions = []
    for index, item in enumerate(value.get("exemptions") or []):
        span = locator.span(["exemptions", index])
        exemptions.append(
            Exemption(
                reason=item["reason"],
                source=f"{locator.shown}:{span.line}",
                rules=_names(item.get("rules") or (ALL,)),
                kind=item.get("kind"),
                namespace=item.get("namespace"),
                name=item.get("name"),
                paths=tuple(item.get("paths") or ()),
            )
        )
    context = value.get("context")
    return Config(
        path=path,
        root=path.parent,
        severity={renamed(str(k)): str(v) for k, v in (value.get("severity") or {}).items()},
        select=None if value.get("select") is None else _names(value["select"]),
        ignore=_names(value.get("ignore") or ()),
        fail_on=value.get("fail_on"),
        namespace=value.get("namespace"),
        include=tuple(value.get("include") or ()),
        exclude=tuple(value.get("exclude") or ()),
        context=None if context is None else tuple(context),
        stateful_images=None
        if images is None
        else next((mode, tuple(names)) for mode, names in images.items()),
        cluster_storage_classes=None if classes is None else tuple(classes),
        cluster_claims=_pairs(cluster.get("persistent_volume_claims") or ()),
        cluster_services=_pairs(cluster.get("services") or ()),
        exemptions=tuple(exemptions),
        policies=tuple(path.parent / name for name in value.get("policies") or ()),
        kubernetes_version=_versions(value.get("kubernetes_version")),
        schema_dirs=tuple(path.parent / name for name in value.get("schema_dirs") or ()),
        units=tuple(value.get("units") or ()),
        notes=rename_notes(value, locator),
        limits=_limits(value.get("limits") or {}),
        render_mode=(value.get("render") or {}).get("mode"),
        render_timeout=(value.get("render") or {}).get("timeout"),
        helm_release=(value.get("helm") or {}).get("release_name"),
        helm_values=tuple((value.get("helm") or {}).get("values") or ()),
        helm_set=tuple((value.get("helm") or {}).get("set") or ()),
    )


def _limits(value: dict[str, Any]) -> Limits:
    defaults = Limits()
    return Limits(
        max_bytes=value.get("max_bytes", defaults.max_bytes),
        max_documents=value.get("max_documents", defaults.max_documents),
        max_file_bytes=value.get("max_file_bytes", defaults.max_file_bytes),
    )

"""Deprecated and removed API versions: the table in ``schemas/deprecations.yaml``."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from kslint.api_schemas.store import version_key
from kslint.datafiles import data_dir

GUIDE = "https://kubernetes.io/docs/reference/using-api/deprecation-guide/"


@dataclass(frozen=True)
class ApiChange:
    api_version: str
    kind: str
    removed: str | None  # None: deprecated, no removal scheduled
    deprecated: str | None = None
    replacement: str | None = None
    replacement_kind: str | None = None
    available: str | None = None
    note: str | None = None
    # Where the row comes from: a URL (the migration guide, a changelog) or
    # ``bundled-schemas``; rows without one in the file come from the guide.
    source: str = GUIDE

    def removed_in(self, version: str) -> bool:
        return self.removed is not None and version_key(version) >= version_key(self.removed)

    def deprecated_in(self, version: str) -> bool:
        return (
            self.deprecated is not None
            and version_key(version) >= version_key(self.deprecated)
            and not self.removed_in(version)
        )

    def advice(self) -> str:
        if self.replacement is None:
            return self.note or "it has no replacement"
        since = f" (available since {self.available})" if self.available else ""
        kind = f" {self.replacement_kind}" if self.replacement_kind else ""
        return f"use {self.replacement}{kind}{since}"

    def removal(self) -> str:
        if self.removed is None:
            return "no removal is scheduled"
        return f"removed in {self.removed}"


@cache
def table() -> dict[tuple[str, str], ApiChange]:
    """``(apiVersion, kind) -> ApiChange`` for every entry of the table."""
    from ruamel.yaml import YAML

    data = YAML(typ="safe", pure=False).load(
        (data_dir("schemas") / "deprecations.yaml").read_bytes()
    )
    found: dict[tuple[str, str], ApiChange] = {}
    for entry in data["apis"]:
        for kind in entry["kinds"]:
            found[(entry["apiVersion"], kind)] = ApiChange(
                api_version=entry["apiVersion"],
                kind=kind,
                removed=None if entry.get("removed") is None else str(entry["removed"]),
                deprecated=None if entry.get("deprecated") is None else str(entry["deprecated"]),
                replacement=entry.get("replacement"),
                replacement_kind=entry.get("replacementKind"),
                available=None if entry.get("available") is None else str(entry["available"]),
                note=entry.get("note"),
                source=entry.get("source", GUIDE),
            )
    return found

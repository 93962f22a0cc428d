"""Which Kubernetes versions a run targets: ``--kubernetes-version 1.31,1.34``.

Any minor version from ``OLDEST`` to the newest bundled one is accepted. Versions that the
bundled schemas cover (1.25 and later) are fully checked; older ones get the API removal
and deprecation table only, and the run says so once.
"""

from __future__ import annotations

from collections.abc import Sequence

from kslint.api_schemas.store import SchemaError, bundled_versions, version_key

OLDEST = "1.16"  # the oldest version the API removal table covers


def parse_minor(text: str) -> str | None:
    """``1.36``, ``v1.36`` or ``1.36.2`` as ``1.36``; None if it is not a version."""
    parts = text.strip().lstrip("vV").split(".")
    if len(parts) in (2, 3) and all(part.isdigit() for part in parts):
        return f"{int(parts[0])}.{int(parts[1])}"
    return None


def _supported(minor: str) -> bool:
    newest = bundled_versions()[-1]
    return version_key(OLDEST) <= version_key(minor) <= version_key(newest)


def resolve_versions(requested: str | Sequence[str] | None) -> list[str]:
    """The target minor versions, oldest first, without repeats; None or empty: the
    newest bundled. A string may list several, comma-separated. Raises ``SchemaError``."""
    items = [requested] if isinstance(requested, str) or requested is None else requested
    names = [part for item in items if item for part in str(item).split(",") if part.strip()]
    if not names:
        return [bundled_versions()[-1]]
    found: set[str] = set()
    for name in names:
        minor = parse_minor(name)
        if minor is None or not _supported(minor):
            raise SchemaError(
                f"unsupported Kubernetes version {name.strip()!r}; supported: {OLDEST} to "
                f"{bundled_versions()[-1]} (schemas bundled for {describe_bundled()})"
            )
        found.add(minor)
    return sorted(found, key=version_key)


def describe_bundled() -> str:
    versions = bundled_versions()
    return f"{versions[0]} to {versions[-1]}"


def has_schemas(version: str) -> bool:
    return version in bundled_versions()


def joined(versions: Sequence[str]) -> str:
    """``1.31``, ``1.31 and 1.34``, ``1.29, 1.31 and 1.34``."""
    if len(versions) == 1:
        return versions[0]
    return f"{', '.join(versions[:-1])} and {versions[-1]}"


def resolve_version(requested: str | None) -> str:
    """One target version (``1.36``, ``v1.36``, ``1.36.2``); None: the newest bundled."""
    versions = resolve_versions(requested)
    if len(versions) > 1:
        raise SchemaError(f"expected one Kubernetes version, got {', '.join(versions)}")
    return versions[0]

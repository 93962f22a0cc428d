"""The documented rule options: the only configuration checks may read.

The configuration stage fills them from the config file and CLI; checks find them at
``graph.options``. They live at the bottom of the package so that the graph (which
carries them) needs nothing from the layers above it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RuleOptions:
    # Overrides the built-in stateful image list when set (config ``stateful_images``).
    stateful_images: frozenset[str] | None = None
    # Objects that exist in the cluster, not in the repository (config ``cluster``).
    cluster_storage_classes: frozenset[str] | None = None  # None: inventory not declared
    cluster_claims: frozenset[tuple[str, str]] = frozenset()  # (namespace, name)
    cluster_services: frozenset[tuple[str, str]] = frozenset()  # (namespace, name)

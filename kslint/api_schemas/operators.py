"""Bundled schemas of the database operators' custom resources (family F).

``schemas/operators/<group>.json`` holds, for one apiVersion group, the
``openAPIV3Schema`` of each kind family F reads, as the operator's CRD publishes it
(extracted by ``scripts/vendor_operator_schemas.py``; provenance and licences in
``schemas/operators/PROVENANCE.md``). A file is read the first time an object of its group
is validated. A CRD in the linted set or a ``--schema-dir`` schema takes precedence.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from kslint.datafiles import data_dir


@cache
def _group(group: str) -> dict[str, Any] | None:
    if not group or "/" in group or group.startswith("."):
        return None
    path = data_dir("schemas") / "operators" / f"{group}.json"
    if not path.is_file():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def operator_schema(api_version: str, kind: str) -> dict[str, Any] | None:
    """The CRD ``openAPIV3Schema`` of a bundled operator kind, or None."""
    data = _group(api_version.rpartition("/")[0])
    if data is None:
        return None
    key = data["kinds"].get(api_version, {}).get(kind)
    return data["schemas"][key] if key is not None else None

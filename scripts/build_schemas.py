"""Build kslint's bundled Kubernetes JSON Schemas from a pinned upstream source.

    python scripts/build_schemas.py                 # downloads the pinned wheel with pip
    python scripts/build_schemas.py --wheel FILE    # or uses a wheel already on disk

Source: the ``kubernetes-validate`` package on PyPI (Apache-2.0), which ships JSON Schemas
generated from the Kubernetes OpenAPI documents, one folder per Kubernetes minor version.
This script reads the "local-strict" variant (``additionalProperties: false`` everywhere)
of every minor version the pinned package ships (1.25 to 1.37 for 1.37.0) and writes,
under ``schemas/kubernetes/``:

- ``definitions.json``: every definition of every bundled version, each stored once.
  A definition whose text is the same in several versions (most are) is shared; one that
  changed gets a second entry ``NAME@X.Y``. Descriptions, formats and ``x-kubernetes-*``
  annotations are dropped: validation does not read them, and they are most of the bytes.
- ``index.json``: the bundled versions; for each stored definition, the versions it stands
  for (``1.25-1.29,1.31``); for each ``apiVersion``/``kind``, its definition and the
  versions that serve it. Listing versions per definition instead of definitions per
  version keeps the index small (13 versions share most of everything).
- ``LICENSE``: the source package's licence.

Two rewrites make the schemas say what the API server accepts:

- int-or-string (``IntOrString``) and quantity (``Quantity``) are written upstream as
  ``oneOf: [{type: [string, null]}, {type: [integer|number, null]}]``; ``null`` matches
  both branches, so ``oneOf`` rejects it. They become one type list.
- a quantity string must match the API server's quantity syntax (``10Gi``, ``500m``,
  ``1e3``), so ``storage: 10GB`` is reported instead of failing at apply time.

Lint time never downloads anything: it reads only the files this script wrote.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any

PACKAGE = "kubernetes-validate"
PINNED = "1.37.0"
PINNED_SHA256 = "85136d018a27b50ec7fc049d902bfa5193f5976807e6c0f408e3ab6fe078cad9"
OLDEST = (1, 25)  # the oldest minor the pinned package ships; older ones are not bundled
ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "schemas" / "kubernetes"
PREFIX = "kubernetes_validate/kubernetes-json-schema/"
FOLDER = re.compile(r"v(\d+)\.(\d+)\.0-local-strict/_definitions\.json$")

INT_OR_STRING = "io.k8s.apimachinery.pkg.util.intstr.IntOrString"
QUANTITY = "io.k8s.apimachinery.pkg.api.resource.Quantity"
# The API server's quantity grammar: a signed decimal number, then a binary SI suffix, a
# decimal SI suffix or a decimal exponent (k8s.io/apimachinery/pkg/api/resource).
QUANTITY_PATTERN = r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([KMGTPE]i|[numkMGTPE]|[eE][+-]?[0-9]+)?$"

DROPPED = {"description", "format", "x-kubernetes-group-version-kind"}


def download(target: Path) -> Path:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--quiet",
            "-d",
            str(target),
            f"{PACKAGE}=={PINNED}",
        ],
        check=True,
    )
    return next(target.glob("kubernetes_validate-*.whl"))


def clean(schema: Any) -> Any:
    """Drop what validation never reads; keep property names exactly."""
    if isinstance(schema, list):
        return [clean(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    result = {}
    for key, value in schema.items():
        if key in DROPPED or key.startswith("x-kubernetes-"):
            continue
        if key in ("properties", "$defs", "patternProperties"):
            result[key] = {name: clean(sub) for name, sub in value.items()}
        else:
            result[key] = clean(value)
    return result


def rewrite(name: str, schema: dict[str, Any]) -> dict[str, Any]:
    if name == INT_OR_STRING:
        return {"type": ["integer", "string", "null"]}
    if name == QUANTITY:
        # A pattern applies to strings only: numbers (``cpu: 0.5``) stay valid.
        return {"type": ["string", "number", "null"], "pattern": QUANTITY_PATTERN}
    if "oneOf" in schema:
        raise SystemExit(f"{name}: unexpected oneOf; teach build_schemas.py about it")
    return schema


def read_versions(wheel: Path) -> dict[str, dict[str, Any]]:
    found: dict[tuple[int, int], str] = {}
    with zipfile.ZipFile(wheel) as archive:
        for member in archive.namelist():
            match = FOLDER.search(member)
            if member.startswith(PREFIX) and match:
                found[(int(match[1]), int(match[2]))] = member
        return {
            f"{major}.{minor}": json.loads(archive.read(found[(major, minor)]))["$defs"]
            for major, minor in sorted(found)
            if (major, minor) >= OLDEST
        }


def ranges(members: list[str], order: list[str]) -> str:
    """The versions in ``members`` as runs of consecutive bundled versions:
    ``1.25-1.37``, ``1.25-1.29,1.31``."""
    runs: list[list[str]] = []
    previous = -2
    for position, version in enumerate(order):
        if version not in members:
            continue
        if position == previous + 1:
            runs[-1][1] = version
        else:
            runs.append([version, version])
        previous = position
    return ",".join(first if first == last else f"{first}-{last}" for first, last in runs)


def build(wheel: Path) -> None:
    versions = read_versions(wheel)
    order = list(versions)
    stored: dict[str, Any] = {}
    stored_text: dict[str, str] = {}
    served_by: dict[str, list[str]] = {}  # stored key -> versions whose NAME resolves to it
    kinds: dict[str, dict[str, str]] = {}  # apiVersion -> kind -> definition name
    kind_versions: dict[tuple[str, str], list[str]] = {}
    for version, definitions in versions.items():
        for name in sorted(definitions):
            raw = definitions[name]
            for gvk in raw.get("x-kubernetes-group-version-kind", []):
                api_version = f"{gvk['group']}/{gvk['version']}" if gvk["group"] else gvk["version"]
                known = kinds.setdefault(api_version, {}).setdefault(gvk["kind"], name)
                if known != name:
                    raise SystemExit(f"{api_version} {gvk['kind']}: {known} and {name}")
                kind_versions.setdefault((api_version, gvk["kind"]), []).append(version)
            schema = rewrite(name, clean(raw))
            text = json.dumps(schema, sort_keys=True, separators=(",", ":"))
            key = next(
                (
                    k
                    for k in (name, *stored_variants(stored_text, name))
                    if stored_text.get(k) == text
                ),
                None,
            )
            if key is None:
                key = name if name not in stored_text else f"{name}@{version}"
                stored[key] = schema
                stored_text[key] = text
            served_by.setdefault(key, []).append(version)
    OUT.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    document = {
        "source": {
            "package": PACKAGE,
            "version": PINNED,
            "sha256": digest,
            "variant": "local-strict",
            "license": "Apache-2.0",
        },
        "versions": order,
        # Which bundled versions each stored definition stands for: ``NAME`` and its
        # variants ``NAME@X.Y`` cover disjoint sets of versions.
        "definitions": {key: ranges(served_by[key], order) for key in sorted(stored)},
        # apiVersion -> kind -> [definition name, the versions that serve the kind].
        "kinds": {
            api: {
                kind: [name, ranges(kind_versions[(api, kind)], order)]
                for kind, name in sorted(k.items())
            }
            for api, k in sorted(kinds.items())
        },
    }
    (OUT / "index.json").write_text(json.dumps(document, indent=1, sort_keys=True) + "\n")
    (OUT / "definitions.json").write_text(
        json.dumps({"$defs": dict(sorted(stored.items()))}, sort_keys=True, separators=(",", ":"))
        + "\n"
    )
    with zipfile.ZipFile(wheel) as archive:
        licence = next(n for n in archive.namelist() if n.endswith("/LICENSE"))
        (OUT / "LICENSE").write_bytes(archive.read(licence))
    total = sum(len(v) for v in versions.values())
    print(
        f"{len(versions)} versions ({order[0]} to {order[-1]}): {total} definitions, "
        f"{len(stored)} stored; wrote {OUT.relative_to(ROOT)}"
    )
    if digest != PINNED_SHA256:
        print(f"warning: {wheel.name} has sha256 {digest}, not the pinned {PINNED_SHA256}")


def stored_variants(stored_text: dict[str, str], name: str) -> list[str]:
    return [key for key in stored_text if key.startswith(name + "@")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheel", type=Path, help=f"a {PACKAGE} {PINNED} wheel on disk")
    args = parser.parse_args()
    if args.wheel:
        build(args.wheel)
        return
    with tempfile.TemporaryDirectory() as folder:
        build(download(Path(folder)))


if __name__ == "__main__":
    main()

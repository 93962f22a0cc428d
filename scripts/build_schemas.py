"""Build kslint's bundled Kubernetes JSON Schemas from a pinned upstream source.

    python scripts/build_schemas.py                 # downloads the pinned wheel with pip
    python scripts/build_schemas.py --wheel FILE    # or uses a wheel already on disk

Source: the ``kubernetes-validate`` package on PyPI (Apache-2.0), which ships JSON Schemas
generated from the Kubernetes OpenAPI documents, one folder per Kubernetes minor version.
This script reads the "local-strict" variant (``additionalProperties: false`` everywhere)
of the newest ``VERSIONS`` minor versions and writes, under ``schemas/kubernetes/``:

- ``definitions.json``: every definition of every bundled version, each stored once.
  A definition whose text is the same in several versions (most are) is shared; one that
  changed gets a second entry ``NAME@X.Y``. Descriptions, formats and ``x-kubernetes-*``
  annotations are dropped: validation does not read them, and they are most of the bytes.
- ``index.json``: per version, which definition each ``apiVersion``/``kind`` uses, which
  stored names the version lacks (``absent``) and which stored variant a name resolves to
  where it differs from the shared one (``variants``).
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
VERSIONS = 4  # the newest minor versions to bundle
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
        newest = sorted(found)[-VERSIONS:]
        return {
            f"{major}.{minor}": json.loads(archive.read(found[(major, minor)]))["$defs"]
            for major, minor in newest
        }


def build(wheel: Path) -> None:
    versions = read_versions(wheel)
    stored: dict[str, Any] = {}
    stored_text: dict[str, str] = {}
    index: dict[str, Any] = {}
    for version, definitions in versions.items():
        kinds: dict[str, dict[str, str]] = {}
        names: list[str] = []
        variants: dict[str, str] = {}
        for name in sorted(definitions):
            raw = definitions[name]
            for gvk in raw.get("x-kubernetes-group-version-kind", []):
                api_version = f"{gvk['group']}/{gvk['version']}" if gvk["group"] else gvk["version"]
                kinds.setdefault(api_version, {})[gvk["kind"]] = name
            schema = rewrite(name, clean(raw))
            text = json.dumps(schema, sort_keys=True, separators=(",", ":"))
            key = name
            if name in stored_text and stored_text[name] != text:
                key = next(
                    (k for k, t in stored_text.items() if k.startswith(name + "@") and t == text),
                    f"{name}@{version}",
                )
            if key not in stored:
                stored[key] = schema
                stored_text[key] = text
            names.append(name)
            if key != name:
                variants[name] = key
        index[version] = {
            "kinds": {api: dict(sorted(k.items())) for api, k in sorted(kinds.items())},
            "names": set(names),
            "variants": variants,
        }
    # A version holds every stored base name except those listed as absent.
    bases = {key for key in stored if "@" not in key}
    for entry in index.values():
        entry["absent"] = sorted(bases - entry.pop("names"))
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
        "versions": index,
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
        f"{len(versions)} versions ({', '.join(versions)}): {total} definitions, "
        f"{len(stored)} stored; wrote {OUT.relative_to(ROOT)}"
    )
    if digest != PINNED_SHA256:
        print(f"warning: {wheel.name} has sha256 {digest}, not the pinned {PINNED_SHA256}")


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

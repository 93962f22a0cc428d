"""Where schemas come from: the bundled Kubernetes schemas (one set per minor version),
the CustomResourceDefinitions in the linted set, and ``--schema-dir`` folders.

Everything is loaded on first use, for the kinds present only, and every compiled check
and ``jsonschema`` validator is built once per kind and version and then reused (bundled
ones for the life of the process, so repeated ``lint`` calls share them).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kslint.api_schemas.fast_check import Check, Compiler, InvalidSchema, Unsupported
from kslint.datafiles import data_dir
from kslint.errors import UsageError
from kslint.objects import group_of

if TYPE_CHECKING:  # jsonschema is imported when an object fails its fast check: most
    # runs never need it, and importing it costs a small run a sixth of its time.
    from jsonschema.exceptions import ValidationError
    from referencing import Registry

DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema"


class SchemaError(UsageError):
    """A problem with what the user asked for: an unknown version, a bad schema folder."""


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


@cache
def _index() -> dict[str, Any]:
    path = data_dir("schemas") / "kubernetes" / "index.json"
    return json.loads(path.read_text(encoding="utf-8"))


@cache
def _stored() -> dict[str, Any]:
    path = data_dir("schemas") / "kubernetes" / "definitions.json"
    return json.loads(path.read_text(encoding="utf-8"))["$defs"]


def bundled_versions() -> list[str]:
    """The bundled Kubernetes minor versions, oldest first."""
    return sorted(_index()["versions"], key=version_key)


@cache
def _members(ranges: str) -> frozenset[str]:
    """``1.25-1.29,1.31`` as the set of bundled versions it names."""
    order = bundled_versions()
    found: set[str] = set()
    for run in ranges.split(","):
        first, _, last = run.partition("-")
        start, end = order.index(first), order.index(last or first)
        found.update(order[start : end + 1])
    return frozenset(found)


@cache
def _kinds(version: str) -> dict[str, dict[str, str]]:
    """apiVersion -> kind -> definition name, for the kinds ``version`` serves."""
    found: dict[str, dict[str, str]] = {}
    for api_version, kinds in _index()["kinds"].items():
        for kind, (name, ranges) in kinds.items():
            if version in _members(ranges):
                found.setdefault(api_version, {})[kind] = name
    return found


def source() -> dict[str, str]:
    return dict(_index()["source"])


def served(version: str, api_version: str, kind: str) -> bool:
    return kind in _kinds(version).get(api_version, {})


class Schema:
    """One kind's schema: a fast compiled check, and a ``jsonschema`` validator built the
    first time an object fails the check (to explain why)."""

    def __init__(
        self,
        root: dict[str, Any],
        label: str,
        compiler: Compiler | None,
        registry: Registry | None = None,
    ) -> None:
        self.root = root
        self.label = label
        self.registry = registry
        self.check: Check | None = None
        # Not a valid schema (a CRD the API server refuses): nothing is checked against it.
        self.invalid = False
        if compiler is not None:
            try:
                self.check = compiler.compile(root)
            except Unsupported:
                self.check = None  # validated by jsonschema alone
            except InvalidSchema:
                self.invalid = True
        self._validator: Any = None

    def validator(self) -> Any:
        if self._validator is None:
            from jsonschema import Draft202012Validator
            from jsonschema.validators import validator_for

            from kslint.schema_keywords import extend

            # Patterns match with RE2 as in the API server; uniqueItems hashes.
            cls = extend(validator_for(self.root, default=Draft202012Validator))
            if self.registry is not None:
                self._validator = cls(self.root, registry=self.registry)
            else:
                self._validator = cls(self.root)
        return self._validator

    def is_valid(self, instance: Any) -> bool:
        if self.check is not None:
            return self.check(instance)
        return not any(True for _ in self.errors(instance))

    def errors(self, instance: Any) -> list[ValidationError]:
        if self.invalid:
            return []
        return list(self.validator().iter_errors(instance))


class KubernetesSchemas:
    """The bundled schemas of one minor version, resolved for it."""

    def __init__(self, version: str) -> None:
        self.version = version
        self.kinds = _kinds(version)
        stored = _stored()
        self.definitions = {
            key.partition("@")[0]: stored[key]
            for key, ranges in _index()["definitions"].items()
            if version in _members(ranges)
        }
        self.root = {"$defs": self.definitions}
        self.compiler = Compiler(self.root)
        self._schemas: dict[tuple[str, str], Schema | None] = {}
        self._served_by_group: dict[tuple[str, str], list[str]] | None = None

    def schema(self, api_version: str, kind: str) -> Schema | None:
        key = (api_version, kind)
        if key not in self._schemas:
            name = self.kinds.get(api_version, {}).get(kind)
            found = None
            if name is not None:
                root = {
                    "$schema": DRAFT_2020_12,
                    "$defs": self.definitions,
                    "$ref": f"#/$defs/{name}",
                }
                found = Schema(root, f"{api_version} {kind}", self.compiler)
            self._schemas[key] = found
        return self._schemas[key]

    def custom(self, schema: dict[str, Any], label: str) -> Schema:
        """A CRD's converted schema, whose ``metadata`` refers to this version's ObjectMeta."""
        root = {**schema, "$schema": DRAFT_2020_12, "$defs": self.definitions}
        return Schema(root, label, Compiler(root, self.compiler.cache))

    def versions_serving(self, group: str, kind: str) -> list[str]:
        """The apiVersions of ``group`` that serve ``kind`` in this version."""
        if self._served_by_group is None:
            table: dict[tuple[str, str], list[str]] = {}
            for api_version, kinds in self.kinds.items():
                for name in kinds:
                    table.setdefault((group_of(api_version), name), []).append(api_version)
            self._served_by_group = table
        return self._served_by_group.get((group, kind), [])


@cache
def kubernetes(version: str) -> KubernetesSchemas:
    return KubernetesSchemas(version)


class SchemaDir:
    """A folder of JSON Schemas named as kubeconform names them:
    ``{kind}-{group}-{version}.json`` (full group, or its first label as in the
    kubernetes-json-schema collections), ``{kind}-{version}.json`` for the core group, and
    ``{group}/{kind}_{version}.json`` as in CRD catalogs. Names are matched lower-cased."""

    def __init__(self, path: str) -> None:
        self.path = Path(path)
        if not self.path.is_dir():
            raise SchemaError(f"--schema-dir {path}: not a directory")
        self._files: dict[str, Path] | None = None
        self._schemas: dict[tuple[str, str], Schema | None] = {}

    def _index(self) -> dict[str, Path]:
        if self._files is None:
            self._files = {
                file.relative_to(self.path).as_posix().lower(): file
                for file in self.path.rglob("*.json")
                if file.is_file()  # a FIFO named *.json would block the run
            }
        return self._files

    def candidates(self, api_version: str, kind: str) -> list[str]:
        group, _, version = api_version.rpartition("/")
        kind = kind.lower()
        group, version = group.lower(), version.lower()
        if not group:
            return [f"{kind}-{version}.json"]
        names = [f"{kind}-{group}-{version}.json", f"{group}/{kind}_{version}.json"]
        first = group.split(".")[0]
        if first != group:
            names.append(f"{kind}-{first}-{version}.json")
        return names

    def schema(self, api_version: str, kind: str) -> Schema | None:
        key = (api_version, kind)
        if key not in self._schemas:
            files = self._index()
            found = None
            for name in self.candidates(api_version, kind):
                if name in files:
                    found = self._load(files[name], f"{api_version} {kind}")
                    break
            self._schemas[key] = found
        return self._schemas[key]

    def _load(self, file: Path, label: str) -> Schema:
        try:
            root = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, ValueError, RecursionError) as exc:
            raise SchemaError(f"--schema-dir: cannot read {file}: {exc}") from None
        if not isinstance(root, dict):
            raise SchemaError(f"--schema-dir: {file} is not a JSON Schema object")
        folder = file.parent

        from referencing import Registry, Resource
        from referencing.jsonschema import DRAFT7

        def retrieve(uri: str) -> Resource:
            target = folder / uri.split("#")[0].rpartition("/")[2]
            contents = json.loads(target.read_text(encoding="utf-8"))
            return Resource.from_contents(contents, default_specification=DRAFT7)

        registry: Registry = Registry(retrieve=retrieve)  # type: ignore[call-arg]
        return Schema(root, label, Compiler(root), registry=registry)

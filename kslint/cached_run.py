"""A run's result as a cache entry (``kslint.cache``): the key over its inputs and
settings, and the result as plain JSON and back.

The entry holds what reports read: findings (with suppressed and baselined ones), the
counts, the schema summary, which files had text (re-decoded from the same bytes for
excerpts) and the objects' identities in graph order (the JUnit report lists every object).
A result that does not survive the round trip unchanged is not stored.
"""

from __future__ import annotations

import base64
import hashlib
import posixpath
from collections import Counter
from dataclasses import dataclass, fields
from typing import Any

from kslint.api_schemas import SchemaReport
from kslint.cache import build_id, file_digest, file_digests, tree_digest
from kslint.findings import Finding, ObjectRef, Related, Severity, Suppression
from kslint.nodes import (
    POSITIONS_HEADER,
    Span,
    YMap,
    YSeq,
    pack_positions,
    rebuild_map,
    rebuild_seq,
)
from kslint.objects import SourceFile
from kslint.ruleset import RuleSet

# The pipeline's LintOptions / LintResult and the loader's Source (this module sits below
# the pipeline, so it names them by shape only).
LintOptions = LintResult = Source = Any

RUN = "run"


def run_key(
    options: LintOptions, sources: list[Source], context: list[Source], shape: str
) -> str | None:
    """The run's cache key (``shape``: how the inputs are used, e.g. which files are
    context only); None when a setting cannot be described by value (a plugin's
    Python rules: their code is not part of the inputs)."""
    settings = _settings(options)
    if settings is None:
        return None
    digest = hashlib.sha256(f"{build_id()}\0{settings}\0{shape}\n".encode())
    for group, items in (("target", sources), ("context", context)):
        hashes = file_digests([source.data for source in items])
        for source, file_hash in zip(items, hashes, strict=True):
            digest.update(
                f"{group}\0{source.path}\0{source.chart_template}\0{source.error}\0"
                f"{file_hash}\n".encode()
            )
    return digest.hexdigest()


def _settings(options: LintOptions) -> str | None:
    rules = _rules_description(options.rules)
    if rules is None:
        return None
    baseline = options.baseline
    parts = [
        repr(options.config),
        rules,
        "" if baseline is None else f"{baseline.path}\0{sorted(baseline.counts.items())}",
        options.namespace,
        str(options.kubernetes_version),
        repr(options.schema_dirs),
        repr(options.context),
        tree_digest(options.schema_dirs),
        str(options.debug),
    ]
    text = "\0".join(parts)
    return None if " at 0x" in text else text


def _rules_description(rules: RuleSet | None) -> str | None:
    """The rules beyond the built-in ones (policies are data: their metadata and match
    are their whole meaning); None when one is Python code from a plugin."""
    if rules is None:
        return ""
    builtin = RuleSet.builtin()
    extra = [meta for rule_id, meta in rules.catalog.items() if rule_id not in builtin.catalog]
    if any(meta.data is None and meta.id in rules.checks for meta in extra):
        return None
    return repr(sorted((meta.id, repr(meta)) for meta in extra))


# Every field of a Finding, in the order an entry lists them (tests/test_cache.py checks
# that this is all of them: a new field must be stored too).
FINDING_FIELDS = (
    "rule",
    "message",
    "file",
    "span",
    "obj",
    "severity",
    "fix",
    "related",
    "path",
    "kubernetes_versions",
    "origin",
    "scope",
    "units",
)


def _span(span: Span) -> list[int]:
    return [span.line, span.column, span.end_line, span.end_column]


def _same(text: str) -> Any:
    return text


class Strings:
    """A run entry's table of strings: a finding names its rule, message, file and fix by
    their index in it. Thousands of findings repeat a few hundred strings (a rule's fix,
    a file's path): the entry is a fraction of the size, and a warm run decodes it in a
    fraction of the time."""

    def __init__(self) -> None:
        self.table: list[str] = []
        self._index: dict[str, int] = {}

    def __call__(self, text: str) -> int:
        index = self._index.get(text)
        if index is None:
            index = self._index[text] = len(self.table)
            self.table.append(text)
        return index


def _finding(finding: Finding, name: Any = _same) -> list[Any]:
    """``finding`` as JSON data; ``name``: how its strings are written (``Strings``: by
    their index in the entry's table)."""
    obj = finding.obj
    return [
        name(finding.rule),
        name(finding.message),
        name(finding.file),
        _span(finding.span),
        None if obj is None else [obj.kind, obj.namespace, obj.name, obj.api_version],
        None if finding.severity is None else int(finding.severity),
        None if finding.fix is None else name(finding.fix),
        [[name(r.file), _span(r.span), name(r.message)] for r in finding.related],
        list(finding.path),
        list(finding.kubernetes_versions),
        None if finding.origin is None else _finding_ref(finding.origin),
        finding.scope,
        list(finding.units),
    ]


def _unfinding(data: list[Any], table: list[str] | None = None) -> Finding:
    """The finding ``_finding`` wrote (``table``: the entry's strings, when it has one)."""
    rule, message, file, span, obj, severity, fix, related, path, versions = data[:10]
    origin, scope, units = data[10:]
    if table is not None:
        rule, message, file = table[rule], table[message], table[file]
        fix = None if fix is None else table[fix]
        related = [[table[r[0]], r[1], table[r[2]]] for r in related]
    return Finding(
        rule,
        message,
        file,
        Span(*span),
        None if obj is None else ObjectRef(*obj),
        None if severity is None else Severity(severity),
        fix,
        [Related(r[0], Span(*r[1]), r[2]) for r in related],
        tuple(path),
        tuple(versions),
        None if origin is None else ObjectRef(*origin),
        scope,
        tuple(units),
    )


class DecodedLater(SourceFile):
    """A file of a cached result: its text is decoded from the bytes read when a report
    first asks (an excerpt of a finding's line), not for each of thousands of files."""

    def __init__(self, path: str, data: bytes, decode: Any) -> None:
        super().__init__(path)
        # The bytes read (kept here: a later stage may drop the source's).
        self._data: bytes | None = data
        self._decode = decode

    @property  # type: ignore[override]
    def text(self) -> str:
        if self._data is not None:
            data, self._data = self._data, None
            SourceFile.text.fset(self, self._decode(data))  # type: ignore[attr-defined]
        return SourceFile.text.fget(self)  # type: ignore[attr-defined]

    @text.setter
    def text(self, value: str) -> None:
        self._data = None
        SourceFile.text.fset(self, value)  # type: ignore[attr-defined]


@dataclass
class CachedObject:
    """What reports read of a graph object: its file and identity."""

    file: SourceFile
    ref: ObjectRef


class CachedGraph:
    """What reports read of a cached run's graph: its objects' files and identities,
    made from the entry's columns when first asked for (only the JUnit report does)."""

    def __init__(self, runs: list[Any], files: dict[str, SourceFile], table: list[str]) -> None:
        self._runs: list[Any] | None = runs
        self._files = files
        self._table = table
        self._objects: list[CachedObject] = []

    @property
    def objects(self) -> list[CachedObject]:
        if self._runs is not None:
            self._objects, self._runs = _objects_of(self._runs, self._files, self._table), None
        return self._objects


def _objects_of(
    runs: list[Any], files: dict[str, SourceFile], table: list[str]
) -> list[CachedObject]:
    objects = []
    for path_index, kinds, namespaces, names, api_versions in runs:
        path = table[path_index]
        file = files.get(path) or SourceFile(path)
        for kind, namespace, name, api_version in zip(
            kinds, namespaces, names, api_versions, strict=True
        ):
            ref = ObjectRef(
                table[kind],
                None if namespace is None else table[namespace],
                name,
                table[api_version],
            )
            objects.append(CachedObject(file, ref))
    return objects


def to_entry(result: LintResult, inputs: set[str] | None = None) -> dict[str, Any] | None:
    """``result`` as JSON data, or None if it does not come back identical. ``inputs``:
    the paths of the run's own sources (their text is decoded again from the same bytes);
    the text of any other file (a base a render read) is stored in the entry."""
    schema = result.schema
    inputs = inputs if inputs is not None else {file.path for file in result.files}
    name = Strings()
    entry = {
        "findings": [_finding(f, name) for f in result.findings],
        "suppressed": [
            [_finding(s.finding, name), s.reason, s.in_source] for s in result.suppressed
        ],
        "baselined": [_finding(f, name) for f in result.baselined],
        "baseline": None
        if result.baseline is None
        else [result.baseline.path, result.baseline.hidden, result.baseline.gone],
        "schema": None if schema is None else _schema_entry(schema),
        "files": [
            [name(file.path), bool(file.text), None if file.path in inputs else file.text]
            for file in result.files
        ],
        "counts": [result.documents, result.objects, result.skipped],
        "units": list(getattr(result, "units", [])),
        "objects": [] if result.graph is None else _object_runs(result.graph.objects, name),
        "strings": name.table,
    }
    try:
        back = [_unfinding(f, name.table) for f in entry["findings"]]  # type: ignore[union-attr]
    except (TypeError, ValueError):
        return None
    return entry if back == result.findings else None


def _object_runs(objects: list[Any], name: Strings) -> list[list[Any]]:
    """The objects' identities, one run per file in graph order: the path, then a column
    each for kind, namespace, name and apiVersion (a list per object would cost more than
    the objects' own trees on a file of 100,000s of tiny documents). Paths, kinds,
    namespaces and apiVersions repeat: they are written by their index in ``name``."""
    runs: list[list[Any]] = []
    last = None
    for obj in objects:
        if obj.file.path != last:
            last = obj.file.path
            runs.append([name(last), [], [], [], []])
        run = runs[-1]
        run[1].append(name(obj.kind))
        run[2].append(None if obj.namespace is None else name(obj.namespace))
        run[3].append(obj.name)
        run[4].append(name(obj.api_version))
    return runs


def _schema_entry(report: SchemaReport) -> dict[str, Any]:
    """Every field of the schema stage's report (a Counter as its pairs, in order)."""
    entry = {}
    for item in fields(report):
        value = getattr(report, item.name)
        entry[item.name] = list(value.items()) if isinstance(value, Counter) else value
    return entry


def _schema_report(entry: dict[str, Any]) -> SchemaReport:
    values = {}
    for item in fields(SchemaReport):
        value = entry[item.name]
        values[item.name] = (
            Counter(dict(map(tuple, value))) if item.name == "without_schema" else value
        )
    return SchemaReport(**values)


def _finding_ref(ref: ObjectRef) -> list[Any]:
    return [ref.kind, ref.namespace, ref.name, ref.api_version]


def from_entry(
    entry: dict[str, Any], sources: list[Source], rules: RuleSet, decode: Any
) -> dict[str, Any]:
    """The result again, as ``LintResult`` arguments; ``decode(data)`` decodes a
    source's bytes for excerpts (when a report first asks). Raises (KeyError, TypeError,
    ValueError) on an entry of the wrong shape: the caller treats that as a miss."""
    from kslint.baseline import BaselineState

    table = entry["strings"]
    if not isinstance(table, list):
        raise TypeError("an entry's strings are a list")
    by_path = {source.path: source for source in sources}
    files: list[SourceFile] = []
    for path_index, has_text, text in entry["files"]:
        path = table[path_index]
        source = by_path.get(path)
        if text is None and has_text and source:
            files.append(DecodedLater(path, source.data, decode))
        else:
            files.append(SourceFile(path, text or ""))
    runs = entry["objects"]
    if not isinstance(runs, list):
        raise TypeError("an entry's objects are a list")
    schema = entry["schema"]
    baseline = entry["baseline"]
    documents, object_count, skipped = entry["counts"]
    return dict(
        findings=[_unfinding(f, table) for f in entry["findings"]],
        files=files,
        documents=documents,
        objects=object_count,
        skipped=skipped,
        graph=CachedGraph(runs, {file.path: file for file in files}, table),
        suppressed=[Suppression(_unfinding(f, table), r, s) for f, r, s in entry["suppressed"]],
        baseline=None if baseline is None else BaselineState(*baseline),
        baselined=[_unfinding(f, table) for f in entry["baselined"]],
        schema=None if schema is None else _schema_report(schema),
        rules=rules,
        units=list(entry["units"]),
    )


# Per-file entries: a run that misses the whole-run entry (one file changed) takes every
# unchanged file's load result from here and parses only the others. Entries are grouped
# by folder (one cache file per folder, not one per file), each file's result under a key
# over its bytes and the settings of the per-file work.
FILES = "files"


def load_settings(namespace: str, limits: tuple[int | None, int | None], schema: Any) -> str:
    """What changes a file's per-file work besides its bytes: kslint's build, the
    default namespace, the limits (documents, bytes of a file) and the schema settings of
    the pre-checks."""
    dirs = tuple(schema.schema_dirs) if schema is not None else ()
    version = None if schema is None else schema.kubernetes_version
    return f"{build_id()}\0{namespace}\0{limits}\0{version}\0{dirs}\0{tree_digest(dirs)}"


def file_key(settings: str, source: Source) -> str:
    return hashlib.sha256(
        f"{settings}\0{source.path}\0{source.chart_template}\0{source.error}\0"
        f"{file_digest(source.data)}".encode()
    ).hexdigest()


def group_key(settings: str, folder: str) -> str:
    """The name of a folder's entry (stable while its files change)."""
    return hashlib.sha256(f"{settings}\0group\0{folder}".encode()).hexdigest()


class Uncacheable(Exception):
    """A tree holds something JSON cannot carry exactly (the file is not cached)."""


# A tree in an entry: each container a JSON list headed by its type (a mapping's keys
# and values in turn, so keys keep their types; ``_KEYED``: a mapping whose positions
# follow another key order, given next), and the positions of all containers, in
# pre-order, as one base64 string beside it (a node's share follows from its size).
_MAP, _SEQ, _KEYED = 0, 1, 2


def _packed_map(node: YMap) -> tuple[bytes, list[Any] | None]:
    if node._packed is not None:
        return node._packed, None if node._keys is None else list(node._keys)
    keys, values = node.key_spans, node.value_spans
    positions = [*node.span]
    for key in node:
        if key not in keys or key not in values:
            raise Uncacheable(key)
        positions += [*keys[key], *values[key]]
    return pack_positions(positions), None


def _packed_seq(node: YSeq) -> bytes:
    if node._packed is not None:
        return node._packed
    spans = node.item_spans
    if len(spans) != len(node):
        raise Uncacheable(node)
    return pack_positions([number for span in [node.span, *spans] for number in span])


def tree_entry(node: Any) -> tuple[Any, str]:
    """A ``YMap``/``YSeq`` tree as JSON data and its positions (base64). Raises
    ``Uncacheable``."""
    blob = bytearray()
    tree = _encode(node, blob)
    return tree, base64.b64encode(blob).decode()


def _encode(node: Any, blob: bytearray) -> Any:
    if isinstance(node, YMap):
        packed, keys = _packed_map(node)
        _check_size(packed, 1 + 2 * len(node if keys is None else keys))
        blob += packed
        entry: list[Any] = [_MAP] if keys is None else [_KEYED, keys]
        for key, value in dict.items(node):
            if not isinstance(key, _SCALARS):
                raise Uncacheable(key)
            entry += (key, _encode(value, blob))
        return entry
    if isinstance(node, YSeq):
        packed = _packed_seq(node)
        _check_size(packed, 1 + len(node))
        blob += packed
        return [_SEQ, *(_encode(item, blob) for item in node)]
    if isinstance(node, _SCALARS):
        return node
    raise Uncacheable(type(node).__name__)


_SCALARS = (str, int, float, type(None))


def _size(width: int, spans: int) -> int:
    """Bytes of packed positions (``kslint.nodes.pack_positions``: a header, then four
    integers of ``width`` bytes per span)."""
    if width not in (1, 2, 4):
        raise ValueError(f"positions of width {width}")
    return POSITIONS_HEADER + spans * 4 * width


def _check_size(packed: bytes, spans: int) -> None:
    if not packed or len(packed) != _size(packed[0], spans):
        raise Uncacheable("positions")


def tree_from_entry(tree: Any, positions: str) -> Any:
    """``tree_entry``'s result back. Raises ValueError (or TypeError, IndexError) on
    data of another shape."""
    blob = base64.b64decode(positions, validate=True)
    at = [0]
    node = _decode(tree, blob, at)
    if at[0] != len(blob):
        raise ValueError("positions left over")
    return node


def _decode(entry: Any, blob: bytes, at: list[int]) -> Any:
    if type(entry) is not list:
        return entry
    kind = entry[0]
    start = at[0]
    if kind == _SEQ:
        end = at[0] = start + _size(_width(blob, start), len(entry))
        items = [item if type(item) is not list else _decode(item, blob, at) for item in entry[1:]]
        return rebuild_seq(None, _checked(blob, start, end), None, items)
    if kind == _MAP:
        first, keys = 1, None
    elif kind == _KEYED:
        first, keys = 2, tuple(entry[1])
    else:
        raise ValueError(f"unknown node type {kind!r}")
    count = len(entry) - first
    if count % 2:
        raise ValueError("a mapping with a key and no value")
    spans = 1 + (count if keys is None else 2 * len(keys))
    end = at[0] = start + _size(_width(blob, start), spans)
    items = iter(entry[first:])
    pairs = {
        key: value if type(value) is not list else _decode(value, blob, at)
        for key, value in zip(items, items, strict=True)
    }
    return rebuild_map(None, _checked(blob, start, end), keys, None, pairs)


def _width(blob: bytes, start: int) -> int:
    if start >= len(blob):
        raise ValueError("positions missing")
    return blob[start]


def _checked(blob: bytes, start: int, end: int) -> bytes:
    if end > len(blob):
        raise ValueError("positions missing")
    return blob[start:end]


def file_entry(result: Any, checks: list[Any] | None) -> dict[str, Any]:
    """One file's load result (``kslint.workers.FileOutcome``) as JSON data. Raises
    ``Uncacheable``."""
    [file] = result.files
    entry = {
        "text": bool(file.text),
        "objects": [
            [obj.api_version, obj.kind, obj.name, obj.namespace, *tree_entry(obj.body)]
            for obj in result.objects
        ],
        "findings": [_finding(f) for f in result.findings],
        "counts": [result.documents, result.skipped],
        "checks": None
        if checks is None
        else [
            [
                None if check.patterns is None else [_finding(f) for f in check.patterns],
                _by_version(check.by_version),
            ]
            for check in checks
        ],
    }
    if any(obj.origin is not None or obj.problems for obj in result.objects):
        raise Uncacheable("object state")
    return entry


def _by_version(by_version: dict[str, list[Finding]]) -> list[Any]:
    return [[version, [_finding(f) for f in found]] for version, found in by_version.items()]


def from_file_entry(entry: dict[str, Any], source: Source, text: Any) -> tuple[Any, Any]:
    """``file_entry`` back, for ``source`` (whose bytes it was made from; ``text``
    decodes them). Raises (KeyError, TypeError, ValueError) on an entry of the wrong
    shape."""
    from kslint.api_schemas import Prechecked
    from kslint.loader import LoadResult
    from kslint.objects import K8sObject

    file = SourceFile(source.path, text(source) if entry["text"] else "")
    objects = [
        K8sObject(api_version, kind, name, namespace, tree_from_entry(body, positions), file)
        for api_version, kind, name, namespace, body, positions in entry["objects"]
    ]
    if not all(isinstance(obj.body, YMap) for obj in objects):
        raise ValueError("an object body that is not a mapping")
    documents, skipped = entry["counts"]
    result = LoadResult([file], objects, [_unfinding(f) for f in entry["findings"]])
    result.documents, result.skipped = int(documents), int(skipped)
    checks = entry["checks"]
    if checks is not None:
        checks = [
            Prechecked(
                None if patterns is None else [_unfinding(f) for f in patterns],
                {version: [_unfinding(f) for f in found] for version, found in by_version},
            )
            for patterns, by_version in checks
        ]
        if len(checks) != len(objects):
            raise ValueError("pre-checks and objects differ in number")
    return result, checks


def load_cached(
    cache: Any,
    sources: list[Source],
    namespace: str,
    limits: tuple[int | None, int | None],
    schema: Any,
    load_each: Any,
    text: Any,
) -> tuple[Any, dict[int, Any]] | None:
    """The run's load result (and schema pre-checks by object id), each file taken from
    its folder's entry when its bytes and settings match, the others loaded with
    ``load_each`` (``kslint.workers``) and stored. None near the document limit (the
    budget is shared in file order: the caller loads as usual)."""
    from kslint.loader import building_trees

    with building_trees():  # rebuilding trees allocates like parsing them
        return _load_cached(cache, sources, namespace, limits, schema, load_each, text)


def _load_cached(
    cache: Any,
    sources: list[Source],
    namespace: str,
    limits: tuple[int | None, int | None],
    schema: Any,
    load_each: Any,
    text: Any,
) -> tuple[Any, dict[int, Any]] | None:
    from kslint.loader import LoadResult

    settings = load_settings(namespace, limits, schema)
    max_documents = limits[0]
    keys = [file_key(settings, source) for source in sources]
    folders: dict[str, list[int]] = {}
    for index, source in enumerate(sources):
        folders.setdefault(posixpath.dirname(source.path), []).append(index)
    stored: dict[str, dict[str, Any]] = {}
    outcomes: list[Any] = [None] * len(sources)
    for folder, indices in folders.items():
        entry = cache.get(FILES, group_key(settings, folder))
        stored[folder] = entry if isinstance(entry, dict) else {}
        for index in indices:
            found = stored[folder].get(keys[index])
            if found is not None:
                try:
                    outcomes[index] = from_file_entry(found, sources[index], text)
                except (KeyError, TypeError, ValueError, IndexError):
                    stored[folder].pop(keys[index])  # a well-signed entry of another shape
    missed = [index for index, outcome in enumerate(outcomes) if outcome is None]
    for index, outcome in zip(missed, load_each([sources[i] for i in missed]), strict=True):
        outcomes[index] = outcome
    _store(cache, settings, folders, keys, stored, outcomes, set(missed))
    result, hints = LoadResult(), {}
    for part, checks in outcomes:
        if max_documents is not None and result.documents + part.documents >= max_documents:
            return None
        result.extend(part)
        if checks is not None:
            hints.update(zip(map(id, part.objects), checks, strict=True))
    return result, hints


# A file this long is not kept in the per-file cache: its entry (every object's tree as
# JSON, built whole before it is written) would cost more memory than parsing the file
# again costs time (367,000 tiny ConfigMaps in one 32 MB file: +600 MB at the peak).
MAX_CACHED_FILE_BYTES = 4 * 2**20


def too_big(size: int) -> bool:
    """Whether a file of ``size`` bytes (or characters) is left out of the per-file cache."""
    return size > MAX_CACHED_FILE_BYTES


def _too_big(part: Any) -> bool:
    return too_big(sum(len(file.text) for file in part.files))


def _store(
    cache: Any,
    settings: str,
    folders: dict[str, list[int]],
    keys: list[str],
    stored: dict[str, dict[str, Any]],
    outcomes: list[Any],
    missed: set[int],
) -> None:
    """Rewrite the entries of the folders whose files changed (the unchanged files'
    data reused as read), then keep as many folder entries as this run has, twice."""
    written = False
    for folder, indices in folders.items():
        if not any(index in missed for index in indices) and len(stored[folder]) == len(indices):
            continue
        data = {}
        for index in indices:
            if index in missed:
                if _too_big(outcomes[index][0]):
                    continue
                try:
                    data[keys[index]] = file_entry(*outcomes[index])
                except Uncacheable:
                    continue
            elif keys[index] in stored[folder]:
                data[keys[index]] = stored[folder][keys[index]]
        cache.put(FILES, group_key(settings, folder), data, prune=False)
        written = True
    if written:
        cache.prune(FILES, keep=max(64, 2 * len(folders)))

"""Load stage: bytes in, Kubernetes objects with positions out.

Each source is read as YAML with positions (``kslint.yaml_reader``); each document that is
a Kubernetes object (or a ``List`` of them) becomes a ``K8sObject``. Bad input never
raises: it becomes an ``invalid-yaml``, ``duplicate-key``, ``invalid-object`` or
``unrendered-template`` finding and the next file is loaded as usual.
"""

from __future__ import annotations

import contextlib
import gc
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from kslint.file_text import (
    FIX_BINARY,
    FIX_SIZE,
    FIX_UNREADABLE,
    MAX_FILE_BYTES,
    decode,
    file_finding,
    size_text,
)
from kslint.findings import Finding, Span
from kslint.nodes import YMap, YSeq, describe
from kslint.objects import CLUSTER_SCOPED_KINDS, CORE_KINDS, K8sObject, SourceFile

# Go template actions as Helm writes them. A file that has one and does not load as plain
# Kubernetes YAML is an unrendered template, not broken YAML.
TEMPLATE_ACTION = re.compile(
    r"\{\{-?\s*(?:\.[A-Za-z$]|\$|if\b|else\b|end\b|range\b|with\b|include\b|template\b"
    r"|define\b|tpl\b|toYaml\b|block\b|printf\b|required\b|default\b|lookup\b|/\*)"
)


@dataclass
class Source:
    """One input as discovery hands it over."""

    path: str
    data: bytes
    chart_template: bool = False  # under a Helm chart's templates/ folder
    error: str | None = None  # the file could not be read


@dataclass
class LoadResult:
    files: list[SourceFile] = field(default_factory=list)
    objects: list[K8sObject] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    documents: int = 0
    skipped: int = 0

    def extend(self, other: LoadResult) -> None:
        self.files += other.files
        self.objects += other.objects
        self.findings += other.findings
        self.documents += other.documents
        self.skipped += other.skipped


# Placeholders of other template languages (Jinja, Ansible, mustache, cookiecutter):
# ``{{config_data}}``, ``{{ db.host }}``, ``{% if x %}``. Like Helm actions, they matter
# only in a file that does not load as plain YAML; one that loads is linted as it is.
OTHER_PLACEHOLDER = re.compile(r"\{\{-?\s*[A-Za-z_][^{}\n]*\}\}|\{%-?[^\n]*?%\}")

OTHER_TEMPLATE_FIX = (
    "Render the template with the tool that fills in its placeholders (Jinja, Ansible, "
    "cookiecutter, ...) and lint the output: `RENDER ... | kslint lint -`."
)


def _first_template_action(text: str) -> Span | None:
    """Where the first Helm action is; else the first other template placeholder."""
    match = TEMPLATE_ACTION.search(text) or OTHER_PLACEHOLDER.search(text)
    if match is None:
        return None
    line = text.count("\n", 0, match.start()) + 1
    column = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
    return Span(line, column, line, column + 2)


def _template_finding(file: SourceFile, span: Span) -> Finding:
    if TEMPLATE_ACTION.search(file.text) or not file.text:
        return file_finding(
            file,
            "This file is an unrendered Helm template; render it first "
            "(helm template ... | kslint lint -).",
            span,
            rule="unrendered-template",
        )
    lines = file.lines
    shown = ""
    if 0 < span.line <= len(lines):
        match = OTHER_PLACEHOLDER.search(lines[span.line - 1], span.column - 1)
        shown = f" ({match.group(0).strip()})" if match else ""
    return file_finding(
        file,
        f"This file holds template placeholders{shown} and is not YAML until they are "
        "filled in; render it first and lint the output.",
        span,
        rule="unrendered-template",
        fix=OTHER_TEMPLATE_FIX,
    )


def load_source(
    source: Source,
    default_namespace: str = "default",
    max_documents: int | None = None,
    max_file_bytes: int | None = None,
) -> LoadResult:
    """Load one input, at most ``max_documents`` documents of it, if it is at most
    ``max_file_bytes`` long (None: ``MAX_FILE_BYTES``). Never raises on bad input."""
    result = LoadResult()
    file = SourceFile(source.path)
    result.files.append(file)
    data = source.data
    if source.error is not None:  # a sentence from discovery: "Cannot read x: Permission denied"
        result.findings.append(
            file_finding(file, f"{source.error}.", Span(1, 1, 1, 1), fix=FIX_UNREADABLE)
        )
        return result
    limit = MAX_FILE_BYTES if max_file_bytes is None else max_file_bytes
    if len(data) > limit:
        result.findings.append(
            file_finding(
                file,
                f"The file is {len(data):,} bytes, over the {size_text(limit)} limit.",
                Span(1, 1, 1, 1),
                fix=FIX_SIZE,
            )
        )
        return result
    text, problem, codec = decode(data)
    if problem is not None:
        problem.file = file.path
        result.findings.append(problem)
        return result
    if text is None:
        result.findings.append(
            file_finding(
                file, "This is a binary file, not YAML or JSON.", Span(1, 1, 1, 1), fix=FIX_BINARY
            )
        )
        return result
    file.text = text
    if source.chart_template:
        span = _first_template_action(text) or Span(1, 1, 1, 1)
        result.findings.append(_template_finding(file, span))
        result.skipped += 1
        return result
    # libyaml reads UTF-8 bytes directly (BOM included); other encodings go in as text.
    parse_input: bytes | str = data if codec.startswith("utf-8") else text
    return _parse(file, parse_input, default_namespace, result, max_documents)


def _parse(
    file: SourceFile,
    data: bytes | str,
    default_namespace: str,
    result: LoadResult,
    max_documents: int | None = None,
) -> LoadResult:
    # The YAML parser (and ruamel.yaml) is imported when a file is first parsed: a run
    # answered from the content cache parses none.
    from kslint.yaml_reader import FIX_DEPTH, DocumentError, TooDeep, compose_all, document_finding

    try:
        documents, converter = compose_all(file, data, max_documents)
    except TooDeep as exc:
        result.findings.append(file_finding(file, str(exc), Span(1, 1, 1, 1), fix=FIX_DEPTH))
        return result
    except Exception as exc:
        # A syntax error ends the stream. A file that does not parse and holds template
        # actions is more likely a template than broken YAML: _failed decides.
        return _failed(file, exc, result)

    if _looks_templated(file, documents):
        span = _first_template_action(file.text)
        assert span is not None
        result.findings.append(_template_finding(file, span))
        result.skipped += 1
        return result
    result.findings += converter.duplicates
    if converter.stopped_at is not None:
        result.findings.append(_over_documents(file, converter.stopped_at, max_documents))
    for value in documents:
        if value is None:
            continue  # an empty document
        result.documents += 1
        if isinstance(value, DocumentError):
            result.findings.append(document_finding(file, value))
            continue
        if not isinstance(value, YMap):
            result.skipped += 1
            continue
        objects = _objects(value, file, default_namespace, result.findings)
        if objects is None:
            result.skipped += 1
        else:
            result.objects += objects
    return result


FIX_DOCUMENTS = (
    "Lint fewer files in one run, or raise the limit (--max-documents, "
    "limits.max_documents) if the input is meant to be this large."
)


def _over_documents(file: SourceFile, span: Span, limit: int | None) -> Finding:
    return file_finding(
        file,
        f"The run reached its limit of {limit:,} YAML documents here; the rest is not "
        "loaded (--max-documents, or limits.max_documents in the configuration, raises it).",
        span,
        fix=FIX_DOCUMENTS,
    )


def _failed(file: SourceFile, exc: Exception, result: LoadResult) -> LoadResult:
    span = _first_template_action(file.text)
    if span is not None:
        result.findings.append(_template_finding(file, span))
        result.skipped += 1
    else:
        from kslint.yaml_reader import yaml_error

        result.findings.append(yaml_error(file, exc))
    return result


def _looks_templated(file: SourceFile, documents: list[Any]) -> bool:
    """Template actions plus a structure no Kubernetes object has (``{{ x }}`` parses as
    a mapping used as a key)."""
    from kslint.yaml_reader import DocumentError

    if not any(isinstance(value, DocumentError) for value in documents):
        return False
    return _first_template_action(file.text) is not None


def _objects(
    doc: YMap, file: SourceFile, default_namespace: str, findings: list[Finding]
) -> list[K8sObject] | None:
    """The objects a document holds (a List holds several); None if it holds none."""
    api_version, kind = doc.get("apiVersion"), doc.get("kind")
    if api_version is None or kind is None:
        return None  # values files, Chart.yaml, CI configuration

    def invalid(message: str, *path: str) -> None:
        spans = doc.value_spans if path else {}
        span = spans.get(path[0], doc.span) if path else doc.span
        findings.append(Finding("invalid-object", message, file.path, span))

    if not isinstance(kind, str) or not kind:
        invalid(f"`kind` must be a non-empty string, not {describe(kind)}.", "kind")
        return []
    if not isinstance(api_version, str) or not api_version:
        invalid(
            f"`apiVersion` must be a non-empty string, not {describe(api_version)}.", "apiVersion"
        )
        return []
    items = doc.get("items")
    if kind == "List" or (kind.endswith("List") and isinstance(items, list)):
        return _list_items(doc, file, default_namespace, findings)
    metadata = doc.get("metadata")
    if metadata is None:
        if kind in CORE_KINDS:
            invalid(f"{kind} has no `metadata`; every object needs `metadata.name`.", "kind")
            return []
        return None  # Kustomization, kubeconfig, kubeadm and similar tool configuration
    if not isinstance(metadata, YMap):
        invalid(f"`metadata` must be a mapping, not {describe(metadata)}.", "metadata")
        return []
    name = metadata.get("name")
    if name is None:
        name = metadata.get("generateName")
    if not isinstance(name, str) or not name:
        span = metadata.value_spans.get("name", doc.key_spans.get("metadata", doc.span))
        what = "is missing" if name is None else f"must be a string, not {describe(name)}"
        findings.append(
            Finding("invalid-object", f"{kind} `metadata.name` {what}.", file.path, span)
        )
        return []
    namespace = metadata.get("namespace")
    if kind in CLUSTER_SCOPED_KINDS:
        namespace = None
    elif namespace is None or namespace == "":
        namespace = default_namespace
    elif not isinstance(namespace, str):
        span = metadata.value_spans.get("namespace", doc.span)
        findings.append(
            Finding(
                "invalid-object",
                f"{kind} {name}: `metadata.namespace` must be a string, not {describe(namespace)}.",
                file.path,
                span,
            )
        )
        return []
    return [K8sObject(api_version, kind, name, namespace, doc, file)]


def _list_items(
    doc: YMap, file: SourceFile, default_namespace: str, findings: list[Finding]
) -> list[K8sObject]:
    items = doc.get("items")
    if items is None:
        return []
    if not isinstance(items, YSeq):
        span = doc.value_spans.get("items", doc.span)
        findings.append(
            Finding("invalid-object", "`items` of a List must be a list.", file.path, span)
        )
        return []
    objects: list[K8sObject] = []
    for index, item in enumerate(items):
        if not isinstance(item, YMap):
            findings.append(
                Finding(
                    "invalid-object",
                    f"List item {index} is not an object.",
                    file.path,
                    items.item_spans[index],
                )
            )
            continue
        found = _objects(item, file, default_namespace, findings)
        if found is None:
            findings.append(
                Finding(
                    "invalid-object",
                    f"List item {index} has no `apiVersion` and `kind`.",
                    file.path,
                    item.span,
                )
            )
        else:
            objects += found
    return objects


def load_sources(
    sources: Iterable[Source],
    default_namespace: str = "default",
    max_documents: int | None = None,
    max_file_bytes: int | None = None,
    *,
    release: bool = False,
) -> LoadResult:
    """Load every source, at most ``max_documents`` documents in all (what is left is
    reported, not silently dropped), each at most ``max_file_bytes`` long. The garbage
    collector is paused while trees are built: they hold no cycles, and collecting during
    allocation-heavy parsing doubles its cost. ``release``: drop each source's bytes
    (``data = b""``) as soon as it is loaded, so a run never holds all the bytes read and
    all the trees at once, and keep its text compressed (``SourceFile.compact``)."""
    result = LoadResult()
    released = 0  # bytes dropped since memory was last given back
    with building_trees():
        for source in sources:
            left = None if max_documents is None else max_documents - result.documents
            if left is not None and left <= 0:
                file = SourceFile(source.path)
                result.files.append(file)
                result.findings.append(_over_documents(file, Span(1, 1, 1, 1), max_documents))
            else:
                result.extend(load_source(source, default_namespace, left, max_file_bytes))
            if release:
                released += len(source.data)
                source.data = b""
                result.files[-1].compact()  # the per-file work is done (SourceFile.compact)
                if released >= TRIM_BYTES:
                    released = give_back()
    if released >= TRIM_BYTES // 16:  # (a small run: not worth loading ctypes)
        give_back()
    return result


TRIM_BYTES = 16 * 2**20  # the bytes dropped between two give_back calls, about


def give_back() -> int:
    """Hand the heap's free pages back to the system (glibc's ``malloc_trim``; elsewhere
    nothing), and return 0. The bytes read are many small heap blocks, freed one by one
    while the trees that replace them are built mostly elsewhere (Python's own arenas):
    without this, the freed pages stay resident until the process ends."""
    global _TRIM
    if _TRIM is None:
        _TRIM = _malloc_trim()
    _TRIM()
    return 0


def _malloc_trim() -> Callable[[], int]:
    try:
        import ctypes

        trim = ctypes.CDLL(None).malloc_trim
        trim.argtypes, trim.restype = [ctypes.c_size_t], ctypes.c_int
        return lambda: trim(0)
    except (AttributeError, OSError, ImportError, TypeError):  # not glibc
        return lambda: 0


_TRIM: Callable[[], int] | None = None


@contextlib.contextmanager
def building_trees() -> Iterator[None]:
    """The garbage collector paused while position trees are built (parsed, rebuilt from
    a cache entry, unpickled from a worker): they hold no cycles, and collecting during
    such allocation-heavy work doubles its cost. What was built lives until the run
    ends, so it is frozen: later collections do not rescan it."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()

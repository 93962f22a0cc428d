"""Rendering one root kustomization with the real kustomize, and mapping its output back.

kustomize is run on a temporary wrapper kustomization that names the root by a relative
path (kustomize refuses absolute ones) and asks for ``buildMetadata: [originAnnotations]``.
Each rendered object's ``config.kubernetes.io/origin`` annotation then names its source
file (relative to the wrapper; no document index, no line) or the generator that made it.
kslint strips the annotation before rules see the object and works out positions itself:
the origin document is found by the object's kind and pre-transform name, values set by
patches and fields are credited by ``kslint.render.credits``, and everything else points at
the origin's node at the same path, or its nearest existing ancestor.
"""

from __future__ import annotations

import bisect
import os
import re
from dataclasses import dataclass
from functools import partial
from pathlib import Path as FsPath
from typing import Any, Generic, TypeVar

from kslint.discover import Limits, display_path
from kslint.findings import Finding, ObjectRef, Related
from kslint.loader import LoadResult, Source, load_source
from kslint.nodes import Path, Span, YMap, dotted, walk
from kslint.objects import K8sObject, group_of
from kslint.render.credits import Credit, Credits, Level, credits, merge_keys
from kslint.render.files import Place, SourceFiles
from kslint.render.kustomization import Kustomization, KustomizationReader
from kslint.render.sourcemap import RenderMap, Setting, describe_setting
from kslint.render.tools import Renderer, Run, run

ORIGIN = "config.kubernetes.io/origin"
_LOG_PREFIX = re.compile(r'^E\d{4} [\d:.]+\s+\d+ \S+\] "command failed" err=')


_T = TypeVar("_T")


class _once(Generic[_T]):
    """``functools.cached_property`` without its lock: Python 3.11 takes one on every
    first access, and a run asks each rendered object for several such values."""

    def __init__(self, compute: Any) -> None:
        self.compute = compute
        self.name = compute.__name__

    def __get__(self, instance: Any, owner: Any = None) -> _T:
        if instance is None:
            return self  # type: ignore[return-value]
        value = instance.__dict__[self.name] = self.compute(instance)
        return value  # type: ignore[no-any-return]


@dataclass(frozen=True)
class Origin:
    """What ``config.kubernetes.io/origin`` says about one object."""

    path: FsPath | None = None  # the source file, resolved
    configured_in: FsPath | None = None  # generators: the kustomization that configures it
    configured_by: str | None = None  # the generator's kind
    repo: str | None = None  # a remote base


def parse_origin(text: str, wrapper: FsPath) -> Origin:
    values: dict[str, str] = {}
    for line in text.splitlines():
        key, _, value = line.strip().partition(":")
        if value.strip() and (not line.startswith(" ") or key == "kind"):
            values[key.strip()] = value.strip()

    def local(name: str) -> FsPath | None:
        value = values.get(name)
        return FsPath(os.path.normpath(wrapper / value)) if value else None

    if "repo" in values:
        return Origin(repo=values["repo"])
    if "configuredIn" in values:
        return Origin(configured_in=local("configuredIn"), configured_by=values.get("kind"))
    return Origin(path=local("path"))


@dataclass
class Rendered:
    """The outcome of rendering one root."""

    loaded: LoadResult | None
    render_map: RenderMap | None
    failure: str | None  # kustomize's own message


def write_wrapper(root: Kustomization, wrapper: FsPath) -> str:
    """Write the wrapper kustomization of ``root`` into the empty, resolved directory
    ``wrapper`` (in a temporary directory: never in the user's tree); returns the root's
    path relative to the wrapper."""
    wrapper.mkdir()
    relative = os.path.relpath(root.directory, wrapper).replace(os.sep, "/")
    (wrapper / "kustomization.yaml").write_text(
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
        f"resources:\n  - {relative}\nbuildMetadata: [originAnnotations]\n",
        encoding="utf-8",
    )
    return relative


def build(
    renderer: Renderer,
    timeout: float,
    wrapper: FsPath,
    helm: str | None = None,
    max_output: int | None = None,
) -> Run:
    """Run kustomize on a wrapper written by ``write_wrapper``. Safe to call in threads.
    ``max_output``: the bytes of output past which it is stopped."""
    # helmCharts need helm: kslint names the program (never the repository), and the
    # offline environment keeps chart repositories out of reach.
    extra = ["--enable-helm", "--helm-command", helm] if helm else []
    return run([*renderer.build, *extra, str(wrapper)], str(wrapper), timeout, max_output)


def load(
    root: Kustomization,
    outcome: Run,
    relative: str,
    wrapper: FsPath,
    reader: KustomizationReader,
    files: SourceFiles,
    namespace: str,
    limits: Limits | None = None,
    schema_groups: frozenset[str] | None = None,
) -> Rendered:
    """The objects of a render, their origins stripped and mapped (or the failure).
    ``limits``: the run's, for its documents and bytes (None: the defaults);
    ``schema_groups``: ``RenderSettings.schema_groups``."""
    if not outcome.ok:
        return Rendered(None, None, _message(outcome.message, root, relative))
    shown = f"<kustomize build {display_path(root.directory)}>"
    text, origins = cut_origins(outcome.stdout)
    documents, file_bytes = (limits.max_documents, limits.max_file_bytes) if limits else (None,) * 2
    loaded = load_source(Source(shown, text), namespace, documents, file_bytes)
    starts = sorted(origins)
    maps = []
    # The objects of one file share their annotation's text, its reading and what is
    # worked out from it (their way out: ``KustomizeObject.shared``).
    read: dict[str, tuple[Origin, dict[str, Any]]] = {}
    for obj in loaded.objects:
        at = bisect.bisect_right(starts, obj.body.span.line) - 1
        cut = origins[starts[at]] if at >= 0 else None
        if cut is None:
            origin, shared = _strip_origin(obj, wrapper), {}
        else:
            known = read.get(cut)
            if known is None:
                known = read[cut] = (parse_origin(cut, wrapper), {})
            origin, shared = known
        merges_lists = schema_groups is None or group_of(obj.api_version) in schema_groups
        maps.append(KustomizeObject(obj, origin, root, reader, files, shared, merges_lists))
    for entry in maps:
        entry.peers = maps
    start = Span(1, 1, 1, 1)
    fallback = Place(files.adopt(root).path, start, start)
    render_map = RenderMap(shown, list(maps), fallback, {})
    return Rendered(loaded, render_map, None)


def _message(text: str, root: Kustomization, relative: str) -> str:
    """kustomize's message on one line, without kubectl's log prefix and without the
    wrapper's own layer of "accumulating resources" around the root's message."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    message = " ".join(lines) or "kustomize failed without a message"
    message = _LOG_PREFIX.sub("", message).strip()
    if message.startswith("<") and message.endswith(">"):
        message = message[1:-1].strip()
    message = message.strip('"').replace('\\"', '"')
    marker = f"recursed accumulation of path '{root.directory}': "
    if marker in message:
        message = message.split(marker, 1)[1]
    elif f"'{relative}'" in message and "accumulating resources from" in message:
        message = message.split(f"'{relative}': ", 1)[-1]
    message = message.removeprefix("Error: ").strip()
    if root.remote or "://" in message:
        message += " (kslint runs kustomize offline: remote bases are not fetched)"
    return message


_ORIGIN_LINE = b"    " + ORIGIN.encode() + b": |"


def cut_origins(stdout: bytes) -> tuple[bytes, dict[int, str]]:
    """kustomize's output without the origin annotations (and the annotations maps only
    they filled), and each annotation's text by the line its document starts on in the
    text returned. Cutting the lines before parsing costs less than parsing them and
    taking the nodes out; an annotation written in another form stays in the text and is
    taken out of the parsed object (``_strip_origin``)."""
    if _ORIGIN_LINE not in stdout:
        return stdout, {}
    lines = stdout.split(b"\n")
    kept: list[bytes] = []
    origins: dict[int, str] = {}
    start, top, index = 1, b"", 0
    while index < len(lines):
        line = lines[index]
        index += 1
        if line == b"---":
            start, top = len(kept) + 2, b""
        elif line[:1] not in (b" ", b"") and not line.startswith(b"#"):
            top = line
        elif line == _ORIGIN_LINE and top == b"metadata:":
            block: list[bytes] = []
            while index < len(lines) and lines[index].startswith(b"      "):
                block.append(lines[index][6:])
                index += 1
            origins[start] = b"\n".join(block).decode("utf-8", "replace")
            follows = lines[index] if index < len(lines) else b""
            if kept and kept[-1] == b"  annotations:" and not follows.startswith(b"    "):
                kept.pop()  # the map held only the origin
            continue
        kept.append(line)
    return b"\n".join(kept), origins


def _strip_origin(obj: K8sObject, wrapper: FsPath) -> Origin:
    """Remove the origin annotation (and the annotations map kustomize made for it)."""
    annotations = obj.get("metadata", "annotations")
    if not isinstance(annotations, YMap) or ORIGIN not in annotations:
        return Origin()
    text = annotations.pop(ORIGIN)
    annotations.key_spans.pop(ORIGIN, None)
    annotations.value_spans.pop(ORIGIN, None)
    if not annotations:
        metadata = obj.body["metadata"]
        del metadata["annotations"]
        metadata.key_spans.pop("annotations", None)
        metadata.value_spans.pop("annotations", None)
    return parse_origin(str(text), wrapper)


class KustomizeObject:
    """Where the nodes of one object rendered by kustomize come from."""

    def __init__(
        self,
        obj: K8sObject,
        origin: Origin,
        root: Kustomization,
        reader: KustomizationReader,
        files: SourceFiles,
        shared: dict[str, Any] | None = None,
        merges_lists: bool = True,
    ) -> None:
        self.obj = obj
        self.origin = origin
        self.root = root
        self.reader = reader
        self.files = files
        self.peers: list[KustomizeObject] = []  # the render's objects (replacement sources)
        # Whether kustomize merges its lists by key (a kind it knows the schema of)
        self.merges_lists = merges_lists
        # What objects of one origin share (their way out), worked out by the first
        self.shared: dict[str, Any] = {} if shared is None else shared

    # -- the way out: origin kustomization to root -------------------------------------

    @_once
    def chain(self) -> list[Kustomization]:
        """The kustomizations from the one that reads the origin up to the root."""
        known = self.shared.get("chain")
        if known is None:
            known = self.shared["chain"] = self._chain()
        return known  # type: ignore[no-any-return]

    def _chain(self) -> list[Kustomization]:
        order, parents = self.reader.parents(self.root)
        holder = None
        for candidate in order:
            if self.origin.path is not None and self.origin.path in candidate.resources:
                holder = candidate
                break
            if (
                self.origin.configured_in is not None
                and candidate.path == self.origin.configured_in
            ):
                holder = candidate
                break
        chain: list[Kustomization] = []
        while holder is not None:
            chain.append(holder)
            holder = parents.get(holder.path)
        return chain or [self.root]

    @_once
    def _affixes(self) -> tuple[str, str]:
        known = self.shared.get("affixes")
        if known is None:
            known = self.shared["affixes"] = self._affixes_of_chain()
        return known  # type: ignore[no-any-return]

    def _affixes_of_chain(self) -> tuple[str, str]:
        prefix = suffix = ""
        for _, (own_prefix, own_suffix, _namespace) in self._way:
            prefix = own_prefix + prefix
            suffix = suffix + own_suffix
        return prefix, suffix

    @_once
    def origin_document(self) -> tuple[str, YMap] | None:
        """The source document of the object (by kind and pre-transform name)."""
        if self.origin.path is None:
            return None
        parsed = self.shared.get("parsed", self)
        if parsed is self:
            parsed = self.shared["parsed"] = self.files.parsed(self.origin.path)
        if parsed is None:
            return None
        shown, documents = parsed
        kind, rendered = self.obj.kind, self.obj.name
        prefix, suffix = self._affixes
        if rendered.startswith(prefix) and rendered.endswith(suffix):
            # the common case, one dictionary lookup (a base read by many overlays)
            bare = rendered[len(prefix) : len(rendered) - len(suffix)]
            named = self.shared.get("named")
            if named is None:
                named = self.shared["named"] = self.files.named(self.origin.path)
            exact = named.get((kind, bare))
            if exact:
                return shown, exact[0]
        candidates = [doc for doc in documents if isinstance(doc, YMap) and doc.get("kind") == kind]
        for doc in candidates:
            name = walk(doc, ("metadata", "name"))
            if isinstance(name, str) and prefix + name + suffix == rendered:
                return shown, doc
        named = [
            (len(str(walk(doc, ("metadata", "name")))), doc)
            for doc in candidates
            if str(walk(doc, ("metadata", "name"))) in rendered
        ]
        if named:
            return shown, max(named, key=lambda pair: pair[0])[1]
        return (shown, candidates[0]) if len(candidates) == 1 else None

    @_once
    def levels(self) -> list[Level]:
        found = self.origin_document
        name = str(walk(found[1], ("metadata", "name"))) if found else self.obj.name
        namespace = walk(found[1], ("metadata", "namespace")) if found else None
        levels: list[Level] = []
        for k, (prefix, suffix, new_namespace) in self._way:
            levels.append(Level(k, name, namespace))
            name = prefix + name + suffix
            namespace = new_namespace if new_namespace is not None else namespace
        return levels

    @property
    def _way(self) -> list[tuple[Kustomization, tuple[str, str, str | None]]]:
        """The kustomizations an object of this origin passes on its way out (components
        before the kustomization using them: their transformers run first), each with the
        prefix, suffix and namespace it gives the object: shared by the origin's objects."""
        known = self.shared.get("way")
        if known is None:
            known = self.shared["way"] = []
            previous: Kustomization | None = None
            for k in self.chain:
                for component in self.reader.children(k):
                    if component.is_component and component is not previous:
                        known.append((component, _renames(component)))
                known.append((k, _renames(k)))
                previous = k
        return known  # type: ignore[no-any-return]

    @_once
    def _credits(self) -> Credits:
        if self.origin.path is None:
            return Credits()
        found = self.origin_document
        has_namespace = found is not None and walk(found[1], ("metadata", "namespace")) is not None
        return credits(
            self.levels,
            self.obj.kind,
            self.obj.body,
            self.files,
            has_namespace,
            self._source,
            self.merges_lists,
        )

    @property
    def credits(self) -> dict[Path, Credit]:
        return self._credits.values

    def _source(self, kind: str, name: str) -> YMap | None:
        """A rendered object of this render (a replacement's source), by kind and its
        pre-transform or rendered name; None unless exactly one matches."""
        found = [
            peer.obj.body
            for peer in self.peers
            if peer.obj.kind == kind and name in (peer.obj.name, peer.origin_ref.name)
        ]
        return found[0] if len(found) == 1 else None

    @_once
    def origin_ref(self) -> ObjectRef:
        """The object's identity before kustomize's transforms (the origin document's
        kind, namespace and name): what keys a finding shared by several overlays."""
        found = self.origin_document
        if found is None:
            return self.obj.ref
        name = walk(found[1], ("metadata", "name"))
        namespace = walk(found[1], ("metadata", "namespace"))
        if self.obj.namespace is None:
            namespace = None
        return ObjectRef(
            self.obj.kind,
            namespace if isinstance(namespace, str) else None,
            name if isinstance(name, str) else self.obj.name,
            self.obj.api_version,
        )

    # -- ObjectMap ---------------------------------------------------------------------

    @_once
    def _generator(self) -> Place | None:
        """A generated object's generator entry (``configMapGenerator: - name: x``)."""
        if self.origin.configured_in is None:
            return None
        k = self.reader.at(self.origin.configured_in.parent)
        if k is None or k.doc is None:
            return None
        self.files.adopt(k)
        field = {
            "ConfigMapGenerator": "configMapGenerator",
            "SecretGenerator": "secretGenerator",
            "HelmChartInflationGenerator": "helmCharts",
        }.get(self.origin.configured_by or "")
        entries = list(k.entries(field)) if field else []
        for index, entry in entries:
            name = entry.get("name") if isinstance(entry, dict) else None
            if isinstance(name, str) and name in self.obj.name:
                return self.files.place(k.path, k.doc, (field, index, "name"))
        if field and field in k.doc:
            return self.files.place(k.path, k.doc, (field,))
        return self.files.place(k.path, k.doc, ())

    def place(self, path: Path, key: bool) -> Place:
        generated = self._generator
        if generated is not None:
            return generated
        found = self.origin_document
        if found is None:
            self.files.adopt(self.root)
            return self.files.place(self.root.path, self.root.doc, ("resources",))
        shown, doc = found
        credits = self.credits
        replaced = _items_all_set(self.obj.body, path, credits)
        if replaced is not None:
            return replaced
        origin_path = self._origin_path(doc, path)
        for end in range(len(path), -1, -1):
            prefix = path[:end]
            credit = credits.get(prefix)
            in_origin = origin_path is not None and end <= len(origin_path)
            if credit is not None and (not in_origin or not credit.merged):
                if end < len(path):
                    return Place(credit.place.file, None, credit.place.span(True))
                return credit.place
            if in_origin:
                assert origin_path is not None
                node = origin_path[:end]
                place = self.files.place(self.origin.path or self.root.path, doc, node)
                if end < len(path) or not node:
                    span = place.span(True) if node else doc.key_spans.get("kind", doc.span)
                    return Place(shown, None, span)
                return place
        return Place(shown, None, doc.key_spans.get("kind", doc.span))

    def _origin_path(self, doc: YMap, path: Path) -> Path | None:
        """The longest prefix of ``path`` that exists in the origin document, with list
        indexes translated (items with a merge key, mostly ``name``, are matched by it)."""
        node: Any = doc
        rendered: Any = self.obj.body
        steps: list[Any] = []
        field: Any = None
        for step in path:
            if isinstance(step, int):
                item = (
                    rendered[step] if isinstance(rendered, list) and step < len(rendered) else None
                )
                if not isinstance(node, list):
                    break
                index = step if step < len(node) else None
                key = next(
                    (k for k in merge_keys(field) if isinstance(item, dict) and k in item), None
                )
                if key is not None:
                    assert isinstance(item, dict)
                    index = next(
                        (
                            i
                            for i, o in enumerate(node)
                            if isinstance(o, dict) and o.get(key) == item[key]
                        ),
                        None,
                    )
                if index is None:
                    break
                steps.append(index)
                node, rendered = node[index], item
            else:
                field = step
                if not isinstance(node, dict) or step not in node:
                    break
                steps.append(step)
                node = node[step]
                rendered = rendered.get(step) if isinstance(rendered, dict) else None
        return tuple(steps)

    def settings(self) -> list[Setting]:
        return self._settings

    @_once
    def _settings(self) -> list[Setting]:
        found = [
            Setting(
                path,
                credit.place,
                partial(describe_setting, path, self.obj, credit.value, credit.what),
                not credit.merged,
            )
            for path, credit in self.credits.items()
        ]
        for removal in self._credits.removals:
            message = f"{removal.name} in {dotted(removal.path)} of {self.obj} is deleted by "
            message += removal.what
            found.append(Setting(removal.path, removal.place, message, False, removal.name))
        return found

    def stream(self, span: Span) -> Related | None:
        return None


def _items_all_set(body: YMap, path: Path, credits: dict[Path, Credit]) -> Place | None:
    """The first item's place, for a rendered list whose every item a patch or field set
    (a JSON 6902 op on ``/spec/accessModes/0``): the origin's list at that path shows
    what the render no longer holds."""
    first = credits.get((*path, 0)) if path else None
    if first is None or first.merged:
        return None  # (the common case, answered without a walk)
    own = credits.get(path)
    if own is not None and not own.merged:
        return None  # (its own credit says where it is)
    node = walk(body, path)
    if not isinstance(node, list) or not node:
        return None
    items = [credits.get((*path, index)) for index in range(1, len(node))]
    if any(item is None or item.merged for item in items):
        return None
    return Place(first.place.file, None, first.place.span(True))


def _renames(k: Kustomization) -> tuple[str, str, str | None]:
    """The prefix, suffix and namespace a kustomization (or component) gives objects."""
    doc = k.doc or {}
    namespace = doc.get("namespace")
    return (
        str(doc.get("namePrefix") or ""),
        str(doc.get("nameSuffix") or ""),
        namespace if isinstance(namespace, str) else None,
    )


def render_failed(root: Kustomization, message: str) -> Finding:
    return Finding(
        rule="render-failed",
        message=f"kustomize could not render {display_path(root.directory)}: {message}",
        file=display_path(root.path),
        span=Span(1, 1, 1, 1),
    )

"""Which patch or kustomization field set a rendered value: kslint's own reading.

kustomize records where an object came from (``config.kubernetes.io/origin``) but not
which patch or field changed which value (``transformerAnnotations`` lists every
transformer configured along the way, whether or not it touched the object). So kslint
reads each kustomization on the object's way from its origin to the root, innermost
first, and credits a rendered value to a patch or field only when its own reading of that
patch's target and content shows it sets that value, and the rendered value is the one it
sets (a later transformer may have replaced it). Outer kustomizations win, as in kustomize.

Read here: strategic merge patches (``patchesStrategicMerge``, ``patches``: file or
inline; their ``$patch: replace`` and ``$patch: delete`` directives), JSON 6902 patches
(``patches``, ``patchesJson6902``: file or inline), the ``replicas``, ``images`` and
``namespace`` fields, ``commonLabels``, ``labels`` (with ``includeSelectors`` and
``includeTemplates``), ``commonAnnotations`` (at the paths kustomize's own field specs
give each kind; kinds not listed here get only ``metadata``) and ``replacements`` (inline
or a file; the target's ``fieldPaths`` are credited when the rendered value there is the
source's rendered value). Names changed by ``namePrefix``, ``nameSuffix`` and
``namespace`` keep pointing at the origin's node.

Which objects a patch or field names follows kustomize (checked against kustomize v5.5):
a ``target`` selects by the object's original or current name and namespace (no
namespace is ``default``); a strategic merge patch without one names an identity the
object has had on its way (original, between a kustomization's namespace and its prefix,
current); a ``replicas:`` entry names any name the object has had, its kustomization's
own prefix included. Components are usually written against a base's names, under an
overlay's prefix.

A deleted node has no rendered path: ``Removal`` records the directive that deleted it (a
``$patch: delete``, a JSON 6902 ``remove`` of a key), so a finding about what is now missing
(a mount of a deleted volume, a strategy) can show it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from kslint.nodes import Path, YMap, YSeq, walk
from kslint.render.files import Place, SourceFiles
from kslint.render.kustomization import Kustomization

WORKLOAD_KINDS = frozenset({"Deployment", "ReplicaSet", "StatefulSet", "ReplicationController"})
# Lists Kubernetes merges by a key other than ``name`` (their patchMergeKey), by field.
_FIELD_MERGE_KEYS = {
    "volumeMounts": ("mountPath",),
    "volumeDevices": ("devicePath",),
    "hostAliases": ("ip",),
    "topologySpreadConstraints": ("topologyKey",),
    "ports": ("containerPort", "port"),  # a container's, a Service's
}
_BY_NAME = ("name",)


def merge_keys(field: Any) -> tuple[str, ...]:
    """The keys the items of a list at ``field`` merge by (``name`` for most)."""
    return _FIELD_MERGE_KEYS.get(field, _BY_NAME) if isinstance(field, str) else _BY_NAME


_CONTAINER_LISTS = ("containers", "initContainers", "ephemeralContainers")
_DIRECTIVE = "$"


@dataclass(frozen=True)
class Setter:
    """A patch as findings name it: the file a person edits and how to say it."""

    file: str
    what: str  # "the patch overlays/prod/patch.yaml"


@dataclass(frozen=True)
class Credit:
    """A rendered value set by a patch or a field: where, and how to say so."""

    place: Place
    what: str  # "the patch overlays/prod/patch.yaml"
    value: Any
    # A strategic merge patch's mapping or list: merged into the origin's node, so the
    # origin still holds what the patch did not name.
    merged: bool = False


@dataclass(frozen=True)
class Removal:
    """A list item or key a ``$patch: delete`` directive removed from ``path``."""

    path: Path  # the rendered list or mapping it was removed from
    name: Any  # the item's merge key value (a volume's name), or the key removed
    place: Place
    what: str


@dataclass
class Credits:
    """Every rendered path a patch or field sets (outermost setter), and what patches
    deleted."""

    values: dict[Path, Credit] = field(default_factory=dict)
    removals: list[Removal] = field(default_factory=list)


# The fields of a kustomization whose values ``credits`` credits; a kustomization with
# none of them sets nothing.
_SETTERS = frozenset(
    {
        "patchesStrategicMerge",
        "patches",
        "patchesJson6902",
        "replicas",
        "images",
        "commonLabels",
        "labels",
        "commonAnnotations",
        "replacements",
        "namespace",
    }
)

# Finds a rendered object of the render by kind and (pre-transform or rendered) name:
# a replacement's source.
SourceLookup = Callable[[str, str], "YMap | None"]


@dataclass
class Level:
    """One kustomization on the object's way out, with the object's name as it sees it."""

    kustomization: Kustomization
    name: str
    namespace: str | None


def credits(
    levels: list[Level],
    kind: str,
    rendered: YMap,
    files: SourceFiles,
    origin_has_namespace: bool,
    source: SourceLookup | None = None,
    merges_lists: bool = True,
) -> Credits:
    """Every rendered path a patch or field sets, with the outermost setter.
    ``merges_lists``: kustomize knows the kind's schema and merges its lists by key (for a
    custom resource it replaces them, as a JSON merge patch does)."""
    result = Credits()
    found = result.values
    images: list[tuple[Path, str]] | None = None
    # Every (name, namespace) the object has had up to the level at hand.
    identities: list[tuple[str, str | None]] = []
    for index, level in enumerate(levels):
        if index:  # a kustomization sets the namespace before it adds its prefix
            identities.append((levels[index - 1].name, level.namespace))
        identities.append((level.name, level.namespace))
        k = level.kustomization
        plan = _plan(k, files)
        if plan is None:
            continue  # it sets nothing (a base that only lists resources)
        for patch in plan.patches:
            if patch.target is not None:
                chosen = _targets(patch.target, kind, level, rendered, levels[0])
            else:
                chosen = patch.kind == kind and _has_been(patch, identities)
            if not chosen:
                continue
            if isinstance(patch.document, YSeq):
                _json6902(found, patch.document, rendered, patch.by, result.removals)
            else:
                _merge(found, patch.document, rendered, (), patch.by, result.removals, merges_lists)
        if plan.replicas and kind in WORKLOAD_KINDS:
            # (the entry may name the object after this kustomization's own prefix)
            renamed = levels[index + 1].name if index + 1 < len(levels) else None
            names = {name for name, _ in identities} | {renamed or walk(rendered, _NAME)}
            for name in names & plan.replicas.keys():
                _replicas(found, plan.replicas[name], rendered)
        if plan.images:
            if images is None:
                images = list(_images_of(rendered))
            _images(found, plan.images, images)
        if plan.metadata:
            _metadata_fields(found, k, kind, rendered, files)
        if source is not None and plan.replacements:
            _replacements(found, k, kind, (level, levels[0]), rendered, files, source)
        if not origin_has_namespace and plan.namespace is not None:
            ns, place, what = plan.namespace
            if ns == walk(rendered, ("metadata", "namespace")):
                found[("metadata", "namespace")] = Credit(place, what, ns)
    return result


@dataclass
class _Plan:
    """What one kustomization can set, read once per run (``credits`` asks for every
    object that passes through it): its patches, and its fields' entries with their
    places and descriptions ready."""

    patches: list[Patch]
    replicas: dict[str, list[tuple[Any, Place, str]]]  # name -> count, place, what
    images: list[_ImageEntry]
    metadata: bool  # commonLabels, labels or commonAnnotations
    replacements: bool
    namespace: tuple[Any, Place, str] | None


@dataclass(frozen=True)
class _ImageEntry:
    """An ``images:`` entry: the repository it leaves, the tag or digest it sets."""

    expected: str
    tag: Any
    digest: Any
    credit: Credit


def _plan(k: Kustomization, files: SourceFiles) -> _Plan | None:
    """The kustomization's plan (None when it sets nothing), made once per run."""
    if k.path in files.plans:
        return files.plans[k.path]  # type: ignore[no-any-return]
    files.adopt(k)  # (its file is one the run read, whatever it sets)
    plan = None
    if isinstance(k.doc, YMap) and not k.doc.keys().isdisjoint(_SETTERS):
        namespace = None
        if "namespace" in k.doc:
            place = files.place(k.path, k.doc, ("namespace",))
            namespace = (k.doc["namespace"], place, f"namespace: in {place.file}")
        plan = _Plan(
            patches(k, files),
            _replica_entries(k, files),
            _image_entries(k, files),
            not k.doc.keys().isdisjoint(_METADATA_FIELDS),
            "replacements" in k.doc,
            namespace,
        )
    files.plans[k.path] = plan
    return plan


# -- reading patches ---------------------------------------------------------------


@dataclass(frozen=True)
class Patch:
    """One document of a patch entry, read once per run: a strategic merge patch (a
    mapping) or JSON 6902 operations (a list), and what it targets."""

    document: YMap | YSeq
    by: Setter
    target: dict[str, Any] | None  # an explicit ``target:``
    kind: Any = None  # a strategic merge patch without target: the object it names
    name: Any = None
    namespace: Any = None


def patches(k: Kustomization, files: SourceFiles) -> list[Patch]:
    """Every patch a kustomization applies, in kustomize's order (cached per run)."""
    known = files.patch_cache.get(k.path)
    if known is not None:
        return known
    files.adopt(k)
    found: list[Patch] = []
    for index, entry in k.entries("patchesStrategicMerge"):
        for document, by in _patch_documents(k, ("patchesStrategicMerge", index), entry, files):
            if isinstance(document, YMap):
                found.append(_named(document, by))
    for key in ("patches", "patchesJson6902"):
        for index, entry in k.entries(key):
            if not isinstance(entry, dict):
                continue
            target = entry.get("target") if isinstance(entry.get("target"), dict) else None
            for document, by in _patch_documents(k, (key, index), entry, files):
                if isinstance(document, YSeq) and target is not None:
                    found.append(Patch(document, by, target))
                elif isinstance(document, YMap):
                    found.append(Patch(document, by, target) if target else _named(document, by))
    files.patch_cache[k.path] = found
    return found


def _named(document: YMap, by: Setter) -> Patch:
    """A strategic merge patch without a target applies to the object it names."""
    return Patch(
        document,
        by,
        None,
        document.get("kind"),
        walk(document, ("metadata", "name")),
        walk(document, ("metadata", "namespace")),
    )


def _patch_documents(
    k: Kustomization, at: Path, entry: Any, files: SourceFiles
) -> Iterator[tuple[Any, Setter]]:
    """The documents of one patch entry, their spans in the file a person edits, and a
    description (``the patch overlays/prod/patch.yaml``)."""
    inline = entry if isinstance(entry, str) and "\n" in entry else None
    path = entry if isinstance(entry, str) and inline is None else None
    if isinstance(entry, dict):
        inline = entry.get("patch") if isinstance(entry.get("patch"), str) else None
        path = entry.get("path") if isinstance(entry.get("path"), str) else None
        at = (*at, "patch")
    if path is not None:
        file = k.below(path)
        parsed = files.parsed(file)
        if parsed is not None:
            shown, documents = parsed
            for document in documents:
                yield document, Setter(shown, f"the patch {shown}")
    elif inline is not None:
        shown = files.shown(k.path)
        for document in files.inline(k, at, inline):
            yield document, Setter(shown, f"the inline patch in {shown}")


_NAME = ("metadata", "name")


_DEFAULT = (None, "default")


def _has_been(patch: Patch, identities: list[tuple[str, str | None]]) -> bool:
    """Whether a strategic merge patch without a target names one of the identities the
    object has had (kustomize compares no namespace as ``default``)."""
    if patch.namespace in _DEFAULT:
        return any(patch.name == name and namespace in _DEFAULT for name, namespace in identities)
    return (patch.name, patch.namespace) in identities


def _targets(target: Any, kind: str, level: Level, rendered: YMap, original: Level) -> bool:
    """Whether a patch ``target`` selects the object at ``level``: kind, and the original
    or current name and namespace (regular expressions, as in kustomize); a selector kslint
    cannot read selects nothing."""
    if not isinstance(target, dict):
        return False
    for key, actual in (
        ("kind", (kind,)),
        ("name", (level.name, original.name)),
        ("namespace", (level.namespace or "default", original.namespace or "default")),
    ):
        wanted = target.get(key)
        if wanted is None:
            continue
        if not any(_full_match(str(wanted), value) for value in actual):
            return False
    for key, where in (("labelSelector", "labels"), ("annotationSelector", "annotations")):
        selector = target.get(key)
        if selector is not None and not _selects(
            str(selector), walk(rendered, ("metadata", where))
        ):
            return False
    return True


_PLAIN_NAME = re.compile(r"[A-Za-z0-9_.-]*")


def _full_match(pattern: str, text: str) -> bool:
    """kustomize matches target names and kinds as anchored regular expressions; most are
    plain names, compared without the regular expression engine."""
    if _PLAIN_NAME.fullmatch(pattern) and "." not in pattern:
        return pattern == text
    try:
        return re.fullmatch(pattern, text) is not None
    except re.error:
        return False


def _selects(selector: str, values: Any) -> bool:
    """Equality-based label selectors (``a=b,c!=d,e,!f``)."""
    values = values if isinstance(values, dict) else {}
    for term in filter(None, (part.strip() for part in selector.split(","))):
        match = re.fullmatch(r"([^=!]+?)\s*(!=|==|=)\s*(.*)", term)
        if match is None:
            if (term[1:] in values) if term.startswith("!") else (term not in values):
                return False
            continue
        key, op, wanted = match.groups()
        if (str(values.get(key)) == wanted) != (op != "!="):
            return False
    return True


# -- strategic merge -----------------------------------------------------------------


def _merge(
    found: dict[Path, Credit],
    patch: Any,
    rendered: Any,
    path: Path,
    by: Setter,
    removals: list[Removal],
    merges_lists: bool = True,
    replaced: bool = False,
) -> None:
    """Credit every node of a strategic merge patch that the rendered object holds.
    ``merges_lists``: see ``credits``; ``replaced``: the node is inside one the patch
    replaced as a whole (a ``$patch: replace`` mapping, a list without a merge key):
    nothing under it is merged."""
    if isinstance(patch, YMap) and isinstance(rendered, dict):
        for key, value in patch.items():
            if not isinstance(key, str) or key.startswith(_DIRECTIVE):
                continue
            if path == () and key in ("apiVersion", "kind"):
                continue
            if path == ("metadata",) and key in ("name", "namespace"):
                continue  # they select the target; they set nothing
            if key not in rendered:
                if isinstance(value, dict) and value.get("$patch") == "delete":
                    place = Place(by.file, patch.key_spans[key], patch.value_spans[key])
                    removals.append(Removal(path, key, _directive(value, place, by), by.what))
                continue
            here = (*path, key)
            if not isinstance(value, (dict, list)):
                if _same(value, rendered[key]):
                    place = Place(by.file, patch.key_spans[key], patch.value_spans[key])
                    found[here] = Credit(place, by.what, value)
                continue
            place = Place(by.file, patch.key_spans[key], patch.value_spans[key])
            # ``$patch: replace``, or a list whose items have no merge key (Kubernetes
            # replaces such lists: volumeClaimTemplates, tolerations, args): the patch's
            # node replaces the origin's whole node
            whole = replaced or _replaces(value) or _atomic(value, key)
            whole = whole or (not merges_lists and isinstance(value, list))
            found[here] = Credit(place, by.what, value, merged=not whole)
            _merge(found, value, rendered[key], here, by, removals, merges_lists, whole)
    elif isinstance(patch, YSeq) and isinstance(rendered, list):
        field = path[-1] if path else None
        for index, item in enumerate(patch):
            if isinstance(item, dict) and item.get("$patch") == "delete":
                name = _merge_key_value(item, field)
                if (
                    name is not None
                    and _list_index(item, field, rendered, index, len(patch)) is None
                ):
                    place = Place(by.file, None, patch.item_spans[index])
                    removals.append(Removal(path, name, _directive(item, place, by), by.what))
                continue
            target = _list_index(item, field, rendered, index, len(patch))
            if target is None:
                continue
            place = Place(by.file, None, patch.item_spans[index])
            if isinstance(item, (dict, list)):
                whole = replaced or _replaces(item)
                found[(*path, target)] = Credit(place, by.what, item, merged=not whole)
                _merge(
                    found,
                    item,
                    rendered[target],
                    (*path, target),
                    by,
                    removals,
                    merges_lists,
                    whole,
                )
            elif _same(item, rendered[target]):
                found[(*path, target)] = Credit(place, by.what, item)


def _replaces(node: Any) -> bool:
    """A ``$patch: replace`` mapping, or a list holding a ``{$patch: replace}`` item."""
    if isinstance(node, dict):
        return node.get("$patch") == "replace"
    return any(isinstance(item, dict) and item.get("$patch") == "replace" for item in node)


def _atomic(node: Any, key: str) -> bool:
    """A list a strategic merge patch replaces as a whole: its items have no merge key
    (mappings without one, scalars: volumeClaimTemplates, tolerations, accessModes, args).
    ``finalizers`` is the scalar list Kubernetes merges; an empty list tells nothing."""
    return (
        isinstance(node, list)
        and bool(node)
        and key != "finalizers"
        and not any(
            isinstance(item, dict) and (_merge_key_value(item, key) is not None or "$patch" in item)
            for item in node
        )
    )


def _merge_key_value(item: dict[str, Any], field: Any) -> Any:
    return next((item[key] for key in merge_keys(field) if key in item), None)


def _directive(node: Any, fallback: Place, by: Setter) -> Place:
    """The ``$patch: delete`` line itself when the node holds it, else the node."""
    if isinstance(node, YMap) and "$patch" in node:
        return Place(by.file, node.key_spans["$patch"], node.value_spans["$patch"])
    return fallback


def _list_index(
    item: Any, field: Any, rendered: list[Any], index: int, patch_length: int
) -> int | None:
    """Where a patch's list item is in the rendered list: by merge key, or by position
    when the patch replaces the whole list (same length)."""
    if isinstance(item, dict):
        for key in merge_keys(field):
            if key in item:
                for position, candidate in enumerate(rendered):
                    if isinstance(candidate, dict) and candidate.get(key) == item[key]:
                        return position
                return None
    if patch_length == len(rendered) and index < len(rendered):
        if not isinstance(item, (dict, list)) and not _same(item, rendered[index]):
            return None
        return index
    return None


def _same(patch_value: Any, rendered_value: Any) -> bool:
    if isinstance(patch_value, bool) or isinstance(rendered_value, bool):
        return patch_value is rendered_value
    return patch_value == rendered_value or str(patch_value) == str(rendered_value)


# -- JSON 6902 ---------------------------------------------------------------------------


def _json6902(
    found: dict[Path, Credit], ops: YSeq, rendered: YMap, by: Setter, removals: list[Removal]
) -> None:
    for op in ops:
        if isinstance(op, YMap) and op.get("op") == "remove":
            _json_removal(removals, op, rendered, by)
            continue
        if not isinstance(op, YMap) or op.get("op") not in ("add", "replace"):
            continue
        pointer = op.get("path")
        if not isinstance(pointer, str) or "value" not in op:
            continue
        path = _pointer_path(pointer, rendered)
        if path is None:
            continue
        value = op["value"]
        actual = walk(rendered, path)
        if actual is None or (not isinstance(value, (dict, list)) and not _same(value, actual)):
            continue
        place = Place(by.file, op.key_spans["value"], op.value_spans["value"])
        found[path] = Credit(place, by.what, value)
        _nested(found, value, actual, path, by)


def _json_removal(removals: list[Removal], op: YMap, rendered: YMap, by: Setter) -> None:
    """A ``remove`` of a mapping's key the render no longer holds (a list item removed by
    index is gone without a name to tell it by)."""
    pointer = op.get("path")
    if not isinstance(pointer, str) or not pointer.startswith("/"):
        return
    parent_pointer, _, last = pointer.rpartition("/")
    key = last.replace("~1", "/").replace("~0", "~")
    parent = _pointer_path(parent_pointer, rendered) if parent_pointer else ()
    node = rendered if parent == () else walk(rendered, parent) if parent else None
    if not isinstance(node, dict) or key in node:
        return  # a list, a path kslint cannot follow, or a key a later step put back
    place = Place(by.file, op.key_spans["path"], op.value_spans["path"])
    removals.append(Removal(parent, key, place, by.what))


def _nested(found: dict[Path, Credit], value: Any, actual: Any, path: Path, by: Setter) -> None:
    """The nodes inside a JSON 6902 value, at their rendered paths."""
    if isinstance(value, YMap) and isinstance(actual, dict):
        for key, item in value.items():
            if key in actual:
                place = Place(by.file, value.key_spans[key], value.value_spans[key])
                found[(*path, key)] = Credit(place, by.what, item)
                _nested(found, item, actual[key], (*path, key), by)
    elif isinstance(value, YSeq) and isinstance(actual, list) and len(value) == len(actual):
        for position, item in enumerate(value):
            place = Place(by.file, None, value.item_spans[position])
            found[(*path, position)] = Credit(place, by.what, item)
            _nested(found, item, actual[position], (*path, position), by)


def _pointer_path(pointer: str, rendered: YMap) -> Path | None:
    steps: list[Any] = []
    node: Any = rendered
    for raw in pointer.lstrip("/").split("/") if pointer not in ("", "/") else []:
        part = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, list):
            if part == "-":
                index = len(node) - 1
            elif part.isdigit():
                index = int(part)
            else:
                return None
            if not 0 <= index < len(node):
                return None
            steps.append(index)
            node = node[index]
        elif isinstance(node, dict) and part in node:
            steps.append(part)
            node = node[part]
        else:
            return None
    return tuple(steps) or None


# -- fields ------------------------------------------------------------------------------


def _replica_entries(
    k: Kustomization, files: SourceFiles
) -> dict[str, list[tuple[Any, Place, str]]]:
    found: dict[str, list[tuple[Any, Place, str]]] = {}
    for index, entry in k.entries("replicas"):
        name = entry.get("name") if isinstance(entry, YMap) else None
        if isinstance(name, str) and "count" in entry:
            place = files.place(k.path, k.doc, ("replicas", index, "count"))
            what = f"replicas: in {place.file}"
            found.setdefault(name, []).append((entry["count"], place, what))
    return found


def _replicas(
    found: dict[Path, Credit], entries: Iterable[tuple[Any, Place, str]], rendered: YMap
) -> None:
    """The entries that name the object (by its name at that level) and set its count."""
    for count, place, what in entries:
        if _same(count, walk(rendered, ("spec", "replicas"))):
            found[("spec", "replicas")] = Credit(place, what, count)


def _images_of(rendered: YMap) -> Iterator[tuple[Path, str]]:
    """Every container image of the object, with its path."""
    for base in (
        ("spec",),
        ("spec", "template", "spec"),
        ("spec", "jobTemplate", "spec", "template", "spec"),
    ):
        pod = walk(rendered, base)
        if not isinstance(pod, dict):
            continue
        for group in _CONTAINER_LISTS:
            items = pod.get(group)
            if isinstance(items, list):
                for index, container in enumerate(items):
                    image = container.get("image") if isinstance(container, dict) else None
                    if isinstance(image, str):
                        yield (*base, group, index, "image"), image


def _repository(image: str) -> str:
    name = image.split("@", 1)[0]
    slash = name.rfind("/")
    colon = name.rfind(":")
    return name[:colon] if colon > slash else name


def _image_entries(k: Kustomization, files: SourceFiles) -> list[_ImageEntry]:
    found = []
    for index, entry in k.entries("images"):
        if not isinstance(entry, YMap) or not isinstance(entry.get("name"), str):
            continue
        new_name, tag, digest = entry.get("newName"), entry.get("newTag"), entry.get("digest")
        expected = str(new_name) if new_name is not None else entry["name"]
        field = next(
            (f for f in ("digest", "newTag", "newName") if entry.get(f) is not None), "name"
        )
        place = files.place(k.path, k.doc, ("images", index, field))
        credit = Credit(place, f"images: in {place.file}", entry.get(field))
        found.append(_ImageEntry(expected, tag, digest, credit))
    return found


def _images(
    found: dict[Path, Credit], entries: list[_ImageEntry], images: list[tuple[Path, str]]
) -> None:
    """Each image an entry leaves as it is now (the last such entry wins)."""
    for path, image in images:
        repository = _repository(image)
        for entry in entries:
            if repository != entry.expected:
                continue
            if entry.tag is not None and not image.endswith(f":{entry.tag}"):
                continue
            if entry.digest is not None and not image.endswith(f"@{entry.digest}"):
                continue
            found[path] = entry.credit


# -- labels and annotations ------------------------------------------------------------

_POD_TEMPLATE = ("spec", "template", "metadata")
_CONTROLLERS = ("Deployment", "ReplicaSet", "StatefulSet", "DaemonSet")
# Where kustomize's label field specs put selector labels and template labels, by kind
# (kustomize api/konfig/builtinpluginconsts: commonlabels.go, templatelabels.go).
_SELECTORS: dict[str, tuple[Path, ...]] = {
    **{kind: (("spec", "selector", "matchLabels"),) for kind in _CONTROLLERS},
    "Service": (("spec", "selector"),),
    "ReplicationController": (("spec", "selector"),),
    "Job": (("spec", "selector", "matchLabels"),),
    "CronJob": (("spec", "jobTemplate", "spec", "selector", "matchLabels"),),
    "PodDisruptionBudget": (("spec", "selector", "matchLabels"),),
    "NetworkPolicy": (("spec", "podSelector", "matchLabels"),),
}
_TEMPLATES: dict[str, tuple[Path, ...]] = {
    **{kind: (_POD_TEMPLATE,) for kind in (*_CONTROLLERS, "ReplicationController", "Job")},
    "CronJob": (
        ("spec", "jobTemplate", "metadata"),
        ("spec", "jobTemplate", "spec", "template", "metadata"),
    ),
}


def _label_paths(kind: str, selectors: bool, templates: bool) -> list[Path]:
    """The label maps a labels entry writes into an object of ``kind``."""
    paths: list[Path] = [("metadata", "labels")]
    if selectors or templates:
        paths += [(*base, "labels") for base in _TEMPLATES.get(kind, ())]
    if selectors:
        paths += list(_SELECTORS.get(kind, ()))
    return paths


_METADATA_FIELDS = ("commonLabels", "commonAnnotations", "labels")


def _metadata_fields(
    found: dict[Path, Credit], k: Kustomization, kind: str, rendered: YMap, files: SourceFiles
) -> None:
    """``commonLabels``, ``labels`` and ``commonAnnotations``: each pair is credited at
    every label (annotation) map of the object that holds it with that value."""
    annotations = [("metadata", "annotations")]
    annotations += [(*base, "annotations") for base in _TEMPLATES.get(kind, ())]
    fields: list[tuple[Path, list[Path]]] = [
        (("commonLabels",), _label_paths(kind, True, True)),
        (("commonAnnotations",), annotations),
    ]
    for index, entry in k.entries("labels"):
        if isinstance(entry, YMap):
            selectors = entry.get("includeSelectors") is True
            templates = entry.get("includeTemplates") is True
            fields.append((("labels", index, "pairs"), _label_paths(kind, selectors, templates)))
    for at, targets in fields:
        pairs = walk(k.doc, at)
        if not isinstance(pairs, YMap):
            continue
        for key, value in pairs.items():
            for target in targets:
                if _same(value, walk(rendered, (*target, key))):
                    place = files.place(k.path, k.doc, (*at, key))
                    found[(*target, key)] = Credit(place, f"{at[0]}: in {place.file}", value)


# -- replacements ------------------------------------------------------------------------


def _replacements(
    found: dict[Path, Credit],
    k: Kustomization,
    kind: str,
    levels: tuple[Level, Level],  # the level, and the original
    rendered: YMap,
    files: SourceFiles,
    source: SourceLookup,
) -> None:
    """Each replacement whose target selects the object and whose source value is the
    rendered value at a target field path: that path is credited to the fieldPaths
    entry. Partial replacements (``options.delimiter``) are not credited."""
    for replacement, file, doc, at in _replacement_entries(k, files):
        wanted = replacement.get("source")
        if not isinstance(wanted, dict) or not isinstance(wanted.get("kind"), str):
            continue
        source_object = source(wanted["kind"], str(wanted.get("name", "")))
        if source_object is None:
            continue
        values = [
            walk(source_object, path)
            for path in _field_paths(str(wanted.get("fieldPath", "metadata.name")), source_object)
        ]
        if len(values) != 1 or values[0] is None:
            continue
        value = values[0]
        for t_index, target in enumerate(replacement.get("targets") or ()):
            if not isinstance(target, YMap) or not _selected(target, kind, levels, rendered):
                continue
            options = target.get("options")
            if isinstance(options, dict) and options.get("delimiter") is not None:
                continue
            for p_index, spec in enumerate(target.get("fieldPaths") or ()):
                for path in _field_paths(str(spec), rendered):
                    if _same_node_value(value, walk(rendered, path)):
                        node = (*at, "targets", t_index, "fieldPaths", p_index)
                        place = files.place(file, doc, node)
                        what = f"replacements: in {place.file}"
                        found[path] = Credit(place, what, value)


def _replacement_entries(
    k: Kustomization, files: SourceFiles
) -> Iterator[tuple[YMap, Any, Any, Path]]:
    """Each replacement with the file, document and path it is written at."""
    for index, entry in k.entries("replacements"):
        if not isinstance(entry, YMap):
            continue
        if isinstance(entry.get("path"), str):
            file = k.below(entry["path"])
            parsed = files.parsed(file)
            for document in parsed[1] if parsed else ():
                if isinstance(document, YMap):
                    yield document, file, document, ()
                elif isinstance(document, YSeq):
                    for item_index, item in enumerate(document):
                        if isinstance(item, YMap):
                            yield item, file, document, (item_index,)
        elif "source" in entry:
            files.adopt(k)
            yield entry, k.path, k.doc, ("replacements", index)


def _selected(target: YMap, kind: str, levels: tuple[Level, Level], rendered: YMap) -> bool:
    """Whether a replacement target selects the object (``levels``: the level it is at,
    and the original)."""
    level, original = levels
    select, reject = target.get("select"), target.get("reject")
    if not isinstance(select, dict) or not _targets(select, kind, level, rendered, original):
        return False
    rejects = reject if isinstance(reject, list) else []
    return not any(
        isinstance(r, dict) and r and _targets(r, kind, level, rendered, original) for r in rejects
    )


def _same_node_value(source: Any, rendered: Any) -> bool:
    if isinstance(source, (dict, list)) or isinstance(rendered, (dict, list)):
        return source == rendered
    return rendered is not None and _same(source, rendered)


_BRACKET = re.compile(r"\[([^=\]]+)=([^\]]*)\]")


def _field_paths(spec: str, rendered: Any) -> list[Path]:
    """The rendered paths a kustomize field path names (``spec.template.spec.containers
    .[name=db].image``; ``*`` for every item), each existing in ``rendered``."""
    parts = [part for part in re.split(r"\.(?![^\[]*\])", spec) if part]
    paths: list[tuple[Path, Any]] = [((), rendered)]
    for part in parts:
        following: list[tuple[Path, Any]] = []
        selector = _BRACKET.fullmatch(part)
        for path, node in paths:
            if isinstance(node, list):
                if selector is not None:
                    key, value = selector.groups()
                    indexes = [
                        i
                        for i, item in enumerate(node)
                        if isinstance(item, dict) and str(item.get(key)) == value
                    ]
                elif part == "*":
                    indexes = list(range(len(node)))
                elif part.isdigit() and int(part) < len(node):
                    indexes = [int(part)]
                else:
                    indexes = []
                following += [((*path, i), node[i]) for i in indexes]
            elif isinstance(node, dict):
                key = part[1:-1] if part.startswith("[") and part.endswith("]") else part
                if key in node:
                    following.append(((*path, key), node[key]))
        paths = following
    return [path for path, _ in paths if path]

"""storageclass-multiple-defaults: more than one StorageClass claims to be the default.

Claims without a class get the default written into them at admission. With several
defaults, older clusters reject such claims and newer ones pick the most recently
created class: which storage a claim gets depends on creation order. Reported on each
default class, with the others as related locations.
"""

from collections.abc import Iterator

from kslint.findings import Finding
from kslint.graph import Graph
from kslint.model import StorageClass
from kslint.registry import Reporter, rule


@rule("storageclass-multiple-defaults", kinds=("StorageClass",))
def check(storage_class: StorageClass, graph: Graph, report: Reporter) -> Iterator[Finding]:
    if not storage_class.is_default:
        return
    # Two definitions of one name are one StorageClass (the later apply wins).
    others = [sc for sc in graph.default_storage_classes if sc.obj.name != storage_class.obj.name]
    if not others:
        return
    names = ", ".join(sorted(str(sc.obj) for sc in others))
    yield report(
        storage_class.obj,
        f"{storage_class.obj} is marked as the default StorageClass, and so "
        f"{'is' if len(others) == 1 else 'are'} {names}.",
        ("metadata", "annotations", _annotation(storage_class)),
        key=False,
        related=[
            sc.obj.related(
                f"{sc.obj} is also marked default", "metadata", "annotations", _annotation(sc)
            )
            for sc in others
        ],
    )


def _annotation(storage_class: StorageClass) -> str:
    """The default-class annotation that is set to true (the GA one first)."""
    annotations = storage_class.obj.annotations
    for key in StorageClass.DEFAULT_ANNOTATIONS:
        if str(annotations.get(key)).lower() == "true":
            return key
    return StorageClass.DEFAULT_ANNOTATIONS[0]

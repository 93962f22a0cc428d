"""workload-selector-mismatch: a controller's selector does not select its own pods.

``spec.selector`` of a Deployment, ReplicaSet, StatefulSet or DaemonSet must match the
labels of its pod template (matchLabels and matchExpressions); the API server rejects
the object otherwise ("selector does not match template labels"). Each requirement the
template labels fail is reported at its own position. An absent selector is not a
mismatch: old API versions default it from the template labels.
"""

from collections.abc import Iterator
from typing import Any

from kslint.findings import Finding
from kslint.graph import Graph
from kslint.model import Workload, present
from kslint.objects import K8sObject
from kslint.registry import Reporter, rule
from kslint.selectors import Requirement


@rule("workload-selector-mismatch", kinds=("Deployment", "ReplicaSet", "StatefulSet", "DaemonSet"))
def check(workload: Workload, graph: Graph, report: Reporter) -> Iterator[Finding]:
    selector = workload.selector
    if selector is None or not workload.pod.exists:
        return
    obj = workload.obj
    labels = workload.pod.labels
    shown = ", ".join(f"{key}={value}" for key, value in sorted(labels.items(), key=str))
    where = present(obj, workload.pod.labels_path)
    related = [obj.related(f"The pod template's labels: {shown or 'none'}", *where)]
    for key, value in selector.match_labels:
        if key in labels and _label(labels[key]) == value:
            continue
        actual = f"is {_label(labels[key])!r}" if key in labels else "is absent"
        yield report(
            obj,
            f"{obj} selects pods with {key}={value}, but that label {actual} in its pod "
            "template, so the API server rejects it.",
            ("spec", "selector", "matchLabels", _original_key(obj, key)),
            key=False,
            related=related,
        )
    for index, requirement in enumerate(selector.requirements):
        if requirement.matches(labels):
            continue
        yield report(
            obj,
            f"{obj} selects pods with {_describe(requirement)}, which its pod template "
            "labels do not satisfy, so the API server rejects it.",
            ("spec", "selector", "matchExpressions", index),
            key=False,
            related=related,
        )


def _label(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _original_key(obj: K8sObject, key: str) -> Any:
    """The matchLabels key as loaded (a YAML key may be a number; the selector has text)."""
    match_labels = obj.get("spec", "selector", "matchLabels")
    for original in match_labels or ():
        if str(original) == key:
            return original
    return key


def _describe(requirement: Requirement) -> str:
    if requirement.operator == "Exists":
        return f"label {requirement.key} present"
    if requirement.operator == "DoesNotExist":
        return f"label {requirement.key} absent"
    values = ", ".join(sorted(requirement.values))
    return f"{requirement.key} {requirement.operator} ({values})"

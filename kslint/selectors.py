"""Kubernetes label selectors: parsing and matching, in one place."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

OPERATORS = ("In", "NotIn", "Exists", "DoesNotExist")


@dataclass(frozen=True)
class Requirement:
    key: str
    operator: str
    values: frozenset[str]

    def matches(self, labels: Mapping[str, Any]) -> bool:
        present = self.key in labels
        if self.operator == "Exists":
            return present
        if self.operator == "DoesNotExist":
            return not present
        value = _label_text(labels.get(self.key)) if present else None
        if self.operator == "In":
            return present and value in self.values
        return not present or value not in self.values  # NotIn


@dataclass(frozen=True)
class LabelSelector:
    """A ``metav1.LabelSelector``: every requirement must hold. Empty matches everything."""

    match_labels: tuple[tuple[str, str], ...] = ()
    requirements: tuple[Requirement, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.match_labels and not self.requirements

    def matches(self, labels: Mapping[str, Any]) -> bool:
        for key, value in self.match_labels:
            if key not in labels or _label_text(labels[key]) != value:
                return False
        return all(requirement.matches(labels) for requirement in self.requirements)

    def describe(self) -> str:
        parts = [f"{key}={value}" for key, value in self.match_labels]
        for req in self.requirements:
            if req.operator in ("Exists", "DoesNotExist"):
                parts.append(f"{'!' if req.operator == 'DoesNotExist' else ''}{req.key}")
            else:
                values = ",".join(sorted(req.values))
                parts.append(f"{req.key} {req.operator.lower()} ({values})")
        return ", ".join(parts) or "(everything)"


def _label_text(value: Any) -> str:
    """Labels are strings; YAML may have typed ``true`` or ``1`` unquoted."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class SelectorError(ValueError):
    """A selector Kubernetes would reject; the message says what is wrong."""


def parse_equality(value: Any) -> LabelSelector:
    """A Service-style selector: a plain map of label equalities."""
    if not isinstance(value, Mapping):
        raise SelectorError("must be a mapping of labels")
    return LabelSelector(tuple(sorted((str(k), _label_text(v)) for k, v in value.items())))


def parse_label_selector(value: Any) -> LabelSelector:
    """A ``matchLabels`` / ``matchExpressions`` selector."""
    if not isinstance(value, Mapping):
        raise SelectorError("must be a mapping with matchLabels and/or matchExpressions")
    match_labels = value.get("matchLabels")
    match_labels = {} if match_labels is None else match_labels
    if not isinstance(match_labels, Mapping):
        raise SelectorError("matchLabels must be a mapping")
    expressions = value.get("matchExpressions")
    expressions = [] if expressions is None else expressions
    if not isinstance(expressions, list):
        raise SelectorError("matchExpressions must be a list")
    requirements = []
    for index, expression in enumerate(expressions):
        if not isinstance(expression, Mapping):
            raise SelectorError(f"matchExpressions[{index}] must be a mapping")
        key, operator = expression.get("key"), expression.get("operator")
        values = expression.get("values") or []
        if not isinstance(key, str) or operator not in OPERATORS:
            raise SelectorError(
                f"matchExpressions[{index}] needs a key and an operator "
                f"among {', '.join(OPERATORS)}"
            )
        if not isinstance(values, list):
            raise SelectorError(f"matchExpressions[{index}].values must be a list")
        requirements.append(Requirement(key, operator, frozenset(_label_text(v) for v in values)))
    return LabelSelector(
        tuple(sorted((str(k), _label_text(v)) for k, v in match_labels.items())),
        tuple(requirements),
    )

"""Compile one rule document with ``match`` into a check: what it selects, what it asserts
on each selected object, and what it requires of the objects related to it.

Compiling never raises on bad input: it returns each problem with the path (keys and
indexes) of the offending node in the document, which the loader turns into
``file:line:col``. Evaluation never raises either: a policy that spends its evaluation
budget for the run (``kslint.policies.schema.POLICY_STEPS``) or loops through ``$ref``
becomes one error finding under the policy's own id, and the policy checks nothing more in
that run.
"""

from __future__ import annotations

import string
from collections.abc import Iterator
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Any

from kslint.findings import Finding, Related, Severity
from kslint.graph import Graph
from kslint.model import Workload
from kslint.nodes import Path, dotted, walk
from kslint.objects import K8sObject, group_of
from kslint.policies.edges import EDGES, Edge, Node, follow, with_labels
from kslint.policies.schema import (
    POLICY_STEPS,
    Budget,
    BudgetExceeded,
    Schema,
    additional_keys,
    compile_schema,
    reason,
    render_value,
    spending,
)
from kslint.registry import Check, RuleMeta
from kslint.selectors import LabelSelector, SelectorError, parse_label_selector
from kslint.suggest import did_you_mean

# Placeholders every message may use, and those only a ``related`` message can fill.
OBJECT_FIELDS = frozenset(
    {"object", "kind", "namespace", "name", "id", "path", "value", "reason", "replicas", "block"}
)
RELATED_FIELDS = frozenset({"edge", "count", "related"})


@dataclass(frozen=True)
class Problem:
    """Why a policy cannot be used: the path of the offending node and a sentence."""

    path: tuple[Any, ...]
    message: str


# -- pieces -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """An ``at`` entry: a path in the object, and whether to point at its key or value."""

    path: Path
    key: bool = True


def choose(places: tuple[Place, ...], obj: K8sObject, base: Path = ()) -> Place | None:
    """The first place present (not null) in ``obj`` (the object itself, ``""``, always
    is); when none is, the last one, which then points at the deepest node that exists
    on its path (the mapping that lacks the field). None when there are no places.
    ``base``: the places are relative to that node (an ``each`` block)."""
    for place in places:
        if not place.path or obj.get(*base, *place.path) is not None:
            return Place((*base, *place.path), place.key)
    return Place((*base, *places[-1].path), places[-1].key) if places else None


WILDCARD = "*"


def blocks(body: Any, pattern: Path, prefix: Path = ()) -> Iterator[Path]:
    """The paths of the nodes a pointer with ``*`` steps (every item of a list, every
    value of a mapping) names in ``body``; nodes that are absent or null are skipped."""
    if not pattern:
        if body is not None:
            yield prefix
        return
    step, rest = pattern[0], pattern[1:]
    if step == WILDCARD:
        if isinstance(body, list):
            for index, item in enumerate(body):
                yield from blocks(item, rest, (*prefix, index))
        elif isinstance(body, dict):
            for key, value in body.items():
                yield from blocks(value, rest, (*prefix, key))
        return
    if (isinstance(body, dict) and step in body) or (
        isinstance(body, list) and isinstance(step, int) and 0 <= step < len(body)
    ):
        yield from blocks(body[step], rest, (*prefix, step))


class Message:
    """A message template with ``${placeholder}`` fields (``$$`` is a literal ``$``)."""

    def __init__(self, text: str) -> None:
        self.template = string.Template(text)

    def render(self, values: dict[str, str]) -> str:
        return self.template.safe_substitute(values)


@dataclass
class Match:
    kinds: frozenset[str]
    namespaces: tuple[str, ...] = ()
    exclude_namespaces: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    exclude_names: tuple[str, ...] = ()
    labels: LabelSelector | None = None
    min_replicas: int | None = None
    where: Schema | None = None
    groups: tuple[str, ...] = ()

    def selects(self, obj: K8sObject, graph: Graph) -> bool:
        if obj.kind not in self.kinds:
            return False  # a policy with cases: each case names its own kinds
        if self.groups and not any(fnmatchcase(api_group(obj), g) for g in self.groups):
            return False
        namespace = obj.namespace
        if self.namespaces and (
            namespace is None or not any(fnmatchcase(namespace, g) for g in self.namespaces)
        ):
            return False
        if (
            self.exclude_namespaces
            and namespace is not None
            and any(fnmatchcase(namespace, g) for g in self.exclude_namespaces)
        ):
            return False
        if self.names and not any(fnmatchcase(obj.name, g) for g in self.names):
            return False
        if self.exclude_names and any(fnmatchcase(obj.name, g) for g in self.exclude_names):
            return False
        if self.labels is not None and not self.labels.matches(obj.labels):
            return False
        if self.min_replicas is not None:
            replicas = replica_count(obj, graph)
            if replicas is None or replicas < self.min_replicas:
                return False
        return True  # ``where`` is evaluated with the assertions, where runaways are caught


def api_group(obj: K8sObject) -> str:
    """The group of the object's apiVersion ("" for the core group)."""
    return group_of(obj.api_version)


def replica_count(obj: K8sObject, graph: Graph) -> int | None:
    """The effective maximum replica count of a workload (None: unknown or not one)."""
    view = graph.model(obj)
    return graph.max_replicas(view) if isinstance(view, Workload) else None


@dataclass
class RelatedRule:
    edge_name: str
    chain: tuple[Edge, ...]
    where: Schema | None = None
    count_min: int | None = None
    count_max: int | None = None
    quantifier: str | None = None  # all, any or none
    schema: Schema | None = None
    message: Message | None = None
    at: tuple[Place, ...] = ()

    def bound(self) -> str:
        low, high = self.count_min, self.count_max
        if low is not None and low == high:
            return f"exactly {low}"
        if low is not None and high is not None:
            return f"between {low} and {high}"
        return f"at least {low}" if low is not None else f"at most {high}"


# -- the compiled policy -------------------------------------------------------------------


@dataclass
class CompiledPolicy:
    meta: RuleMeta
    match: Match
    assertion: Schema | None = None
    at: tuple[Place, ...] = ()
    message: Message | None = None
    related: list[RelatedRule] = field(default_factory=list)
    origin: str = ""  # file:line of the policy, for messages about the policy itself
    broken: bool = False  # set when evaluation ran away: the policy stops checking
    # ``each``: ``assert`` and ``at`` apply to every node these patterns name (storage
    # blocks, list items), one finding per failing node.
    each: tuple[Path, ...] = ()
    severity: Severity | None = None  # a case's own severity (None: the rule's)
    # Steps the policy may still take in this run (kslint.policies.schema.POLICY_STEPS).
    budget: Budget = field(default_factory=lambda: Budget(POLICY_STEPS))

    @property
    def id(self) -> str:
        return self.meta.id

    def to_check(self) -> Check:
        return Check(self.id, self.match.kinds, self.check, raw=True)

    def check(self, obj: K8sObject, graph: Graph, report: Any = None) -> list[Finding]:
        """``report`` is unused: a policy builds its findings with its own id."""
        if self.broken or not self.match.selects(obj, graph):
            return []
        try:
            with spending(self.budget):
                return list(self._evaluate(obj, graph))
        except (BudgetExceeded, RecursionError) as exc:
            # The policy is at fault, not kslint: the finding carries the policy's id, as
            # an error, so that a gate does not pass on a check that stopped half-way.
            self.broken = True
            what = (
                str(exc)
                if isinstance(exc, BudgetExceeded)
                else "its schema recursed without end (a $ref loop)"
            )
            stopped = obj.finding(
                self.id,
                f"Policy {self.id} ({self.origin}) was stopped while checking {obj}: "
                f"{what}. It checks nothing more in this run; fix the policy.",
            )
            stopped.severity = Severity.ERROR
            return [stopped]

    # -- evaluation ---------------------------------------------------------------------

    def _values(self, obj: K8sObject, graph: Graph, **extra: str) -> dict[str, str]:
        replicas = replica_count(obj, graph) if self._wants("replicas") else None
        values = {
            "object": str(obj),
            "kind": obj.kind,
            "namespace": obj.namespace or "",
            "name": obj.name,
            "id": self.id,
            "replicas": "" if replicas is None else str(replicas),
            "path": "",
            "value": "",
            "reason": "",
            "edge": "",
            "count": "",
            "related": "",
            "block": "",
        }
        values.update(extra)
        return values

    def _wants(self, name: str) -> bool:
        templates = [self.message, *(rule.message for rule in self.related)]
        return any(t is not None and name in t.template.template for t in templates)

    def _evaluate(self, obj: K8sObject, graph: Graph) -> Iterator[Finding]:
        if self.match.where is not None and not self.match.where.is_valid(obj.body):
            return
        context = self._replica_context(obj, graph)
        for finding in self._findings(obj, graph):
            finding.related += context
            yield finding

    def _findings(self, obj: K8sObject, graph: Graph) -> Iterator[Finding]:
        found: list[Finding] = []
        if self.assertion is not None and self.each:
            for pattern in self.each:
                for base in blocks(obj.body, pattern):
                    found += self._assert(obj, graph, base)
        elif self.assertion is not None:
            found += self._assert(obj, graph)
        for rule in self.related:
            found += self._related(rule, obj, graph)
        for finding in found:
            if self.severity is not None:
                finding.severity = self.severity
            yield finding

    def _replica_context(self, obj: K8sObject, graph: Graph) -> list[Related]:
        """With ``min_replicas``, the autoscalers that raise the count, as related
        locations: they explain why the object was selected."""
        if self.match.min_replicas is None:
            return []
        view = graph.model(obj)
        return [
            hpa.obj.related(
                f"{hpa.obj} scales it up to {hpa.max_replicas} replicas", "spec", "maxReplicas"
            )
            for hpa in graph.hpas(view)
            if hpa.max_replicas is not None and hpa.max_replicas > 1
        ]

    def _assert(self, obj: K8sObject, graph: Graph, base: Path = ()) -> Iterator[Finding]:
        assert self.assertion is not None
        instance = obj.get(*base) if base else obj.body
        if self.assertion.is_valid(instance):
            return
        errors = self.assertion.errors(instance)
        seen: set[tuple[Path, str]] = set()
        fixed = choose(self.at, obj, base)
        for error in errors:
            error = focus(error)
            path, key = error_place(error)
            path = (*base, *path)
            text = reason(error)
            values = self._values(
                obj,
                graph,
                path=dotted(path),
                value=render_value(walk(obj.body, path)),
                reason=text,
                block=dotted(base),
            )
            if self.message is not None:
                message = self.message.render(values)
            else:
                where = f" at {dotted(path)}" if path else ""
                message = f"{obj} fails policy {self.id}{where}: {text}."
            if fixed is not None:
                path, key = fixed.path, fixed.key
            if (path, message) in seen:
                continue
            seen.add((path, message))
            yield obj.finding(self.id, message, path, key=key)
            if fixed is not None:
                return  # ``at`` names one place: one finding per object

    def _related(self, rule: RelatedRule, obj: K8sObject, graph: Graph) -> Iterator[Finding]:
        subject = Node.of(obj, graph)
        steps = follow(rule.chain, subject, graph)
        if rule.where is not None:
            steps = [(node, anchor) for node, anchor in steps if rule.where.is_valid(node.data)]
        home = rule.chain[0].home(subject)
        fixed = choose(rule.at, obj)

        def finding(message: str, anchor: Path, related: list[Related]) -> Finding:
            place = fixed or Place(anchor)
            return obj.finding(self.id, message, place.path, key=place.key, related=related)

        def render(default: str, **values: str) -> str:
            template = rule.message or self.message
            if template is None:
                return default
            return template.render(self._values(obj, graph, edge=rule.edge_name, **values))

        count = len(steps)
        low, high = rule.count_min, rule.count_max
        if (low is not None and count < low) or (high is not None and count > high):
            names = ", ".join(str(node) for node, _ in steps) or "none"
            message = render(
                f"{obj} has {count} {rule.edge_name} ({names}); the policy {self.id} "
                f"expects {rule.bound()}.",
                count=str(count),
                related=names,
            )
            related = [node.related(f"{node} ({rule.edge_name})") for node, _ in steps]
            yield finding(message, home, related)
        if rule.quantifier is None or rule.schema is None:
            return
        schema = rule.schema
        if rule.quantifier == "any":
            if any(schema.is_valid(node.data) for node, _ in steps):
                return
            related = []
            first_reason = ""
            for node, _ in steps:
                error = focus(schema.errors(node.data)[0])
                path, key = error_place(error)
                first_reason = first_reason or reason(error)
                related.append(node.related(f"{node}: {reason(error)}", path, key=key))
            names = ", ".join(str(node) for node, _ in steps) or "none"
            default = (
                f"None of the {rule.edge_name} of {obj} ({names}) satisfies policy {self.id}"
                + (f": {first_reason}." if first_reason else ".")
            )
            message = render(default, count=str(count), related=names, reason=first_reason)
            yield finding(message, home, related)
            return
        for node, anchor in steps:
            if rule.quantifier == "all":
                if schema.is_valid(node.data):
                    continue
                error = focus(schema.errors(node.data)[0])
                path, key = error_place(error)
                text = reason(error)
                where = f" at {dotted(path)}" if path else ""
                default = f"{obj}: {node} ({rule.edge_name}) fails policy {self.id}{where}: {text}."
            else:  # none
                if not schema.is_valid(node.data):
                    continue
                path, key, text = (), True, f"it matches what policy {self.id} forbids"
                default = f"{obj}: {node} ({rule.edge_name}) must not match policy {self.id}."
            message = render(
                default,
                count=str(count),
                related=str(node),
                path=dotted(path),
                value=render_value(walk(node.data, path)),
                reason=text,
            )
            yield finding(message, anchor, [node.related(f"{node}: {text}", path, key=key)])


def focus(error: Any) -> Any:
    """The error to report: for an ``anyOf``/``oneOf`` failure, the deepest error of its
    alternatives when it lies deeper than the combinator (the branch that got furthest
    into the object, past discriminators such as ``kind: {const: ...}``); otherwise the
    error itself."""
    if error.validator in ("anyOf", "oneOf") and error.context:
        inner = max(error.context, key=lambda e: len(e.absolute_path))
        if len(inner.absolute_path) > len(error.absolute_path):
            return focus(inner)
    return error


def error_place(error: Any) -> tuple[Path, bool]:
    """Where a schema failure points: the failing node (for ``required``, the mapping that
    lacks the field; for ``additionalProperties``, the first unexpected key)."""
    path: Path = tuple(error.absolute_path)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        extras = additional_keys(error.instance, error.schema)
        if extras:
            return (*path, extras[0]), True
    return path, True


# -- compiling --------------------------------------------------------------------------------


class _Compiler:
    def __init__(self, data: Any, trusted: bool = False) -> None:
        self.data = data
        self.trusted = trusted
        self.problems: list[Problem] = []

    def problem(self, path: tuple[Any, ...], message: str) -> None:
        self.problems.append(Problem(path, message))

    def schema(self, path: tuple[Any, ...]) -> Schema | None:
        source = walk(self.data, path)
        compiled, problems = compile_schema(source, trusted=self.trusted)
        for problem in problems:
            self.problem((*path, *problem.path), problem.message)
        return compiled

    def message(self, path: tuple[Any, ...], related: bool) -> Message | None:
        text = walk(self.data, path)
        if text is None:
            return None
        allowed = OBJECT_FIELDS | (RELATED_FIELDS if related else frozenset())
        for found in string.Template.pattern.finditer(text):
            name = found.group("named") or found.group("braced")
            if found.group("invalid") is not None:
                self.problem(path, "a lone $ in the message: write $$ for a dollar sign")
            elif name is not None and name not in allowed:
                hint = (
                    " (only messages under related can use it)"
                    if name in RELATED_FIELDS
                    else f"; use one of: {', '.join(sorted(allowed))}"
                )
                self.problem(path, f"unknown placeholder ${{{name}}}{hint}")
        return Message(text)

    def places(self, path: tuple[Any, ...]) -> tuple[Place, ...]:
        found = []
        for item in walk(self.data, path) or ():
            if isinstance(item, dict):
                found.append(Place(pointer(item["path"]), item.get("on", "key") == "key"))
            else:
                found.append(Place(pointer(item)))
        return tuple(found)

    def match(self) -> Match:
        raw = self.data["match"]
        kinds = frozenset(str(kind) for kind in raw["kinds"])
        labels = None
        if raw.get("labels") is not None:
            try:
                labels = parse_label_selector(raw["labels"])
            except SelectorError as exc:
                self.problem(("match", "labels"), f"invalid label selector: {exc}")
        min_replicas = raw.get("min_replicas")
        if min_replicas is not None:
            from kslint.policies.edges import WORKLOADS

            others = sorted(kinds - WORKLOADS)
            if others:
                self.problem(
                    ("match", "min_replicas"),
                    f"min_replicas applies to workloads only, not {', '.join(others)}",
                )
        return Match(
            kinds=kinds,
            namespaces=tuple(raw.get("namespaces") or ()),
            exclude_namespaces=tuple(raw.get("exclude_namespaces") or ()),
            names=tuple(raw.get("names") or ()),
            exclude_names=tuple(raw.get("exclude_names") or ()),
            labels=labels,
            min_replicas=min_replicas,
            where=self.schema(("match", "where")) if "where" in raw else None,
            groups=tuple(str(group) for group in raw.get("groups") or ()),
        )

    def peer_chain(
        self, path: tuple[Any, ...], raw: Any, chain: tuple[Edge, ...]
    ) -> tuple[Edge, ...] | None:
        """``peers`` takes the labels its objects must share (``same_labels``)."""
        labels = tuple(str(label) for label in raw.get("same_labels") or ())
        if not labels:
            self.problem((*path, "edge"), "edge 'peers' needs same_labels: [label keys]")
            return None
        return tuple(with_labels(edge, labels) if edge.name == "peers" else edge for edge in chain)

    def chain(self, path: tuple[Any, ...], kinds: frozenset[str]) -> tuple[Edge, ...] | None:
        name = walk(self.data, path)
        chain = []
        current = kinds
        for step in str(name).split("."):
            edge = EDGES.get(step)
            if edge is None:
                hint = did_you_mean(step, EDGES)
                self.problem(path, f"unknown edge {step!r}{hint}; known edges: {', '.join(EDGES)}")
                return None
            strangers = [] if edge.any_source else sorted(current - edge.sources)
            if strangers:
                starts = ", ".join(sorted(edge.sources))
                self.problem(
                    path,
                    f"edge {step!r} does not start from {', '.join(strangers)}; "
                    f"it starts from: {starts}",
                )
                return None
            chain.append(edge)
            current = current if edge.any_source else edge.targets
        return tuple(chain)

    def related(self, index: int, kinds: frozenset[str]) -> RelatedRule | None:
        path = ("related", index)
        raw = walk(self.data, path)
        chain = self.chain((*path, "edge"), kinds)
        if chain and any(edge.name == "peers" for edge in chain):
            chain = self.peer_chain(path, raw, chain)
        count = raw.get("count") or {}
        low, high = count.get("min"), count.get("max")
        if low is not None and high is not None and low > high:
            self.problem((*path, "count"), f"count.min ({low}) is above count.max ({high})")
        quantifier = next((q for q in ("all", "any", "none") if q in raw), None)
        rule = RelatedRule(
            edge_name=str(raw["edge"]),
            chain=chain or (),
            where=self.schema((*path, "where")) if "where" in raw else None,
            count_min=low,
            count_max=high,
            quantifier=quantifier,
            schema=self.schema((*path, quantifier)) if quantifier else None,
            message=self.message((*path, "message"), related=True),
            at=self.places((*path, "at")),
        )
        return rule if chain else None


def pointer(text: str) -> Path:
    """A JSON Pointer as a path: ``/spec/ports/0`` -> ("spec", "ports", 0)."""
    if not text:
        return ()
    steps: list[Any] = []
    for part in text[1:].split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        steps.append(int(part) if part.isdigit() else part)
    return tuple(steps)


def compile_policy(
    data: Any, meta: RuleMeta, origin: str = "", *, trusted: bool = False
) -> tuple[CompiledPolicy | None, list[Problem]]:
    """Compile a rule document (or one case of a rule with ``cases``) that has ``match``,
    already valid against the format's schema. Returns the policy, or None and every
    problem found. ``trusted``: a built-in rule (its schemas are not checked against their
    meta-schema at every start). ``kslint.policies.cases.compile_rule`` takes either kind
    of rule document."""
    compiler = _Compiler(data, trusted)
    match = compiler.match()
    policy = CompiledPolicy(
        meta=meta,
        match=match,
        assertion=compiler.schema(("assert",)) if "assert" in data else None,
        at=compiler.places(("at",)),
        message=compiler.message(("message",), related=False),
        origin=origin,
        each=tuple(pointer(text) for text in data.get("each") or ()),
    )
    for index in range(len(data.get("related") or ())):
        rule = compiler.related(index, match.kinds)
        if rule is not None:
            policy.related.append(rule)
    if compiler.problems:
        return None, compiler.problems
    return policy, []

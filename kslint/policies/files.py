"""Reading policy files: kslint's own YAML loader (so every problem has a position), the
format's schema (``schemas/rule.schema.json``), then compiling.

Every problem becomes one ``file:line:col: message`` line; nothing here raises on bad
input except ``PolicyError``, which carries them all.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from kslint.datafiles import data_dir
from kslint.nodes import Span, YMap, dotted, span_of
from kslint.policies.cases import CasesPolicy, compile_rule
from kslint.policies.compile import CompiledPolicy
from kslint.registry import CUSTOM_FAMILY, RuleMeta, builtin_catalog, parse_meta
from kslint.schema_messages import explain

SUFFIXES = (".yaml", ".yml")


class PolicyError(Exception):
    """Policies that cannot be used: each problem is one ``file:line:col: message``."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class LoadedRule:
    """One rule document from a file: its metadata, and its compiled check (None for a
    built-in rule's metadata file, whose check is Python)."""

    meta: RuleMeta
    policy: CompiledPolicy | CasesPolicy | None
    data: YMap
    file: str  # as shown in messages
    path: Path

    def where(self, *steps: Any, key: bool = True) -> str:
        span = span_of(self.data, steps, key=key) or self.data.span
        return f"{self.file}:{span.line}:{span.column}"


@cache
def rule_schema() -> dict[str, Any]:
    text = (data_dir("schemas") / "rule.schema.json").read_text(encoding="utf-8")
    return json.loads(text)


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def policy_files(paths: Iterable[str | Path]) -> tuple[list[Path], list[str]]:
    """The YAML files under each path (a file is taken as is), in a stable order."""
    files: list[Path] = []
    problems: list[str] = []
    for entry in paths:
        path = Path(entry)
        if path.is_file():
            files.append(path)
        elif path.is_dir():
            found = [
                item
                for item in path.rglob("*")
                if item.suffix in SUFFIXES
                and item.is_file()
                and not any(part.startswith(".") for part in item.relative_to(path).parts)
            ]
            files += sorted(found)
        else:
            problems.append(f"{entry}:1:1: no such file or directory")
    return list(dict.fromkeys(files)), problems


def read_documents(path: Path, shown: str) -> tuple[list[Any], list[str]]:
    """The documents of one YAML file as position-carrying trees, or the problems."""
    from kslint.yaml_reader import parse_yaml

    try:
        data = path.read_bytes()
    except OSError as exc:
        return [], [f"{shown}:1:1: cannot read the file: {exc.strerror}"]
    documents, findings = parse_yaml(shown, data)
    problems = [f"{shown}:{f.span.line}:{f.span.column}: {f.message}" for f in findings]
    return [doc for doc in documents if doc is not None], problems


def format_problems(doc: YMap, shown: str) -> Iterator[str]:
    """Violations of ``schemas/rule.schema.json``, each at the node it concerns."""
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import best_match

    validator = Draft202012Validator(rule_schema())
    for error in validator.iter_errors(doc):
        # anyOf and not carry the rule format's own errorMessage; elsewhere the most
        # relevant alternative explains best.
        error = best_match([error]) if error.validator not in ("anyOf", "not") else error
        for problem in explain(error):
            span = span_of(doc, problem.path, key=problem.key) or doc.span
            yield f"{shown}:{span.line}:{span.column}: {problem.message}"


def _span(doc: YMap, path: tuple[Any, ...], key: bool = True) -> Span:
    return span_of(doc, path, key=key) or doc.span


def load_rule_documents(
    paths: Iterable[str | Path], *, builtin_sources: bool = False
) -> list[LoadedRule]:
    """Read, check and compile every rule document under ``paths``.

    Policies need ``match``; ids must be new (not a built-in's, not given twice). With
    ``builtin_sources`` (``kslint policy test rules/``) a built-in rule's own data file is
    accepted, with or without ``match``. Raises ``PolicyError`` listing every problem.
    """
    files, problems = policy_files(paths)
    builtin = builtin_catalog()
    loaded: list[LoadedRule] = []
    seen: dict[str, str] = {}
    for path in files:
        shown = _display(path)
        documents, file_problems = read_documents(path, shown)
        problems += file_problems
        if not documents and not file_problems:
            problems.append(f"{shown}:1:1: the file holds no rule")
        for doc in documents:
            if not isinstance(doc, YMap):
                span = getattr(doc, "span", Span(1, 1, 1, 1))
                problems.append(f"{shown}:{span.line}:{span.column}: a rule must be a mapping")
                continue
            shape_problems = list(format_problems(doc, shown))
            if shape_problems:
                problems += shape_problems
                continue
            rule_id = str(doc["id"])
            where = _span(doc, ("id",), key=False)
            own = builtin.get(rule_id)
            is_builtin_source = (
                builtin_sources
                and own is not None
                and own.source is not None
                and own.source.resolve() == path.resolve()
            )
            if own is not None and not is_builtin_source:
                problems.append(
                    f"{shown}:{where.line}:{where.column}: id: {rule_id!r} is a built-in rule; "
                    "choose another id"
                )
            elif rule_id in seen:
                problems.append(
                    f"{shown}:{where.line}:{where.column}: id: {rule_id!r} is already defined "
                    f"at {seen[rule_id]}"
                )
            else:
                seen[rule_id] = f"{shown}:{where.line}"
            checks = "match" in doc or "cases" in doc
            if not checks and not is_builtin_source:
                span = doc.span
                problems.append(
                    f"{shown}:{span.line}:{span.column}: a policy needs `match` "
                    "(with `assert` and/or `related`), or `cases`, to check anything"
                )
                continue
            meta = parse_meta({"family": CUSTOM_FAMILY, **doc}, path)
            policy = None
            if checks:
                origin = f"{shown}:{doc.span.line}"
                policy, compile_problems = compile_rule(doc, meta, origin)
                for problem in compile_problems:
                    span = _span(doc, problem.path, key=False)
                    field = dotted(problem.path)
                    problems.append(
                        f"{shown}:{span.line}:{span.column}: {field}: {problem.message}"
                    )
                if policy is None:
                    continue
            loaded.append(LoadedRule(meta, policy, doc, shown, path))
    if problems:
        raise PolicyError(_sorted(problems))
    return loaded


def _sorted(problems: list[str]) -> list[str]:
    def key(problem: str) -> tuple[str, int, int]:
        file, _, rest = problem.partition(":")
        line, _, rest = rest.partition(":")
        column, _, _ = rest.partition(":")
        try:
            return (file, int(line), int(column))
        except ValueError:
            return (file, 0, 0)

    return sorted(dict.fromkeys(problems), key=key)

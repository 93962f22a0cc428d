"""Configuration: find the file, load it with positions, validate it, merge the CLI flags.

The file is ``.kslint.yaml`` (or ``.kslint.yml``, or ``[tool.kslint]`` in ``pyproject.toml``),
looked up from the working directory upward to the repository root (the directory holding
``.git``); outside a repository only the working directory is searched. It is validated
against ``schemas/config.schema.json`` and against the rule catalog; every problem is
reported as ``file:line:col: message`` (``ConfigError``, exit code 2).

This module only reads and checks configuration. ``kslint.policy`` applies it to findings,
``kslint.discover`` applies its path globs, and ``Config.rule_options`` hands the documented
rule options to the graph.
"""

from __future__ import annotations

import difflib
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

from kslint.discover import PathFilter, display_path
from kslint.findings import Severity
from kslint.nodes import Span, YMap, describe, dotted, span_of
from kslint.rules import FAMILIES, RuleOptions, catalog, data_dir

CONFIG_NAMES = (".kslint.yaml", ".kslint.yml")
PYPROJECT = "pyproject.toml"
LEVELS = ("error", "warning", "info")
OFF = "off"
ALL = "all"


class ConfigError(Exception):
    """An invalid configuration or flag: each problem is one ``file:line:col: message``."""

    def __init__(self, problems: list[str], what: str = "configuration") -> None:
        super().__init__("\n".join(problems))
        self.problems = problems
        self.what = what  # "configuration", or "policies" when only policies are at fault


@dataclass(frozen=True)
class Exemption:
    """Findings to hide: those of ``rules`` about objects every given glob matches."""

    reason: str
    source: str  # where the exemption is written: ``file:line``
    rules: tuple[str, ...] = (ALL,)  # rule IDs, family names or ``all``
    kind: str | None = None
    namespace: str | None = None
    name: str | None = None
    paths: tuple[str, ...] = ()


@dataclass(frozen=True)
class Config:
    """The effective configuration: the file's settings with the CLI flags applied."""

    path: Path | None = None  # the file it came from; None: no configuration file
    root: Path = field(default_factory=Path.cwd)  # globs and context paths are relative to it
    severity: dict[str, str] = field(default_factory=dict)  # rule ID or family -> level/off
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    fail_on: str | None = None
    namespace: str | None = None
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    context: tuple[str, ...] | None = None  # None: the default (include globs, or root)
    stateful_images: tuple[str, tuple[str, ...]] | None = None  # ("extend"|"replace", names)
    cluster_storage_classes: tuple[str, ...] | None = None
    cluster_claims: tuple[tuple[str, str], ...] = ()
    cluster_services: tuple[tuple[str, str], ...] = ()
    exemptions: tuple[Exemption, ...] = ()
    policies: tuple[Path, ...] = ()  # policy files or folders, resolved against ``root``
    kubernetes_version: str | None = None
    schema_dirs: tuple[Path, ...] = ()

    def path_filter(self) -> PathFilter | None:
        """The file's ``include``/``exclude`` globs (None without a file)."""
        if self.path is None:
            return None
        return PathFilter(self.root, self.include, self.exclude)

    def context_paths(self) -> tuple[list[str], PathFilter]:
        """What to load to resolve references: ``context`` (``exclude`` still applies),
        else the ``include`` globs below the root, else the whole root."""
        if self.context is None:
            return [str(self.root)], PathFilter(self.root, self.include, self.exclude)
        return [str(self.root / name) for name in self.context], PathFilter(
            self.root, (), self.exclude
        )

    def rule_options(self) -> RuleOptions:
        """The documented rule options the checks read from ``graph.options``."""
        images: frozenset[str] | None = None
        if self.stateful_images is not None:
            mode, names = self.stateful_images
            base = builtin_stateful_images() if mode == "extend" else frozenset()
            images = frozenset(base) | frozenset(names)
        classes = self.cluster_storage_classes
        return RuleOptions(
            stateful_images=images,
            cluster_storage_classes=None if classes is None else frozenset(classes),
            cluster_claims=frozenset(self.cluster_claims),
            cluster_services=frozenset(self.cluster_services),
        )


@dataclass(frozen=True)
class Overrides:
    """What the command line says; each set flag overrides (or adds to) the file."""

    select: tuple[str, ...] | None = None  # replaces the file's select
    ignore: tuple[str, ...] = ()  # added to the file's ignore
    severity: tuple[str, ...] = ()  # RULE=LEVEL, each replacing the file's entry
    fail_on: str | None = None
    namespace: str | None = None


def builtin_stateful_images() -> frozenset[str]:
    """The built-in stateful image list (``kslint.images``), for ``extend``."""
    from kslint.images import stateful_names

    return stateful_names()


# ---------------------------------------------------------------------------------------
# Finding the file


def repository_root(start: Path) -> Path | None:
    """The nearest directory at or above ``start`` holding ``.git``."""
    for directory in (start, *start.parents):
        if (directory / ".git").exists():
            return directory
    return None


def find_config(start: Path | None = None) -> Path | None:
    """The configuration file for a run started in ``start`` (default: the working
    directory), searching upward to the repository root."""
    start = (start or Path.cwd()).resolve()
    top = repository_root(start)
    directories = [start] if top is None else [start, *start.parents]
    for directory in directories:
        for name in CONFIG_NAMES:
            candidate = directory / name
            if candidate.is_file():
                return candidate
        pyproject = directory / PYPROJECT
        if pyproject.is_file() and _has_tool_table(pyproject):
            return pyproject
        if directory == top:
            break
    return None


def _has_tool_table(path: Path) -> bool:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    return re.search(r"^\s*\[\[?\s*tool\.kslint\s*[\].]", text, re.MULTILINE) is not None


def resolve(
    config_file: Path | None = None,
    *,
    no_config: bool = False,
    overrides: Overrides | None = None,
    start: Path | None = None,
    policy_dirs: Iterable[Path] = (),
    plugins: Iterable[str] = (),
) -> Config:
    """The effective configuration for a run; raises ``ConfigError``.

    Policies (``--policy-dir``, ``--plugin`` and the file's ``policies``) are loaded and
    put in use here, before rule names in the file are checked, since those may name them.
    """
    path = None if no_config else (config_file or find_config(start))
    if config_file is not None and not no_config and not config_file.is_file():
        raise ConfigError([f"kslint: the configuration file {config_file} does not exist"])
    if path is None:
        _use_policies(list(policy_dirs), list(plugins))
        config = Config(root=(start or Path.cwd()))
    else:
        config = load_config(path, policy_dirs=policy_dirs, plugins=plugins)
    return apply_overrides(config, overrides or Overrides())


def _use_policies(paths: list[Path], plugins: list[str]) -> None:
    if not paths and not plugins:
        return
    from kslint.policies import PolicyError, load_and_activate

    try:
        load_and_activate(paths, plugins)
    except PolicyError as exc:
        raise ConfigError(exc.problems, what="policies") from None


# ---------------------------------------------------------------------------------------
# Reading and validating the file


@cache
def schema() -> dict[str, Any]:
    return json.loads((data_dir("schemas") / "config.schema.json").read_text(encoding="utf-8"))


def _display(path: Path) -> str:
    return display_path(path)


class _Locator:
    """Maps a path inside the configuration (keys and list indexes) to a position."""

    def __init__(
        self, shown: str, root: Any = None, toml: dict[tuple[Any, ...], Span] | None = None
    ):
        self.shown = shown
        self.root = root
        self.toml = toml

    def span(self, path: Iterable[Any], *, key: bool = False) -> Span:
        steps = tuple(path)
        if self.toml is not None:
            for end in range(len(steps), -1, -1):
                found = self.toml.get(steps[:end])
                if found is not None:
                    return found
            return Span(1, 1, 1, 1)
        return span_of(self.root, steps, key=key) or Span(1, 1, 1, 1)

    def where(self, path: Iterable[Any], *, key: bool = False) -> str:
        span = self.span(path, key=key)
        return f"{self.shown}:{span.line}:{span.column}"


def load_config(
    path: Path, *, policy_dirs: Iterable[Path] = (), plugins: Iterable[str] = ()
) -> Config:
    """Read, validate and convert one configuration file; raises ``ConfigError``."""
    shown = _display(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError([f"{shown}:1:1: cannot read the file: {exc.strerror}"]) from None
    if path.name == PYPROJECT:
        value, locator = _read_toml(path, shown, data)
    else:
        value, locator = _read_yaml(shown, data)
    if value is None:
        value = YMap(Span(1, 1, 1, 1))
    root = path.parent.resolve()
    problems = [*_schema_problems(value, locator)]
    problems += _path_problems(value, locator, root)
    listed = value.get("policies") if isinstance(value, dict) else None
    named = [root / name for _, name in _strings(listed)]
    try:  # before rule names are checked: the file may name policy ids
        _use_policies([*policy_dirs, *(p for p in named if p.exists())], list(plugins))
    except ConfigError as exc:
        problems += exc.problems
    problems += _catalog_problems(value, locator)
    if problems:
        raise ConfigError(_sorted(problems))
    return _convert(value, path.resolve(), locator)


def _sorted(problems: list[str]) -> list[str]:
    def key(problem: str) -> tuple[Any, ...]:
        match = re.match(r"(.*?):(\d+):(\d+): ", problem)
        return (match.group(1), int(match.group(2)), int(match.group(3))) if match else ("", 0, 0)

    unique = list(dict.fromkeys(problems))
    return sorted(unique, key=key)


def _read_yaml(shown: str, data: bytes) -> tuple[Any, _Locator]:
    """Parse with kslint's own loader so every key and value keeps its position."""
    from kslint.load import parse_yaml

    documents, findings = parse_yaml(shown, data)
    problems = [f"{shown}:{f.span.line}:{f.span.column}: {f.message}" for f in findings]
    if len(documents) > 1:
        problems.append(f"{shown}:1:1: the configuration must be a single YAML document")
    if problems:
        raise ConfigError(problems)
    value = documents[0] if documents else None
    return value, _Locator(shown, value)


_TOML_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")
_TOML_PART = r"(?:[A-Za-z0-9_\-]+|\"[^\"]*\"|'[^']*')"
_TOML_KEY = re.compile(rf"^\s*({_TOML_PART}(?:\s*\.\s*{_TOML_PART})*)\s*=")
_TOML_DOT = re.compile(r"\.(?=(?:[^\"']|\"[^\"]*\"|'[^']*')*$)")


def _toml_keys(text: str) -> list[str]:
    return [part.strip().strip("\"'") for part in _TOML_DOT.split(text)]


def _toml_positions(text: str) -> dict[tuple[Any, ...], Span]:
    """Best-effort positions of the tables and keys below ``[tool.kslint]`` (tomllib keeps
    none): enough to point an error at the right line."""
    positions: dict[tuple[Any, ...], Span] = {}
    table: tuple[Any, ...] = ()
    counts: dict[tuple[str, ...], int] = defaultdict(int)
    for number, line in enumerate(text.splitlines(), 1):
        header = _TOML_HEADER.match(line)
        if header:
            parts = tuple(_toml_keys(header.group(2)))
            if header.group(1) == "[[":
                table = (*parts, counts[parts])
                counts[parts] += 1
            else:
                table = parts
            column = line.index("[") + 1
            positions.setdefault(table, Span(number, column, number, len(line) + 1))
            continue
        key = _TOML_KEY.match(line)
        if key:
            column = key.start(1) + 1
            span = Span(number, column, number, key.end(1) + 1)
            positions.setdefault((*table, *_toml_keys(key.group(1))), span)
    prefix = ("tool", "kslint")
    return {path[2:]: span for path, span in positions.items() if path[:2] == prefix}


def _read_toml(path: Path, shown: str, data: bytes) -> tuple[Any, _Locator]:
    try:
        import tomllib
    except ImportError:  # Python 3.10
        try:
            import tomli as tomllib  # type: ignore[no-redef]
        except ImportError:
            raise ConfigError(
                [f"{shown}:1:1: reading pyproject.toml needs Python 3.11+ or the tomli package"]
            ) from None
    try:
        text = data.decode("utf-8")
        document = tomllib.loads(text)
    except UnicodeDecodeError:
        raise ConfigError([f"{shown}:1:1: the file is not UTF-8 text"]) from None
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        where = f"{match.group(1)}:{match.group(2)}" if match else "1:1"
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        raise ConfigError([f"{shown}:{where}: TOML syntax error: {message}"]) from None
    tool = document.get("tool", {})
    if not isinstance(tool, dict) or "kslint" not in tool:
        raise ConfigError([f"{shown}:1:1: there is no [tool.kslint] table"])
    positions = _toml_positions(text)
    return tool["kslint"], _Locator(shown, None, positions)


# -- schema ---------------------------------------------------------------------------


_TYPES = {
    "object": "a mapping",
    "array": "a list",
    "string": "a string",
    "integer": "an integer",
    "boolean": "a boolean",
}


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for a near-miss, else an empty string."""
    match = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {match[0]!r}?)" if match else ""


def _schema_problems(value: Any, locator: _Locator) -> Iterator[str]:
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator(schema())
    for error in sorted(validator.iter_errors(value), key=lambda e: list(map(str, e.path))):
        yield from _explain(error, locator)


def _explain(error: Any, locator: _Locator) -> Iterator[str]:
    path = list(error.absolute_path)
    where = dotted(path)
    prefix = f"{where}: " if where else ""
    kind = error.validator
    custom = error.schema.get("errorMessage", {}) if isinstance(error.schema, dict) else {}
    instance = error.instance
    if kind == "additionalProperties" and isinstance(instance, dict):
        known = list(error.schema.get("properties", {}))
        for key in instance:
            if key not in known:
                yield (
                    f"{locator.where([*path, key], key=True)}: {prefix}unknown key {key!r}"
                    f"{did_you_mean(str(key), known)}"
                )
        return
    if kind in custom:
        message = custom[kind]
    elif kind == "type":
        expected = error.validator_value
        names = [expected] if isinstance(expected, str) else expected
        wanted = " or ".join(_TYPES.get(name, name) for name in names)
        message = f"must be {wanted}, not {describe(instance)}"
    elif kind == "enum":
        choices = [str(choice) for choice in error.validator_value]
        message = (
            f"{instance!r} is not one of {', '.join(choices)}{did_you_mean(str(instance), choices)}"
        )
    elif kind == "required":
        missing = [key for key in error.validator_value if key not in instance]
        message = f"missing required key {', '.join(repr(k) for k in missing)}"
    elif kind in ("minLength", "minItems"):
        message = "must not be empty"
    elif kind == "uniqueItems":
        seen: set[str] = set()
        twice = next((item for item in instance if item in seen or seen.add(item)), None)
        message = f"lists {twice!r} more than once"
    elif kind == "maxLength":
        message = f"must be at most {error.validator_value} characters long"
    else:
        message = error.message
    yield f"{locator.where(path)}: {prefix}{message}"


# -- catalog and paths ---------------------------------------------------------------


def rule_names(*, with_all: bool = False) -> list[str]:
    names = [*catalog(), *FAMILIES]
    return [*names, ALL] if with_all else names


def check_rule_name(name: str, *, with_all: bool = False) -> str | None:
    """Why ``name`` is not a rule ID or family name, or None when it is one."""
    choices = rule_names(with_all=with_all)
    if name in choices:
        return None
    return f"unknown rule or family {name!r}{did_you_mean(name, choices)}"


def _strings(value: Any) -> Iterator[tuple[int, str]]:
    """The string items of a list (anything else was reported by the schema)."""
    if isinstance(value, list):
        yield from ((i, item) for i, item in enumerate(value) if isinstance(item, str))


def _catalog_problems(value: Any, locator: _Locator) -> Iterator[str]:
    """Rule IDs and family names checked against the installed catalog (rules are added
    over time, so the schema cannot list them)."""
    if not isinstance(value, dict):
        return

    def check(
        path: list[Any], name: str, *, key: bool = False, with_all: bool = False
    ) -> Iterator[str]:
        problem = check_rule_name(name, with_all=with_all)
        if problem:
            yield f"{locator.where(path, key=key)}: {dotted(path[:-1])}: {problem}"

    severity = value.get("severity")
    for name in severity if isinstance(severity, dict) else ():
        yield from check(["severity", name], str(name), key=True)
    for field_name in ("select", "ignore"):
        for index, name in _strings(value.get(field_name)):
            yield from check([field_name, index], name)
    exemptions = value.get("exemptions")
    for number, exemption in enumerate(exemptions if isinstance(exemptions, list) else ()):
        if isinstance(exemption, dict):
            for index, name in _strings(exemption.get("rules")):
                yield from check(["exemptions", number, "rules", index], name, with_all=True)


def _path_problems(value: Any, locator: _Locator, root: Path) -> Iterator[str]:
    if not isinstance(value, dict):
        return
    for key in ("context", "policies", "schema_dirs"):
        for index, name in _strings(value.get(key)):
            if not (root / name).exists():
                yield f"{locator.where([key, index])}: {key}: path {name!r} does not exist"


# -- conversion -----------------------------------------------------------------------


def _pairs(names: Iterable[str]) -> tuple[tuple[str, str], ...]:
    return tuple(tuple(name.split("/", 1)) for name in names)  # type: ignore[misc]


def _convert(value: Any, path: Path, locator: _Locator) -> Config:
    images = value.get("stateful_images")
    cluster = value.get("cluster") or {}
    classes = cluster.get("storage_classes")
    exemptions = []
    for index, item in enumerate(value.get("exemptions") or []):
        span = locator.span(["exemptions", index])
        exemptions.append(
            Exemption(
                reason=item["reason"],
                source=f"{locator.shown}:{span.line}",
                rules=tuple(item.get("rules") or (ALL,)),
                kind=item.get("kind"),
                namespace=item.get("namespace"),
                name=item.get("name"),
                paths=tuple(item.get("paths") or ()),
            )
        )
    context = value.get("context")
    return Config(
        path=path,
        root=path.parent,
        severity={str(k): str(v) for k, v in (value.get("severity") or {}).items()},
        select=None if value.get("select") is None else tuple(value["select"]),
        ignore=tuple(value.get("ignore") or ()),
        fail_on=value.get("fail_on"),
        namespace=value.get("namespace"),
        include=tuple(value.get("include") or ()),
        exclude=tuple(value.get("exclude") or ()),
        context=None if context is None else tuple(context),
        stateful_images=None
        if images is None
        else next((mode, tuple(names)) for mode, names in images.items()),
        cluster_storage_classes=None if classes is None else tuple(classes),
        cluster_claims=_pairs(cluster.get("persistent_volume_claims") or ()),
        cluster_services=_pairs(cluster.get("services") or ()),
        exemptions=tuple(exemptions),
        policies=tuple(path.parent / name for name in value.get("policies") or ()),
        kubernetes_version=value.get("kubernetes_version"),
        schema_dirs=tuple(path.parent / name for name in value.get("schema_dirs") or ()),
    )


# ---------------------------------------------------------------------------------------
# The command line on top


def split_list(values: Iterable[str] | None) -> tuple[str, ...]:
    """Repeatable, comma-separated flag values: ``--select a,b --select c``."""
    return tuple(
        part.strip() for value in values or () for part in value.split(",") if part.strip()
    )


def apply_overrides(config: Config, overrides: Overrides) -> Config:
    """The file's settings with the command line's on top; raises ``ConfigError``."""
    problems = []
    for flag, names in (("--select", overrides.select or ()), ("--ignore", overrides.ignore)):
        for name in names:
            problem = check_rule_name(name)
            if problem:
                problems.append(f"kslint: {flag}: {problem}")
    severity = dict(config.severity)
    for entry in overrides.severity:
        rule_id, _, level = entry.partition("=")
        rule_id, level = rule_id.strip(), level.strip().lower()
        problem = check_rule_name(rule_id)
        if not rule_id or not level:
            problems.append(f"kslint: --severity: expected RULE=LEVEL, got {entry!r}")
        elif problem:
            problems.append(f"kslint: --severity: {problem}")
        elif level not in (*LEVELS, OFF):
            problems.append(
                f"kslint: --severity: {level!r} is not one of error, warning, info, off"
                f"{did_you_mean(level, (*LEVELS, OFF))}"
            )
        else:
            severity[rule_id] = level
    if problems:
        raise ConfigError(problems)
    return replace(
        config,
        severity=severity,
        select=config.select if overrides.select is None else overrides.select,
        ignore=tuple(dict.fromkeys((*config.ignore, *overrides.ignore))),
        fail_on=overrides.fail_on or config.fail_on,
        namespace=overrides.namespace or config.namespace,
    )


def parse_level(level: str) -> Severity | None:
    """A configured level: None for ``off``."""
    return None if level == OFF else Severity.parse(level)

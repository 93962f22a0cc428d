"""Configuration: find the file, read it with positions, validate it against the run's
rule set, convert it, put the CLI flags on top. One module per job:

- ``find``: which file (``.kslint.yaml``, ``.kslint.yml`` or ``[tool.kslint]`` in
  ``pyproject.toml``, from the working directory up to the repository root);
- ``read``: YAML or TOML with a position for every key;
- ``validate``: the schema, rule and family names, paths (``file:line:col: message``);
- ``convert``: the validated file as a ``Config``;
- ``overrides``: the command line on top;
- ``settings``: the values (``Config``, ``Exemption``, ``Overrides``, ``ConfigError``).

``resolve`` runs them in order and also builds the run's ``RuleSet``, since the file's
``policies`` add rules whose ids the rest of the file may name. Configuration is only read
and checked here: ``kslint.suppress`` applies it to findings, ``kslint.discover`` its path
globs, and ``Config.rule_options`` hands the documented rule options to the graph.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from kslint.config.convert import to_config
from kslint.config.find import find_config, repository_root
from kslint.config.overrides import apply_overrides, split_list
from kslint.config.read import read_toml, read_yaml
from kslint.config.settings import (
    LEVELS,
    OFF,
    PYPROJECT,
    Config,
    ConfigError,
    Exemption,
    Overrides,
    parse_level,
)
from kslint.config.validate import (
    catalog_problems,
    path_problems,
    schema_problems,
    sorted_problems,
    strings,
)
from kslint.discover import display_path
from kslint.nodes import Span, YMap
from kslint.ruleset import RuleSet

__all__ = [
    "LEVELS",
    "OFF",
    "Config",
    "ConfigError",
    "Exemption",
    "Overrides",
    "apply_overrides",
    "find_config",
    "load_config",
    "parse_level",
    "repository_root",
    "resolve",
    "split_list",
]


def resolve(
    config_file: Path | None = None,
    *,
    no_config: bool = False,
    overrides: Overrides | None = None,
    start: Path | None = None,
    policy_dirs: Iterable[Path] = (),
    plugins: Iterable[str] = (),
    rules: RuleSet | None = None,
) -> tuple[Config, RuleSet]:
    """The effective configuration for a run and the rules it uses; raises ``ConfigError``.

    ``rules`` (default: the built-in rules) gets the policies of ``--policy-dir``,
    ``--plugin`` and the file's ``policies`` added before rule names in the file are
    checked, since those may name them."""
    base = rules if rules is not None else RuleSet.builtin()
    path = None if no_config else (config_file or find_config(start))
    if config_file is not None and not no_config and not config_file.is_file():
        raise ConfigError([f"kslint: the configuration file {config_file} does not exist"])
    if path is None:
        rule_set = _with_policies(base, list(policy_dirs), list(plugins))
        config = Config(root=(start or Path.cwd()))
    else:
        config, rule_set = load_config(path, base, policy_dirs=policy_dirs, plugins=plugins)
    return apply_overrides(config, overrides or Overrides(), rule_set), rule_set


def load_config(
    path: Path,
    rules: RuleSet | None = None,
    *,
    policy_dirs: Iterable[Path] = (),
    plugins: Iterable[str] = (),
) -> tuple[Config, RuleSet]:
    """Read, validate and convert one configuration file; raises ``ConfigError``."""
    rules = rules if rules is not None else RuleSet.builtin()
    shown = display_path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError([f"{shown}:1:1: cannot read the file: {exc.strerror}"]) from None
    if path.name == PYPROJECT:
        value, locator = read_toml(path, shown, data)
    else:
        value, locator = read_yaml(shown, data)
    if value is None:
        value = YMap(Span(1, 1, 1, 1))
    root = path.parent.resolve()
    problems = [*schema_problems(value, locator)]
    problems += path_problems(value, locator, root)
    listed = value.get("policies") if isinstance(value, dict) else None
    named = [root / name for _, name in strings(listed)]
    try:  # before rule names are checked: the file may name policy ids
        rules = _with_policies(rules, [*policy_dirs, *(p for p in named if p.exists())], plugins)
    except ConfigError as exc:
        problems += exc.problems
    problems += catalog_problems(value, locator, rules)
    if problems:
        raise ConfigError(sorted_problems(problems))
    return to_config(value, path.resolve(), locator), rules


def _with_policies(rules: RuleSet, paths: Iterable[Path], plugins: Iterable[str]) -> RuleSet:
    paths, plugins = list(paths), list(plugins)
    if not paths and not plugins:
        return rules
    from kslint.policies import PolicyError

    try:
        return rules.with_policies(paths, plugins)
    except PolicyError as exc:
        raise ConfigError(exc.problems, what="policies") from None

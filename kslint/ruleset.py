"""The set of rules a run uses, as a value.

``RuleSet.builtin()`` holds the built-in rules: the checks of ``kslint.checks`` and the
built-in data rules (``rules/<id>.yaml`` with ``match``, compiled by ``kslint.policies``).
``with_policies(paths, plugins)`` returns a new set with the team's policies and plugin
rules added. The set is made once per run and passed to configuration validation, the
engine, the suppression stage and the reports; nothing changes it afterwards, so two runs
in one process never see each other's policies.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType

from kslint.registry import FAMILIES, Check, RuleMeta, builtin_catalog

ALL = "all"  # in select/ignore/exemptions: every rule


@dataclass(frozen=True)
class RuleSet:
    catalog: Mapping[str, RuleMeta]  # every rule's metadata, by id (checkless rules too)
    checks: Mapping[str, Check]  # the rules that have a check, by id, sorted

    @classmethod
    def builtin(cls) -> RuleSet:
        return _builtin()

    def with_policies(
        self, policy_paths: Iterable[str | Path] = (), plugins: Iterable[str] = ()
    ) -> RuleSet:
        """This set plus the policies under ``policy_paths`` and the rules of the named
        plugins. Raises ``PolicyError`` listing every problem (a bad file, an id already
        in use)."""
        paths, names = list(policy_paths), list(plugins)
        if not paths and not names:
            return self
        from kslint.policies import PolicyError, load_rules

        return self.with_rules(load_rules(paths, names), error=PolicyError)

    def with_rules(
        self, rules: Iterable[tuple[RuleMeta, Check | None]], error: type[Exception] = ValueError
    ) -> RuleSet:
        """This set plus ``rules``; an id already in the set, or given twice, raises
        ``error`` (built with the list of problems when it is ``PolicyError``)."""
        catalog, checks = dict(self.catalog), dict(self.checks)
        for meta, check in rules:
            if meta.id in catalog:
                message = f"kslint: rule id {meta.id!r} is already in use"
                raise error([message]) if error is not ValueError else error(message)
            catalog[meta.id] = meta
            if check is not None:
                checks[meta.id] = check
        return RuleSet(MappingProxyType(catalog), MappingProxyType(dict(sorted(checks.items()))))

    @property
    def families(self) -> dict[str, str]:
        return FAMILIES

    def names(self, *, with_all: bool = False) -> list[str]:
        """Every name select/ignore/severity may use: rule ids and family ids."""
        names = [*self.catalog, *FAMILIES]
        return [*names, ALL] if with_all else names


@cache
def _builtin() -> RuleSet:
    catalog = builtin_catalog()
    return RuleSet(MappingProxyType(dict(catalog)), _BuiltinChecks())


@cache
def _builtin_checks() -> Mapping[str, Check]:
    catalog = builtin_catalog()
    checks = {**_python_checks(), **_data_checks(catalog.values())}
    return MappingProxyType(dict(sorted(checks.items())))


class _BuiltinChecks(Mapping[str, Check]):
    """The built-in checks, imported (every module of ``kslint.checks``, and what they
    import) and compiled when first asked for: a run answered from the content cache,
    ``--version`` or ``kslint rules`` never runs a check."""

    def __getitem__(self, rule_id: str) -> Check:
        return _builtin_checks()[rule_id]

    def __iter__(self) -> Iterator[str]:
        return iter(_builtin_checks())

    def __len__(self) -> int:
        return len(_builtin_checks())


def _python_checks() -> dict[str, Check]:
    """The checks marked with ``@rule`` in the modules of ``kslint.checks``."""
    import importlib
    import pkgutil

    import kslint.checks as package

    found: dict[str, Check] = {}
    for module_info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"{package.__name__}.{module_info.name}")
        for value in vars(module).values():
            check = getattr(value, "kslint_check", None)
            if isinstance(check, Check) and value.__module__ == module.__name__:
                if check.rule_id in found:
                    raise ValueError(f"rule {check.rule_id} has two checks")
                found[check.rule_id] = check
    return found


def _data_checks(metas: Iterable[RuleMeta]) -> dict[str, Check]:
    """The checks of built-in data rules (``match`` in their data file)."""
    data_rules = [meta for meta in metas if meta.data is not None]
    if not data_rules:
        return {}
    from kslint.policies import compile_data_rule

    return {meta.id: compile_data_rule(meta) for meta in data_rules}

"""What reports say about fixes: which findings ``kslint fix`` fixes, and with which edits.

``plans_for(result)`` plans every finding of a lint result once, however many reports
(text, JSON, SARIF) show it. The text report marks a finding ``kslint fix`` fixes with
``[*]`` and counts them; the JSON report gives each finding's ``Offer`` (its safe fix,
else its unsafe one) with the edits.

A result served from the content cache holds no object trees to plan on, so the offers
of a cold run are kept in the cache beside the run's entry (kind ``fixes``, same key) and
read back by the warm run (``prepare``); without them the run is made again, cold.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kslint.cached_run import CachedGraph
from kslint.findings import Finding
from kslint.pipeline import LintResult

if TYPE_CHECKING:  # the planner is imported when a report plans: a cached run never does
    from kslint.fix.plan import Fix, Planner, Resolution

FIXES = "fixes"  # the cache kind


@dataclass(frozen=True)
class PlacedEdit:
    """An edit as reports show it: replace ``start`` to ``end`` (line, column, 1-based;
    the end exclusive; columns in code points) of ``path`` with ``text``."""

    path: str
    start: tuple[int, int]
    end: tuple[int, int]
    text: str


@dataclass(frozen=True)
class Offer:
    """The fix a report shows for a finding."""

    safety: str  # "safe" (kslint fix) or "unsafe" (kslint fix --unsafe-fixes)
    message: str
    edits: tuple[PlacedEdit, ...]

    @property
    def safe(self) -> bool:
        return self.safety == "safe"

    @property
    def command(self) -> str:
        return "kslint fix" if self.safe else "kslint fix --unsafe-fixes"


def command(fix: Fix) -> str:
    return "kslint fix" if fix.safe else "kslint fix --unsafe-fixes"


def fixable_line(safe: int, unsafe: int) -> str | None:
    """The closing line of a report: how many findings ``kslint fix`` would fix."""
    if safe and unsafe:
        return f"[*] {safe} fixable with `kslint fix` ({unsafe} more with `--unsafe-fixes`)."
    if safe:
        return f"[*] {safe} fixable with `kslint fix`."
    if unsafe:
        return f"{unsafe} fixable with `kslint fix --unsafe-fixes`."
    return None


class Plans:
    """Every fix ``kslint fix`` could make (safe and unsafe) for a lint result's findings:
    planned on its object trees, or read back from the cache (``stored``: per finding,
    its offer and why it has none)."""

    def __init__(self, result: LintResult, stored: list[Any] | None = None) -> None:
        self.result = result
        self._planner: Planner | None = None
        self._plans = stored is None  # else only the stored offers are known
        self._resolved: dict[int, Resolution] = {}
        self._stored: dict[int, tuple[Offer | None, str | None]] | None = None
        if stored is None and isinstance(result.graph, CachedGraph):
            self._stored = {}  # a cached result (identities only): nothing known
        elif stored is not None:
            self._stored = {
                id(finding): _unoffer(item)
                for finding, item in zip(result.findings, stored, strict=True)
            }

    @property
    def planner(self) -> Planner | None:
        """The planner, made on first use: its indexes cover every object of the run,
        and most results (no finding with a fix) never need them."""
        if self._planner is None and self._plans:
            from kslint.fix.run import planner_for

            self._planner = planner_for(self.result)
        return self._planner

    def resolve(self, finding: Finding) -> Resolution:
        """Every fix of the finding (object trees needed: SARIF's reports have them)."""
        assert self.planner is not None, "a cached result's offers only"
        found = self._resolved.get(id(finding))
        if found is None:
            found = self._resolved[id(finding)] = self.planner.resolve(finding, True)
        return found

    def offer(self, finding: Finding) -> Offer | None:
        """The fix a report shows: the finding's safe one, else its first unsafe one."""
        return self._offer(finding)[0]

    def refused(self, finding: Finding) -> str | None:
        """Why a finding whose rule has fixes has none here (None: it has one, or its
        rule none)."""
        return self._offer(finding)[1]

    def _offer(self, finding: Finding) -> tuple[Offer | None, str | None]:
        if self._stored is not None:
            return self._stored.get(id(finding), (None, None))
        meta = self.result.rules.catalog.get(finding.rule)
        if meta is None or not meta.autofix:  # nothing to plan (and no planner to make)
            return None, None
        resolution = self.resolve(finding)
        fix = resolution.safe_fix or (resolution.fixes[0] if resolution.fixes else None)
        if fix is None:
            return None, resolution.reason
        message = " ".join(fix.meta.summary.split())
        return Offer(fix.meta.safety, message, tuple(self.edits(fix))), None

    def edits(self, fix: Fix) -> list[PlacedEdit]:
        """A fix's edits with lines and columns in the text as it is."""
        assert self.planner is not None
        placed = []
        for edit in fix.edits:
            file = self.planner.source(edit.path)
            assert file is not None
            start = file.editor.source.position(edit.edit.start)
            end = file.editor.source.position(edit.edit.end)
            placed.append(PlacedEdit(edit.path, start, end, edit.edit.text))
        return placed

    def fixable(self) -> tuple[int, int]:
        """How many findings a fix exists for: with ``kslint fix``, and only with
        ``--unsafe-fixes``."""
        offers = [self.offer(finding) for finding in self.result.findings]
        safe = sum(1 for offer in offers if offer is not None and offer.safe)
        unsafe = sum(1 for offer in offers if offer is not None and not offer.safe)
        return safe, unsafe

    def to_entry(self) -> list[Any]:
        return [_entry(*self._offer(finding)) for finding in self.result.findings]


def _entry(offer: Offer | None, refused: str | None) -> list[Any]:
    if offer is None:
        return [None, refused]
    edits = [[e.path, *e.start, *e.end, e.text] for e in offer.edits]
    return [[offer.safety, offer.message, edits], refused]


def _unoffer(item: Any) -> tuple[Offer | None, str | None]:
    """An entry back (raises TypeError or ValueError on one of another shape)."""
    data, refused = item
    if refused is not None and not isinstance(refused, str):
        raise TypeError("reason")
    if data is None:
        return None, refused
    safety, message, edits = data
    placed = tuple(
        PlacedEdit(str(path), (int(a), int(b)), (int(c), int(d)), str(text))
        for path, a, b, c, d, text in edits
    )
    return Offer(str(safety), str(message), placed), refused


_LAST: list[Plans] = []  # the plans of the last result asked about


def plans_for(result: LintResult) -> Plans:
    """The plans of a lint result: one for every report made from it."""
    if not _LAST or _LAST[0].result is not result:
        _LAST[:] = [Plans(result)]
    return _LAST[0]


def declares_fixes(result: LintResult) -> bool:
    """Whether a finding's rule has fixes (else there is nothing to plan)."""
    catalog = result.rules.catalog
    return any(
        finding.rule in catalog and catalog[finding.rule].autofix for finding in result.findings
    )


def prepare(result: LintResult, cache: Any) -> bool:
    """Make the result's plans ready for reports: planned (and kept in ``cache`` beside
    the run's entry), or read from ``cache`` for a result served from it. False: a
    cached result whose offers the cache does not hold (run again, cold)."""
    if not declares_fixes(result):
        return True
    key = result.cache_key
    usable = cache is not None and getattr(cache, "enabled", False) and key is not None
    if result.graph is not None and not isinstance(result.graph, CachedGraph):  # object trees
        plans = plans_for(result)
        if usable:
            cache.put(FIXES, key, plans.to_entry())
        return True
    stored = cache.get(FIXES, key) if usable else None
    if not isinstance(stored, list) or len(stored) != len(result.findings):
        return False
    try:
        plans = Plans(result, stored)
    except (TypeError, ValueError):
        return False
    _LAST[:] = [plans]
    return True

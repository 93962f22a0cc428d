"""Baselines: findings recorded earlier, hidden from later runs until they change.

A baseline file lists finding identities (``kslint.fingerprint.identity``: rule, file,
object and node path, never line numbers), so edits that only move lines keep their
findings hidden, and a fixed finding shows up as "gone".
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kslint.errors import UsageError
from kslint.findings import Finding, Suppression
from kslint.fingerprint import identity

BASELINE_VERSION = 1
MAX_DEPTH = 100  # a baseline nests 3 levels; json.loads would recurse past Python's limit


def _too_deep(raw: bytes) -> tuple[int, int]:
    """Where brackets first nest deeper than ``MAX_DEPTH`` (strings aside)."""
    depth, in_string, escaped = 0, False, False
    line, start = 1, 0
    for offset, byte in enumerate(raw):
        if byte == 0x0A:
            line, start = line + 1, offset + 1
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:
                escaped = True
            elif byte == 0x22:
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in b"[{":
            depth += 1
            if depth > MAX_DEPTH:
                return line, offset - start + 1
        elif byte in b"]}":
            depth -= 1
    return 1, 1


@dataclass
class BaselineState:
    """What the baseline did in this run."""

    path: str
    hidden: int = 0  # findings the baseline lists, not reported
    gone: int = 0  # baseline entries no longer found (fixed, or their object removed)


@dataclass
class Baseline:
    path: str
    counts: Counter[str]

    @classmethod
    def read(cls, path: str | Path) -> Baseline:
        """Read a baseline file; raises ``UsageError`` when it cannot be used."""
        from kslint.discover import read_input

        try:
            Path(path).stat()
        except OSError as exc:
            raise UsageError(f"cannot read the baseline {path}: {exc.strerror}") from None
        raw, problem, _ = read_input(Path(path))  # bounded; a FIFO is refused, not waited on
        if problem is not None:
            raise UsageError(f"cannot use the baseline {path}: {problem}")
        try:
            data = json.loads(raw.decode("utf-8"))
        except RecursionError:
            line, column = _too_deep(raw)
            raise UsageError(
                f"{path}:{line}:{column}: the baseline nests deeper than {MAX_DEPTH} levels; "
                "it is not a kslint baseline"
            ) from None
        except (ValueError, UnicodeDecodeError) as exc:
            raise UsageError(f"the baseline {path} is not valid JSON: {exc}") from None
        entries = data.get("findings") if isinstance(data, dict) else None
        if not isinstance(entries, list) or data.get("version") != BASELINE_VERSION:
            raise UsageError(
                f"{path} is not a kslint baseline (version {BASELINE_VERSION}); "
                "write one with --baseline-write"
            )
        counts: Counter[str] = Counter()
        for entry in entries:
            if not isinstance(entry, dict) or not isinstance(entry.get("identity"), str):
                raise UsageError(f"{path}: every entry needs an identity string")
            count = entry.get("count", 1)
            counts[entry["identity"]] += count if isinstance(count, int) and count > 0 else 1
        return cls(str(path), counts)


def baseline_text(findings: Iterable[Finding]) -> str:
    """A baseline file: one entry per identity, sorted, so diffs review well."""
    counts = Counter(identity(finding) for finding in findings)
    entries = []
    for key in sorted(counts):
        entry: dict[str, Any] = {"identity": key}
        if counts[key] > 1:
            entry["count"] = counts[key]
        entries.append(entry)
    document = {"version": BASELINE_VERSION, "tool": "kslint", "findings": entries}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def write_baseline(path: str | Path, findings: Iterable[Finding]) -> int:
    """Record ``findings``; returns how many. Raises ``UsageError`` if it cannot write."""
    findings = list(findings)
    try:
        Path(path).write_text(baseline_text(findings), encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write the baseline {path}: {exc.strerror}") from None
    return len(findings)


def apply_baseline(
    findings: list[Finding], baseline: Baseline
) -> tuple[list[Finding], list[Finding], list[Suppression], BaselineState]:
    """Split ``findings`` into those still reported and those the baseline lists; also
    the latter as suppressions, and what the baseline did (hidden, gone)."""
    remaining = Counter(baseline.counts)
    new: list[Finding] = []
    hidden: list[Finding] = []
    for finding in findings:
        key = identity(finding)
        if remaining[key] > 0:
            remaining[key] -= 1
            hidden.append(finding)
        else:
            new.append(finding)
    reason = f"listed in the baseline {baseline.path}"
    state = BaselineState(
        path=baseline.path,
        hidden=len(hidden),
        gone=sum(count for count in remaining.values() if count > 0),
    )
    return new, hidden, [Suppression(finding, reason) for finding in hidden], state


def baseline_summary(state: BaselineState) -> str:
    gone = ""
    if state.gone:
        plural = "" if state.gone == 1 else "s"
        gone = (
            f"; {state.gone} baselined finding{plural} gone (fixed or removed): "
            f"run --baseline-write {state.path} to drop them"
        )
    plural = "" if state.hidden == 1 else "s"
    return f"baseline {state.path}: {state.hidden} known finding{plural} not shown{gone}"

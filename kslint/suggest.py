"""The one "did you mean" helper: every message that suggests a name uses it, so flags,
configuration, policies, schema fields and rule ids suggest alike."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

# How alike two names must be (difflib's ratio) before one is suggested for the other.
CUTOFF = 0.6


def closest(
    word: str, choices: Iterable[str], *, limit: int = 1, cutoff: float = CUTOFF
) -> list[str]:
    """The names in ``choices`` closest to ``word``, best first. Case is ignored when
    comparing, but the names come back as written."""
    by_folded: dict[str, str] = {}
    for choice in choices:
        by_folded.setdefault(str(choice).lower(), str(choice))
    matches = difflib.get_close_matches(word.lower(), list(by_folded), n=limit, cutoff=cutoff)
    return [by_folded[match] for match in matches]


def did_you_mean(word: str, choices: Iterable[str], *, cutoff: float = CUTOFF) -> str:
    """`` (did you mean 'x'?)`` for a near-miss, else an empty string."""
    match = closest(word, choices, cutoff=cutoff)
    return f" (did you mean {match[0]!r}?)" if match else ""

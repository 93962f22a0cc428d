"""Regular expressions from repositories (CRD and schema ``pattern``s, policies), matched
the way Kubernetes matches them: with RE2.

The API server checks OpenAPI ``pattern`` and ``patternProperties`` with Go's ``regexp``
package, an RE2 engine: matching takes time linear in the text, so ``^(a+)+$`` cannot hang
a run the way it hangs a backtracking engine (Python's ``re``), and the syntax is the API
server's own (``\\p{L}`` works; backreferences and lookarounds do not exist there either).
``google-re2`` is that engine for Python. Every pattern that comes from a linted
repository is compiled and matched here, nowhere else.
"""

from __future__ import annotations

import functools
from typing import Any

# RE2 refuses a pattern whose compiled program would need more memory than this; such
# patterns (``a{1000}{1000}``) are reported like a syntax error. The default is 8 MiB.
_MAX_PROGRAM_BYTES = 8 << 20


class PatternError(ValueError):
    """A pattern RE2 (and therefore the API server) cannot compile."""


@functools.lru_cache(maxsize=4096)
def _compiled(pattern: str) -> Any:
    import re2  # when a pattern is first compiled: most runs compile none

    options = re2.Options()
    options.log_errors = False  # RE2 would print every refused pattern on stderr
    options.max_mem = _MAX_PROGRAM_BYTES
    try:
        return re2.compile(pattern, options)
    except re2.error as exc:
        detail = exc.args[0] if exc.args else exc
        if isinstance(detail, bytes):
            detail = detail.decode("utf-8", "replace")
        raise PatternError(str(detail)) from None
    except (TypeError, ValueError) as exc:  # a pattern that is not text RE2 accepts
        raise PatternError(str(exc)) from None


def compile_pattern(pattern: str) -> Any:
    """The compiled pattern (cached); raises ``PatternError`` when RE2 refuses it."""
    return _compiled(pattern)


def pattern_problem(pattern: str) -> str | None:
    """Why RE2 cannot compile ``pattern``, or None when it can."""
    try:
        _compiled(pattern)
    except PatternError as exc:
        return str(exc)
    return None


def search(pattern: str, text: str) -> bool:
    """Whether ``pattern`` matches somewhere in ``text`` (``re.search`` semantics, as
    JSON Schema's ``pattern``), in time linear in ``len(text)``."""
    compiled = _compiled(pattern)
    try:
        return compiled.search(text) is not None
    except UnicodeEncodeError:  # a lone surrogate (a JSON "\\udcff" escape): as Go sees it
        return compiled.search(text.encode("utf-8", "replace").decode("utf-8")) is not None

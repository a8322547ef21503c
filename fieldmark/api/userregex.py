"""Regular expressions written by users, compiled so that none can stall the server.

Python's ``re`` backtracks: ``(?:.*){9}\\d`` over a few thousand strings takes seconds and
blocks a worker thread. RE2 matches in time linear in the input, refuses the constructs that
need backtracking (backreferences, look-around) and bounds the memory of the compiled program,
so a pattern is either refused up front (a 400 naming the field and the reason) or fast.
Every pattern that comes from a request goes through :func:`compile_user_regex`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

import re2

from fieldmark.api.errors import DomainError

MAX_PATTERN_LENGTH: Final = 200
# The compiled automaton's budget; a pattern like ``a{1000}{1000}`` exceeds it and is refused.
_MAX_MEM: Final = 8 << 20


def _options() -> re2.Options:
    options = re2.Options()
    options.max_mem = _MAX_MEM
    options.log_errors = False
    return options


def compile_user_regex(pattern: str, *, field: str = "q") -> Callable[[str], bool]:
    """A predicate "``pattern`` occurs in the value", or a 400 naming ``field`` with the reason."""
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise DomainError(
            "invalid",
            f"A regular expression may have at most {MAX_PATTERN_LENGTH} characters, "
            f"this one has {len(pattern)}.",
            field=field,
        )
    try:
        compiled = re2.compile(pattern, _options())
    except re2.error as exc:
        reason = exc.args[0] if exc.args else exc
        if isinstance(reason, bytes):
            reason = reason.decode("utf-8", "replace")
        raise DomainError(
            "invalid",
            f"Not a usable regular expression ({reason}); backreferences and look-around are "
            "not supported.",
            field=field,
        ) from None

    def accepts(value: str) -> bool:
        return compiled.search(value) is not None

    return accepts

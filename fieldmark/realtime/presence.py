"""Pure parts of the project socket: what a presence message may say, and the per-socket rate
limit. Kept free of Channels so they are tested directly.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# Where a person can be: a text (utterance, word, morpheme), a video (time, layer, segment), a
# lexicon entry, or just a page of the app.
WHERE_STRINGS = ("page", "text", "utterance", "word", "morpheme", "video", "layer", "segment",
                 "entry")  # fmt: skip
MAX_ID = 100
MAX_LOCK = 200


class InvalidMessage(ValueError):
    """A client message the socket refuses; ``field`` names the offending part."""

    def __init__(self, field: str, detail: str) -> None:
        super().__init__(detail)
        self.field = field


def parse_where(raw: Any) -> dict[str, Any]:
    """The checked location of a presence message: known keys only, short strings, a finite
    non-negative ``time`` in seconds."""
    if not isinstance(raw, dict):
        raise InvalidMessage("where", "where must be an object")
    where: dict[str, Any] = {}
    for key, value in raw.items():
        if key in WHERE_STRINGS:
            if not isinstance(value, str) or len(value) > MAX_ID:
                raise InvalidMessage(f"where.{key}", f"{key} must be a string of at most {MAX_ID}")
            where[key] = value
        elif key == "time":
            if (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or not math.isfinite(value)
                or value < 0
            ):
                raise InvalidMessage("where.time", "time must be a non-negative number")
            where[key] = float(value)
        else:
            raise InvalidMessage(f"where.{key}", f"unknown location key {key!r}")
    return where


def parse_lock(raw: Any) -> str | None:
    """The element a presence message holds a soft lock on (``None``: none)."""
    if raw is None:
        return None
    if not isinstance(raw, str) or not raw or len(raw) > MAX_LOCK:
        raise InvalidMessage("lock", f"lock must be an element key of at most {MAX_LOCK}")
    return raw


@dataclass
class TokenBucket:
    """``rate`` messages a second on average, ``burst`` at once."""

    rate: float
    burst: float
    clock: Callable[[], float] = time.monotonic
    tokens: float = field(init=False)
    stamp: float = field(init=False)

    def __post_init__(self) -> None:
        self.tokens = self.burst
        self.stamp = self.clock()

    def take(self) -> bool:
        now = self.clock()
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True

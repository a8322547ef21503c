"""Tiny helpers for writing XML as streamed strings (faster than building a tree, and lazy)."""

from __future__ import annotations

import re
from collections.abc import Iterable

# Characters XML 1.0 cannot carry at all; dropping them beats writing a file nobody can open.
_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# A value that can be written as an ID attribute as it is (simplified NCName).
XML_ID = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")


def esc(value: str) -> str:
    """Escape text or attribute content (double-quoted attributes)."""
    value = _INVALID.sub("", value)
    return (
        value.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("\r", "&#13;")
        .replace("\n", "&#10;")
    )


def esc_text(value: str) -> str:
    """Escape element text, keeping newlines literal."""
    value = _INVALID.sub("", value)
    return (
        value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    )


def attrs(pairs: Iterable[tuple[str, str | int | None]]) -> str:
    """Render attributes, skipping those whose value is None."""
    return "".join(f' {k}="{esc(str(v))}"' for k, v in pairs if v is not None)

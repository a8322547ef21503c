"""Where the IGT editor's cells sit on screen, read with Playwright's bounding boxes: a test shows
with them that a proposal in a gloss cell leaves every tier row on its label and in line with
the other columns, and that the proposal stays inside its cell."""

from __future__ import annotations

from typing import Any

PX = 1.0


def box(locator: Any) -> dict[str, float]:
    found = locator.bounding_box()
    assert found is not None, locator
    return dict(found)


def label_top(utterance: Any, tier: str) -> float:
    """The top of a tier's label ("word", "morph", "gloss", "POS", "word POS")."""
    return box(utterance.locator(".ling-tier-labels span").get_by_text(tier, exact=True))["y"]


def assert_on_label(utterance: Any, tier: str, *cells: Any) -> None:
    """The cells' tops are their tier label's top and each other's, within a pixel."""
    expected = label_top(utterance, tier)
    tops = [box(cell)["y"] for cell in cells]
    assert all(abs(top - expected) <= PX for top in tops), (tier, expected, tops)
    assert max(tops) - min(tops) <= PX, (tier, tops)


def assert_inside(inner: Any, outer: Any) -> None:
    """``inner`` lies within ``outer``'s box, within a pixel."""
    a, b = box(inner), box(outer)
    assert a["x"] >= b["x"] - PX and a["y"] >= b["y"] - PX, (a, b)
    assert a["x"] + a["width"] <= b["x"] + b["width"] + PX, (a, b)
    assert a["y"] + a["height"] <= b["y"] + b["height"] + PX, (a, b)

"""The video workspace without a mouse: segments, the valence/arousal pad and the AU radio groups
answer the keyboard, and single-key shortcuts can be turned off and never fire in text fields.

The video is the shared Pexels clip, uploaded through the real service; what the browser saves
is read back from Mongo through the service layer.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.test_affect_ui import (
    PASSWORD,
    au_level,
    frame_ms,
    own_layers,
    shared_video,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
__all__ = ["shared_video"]  # the fixture, imported for pytest

MAX_TABS = 250


def log_in_by_keyboard(page: Any, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/login")
    page.get_by_label("Username").focus()
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.get_by_test_id("current-user").filter(has_text=username).wait_for()


def tab_until(page: Any, predicate: str, backwards: bool = False) -> None:
    """Press Tab (or Shift+Tab) until ``predicate(document.activeElement)`` holds."""
    for _ in range(MAX_TABS):
        if page.evaluate(
            f"(() => {{ const el = document.activeElement; return !!({predicate}); }})()"
        ):
            return
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
    raise AssertionError(f"{MAX_TABS} Tabs never reached {predicate}")


def open_workspace(page: Any, base_url: str, video_id: str) -> None:
    page.goto(f"{base_url}/projects/lezgi/videos/{video_id}")
    page.wait_for_function("() => document.querySelector('[data-testid=video]')?.readyState >= 2")


def test_keyboard_only_codes_an_au_sets_valence_arousal_and_saves_shared(
    page: Any, live_server: Any, team: Any, shared_video: dict[str, Any]
) -> None:
    video_id = shared_video["_id"]
    fps = Fraction(shared_video["fps"])

    # Given an annotator who logs in and opens the workspace with the keyboard only
    log_in_by_keyboard(page, live_server.url, "annotator")
    open_workspace(page, live_server.url, video_id)

    # When they go to 1 s, press I, step 12 frames and press O
    page.keyboard.press("Home")
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.querySelector('[data-testid=video]').currentTime === 1")
    in_frame = math.floor(fps)
    page.keyboard.press("i")
    for _ in range(12):
        page.keyboard.press(".")
    page.keyboard.press("o")
    own_row = page.get_by_test_id("own-layer-row")
    expect(own_row.get_by_role("option")).to_have_count(1)

    # And Tab to AU12's radio group (one stop per AU) and choose C with the arrow keys
    tab_until(page, "el.closest('[data-testid=au-row-AU12]')")
    stops = page.evaluate("() => [...document.querySelectorAll('[data-testid^=au-row-]')].length")
    assert stops == 19
    expect(au_level(page, "AU12", "—")).to_be_focused()
    for _ in range(4):  # — → 0 → A → B → C
        page.keyboard.press("ArrowRight")
    expect(au_level(page, "AU12", "C")).to_be_checked()
    expect(page.get_by_test_id("au-value-AU12")).to_have_text("AU12C")
    # The radio's accessible name starts with its visible label
    assert page.evaluate("() => document.activeElement.labels[0].textContent") == "C"

    # And Shift+Tab back to the pad, move its point with the arrows (valence +0.5, arousal +0.2)
    tab_until(page, "el.dataset.testid === 'affect-pad'", backwards=True)
    for _ in range(5):
        page.keyboard.press("ArrowRight")
    for _ in range(2):
        page.keyboard.press("ArrowUp")
    pad = page.get_by_role("slider", name="Valence and arousal pad")
    expect(pad).to_have_attribute(
        "aria-valuetext", "valence 0.50 (positive), arousal 0.20 (aroused)"
    )
    tab_until(page, "el.dataset.testid === 'pad-apply'")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("segment-dimensions")).to_contain_text("valence 0.50, arousal 0.20")

    # And Tab to the segment itself and press "]": its end one frame later
    tab_until(page, "el.getAttribute('role') === 'option'", backwards=True)
    page.keyboard.press("]")

    # And save with Ctrl+S
    page.keyboard.press("Control+s")
    expect(page.get_by_test_id("save-state")).to_have_text("Saved (version 1)")

    # Then Mongo holds that one segment: AU12 = C, the pad's point, the nudged end
    [layer] = own_layers(team, video_id, "annotator")
    assert layer["segments"] == [
        {
            "t0_ms": frame_ms(in_frame, fps),
            "t1_ms": frame_ms(in_frame + 13, fps),
            "aus": {"AU12": 3},
            "emotion": None,
            "dimensions": {"valence": 0.5, "arousal": 0.2},
            "note": "",
        }
    ]


def test_focused_segments_move_by_arrows_and_delete_by_key_shared(
    page: Any, live_server: Any, team: Any, shared_video: dict[str, Any]
) -> None:
    from annotations.affect_api.services import layers
    from fieldmark.projects.models import Role

    video_id = shared_video["_id"]
    layers.create_layer(
        team.annotator,
        Role.ANNOTATOR,
        team.project,
        video_id,
        {
            "segments": [
                {"t0_ms": 1000, "t1_ms": 2000, "aus": {"AU6": 2}},
                {"t0_ms": 3000, "t1_ms": 4000, "aus": {"AU12": 4}},
            ]
        },
    )
    log_in_by_keyboard(page, live_server.url, "annotator")
    open_workspace(page, live_server.url, video_id)

    # Given the first segment has the row's one Tab stop
    segments = page.get_by_test_id("own-layer-row").get_by_role("option")
    expect(segments).to_have_count(2)
    expect(segments.nth(0)).to_have_attribute("tabindex", "0")
    expect(segments.nth(1)).to_have_attribute("tabindex", "-1")
    tab_until(page, "el.getAttribute('role') === 'option'")
    expect(segments.nth(0)).to_have_attribute("aria-selected", "true")
    expect(segments.nth(0)).to_have_accessible_name("0:01.000 to 0:02.000: 6B")

    # When they press → the second is focused and selected; Delete removes it
    page.keyboard.press("ArrowRight")
    expect(segments.nth(1)).to_be_focused()
    expect(segments.nth(1)).to_have_attribute("aria-selected", "true")
    expect(page.get_by_test_id("au-value-AU12")).to_have_text("AU12D")
    page.keyboard.press("Delete")
    expect(segments).to_have_count(1)
    expect(segments.nth(0)).to_be_focused()
    page.keyboard.press("Control+s")
    expect(page.get_by_test_id("save-state")).to_have_text("Saved (version 2)")

    # Then only the first segment is stored
    [layer] = own_layers(team, video_id, "annotator")
    assert [(s["t0_ms"], s["aus"]) for s in layer["segments"]] == [(1000, {"AU6": 2})]


def test_single_key_shortcuts_turn_off_are_remembered_and_skip_text_fields_shared(
    page: Any, live_server: Any, team: Any, shared_video: dict[str, Any]
) -> None:
    from annotations.affect_api.services import layers
    from fieldmark.projects.models import Role

    video_id = shared_video["_id"]
    layers.create_layer(
        team.annotator,
        Role.ANNOTATOR,
        team.project,
        video_id,
        {"segments": [{"t0_ms": 1000, "t1_ms": 2000, "aus": {"AU6": 2}}]},
    )
    log_in_by_keyboard(page, live_server.url, "annotator")
    open_workspace(page, live_server.url, video_id)
    segment = page.get_by_test_id("own-layer-row").get_by_role("option")

    # Given a selected segment, typing "12c" in its note goes into the note only
    segment.focus()
    page.get_by_label("Note").focus()
    page.keyboard.type("12c i")
    expect(page.get_by_label("Note")).to_have_value("12c i")
    expect(page.get_by_test_id("au-value-AU12")).to_have_text("")
    expect(page.get_by_test_id("hint")).not_to_contain_text("In-point")

    # When single-key shortcuts are turned off, "i" and "12c" on the page do nothing
    toggle = page.get_by_test_id("single-keys")
    expect(toggle).to_be_checked()
    toggle.focus()
    page.keyboard.press("Space")
    expect(toggle).not_to_be_checked()
    segment.focus()
    for key in ("1", "2", "c", "i"):
        page.keyboard.press(key)
    expect(page.get_by_test_id("au-value-AU12")).to_have_text("")
    expect(page.get_by_test_id("hint")).not_to_contain_text("In-point")
    # (Ctrl+S still saves)
    page.keyboard.press("Control+s")
    expect(page.get_by_test_id("save-state")).to_have_text("Saved (version 2)")

    # And after a reload the setting is remembered; turned on again, 12c codes AU12 C
    open_workspace(page, live_server.url, video_id)
    expect(page.get_by_test_id("single-keys")).not_to_be_checked()
    page.get_by_test_id("single-keys").check()
    page.get_by_test_id("own-layer-row").get_by_role("option").focus()
    for key in ("1", "2", "c"):
        page.keyboard.press(key)
    expect(page.get_by_test_id("au-value-AU12")).to_have_text("AU12C")
    assert own_layers(team, video_id, "annotator")[0]["segments"][0]["note"] == "12c i"

"""axe-core (WCAG 2.1 A/AA) over the affect pages and their opened states: no critical or
serious violation on the video list, the workspace with a segment selected (AU panel) and the
pad set, the gold review, the import and link forms, the label schema editor and both agreement
pages."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.a11y import assert_accessible
from tests.e2e.conftest import DEFAULT_TIMEOUT_MS
from tests.e2e.test_affect_ui import add_two_coder_layers, log_in, shared_video

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
__all__ = ["shared_video"]  # the fixture, imported for pytest


@pytest.fixture
def axe_page(browser: Any) -> Iterator[Any]:
    """A page whose context lets axe-core's script tag in past the app's `script-src 'self'`."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


def test_affect_pages_and_opened_states_have_no_serious_axe_violation_shared(
    axe_page: Any, live_server: Any, team: Any, shared_video: dict[str, Any]
) -> None:
    page = axe_page
    video_id = shared_video["_id"]
    base = f"{live_server.url}/projects/lezgi"
    add_two_coder_layers(team, shared_video)

    log_in(page, live_server.url, "manager")
    page.goto(f"{base}/videos")
    expect(page.get_by_test_id(f"video-{video_id}")).to_be_visible()
    assert_accessible(page, "video list")

    # The workspace with the manager's own segment selected: AU panel, pad with a point
    page.goto(f"{base}/videos/{video_id}")
    page.get_by_test_id("timeline").wait_for()
    assert_accessible(page, "workspace loaded")
    own = page.get_by_test_id("own-layer-row").get_by_role("option")
    expect(own).to_have_count(2)
    own.first.focus()
    expect(page.get_by_test_id("au-panel")).to_be_visible()
    page.get_by_role("slider", name="Valence and arousal pad").focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowUp")
    assert_accessible(page, "workspace, segment selected, AU panel, pad set")

    # Gold review, shortcut help, history, link and import forms opened
    panel = page.get_by_test_id("gold-panel")
    panel.get_by_role("button", name="Build gold layer").click()
    expect(panel.get_by_test_id("gold-review")).to_be_visible()
    page.get_by_text("Keyboard shortcuts").click()
    page.get_by_text("History of your layer").click()
    expect(page.get_by_test_id("layer-history")).to_be_visible()
    page.get_by_text("Link an utterance to the selected segment").click()
    assert_accessible(page, "gold review, shortcuts, history and link form open")

    # Label schema editor, with custom labels open
    page.goto(f"{base}/label-schema")
    expect(page.get_by_test_id("schema-version")).to_be_visible()
    page.get_by_label("Custom labels").check()
    assert_accessible(page, "label schema editor")

    # Agreement pages
    page.goto(f"{base}/videos/{video_id}/agreement")
    expect(page.get_by_test_id("kappa-heatmap")).to_be_visible()
    assert_accessible(page, "video agreement")
    page.goto(f"{base}/agreement")
    expect(page.get_by_test_id("project-agreement-videos")).to_be_visible()
    assert_accessible(page, "project agreement")


WIDEST = """(selector) => {
    const root = document.querySelector(selector);
    let widest = null;
    for (const el of [root, ...root.querySelectorAll('*')]) {
        const box = el.getBoundingClientRect();
        if (box.width === 0 || getComputedStyle(el).position === 'absolute') continue;
        if (!widest || box.right > widest.right) {
            widest = {right: Math.round(box.right), what: el.tagName + '.' + el.className};
        }
    }
    return widest;
}"""


def test_workspace_and_schema_editor_reflow_at_320_px_shared(
    page: Any, live_server: Any, team: Any, shared_video: dict[str, Any]
) -> None:
    video_id = shared_video["_id"]
    base = f"{live_server.url}/projects/lezgi"
    add_two_coder_layers(team, shared_video)
    log_in(page, live_server.url, "manager")
    page.set_viewport_size({"width": 320, "height": 800})

    # The workspace, with a segment selected (AU panel open), fits in 320 px
    page.goto(f"{base}/videos/{video_id}")
    page.get_by_test_id("own-layer-row").get_by_role("option").first.focus()
    expect(page.get_by_test_id("au-panel")).to_be_visible()
    widest = page.evaluate(WIDEST, "[data-testid=workspace]")
    assert widest["right"] <= 320, widest

    # And so does the label schema editor
    page.goto(f"{base}/label-schema")
    expect(page.get_by_test_id("schema-version")).to_be_visible()
    widest = page.evaluate(WIDEST, ".affect-schema-page")
    assert widest["right"] <= 320, widest

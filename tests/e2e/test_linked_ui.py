"""The SPARQL query page end to end: a real browser runs the worked examples against the live
server's project graph and reads the answers as tables."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.test_linguistic_ui import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def graph(team: Any, mongo_db: Any, settings: Any, tmp_path: Any) -> None:
    """Two glossed utterances, a two-entry lexicon and a coded face video, synced."""
    from annotations.linked_api import sync
    from annotations.linked_api.store import LocalStore, get_store
    from tests.linked_api import helpers
    from tests.linked_api.conftest import small_corpus

    store = get_store()
    assert isinstance(store, LocalStore)
    store.store.clear()
    settings.MEDIA_ROOT = tmp_path
    small_corpus(team.project, team.owner)
    helpers.coded_video(team.project, team.owner)
    sync.drain(team.project)


def rows(page: Any) -> Any:
    return page.get_by_role("table", name="Query results").locator("tbody tr")


def test_the_worked_examples_run_and_show_tables(page: Any, live_server: Any, graph: None) -> None:
    # Given a viewer on the project's query page
    log_in(page, live_server.url, "viewer")
    page.goto(f"{live_server.url}/projects/lezgi/query")
    examples = page.get_by_role("group", name="Worked examples")

    # When they run each worked example, the answer is a table
    examples.get_by_role("button", name="Gloss counts").click()
    expect(rows(page)).to_have_count(3)
    expect(rows(page).first).to_contain_text("NOM")
    expect(page.get_by_test_id("sparql-summary")).to_contain_text("3 rows")

    examples.get_by_role("button", name="Concordance of a gloss").click()
    expect(rows(page)).to_have_count(2)
    expect(rows(page).first).to_contain_text("-di")

    examples.get_by_role("button", name="Entries without senses").click()
    expect(rows(page)).to_have_count(1)
    expect(rows(page).first).to_contain_text("ruš")

    examples.get_by_role("button", name="AU co-occurrence").click()
    expect(rows(page)).to_have_count(1)
    expect(rows(page).first).to_contain_text("AU12")
    screenshot(page, "linked-sparql-query.png")

    # And a query typed in the editor runs with Ctrl+Enter; an update is refused with the reason
    editor = page.get_by_label("Query", exact=True)
    editor.fill("ASK { ?s ?p ?o }")
    editor.press("Control+Enter")
    expect(page.get_by_test_id("sparql-boolean")).to_have_text("Answer: yes")
    editor.fill("DROP ALL")
    page.get_by_role("button", name="Run query").click()
    expect(page.get_by_role("alert")).to_contain_text("queries only")

"""axe-core on every page of the app and the opened states of the linguistic side, and reflow
at 320 px (WCAG 1.4.10: no horizontal scrolling of the page body).

The affect pages (videos, workspace, agreement) are checked by their own tests. Each state is
run through ``assert_accessible``; the failures of all states are gathered so one run shows them
all.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.a11y import axe_violations, blocking_lines
from tests.e2e.test_linguistic_ui import DOGS_BARK, log_in
from tests.shared_data import shared_file

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REFLOW_PX = 320


@pytest.fixture
def corpus(team: Any, mongo_db: Any) -> dict[str, Any]:
    from annotations.linguistic_api import services

    text = services.create_text(team.manager, team.project, {"title": "Dogs", "lang": "eng"})
    first = services.create_utterance(team.manager, team.project, text["_id"], DOGS_BARK)
    services.replace_utterance(team.manager, team.project, first["_id"], 1, {
        **DOGS_BARK, "translations": {"en": "The dogs bark."},
    })  # fmt: skip
    entry = services.create_entry(team.manager, team.project, {
        "forms": {"lez": "dog"}, "senses": [{"id": "s1", "gloss": {"en": "dog"}}], "pos": "N",
    })  # fmt: skip
    return {"text": text["_id"], "utterance": first["_id"], "entry": entry["_id"]}


class Findings:
    def __init__(self, page: Any) -> None:
        self.page = page
        self.lines: list[str] = []

    def check(self, state: str) -> None:
        for line in blocking_lines(axe_violations(self.page)):
            self.lines.append(f"{state}: {line}")

    def reflow(self, state: str) -> None:
        width = self.page.evaluate("() => document.documentElement.scrollWidth")
        if width > REFLOW_PX:
            # The innermost elements that stick out, so the message says what to fix.
            wide = self.page.evaluate(
                """(limit) => {
                    const out = (el) => el.getBoundingClientRect().right > limit + 1;
                    // Inside a box that scrolls on its own, overflow is that box's, not the page's.
                    const clipped = (el) => {
                        for (let p = el.parentElement; p && p !== document.body;
                             p = p.parentElement) {
                            const x = getComputedStyle(p).overflowX;
                            if (['auto', 'scroll', 'hidden'].includes(x))
                                return true;
                        }
                        return false;
                    };
                    return [...document.body.querySelectorAll('*')]
                        .filter((el) => out(el) && !clipped(el))
                        .filter((el) => ![...el.children].some((c) => out(c) && !clipped(c)))
                        .slice(0, 4)
                        .map((el) => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')}`
                            + ` (${Math.round(el.getBoundingClientRect().right)} px)`);
                }""",
                REFLOW_PX,
            )
            self.lines.append(
                f"{state}: page is {width} px wide at {REFLOW_PX} px: {', '.join(wide)}"
            )


PAGES = [
    ("projects list", "/", "Projects"),
    ("overview", "/projects/lezgi", None),
    ("texts", "/projects/lezgi/texts", "Texts"),
    ("lexicon", "/projects/lezgi/lexicon", "Lexicon"),
    ("dictionary", "/projects/lezgi/dictionary", "Dictionary"),
    ("concordance", "/projects/lezgi/concordance", "Concordance"),
    ("members", "/projects/lezgi/members", "Members"),
    ("audit", "/projects/lezgi/audit", None),
    ("models", "/projects/lezgi/models", None),
    ("query", "/projects/lezgi/query", None),
    ("invitations", "/invitations", None),
    ("not found", "/nowhere", None),
]


def visit(page: Any, url: str, heading: str | None) -> None:
    page.goto(url)
    if heading:
        expect(page.get_by_role("heading", name=heading, exact=True).first).to_be_visible()
    page.wait_for_load_state("networkidle")


def test_every_page_and_opened_state_is_accessible_and_reflows(
    page: Any, live_server: Any, team: Any, corpus: dict[str, Any]
) -> None:
    found = Findings(page)
    base = live_server.url

    # Logged out: the login and register pages
    for state, url in (("login", "/login"), ("register", "/register")):
        visit(page, base + url, None)
        found.check(state)

    log_in(page, base, "manager")
    for state, url, heading in PAGES:
        visit(page, base + url, heading)
        found.check(state)

    # The editor, with a row focused, its actions, split, delete and history open
    editor_url = f"{base}/projects/lezgi/texts/{corpus['text']}"
    visit(page, editor_url, None)
    expect(page.get_by_label("Gloss of dog in dogs")).to_be_focused()
    found.check("editor, a gloss focused")
    page.get_by_role("button", name="Actions on utterance 1").click()
    found.check("editor, actions open")
    page.get_by_role("button", name="Split…").click()
    found.check("editor, split open")
    page.get_by_role("button", name="Delete…").click()
    found.check("editor, delete confirmation open")
    page.get_by_role("button", name="History", exact=True).click()
    page.get_by_role("button", name="Compare v1 with current").click()
    expect(page.get_by_test_id("history-diff")).to_be_visible()
    found.check("editor, history and diff open")
    page.get_by_role("button", name="Text history").click()
    expect(page.get_by_role("heading", name="History of the text Dogs")).to_be_focused()
    found.check("editor, text history open")

    # The lexicon with an entry open and its history
    visit(page, f"{base}/projects/lezgi/lexicon?entry={corpus['entry']}", "Lexicon")
    page.get_by_role("button", name="Entry history").click()
    expect(page.get_by_role("heading", name="History of dog")).to_be_focused()
    found.check("lexicon, entry and its history open")

    # The import dialog with an ELAN file's tiers and preview, and the Toolbox markers
    visit(page, f"{base}/projects/lezgi/texts", "Texts")
    form = page.get_by_role("form", name="Import")
    form.get_by_label("File").set_input_files(str(shared_file("elan/sample_3.0.eaf")))
    expect(form.get_by_test_id("eaf-tiers")).to_be_visible()
    form.get_by_role("button", name="Preview").click()
    expect(form.get_by_test_id("eaf-preview")).to_be_visible()
    found.check("import, ELAN tiers and preview")
    form.get_by_label("Format").select_option("toolbox")
    found.check("import, Toolbox markers")

    # Reflow: at 320 px no page scrolls sideways
    page.set_viewport_size({"width": REFLOW_PX, "height": 640})
    for state, url, heading in PAGES:
        visit(page, base + url, heading)
        found.reflow(state)
    visit(page, editor_url, None)
    found.reflow("editor")

    assert not found.lines, f"{len(found.lines)} findings\n" + "\n".join(found.lines)


def test_the_axe_build_is_installed() -> None:
    # The a11y helper is shared with the other helpers' tests: its axe build must be there.
    from tests.e2e.a11y import AXE_JS

    assert Path(AXE_JS).is_file(), AXE_JS

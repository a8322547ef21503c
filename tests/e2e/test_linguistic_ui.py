"""The IGT editor end to end: a real browser glosses an utterance against the live server.

Texts, utterances and lexicon entries are set up through ``annotations.linguistic_api.services``
and what the browser saves is read back from Mongo through the same services.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from playwright.sync_api import expect

from tests.e2e.igt_layout import assert_on_label

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery"
RESULTS_DIR = Path(__file__).resolve().parents[2] / "test-results"

# "dogs bark": 2 words, 3 morphemes (dog-s, bark), no glosses yet.
DOGS_BARK: dict[str, Any] = {
    "transcription": "dogs bark",
    "translations": {"en": "Dogs bark."},
    "words": [
        {"form": "dogs", "morphemes": [{"form": "dog"}, {"form": "s", "sep": "-"}]},
        {"form": "bark", "morphemes": [{"form": "bark"}]},
    ],
}


def log_in(page: Any, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_test_id("current-user").filter(has_text=username).wait_for()


def screenshot(page: Any, name: str) -> None:
    RESULTS_DIR.mkdir(exist_ok=True)
    page.screenshot(path=str(RESULTS_DIR / name), full_page=True)


def glosses(doc: dict[str, Any]) -> list[str]:
    return [m.get("gloss", "") for w in doc.get("words", []) for m in w.get("morphemes", [])]


@pytest.fixture
def text(team: Any, mongo_db: Any) -> dict[str, Any]:
    """A text with the one utterance "dogs bark", created by the manager."""
    from annotations.linguistic_api import services

    doc = services.create_text(team.manager, team.project, {"title": "Dogs", "lang": "eng"})
    utt = services.create_utterance(team.manager, team.project, doc["_id"], DOGS_BARK)
    return {"text": doc["_id"], "utterance": utt["_id"], "version": utt["version"]}


def open_editor(page: Any, base_url: str, text_id: str) -> None:
    page.goto(f"{base_url}/projects/lezgi/texts/{text_id}")
    # The first gloss cell takes the focus by itself: no mouse needed.
    expect(page.get_by_label("Gloss of dog in dogs")).to_be_focused()


def test_gloss_a_sentence_by_keyboard_only(
    page: Any, live_server: Any, team: Any, text: dict[str, Any]
) -> None:
    from annotations.linguistic_api import services

    # Given an annotator in the editor of a text with one unglossed utterance
    log_in(page, live_server.url, "annotator")
    open_editor(page, live_server.url, text["text"])
    expect(page.get_by_test_id("word")).to_have_count(2)
    expect(page.get_by_test_id("utterance-status")).to_have_text(f"v{text['version']}")

    # When they type the glosses, moving only with Tab
    page.keyboard.type("dog")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Gloss of -s in dogs")).to_be_focused()
    page.keyboard.type("PL")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Gloss of bark in bark")).to_be_focused()
    page.keyboard.type("bark")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Free translation (en) of utterance 1")).to_be_focused()
    page.keyboard.press("Shift+Tab")
    expect(page.get_by_label("Gloss of bark in bark")).to_be_focused()
    expect(page.get_by_test_id("utterance-status")).to_contain_text("unsaved")

    # And save with Ctrl+S
    page.keyboard.press("Control+s")
    expect(page.get_by_test_id("utterance-status")).to_have_text(f"v{text['version'] + 1}")
    expect(page.get_by_test_id("unsaved-count")).to_have_text("All saved")
    screenshot(page, "linguistic-igt-editor.png")

    # Then Mongo holds exactly the typed glosses, as a new version
    saved = services.get_utterance(team.project, text["utterance"])
    assert glosses(saved) == ["dog", "PL", "bark"]
    assert saved["version"] == text["version"] + 1
    assert saved["translations"] == {"en": "Dogs bark."}
    assert saved["updated_by"] == "annotator"


def test_conflict_keeps_typing_and_overwrites_on_keep_mine(
    page: Any, live_server: Any, team: Any, text: dict[str, Any]
) -> None:
    from annotations.linguistic_api import services

    # Given the editor is open on version 1
    log_in(page, live_server.url, "annotator")
    open_editor(page, live_server.url, text["text"])

    # When someone else glosses the same morpheme behind the browser's back (a save of another
    # morpheme or field would be merged without a conflict)
    theirs = copy.deepcopy(DOGS_BARK)
    theirs["words"][0]["morphemes"][0]["gloss"] = "hound"
    services.replace_utterance(
        team.manager, team.project, text["utterance"], text["version"], theirs
    )

    # And the annotator types a gloss and saves
    page.keyboard.type("dog")
    page.keyboard.press("Control+s")

    # Then the conflict panel shows both versions and the typed gloss is still there
    panel = page.get_by_test_id("conflict-panel")
    expect(panel).to_be_visible()
    expect(panel).to_contain_text("version 2")
    expect(panel.get_by_test_id("conflict-theirs").first).to_contain_text("hound")
    expect(panel.get_by_test_id("conflict-mine").last).to_contain_text("dog")
    expect(page.get_by_label("Gloss of dog in dogs")).to_have_value("dog")
    screenshot(page, "linguistic-igt-conflict.png")

    # When they keep theirs out and their own version in
    panel.get_by_role("button", name="Keep mine (overwrite)").click()
    expect(panel).to_be_hidden()
    expect(page.get_by_test_id("utterance-status")).to_have_text("v3")

    # Then Mongo has the typed gloss in the newer version
    saved = services.get_utterance(team.project, text["utterance"])
    assert saved["version"] == 3
    assert glosses(saved) == ["dog", "", ""]
    assert saved["translations"] == {"en": "Dogs bark."}


def test_lexicon_autocomplete_and_leipzig_hint(
    page: Any, live_server: Any, team: Any, text: dict[str, Any]
) -> None:
    from annotations.linguistic_api import services

    # Given a lexicon entry for the plural suffix -s
    entry = services.create_entry(
        team.manager,
        team.project,
        {
            "forms": {"eng": "-s"},
            "type": "suffix",
            "senses": [{"id": "pl", "gloss": {"en": "PL"}}],
        },
    )
    log_in(page, live_server.url, "annotator")
    open_editor(page, live_server.url, text["text"])

    # When the annotator types an unknown gram, the Leipzig hint underlines it
    page.keyboard.type("dog.XYZ")
    hint = page.get_by_test_id("leipzig-hint")
    expect(hint).to_be_visible()
    expect(hint.locator(".ling-gram-unknown")).to_have_text("XYZ")
    gloss = page.get_by_label("Gloss of dog in dogs")
    expect(gloss).to_have_attribute("aria-describedby", hint.get_attribute("id") or "")
    # floating over the tiers below: the column's POS stays on its label, in line with the others
    utterance = page.get_by_test_id("utterance").first
    pos_cells = [page.get_by_label(f"POS of {m}") for m in ("dog in dogs", "-s in dogs")]
    assert_on_label(utterance, "POS", *pos_cells, page.get_by_label("POS of bark in bark"))

    # And on the suffix, ArrowDown + Enter picks the lexicon's gloss
    page.keyboard.press("Tab")
    # (the hint leaves with the focus; the underline and the title stay on the gloss)
    expect(hint).to_have_count(0)
    expect(gloss).to_have_class("ling-cell ling-gloss-input ling-has-unknown")
    expect(gloss).to_have_attribute("title", "Not a Leipzig abbreviation: XYZ")
    page.keyboard.press("ArrowDown")
    expect(page.get_by_role("option", name="PL")).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.get_by_label("Gloss of -s in dogs")).to_have_value("PL")
    page.keyboard.press("Control+Enter")
    expect(page.get_by_test_id("utterance-status")).to_have_text("v2")

    saved = services.get_utterance(team.project, text["utterance"])
    morph = saved["words"][0]["morphemes"][1]
    assert morph["gloss"] == "PL"
    assert morph["lemma"] == entry["_id"]
    assert glosses(saved)[0] == "dog.XYZ"


def test_split_merge_and_edit_the_word_tier(
    page: Any, live_server: Any, team: Any, text: dict[str, Any]
) -> None:
    from annotations.linguistic_api import services

    # Given an annotator in the editor
    log_in(page, live_server.url, "annotator")
    open_editor(page, live_server.url, text["text"])

    # When they split "bark" after "bar" with Enter in its form
    page.get_by_label("Form of bark in bark").click()
    page.keyboard.press("End")
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("Enter")
    expect(page.get_by_label("Form of -k in bark")).to_be_focused()
    expect(page.get_by_label("Form of bar in bark")).to_have_value("bar")

    # And Backspace in the new morpheme's empty gloss merges it back
    page.keyboard.press("Tab")
    expect(page.get_by_label("Gloss of -k in bark")).to_be_focused()
    page.keyboard.press("Backspace")
    expect(page.get_by_label("Gloss of bark in bark")).to_be_focused()
    expect(page.get_by_label("Form of -k in bark")).to_have_count(0)

    # And emptying the form of "-s" and pressing Backspace merges it into "dog"
    page.get_by_label("Form of -s in dogs").fill("")
    page.keyboard.press("Home")
    page.keyboard.press("Backspace")
    expect(page.get_by_label("Form of dog in dogs")).to_be_focused()
    expect(page.get_by_label("Form of - in dogs")).to_have_count(0)

    # And Enter before the boundary of the gloss "dog-PL" cuts it into a new morpheme
    page.get_by_label("Gloss of dog in dogs").fill("dog-PL")
    page.keyboard.press("End")
    for _ in range(3):
        page.keyboard.press("ArrowLeft")
    page.keyboard.press("Enter")
    expect(page.get_by_label("Gloss of - in dogs")).to_be_focused()
    expect(page.get_by_label("Gloss of - in dogs")).to_have_value("PL")
    expect(page.get_by_label("Gloss of dog in dogs")).to_have_value("dog")
    page.get_by_label("Form of - in dogs").fill("s")

    # And add a word with Alt+Enter, set a word POS and the transcription
    page.get_by_label("Gloss of bark in bark").focus()
    page.keyboard.press("Alt+Enter")
    expect(page.get_by_label("Word 3 of utterance 1")).to_be_focused()
    page.keyboard.type("loudly")
    page.get_by_label("Word POS of dogs").fill("n")
    page.get_by_label("Transcription of utterance 1").fill("dogs bark loudly")
    page.keyboard.press("Control+s")
    expect(page.get_by_test_id("utterance-status")).to_have_text(f"v{text['version'] + 1}")
    screenshot(page, "linguistic-igt-word-tier.png")

    # Then Mongo holds the new segmentation, word and transcription
    saved = services.get_utterance(team.project, text["utterance"])
    assert saved["transcription"] == "dogs bark loudly"
    assert [w["form"] for w in saved["words"]] == ["dogs", "bark", "loudly"]
    assert saved["words"][0]["pos"] == "n"
    assert [
        (m["form"], m.get("sep", ""), m.get("gloss", "")) for m in saved["words"][0]["morphemes"]
    ] == [("dog", "", "dog"), ("s", "-", "PL")]
    assert [m["form"] for m in saved["words"][1]["morphemes"]] == ["bark"]


def test_glossing_aids_list_unknown_grams_and_inconsistent_glosses(
    page: Any, live_server: Any, team: Any, text: dict[str, Any]
) -> None:
    from annotations.linguistic_api import services

    # Given "s" glossed PL once and XYZ (not Leipzig) once
    glossed = {
        **DOGS_BARK,
        "words": [
            {
                "form": "dogs",
                "morphemes": [
                    {"form": "dog", "gloss": "dog"},
                    {"form": "s", "sep": "-", "gloss": "PL"},
                ],
            }
        ],
    }
    other = {**DOGS_BARK, "words": [{"form": "cats", "morphemes": [
        {"form": "cat", "gloss": "cat"}, {"form": "s", "sep": "-", "gloss": "XYZ"}]}]}  # fmt: skip
    services.replace_utterance(
        team.manager, team.project, text["utterance"], text["version"], glossed
    )
    services.create_utterance(team.manager, team.project, text["text"], other)

    # When an annotator opens the glossing aids of the text
    log_in(page, live_server.url, "annotator")
    page.goto(f"{live_server.url}/projects/lezgi/texts/{text['text']}")
    page.get_by_text("Glossing aids").click()

    # Then the unknown gram is listed, linked to its utterance in this text
    check = page.get_by_test_id("gloss-check")
    expect(check.locator("tbody tr")).to_have_count(1)
    expect(check.locator("tbody tr td").nth(2)).to_have_text("XYZ")
    expect(check.locator("tbody tr td").first).to_contain_text("this text")

    # And "s" is listed with both glosses and their counts
    forms = page.get_by_test_id("gloss-consistency")
    expect(forms.locator("tbody tr th")).to_have_text(["s"])
    expect(forms.locator("li")).to_have_text(
        ["PL ×1 example use everywhere", "XYZ ×1 example use everywhere"]
    )

    check.get_by_role("link").first.click()
    expect(page.locator(".ling-highlight")).to_have_attribute("aria-label", "Utterance 2")

    # When they gloss every "s" as PL, the list empties and the second utterance shows PL
    forms.get_by_role("button", name="Gloss every s as PL").click()
    expect(forms.get_by_role("status")).to_have_text(
        "s is now glossed PL everywhere: 1 morphemes in 1 utterances."
    )
    expect(forms.get_by_text("Every form has one gloss.")).to_be_visible()
    expect(page.get_by_label("Gloss of -s in cats")).to_have_value("PL")


BAD_TOOLBOX = (
    "\\t икьрар сад я .\n"
    "\\m икьрар-ар сад я .\n"
    "\\g agreement-PL one was .\n"
    "\\l the decision is one\n"
    "\n"
    "\\t зун фена\n"
    "\\m зун фе-на\n"
    "\\g 1sg.abs go\n"
    "\\l I went\n"
)
GOOD_TOOLBOX = BAD_TOOLBOX.replace("1sg.abs go", "1sg.abs go-AOR")
# Line 8 written in Windows-1252 among UTF-8 lines: refused (and named) unless decoded tolerantly.
BAD_BYTES = BAD_TOOLBOX.encode().replace(
    b"\\g 1sg.abs go\n", "\\g 1sg.abs gé-AOR\n".encode("cp1252")
)


def test_import_report_then_concordance_into_the_editor(
    page: Any,
    live_server: Any,
    team: Any,
    mongo_db: Any,
    celery_worker_session: Any,
    tmp_path: Path,
    settings: Any,
) -> None:
    settings.MEDIA_ROOT = tmp_path
    bad = tmp_path / "bad.txt"
    bad.write_bytes(BAD_BYTES)
    good = tmp_path / "lez.txt"
    good.write_text(GOOD_TOOLBOX, encoding="utf-8")

    # Given a manager on the (empty) text list
    log_in(page, live_server.url, "manager")
    page.goto(f"{live_server.url}/projects/lezgi")
    page.get_by_role("link", name="Texts", exact=True).click()
    expect(page.get_by_text("No texts yet.")).to_be_visible()

    # When they pick a Toolbox file, the marker mapping's preview shows its first records
    form = page.get_by_role("form", name="Import")
    form.get_by_label("File").set_input_files(str(bad))
    form.get_by_label("Format").select_option("toolbox")
    form.get_by_label("Marker set").select_option("sigmorphon")
    form.get_by_role("button", name="Preview the first records").click()
    preview = page.get_by_test_id("toolbox-preview")
    expect(preview).to_contain_text("икьрар", timeout=30_000)
    expect(preview).to_contain_text("agreement-PL")

    # When they import it, with a line that is not UTF-8
    form.get_by_role("button", name="Import").click()

    # Then the job's problem report names that line
    report = page.get_by_test_id("import-problems")
    expect(report).to_be_visible(timeout=60_000)
    expect(report.locator("tbody tr")).to_have_count(1)
    expect(report.locator("tbody tr td").first).to_have_text("8")

    # When they import the corrected file, progress ends in a summary and the text is listed
    form.get_by_label("File").set_input_files(str(good))
    form.get_by_role("button", name="Import").click()
    expect(form.get_by_role("status")).to_contain_text("2 utterances", timeout=60_000)
    expect(form.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "100")
    row = page.get_by_test_id("text-list").locator("tbody tr")
    expect(row).to_have_count(1)
    expect(row.locator("td").nth(2)).to_have_text("2")

    # And exporting CSV as a job shows progress, then a link to the file with both utterances
    page.get_by_label("Export job format").select_option("csv")
    page.get_by_role("button", name="Export csv").click()
    download = page.get_by_role("link", name="Download")
    expect(download).to_be_visible(timeout=60_000)
    exported = page.request.get(live_server.url + download.get_attribute("href")).text()
    lines = exported.splitlines()
    assert lines[0].startswith("text_id,")
    assert [line.split(",")[1] for line in lines[1:]] == ["1"] * 5 + ["2"] * 3

    # And the text's ELAN link gives it as an EAF document with both utterances
    elan = row.get_by_role("link", name="Export lez as ELAN")
    eaf = page.request.get(live_server.url + elan.get_attribute("href"))
    assert eaf.status == 200
    document = etree.fromstring(eaf.body())
    assert len(document.xpath("//TIER[@TIER_ID='utterance']/ANNOTATION")) == 2

    # And a concordance search for the gloss PL shows the hit in context, linked to the editor
    page.get_by_role("link", name="Concordance", exact=True).click()
    page.get_by_label("Field").select_option("gloss")
    page.get_by_label("Query").fill("PL")
    page.get_by_role("button", name="Search").click()
    kwic = page.get_by_test_id("kwic")
    expect(kwic.locator("tbody tr")).to_have_count(1)
    expect(kwic.locator("mark")).to_have_text("ар")
    expect(kwic).to_contain_text("сад я")
    kwic.get_by_role("link").click()
    expect(page.get_by_test_id("utterance")).to_have_count(2)
    expect(page.get_by_label("Gloss of -ар in икьрар")).to_have_value("PL")


def test_lexicon_edit_with_version_check_and_dictionary_search(
    page: Any, live_server: Any, team: Any, mongo_db: Any
) -> None:
    from annotations.linguistic_api import services

    entry = services.create_entry(
        team.manager,
        team.project,
        {"forms": {"lez": "фе"}, "pos": "v", "senses": [{"id": "s1", "gloss": {"en": "go"}}]},
    )
    services.create_entry(
        team.manager,
        team.project,
        {"forms": {"lez": "сад"}, "senses": [{"id": "s1", "gloss": {"en": "one"}}]},
    )

    # Given an annotator on the lexicon, searching for "go"
    log_in(page, live_server.url, "annotator")
    page.goto(f"{live_server.url}/projects/lezgi/lexicon")
    page.get_by_label("Search the lexicon").fill("go")
    listed = page.get_by_test_id("lexicon-list").locator("li")
    expect(listed).to_have_count(1)

    # When they open the entry and change its gloss, morph type and add a definition
    listed.get_by_role("button", name="фе").click()
    form = page.get_by_role("form", name="Lexicon entry")
    form.get_by_label("Gloss").fill("go away")
    form.get_by_label("Definition").fill("to leave")
    form.get_by_label("Morph type").select_option("root")
    form.get_by_role("button", name="Save entry").click()
    expect(form.get_by_text("Version 2")).to_be_visible()

    saved = services.get_entry(team.project, entry["_id"])
    assert saved["version"] == 2
    assert saved["type"] == "root"
    assert saved["senses"] == [
        {"id": "s1", "gloss": {"en": "go away"}, "definition": {"en": "to leave"}}
    ]

    # And the dictionary finds it as they type
    page.get_by_role("link", name="Dictionary", exact=True).click()
    search = page.get_by_label("Search the dictionary")
    search.press_sequentially("go aw")
    entries = page.get_by_test_id("dictionary").locator(".ling-dictionary-entry")
    expect(entries).to_have_count(1)
    expect(entries).to_contain_text("to leave")


@pytest.fixture
def long_text(team: Any, mongo_db: Any, tmp_path: Path) -> str:
    """A 700-utterance text (two words an utterance, three glossed morphemes), imported."""
    from annotations.linguistic_api import documents, services

    path = tmp_path / "long.txt"
    with path.open("w", encoding="utf-8") as out:
        for i in range(700):
            out.write(f"\\t kari{i} lo{i}\n\\m ka{i}-ri lo{i}\n\\g stem{i}-PL word{i}\n")
            out.write(f"\\l line {i}\n\n")
    services.import_file(
        team.project, lambda: path.open("rb"), "toolbox", path.name, "e2e-long", "manager"
    )
    text = documents.texts.collection.find_one({"project": team.project.pk})
    assert text is not None
    return str(text["_id"])


def test_a_700_utterance_text_renders_what_is_on_screen_and_keeps_keyboard_flow(
    page: Any, live_server: Any, team: Any, long_text: str
) -> None:
    from annotations.linguistic_api import documents, services

    # Given an annotator who opens a 700-utterance text
    log_in(page, live_server.url, "annotator")
    page.goto(f"{live_server.url}/projects/lezgi/texts/{long_text}")
    expect(page.get_by_label("Gloss of ka0 in kari0")).to_be_focused()
    expect(page.get_by_label("Go to utterance (1–700)")).to_be_visible()
    # Then only the rows near the screen are in the DOM
    assert page.get_by_test_id("utterance").count() < 30

    # When they jump to utterance 650, type a gloss and Tab on past its last cell
    page.get_by_label("Go to utterance (1–700)").fill("650")
    page.keyboard.press("Enter")
    expect(page.get_by_label("Gloss of ka649 in kari649")).to_be_focused()
    page.keyboard.type("house")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Free translation (en) of utterance 650")).to_be_focused()
    page.keyboard.press("Tab")
    # Then the next utterance's first gloss takes the focus, rendered as it comes on screen
    expect(page.get_by_label("Gloss of ka650 in kari650")).to_be_focused()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Control+s")
    expect(page.get_by_test_id("unsaved-count")).to_have_text("All saved")
    assert page.get_by_test_id("utterance").count() < 30

    # And the store holds the new gloss on utterance 650 only
    saved = documents.utterances.collection.find_one({"text": long_text, "order": 649})
    assert saved is not None
    assert glosses(services.get_utterance(team.project, saved["_id"])) == ["house", "PL", "word649"]
    assert documents.utterances.collection.count_documents({"text": long_text, "version": 1}) == 699

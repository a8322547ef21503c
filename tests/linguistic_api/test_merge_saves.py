"""Stale saves of an utterance through the REST API are merged when they touch different
morphemes or fields; only the same element is a 409, which names it with both values. History
records both writers. The property test drives random concurrent edits: every edit that got a
2xx is in the final document, every 409 names an element that someone else changed."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.linguistic_api.test_api import BASE, make_text, make_utterance

pytestmark = pytest.mark.django_db

WORDS, MORPHEMES = 3, 2
FIELDS = ("gloss", "pos")
START: dict[str, Any] = {
    "transcription": "a b c",
    "translations": {"en": "start"},
    "words": [
        {
            "form": f"w{w}",
            "morphemes": [{"form": f"m{w}{m}", "gloss": ""} for m in range(MORPHEMES)],
        }
        for w in range(WORDS)
    ],
}
Cell = tuple[int, int, str]  # word, morpheme, field; (-1, -1, "translation") for the translation


def body_of(doc: dict[str, Any]) -> dict[str, Any]:
    keep = ("transcription", "translations", "words")
    return {key: copy.deepcopy(doc[key]) for key in keep if key in doc}


def cell_value(doc: dict[str, Any], cell: Cell) -> str:
    word, morpheme, field = cell
    if field == "translation":
        return str(doc.get("translations", {}).get("en", ""))
    return str(doc["words"][word]["morphemes"][morpheme].get(field, ""))


def set_cell(body: dict[str, Any], cell: Cell, value: str) -> None:
    word, morpheme, field = cell
    if field == "translation":
        body["translations"] = {"en": value}
    else:
        body["words"][word]["morphemes"][morpheme][field] = value


def element(cell: Cell) -> str:
    word, morpheme, field = cell
    return (
        "translations.en"
        if field == "translation"
        else f"words.{word}.morphemes.{morpheme}.{field}"
    )


def put(client: Any, uid: str, version: int, body: dict[str, Any]) -> Any:
    return client.put(f"{BASE}/utterances/{uid}/", {**body, "version": version}, format="json")


def test_two_annotators_on_different_morphemes_both_land_and_history_names_both(
    team: Any, as_user: Any, mongo_db: Any
) -> None:
    ana, ben = as_user(team.annotator), as_user(team.manager)
    utt = make_utterance(ana, make_text(ana)["id"], START)
    mine, theirs = body_of(utt), body_of(utt)
    set_cell(theirs, (0, 0, "gloss"), "agreement")
    set_cell(mine, (0, 1, "gloss"), "PL")

    first = put(ben, utt["id"], 1, theirs)
    second = put(ana, utt["id"], 1, mine)  # stale: made against version 1
    history = ana.get(f"{BASE}/utterances/{utt['id']}/history/").json()

    assert (first.status_code, second.status_code) == (200, 200)
    merged = second.json()
    assert merged["version"] == 3
    assert [m["gloss"] for m in merged["words"][0]["morphemes"]] == ["agreement", "PL"]
    assert [(h["version"], h["by"], h.get("merged_with")) for h in history] == [
        (2, "annotator", ["manager"]),
        (1, "manager", None),
    ]


def test_the_same_morpheme_is_a_409_with_both_values(
    team: Any, as_user: Any, mongo_db: Any
) -> None:
    ana, ben = as_user(team.annotator), as_user(team.manager)
    utt = make_utterance(ana, make_text(ana)["id"], START)
    mine, theirs = body_of(utt), body_of(utt)
    set_cell(theirs, (2, 1, "gloss"), "theirs")
    set_cell(mine, (2, 1, "gloss"), "mine")
    set_cell(mine, (0, 0, "gloss"), "also mine")

    put(ben, utt["id"], 1, theirs)
    stale = put(ana, utt["id"], 1, mine)
    stored = ana.get(f"{BASE}/utterances/{utt['id']}/").json()

    assert stale.status_code == 409
    body = stale.json()
    assert body["error"] == "version_conflict"
    assert list(body["fields"]) == ["version"]
    assert body["conflicts"] == [
        # An empty gloss is not stored: the base had none.
        {"element": "words.2.morphemes.1.gloss", "base": None, "current": "theirs", "mine": "mine"}
    ]
    assert "words.2.morphemes.1.gloss" in body["detail"]
    assert body["current"]["version"] == 2
    # Nothing of the refused save was written, not even its other, non-clashing change.
    assert stored["version"] == 2
    assert cell_value(stored, (0, 0, "gloss")) == ""


def test_a_stale_lexicon_save_of_another_field_is_merged_and_searchable(
    team: Any, as_user: Any, mongo_db: Any
) -> None:
    client = as_user(team.annotator)
    entry = {
        "forms": {"lez": "сад"},
        "pos": "Num",
        "senses": [{"id": "s1", "gloss": {"en": "one"}}],
    }
    created = client.post(f"{BASE}/lexicon/", entry, format="json").json()
    url = f"{BASE}/lexicon/{created['id']}/"

    client.put(url, {**entry, "pos": "NUM", "version": 1}, format="json")
    stale = client.put(url, {**entry, "forms": {"lez": "кьвед"}, "version": 1}, format="json")
    found = client.get(f"{BASE}/dictionary/", {"q": "кьвед"}).json()

    assert stale.status_code == 200, stale.content
    assert (stale.json()["pos"], stale.json()["forms"], stale.json()["version"]) == (
        "NUM", {"lez": "кьвед"}, 3,
    )  # fmt: skip
    assert [item["id"] for item in found["results"]] == [created["id"]]


CELLS = st.sampled_from(
    [(w, m, f) for w in range(WORDS) for m in range(MORPHEMES) for f in FIELDS]
    + [(-1, -1, "translation")]
)
EDITS = st.lists(
    st.tuples(st.integers(min_value=0, max_value=6), st.sets(CELLS, min_size=1, max_size=3)),
    min_size=2,
    max_size=6,
)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(edits=EDITS)
def test_property_no_committed_edit_is_lost_and_every_409_names_its_element(
    team: Any, as_user: Any, mongo_db: Any, edits: list[tuple[int, set[Cell]]]
) -> None:
    client = as_user(team.annotator)
    utt = make_utterance(client, make_text(client)["id"], START)
    versions = {1: utt}  # what each client could have read: every version so far
    last_write: dict[Cell, tuple[int, str]] = {}  # cell → (version it became, value)
    for step, (back, cells) in enumerate(edits):
        latest = max(versions)
        read = max(1, latest - back)  # this client read an older version (a concurrent edit)
        body = body_of(versions[read])
        for cell in cells:
            set_cell(body, cell, f"s{step}")
        response = put(client, utt["id"], read, body)
        if response.status_code == 200:
            saved = response.json()
            versions[saved["version"]] = saved
            for cell in cells:
                last_write[cell] = (saved["version"], f"s{step}")
        else:
            assert response.status_code == 409, response.content
            named = {clash["element"] for clash in response.json()["conflicts"]}
            # Every clash is one of this edit's cells that a save after its base changed.
            changed_since = {element(c) for c, (v, _) in last_write.items() if v > read}
            assert named, response.content
            assert named <= {element(c) for c in cells} & changed_since

    final = client.get(f"{BASE}/utterances/{utt['id']}/").json()
    for cell, (_, value) in last_write.items():
        assert cell_value(final, cell) == value
    for cell in {c for _, cs in edits for c in cs} - set(last_write):
        assert cell_value(final, cell) == cell_value(START, cell)

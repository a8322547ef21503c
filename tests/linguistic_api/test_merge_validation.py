"""A merged utterance, text or lexicon entry passes the validation of a normal save: two stale
saves that are each valid but not together (an utterance's start moved past the end another
moved, an entry's last two forms each removed by someone) are a 409 naming the element, and
nothing is written."""

from __future__ import annotations

from typing import Any

import pytest

from tests.linguistic_api.test_api import BASE, make_text, make_utterance

pytestmark = pytest.mark.django_db
SPAN = {"transcription": "a", "media": {"start": 100, "end": 1000}}


def stored(mongo_db: Any, collection: str) -> list[dict[str, Any]]:
    return list(mongo_db[collection].find({}, sort=[("_id", 1)])) + list(
        mongo_db[f"{collection}_history"].find({}, sort=[("_id", 1)])
    )


def test_a_save_whose_media_ends_before_it_starts_is_a_400(
    team: Any, as_user: Any, mongo_db: Any
) -> None:
    client = as_user(team.annotator)
    utt = make_utterance(client, make_text(client)["id"], SPAN)
    before = stored(mongo_db, "utterances")

    response = client.put(
        f"{BASE}/utterances/{utt['id']}/",
        {"version": 1, "transcription": "a", "media": {"start": 900, "end": 500}},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["fields"] == {"media.end": ["end 500 ms is before start 900 ms"]}
    assert stored(mongo_db, "utterances") == before


def test_a_merge_that_makes_the_media_end_before_it_starts_is_a_409(
    team: Any, as_user: Any, mongo_db: Any
) -> None:
    ana, ben = as_user(team.annotator), as_user(team.manager)
    utt = make_utterance(ana, make_text(ana)["id"], SPAN)
    url = f"{BASE}/utterances/{utt['id']}/"
    later_start = ben.put(
        url, {"version": 1, "transcription": "a", "media": {"start": 900, "end": 1000}},
        format="json",
    )  # fmt: skip
    before = stored(mongo_db, "utterances")

    earlier_end = ana.put(
        url, {"version": 1, "transcription": "a", "media": {"start": 100, "end": 500}},
        format="json",
    )  # fmt: skip

    assert later_start.status_code == 200, later_start.content
    assert earlier_end.status_code == 409, earlier_end.content
    body = earlier_end.json()
    assert body["error"] == "version_conflict"
    assert body["conflicts"] == [
        {"element": "media.end", "base": 1000, "current": 1000, "mine": 500,
         "detail": "media.end: end 500 ms is before start 900 ms"}
    ]  # fmt: skip
    assert body["current"]["version"] == 2
    assert stored(mongo_db, "utterances") == before


def test_a_merge_that_removes_every_form_of_an_entry_is_a_409(
    team: Any, as_user: Any, mongo_db: Any
) -> None:
    ana, ben = as_user(team.annotator), as_user(team.manager)
    entry = {"forms": {"lez": "сад", "lez-Latn": "sad"}, "pos": "Num"}
    created = ana.post(f"{BASE}/lexicon/", entry, format="json").json()
    url = f"{BASE}/lexicon/{created['id']}/"
    first = ben.put(url, {**entry, "forms": {"lez": "сад"}, "version": 1}, format="json")
    before = stored(mongo_db, "lexicon")

    second = ana.put(url, {**entry, "forms": {"lez-Latn": "sad"}, "version": 1}, format="json")

    assert first.status_code == 200, first.content
    assert second.status_code == 409, second.content
    [conflict] = second.json()["conflicts"]
    assert conflict["element"] == "forms"
    assert conflict["current"] == {"lez": "сад"}
    assert conflict["mine"] == {"lez-Latn": "sad"}
    assert stored(mongo_db, "lexicon") == before
    assert ana.get(url).json()["forms"] == {"lez": "сад"}

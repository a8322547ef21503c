"""Inserting, deleting, splitting and merging utterances through the REST API.

Given/when/then against the real MongoDB-wire server: orders stay 0..n-1 without gaps, every
changed utterance gets a new version and a history entry, stale versions are 409 and change
nothing, bad input is a 400 naming the field, and roles below annotator change nothing.
"""

from __future__ import annotations

from typing import Any

import pytest

from annotations.linguistic_api import documents
from tests.linguistic_api.test_api import BASE, error, make_text

pytestmark = pytest.mark.django_db


def words(*forms: str) -> list[dict[str, Any]]:
    return [{"form": form, "morphemes": [{"form": form, "gloss": form.upper()}]} for form in forms]


def utterance(*forms: str, translation: str = "") -> dict[str, Any]:
    return {
        "transcription": " ".join(forms),
        "words": words(*forms),
        "translations": {"en": translation or " ".join(forms)},
    }


def stored(text_id: str) -> list[dict[str, Any]]:
    """The text's utterances as Mongo holds them, by order."""
    return list(documents.utterances.collection.find({"text": text_id}).sort("order", 1))


def utterance_count(text_id: str) -> int:
    text = documents.texts.collection.find_one({"_id": text_id})
    assert text is not None
    return int(text["utterance_count"])


def transcriptions(text_id: str) -> list[tuple[int, str]]:
    return [(u["order"], u.get("transcription", "")) for u in stored(text_id)]


@pytest.fixture
def story(team: Any, as_user: Any, mongo_db: Any) -> dict[str, Any]:
    client = as_user(team.annotator)
    text = make_text(client)
    ids = []
    for forms in (("a", "b"), ("c",), ("d", "e", "f")):
        response = client.post(
            f"{BASE}/texts/{text['id']}/utterances/", utterance(*forms), format="json"
        )
        assert response.status_code == 201, response.content
        ids.append(response.json()["id"])
    return {"client": client, "text": text["id"], "ids": ids}


def test_insert_at_a_position_moves_the_later_ones_down(story: dict[str, Any]) -> None:
    client, text_id = story["client"], story["text"]

    response = client.post(
        f"{BASE}/texts/{text_id}/utterances/", {**utterance("x"), "order": 1}, format="json"
    )

    assert response.status_code == 201, response.content
    assert response.json()["order"] == 1
    assert transcriptions(text_id) == [(0, "a b"), (1, "x"), (2, "c"), (3, "d e f")]
    versions = {u["_id"]: u["version"] for u in stored(text_id)}
    assert [versions[i] for i in story["ids"]] == [1, 2, 2]
    history = documents.utterances.history_collection.find_one({"doc": story["ids"][1]})
    assert history is not None and history["changed"] == ["order"]
    assert utterance_count(text_id) == 4


def test_insert_past_the_end_is_400_naming_order(story: dict[str, Any]) -> None:
    client, text_id = story["client"], story["text"]

    response = client.post(
        f"{BASE}/texts/{text_id}/utterances/", {**utterance("x"), "order": 4}, format="json"
    )

    assert response.status_code == 400
    assert error(response)["fields"] == {"order": ["order must be at most 3 (the text has 3)."]}
    assert transcriptions(text_id) == [(0, "a b"), (1, "c"), (2, "d e f")]


def test_delete_closes_the_gap_and_a_stale_delete_changes_nothing(
    story: dict[str, Any],
) -> None:
    client, text_id, ids = story["client"], story["text"], story["ids"]

    stale = client.delete(f"{BASE}/utterances/{ids[0]}/?version=7")
    assert stale.status_code == 409
    assert transcriptions(text_id) == [(0, "a b"), (1, "c"), (2, "d e f")]

    deleted = client.delete(f"{BASE}/utterances/{ids[0]}/?version=1")

    assert deleted.status_code == 204
    assert transcriptions(text_id) == [(0, "c"), (1, "d e f")]
    assert client.get(f"{BASE}/utterances/{ids[0]}/").status_code == 404
    assert utterance_count(text_id) == 2


def test_split_cuts_words_and_transcription_and_keeps_the_translation_first(
    story: dict[str, Any],
) -> None:
    client, text_id, ids = story["client"], story["text"], story["ids"]

    response = client.post(
        f"{BASE}/utterances/{ids[2]}/split/", {"version": 1, "word": 1}, format="json"
    )

    assert response.status_code == 200, response.content
    first, second = response.json()["utterances"]
    assert (first["id"], first["version"], first["order"]) == (ids[2], 2, 2)
    assert [w["form"] for w in first["words"]] == ["d"]
    assert [w["form"] for w in second["words"]] == ["e", "f"]
    assert second["words"][0]["morphemes"] == [{"form": "e", "gloss": "E"}]
    assert (first["transcription"], second["transcription"]) == ("d", "e f")
    assert (first["translations"], second["translations"]) == ({"en": "d e f"}, {"en": ""})
    assert transcriptions(text_id) == [(0, "a b"), (1, "c"), (2, "d"), (3, "e f")]


@pytest.mark.parametrize(("word", "why"), [(3, "between 1 and 2"), (0, "greater than")])
def test_split_outside_the_words_is_400_naming_word(
    story: dict[str, Any], word: int, why: str
) -> None:
    client, text_id, ids = story["client"], story["text"], story["ids"]

    response = client.post(
        f"{BASE}/utterances/{ids[2]}/split/", {"version": 1, "word": word}, format="json"
    )

    assert response.status_code == 400
    assert list(error(response)["fields"]) == ["word"]
    assert why in error(response)["fields"]["word"][0]
    assert transcriptions(text_id) == [(0, "a b"), (1, "c"), (2, "d e f")]


def test_merge_appends_the_next_one_and_deletes_it(story: dict[str, Any]) -> None:
    client, text_id, ids = story["client"], story["text"], story["ids"]

    response = client.post(
        f"{BASE}/utterances/{ids[0]}/merge/", {"version": 1, "next_version": 1}, format="json"
    )

    assert response.status_code == 200, response.content
    merged = response.json()
    assert [w["form"] for w in merged["words"]] == ["a", "b", "c"]
    assert merged["transcription"] == "a b c"
    assert merged["translations"] == {"en": "a b c"}
    assert merged["version"] == 2
    assert transcriptions(text_id) == [(0, "a b c"), (1, "d e f")]
    assert client.get(f"{BASE}/utterances/{ids[1]}/").status_code == 404


def test_merge_with_a_stale_next_version_is_409_and_changes_nothing(
    story: dict[str, Any],
) -> None:
    client, text_id, ids = story["client"], story["text"], story["ids"]

    response = client.post(
        f"{BASE}/utterances/{ids[0]}/merge/", {"version": 1, "next_version": 5}, format="json"
    )

    assert response.status_code == 409
    assert error(response)["fields"] == {"next_version": [error(response)["detail"]]}
    assert transcriptions(text_id) == [(0, "a b"), (1, "c"), (2, "d e f")]
    assert [u["version"] for u in stored(text_id)] == [1, 1, 1]


def test_merge_of_the_last_one_is_400(story: dict[str, Any]) -> None:
    client, ids = story["client"], story["ids"]

    response = client.post(
        f"{BASE}/utterances/{ids[2]}/merge/", {"version": 1, "next_version": 1}, format="json"
    )

    assert response.status_code == 400
    assert "last utterance" in error(response)["detail"]


def test_a_past_version_is_served(story: dict[str, Any]) -> None:
    client, ids = story["client"], story["ids"]
    client.put(f"{BASE}/utterances/{ids[1]}/", {**utterance("z"), "version": 1}, format="json")

    old = client.get(f"{BASE}/utterances/{ids[1]}/versions/1/")
    now = client.get(f"{BASE}/utterances/{ids[1]}/versions/2/")
    missing = client.get(f"{BASE}/utterances/{ids[1]}/versions/9/")

    assert (old.status_code, old.json()["transcription"], old.json()["version"]) == (200, "c", 1)
    assert (now.json()["transcription"], now.json()["version"]) == ("z", 2)
    assert missing.status_code == 404


@pytest.mark.parametrize(("who", "code"), [("viewer", 403), ("outsider", 404), (None, 401)])
def test_denied_operations_change_nothing(
    team: Any, as_user: Any, story: dict[str, Any], who: str | None, code: int
) -> None:
    text_id, ids = story["text"], story["ids"]
    client = as_user(team.users[who] if who else None)

    responses = [
        client.post(
            f"{BASE}/texts/{text_id}/utterances/", {**utterance("x"), "order": 0}, format="json"
        ),
        client.delete(f"{BASE}/utterances/{ids[0]}/?version=1"),
        client.post(f"{BASE}/utterances/{ids[2]}/split/", {"version": 1, "word": 1}, format="json"),
        client.post(
            f"{BASE}/utterances/{ids[0]}/merge/", {"version": 1, "next_version": 1}, format="json"
        ),
    ]

    assert [r.status_code for r in responses] == [code] * 4
    assert transcriptions(text_id) == [(0, "a b"), (1, "c"), (2, "d e f")]
    assert [u["version"] for u in stored(text_id)] == [1, 1, 1]


def test_a_version_beyond_64_bits_is_404(story: dict[str, Any]) -> None:
    client, ids = story["client"], story["ids"]

    response = client.get(f"{BASE}/utterances/{ids[0]}/versions/{10**30}/")

    assert response.status_code == 404


def test_the_utterance_list_is_counted_by_the_text_and_a_text_without_a_count_gets_one(
    story: dict[str, Any],
) -> None:
    """A page of a text's utterances takes its count from the text's ``utterance_count`` (a
    count of a 100k-utterance text took 15 s on the embedded store, per page); a text stored
    before the count was kept is counted once and keeps it."""
    client, text_id = story["client"], story["text"]
    url = f"{BASE}/texts/{text_id}/utterances/?page_size=2"
    assert client.get(url).json()["count"] == 3 == utterance_count(text_id)

    documents.texts.collection.update_one({"_id": text_id}, {"$unset": {"utterance_count": ""}})
    page = client.get(url).json()

    assert page["count"] == 3
    assert [u["order"] for u in page["results"]] == [0, 1]
    assert utterance_count(text_id) == 3
    # and from then on the page says what the text says, without counting the utterances
    documents.texts.collection.update_one({"_id": text_id}, {"$set": {"utterance_count": 7}})
    assert client.get(url).json()["count"] == 7

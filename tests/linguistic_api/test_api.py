"""Texts, utterances and lexicon entries through the REST API: CRUD, versions and roles."""

from __future__ import annotations

from typing import Any

import pytest

from annotations.linguistic_api import documents

pytestmark = pytest.mark.django_db

BASE = "/api/v1/projects/lezgi"

UTTERANCE: dict[str, Any] = {
    "transcription": "икьрар сад я",
    "translations": {"en": "the decision is one"},
    "words": [
        {
            "form": "икьрар",
            "morphemes": [
                {"form": "икьрар", "gloss": "agreement"},
                {"form": "ар", "gloss": "PL", "sep": "-"},
            ],
        },
        {"form": "сад", "pos": "NUM", "morphemes": [{"form": "сад", "gloss": "one"}]},
    ],
}


def error(response: Any) -> dict[str, Any]:
    body = response.json()
    assert set(body) - {"current", "conflicts"} == {"error", "detail", "fields"}, body
    return dict(body)


def make_text(client: Any, title: str = "Story") -> dict[str, Any]:
    response = client.post(f"{BASE}/texts/", {"title": title, "lang": "lez"}, format="json")
    assert response.status_code == 201, response.content
    return dict(response.json())


def make_utterance(client: Any, text_id: str, body: dict[str, Any] = UTTERANCE) -> dict[str, Any]:
    response = client.post(f"{BASE}/texts/{text_id}/utterances/", body, format="json")
    assert response.status_code == 201, response.content
    return dict(response.json())


def test_text_crud(team: Any, as_user: Any, mongo_db: Any) -> None:
    client = as_user(team.annotator)

    text = make_text(client)
    listed = client.get(f"{BASE}/texts/").json()
    patched = client.patch(
        f"{BASE}/texts/{text['id']}/", {"title": "New", "version": 1}, format="json"
    )
    fetched = client.get(f"{BASE}/texts/{text['id']}/")
    deleted = client.delete(f"{BASE}/texts/{text['id']}/", HTTP_IF_MATCH='"2"')

    assert (text["title"], text["lang"], text["version"], text["created_by"]) == (
        "Story",
        "lez",
        1,
        "annotator",
    )
    assert listed["count"] == 1 and [t["id"] for t in listed["results"]] == [text["id"]]
    assert patched.status_code == 200
    assert (patched.json()["title"], patched.json()["version"]) == ("New", 2)
    assert fetched["ETag"] == '"2"'
    assert deleted.status_code == 204
    assert client.get(f"{BASE}/texts/{text['id']}/").status_code == 404
    assert documents.texts.collection.count_documents({}) == 0


def test_stale_text_patch_is_409_and_overwrites_nothing(
    team: Any, as_user: Any, mongo_db: Any
) -> None:
    client = as_user(team.annotator)
    text = make_text(client)
    client.patch(f"{BASE}/texts/{text['id']}/", {"title": "First", "version": 1}, format="json")

    response = client.patch(
        f"{BASE}/texts/{text['id']}/", {"title": "Second"}, format="json", HTTP_IF_MATCH='"1"'
    )

    assert response.status_code == 409
    body = error(response)
    assert body["error"] == "version_conflict"
    assert list(body["fields"]) == ["version"]
    assert (body["current"]["title"], body["current"]["version"]) == ("First", 2)
    stored = documents.texts.get(team.project.pk, text["id"])
    assert (stored["title"], stored["version"]) == ("First", 2)


def test_patch_without_version_is_400_naming_version(
    team: Any, as_user: Any, mongo_db: Any
) -> None:
    client = as_user(team.annotator)
    text = make_text(client)

    response = client.patch(f"{BASE}/texts/{text['id']}/", {"title": "X"}, format="json")

    assert response.status_code == 400
    assert list(error(response)["fields"]) == ["version"]
    assert documents.texts.get(team.project.pk, text["id"])["title"] == "Story"


def test_utterances_are_ordered_paginated_and_shaped_like_the_model(
    team: Any, as_user: Any, mongo_db: Any
) -> None:
    client = as_user(team.annotator)
    text = make_text(client)
    ids = [
        make_utterance(client, text["id"], {**UTTERANCE, "transcription": f"u{i}"})["id"]
        for i in range(3)
    ]

    page1 = client.get(f"{BASE}/texts/{text['id']}/utterances/?page_size=2").json()
    page2 = client.get(f"{BASE}/texts/{text['id']}/utterances/?page_size=2&page=2").json()

    assert page1["count"] == 3
    assert [u["id"] for u in page1["results"] + page2["results"]] == ids
    assert [u["order"] for u in page1["results"] + page2["results"]] == [0, 1, 2]
    first = page1["results"][0]
    assert first["text"] == text["id"]
    assert first["words"][0]["morphemes"] == [
        {"form": "икьрар", "gloss": "agreement"},
        {"form": "ар", "gloss": "PL", "sep": "-"},
    ]
    assert first["words"][1] == {
        "form": "сад",
        "pos": "NUM",
        "morphemes": [{"form": "сад", "gloss": "one"}],
    }


def test_utterance_put_history_and_revert(team: Any, as_user: Any, mongo_db: Any) -> None:
    client = as_user(team.annotator)
    text = make_text(client)
    utt = make_utterance(client, text["id"])
    url = f"{BASE}/utterances/{utt['id']}/"

    put = client.put(url, {**UTTERANCE, "transcription": "changed", "version": 1}, format="json")
    stale = client.put(url, {**UTTERANCE, "transcription": "lost", "version": 1}, format="json")
    history = client.get(f"{url}history/").json()
    reverted = client.post(f"{url}revert/", {"to_version": 1, "version": 2}, format="json")

    assert put.status_code == 200
    assert (put.json()["transcription"], put.json()["version"]) == ("changed", 2)
    assert stale.status_code == 409
    assert error(stale)["current"]["transcription"] == "changed"
    assert [(h["version"], h["op"], h["by"], h["changed"]) for h in history] == [
        (1, "update", "annotator", ["transcription"])
    ]
    assert reverted.status_code == 200
    assert (reverted.json()["transcription"], reverted.json()["version"]) == ("икьрар сад я", 3)


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"words": [{"gloss": "x"}]}, "words.0.form"),
        (
            {"words": [{"form": "a", "morphemes": [{"form": "a", "sep": "+"}]}]},
            "words.0.morphemes.0.sep",
        ),
        ({"order": -1}, "order"),
        ({"translations": "english"}, "translations"),
    ],
)
def test_invalid_utterance_is_400_naming_the_field(
    team: Any, as_user: Any, mongo_db: Any, payload: dict[str, Any], field: str
) -> None:
    client = as_user(team.annotator)
    text = make_text(client)

    response = client.post(f"{BASE}/texts/{text['id']}/utterances/", payload, format="json")

    assert response.status_code == 400
    assert list(error(response)["fields"]) == [field]
    assert documents.utterances.collection.count_documents({}) == 0


def test_invalid_text_is_400_naming_the_field(team: Any, as_user: Any, mongo_db: Any) -> None:
    response = as_user(team.annotator).post(f"{BASE}/texts/", {"lang": "Lezgi"}, format="json")

    assert response.status_code == 400
    assert list(error(response)["fields"]) == ["lang"]
    assert documents.texts.collection.count_documents({}) == 0


def test_lexicon_crud_and_conflict(team: Any, as_user: Any, mongo_db: Any) -> None:
    client = as_user(team.annotator)
    entry = {
        "forms": {"lez": "сад"},
        "pos": "NUM",
        "senses": [{"id": "s1", "gloss": {"en": "one"}}],
    }

    created = client.post(f"{BASE}/lexicon/", entry, format="json")
    entry_id = created.json()["id"]
    put = client.put(
        f"{BASE}/lexicon/{entry_id}/", {**entry, "pos": "Num", "version": 1}, format="json"
    )
    stale = client.put(
        f"{BASE}/lexicon/{entry_id}/", {**entry, "pos": "X", "version": 1}, format="json"
    )
    listed = client.get(f"{BASE}/lexicon/").json()
    missing_forms = client.post(f"{BASE}/lexicon/", {"pos": "N"}, format="json")

    assert created.status_code == 201
    assert created.json()["senses"] == [{"id": "s1", "gloss": {"en": "one"}}]
    assert (put.status_code, put.json()["pos"], put.json()["version"]) == (200, "Num", 2)
    assert stale.status_code == 409
    assert client.get(f"{BASE}/lexicon/{entry_id}/").json()["pos"] == "Num"
    assert listed["count"] == 1
    assert missing_forms.status_code == 400
    assert list(error(missing_forms)["fields"]) == ["forms"]


@pytest.mark.parametrize(("who", "code"), [("viewer", 403), ("outsider", 404), (None, 401)])
def test_denied_writes_change_nothing(
    team: Any, as_user: Any, mongo_db: Any, who: str | None, code: int
) -> None:
    owner = as_user(team.owner)
    text = make_text(owner)
    utt = make_utterance(owner, text["id"])
    client = as_user(team.users[who] if who else None)

    responses = [
        client.post(f"{BASE}/texts/", {"title": "X"}, format="json"),
        client.patch(f"{BASE}/texts/{text['id']}/", {"title": "X", "version": 1}, format="json"),
        client.delete(f"{BASE}/texts/{text['id']}/?version=1"),
        client.post(f"{BASE}/texts/{text['id']}/utterances/", UTTERANCE, format="json"),
        client.put(f"{BASE}/utterances/{utt['id']}/", {"version": 1}, format="json"),
        client.post(
            f"{BASE}/utterances/{utt['id']}/revert/", {"to_version": 1, "version": 1}, format="json"
        ),
        client.post(f"{BASE}/lexicon/", {"forms": {"lez": "x"}}, format="json"),
    ]

    assert [r.status_code for r in responses] == [code] * len(responses)
    assert documents.texts.collection.count_documents({}) == 1
    assert documents.texts.get(team.project.pk, text["id"])["version"] == 1
    assert documents.utterances.collection.count_documents({}) == 1
    assert documents.utterances.get(team.project.pk, utt["id"])["version"] == 1
    assert documents.lexicon.collection.count_documents({}) == 0


@pytest.mark.parametrize(("who", "code"), [("viewer", 200), ("outsider", 404), (None, 401)])
def test_reads_by_role(team: Any, as_user: Any, mongo_db: Any, who: str | None, code: int) -> None:
    text = make_text(as_user(team.owner))
    client = as_user(team.users[who] if who else None)

    paths = [
        "texts/",
        f"texts/{text['id']}/",
        f"texts/{text['id']}/utterances/",
        "lexicon/",
        "concordance/?field=form&q=x",
        "export/?format=json",
    ]

    assert [client.get(f"{BASE}/{p}").status_code for p in paths] == [code] * len(paths)


def test_annotator_may_not_import(team: Any, as_user: Any, mongo_db: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from fieldmark.jobs.models import Job

    upload = SimpleUploadedFile("a.txt", b"\\t a\n\\m a\n\\g A\n")
    response = as_user(team.annotator).post(
        f"{BASE}/imports/", {"file": upload, "format": "toolbox"}, format="multipart"
    )

    assert response.status_code == 403
    assert Job.objects.count() == 0


def test_utterances_carry_no_multikey_concordance_indexes(mongo_db: Any) -> None:
    from annotations.linguistic_api import concordance

    utterance_keys = [list(ix["key"]) for ix in documents.utterances.collection.list_indexes()]
    posting_keys = [list(ix["key"]) for ix in concordance.postings().list_indexes()]

    assert ["project", "text", "order"] in utterance_keys
    assert [key for keys in utterance_keys for key in keys if key.startswith("words")] == []
    assert posting_keys == [
        ["_id"],
        ["project", "field", "value", "text"],
        ["project", "text", "field", "value"],
    ]

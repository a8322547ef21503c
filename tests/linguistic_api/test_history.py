"""History, past versions and revert of texts and lexicon entries through the REST API."""

from __future__ import annotations

from typing import Any

import pytest

from annotations.linguistic_api import documents
from tests.linguistic_api.test_api import BASE, make_text

pytestmark = pytest.mark.django_db


def test_text_history_version_and_revert_keep_the_utterance_count(
    team: Any, as_user: Any, mongo_db: Any
) -> None:
    client = as_user(team.annotator)
    text = make_text(client, "First")
    client.post(f"{BASE}/texts/{text['id']}/utterances/", {"transcription": "a"}, format="json")
    client.patch(f"{BASE}/texts/{text['id']}/", {"title": "Second", "version": 1}, format="json")

    listed = client.get(f"{BASE}/texts/{text['id']}/history/")
    old = client.get(f"{BASE}/texts/{text['id']}/versions/1/")
    stale = client.post(
        f"{BASE}/texts/{text['id']}/revert/", {"to_version": 1, "version": 1}, format="json"
    )
    reverted = client.post(
        f"{BASE}/texts/{text['id']}/revert/", {"to_version": 1, "version": 2}, format="json"
    )

    assert [(e["version"], e["by"], e["changed"]) for e in listed.json()] == [
        (1, "annotator", ["title"])
    ]
    assert (old.json()["title"], old.json()["version"]) == ("First", 1)
    assert stale.status_code == 409
    assert reverted.status_code == 200, reverted.content
    assert (reverted.json()["title"], reverted.json()["version"]) == ("First", 3)
    stored = documents.texts.get(team.project.pk, text["id"])
    assert (stored["title"], stored["lang"], stored["utterance_count"]) == ("First", "lez", 1)


def test_entry_history_and_revert(team: Any, as_user: Any, mongo_db: Any) -> None:
    client = as_user(team.annotator)
    entry = client.post(
        f"{BASE}/lexicon/", {"forms": {"lez": "сад"}, "pos": "Num"}, format="json"
    ).json()
    client.put(
        f"{BASE}/lexicon/{entry['id']}/",
        {"forms": {"lez": "сад"}, "pos": "Adj", "version": 1},
        format="json",
    )

    listed = client.get(f"{BASE}/lexicon/{entry['id']}/history/").json()
    old = client.get(f"{BASE}/lexicon/{entry['id']}/versions/1/").json()
    reverted = client.post(
        f"{BASE}/lexicon/{entry['id']}/revert/", {"to_version": 1, "version": 2}, format="json"
    )

    assert [(e["version"], e["changed"]) for e in listed] == [(1, ["pos"])]
    assert old["pos"] == "Num"
    assert (reverted.json()["pos"], reverted.json()["version"]) == ("Num", 3)
    assert documents.lexicon.get(team.project.pk, entry["id"])["pos"] == "Num"


@pytest.mark.parametrize(("who", "code"), [("viewer", 403), ("outsider", 404), (None, 401)])
def test_denied_reverts_change_nothing(
    team: Any, as_user: Any, mongo_db: Any, who: str | None, code: int
) -> None:
    owner = as_user(team.owner)
    text = make_text(owner, "First")
    owner.patch(f"{BASE}/texts/{text['id']}/", {"title": "Second", "version": 1}, format="json")
    entry = owner.post(f"{BASE}/lexicon/", {"forms": {"lez": "x"}}, format="json").json()
    owner.put(
        f"{BASE}/lexicon/{entry['id']}/", {"forms": {"lez": "y"}, "version": 1}, format="json"
    )
    client = as_user(team.users[who] if who else None)

    responses = [
        client.post(
            f"{BASE}/texts/{text['id']}/revert/", {"to_version": 1, "version": 2}, format="json"
        ),
        client.post(
            f"{BASE}/lexicon/{entry['id']}/revert/", {"to_version": 1, "version": 2}, format="json"
        ),
    ]

    assert [r.status_code for r in responses] == [code, code]
    assert documents.texts.get(team.project.pk, text["id"])["title"] == "Second"
    assert documents.lexicon.get(team.project.pk, entry["id"])["forms"] == {"lez": "y"}

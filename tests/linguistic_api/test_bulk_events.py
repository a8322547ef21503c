"""Bulk changes send one event each, carrying the documents they wrote as the REST API serves
them: a gloss replaced everywhere, entries made from the corpus, and an import of a real
Toolbox file on the worker (its texts). Read back through a real socket's catch-up."""

from __future__ import annotations

import re
from typing import Any

import pytest

from annotations.linguistic_api import services
from annotations.linguistic_api.services import events
from tests.linguistic_api.test_import_export import run_import
from tests.realtime_log import events_since, mark, only
from tests.shared_data import shared_file

pytestmark = pytest.mark.django_db(transaction=True)
BASE = "/api/v1/projects/lezgi"


def morpheme(form: str, gloss: str) -> dict[str, Any]:
    return {"form": form, "morphemes": [{"form": form, "gloss": gloss}]}


def test_a_replaced_gloss_sends_every_utterance_it_changed(
    team: Any, as_user: Any, mongo_db: Any
) -> None:
    client = as_user(team.annotator)
    text = client.post(f"{BASE}/texts/", {"title": "T"}, format="json").json()
    made = [
        client.post(
            f"{BASE}/texts/{text['id']}/utterances/", {"words": [morpheme("ar", gloss)]},
            format="json",
        ).json()
        for gloss in ("pl", "DAT", "pl")
    ]  # fmt: skip
    since = mark(team.viewer)

    response = client.post(
        f"{BASE}/glossing/replace/", {"form": "ar", "gloss": "pl", "to": "PL"}, format="json"
    )

    assert response.json() == {"morphemes": 2, "utterances": 2, "skipped": 0}
    [event] = only(events_since(team.viewer, since), "linguistic.glossing.replaced")
    changed = [made[0]["id"], made[2]["id"]]
    served = [client.get(f"{BASE}/utterances/{uid}/").json() for uid in sorted(changed)]
    assert (event["utterances"], event["texts"]) == (2, [text["id"]])
    assert [(d["id"], d["version"], d["text"]) for d in event["documents"]] == [
        (s["id"], 2, text["id"]) for s in served
    ]
    assert [d["data"] for d in event["documents"]] == served


def test_entries_made_from_the_corpus_are_sent(team: Any, as_user: Any, mongo_db: Any) -> None:
    client, manager = as_user(team.annotator), as_user(team.manager)
    text = client.post(f"{BASE}/texts/", {"title": "T"}, format="json").json()
    client.post(
        f"{BASE}/texts/{text['id']}/utterances/",
        {"words": [morpheme("сад", "one"), morpheme("кьвед", "two")]},
        format="json",
    )
    since = mark(team.viewer)

    response = manager.post(f"{BASE}/glossing/create-entries/", {}, format="json")

    assert response.json() == {"created": 2}
    [event] = only(events_since(team.viewer, since), "linguistic.entries.created")
    listed = manager.get(f"{BASE}/lexicon/").json()["results"]
    assert event["entries"] == 2
    assert sorted((d["id"], d["version"]) for d in event["documents"]) == sorted(
        (entry["id"], 1) for entry in listed
    )
    assert sorted(d["data"]["id"] for d in event["documents"]) == sorted(e["id"] for e in listed)
    assert {d["id"]: d["data"] for d in event["documents"]} == {e["id"]: e for e in listed}


@pytest.mark.shared
def test_an_import_on_the_worker_sends_its_texts(
    team: Any, as_user: Any, mongo_db: Any, celery_worker_session: Any
) -> None:
    manager = as_user(team.manager)
    data = shared_file("glossing/Lezgi/lez-dev-track2-uncovered").read_bytes()
    # Counted here, not by the importer: a Toolbox record starts at each \t line.
    records = len(re.findall(rb"^\\t ", data, flags=re.MULTILINE))
    since = mark(team.viewer)

    job = run_import(manager, "lez.txt", data, "toolbox")

    assert job.state == "succeeded", job.error
    [event] = only(events_since(team.viewer, since), "linguistic.imported")
    texts = manager.get(f"{BASE}/texts/").json()["results"]
    assert event["job"] == str(job.id)
    assert event["utterances"] == records
    assert [d["data"] for d in event["documents"]] == texts
    assert sum(d["data"]["utterance_count"] for d in event["documents"]) == records


def test_service_bulk_events_past_the_limit_say_the_documents_were_left_out(
    team: Any, mongo_db: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(events, "BULK_EVENT_DOCUMENTS", 1)
    text = services.create_text(team.owner, team.project, {"title": "T"})
    for _ in range(2):
        services.create_utterance(
            team.owner, team.project, text["_id"], {"words": [morpheme("ar", "pl")]}
        )
    since = mark(team.viewer)

    services.replace_glosses(team.annotator, team.project, form="ar", gloss=None, to="PL")

    [event] = only(events_since(team.viewer, since), "linguistic.glossing.replaced")
    assert event["documents_omitted"] is True
    assert "documents" not in event
    assert event["utterances"] == 2

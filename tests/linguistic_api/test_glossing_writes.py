"""Linking morphemes to the lexicon and creating entries from the corpus, through the API."""

from __future__ import annotations

import io
from typing import Any

import pytest

from annotations.linguistic_api import documents, services
from annotations.linguistic_api.services import glossing
from fieldmark.jobs.models import Job
from tests.linguistic_api.test_import_export import wait_finished

pytestmark = pytest.mark.django_db

BASE = "/api/v1/projects/lezgi"
TOOLBOX = (
    "\\t икьрарар сад\n\\m икьрар-ар сад\n\\g agreement-PL one\n\\l the decisions are one\n\n"
    "\\t фена зун\n\\m фе-на зун\n\\g go-AOR 1SG.ABS\n\\l I went\n\n"
    "\\t сад\n\\m сад\n\\g alone\n\\l alone\n\n"
).encode()


def load(team: Any) -> list[dict[str, Any]]:
    services.import_file(
        team.project, lambda: io.BytesIO(TOOLBOX), "toolbox", "lez.txt", "job-1", "manager"
    )
    return utterances()


def utterances() -> list[dict[str, Any]]:
    return list(documents.utterances.collection.find({}, sort=[("order", 1)]))


def entry(team: Any, eid: str, form: str, *glosses: str) -> None:
    senses = [{"id": f"{eid}-{i}", "gloss": {"en": g}} for i, g in enumerate(glosses, 1)]
    services.create_entry(
        team.manager, team.project, {"id": eid, "forms": {"lez": form}, "senses": senses}
    )


def link(client: Any, body: dict[str, Any] | None = None) -> Job:
    """Start auto-linking (202 with the queued job) and wait for the worker to finish it."""
    response = client.post(f"{BASE}/glossing/link/", body or {}, format="json")
    assert response.status_code == 202, response.content
    assert (response.json()["kind"], response.json()["state"]) == ("linguistic.link", "queued")
    return wait_finished(response.json()["id"])


def lexicon(team: Any) -> None:
    entry(team, "ikrar", "икьрар", "agreement")
    entry(team, "ar-pl", "ар", "PL")
    entry(team, "ar-also", "ар", "also")
    entry(team, "sad", "сад", "one", "alone")
    entry(team, "na-1", "на", "and")
    entry(team, "na-2", "на", "on")


@pytest.mark.django_db(transaction=True)
def test_link_job_writes_changed_utterances_with_versions_and_history(
    team: Any, as_user: Any, mongo_db: Any, celery_worker_session: Any
) -> None:
    first, second, third = load(team)
    lexicon(team)

    job = link(as_user(team.annotator))
    after = utterances()

    assert job.state == "succeeded", job.error
    assert (job.progress, job.message) == (1.0, "done")
    assert job.params == {"relink": False}
    assert job.result == {"linked": 4, "ambiguous": 1, "unmatched": 2, "utterances": 2}
    assert [u["version"] for u in after] == [2, 1, 2]
    assert [(m["lemma"], m["sense"]) for w in after[0]["words"] for m in w["morphemes"]] == [
        ("ikrar", "ikrar-1"),
        ("ar-pl", "ar-pl-1"),
        ("sad", "sad-1"),
    ]
    assert after[2]["words"][0]["morphemes"] == [
        {"form": "сад", "gloss": "alone", "lemma": "sad", "sense": "sad-2"}
    ]
    assert after[1]["words"] == second["words"]
    assert after[0]["updated_by"] == "annotator"
    history = documents.utterances.history(team.project.pk, first["_id"])
    assert [(h["version"], h["op"], h["by"], h["changed"]) for h in history] == [
        (1, "update", "annotator", ["words"])
    ]
    assert documents.utterances.history(team.project.pk, second["_id"]) == []
    assert third["version"] == 1


@pytest.mark.django_db(transaction=True)
def test_link_again_changes_nothing_and_relink_rewrites(
    team: Any, as_user: Any, mongo_db: Any, celery_worker_session: Any
) -> None:
    load(team)
    lexicon(team)
    client = as_user(team.annotator)
    link(client)

    again = link(client).result
    relinked = link(client, {"relink": True}).result

    assert again == {"linked": 0, "ambiguous": 1, "unmatched": 2, "utterances": 0}
    assert relinked == {"linked": 4, "ambiguous": 1, "unmatched": 2, "utterances": 0}
    assert [u["version"] for u in utterances()] == [2, 1, 2]


def test_link_skips_an_utterance_edited_meanwhile(team: Any, mongo_db: Any) -> None:
    first, *_ = load(team)
    lexicon(team)
    stale = {**first, "version": 7}

    written = documents.bulk_update(
        documents.utterances, team.project.pk, {first["_id"]: (stale, {"words": []})}, "x"
    )

    assert written == 0
    assert documents.utterances.get(team.project.pk, first["_id"])["words"] == first["words"]
    assert documents.utterances.history(team.project.pk, first["_id"]) == []


def test_create_entries_from_corpus_is_idempotent(team: Any, as_user: Any, mongo_db: Any) -> None:
    load(team)
    entry(team, "ikrar", "икьрар", "agreement")
    client = as_user(team.annotator)

    created = client.post(f"{BASE}/glossing/create-entries/", {}, format="json")
    again = client.post(f"{BASE}/glossing/create-entries/", {}, format="json")
    docs = {
        d["forms"]["lez"]: d for d in documents.lexicon.collection.find({"created_by": "annotator"})
    }

    assert (created.status_code, created.json()) == (200, {"created": 5})
    assert (again.status_code, again.json()) == (200, {"created": 0})
    assert sorted(docs) == ["ар", "зун", "на", "сад", "фе"]
    assert [s["gloss"] for s in docs["сад"]["senses"]] == [{"en": "one"}, {"en": "alone"}]
    assert docs["сад"]["search"] == ["сад", "one", "alone"]
    assert documents.lexicon.collection.count_documents({}) == 6


@pytest.mark.parametrize("path", ["link/", "create-entries/"])
def test_viewer_may_not_write_glossing_and_nothing_changes(
    team: Any, as_user: Any, mongo_db: Any, path: str
) -> None:
    load(team)
    lexicon(team)
    before = (utterances(), list(documents.lexicon.collection.find({}, sort=[("_id", 1)])))

    response = as_user(team.viewer).post(f"{BASE}/glossing/{path}", {}, format="json")

    assert response.status_code == 403
    assert set(response.json()) == {"error", "detail", "fields"}
    assert (utterances(), list(documents.lexicon.collection.find({}, sort=[("_id", 1)]))) == before
    assert Job.objects.count() == 0


def test_link_reports_progress_per_batch_of_utterances(
    team: Any, mongo_db: Any, monkeypatch: Any
) -> None:
    load(team)
    lexicon(team)
    monkeypatch.setattr(glossing, "BATCH", 2)
    heard: list[tuple[float, str]] = []

    result = services.link_glosses(
        "annotator", team.project, progress=lambda f, m: heard.append((f, m))
    )

    assert result == services.LinkResult(linked=4, ambiguous=1, unmatched=2, utterances=2)
    assert heard == [(2 / 3, "2 of 3 utterances"), (1.0, "3 of 3 utterances")]

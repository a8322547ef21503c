"""The dictionary: accent- and case-insensitive prefix search with corpus examples, and the
printable PDF built as a job on the real worker."""

from __future__ import annotations

import io
from typing import Any

import pytest
from pypdf import PdfReader

from annotations.linguistic_api import documents, services
from fieldmark.projects.models import Visibility
from tests.linguistic_api.test_import_export import wait_finished
from tests.shared_data import shared_file

BASE = "/api/v1/projects/lezgi"


def entry(team: Any, eid: str, form: str, gloss: str, variant: str = "") -> None:
    body: dict[str, Any] = {
        "id": eid,
        "forms": {"eno": form},
        "senses": [{"id": f"{eid}-1", "gloss": {"en": gloss}}],
    }
    if variant:
        body["variants"] = [{"forms": {"eno": variant}}]
    services.create_entry(team.manager, team.project, body)


def lexicon(team: Any) -> None:
    entry(team, "nami", "Ñami", "mother")
    entry(team, "nam", "ñam", "eat")
    entry(team, "nan", "nan", "name")
    entry(team, "kamu", "kamu", "nana", variant="kamú")
    entry(team, "bero", "bero", "river")


def utterance(team: Any, text_id: str, n: int, lemma: str) -> str:
    doc = services.create_utterance(
        team.annotator,
        team.project,
        text_id,
        {
            "transcription": f"ñam {n}",
            "translations": {"en": f"eat {n}"},
            "words": [{"form": "ñam", "morphemes": [{"form": "ñam", "lemma": lemma}]}],
        },
    )
    return str(doc["_id"])


def headwords(body: dict[str, Any]) -> list[str]:
    return [e["forms"]["eno"] for e in body["results"]]


@pytest.mark.django_db
def test_search_is_prefix_accent_and_case_insensitive_and_ranked(
    team: Any, as_user: Any, mongo_db: Any
) -> None:
    lexicon(team)
    client = as_user(team.viewer)

    na = client.get(f"{BASE}/dictionary/?q=na").json()
    nam = client.get(f"{BASE}/dictionary/?q=NAM").json()
    variant = client.get(f"{BASE}/dictionary/?q=kamu").json()
    everything = client.get(f"{BASE}/dictionary/?page_size=2").json()

    assert (na["count"], headwords(na)) == (4, ["ñam", "Ñami", "nan", "kamu"])
    assert headwords(nam) == ["ñam", "Ñami", "nan"]
    assert headwords(variant) == ["kamu"]
    assert (everything["count"], headwords(everything)) == (5, ["bero", "kamu"])
    assert everything["next"] is not None
    assert na["results"][0]["entry_id"] == "nam"
    assert na["results"][0]["senses"] == [{"id": "nam-1", "gloss": {"en": "eat"}}]
    assert "search" not in na["results"][0]


@pytest.mark.django_db
def test_entries_carry_up_to_three_corpus_examples(team: Any, as_user: Any, mongo_db: Any) -> None:
    lexicon(team)
    text = services.create_text(team.annotator, team.project, {"title": "T"})
    ids = [utterance(team, text["_id"], n, "nam") for n in range(4)]
    utterance(team, text["_id"], 9, "nan")

    body = as_user(team.viewer).get(f"{BASE}/dictionary/?q=n").json()
    examples = {e["entry_id"]: e["examples"] for e in body["results"]}

    assert examples["nam"] == [
        {
            "utterance": ids[n],
            "text": text["_id"],
            "transcription": f"ñam {n}",
            "translations": {"en": f"eat {n}"},
        }
        for n in range(3)
    ]
    assert [e["transcription"] for e in examples["nan"]] == ["ñam 9"]
    assert examples["nami"] == []


@pytest.mark.django_db
def test_entry_writes_keep_search_keys(team: Any, as_user: Any, mongo_db: Any) -> None:
    lexicon(team)
    doc = documents.lexicon.collection.find_one({"id": "bero"})
    assert doc is not None

    response = as_user(team.annotator).put(
        f"{BASE}/lexicon/{doc['_id']}/",
        {
            "forms": {"eno": "Béro"},
            "senses": [{"id": "b1", "gloss": {"en": "Stream"}}],
            "version": 1,
        },
        format="json",
    )

    assert response.status_code == 200
    assert documents.lexicon.get(team.project.pk, doc["_id"])["search"] == ["bero", "stream"]
    assert headwords(as_user(team.viewer).get(f"{BASE}/dictionary/?q=str").json()) == ["Béro"]


@pytest.mark.django_db
def test_public_dictionary_is_readable_anonymously(team: Any, as_user: Any, mongo_db: Any) -> None:
    lexicon(team)
    private = as_user(None).get(f"{BASE}/dictionary/?q=be")
    team.project.visibility = Visibility.PUBLIC
    team.project.save()

    public = as_user(None).get(f"{BASE}/dictionary/?q=be")
    outsider = as_user(team.outsider).get(f"{BASE}/dictionary/?q=be")

    assert private.status_code == 401
    assert (public.status_code, headwords(public.json())) == (200, ["bero"])
    assert (outsider.status_code, headwords(outsider.json())) == (200, ["bero"])


@pytest.mark.django_db
def test_pdf_download_is_404_until_the_job_finished(team: Any, as_user: Any, mongo_db: Any) -> None:
    started = as_user(team.viewer).post(f"{BASE}/dictionary/pdf/")

    pending = as_user(team.viewer).get(f"{BASE}/dictionary/pdf/{started.json()['id']}")
    unknown = as_user(team.viewer).get(f"{BASE}/dictionary/pdf/not-a-job")

    assert (started.status_code, started.json()["kind"]) == (202, "linguistic.dictionary_pdf")
    assert (pending.status_code, pending.json()["error"]) == (404, "not_found")
    assert unknown.status_code == 404


@pytest.mark.django_db(transaction=True)
def test_pdf_of_the_shared_enggano_lift_on_the_worker(
    team: Any, as_user: Any, mongo_db: Any, celery_worker_session: Any
) -> None:
    data = shared_file("lift/enggano-contemporary-2024-12-30.lift").read_bytes()
    counts = services.import_file(
        team.project, lambda: io.BytesIO(data), "lift", "enggano.lift", "job-lift", "manager"
    )
    assert counts["entries"] == 1283
    client = as_user(team.viewer)

    started = client.post(f"{BASE}/dictionary/pdf/")
    job = wait_finished(started.json()["id"])
    response = client.get(f"{BASE}/dictionary/pdf/{job.id}")
    pdf = b"".join(response.streaming_content)
    reader = PdfReader(io.BytesIO(pdf))
    lines = {line.strip() for page in reader.pages for line in page.extract_text().splitlines()}
    text = "\n".join(page.extract_text() for page in reader.pages)

    assert job.state == "succeeded", job.error
    assert job.result["entries"] == 1283
    assert job.result["path"] == f"dictionaries/{job.id}.pdf"
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert pdf.startswith(b"%PDF-")
    assert len(reader.pages) >= 20
    assert {"A", "B", "K", "P", "Y"} <= lines
    assert "Lezgi corpus" in reader.pages[0].extract_text()
    for headword in ("bero", "bih", "biaia"):
        assert headword in text
    assert "river; sungai" in text


@pytest.mark.django_db
def test_backfill_gives_old_entries_search_keys(team: Any, as_user: Any, mongo_db: Any) -> None:
    from io import StringIO

    from django.core.management import call_command

    lexicon(team)
    documents.lexicon.collection.update_many(
        {"id": {"$in": ["bero", "nan"]}}, {"$unset": {"search": ""}}
    )
    hidden = as_user(team.viewer).get(f"{BASE}/dictionary/?q=be").json()
    out = StringIO()

    call_command("backfill_lexicon_search", stdout=out)
    found = as_user(team.viewer).get(f"{BASE}/dictionary/?q=be").json()

    assert hidden["count"] == 0
    assert out.getvalue() == "2 lexicon entries updated\n"
    assert headwords(found) == ["bero"]
    nan = documents.lexicon.collection.find_one({"id": "nan"})
    assert nan is not None and nan["search"] == ["nan", "name"]
    assert services.backfill_search_keys() == 0

"""Imports run as jobs on a real worker (all or nothing), concordance over the indexes, and
streamed export that imports back to the same utterances."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from annotations.linguistic_api import documents
from fieldmark.jobs.models import Job
from tests.shared_data import shared_file

pytestmark = pytest.mark.django_db(transaction=True)

BASE = "/api/v1/projects/lezgi"
SYSTEM = {
    "_id",
    "project",
    "version",
    "created_at",
    "created_by",
    "updated_at",
    "updated_by",
    "text",
    "import_job",
}

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
).encode()


def upload(client: Any, name: str, data: bytes, fmt: str) -> Any:
    return client.post(
        f"{BASE}/imports/",
        {"file": SimpleUploadedFile(name, data), "format": fmt},
        format="multipart",
    )


def wait_finished(job_id: str, timeout: float = 120) -> Job:
    """Poll the job row, reading each answer whole: the test database is shared-cache SQLite,
    where a half-read result would hold a table lock that fails the worker's next write."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        states = list(Job.objects.filter(id=job_id).values_list("state", flat=True))
        if states and states[0] in ("succeeded", "failed", "cancelled"):
            return Job.objects.get(id=job_id)
        time.sleep(0.25)
    raise AssertionError(f"job {job_id} did not finish")


def run_import(client: Any, name: str, data: bytes, fmt: str) -> Job:
    response = upload(client, name, data, fmt)
    assert response.status_code == 202, response.content
    assert response.json()["kind"] == "linguistic.import"
    return wait_finished(response.json()["id"])


def content(doc: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in doc.items() if key not in SYSTEM}


def test_import_shared_lezgi_toolbox_on_the_worker(
    team: Any, as_user: Any, mongo_db: Any, celery_worker_session: Any
) -> None:
    data = shared_file("glossing/Lezgi/lez-dev-track2-uncovered").read_bytes()

    job = run_import(as_user(team.manager), "lez-dev-track2-uncovered", data, "toolbox")

    assert job.state == "succeeded", job.error
    assert job.result == {"texts": 1, "utterances": 88, "entries": 0}
    assert documents.utterances.collection.count_documents({"project": team.project.pk}) == 88
    text = documents.texts.collection.find_one({"project": team.project.pk})
    assert text is not None and text["title"] == "lez-dev-track2-uncovered"
    first = documents.utterances.collection.find_one({"text": text["_id"], "order": 0})
    assert first is not None
    assert first["words"][3]["form"] == "лагьана"
    assert first["words"][3]["morphemes"] == [
        {"form": "лагьа", "gloss": "say"},
        {"form": "на", "gloss": "AOR", "sep": "-"},
    ]
    listed = as_user(team.viewer).get(f"{BASE}/texts/{text['_id']}/utterances/").json()
    assert listed["count"] == 88
    assert [u["order"] for u in listed["results"]] == list(range(50))


def test_import_with_a_misaligned_gloss_keeps_the_record_and_reports_it(
    team: Any, as_user: Any, mongo_db: Any, celery_worker_session: Any
) -> None:
    # A morpheme without its gloss is kept with what it has and named in the job's result
    # (issue 9: nothing dropped silently, nothing refused whole).
    job = run_import(as_user(team.manager), "bad.txt", BAD_TOOLBOX, "toolbox")

    assert job.state == "succeeded", job.error
    warnings = job.result["warnings"]
    assert [w["line"] for w in warnings] == [8]
    assert "morpheme" in warnings[0]["problem"]
    assert documents.texts.collection.count_documents({}) == 1
    assert documents.utterances.collection.count_documents({}) == 2


def test_import_refuses_unknown_format_naming_it(team: Any, as_user: Any, mongo_db: Any) -> None:
    response = upload(as_user(team.manager), "a.txt", b"x", "docx")

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["format"]
    assert Job.objects.count() == 0


def test_import_refuses_oversized_file_naming_it(
    team: Any, as_user: Any, mongo_db: Any, monkeypatch: Any
) -> None:
    from annotations.linguistic_api.services import imports

    monkeypatch.setattr(imports, "MAX_IMPORT_BYTES", 10)
    response = as_user(team.manager).post(
        f"{BASE}/imports/",
        {"file": SimpleUploadedFile("big.txt", b"x" * 100), "format": "toolbox"},
        format="multipart",
    )

    assert response.status_code == 413
    assert list(response.json()["fields"]) == ["file"]
    assert Job.objects.count() == 0


def test_concordance_modes_and_bad_regex(
    team: Any, as_user: Any, mongo_db: Any, celery_worker_session: Any
) -> None:
    job = run_import(
        as_user(team.manager),
        "lez.txt",
        BAD_TOOLBOX.replace(b"1sg.abs go", b"1sg.abs go-AOR"),
        "toolbox",
    )
    assert job.state == "succeeded", job.error
    client = as_user(team.viewer)
    first = documents.utterances.collection.find_one({"order": 0})
    second = documents.utterances.collection.find_one({"order": 1})
    assert first is not None and second is not None

    exact = client.get(f"{BASE}/concordance/?field=gloss&q=PL").json()
    prefix = client.get(f"{BASE}/concordance/?field=form&q=фе&mode=prefix").json()
    regex = client.get(f"{BASE}/concordance/?field=gloss&q=^(PL|AOR)$&mode=regex").json()
    unanchored = client.get(f"{BASE}/concordance/?field=gloss&q=O&mode=regex").json()
    translation = client.get(f"{BASE}/concordance/?field=translation&q=WENT").json()
    phrase = client.get(f"{BASE}/concordance/?field=translation&q=I went").json()
    bad = client.get(f"{BASE}/concordance/?field=gloss&q=(&mode=regex")

    assert (exact["count"], exact["hits"]) == (1, 1)
    assert exact["results"] == [
        {
            "utterance": first["_id"],
            "text": first["text"],
            "text_title": "lez",
            "order": 0,
            "transcription": "икьрар сад я .",
            "translations": {"en": "the decision is one"},
            "words": first["words"],
            "hits": [{"word": 0, "morpheme": 1, "value": "PL"}],
        }
    ]
    assert [(u["order"], u["hits"]) for u in prefix["results"]] == [
        (1, [{"word": 1, "morpheme": 0, "value": "фе"}])
    ]
    assert (regex["count"], regex["hits"]) == (2, 2)
    assert [(u["order"], [h["value"] for h in u["hits"]]) for u in regex["results"]] == [
        (0, ["PL"]),
        (1, ["AOR"]),
    ]
    # Regex search is unanchored, like MongoDB's $regex: "O" is in "AOR" (not in "one", "go").
    assert [h["value"] for u in unanchored["results"] for h in u["hits"]] == ["AOR"]
    assert [(u["utterance"], u["hits"]) for u in translation["results"]] == [
        (second["_id"], [{"word": -1, "morpheme": None, "value": "went"}])
    ]
    assert (phrase["count"], phrase["results"]) == (0, [])
    assert bad.status_code == 400
    assert list(bad.json()["fields"]) == ["q"]


def test_export_json_round_trip_and_streamed_formats(
    team: Any, as_user: Any, mongo_db: Any, celery_worker_session: Any
) -> None:
    data = shared_file("glossing/Lezgi/lez-dev-track2-uncovered").read_bytes()
    manager = as_user(team.manager)
    assert run_import(manager, "lez.txt", data, "toolbox").state == "succeeded"
    before = [content(doc) for doc in documents.utterances.collection.find({}, sort=[("order", 1)])]

    exported = manager.get(f"{BASE}/export/?format=json")
    body = b"".join(exported.streaming_content)
    documents.utterances.collection.delete_many({})
    documents.texts.collection.delete_many({})
    job = run_import(manager, "lez.jsonl", body, "json")
    after = [content(doc) for doc in documents.utterances.collection.find({}, sort=[("order", 1)])]

    assert exported.status_code == 200
    assert exported["Content-Type"] == "application/x-ndjson; charset=utf-8"
    assert len(json.loads(body.decode().splitlines()[0])["utterances"]) == 88
    assert job.state == "succeeded", job.error
    assert len(after) == 88
    assert after == before
    for fmt, start in [("csv", b"text_id,"), ("toolbox", b"\\t "), ("flextext", b"<?xml")]:
        streamed = manager.get(f"{BASE}/export/?format={fmt}")
        assert streamed.status_code == 200
        assert b"".join(streamed.streaming_content).startswith(start), fmt
    bad = manager.get(f"{BASE}/export/?format=docx")
    assert bad.status_code == 400
    assert list(bad.json()["fields"]) == ["format"]


LIFT = b"""<?xml version="1.0" encoding="UTF-8"?>
<lift version="0.13">
  <entry id="sad_1">
    <lexical-unit><form lang="lez"><text>\xd1\x81\xd0\xb0\xd0\xb4</text></form></lexical-unit>
    <sense id="s1"><grammatical-info value="Num"/><gloss lang="en"><text>one</text></gloss></sense>
  </entry>
</lift>
"""


def test_lift_import_fills_the_lexicon_and_exports_back(
    team: Any, as_user: Any, mongo_db: Any, celery_worker_session: Any
) -> None:
    manager = as_user(team.manager)

    job = run_import(manager, "lez.lift", LIFT, "lift")
    listed = manager.get(f"{BASE}/lexicon/").json()
    exported = b"".join(manager.get(f"{BASE}/export/?format=lift").streaming_content)

    assert job.state == "succeeded", job.error
    assert job.result == {"texts": 0, "utterances": 0, "entries": 1}
    assert listed["count"] == 1
    assert listed["results"][0]["forms"] == {"lez": "сад"}
    assert listed["results"][0]["senses"][0]["gloss"] == {"en": "one"}
    assert b'<entry id="sad_1"' in exported
    assert "сад".encode() in exported


def test_imported_texts_take_the_project_language_unless_the_file_names_one(
    team: Any, as_user: Any, mongo_db: Any, celery_worker_session: Any
) -> None:
    from lxml import etree

    # Given a Toolbox file (which names no language) and a FLEx file whose vernacular is named
    flex = shared_file("flextext/Glossed.flextext").read_bytes()
    named = etree.fromstring(flex).xpath("//languages/language[@vernacular='true']/@lang")
    assert named == ["ext"]
    client = as_user(team.manager)

    # When both are imported into the project, whose object language is Lezgian
    toolbox_job = run_import(client, "dogs.txt", BAD_TOOLBOX, "toolbox")
    flex_job = run_import(client, "Glossed.flextext", flex, "flextext")

    # Then the Toolbox text takes "lez" and the FLEx one keeps the language its file names
    assert (toolbox_job.state, flex_job.state) == ("succeeded", "succeeded")
    langs = {
        doc["import_job"]: doc.get("lang")
        for doc in documents.texts.collection.find({"project": team.project.pk})
    }
    assert langs == {str(toolbox_job.id): "lez", str(flex_job.id): "ext"}
    assert team.project.object_languages == ["lez"]

"""RDF import, export and rebuild as jobs on a real Celery worker; the sync as a task per burst."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from annotations.linguistic_api import documents
from annotations.linked_api import rebuild, sync
from fieldmark.projects import services as projects
from fieldmark.storage import mongo
from tests.linguistic_api.test_import_export import wait_finished
from tests.linked_api.conftest import graph_set, small_corpus

BASE = "/api/v1/projects/lezgi/rdf"
pytestmark = pytest.mark.django_db(transaction=True)


def upload(client: Any, data: bytes, fmt: str, slug: str = "lezgi") -> Any:
    file = SimpleUploadedFile(f"data.{fmt}", data, "application/octet-stream")
    return client.post(
        f"/api/v1/projects/{slug}/rdf/imports/", {"file": file, "format": fmt}, format="multipart"
    )


def test_export_job_then_import_job_into_another_project(
    team: Any,
    graph_store: Any,
    as_user: Any,
    celery_worker_session: Any,
    settings: Any,
    tmp_path: Any,
) -> None:
    settings.MEDIA_ROOT = tmp_path
    small_corpus(team.project, team.owner)
    client = as_user(team.owner)
    started = client.post(f"{BASE}/exports/", {"format": "rdfxml"}, format="json")
    assert started.status_code == 202
    job = wait_finished(started.json()["id"])
    assert job.state == "succeeded", job.error
    download = client.get(f"{BASE}/exports/{job.id}/download")
    assert download["Content-Type"] == "application/rdf+xml; charset=utf-8"
    data = b"".join(download.streaming_content)

    copy = projects.create_project(team.owner, {"name": "Copy", "slug": "copy"})
    imported = wait_finished(upload(client, data, "rdfxml", "copy").json()["id"])
    assert imported.state == "succeeded", imported.error
    assert imported.result == {"texts": 1, "utterances": 2, "entries": 2}
    glosses = sorted(
        m["gloss"]
        for u in documents.utterances.collection.find({"project": copy.pk})
        for w in u["words"]
        for m in w["morphemes"]
    )
    assert glosses == ["NOM", "NOM", "boy", "boy", "come.AOR", "come.AOR"]


@pytest.mark.parametrize(
    ("data", "fmt", "problem"),
    [
        (b"<a> <b> .", "turtle", "malformed RDF"),
        (b'{"@id": ', "jsonld", "malformed RDF"),
        (b'<http://x/s> <http://x/p> "o" .\n', "ntriples", "not Ligt or OntoLex-Lemon data"),
    ],
)
def test_bad_rdf_fails_the_job_and_writes_nothing(
    team: Any, graph_store: Any, as_user: Any, celery_worker_session: Any, settings: Any,
    tmp_path: Any, data: bytes, fmt: str, problem: str,
) -> None:  # fmt: skip
    settings.MEDIA_ROOT = tmp_path
    job = wait_finished(upload(as_user(team.manager), data, fmt).json()["id"])
    assert job.state == "failed"
    assert problem in job.error["detail"]
    assert problem in job.error["problems"][0]["problem"]
    for store in (documents.texts, documents.utterances, documents.lexicon):
        assert store.collection.count_documents({"project": team.project.pk}) == 0


def test_import_refuses_an_unknown_format_and_a_viewer(
    team: Any, graph_store: Any, as_user: Any
) -> None:
    bad = upload(as_user(team.manager), b"x", "yaml")
    assert bad.status_code == 400
    assert set(bad.json()["fields"]) == {"format"}
    assert upload(as_user(team.viewer), b"x", "turtle").status_code == 403


def test_a_burst_of_writes_is_synced_by_a_task(
    team: Any, graph_store: Any, celery_worker_session: Any, settings: Any
) -> None:
    settings.FIELDMARK_RDF_SYNC = "task"
    small_corpus(team.project, team.owner)  # it drains; the writes below go through the task
    from annotations.linguistic_api import services

    text = services.create_text(team.owner, team.project, {"title": "Later"})
    deadline = time.monotonic() + 60
    while sync.pending(team.project.pk)[0] and time.monotonic() < deadline:
        time.sleep(0.2)
    assert sync.pending(team.project.pk) == (0, 0.0)
    incremental = graph_set(graph_store, team.project)
    assert any(f"/text/{text['_id']}>" in line for line in incremental)
    rebuild.rebuild(team.project)
    assert graph_set(graph_store, team.project) == incremental


def test_the_saves_of_a_burst_after_the_first_neither_read_the_schedule_nor_send_a_task(
    team: Any, graph_store: Any, celery_worker_session: Any, settings: Any, monkeypatch: Any
) -> None:
    settings.FIELDMARK_RDF_SYNC = "task"
    small_corpus(team.project, team.owner)
    from annotations.linguistic_api import services

    reads: list[int] = []
    real = mongo.collection

    def counted(name: str) -> Any:
        if name == sync.STATE:
            reads.append(1)
        return real(name)

    monkeypatch.setattr(sync, "SYNC_DELAY_S", 5.0)  # the burst fits in it on a loaded machine
    text = services.create_text(team.owner, team.project, {"title": "Burst"})  # sends the task
    monkeypatch.setattr(mongo, "collection", counted)
    for n in range(3):
        text = services.update_text(
            team.owner, team.project, text["_id"], text["version"], {"title": f"Burst {n}"}
        )
    monkeypatch.setattr(mongo, "collection", real)
    deadline = time.monotonic() + 60
    while sync.pending(team.project.pk)[0] and time.monotonic() < deadline:
        time.sleep(0.2)

    assert reads == []
    assert sync.pending(team.project.pk) == (0, 0.0)
    assert any('"Burst 2"' in line for line in graph_set(graph_store, team.project))


def test_an_oversized_upload_is_413_and_starts_nothing(
    team: Any, graph_store: Any, as_user: Any, monkeypatch: Any, settings: Any, tmp_path: Any
) -> None:
    # The limit stands in for 2 GB: the same check, on a file one byte past it.
    from annotations.linguistic_api.services import imports
    from fieldmark.jobs.models import Job

    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(imports, "MAX_IMPORT_BYTES", 64)
    data = b'<http://x/s> <http://x/p> "o" .\n' * 2 + b"#"
    assert len(data) == 65
    response = upload(as_user(team.manager), data, "ntriples")
    assert response.status_code == 413
    assert set(response.json()["fields"]) == {"file"}
    assert Job.objects.count() == 0
    assert not list(tmp_path.rglob("*"))

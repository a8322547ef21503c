"""Exports as jobs: the file the worker writes is the streamed export, downloadable when done."""

from __future__ import annotations

import io
from typing import Any

import pytest

from annotations.linguistic_api import services
from tests.linguistic_api.test_import_export import wait_finished
from tests.shared_data import shared_file

BASE = "/api/v1/projects/lezgi"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("fmt", "content_type"),
    [("json", "application/x-ndjson; charset=utf-8"), ("toolbox", "text/plain; charset=utf-8")],
)
def test_export_job_of_shared_lezgi_matches_the_streamed_export(
    team: Any, as_user: Any, mongo_db: Any, celery_worker_session: Any, fmt: str, content_type: str
) -> None:
    data = shared_file("glossing/Lezgi/lez-dev-track2-uncovered").read_bytes()
    services.import_file(
        team.project, lambda: io.BytesIO(data), "toolbox", "lez.txt", "job-lez", "manager"
    )
    client = as_user(team.viewer)

    started = client.post(f"{BASE}/exports/", {"format": fmt}, format="json")
    job = wait_finished(started.json()["id"])
    download = client.get(f"{BASE}/exports/{job.id}/download")
    streamed = client.get(f"{BASE}/export/?format={fmt}")

    assert (started.status_code, started.json()["kind"]) == (202, "linguistic.export")
    assert job.state == "succeeded", job.error
    assert (job.progress, job.message) == (1.0, "done")
    assert job.result["path"] == f"exports/{job.id}.{services.EXPORT_TYPES[fmt][1]}"
    assert download.status_code == 200
    assert download["Content-Type"] == content_type
    body = b"".join(download.streaming_content)
    assert body == b"".join(streamed.streaming_content)
    assert job.result["characters"] == len(body.decode())


@pytest.mark.django_db
def test_download_is_404_until_finished_and_bad_format_is_400(
    team: Any, as_user: Any, mongo_db: Any
) -> None:
    client = as_user(team.viewer)

    started = client.post(f"{BASE}/exports/", {"format": "csv"}, format="json")
    pending = client.get(f"{BASE}/exports/{started.json()['id']}/download")
    other_kind = client.post(f"{BASE}/dictionary/pdf/").json()["id"]
    wrong_kind = client.get(f"{BASE}/exports/{other_kind}/download")
    bad = client.post(f"{BASE}/exports/", {"format": "docx"}, format="json")

    assert started.status_code == 202
    assert started.json()["state"] == "queued"
    assert (pending.status_code, pending.json()["error"]) == (404, "not_found")
    assert wrong_kind.status_code == 404
    assert bad.status_code == 400
    assert list(bad.json()["fields"]) == ["format"]

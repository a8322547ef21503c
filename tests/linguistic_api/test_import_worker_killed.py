"""A real Celery worker (a subprocess on the test broker, database and store) is killed with
SIGKILL in the middle of an import: nothing of the import stays visible or stored, and the job is
failed saying why. Either the pool child dies (its parent fails the job at once) or the whole
worker does (the stale-job sweep that beat runs fails it)."""

from __future__ import annotations

import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from annotations.linguistic_api import concordance, documents, pending, services
from fieldmark.jobs import tasks
from fieldmark.jobs.models import Job
from tests.linguistic_api.test_import_export import wait_finished
from tests.subprocess_env import kill_worker, prefork_worker, wait_for, worker_env

UTTERANCES = 40_000


def _toolbox(n: int) -> bytes:
    return "".join(
        f"\\t w{i} sad\n\\m w{i}-ar sad\n\\p N-PL NUM\n\\g house-PL one\n\\l house {i}\n\n"
        for i in range(n)
    ).encode()


@pytest.fixture
def worker(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], str, Path]]:
    """A prefork worker with one child, consuming a queue of its own (so the in-thread test
    worker, if running, cannot take the job)."""
    queue = f"kill-{uuid.uuid4().hex[:8]}"
    env = worker_env(FIELDMARK_RDF_STORE=str(tmp_path / "rdf"))
    with prefork_worker(env, queue, tmp_path / "worker.log") as process:
        yield process, queue, tmp_path / "worker.log"


def _stored(project_id: int) -> dict[str, int]:
    return {
        "texts": documents.texts.collection.count_documents({"project": project_id}),
        "utterances": documents.utterances.collection.count_documents({"project": project_id}),
        "postings": concordance.postings().count_documents({"project": project_id}),
        "stages": pending.stages().count_documents({"project": project_id}),
    }


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("victim", ["pool child", "whole worker"])
def test_a_worker_killed_mid_import_leaves_nothing_and_fails_the_job(
    team: Any,
    mongo_db: Any,
    worker: tuple[subprocess.Popen[bytes], str, Path],
    settings: Any,
    victim: str,
) -> None:
    process, queue, log = worker
    path = default_storage.save(
        f"imports/{uuid.uuid4().hex}-big.txt", ContentFile(_toolbox(UTTERANCES))
    )
    job = Job.objects.create(
        project=team.project,
        kind="linguistic.import",
        params={"format": "toolbox", "path": path, "name": "big.txt"},
        created_by=team.manager,
        queue=queue,
    )
    tasks.run_job.apply_async(args=(str(job.id),), queue=queue)
    pk = team.project.pk

    # Given an import that has written part of its file...
    wait_for(lambda: _stored(pk)["utterances"] > 0, "the import did not start writing", log)
    during = (
        services.list_texts(team.project).count(),
        services.ConcordancePage(team.project, "gloss", "PL", "exact").hits,
    )
    # ...when its worker is killed,
    # (the whole worker: then the sweep that beat runs every minute finds its heartbeat stopped)
    kill_worker(process, victim, settings)
    failed = wait_finished(str(job.id), timeout=60)

    assert during == (0, 0)
    assert Job.objects.filter(pk=job.pk, state="running").count() == 0
    assert failed.state == "failed"
    assert failed.error["type"] == "WorkerLost"
    if victim == "pool child":
        assert "signal 9 (SIGKILL)" in failed.error["detail"]
    else:
        assert "stopped for over 1 s" in failed.error["detail"]
    assert "what the job had written was removed" in failed.error["detail"]
    assert _stored(pk) == {"texts": 0, "utterances": 0, "postings": 0, "stages": 0}
    assert (failed.result, failed.progress < 1.0) == (None, True)

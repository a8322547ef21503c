"""Deleting a project answers at once; a worker purges its documents (and beat resumes a purge
whose worker died)."""

from __future__ import annotations

import io
import time
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from annotations.linguistic_api import concordance, documents, services
from fieldmark.projects import services as projects
from fieldmark.projects import tasks
from fieldmark.projects.models import PendingPurge
from fieldmark.projects.signals import project_deleted
from fieldmark.storage import mongo

DATA = b"".join(b"\\t w%d sad\n\\g house one\n\n" % i for i in range(500))


def _left(project_id: int) -> int:
    return sum(
        mongo.collection(name).count_documents({"project": project_id})
        for name in mongo.registered_indexes()
    )


@pytest.mark.django_db(transaction=True)
def test_delete_answers_before_the_worker_purges_and_the_purge_removes_everything(
    team: Any, as_user: Any, mongo_db: Any, celery_worker_session: Any, settings: Any
) -> None:
    settings.FIELDMARK_PURGE_IN_BACKGROUND = True
    services.import_file(team.project, lambda: io.BytesIO(DATA), "toolbox", "t.txt", "j", "m")
    project_id = team.project.pk
    held = _left(project_id)
    heard: list[int] = []

    def listener(sender: Any, project_id: int, **kwargs: Any) -> None:
        heard.append(project_id)

    project_deleted.connect(listener)
    try:
        response = as_user(team.owner).delete("/api/v1/projects/lezgi/")
        gone = as_user(team.owner).get("/api/v1/projects/lezgi/texts/")
        deadline = time.monotonic() + 60
        while PendingPurge.objects.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        project_deleted.disconnect(listener)

    assert response.status_code == 204
    assert gone.status_code == 404
    assert held > 500
    assert not PendingPurge.objects.exists()
    assert _left(project_id) == 0
    assert heard == [project_id]


@pytest.mark.django_db
def test_beat_resumes_a_purge_whose_worker_died(team: Any, mongo_db: Any) -> None:
    orphan = team.project.pk + 1000
    documents.utterances.collection.insert_many([{"project": orphan, "text": "t"} for _ in "abc"])
    concordance.postings().insert_one({"project": orphan, "text": "t", "e": []})
    PendingPurge.objects.create(
        project_id=orphan, slug="gone", scheduled_at=timezone.now() - timedelta(hours=1)
    )
    PendingPurge.objects.create(project_id=orphan + 1, slug="recent")
    # and one kept the old way, in the store
    legacy = orphan + 2
    documents.utterances.collection.insert_one({"project": legacy, "text": "t"})
    mongo.collection(projects.LEGACY_PURGES).insert_one(
        {"_id": legacy, "at": timezone.now() - timedelta(hours=1)}
    )

    resumed = tasks.resume_purges()

    assert resumed == 2
    assert _left(orphan) == 0
    assert _left(legacy) == 0
    assert list(PendingPurge.objects.values_list("project_id", flat=True)) == [orphan + 1]
    assert mongo.collection(projects.LEGACY_PURGES).count_documents({}) == 0


@pytest.mark.django_db(transaction=True)
def test_a_delete_whose_hooks_fail_is_still_a_204_and_its_purge_is_resumed(
    team: Any, as_user: Any, mongo_db: Any, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The delete commits first; a broker that refuses the purge task (or a store that times
    out in a hook) must not turn it into an error answer, nor leave the data without a purge:
    the pending row is written in the delete's transaction and beat resumes it."""
    settings.FIELDMARK_PURGE_IN_BACKGROUND = True
    services.import_file(team.project, lambda: io.BytesIO(DATA), "toolbox", "t.txt", "j", "m")
    project_id = team.project.pk

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise ConnectionRefusedError("the broker is down")

    monkeypatch.setattr(tasks.purge_project, "delay", refuse)
    response = as_user(team.owner).delete("/api/v1/projects/lezgi/")

    assert response.status_code == 204
    assert as_user(team.owner).get("/api/v1/projects/lezgi/").status_code == 404
    pending = PendingPurge.objects.get()
    assert (pending.project_id, pending.slug) == (project_id, "lezgi")
    assert _left(project_id) > 500

    PendingPurge.objects.update(scheduled_at=timezone.now() - timedelta(hours=1))
    assert tasks.resume_purges() == 1
    assert _left(project_id) == 0
    assert not PendingPurge.objects.exists()

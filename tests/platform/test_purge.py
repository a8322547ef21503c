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
        while mongo.collection(projects.PURGES).count_documents({}) and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        project_deleted.disconnect(listener)

    assert response.status_code == 204
    assert gone.status_code == 404
    assert held > 500
    assert mongo.collection(projects.PURGES).count_documents({}) == 0
    assert _left(project_id) == 0
    assert heard == [project_id]


@pytest.mark.django_db
def test_beat_resumes_a_purge_whose_worker_died(team: Any, mongo_db: Any) -> None:
    orphan = team.project.pk + 1000
    documents.utterances.collection.insert_many([{"project": orphan, "text": "t"} for _ in "abc"])
    concordance.postings().insert_one({"project": orphan, "text": "t", "e": []})
    mongo.collection(projects.PURGES).insert_one(
        {"_id": orphan, "at": timezone.now() - timedelta(hours=1)}
    )
    mongo.collection(projects.PURGES).insert_one({"_id": orphan + 1, "at": timezone.now()})

    resumed = tasks.resume_purges()

    assert resumed == 1
    assert _left(orphan) == 0
    assert [d["_id"] for d in mongo.collection(projects.PURGES).find()] == [orphan + 1]

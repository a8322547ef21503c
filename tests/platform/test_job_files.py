"""Files are cleaned up: a deleted project's videos and uploads, a deleted job's files, expired
job files and abandoned uploads on beat's sweep; and no user can start unlimited jobs."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from annotations.affect_api import documents as affect_documents
from fieldmark.jobs import files
from fieldmark.jobs.models import Job, JobState
from fieldmark.projects import services as projects

pytestmark = pytest.mark.django_db

BASE = "/api/v1/projects/lezgi"


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _file(root: Path, relative: str, age_hours: float = 0) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x")
    if age_hours:
        stamp = path.stat().st_mtime - age_hours * 3600
        os.utime(path, (stamp, stamp))
    return path


def _job(team: Any, kind: str, hours_ago: float, **fields: Any) -> Job:
    return Job.objects.create(
        project=team.project, kind=kind, state=JobState.SUCCEEDED, created_by=team.viewer,
        finished_at=timezone.now() - timedelta(hours=hours_ago), **fields,
    )  # fmt: skip


def _files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def test_deleting_a_project_removes_its_videos_uploads_and_job_files(
    team: Any, media: Path, mongo_db: Any, make_user: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    pid = team.project.pk
    for name in ("source.mov", "h264.mp4", "poster.jpg", "thumbnails/4/0.jpg"):
        _file(media, f"videos/{pid}/v1/{name}")
    _file(media, f"uploads/{pid}/u1.part")
    _file(media, "exports/e1.csv")
    _file(media, "imports/abc-story.txt")
    _job(team, "linguistic.export", 1, result={"path": "exports/e1.csv"})
    _job(team, "linguistic.import", 1, params={"path": "imports/abc-story.txt"})
    other = projects.create_project(make_user("other"), {"name": "Other", "slug": "other"})
    kept = _file(media, f"videos/{other.pk}/v2/source.mp4")

    with django_capture_on_commit_callbacks(execute=True):
        projects.delete_project(team.owner, team.project)

    assert _files(media) == [kept.relative_to(media).as_posix()]


def test_the_sweep_removes_expired_job_files_and_abandoned_uploads(
    team: Any, media: Path, mongo_db: Any, as_user: Any
) -> None:
    pid = team.project.pk
    retention = django_settings.FIELDMARK_JOB_FILE_RETENTION_HOURS
    _file(media, "imports/old-upload.txt")
    _file(media, "imports/running-upload.txt")
    _file(media, "exports/old.csv")
    _file(media, "exports/recent.csv")
    _file(media, "exports/orphan-old.csv", age_hours=retention + 1)
    _file(media, "dictionaries/orphan-new.pdf")
    _file(media, f"uploads/{pid}/stale.part", age_hours=49)
    _file(media, f"uploads/{pid}/live.part")
    affect_documents.uploads().insert_many(
        [{"_id": "stale", "project": pid}, {"_id": "live", "project": pid}]
    )
    done = _job(team, "linguistic.import", 2, params={"path": "imports/old-upload.txt"})
    Job.objects.create(project=team.project, kind="linguistic.import", state=JobState.RUNNING,
                       params={"path": "imports/running-upload.txt"})  # fmt: skip
    old = _job(team, "linguistic.export", retention + 1,
               result={"path": "exports/old.csv", "format": "csv"})  # fmt: skip
    _job(team, "linguistic.export", 1, result={"path": "exports/recent.csv", "format": "csv"})

    counts = files.sweep()
    again = files.sweep()

    assert counts == {"inputs": 1, "outputs": 1, "orphans": 1, "app_files": 1}
    assert again == {"inputs": 0, "outputs": 0, "orphans": 0, "app_files": 0}
    assert _files(media) == [
        "dictionaries/orphan-new.pdf",
        "exports/recent.csv",
        "imports/running-upload.txt",
        f"uploads/{pid}/live.part",
    ]
    assert [d["_id"] for d in affect_documents.uploads().find()] == ["live"]
    assert files.REMOVED in Job.objects.get(pk=done.pk).params
    gone = as_user(team.viewer).get(f"{BASE}/exports/{old.pk}/download")
    assert gone.status_code == 404


def test_deleting_a_job_removes_its_files(
    team: Any, media: Path, django_capture_on_commit_callbacks: Any
) -> None:
    _file(media, "exports/j.csv")
    job = _job(team, "linguistic.export", 1, result={"path": "exports/j.csv"})

    with django_capture_on_commit_callbacks(execute=True):
        job.delete()

    assert _files(media) == []


def test_a_user_may_run_only_so_many_jobs_at_once(
    team: Any, as_user: Any, mongo_db: Any, settings: Any
) -> None:
    settings.FIELDMARK_MAX_ACTIVE_JOBS_PER_USER = 2
    viewer = as_user(team.viewer)
    started = [
        viewer.post(f"{BASE}/exports/", {"format": "json"}, format="json").status_code
        for _ in range(2)
    ]

    refused = viewer.post(f"{BASE}/exports/", {"format": "json"}, format="json")
    other = as_user(team.annotator).post(f"{BASE}/exports/", {"format": "json"}, format="json")

    assert started == [202, 202]
    assert refused.status_code == 429
    assert refused.json()["error"] == "too_many_jobs"
    assert refused.json()["detail"].startswith("You have 2 jobs queued or running (at most 2")
    assert other.status_code == 202
    assert Job.objects.filter(created_by=team.viewer).count() == 2


def test_beat_runs_the_sweep() -> None:
    entry = django_settings.CELERY_BEAT_SCHEDULE["sweep-job-files"]

    assert entry == {"task": "fieldmark.jobs.tasks.sweep_job_files", "schedule": 3600.0}

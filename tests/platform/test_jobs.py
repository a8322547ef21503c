"""Jobs run on a real Celery worker (the configured broker: SQLite by default, Redis in CI's
second pass), record progress, results and failures, and are visible by role."""

from __future__ import annotations

import time
from typing import Any

import pytest

from fieldmark.api.errors import DomainError
from fieldmark.jobs import services
from fieldmark.jobs.models import Job
from fieldmark.jobs.registry import job_kind

pytestmark = pytest.mark.django_db(transaction=True)


@job_kind("test.count")
def count(job: Job, progress: Any) -> dict[str, Any]:
    total = int(job.params["n"])
    for i in range(total):
        progress((i + 1) / total, f"{i + 1} of {total}")
    return {"counted": total}


class BadRows(DomainError):
    pass


@job_kind("test.fail", queue="gpu")
def fail(job: Job, progress: Any) -> None:
    exc = BadRows("invalid_file", "2 problems")
    exc.report = [{"line": 3, "problem": "3 morphemes, 2 glosses"}, {"line": 9, "problem": "x"}]  # type: ignore[attr-defined]
    raise exc


def wait_finished(job_id: Any, timeout: float = 60) -> Job:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = Job.objects.get(id=job_id)
        if job.state in ("succeeded", "failed", "cancelled"):
            return job
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} did not finish: {Job.objects.get(id=job_id).state}")


def test_job_runs_on_the_worker_and_reports(
    team: Any, celery_worker_session: Any, as_user: Any
) -> None:
    job = services.start_job(team.annotator, team.project, "test.count", {"n": 5})

    done = wait_finished(job.id)

    assert done.state == "succeeded"
    assert done.progress == 1.0
    assert done.result == {"counted": 5}
    assert done.started_at is not None and done.finished_at is not None
    body = as_user(team.viewer).get(f"/api/v1/jobs/{job.id}/").json()
    assert (body["state"], body["result"], body["project"]) == (
        "succeeded",
        {"counted": 5},
        "lezgi",
    )


def test_failed_job_keeps_the_problem_report(team: Any, celery_worker_session: Any) -> None:
    job = services.start_job(team.owner, team.project, "test.fail", {})

    done = wait_finished(job.id)

    assert done.queue == "default"  # no GPU worker is deployed in tests
    assert done.state == "failed"
    assert done.error is not None
    assert done.error["type"] == "BadRows"
    assert done.error["problems"] == [
        {"line": 3, "problem": "3 morphemes, 2 glosses"},
        {"line": 9, "problem": "x"},
    ]


def test_unknown_job_kind_is_refused(team: Any) -> None:
    with pytest.raises(DomainError) as info:
        services.start_job(team.owner, team.project, "no.such.kind", {})

    assert info.value.code == "unknown_job_kind"
    assert not Job.objects.exists()


def test_cancel_only_queued_jobs(team: Any, as_user: Any) -> None:
    queued = Job.objects.create(project=team.project, kind="test.count", created_by=team.annotator)
    running = Job.objects.create(
        project=team.project, kind="test.count", state="running", created_by=team.annotator
    )

    ok = as_user(team.annotator).post(f"/api/v1/jobs/{queued.id}/cancel/")
    conflict = as_user(team.annotator).post(f"/api/v1/jobs/{running.id}/cancel/")

    assert ok.status_code == 200 and ok.json()["state"] == "cancelled"
    assert conflict.status_code == 409 and conflict.json()["error"] == "not_cancellable"
    assert Job.objects.get(id=running.id).state == "running"


def test_stale_running_jobs_are_failed(team: Any) -> None:
    from datetime import timedelta

    from django.utils import timezone

    old = timezone.now() - timedelta(hours=2)
    stale = Job.objects.create(
        project=team.project, kind="test.count", state="running", heartbeat_at=old
    )
    fresh = Job.objects.create(
        project=team.project, kind="test.count", state="running", heartbeat_at=timezone.now()
    )

    assert services.fail_stale(timedelta(minutes=30)) == 1
    assert Job.objects.get(id=stale.id).state == "failed"
    assert Job.objects.get(id=fresh.id).state == "running"

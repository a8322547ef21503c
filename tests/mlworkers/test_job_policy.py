"""The job framework's policy for model work: transient faults are retried with backoff, other
errors fail at once; kinds carry their time limits onto the Celery message."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import OperationalError

from fieldmark.jobs import services
from fieldmark.jobs.models import Job
from fieldmark.jobs.registry import get_kind, job_kind
from tests.mlworkers.conftest import wait_job

pytestmark = pytest.mark.django_db(transaction=True)
CALLS: dict[str, int] = {}


@job_kind("test.flaky", retry_on=(OperationalError,), max_retries=2)
def flaky(job: Job, progress: Any) -> dict[str, Any]:
    CALLS[str(job.id)] = CALLS.get(str(job.id), 0) + 1
    if CALLS[str(job.id)] == 1:
        raise OperationalError("database is locked")
    return {"calls": CALLS[str(job.id)]}


@job_kind("test.broken", retry_on=(OperationalError,))
def broken(job: Job, progress: Any) -> None:
    CALLS[str(job.id)] = CALLS.get(str(job.id), 0) + 1
    raise ValueError("a bug, not a hiccup")


def test_a_transient_fault_is_retried_and_the_job_then_succeeds(
    team: Any, celery_worker_session: Any
) -> None:
    job = services.start_job(team.manager, team.project, "test.flaky", {})

    done = wait_job(job.id, timeout=30)

    assert (done.state, done.attempts, done.result) == ("succeeded", 1, {"calls": 2})


def test_any_other_error_fails_at_once(team: Any, celery_worker_session: Any) -> None:
    job = services.start_job(team.manager, team.project, "test.broken", {})

    done = wait_job(job.id, timeout=30)

    assert (done.state, done.attempts, CALLS[str(job.id)]) == ("failed", 0, 1)
    assert done.error is not None and done.error["detail"] == "a bug, not a hiccup"


def test_model_job_kinds_have_queues_limits_and_cancellation() -> None:
    train, preannotate = get_kind("ml.train"), get_kind("ml.preannotate")

    assert (train.queue, train.cancellable_running, train.max_retries) == ("train", True, 2)
    assert train.soft_time_limit == 3 * 3600 and train.time_limit == 3 * 3600 + 300
    assert preannotate.queue == "default" and preannotate.soft_time_limit == 3600
    assert OperationalError in train.retry_on and ValueError not in train.retry_on

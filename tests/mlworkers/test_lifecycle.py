"""A running training stops when cancelled; a worker killed mid-run leaves the run failed (once
the stale sweep sees it) and the registry untouched; schedules fire through django-celery-beat's
database scheduler onto the real worker and register new versions."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.storage import default_storage

from fieldmark.jobs import services as jobs
from fieldmark.jobs.models import Job
from mlworkers.models import ModelVersion, Schedule, TrainingRun
from tests.mlworkers.conftest import BASE, train, wait_job
from tests.mlworkers.slowtask import register
from tests.subprocess_env import database_url

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]


def wait_for(predicate: Any, timeout: float = 60, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def stored_models(prefix: str = "models") -> set[str]:
    """Every file under ``prefix`` in Django storage."""
    if not default_storage.exists(prefix):
        return set()
    folders, files = default_storage.listdir(prefix)
    found = {f"{prefix}/{name}" for name in files}
    for folder in folders:
        found |= stored_models(f"{prefix}/{folder}")
    return found


def test_cancel_stops_a_running_training_between_steps(
    corpus: Any, celery_worker_session: Any, as_user: Any
) -> None:
    register()
    manager = as_user(corpus.manager)
    response = manager.post(
        f"{BASE}/models/runs/",
        {"task": "slow", "kind": "steps", "params": {"steps": 300, "sleep": 0.05}},
        format="json",
    )
    assert response.status_code == 202, response.content
    run_id, job_id = response.json()["id"], response.json()["job"]["id"]
    wait_for(lambda: Job.objects.get(id=job_id).progress > 0.05, what="training to progress")

    cancelled = manager.post(f"{BASE}/models/runs/{run_id}/cancel/")

    assert cancelled.status_code == 200, cancelled.content
    assert cancelled.json()["job"]["cancel_requested"] is True
    job = wait_job(job_id)
    assert job.state == "cancelled"
    run = TrainingRun.objects.get(pk=run_id)
    assert run.state == "cancelled" and run.error == "cancelled on request"
    assert 0 < len(run.history) < 300
    assert ModelVersion.objects.count() == 0


def test_cancelling_a_finished_job_is_409(corpus: Any, celery_worker_session: Any,
                                           as_user: Any) -> None:  # fmt: skip
    run = train(as_user(corpus.manager))

    response = as_user(corpus.manager).post(f"{BASE}/models/runs/{run['id']}/cancel/")

    assert response.status_code == 409 and response.json()["error"] == "not_cancellable"


def test_a_worker_killed_mid_training_leaves_the_registry_unchanged(
    corpus: Any, as_user: Any
) -> None:

    from fieldmark.jobs.tasks import run_job

    register()
    files_before = stored_models()
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "MONGO_DB": settings.MONGO_DB,
        "DJANGO_SETTINGS_MODULE": "fieldmark.settings",
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "tests.mlworkers.slow_worker", "worker",
         "-Q", "kill-test", "--pool", "solo", "-l", "WARNING", "--without-heartbeat",
         "--without-mingle", "--without-gossip"],
        env=env, cwd=ROOT, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        # The run and job as start_training makes them, sent to the killable worker's queue.
        run = TrainingRun.objects.create(
            project=corpus.project, task="slow", kind="steps",
            params={"steps": 2000, "sleep": 0.05}, created_by=corpus.manager,
        )  # fmt: skip
        job = Job.objects.create(
            project=corpus.project, kind="ml.train", queue="kill-test", params={"run": run.pk},
            created_by=corpus.manager,
        )  # fmt: skip
        run.job = job
        run.save()
        run_job.apply_async(args=(str(job.id),), queue="kill-test")
        wait_for(lambda: Job.objects.get(id=job.id).progress > 0.03, 120, "the worker to train")

        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(10)
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(10)

    assert Job.objects.get(id=job.id).state == "running"  # nobody knows yet
    assert jobs.fail_stale(timedelta(0)) == 1  # what beat's sweep does
    body = as_user(corpus.viewer).get(f"{BASE}/models/runs/{run.pk}/").json()
    assert body["state"] == "failed"
    assert body["error"] == "The worker stopped before the model was registered."
    assert body["job"]["error"]["type"] == "WorkerLost"
    assert body["version"] is None
    assert ModelVersion.objects.count() == 0
    assert stored_models() == files_before


def test_invalid_cron_is_400_and_nothing_is_scheduled(corpus: Any, as_user: Any) -> None:
    from django_celery_beat.models import PeriodicTask

    before = PeriodicTask.objects.count()
    for cron, detail in [
        ("* * *", "A cron expression has 5 fields (minute hour day month weekday); got 3."),
        ("61 * * * *", "Not a cron expression: Invalid end range: 61 > 59."),
    ]:
        response = as_user(corpus.manager).post(
            f"{BASE}/models/schedules/",
            {"task": "gloss", "kind": "memory", "trigger": "cron", "cron": cron},
            format="json",
        )
        assert response.status_code == 400, response.content
        assert response.json()["fields"] == {"cron": [detail]}
    assert Schedule.objects.count() == 0 and PeriodicTask.objects.count() == before


def test_a_cron_schedule_is_a_database_beat_entry(corpus: Any, as_user: Any) -> None:
    from django_celery_beat.models import PeriodicTask

    response = as_user(corpus.manager).post(
        f"{BASE}/models/schedules/",
        {"task": "gloss", "kind": "memory", "trigger": "cron", "cron": "30 2 * * 1"},
        format="json",
    )

    assert response.status_code == 201, response.content
    entry = PeriodicTask.objects.get(name=f"ml-schedule-{response.json()['id']}")
    assert entry.task == "mlworkers.tasks.fire_schedule" and entry.enabled
    assert (entry.crontab.minute, entry.crontab.hour, entry.crontab.day_of_week) == ("30", "2", "1")
    viewer = as_user(corpus.viewer)
    assert viewer.get(f"{BASE}/models/schedules/").json()["count"] == 1
    denied = viewer.patch(
        f"{BASE}/models/schedules/{response.json()['id']}/", {"enabled": False}, format="json"
    )
    assert denied.status_code == 403 and PeriodicTask.objects.get(pk=entry.pk).enabled


def test_a_schedule_fires_against_the_real_worker_and_registers_a_version(
    corpus: Any, celery_worker_session: Any, as_user: Any
) -> None:
    from django_celery_beat.schedulers import DatabaseScheduler

    from annotations.linguistic_api import documents, services
    from fieldmark.celery import app

    manager = as_user(corpus.manager)
    train(manager, activate=True)
    response = manager.post(
        f"{BASE}/models/schedules/",
        {"task": "gloss", "kind": "memory", "trigger": "changes", "min_changes": 1,
         "check_every_seconds": 1, "auto_activate": True},
        format="json",
    )  # fmt: skip
    assert response.status_code == 201, response.content
    schedule = Schedule.objects.get(pk=response.json()["id"])
    # One annotation changes after the last run
    doc = documents.utterances.collection.find_one({"project": corpus.project.pk, "id": "train-0"})
    assert doc is not None
    doc["words"][0]["morphemes"][0]["gloss"] = "COMPL"
    services.replace_utterance(corpus.manager, corpus.project, doc["_id"], doc["version"], doc)

    # Beat's database scheduler, ticking as `celery beat` does, sends the due entry to the worker
    scheduler = DatabaseScheduler(app=app)
    # Beat syncs at interpreter exit; here the test database is gone by then.
    scheduler._finalize.cancel()

    def fired() -> bool:
        scheduler.tick()
        return ModelVersion.objects.filter(number=2).exists()

    wait_for(fired, 90, "the schedule to register version 2")
    run = TrainingRun.objects.get(schedule=schedule)
    wait_job(run.job_id)
    schedule.refresh_from_db()
    assert schedule.last_outcome == f"started run {run.pk}"
    v2 = ModelVersion.objects.get(number=2)
    assert v2.run_id == run.pk and v2.source == "trained"
    # Compared with the active version on the same held-out split
    run.refresh_from_db()
    assert "word_accuracy: new" in run.log
    # With nothing changed since this run, the next firings start nothing
    scheduler.tick()
    assert TrainingRun.objects.filter(schedule=schedule).count() == 1

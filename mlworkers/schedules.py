"""Retraining schedules, kept in django-celery-beat's tables (the database scheduler), so they
survive restarts and need no schedule file: a cron expression, or a periodic check that starts a
run once N utterances were added or changed since the task's last run."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from celery.schedules import crontab
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

from fieldmark.api.errors import DomainError
from fieldmark.projects.models import Project
from mlworkers import training
from mlworkers.models import RunState, Schedule, ScheduleTrigger, TrainingRun
from mlworkers.tasks_registry import checked_params, get_task

FIRE_TASK = "mlworkers.tasks.fire_schedule"
MIN_CHECK_SECONDS = 1
CRON_FIELDS = ("minute", "hour", "day_of_month", "month_of_year", "day_of_week")


def parse_cron(expression: str) -> dict[str, str]:
    """``"m h dom mon dow"`` as crontab fields; a 400 naming ``cron`` when it is not one."""
    parts = expression.split()
    if len(parts) != 5:
        raise DomainError(
            "invalid_cron",
            f"A cron expression has 5 fields (minute hour day month weekday); got {len(parts)}.",
            field="cron",
        )
    fields = dict(zip(CRON_FIELDS, parts, strict=True))
    try:
        crontab(**fields)
    except (ValueError, KeyError, TypeError) as exc:
        raise DomainError("invalid_cron", f"Not a cron expression: {exc}", field="cron") from exc
    return fields


def _validated(project: Project, body: Mapping[str, Any]) -> dict[str, Any]:
    task = str(body.get("task", ""))
    handler = get_task(task)
    kind = str(body.get("kind", ""))
    params = dict(body.get("params") or {})
    model_params = {
        k: v for k, v in params.items() if k not in ("seed", "heldout", "learning_curve")
    }
    checked_params(handler, kind, model_params)
    trigger = str(body.get("trigger", ""))
    if trigger not in ScheduleTrigger.values:
        raise DomainError("invalid", "trigger must be cron or changes.", field="trigger")
    fields: dict[str, Any] = {
        "task": task,
        "kind": kind,
        "params": params,
        "trigger": trigger,
        "auto_activate": bool(body.get("auto_activate", True)),
        "enabled": bool(body.get("enabled", True)),
        "cron": "",
        "min_changes": 0,
        "check_every_seconds": int(body.get("check_every_seconds") or 300),
    }
    if trigger == ScheduleTrigger.CRON:
        fields["cron"] = " ".join(str(body.get("cron", "")).split())
        parse_cron(fields["cron"])
    else:
        n = body.get("min_changes")
        if not isinstance(n, int) or isinstance(n, bool) or n < 1:
            raise DomainError(
                "invalid", "min_changes must be a whole number ≥ 1.", field="min_changes"
            )
        fields["min_changes"] = n
        if fields["check_every_seconds"] < MIN_CHECK_SECONDS:
            raise DomainError(
                "invalid", "check_every_seconds must be ≥ 1.", field="check_every_seconds"
            )
    return fields


def _sync(schedule: Schedule) -> None:
    """Create or update the schedule's PeriodicTask to match it."""
    crontab_row = interval_row = None
    if schedule.trigger == ScheduleTrigger.CRON:
        crontab_row, _ = CrontabSchedule.objects.get_or_create(
            **parse_cron(schedule.cron), timezone="UTC"
        )
    else:
        interval_row, _ = IntervalSchedule.objects.get_or_create(
            every=schedule.check_every_seconds, period=IntervalSchedule.SECONDS
        )
    values = {
        "task": FIRE_TASK,
        "args": json.dumps([schedule.pk]),
        "crontab": crontab_row,
        "interval": interval_row,
        "enabled": schedule.enabled,
        "queue": "default",
        "description": f"Retrain {schedule.task} ({schedule.kind}) in {schedule.project.slug}",
    }
    if schedule.periodic_task is None:
        schedule.periodic_task = PeriodicTask.objects.create(
            name=f"ml-schedule-{schedule.pk}", **values
        )
        schedule.save(update_fields=["periodic_task"])
    else:
        PeriodicTask.objects.filter(pk=schedule.periodic_task.pk).update(**values)
        # ``update`` skips the signal that tells the running beat to reload its schedule.
        from django_celery_beat.models import PeriodicTasks

        PeriodicTasks.update_changed()


def create(user: User, project: Project, body: Mapping[str, Any]) -> Schedule:
    fields = _validated(project, body)
    with transaction.atomic():
        schedule = Schedule.objects.create(project=project, created_by=user, **fields)
        _sync(schedule)
    return schedule


def update(project: Project, schedule: Schedule, body: Mapping[str, Any]) -> Schedule:
    current = {
        "task": schedule.task,
        "kind": schedule.kind,
        "params": schedule.params,
        "trigger": schedule.trigger,
        "cron": schedule.cron,
        "min_changes": schedule.min_changes,
        "check_every_seconds": schedule.check_every_seconds,
        "auto_activate": schedule.auto_activate,
        "enabled": schedule.enabled,
    }
    fields = _validated(project, {**current, **body})
    with transaction.atomic():
        for key, value in fields.items():
            setattr(schedule, key, value)
        schedule.save()
        _sync(schedule)
    return schedule


def delete(schedule: Schedule) -> None:
    with transaction.atomic():
        if schedule.periodic_task is not None:
            schedule.periodic_task.delete()
        schedule.delete()


def get(project: Project, schedule_id: int) -> Schedule:
    schedule = Schedule.objects.filter(project=project, pk=schedule_id).first()
    if schedule is None:
        raise DomainError("not_found", "No schedule with that id.", status_code=404)
    return schedule


def changes_since_last_run(schedule: Schedule) -> int:
    """Utterances of the project added or changed since the task's last run, counted up to
    ``min_changes`` (all that the check needs): the ``(project, updated_at)`` index
    (``mlworkers.documents``) finds them, and a server that counts from an index stops at the
    limit instead of reading every change of a busy project."""
    from annotations.linguistic_api import documents

    last = (
        TrainingRun.objects.filter(project=schedule.project, task=schedule.task)
        .order_by("-created_at")
        .first()
    )
    query: dict[str, Any] = {"project": schedule.project.pk}
    if last is not None:
        query["updated_at"] = {"$gt": last.created_at}
    limit = max(schedule.min_changes, 1)
    return int(documents.utterances.collection.count_documents(query, limit=limit))


def fire(schedule_id: int) -> str:
    """What beat runs: start a run when due; say why not otherwise (kept as ``last_outcome``)."""
    schedule = (
        Schedule.objects.select_related("project", "created_by").filter(pk=schedule_id).first()
    )
    if schedule is None or not schedule.enabled:
        return "gone or disabled"
    busy = TrainingRun.objects.filter(
        schedule=schedule,
        state__in=(RunState.QUEUED, RunState.RUNNING),
        job__state__in=("queued", "running"),
    ).exists()
    if busy:
        outcome = "a run of this schedule is still going"
    elif (
        schedule.trigger == ScheduleTrigger.CHANGES
        and (n := changes_since_last_run(schedule)) < schedule.min_changes
    ):
        outcome = f"{n} of {schedule.min_changes} changed utterances since the last run"
    else:
        try:
            run = training.start_training(
                schedule.created_by,
                schedule.project,
                schedule.task,
                schedule.kind,
                schedule.params,
                schedule=schedule,
            )
            outcome = f"started run {run.pk}"
        except DomainError as exc:
            outcome = f"not started: {exc.detail}"
    Schedule.objects.filter(pk=schedule.pk).update(
        last_fired_at=timezone.now(), last_outcome=outcome[:300]
    )
    return outcome

"""Celery tasks of the models app: thin, taking ids (beat calls ``fire_schedule``)."""

from __future__ import annotations

from celery import shared_task

from mlworkers import schedules


@shared_task(name="mlworkers.tasks.fire_schedule", ignore_result=True)
def fire_schedule(schedule_id: int) -> str:
    return schedules.fire(schedule_id)

"""The Celery application. Workers consume ``default`` and ``train`` (CPU) and, where a GPU
exists, ``gpu``."""

from __future__ import annotations

import os
from typing import Any

from celery import Celery
from celery.signals import task_postrun
from kombu import Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fieldmark.settings")

app = Celery("fieldmark")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.task_queues = (Queue("default"), Queue("train"), Queue("gpu"))
app.autodiscover_tasks()


@task_postrun.connect
def _events_sent(**_: Any) -> None:
    """A task's events are on their way before the worker takes the next task, or exits."""
    from fieldmark.realtime.events import flush

    flush()

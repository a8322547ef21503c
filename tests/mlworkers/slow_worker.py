"""``celery -A tests.mlworkers.slow_worker worker``: the platform's worker plus the slow task,
run as a separate process that a test can SIGKILL mid-run."""

from __future__ import annotations

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fieldmark.settings")
django.setup()

from fieldmark.celery import app  # noqa: E402
from tests.mlworkers.slowtask import register  # noqa: E402

register()

__all__ = ["app"]

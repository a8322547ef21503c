"""Job kinds of the models app (found by ``fieldmark.jobs.registry``'s autodiscovery)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import InterfaceError, OperationalError

from fieldmark.jobs.models import Job
from fieldmark.jobs.registry import Progress, job_kind
from mlworkers import suggestions, training

# Faults worth a retry: the database or broker went away for a moment. A user's bad input,
# a refused model file or a bug fails the run at once.
TRANSIENT: tuple[type[BaseException], ...] = (OperationalError, InterfaceError, ConnectionError)

TRAIN_SOFT_LIMIT = float(getattr(settings, "FIELDMARK_TRAIN_SOFT_LIMIT", 3 * 3600))
PREANNOTATE_SOFT_LIMIT = float(getattr(settings, "FIELDMARK_PREANNOTATE_SOFT_LIMIT", 3600))


@job_kind(
    "ml.train",
    queue="train",
    soft_time_limit=TRAIN_SOFT_LIMIT,
    time_limit=TRAIN_SOFT_LIMIT + 300,
    retry_on=TRANSIENT,
    max_retries=2,
    cancellable_running=True,
    cleanup=training.clean_up_run,
)
def train(job: Job, progress: Progress) -> dict[str, Any]:
    return training.run_training(job, progress)


@job_kind(
    "ml.preannotate",
    soft_time_limit=PREANNOTATE_SOFT_LIMIT,
    time_limit=PREANNOTATE_SOFT_LIMIT + 120,
    retry_on=TRANSIENT,
    # Nothing to undo: each suggestion document is written whole, with the decisions it carries.
    after_loss="the suggestions it had stored stay, each complete; a new run fills the rest.",
)
def preannotate(job: Job, progress: Progress) -> dict[str, Any]:
    params = job.params
    return suggestions.preannotate(
        job.project,
        str(params["task"]),
        params.get("text"),
        int(params["version"]),
        progress,
        run=str(job.id),
    )

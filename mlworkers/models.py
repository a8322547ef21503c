"""Training runs, the model registry, retraining schedules and suggestion feedback (SQL).

Machine suggestions themselves are Mongo documents beside the utterances
(:mod:`mlworkers.documents`); what people did with them is recorded here, per model version.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from fieldmark.jobs.models import Job
from fieldmark.projects.models import Project


class RunState(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


class TrainingRun(models.Model):
    """One training of one model kind for one task, on a recorded snapshot of the corpus."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="training_runs")
    task = models.CharField(max_length=64)
    kind = models.CharField(max_length=64)
    params: models.JSONField[Any, Any] = models.JSONField(default=dict)
    state = models.CharField(max_length=16, choices=RunState.choices, default=RunState.QUEUED)
    job = models.OneToOneField(
        Job, null=True, blank=True, on_delete=models.SET_NULL, related_name="training_run"
    )
    schedule = models.ForeignKey(
        "Schedule", null=True, blank=True, on_delete=models.SET_NULL, related_name="runs"
    )
    # The data: a content hash of ids, versions and labels; counts; [[id, version], ...].
    data_hash = models.CharField(max_length=128, blank=True, default="")
    counts: models.JSONField[Any, Any] = models.JSONField(default=dict)
    utterances: models.JSONField[Any, Any] = models.JSONField(default=list)
    seed = models.IntegerField(default=0)
    heldout_fraction = models.FloatField(default=0.1)
    heldout: models.JSONField[Any, Any] = models.JSONField(default=list)
    # [{"step", "epoch", "fraction", "loss", "message", "t"}], as pushed by the trainer.
    history: models.JSONField[Any, Any] = models.JSONField(default=list)
    log = models.TextField(blank=True, default="")
    metrics: models.JSONField[Any, Any] = models.JSONField(null=True, blank=True)
    learning_curve: models.JSONField[Any, Any] = models.JSONField(default=list)
    durations: models.JSONField[Any, Any] = models.JSONField(default=dict)
    device = models.CharField(max_length=32, blank=True, default="")
    error = models.TextField(blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["project", "task", "-created_at"])]

    def __str__(self) -> str:
        return f"run {self.pk} {self.task}/{self.kind} ({self.state})"

    @property
    def effective_state(self) -> str:
        """The run's state, or its job's where the job ended without the run hearing of it (a
        worker killed mid-run, failed later by the stale-job sweep)."""
        unfinished = self.state in (RunState.QUEUED, RunState.RUNNING)
        if unfinished and self.job is not None and self.job.state in ("failed", "cancelled"):
            return str(self.job.state)
        return str(self.state)


class VersionStatus(models.TextChoices):
    CANDIDATE = "candidate", "Candidate"
    ACTIVE = "active", "Active"
    RETIRED = "retired", "Retired"


class Source(models.TextChoices):
    TRAINED = "trained", "Trained here"
    IMPORTED = "imported", "Imported"
    EXTERNAL = "external", "External server"


class ModelVersion(models.Model):
    """A registered model: an artifact folder in Django storage, or an external server."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="model_versions")
    task = models.CharField(max_length=64)
    kind = models.CharField(max_length=64)
    number = models.PositiveIntegerField()
    status = models.CharField(
        max_length=16, choices=VersionStatus.choices, default=VersionStatus.CANDIDATE
    )
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.TRAINED)
    name = models.CharField(max_length=200, blank=True, default="")
    metrics: models.JSONField[Any, Any] = models.JSONField(null=True, blank=True)
    run = models.OneToOneField(
        TrainingRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="version"
    )
    data_hash = models.CharField(max_length=128, blank=True, default="")
    # A storage prefix ("models/<project>/<task>/<uuid>/"): the model's files live under it.
    artifact = models.CharField(max_length=500, blank=True, default="")
    summary: models.JSONField[Any, Any] = models.JSONField(default=dict)
    external_url = models.URLField(max_length=500, blank=True, default="")
    external_token = models.CharField(max_length=500, blank=True, default="")
    external_timeout = models.FloatField(default=5.0)
    trained_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    activated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["task", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "task", "number"], name="mlworkers_version_number"
            ),
            # The database, not only the service, keeps one active version per task.
            models.UniqueConstraint(
                fields=["project", "task"],
                condition=Q(status="active"),
                name="mlworkers_one_active_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task} v{self.number} ({self.kind}, {self.status})"


class ScheduleTrigger(models.TextChoices):
    CRON = "cron", "Cron expression"
    CHANGES = "changes", "After N new or changed annotations"


class Schedule(models.Model):
    """Retrain a task on a cron expression or once enough annotations changed; the timing lives
    in django-celery-beat's ``PeriodicTask`` (database scheduler), kept in step by the service."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="ml_schedules")
    task = models.CharField(max_length=64)
    kind = models.CharField(max_length=64)
    params: models.JSONField[Any, Any] = models.JSONField(default=dict)
    trigger = models.CharField(max_length=16, choices=ScheduleTrigger.choices)
    cron = models.CharField(max_length=120, blank=True, default="")
    min_changes = models.PositiveIntegerField(default=0)
    check_every_seconds = models.PositiveIntegerField(default=300)
    auto_activate = models.BooleanField(default=True)
    enabled = models.BooleanField(default=True)
    periodic_task = models.OneToOneField(
        "django_celery_beat.PeriodicTask",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    last_fired_at = models.DateTimeField(null=True, blank=True)
    last_outcome = models.CharField(max_length=300, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["task", "id"]

    def __str__(self) -> str:
        return f"schedule {self.pk} {self.task}/{self.kind} ({self.trigger})"


class SuggestionFeedback(models.Model):
    """One accept or reject of one machine suggestion by one person."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    version = models.ForeignKey(ModelVersion, on_delete=models.CASCADE, related_name="feedback")
    utterance = models.CharField(max_length=64)
    word = models.PositiveIntegerField()
    morpheme = models.PositiveIntegerField(null=True, blank=True)
    field = models.CharField(max_length=16)
    label = models.CharField(max_length=300)
    p = models.FloatField()
    accepted = models.BooleanField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["version", "accepted"])]

    def __str__(self) -> str:
        return f"{'accepted' if self.accepted else 'rejected'} {self.label!r} (v{self.version_id})"

"""The model registry: numbered versions per (project, task), one active, activate/roll back,
versions imported from elsewhere (a Hugging Face folder, a skops file) or served by an external
Label Studio ML backend. A version is written only after its files are complete, in one
transaction, so a worker that dies mid-run leaves no trace here."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from fieldmark.api.errors import DomainError
from fieldmark.projects.models import Project
from fieldmark.realtime.events import broadcast
from mlworkers import artifacts, external
from mlworkers.models import ModelVersion, Source, TrainingRun, VersionStatus
from mlworkers.tasks_registry import check_kind, get_task

MAX_IMPORT_BYTES: int = getattr(settings, "FIELDMARK_MODEL_IMPORT_MAX_BYTES", 512 * 1024 * 1024)


def versions(project: Project, task: str | None = None) -> Any:
    qs = ModelVersion.objects.filter(project=project).select_related("trained_by", "run")
    if task:
        qs = qs.filter(task=task)
    return qs.annotate(
        feedback_total=Count("feedback"),
        feedback_accepted=Count("feedback", filter=Q(feedback__accepted=True)),
    ).order_by("task", "-number")


def get_version(project: Project, version_id: int) -> ModelVersion:
    version: ModelVersion | None = versions(project).filter(pk=version_id).first()
    if version is None:
        raise DomainError("not_found", "No model version with that id.", status_code=404)
    return version


def active_version(project: Project, task: str) -> ModelVersion | None:
    return ModelVersion.objects.filter(
        project=project, task=task, status=VersionStatus.ACTIVE
    ).first()


def register(
    project: Project,
    task: str,
    kind: str,
    *,
    source: str,
    artifact: str = "",
    summary: dict[str, Any] | None = None,
    metrics: dict[str, Any] | None = None,
    run: TrainingRun | None = None,
    data_hash: str = "",
    user: User | None = None,
    name: str = "",
    external_fields: dict[str, Any] | None = None,
) -> ModelVersion:
    """Add the next version number of (project, task); retried if two registrations race."""
    for _attempt in range(5):
        try:
            with transaction.atomic():
                number = (
                    ModelVersion.objects.filter(project=project, task=task).aggregate(
                        n=Max("number")
                    )["n"]
                    or 0
                ) + 1
                version = ModelVersion.objects.create(
                    project=project,
                    task=task,
                    kind=kind,
                    number=number,
                    source=source,
                    artifact=artifact,
                    summary=summary or {},
                    metrics=metrics,
                    run=run,
                    data_hash=data_hash,
                    trained_by=user,
                    name=name,
                    **(external_fields or {}),
                )
            break
        except IntegrityError:
            continue
    else:
        raise DomainError("busy", "Could not number the new version; try again.", status_code=409)
    broadcast(project.pk, "ml.version.created", {"id": version.pk, "task": task})
    return version


def activate(project: Project, version: ModelVersion) -> ModelVersion:
    """Make ``version`` the one active version of its task; the previous one is retired."""
    with transaction.atomic():
        ModelVersion.objects.filter(
            project=project, task=version.task, status=VersionStatus.ACTIVE
        ).exclude(pk=version.pk).update(status=VersionStatus.RETIRED)
        ModelVersion.objects.filter(pk=version.pk).update(
            status=VersionStatus.ACTIVE, activated_at=timezone.now()
        )
    version.refresh_from_db()
    broadcast(project.pk, "ml.version.activated", {"id": version.pk, "task": version.task})
    return version


def rollback(project: Project, task: str) -> ModelVersion:
    """Re-activate the version that was active before the current one."""
    current = active_version(project, task)
    if current is None:
        raise DomainError("no_active_model", f"No active {task} model to roll back.", field="task")
    previous = (
        ModelVersion.objects.filter(
            project=project, task=task, status=VersionStatus.RETIRED, activated_at__isnull=False
        )
        .exclude(pk=current.pk)
        .order_by("-activated_at")
        .first()
    )
    if previous is None:
        raise DomainError(
            "nothing_to_roll_back", f"No earlier active {task} version to go back to.", field="task"
        )
    with transaction.atomic():
        ModelVersion.objects.filter(pk=current.pk).update(status=VersionStatus.CANDIDATE)
        ModelVersion.objects.filter(pk=previous.pk).update(status=VersionStatus.ACTIVE)
    previous.refresh_from_db()
    broadcast(project.pk, "ml.version.activated", {"id": previous.pk, "task": task})
    return previous


# --- imports -------------------------------------------------------------------------------------


def _save_upload(upload: UploadedFile, directory: Path) -> Path:
    if (upload.size or 0) > MAX_IMPORT_BYTES:
        raise DomainError(
            "file_too_large",
            f"The file has {upload.size:,} bytes; model imports may have at most "
            f"{MAX_IMPORT_BYTES:,}.",
            field="file",
            status_code=413,
        )
    name = Path(upload.name or "upload").name
    path = directory / name
    with path.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return path


def import_model(
    user: User, project: Project, task: str, kind: str, upload: UploadedFile, name: str = ""
) -> ModelVersion:
    """Register a model trained elsewhere: a Hugging Face folder as zip/tar (``kind``
    ``transformer``) or a skops file (any other kind). Refusals (pickle weights, remote code,
    paths escaping the folder, over the cap, untrusted types) are 400s naming ``file``."""
    from mlworkers.core import api

    handler = get_task(task)
    check_kind(handler, kind)
    with tempfile.TemporaryDirectory(prefix="fieldmark-import-") as tmp:
        root = Path(tmp)
        source = _save_upload(upload, root)
        folder = root / "model"
        try:
            if source.suffix == ".skops":
                model = api.load_skops_file(source)
                if getattr(model, "task", task) != task:
                    raise api.ModelFileError(
                        f"The file holds a {model.task} model, not a {task} model."
                    )
                folder.mkdir()
                model.save(folder)
                summary: dict[str, Any] = {"format": "skops", "kind": getattr(model, "kind", kind)}
            else:
                config = api.import_hf_folder(source, folder, max_bytes=MAX_IMPORT_BYTES)
                summary = {"format": "huggingface", "config": config}
            # The folder must load as a model before anything is registered.
            api.load(folder)
        except api.ModelFileError as exc:
            raise DomainError("invalid_model_file", str(exc), field="file") from exc
        prefix = artifacts.new_prefix(project.slug, task)
        names = artifacts.store_folder(folder, prefix)
    summary["files"] = names
    try:
        return register(
            project,
            task,
            kind,
            source=Source.IMPORTED,
            artifact=prefix,
            summary=summary,
            user=user,
            name=name or Path(upload.name or "").name,
        )
    except BaseException:
        artifacts.delete_folder(prefix, names)
        raise


def register_external(
    user: User,
    project: Project,
    task: str,
    url: str,
    token: str = "",
    timeout: float = 5.0,
    name: str = "",
) -> ModelVersion:
    """Register a Label Studio ML backend as a version, after it answered ``/health`` and
    ``/setup``; one that does not is a 400 naming ``url`` and nothing is registered."""
    get_task(task)
    server = external.ExternalModel(task, url, token, timeout)
    try:
        details = server.check()
    except external.ExternalModelError as exc:
        raise DomainError("external_model_unusable", str(exc), field="url") from exc
    return register(
        project,
        task,
        "external",
        source=Source.EXTERNAL,
        summary={"health": details},
        user=user,
        name=name or url,
        external_fields={"external_url": url, "external_token": token, "external_timeout": timeout},
    )

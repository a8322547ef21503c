"""Face models and their training.

Models are versions of the ``face`` task in the shared model registry, kept behind
:class:`FaceModelStore`, the narrow interface the jobs and views use.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from django.contrib.auth.models import User

from annotations.affect_api import face_task
from annotations.affect_api.services.videos import get_video
from fieldmark.api.errors import DomainError
from fieldmark.jobs.models import Job
from fieldmark.projects.models import Project
from fieldmark.storage.versioned import Doc
from mlworkers import registry, serving, training
from mlworkers.face import models as face_models
from mlworkers.models import ModelVersion

SOURCES_HELP: Final = '"gold", "all" (every coder) or a coder\'s username'
HELDOUT: Final = 0.3


class FaceModelStore:
    """Face models are versions of the ``face`` task in the shared model registry
    (:mod:`mlworkers.registry`): numbered per project, trained by ``ml.train`` runs, activated
    and rolled back there. Coding uses the active version, else the newest."""

    def list(self, project: Project) -> list[Doc]:
        return [_version_doc(v) for v in registry.versions(project, face_task.TASK)]

    def get(self, project: Project, model_id: str | None) -> Doc:
        if model_id:
            try:
                number = int(model_id)
            except ValueError:
                number = -1
            version = registry.versions(project, face_task.TASK).filter(pk=number).first()
            if version is None:
                raise DomainError(
                    "not_found", f"No face model with id {model_id}.", status_code=404
                )
        else:
            version = registry.active_version(project, face_task.TASK) or (
                registry.versions(project, face_task.TASK).first()
            )
            if version is None:
                raise DomainError(
                    "no_face_model",
                    "This project has no face model yet: train one from coded videos first.",
                    field="model",
                )
        return _version_doc(version)

    def load(self, doc: Mapping[str, Any]) -> face_models.Predictor:
        version = ModelVersion.objects.get(pk=int(doc["_id"]))
        model = serving.load_version(version)
        if not isinstance(model, face_task.FaceTaskModel | face_task.FaceTransformerTaskModel):
            raise DomainError("invalid", f"Model {doc['name']} is not a face model.", field="model")
        return model.predictor


def _version_doc(version: ModelVersion) -> Doc:
    metrics = version.metrics or {}
    return {
        "_id": str(version.pk),
        "number": version.number,
        "name": f"face-{version.number}",
        "status": version.status,
        "kind": version.kind,
        "metrics": metrics,
        "created_by": version.trained_by.username if version.trained_by else "",
        "created_at": version.created_at,
    }


store = FaceModelStore()


def _check_source(project: Project, source: str) -> None:
    if source in ("gold", "all"):
        return
    if not source or not project.memberships.filter(user__username=source).exists():
        raise DomainError(
            "invalid", f"Train from {SOURCES_HELP}; {source!r} is none of them.", field="source"
        )


def start_training(
    user: User, project: Project, source: str, videos: list[str] | None = None
) -> Job:
    """A registry training run of the ``face`` task on ``source`` layers; returns its job."""
    _check_source(project, source)
    for video_id in videos or []:
        get_video(project, video_id)
    run = training.start_training(
        user,
        project,
        face_task.TASK,
        "sklearn",
        # A third of the seconds held out: a tenth of a short video may show too few AUs.
        {"source": source, "videos": videos, "heldout": HELDOUT},
    )
    if run.job is None:
        raise DomainError("invalid", "The training run has no job.")
    return run.job


def list_models(project: Project) -> list[Doc]:
    return store.list(project)

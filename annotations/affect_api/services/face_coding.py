"""Automatic face coding of a stored video into a machine layer of suggestions.

The pipeline itself is :mod:`mlworkers.face` (no Django); this module feeds it stored
videos and stores what it returns: the faces found (boxes and landmarks for the overlay)
and, with a model, the machine layer.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Final

import numpy as np
from django.conf import settings
from django.contrib.auth.models import User

from annotations.affect.model import Layer, Trace
from annotations.affect.schema import DIMENSIONS, ValidationError
from annotations.affect_api import documents, face_documents
from annotations.affect_api.services.face_training import store
from annotations.affect_api.services.layers import layer_event, write_traces
from annotations.affect_api.services.schema import project_schema
from annotations.affect_api.services.videos import get_video, local_path, video_fps
from fieldmark.api.errors import DomainError
from fieldmark.jobs.models import Job
from fieldmark.jobs.services import start_job
from fieldmark.projects.models import Project
from fieldmark.storage.versioned import Doc, new_id
from mlworkers.face import models as face_models
from mlworkers.face.coding import FrameTraces, MachineCoding, machine_coding
from mlworkers.face.decode import VideoUnreadable
from mlworkers.face.version import PIPELINE_VERSION

# The pipeline and the face mesh (OpenCV, MediaPipe) are imported by the job that runs them: the
# web process imports this module for its routes and checks, and has no use for them.
if TYPE_CHECKING:
    from mlworkers.face.pipeline import FaceBatch

CODE_JOB: Final = "affect.face_code"
MACHINE_PREFIX: Final = "machine:"
MAX_TRACK_WINDOW_MS: Final = 30_000

Progress = Callable[[float, str], None]


def coding_queue() -> str:
    """``gpu`` where a CUDA worker consumes it (an image model codes in batches there), else the
    CPU workers' ``train`` queue, away from the short jobs of ``default``."""
    return "gpu" if settings.FIELDMARK_GPU_QUEUE else "train"


def check_coding(project: Project, model: str | None, stride: int) -> None:
    if model:
        store.get(project, model)
    if not 1 <= stride <= 30:
        raise DomainError("invalid", "stride must be 1..30 frames.", field="stride")


def start_coding(
    user: User, project: Project, video_id: str, model: str | None, stride: int
) -> Job:
    get_video(project, video_id)
    check_coding(project, model, stride)
    return start_job(
        user,
        project,
        CODE_JOB,
        {"video": video_id, "model": model, "stride": stride},
        queue=coding_queue(),
    )


def _pack_tracks(
    project: Project, video: Mapping[str, Any], batches: Iterable[FaceBatch]
) -> list[dict[str, Any]]:
    from mlworkers.face.landmarks import CONTOUR

    width, height = float(video["width"]), float(video["height"])
    scale = np.array([width, height], dtype=np.float32)
    docs: dict[tuple[int, int], dict[str, list[np.ndarray]]] = {}
    for batch in batches:
        buckets = batch.frames // face_documents.TRACK_BUCKET_FRAMES
        for bucket in np.unique(buckets):
            rows = buckets == bucket
            part = docs.setdefault(
                (batch.subject, int(bucket)), {"frames": [], "boxes": [], "points": [], "pose": []}
            )
            part["frames"].append(batch.frames[rows].astype(np.int32))
            box = batch.boxes[rows] / np.tile(scale, 2)
            part["boxes"].append(box.astype(np.float32))
            points = batch.landmarks[rows][:, :, :2] / scale
            part["points"].append(np.clip(np.rint(points * 65535), 0, 65535).astype(np.uint16))
            part["pose"].append(batch.pose[rows].astype(np.float32))
    out = []
    for (subject, bucket), part in sorted(docs.items()):
        out.append(
            {
                "project": project.pk,
                "video_id": str(video["_id"]),
                "subject": subject,
                "bucket": bucket,
                "frames": np.concatenate(part["frames"]).tobytes(),
                "boxes": np.concatenate(part["boxes"]).tobytes(),
                "points": np.concatenate(part["points"]).tobytes(),
                "pose": np.concatenate(part["pose"]).tobytes(),
                "n_points": len(CONTOUR),
                "pipeline": PIPELINE_VERSION,
            }
        )
    return out


class _Tee:
    """Keeps every batch's geometry for the overlay and predicts each batch as it comes."""

    def __init__(self, models: face_models.Predictor | None, n_frames: int) -> None:
        self.models = models
        self.n_frames = n_frames
        self.batches: list[FaceBatch] = []
        self.traces: dict[int, FrameTraces] = {}

    def add(self, batch: FaceBatch) -> None:
        from mlworkers.face.landmarks import CONTOUR
        from mlworkers.face.pipeline import FaceBatch

        # Crops and features are dropped once predicted: only geometry is kept for the overlay.
        self.batches.append(
            FaceBatch(
                batch.subject,
                batch.frames,
                batch.boxes,
                batch.landmarks[:, CONTOUR],
                batch.pose,
                batch.crops[:0],
                batch.features[:0],
            )
        )
        if self.models is not None:
            traces = self.traces.setdefault(batch.subject, FrameTraces(self.n_frames))
            traces.add(self.models, batch.frames, batch.features, batch.crops)


def code_video(
    project: Project,
    video_id: str,
    model_id: str | None,
    stride: int,
    by: User | None,
    progress: Progress,
) -> dict[str, Any]:
    """Run the pipeline on a stored video, keep the faces it found and, with a model, write the
    machine layer. A failure part way (a broken file, a worker error) keeps and writes every
    frame coded until then and says where it stopped; a rerun replaces both."""
    from mlworkers.face.pipeline import PipelineOptions, RunReport, run_video

    video = get_video(project, video_id)
    model_doc = None
    models = None
    if model_id or store.list(project):
        model_doc = store.get(project, model_id)
        models = store.load(model_doc)
    fps = video_fps(video)
    n_frames = int(video["frame_count"])
    report = RunReport()
    tee = _Tee(models, n_frames)
    # An image model on a GPU halves its batch on out-of-memory (mlworkers.face.transformer).
    retries: list[int] = getattr(models, "retries", [])
    retried_before = len(retries)
    stopped: str | None = None
    with local_path(str(video["storage_name"])) as path:
        try:
            for batch in run_video(
                path,
                PipelineOptions(stride=stride),
                report,
                lambda frame: progress(min(frame / max(n_frames, 1), 1.0) * 0.95, "Coding faces"),
            ):
                tee.add(batch)
        except VideoUnreadable as exc:
            stopped = str(exc)
        except Exception as exc:  # keep what was coded; the report says why it stopped
            last = max((int(b.frames[-1]) for b in tee.batches), default=-1)
            stopped = f"stopped after frame {last}: {type(exc).__name__}: {exc}"
    progress(0.96, "Storing faces")
    face_documents.face_tracks().delete_many({"project": project.pk, "video_id": video_id})
    track_docs = _pack_tracks(project, video, tee.batches)
    if track_docs:
        face_documents.face_tracks().insert_many(track_docs)
    subjects = _subject_summary(tee.batches)
    problems = report.problems() + ([stopped] if stopped else [])
    problems += [
        f"GPU out of memory: batch reduced to {size} and retried"
        for size in retries[retried_before:]
    ]
    result: dict[str, Any] = {
        "video": video_id,
        "frames_read": report.frames_seen,
        "frames_with_face": report.frames_with_face,
        "subjects": subjects,
        "problems": problems,
        "layer": None,
        "model": model_doc["_id"] if model_doc else None,
        "pipeline": PIPELINE_VERSION,
        "seconds": {k: round(v, 3) for k, v in report.timings.seconds.items()},
    }
    if models is None or model_doc is None:
        result["problems"].append("no face model yet: faces stored, no machine layer written")
        return result
    if not subjects:
        return result
    primary = max(subjects, key=lambda s: (s["frames"], -s["subject"]))["subject"]
    coding = machine_coding(tee.traces[primary], models.categories, fps, int(video["duration_ms"]))
    user = by or User.objects.filter(memberships__project=project).first()
    if user is None:
        raise DomainError("invalid", "No user to write the machine layer as.")
    doc = _write_machine_layer(project, video, model_doc, primary, coding, user, stride)
    result["layer"] = doc["_id"]
    result["primary_subject"] = primary
    result["events"] = len(coding.events)
    result["segments"] = len(coding.segments)
    result["frames_coded"] = tee.traces[primary].frames_coded
    return result


def _subject_summary(batches: list[FaceBatch]) -> list[dict[str, Any]]:
    seen: dict[int, list[int]] = {}
    for batch in batches:
        seen.setdefault(batch.subject, []).extend(int(f) for f in batch.frames)
    return [
        {"subject": s, "frames": len(f), "first_frame": min(f), "last_frame": max(f)}
        for s, f in sorted(seen.items())
    ]


def machine_annotator(model_doc: Mapping[str, Any]) -> str:
    return f"{MACHINE_PREFIX}{model_doc['name']}"


def _write_machine_layer(
    project: Project,
    video: Mapping[str, Any],
    model_doc: Mapping[str, Any],
    subject: int,
    coding: MachineCoding,
    user: User,
    stride: int,
) -> Doc:
    annotator = machine_annotator(model_doc)
    video_id = str(video["_id"])
    current = documents.layers.collection.find_one(
        {"project": project.pk, "video_id": video_id, "annotator": annotator, "kind": "model"}
    )
    layer_id = str(current["_id"]) if current else new_id()
    schema = project_schema(project)
    # A model trained before the project's schema dropped an AU must not write that AU.
    known = set(schema.au_codes)
    events = [e for e in coding.events if e.au in known]
    layer_traces = {k: t for k, t in coding.traces.items() if k in known or k in DIMENSIONS}
    layer = Layer(
        layer_id,
        video_id,
        annotator,
        kind="model",
        schema_version=schema.version,
        segments=coding.segments,
        events=events,
        traces=layer_traces,
    )
    try:
        layer.validate(schema, duration_ms=int(video["duration_ms"]))
    except ValidationError as exc:
        raise DomainError("invalid", f"The model's output does not fit the schema: {exc}") from None
    provenance = {
        "model": str(model_doc["_id"]),
        "name": str(model_doc["name"]),
        "number": int(model_doc["number"]),
        "version": str(model_doc["_id"]),
        "pipeline": PIPELINE_VERSION,
        "subject": subject,
        "stride": stride,
        "event_probability": [coding.event_probability[coding.events.index(e)] for e in events],
        "segment_probability": coding.segment_probability,
        "coded_at": datetime.now(UTC),
    }
    body = {**layer.to_doc(), "model": provenance}
    if current is None:
        documents.layers.insert(project.pk, {"_id": layer_id, **body}, user.username)
        event = "affect.layer.created"
    else:
        documents.layers.update(project.pk, layer_id, int(current["version"]), body, user.username)
        event = "affect.layer.updated"
    write_traces(project, layer)
    _write_probabilities(project, layer_id, coding.probabilities)
    face_documents.face_suggestions().delete_many({"project": project.pk, "layer_id": layer_id})
    doc = documents.layers.get(project.pk, layer_id)
    layer_event(project, event, doc, layer.traces)
    return doc


def _write_probabilities(project: Project, layer_id: str, traces: Mapping[str, Trace]) -> None:
    pseudo = layer_id + face_documents.PROBABILITY_SUFFIX
    probability_layer = Layer(pseudo, "", "machine", kind="model", traces=dict(traces))
    buckets = documents.trace_buckets()
    buckets.delete_many({"layer_id": pseudo})
    docs = [{**b.to_doc(), "project": project.pk} for b in probability_layer.trace_buckets()]
    if docs:
        buckets.insert_many(docs)


# --- reading ---------------------------------------------------------------------------------


def face_tracks(project: Project, video_id: str, t0_ms: int, t1_ms: int) -> dict[str, Any]:
    """Boxes and contour landmarks (fractions of the frame) of every subject in a time window."""
    video = get_video(project, video_id)
    if t1_ms <= t0_ms or t1_ms - t0_ms > MAX_TRACK_WINDOW_MS:
        raise DomainError(
            "invalid", f"Ask for 1..{MAX_TRACK_WINDOW_MS} ms of faces at a time.", field="t1_ms"
        )
    fps = video_fps(video)
    first = math.floor(t0_ms * fps / 1000)
    stop = math.ceil(t1_ms * fps / 1000)
    size = face_documents.TRACK_BUCKET_FRAMES
    cursor = face_documents.face_tracks().find(
        {
            "project": project.pk,
            "video_id": video_id,
            "bucket": {"$gte": first // size, "$lte": stop // size},
        },
        sort=[("subject", 1), ("bucket", 1)],
    )
    subjects: dict[int, dict[str, list[Any]]] = {}
    for doc in cursor:
        frames = np.frombuffer(doc["frames"], dtype=np.int32)
        rows = (frames >= first) & (frames < stop)
        if not rows.any():
            continue
        n_points = int(doc["n_points"])
        boxes = np.frombuffer(doc["boxes"], dtype=np.float32).reshape(-1, 4)[rows]
        points = np.frombuffer(doc["points"], dtype=np.uint16).reshape(-1, n_points, 2)[rows]
        pose = np.frombuffer(doc["pose"], dtype=np.float32).reshape(-1, 3)[rows]
        entry = subjects.setdefault(
            int(doc["subject"]), {"frames": [], "boxes": [], "points": [], "pose": []}
        )
        entry["frames"] += frames[rows].tolist()
        entry["boxes"] += np.round(boxes, 4).tolist()
        entry["points"] += np.round(points / 65535.0, 4).tolist()
        entry["pose"] += np.round(pose, 1).tolist()
    return {
        "video": video_id,
        "fps": fps,
        "subjects": [{"subject": s, **v} for s, v in sorted(subjects.items())],
    }

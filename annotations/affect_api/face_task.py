"""Face models as the ``face`` task of the shared model registry (:mod:`mlworkers.tasks_registry`).

The registry's training runs, numbered versions, activation, schedules and API then hold for
face models as for the glossing ones. A training item is one second of one human layer of one
video (its id ``<video>/<layer>/<second>``, its version the layer's), so the registry's held-out
split takes whole seconds out of training, as the face tests do; the ``source`` parameter
(``gold``, ``all`` coders, or one coder's username) picks which layers' items a run learns from.

Two kinds: ``sklearn`` (the scikit-learn heads over HOG + geometry features, CPU) and
``transformer`` (an image encoder fine-tuned on the aligned crops, see
:mod:`mlworkers.face.transformer`; a GPU kind, so its runs go to the ``gpu`` queue where a CUDA
worker consumes it, else to ``train``).

Features come from running :mod:`mlworkers.face` on the stored video; the last few videos' are
kept in memory, because one run reads each video for training and again for scoring.
"""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from threading import Lock
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import numpy.typing as npt

from annotations.affect.model import EMOTION_TRACK
from annotations.affect.schema import DIMENSIONS
from fieldmark.projects.models import Project
from mlworkers.face import models as face_models
from mlworkers.face.version import PIPELINE_VERSION
from mlworkers.tasks_registry import TaskHandler, register_task

if TYPE_CHECKING:
    from mlworkers.face.pipeline import SubjectTrack

TASK: Final = "face"
KINDS: Final = ("sklearn", "transformer")
GPU_KINDS: Final = frozenset({"transformer"})
MODEL_FILE: Final = "face_models.skops"
TRANSFORMER_DIR: Final = "encoder"
MAX_EPOCHS: Final = 100
MAX_BATCH: Final = 1024
SOURCES: Final = ("gold", "all")
_CACHE_VIDEOS: Final = 2


@dataclass(frozen=True)
class FaceItem:
    """One second of one human layer of a video, with that layer's frame labels for it."""

    id: str
    version: int
    project_id: int
    video_id: str
    storage_name: str
    layer_kind: str
    annotator: str
    first: int
    stop: int
    labels: dict[str, npt.NDArray[np.float64]] = field(hash=False, compare=False)


class FaceTaskModel:
    task = TASK
    kind = "sklearn"

    def __init__(self, models: face_models.FaceModels) -> None:
        self.models = models

    def save(self, directory: Path) -> None:
        (directory / MODEL_FILE).write_bytes(face_models.dumps(self.models))

    @property
    def predictor(self) -> face_models.Predictor:
        return self.models

    @classmethod
    def load(cls, directory: Path) -> FaceTaskModel:
        return cls(face_models.loads((directory / MODEL_FILE).read_bytes()))


class FaceTransformerTaskModel:
    """An image-model version: the encoder folder (safetensors) with its head, and the run's
    metadata (source, videos) beside it."""

    task = TASK
    kind = "transformer"

    def __init__(self, backend: Any, meta: dict[str, Any]) -> None:
        self.backend = backend
        self.meta = meta

    @property
    def predictor(self) -> face_models.Predictor:
        predictor: face_models.Predictor = self.backend
        return predictor

    def save(self, directory: Path) -> None:
        self.backend.save(directory / TRANSFORMER_DIR)
        (directory / TRANSFORMER_DIR / "run_meta.json").write_text(json.dumps(self.meta))

    @classmethod
    def load(cls, directory: Path, device: str | None = None) -> FaceTransformerTaskModel:
        from mlworkers.face.transformer import VisionTransformerBackend

        folder = directory / TRANSFORMER_DIR
        backend = VisionTransformerBackend.load(folder, device=device)
        return cls(backend, json.loads((folder / "run_meta.json").read_text()))


def _int_param(params: Mapping[str, Any], name: str, default: int, high: int) -> int:
    value = params.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= high:
        raise ValueError(f"{name} must be a whole number from 1 to {high}")
    return int(value)


def _transformer_params(params: Mapping[str, Any]) -> dict[str, Any]:
    from mlworkers.face.transformer import check_config

    out: dict[str, Any] = {
        "epochs": _int_param(params, "epochs", 3, MAX_EPOCHS),
        "batch": _int_param(params, "batch", 32, MAX_BATCH),
    }
    lr = params.get("lr", 1e-4)
    if isinstance(lr, bool) or not isinstance(lr, int | float) or not 0 < lr <= 1:
        raise ValueError("lr must be a number in (0, 1]")
    out["lr"] = float(lr)
    if params.get("encoder") is not None:
        if not isinstance(params["encoder"], str) or not params["encoder"]:
            raise ValueError("encoder must name a model folder")
        out["encoder"] = params["encoder"]
    if params.get("config") is not None:
        if "encoder" in out:
            raise ValueError("give an encoder or a config, not both")
        out["config"] = check_config(params["config"])
    return out


def check_params(kind: str, params: Mapping[str, Any]) -> dict[str, Any]:
    source = params.get("source", "all")
    if not isinstance(source, str) or not source:
        raise ValueError('source must be "gold", "all" or a coder\'s username')
    videos = params.get("videos")
    if videos is not None and (
        not isinstance(videos, list) or not all(isinstance(v, str) for v in videos)
    ):
        raise ValueError("videos must be a list of video ids")
    checked: dict[str, Any] = {"source": source, "videos": videos}
    if kind == "transformer":
        checked.update(_transformer_params(params))
    return checked


def load_items(project: Project) -> list[FaceItem]:
    from annotations.affect_api.services import layers, videos
    from annotations.affect_api.services.schema import project_schema

    schema = project_schema(project)
    items: list[FaceItem] = []
    for video in videos.list_videos(project):
        video_id = str(video["_id"])
        fps = videos.video_fps(video)
        n_frames = int(video["frame_count"])
        for doc in layers.list_layers(project, video_id):
            if doc.get("kind") not in ("coder", "gold"):
                continue
            layer = layers.load_layer(project, doc)
            aus = sorted(_layer_aus(layer))
            tracks = {au: layer.frames(au, fps, n_frames, schema) for au in aus}
            for name in (EMOTION_TRACK, *DIMENSIONS):
                tracks[name] = layer.frames(name, fps, n_frames, schema)
            per_second = max(1, round(fps))
            for second, first in enumerate(range(0, n_frames, per_second)):
                stop = min(first + per_second, n_frames)
                items.append(
                    FaceItem(
                        id=f"{video_id}/{doc['_id']}/{second}",
                        version=int(doc["version"]),
                        project_id=project.pk,
                        video_id=video_id,
                        storage_name=str(video["storage_name"]),
                        layer_kind=str(doc["kind"]),
                        annotator=str(doc["annotator"]),
                        first=first,
                        stop=stop,
                        labels={k: v[first:stop] for k, v in tracks.items()},
                    )
                )
    return items


def _layer_aus(layer: Any) -> set[str]:
    aus = {e.au for e in layer.events}
    for segment in layer.segments:
        aus.update(segment.aus)
    aus.update(t for t in layer.traces if t not in DIMENSIONS)
    return aus


def labelled(item: FaceItem) -> int:
    return item.stop - item.first


def snapshot_hash(items: Sequence[FaceItem]) -> str:
    digest = hashlib.sha256(PIPELINE_VERSION.encode())
    for item in sorted(items, key=lambda i: i.id):
        digest.update(f"{item.id}@{item.version};".encode())
    return digest.hexdigest()


def counts(items: Sequence[FaceItem]) -> dict[str, int]:
    return {
        "videos": len({i.video_id for i in items}),
        "layers": len({(i.video_id, i.annotator, i.layer_kind) for i in items}),
        "seconds": len(items),
        "frames": sum(labelled(i) for i in items),
    }


_features: OrderedDict[str, SubjectTrack | None] = OrderedDict()
_features_lock = Lock()


def video_features(storage_name: str, crops: bool = False) -> SubjectTrack | None:
    """The main subject's per-frame features of a stored video (the subject seen most), with
    its aligned crops when ``crops``."""
    from annotations.affect_api.services import videos

    key = f"{storage_name}:{PIPELINE_VERSION}:{'crops' if crops else 'features'}"
    with _features_lock:
        if key in _features:
            _features.move_to_end(key)
            return _features[key]
    with videos.local_path(storage_name) as path:
        # The pipeline (OpenCV, MediaPipe, PyAV) is imported by the work that runs it, not by
        # every process that imports the task's registration.
        from mlworkers.face.pipeline import PipelineOptions, collect, run_video

        tracks = collect(run_video(path, PipelineOptions()), crops=crops)
    subject = max(tracks.values(), key=lambda t: (len(t.frames), -t.subject), default=None)
    with _features_lock:
        _features[key] = subject
        while len(_features) > _CACHE_VIDEOS:
            _features.popitem(last=False)
    return subject


def _chosen(items: Sequence[FaceItem], source: str, videos: list[str] | None) -> list[FaceItem]:
    def wanted(item: FaceItem) -> bool:
        if videos and item.video_id not in videos:
            return False
        if source == "gold":
            return item.layer_kind == "gold"
        if source == "all":
            return item.layer_kind == "coder"
        return item.layer_kind == "coder" and item.annotator == source

    return [i for i in items if wanted(i)]


def training_set(
    items: Sequence[FaceItem], aus: list[str] | None = None, crops: bool = False
) -> face_models.TrainingSet:
    """Features (and with ``crops`` the aligned faces) and labels of the frames of ``items``
    that have a face."""
    au_list = (
        aus
        if aus is not None
        else sorted({k for i in items for k in i.labels if k not in (EMOTION_TRACK, *DIMENSIONS)})
    )
    features: list[npt.NDArray[np.float32]] = []
    faces: list[npt.NDArray[np.uint8]] = []
    labels: dict[str, list[npt.NDArray[np.float64]]] = {
        k: [] for k in (*au_list, EMOTION_TRACK, *DIMENSIONS)
    }
    for item in items:
        subject = video_features(item.storage_name, crops)
        if subject is None:
            continue
        rows = np.flatnonzero((subject.frames >= item.first) & (subject.frames < item.stop))
        if not len(rows):
            continue
        offsets = subject.frames[rows] - item.first
        features.append(subject.features[rows])
        if crops and subject.crops is not None:
            faces.append(subject.crops[rows])
        for name in labels:
            # An AU this layer never names is absent (0) on its frames, as segment coding means.
            values = item.labels.get(name)
            if values is None:
                values = np.zeros(item.stop - item.first)
            labels[name].append(values[offsets])
    if not features:
        raise ValueError("no face was found on the frames of the chosen layers")
    return face_models.TrainingSet(
        np.concatenate(features),
        {au: np.concatenate(labels[au]) for au in au_list},
        np.concatenate(labels[EMOTION_TRACK]),
        np.concatenate(labels["valence"]),
        np.concatenate(labels["arousal"]),
        np.concatenate(faces) if crops else None,
    )


def train(kind: str, items: Sequence[FaceItem], params: Mapping[str, Any], **kw: Any) -> Any:
    from annotations.affect_api.services.schema import project_schema

    progress = kw.get("progress")
    source = str(params.get("source", "all"))
    chosen = _chosen(items, source, params.get("videos"))
    if not chosen:
        raise ValueError(f"no {source!r} layer to learn from")
    if progress is not None:
        progress({"fraction": 0.05, "message": "reading faces"})
    data = training_set(chosen, crops=kind == "transformer")
    project = Project.objects.get(pk=chosen[0].project_id)
    categories = list(project_schema(project).emotions.categories)
    meta = {"source": source, "videos": sorted({i.video_id for i in chosen})}
    if kind == "transformer":
        return _train_transformer(data, categories, params, meta, **kw)
    if progress is not None:
        progress({"fraction": 0.9, "message": "fitting the models"})
    return FaceTaskModel(face_models.train(data, categories, meta=meta))


def _train_transformer(
    data: face_models.TrainingSet,
    categories: list[str],
    params: Mapping[str, Any],
    meta: dict[str, Any],
    **kw: Any,
) -> FaceTransformerTaskModel:
    from fieldmark.jobs.services import JobCancelled
    from mlworkers.face.transformer import build_backend

    progress = kw.get("progress")
    should_stop = kw.get("should_stop")
    device = str(kw.get("device") or "cpu")
    epochs = int(params.get("epochs", 3))
    if data.crops is None:
        raise ValueError("no aligned faces to learn from")
    backend = build_backend(params, sorted(data.aus), categories, device)

    def on_epoch(epoch: int, loss: float) -> None:
        if progress is not None:
            progress(
                {"fraction": 0.1 + 0.85 * epoch / epochs, "message": f"epoch {epoch}", "loss": loss}
            )
        if should_stop is not None and should_stop():
            raise JobCancelled()

    backend.fit(
        data.crops,
        data,
        epochs=epochs,
        batch=int(params.get("batch", 32)),
        lr=float(params.get("lr", 1e-4)),
        on_epoch=on_epoch,
    )
    return FaceTransformerTaskModel(
        backend, {**meta, "pipeline": PIPELINE_VERSION, "retries": list(backend.retries)}
    )


def _model_meta(model: Any) -> dict[str, Any]:
    if isinstance(model, FaceTaskModel):
        return model.models.meta
    return dict(model.meta)


def evaluate(model: Any, items: Sequence[FaceItem]) -> dict[str, Any]:
    """Frame-level scores on the held-out seconds of the model's own source."""
    meta = _model_meta(model)
    chosen = _chosen(items, str(meta.get("source", "all")), meta.get("videos"))
    if not chosen:
        return {"au_f1_mean": 0.0, "frames": 0}
    predictor: face_models.Predictor = model.predictor
    data = training_set(chosen, predictor.aus, crops=model.kind == "transformer")
    scores = face_models.evaluate(predictor, data)
    f1 = scores.au_f1
    return {
        "au_f1_mean": round(float(np.mean(list(f1.values()))), 4) if f1 else 0.0,
        "au_f1": {k: round(v, 4) for k, v in f1.items()},
        "au_prevalence": {k: round(v, 4) for k, v in scores.au_prevalence.items()},
        "emotion_accuracy": scores.emotion_accuracy,
        "emotion_chance": scores.emotion_chance,
        "valence_mae": scores.valence_mae,
        "arousal_mae": scores.arousal_mae,
        "frames": len(data.features),
    }


def load(directory: Path) -> FaceTaskModel | FaceTransformerTaskModel:
    if (directory / TRANSFORMER_DIR).is_dir():
        return FaceTransformerTaskModel.load(directory)
    return FaceTaskModel.load(directory)


def register() -> None:
    register_task(
        TaskHandler(
            name=TASK,
            kinds=lambda: KINDS,
            check_params=check_params,
            load_items=load_items,
            labelled=labelled,
            snapshot_hash=snapshot_hash,
            counts=counts,
            train=train,
            evaluate=evaluate,
            load=load,
            gpu_kinds=GPU_KINDS,
            primary_metric="au_f1_mean",
        )
    )

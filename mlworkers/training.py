"""Training runs: validate a request, start an ``ml.train`` job, and (in the worker) load the
snapshot, split it by seed, train with progress and cancellation, score on the held-out split,
store the artifact and only then register the version."""

from __future__ import annotations

import hashlib
import logging
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from fieldmark.api.errors import DomainError
from fieldmark.jobs import services as jobs
from fieldmark.jobs.models import Job
from fieldmark.jobs.registry import Progress
from fieldmark.projects.models import Project
from mlworkers import artifacts, registry
from mlworkers.device import best_device
from mlworkers.models import ModelVersion, RunState, Schedule, Source, TrainingRun
from mlworkers.tasks_registry import TaskHandler, checked_params, get_task

logger = logging.getLogger(__name__)

MIN_UTTERANCES: int = getattr(settings, "FIELDMARK_ML_MIN_UTTERANCES", 5)
CURVE_SIZES = (0.25, 0.5, 0.75, 1.0)
HISTORY_EVERY = 1.0  # seconds between writes of the loss history to the run row


def split(items: Sequence[Any], seed: int, fraction: float) -> tuple[list[Any], list[Any]]:
    """(train, held-out): an item is held out when its seeded hash ranks in the lowest
    ``fraction``. The rank of an id never depends on the other items, so as the corpus grows a
    held-out utterance stays held out, and two models are compared on the same split."""

    def rank(item: Any) -> str:
        return hashlib.sha256(f"{seed}:{item.id}".encode()).hexdigest()

    ordered = sorted(items, key=rank)
    n_heldout = max(1, round(len(ordered) * fraction)) if fraction > 0 else 0
    heldout = {id(item) for item in ordered[:n_heldout]}
    return [i for i in items if id(i) not in heldout], [i for i in items if id(i) in heldout]


def _run_options(params: Mapping[str, Any]) -> tuple[dict[str, Any], int, float, bool | None]:
    model_params = dict(params)
    model_params.pop("encoder_version", None)
    # One seed for the held-out split and the model's own randomness (the core's default).
    seed = model_params.get("seed", 13)
    fraction = model_params.pop("heldout", 0.1)
    curve = model_params.pop("learning_curve", None)
    if not isinstance(seed, int) or isinstance(seed, bool) or not 0 <= seed < 2**31:
        raise DomainError("invalid_params", "seed must be an integer ≥ 0.", field="params.seed")
    if not isinstance(fraction, int | float) or not 0.05 <= float(fraction) <= 0.5:
        raise DomainError(
            "invalid_params", "heldout must be between 0.05 and 0.5.", field="params.heldout"
        )
    return model_params, seed, float(fraction), None if curve is None else bool(curve)


def labelled_items(handler: TaskHandler, project: Project) -> list[Any]:
    return [item for item in handler.load_items(project) if handler.labelled(item)]


def count_labelled(handler: TaskHandler, project: Project, enough: int) -> int:
    """How many items carry labels, read as a stream in the store's own order and only until
    ``enough`` are found: the request only needs to know there are enough. (Reading all 9,774
    utterances of the Uspanteko train file in text order here kept the Train button waiting for
    seconds on the embedded store: its first sorted batch alone took 3-5 s.) The job reads
    them all."""
    found = 0
    for item in (handler.scan_items or handler.load_items)(project):
        if handler.labelled(item):
            found += 1
            if found >= enough:
                break
    return found


def start_training(
    user: User | None,
    project: Project,
    task: str,
    kind: str,
    params: Mapping[str, Any] | None = None,
    *,
    schedule: Schedule | None = None,
    activate: bool = False,
) -> TrainingRun:
    """Check the request (task, kind, parameters, enough labelled data), then queue the run."""
    handler = get_task(task)
    model_params, seed, fraction, _curve = _run_options(params or {})
    checked = checked_params(handler, kind, model_params)
    labelled = count_labelled(handler, project, MIN_UTTERANCES)
    if labelled < MIN_UTTERANCES:
        raise DomainError(
            "too_few_labelled",
            f"Training a {task} model needs at least {MIN_UTTERANCES} utterances with {task} "
            f"labels; the project has {labelled}.",
            field="task",
        )
    options = {**(params or {}), **checked}
    if "encoder_version" in (params or {}):
        _encoder_version(project, (params or {})["encoder_version"])
    elif checked.get("encoder"):
        _encoder_folder(str(checked["encoder"]))
    # GPU kinds go to the gpu queue only where a CUDA worker consumes it; else the CPU one.
    gpu = kind in handler.gpu_kinds and settings.FIELDMARK_GPU_QUEUE
    queue = "gpu" if gpu else "train"
    with transaction.atomic():
        run = TrainingRun.objects.create(
            project=project,
            task=task,
            kind=kind,
            params=options,
            seed=seed,
            heldout_fraction=fraction,
            created_by=user,
            schedule=schedule,
        )
        job = jobs.start_job(
            user, project, "ml.train", {"run": run.pk, "activate": activate}, queue=queue
        )
        run.job = job
        run.save(update_fields=["job"])
    return run


def _encoder_version(project: Project, value: Any) -> ModelVersion:
    """A transformer version of this project (imported or trained) to fine-tune from."""
    version = None
    if isinstance(value, int) and not isinstance(value, bool):
        version = (
            ModelVersion.objects.filter(project=project, pk=value, kind="transformer")
            .exclude(source=Source.EXTERNAL)
            .first()
        )
    if version is None:
        raise DomainError(
            "invalid_params",
            "encoder_version must be the id of a transformer version of this project.",
            field="params.encoder_version",
        )
    return version


def _encoder_folder(path: str) -> Path:
    """A named encoder folder, which must lie under FIELDMARK_ENCODER_DIR: a manager names a
    model on the server, not any folder of it."""
    root = Path(settings.FIELDMARK_ENCODER_DIR).resolve()
    folder = (root / path).resolve()
    if not folder.is_relative_to(root) or not (folder / "config.json").is_file():
        raise DomainError(
            "invalid_params",
            f"encoder must name a model folder under {root} (or use encoder_version).",
            field="params.encoder",
        )
    return folder


def _resolve_encoder(run: TrainingRun, model_params: dict[str, Any]) -> None:
    from mlworkers import serving

    if "encoder_version" in run.params:
        version = _encoder_version(run.project, run.params["encoder_version"])
        folder = serving.version_folder(version)
        manifest = folder / "manifest.json"
        inner = "hf"
        if manifest.is_file():
            import json

            inner = str(
                json.loads(manifest.read_text(encoding="utf-8")).get("files", {}).get("model", "hf")
            )
        model_params["encoder"] = str(folder / inner)
    elif model_params.get("encoder"):
        model_params["encoder"] = str(_encoder_folder(str(model_params["encoder"])))


class _Recorder:
    """Turns the trainer's progress into job progress and a loss history on the run."""

    def __init__(self, run: TrainingRun, progress: Progress, start: float, span: float) -> None:
        self.run, self.progress, self.start, self.span = run, progress, start, span
        self._written = 0.0

    def __call__(self, update: Mapping[str, Any]) -> None:
        fraction = float(update.get("fraction", 0.0))
        loss = update.get("loss")
        message = str(update.get("message", ""))
        if loss is not None:
            message = f"{message} · loss {float(loss):.4f}".strip(" ·")
        self.run.history.append(
            {
                "step": int(update.get("step", 0)),
                "epoch": int(update.get("epoch", 0)),
                "fraction": fraction,
                "loss": None if loss is None else float(loss),
                "message": str(update.get("message", "")),
                "t": round(time.monotonic(), 3),
            }
        )
        self.progress(self.start + self.span * fraction, message)
        now = time.monotonic()
        if now - self._written >= HISTORY_EVERY:
            self._written = now
            TrainingRun.objects.filter(pk=self.run.pk).update(history=self.run.history)


def _log(run: TrainingRun, line: str) -> None:
    run.log += f"{timezone.now():%H:%M:%S} {line}\n"
    TrainingRun.objects.filter(pk=run.pk).update(log=run.log)


def run_training(job: Job, progress: Progress) -> dict[str, Any]:
    """The ``ml.train`` job: idempotent (a redelivered job whose run already registered a version
    returns it), cancellable between steps, registering only a complete artifact."""
    run = TrainingRun.objects.select_related("project", "schedule").get(pk=job.params["run"])
    done = ModelVersion.objects.filter(run=run).first()
    if done is not None:
        return {"run": run.pk, "version": done.pk, "number": done.number}
    handler = get_task(run.task)
    model_params, seed, fraction, curve = _run_options(run.params)
    device = best_device() if run.kind in handler.gpu_kinds else "cpu"
    _resolve_encoder(run, model_params)
    # Four more trainings are cheap for memory and CRF models, not for transformers.
    if curve is None:
        curve = run.kind not in handler.gpu_kinds
    started = time.monotonic()
    durations: dict[str, float] = {}
    run.state, run.started_at, run.device, run.history, run.log = (
        RunState.RUNNING,
        timezone.now(),
        device,
        [],
        "",
    )
    run.save(update_fields=["state", "started_at", "device", "history", "log"])

    def should_stop() -> bool:
        return jobs.cancel_requested(job)

    try:
        progress(0.01, "reading the corpus")
        items = labelled_items(handler, run.project)
        train_items, heldout = split(items, seed, fraction)
        run.data_hash = handler.snapshot_hash(items)
        run.counts = {**handler.counts(items), "train": len(train_items), "heldout": len(heldout)}
        run.utterances = [[item.id, item.version] for item in items]
        run.heldout = [item.id for item in heldout]
        run.save(update_fields=["data_hash", "counts", "utterances", "heldout"])
        durations["load"] = round(time.monotonic() - started, 3)
        _log(run, f"{len(train_items)} training and {len(heldout)} held-out utterances on {device}")

        t0 = time.monotonic()
        model = handler.train(
            run.kind,
            train_items,
            model_params,
            progress=_Recorder(run, progress, 0.02, 0.78),
            should_stop=should_stop,
            device=device,
        )
        durations["train"] = round(time.monotonic() - t0, 3)
        TrainingRun.objects.filter(pk=run.pk).update(history=run.history)
        _log(run, f"trained in {durations['train']:.1f} s")
        if should_stop():
            raise jobs.JobCancelled()

        t0 = time.monotonic()
        progress(0.82, "scoring on the held-out split")
        metrics = handler.evaluate(model, heldout)
        durations["evaluate"] = round(time.monotonic() - t0, 3)
        run.metrics = metrics
        if curve and handler.learning_curve is not None:
            progress(0.86, "learning curve")
            t0 = time.monotonic()
            run.learning_curve = handler.learning_curve(
                run.kind, train_items, heldout, CURVE_SIZES, model_params
            )
            durations["learning_curve"] = round(time.monotonic() - t0, 3)
        run.save(update_fields=["metrics", "learning_curve"])
        if should_stop():
            raise jobs.JobCancelled()

        progress(0.95, "saving the model")
        t0 = time.monotonic()
        prefix = artifacts.new_prefix(run.project.pk, run.task)
        TrainingRun.objects.filter(pk=run.pk).update(artifact=prefix)
        with tempfile.TemporaryDirectory(prefix="fieldmark-model-") as tmp:
            model.save(Path(tmp))
            names = artifacts.store_folder(Path(tmp), prefix)
        durations["save"] = round(time.monotonic() - t0, 3)
        durations["total"] = round(time.monotonic() - started, 3)
        version = _register(job, run, prefix, names, metrics, durations)
    except jobs.JobCancelled:
        _finish(run, RunState.CANCELLED, durations, started, "cancelled on request")
        raise
    except Exception as exc:
        _finish(run, RunState.FAILED, durations, started, f"{type(exc).__name__}: {exc}")
        raise
    activated = _maybe_activate(job, run, version)
    _log(run, f"registered version {version.number}" + (" (activated)" if activated else ""))
    return {
        "run": run.pk,
        "version": version.pk,
        "number": version.number,
        "activated": activated,
        "metrics": _headline(metrics),
    }


def _register(
    job: Job,
    run: TrainingRun,
    prefix: str,
    names: list[str],
    metrics: dict[str, Any],
    durations: dict[str, float],
) -> ModelVersion:
    """One transaction: the version row and the run's success; nothing if the job was failed
    meanwhile (the stale sweep) or cancelled, and then the stored files go too."""
    try:
        with transaction.atomic():
            if jobs.cancel_requested(job):
                raise jobs.JobCancelled()
            version = registry.register(
                run.project,
                run.task,
                run.kind,
                source=Source.TRAINED,
                artifact=prefix,
                summary={"files": names, "format": "core"},
                metrics=metrics,
                run=run,
                data_hash=run.data_hash,
                user=run.created_by,
            )
            run.state, run.finished_at, run.durations = (
                RunState.SUCCEEDED,
                timezone.now(),
                durations,
            )
            run.save(update_fields=["state", "finished_at", "durations"])
    except BaseException:
        artifacts.delete_folder(prefix, names)
        raise
    return version


def _finish(
    run: TrainingRun, state: str, durations: dict[str, float], started: float, why: str
) -> None:
    durations["total"] = round(time.monotonic() - started, 3)
    run.log += f"{timezone.now():%H:%M:%S} {why}\n"
    TrainingRun.objects.filter(pk=run.pk).update(
        state=state,
        finished_at=timezone.now(),
        durations=durations,
        error=why[:2000],
        log=run.log,
        history=run.history,
    )


def _headline(metrics: Mapping[str, Any]) -> dict[str, Any]:
    return {
        k: metrics[k] for k in ("word_accuracy", "morpheme_accuracy", "macro_f1") if k in metrics
    }


def _maybe_activate(job: Job, run: TrainingRun, version: ModelVersion) -> bool:
    """Activate when asked (``activate``) or when a schedule with auto-activation produced it
    and it beats the active version on this run's held-out split."""
    if job.params.get("activate"):
        registry.activate(run.project, version)
        return True
    schedule = run.schedule
    if schedule is None or not schedule.auto_activate:
        return False
    active = registry.active_version(run.project, run.task)
    if active is None:
        registry.activate(run.project, version)
        return True
    handler = get_task(run.task)
    metric = handler.primary_metric
    new_score = float((version.metrics or {}).get(metric, 0.0))
    old_score = score_on_heldout(run, active, metric)
    _log(run, f"{metric}: new {new_score:.4f}, active v{active.number} {old_score:.4f}")
    if new_score > old_score:
        registry.activate(run.project, version)
        return True
    return False


def score_on_heldout(run: TrainingRun, version: ModelVersion, metric: str) -> float:
    """``version``'s ``metric`` on ``run``'s held-out utterances (as they were read now)."""
    from mlworkers import serving

    handler = get_task(run.task)
    wanted = set(run.heldout)
    gold = [item for item in handler.load_items(run.project) if item.id in wanted]
    model = serving.load_version(version)
    return float(handler.evaluate(model, gold).get(metric, 0.0))


def clean_up_run(job: Job) -> None:
    """The ``ml.train`` cleanup (a failed job, or one whose worker died): an unregistered run's
    half-copied artifact goes, and the run is marked failed. Safe to call twice."""
    run = TrainingRun.objects.filter(job=job).first()
    if run is None or ModelVersion.objects.filter(run=run).exists():
        return
    if run.artifact:
        artifacts.delete_prefix(run.artifact)
    TrainingRun.objects.filter(pk=run.pk, state__in=(RunState.QUEUED, RunState.RUNNING)).update(
        state=RunState.FAILED,
        finished_at=timezone.now(),
        error="The worker stopped before the model was registered.",
    )


def runs(project: Project, task: str | None = None) -> Any:
    qs = TrainingRun.objects.filter(project=project).select_related("job", "created_by")
    return qs.filter(task=task) if task else qs


def get_run(project: Project, run_id: int) -> TrainingRun:
    run: TrainingRun | None = runs(project).filter(pk=run_id).first()
    if run is None:
        raise DomainError("not_found", "No training run with that id.", status_code=404)
    return run


def cancel_run(project: Project, run: TrainingRun) -> TrainingRun:
    if run.job is None:
        raise DomainError("not_cancellable", "The run has no job.", status_code=409)
    jobs.cancel(run.job)
    run.refresh_from_db()
    if run.job.state == "cancelled" and run.state == RunState.QUEUED:
        TrainingRun.objects.filter(pk=run.pk).update(state=RunState.CANCELLED)
        run.refresh_from_db()
    return run

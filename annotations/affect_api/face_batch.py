"""Coding several videos in one job: each video coded as :func:`face_coding.code_video` codes
one, its report added to the job's result as soon as it is done, and a video that fails is
reported and passed over, so one broken file never costs the others."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from django.contrib.auth.models import User

from annotations.affect_api.services import face_coding
from annotations.affect_api.services.videos import list_videos
from fieldmark.api.errors import DomainError
from fieldmark.jobs.models import Job
from fieldmark.jobs.services import start_job
from fieldmark.projects.models import Project

BATCH_JOB: Final = "affect.face_code_batch"
MAX_VIDEOS: Final = 50


def start_batch(
    user: User, project: Project, videos: list[str], model: str | None, stride: int
) -> Job:
    """Check every video and the model before queueing: a 400 names the first unknown video."""
    if not videos:
        raise DomainError("invalid", "Name at least one video.", field="videos")
    if len(videos) > MAX_VIDEOS:
        raise DomainError("invalid", f"At most {MAX_VIDEOS} videos in one batch.", field="videos")
    if len(set(videos)) != len(videos):
        raise DomainError("invalid", "A video is named twice.", field="videos")
    known = {str(v["_id"]) for v in list_videos(project)}
    for video_id in videos:
        if video_id not in known:
            raise DomainError("invalid", f"No video {video_id!r} in this project.", field="videos")
    face_coding.check_coding(project, model, stride)
    return start_job(
        user,
        project,
        BATCH_JOB,
        {"videos": list(videos), "model": model, "stride": stride},
        queue=face_coding.coding_queue(),
    )


def _summary(result: dict[str, Any]) -> dict[str, Any]:
    """What the batch reports of one video (the per-stage seconds stay out): ``coded``,
    ``no_faces`` or ``failed``, with the frames coded and the problems met."""
    keys = (
        "video",
        "frames_read",
        "frames_with_face",
        "frames_coded",
        "subjects",
        "layer",
        "model",
        "events",
        "segments",
        "problems",
    )
    if not result["frames_read"]:
        status = "failed"  # not one frame could be read: the problems say why
    elif not result["frames_with_face"]:
        status = "no_faces"
    else:
        status = "coded"
    return {"status": status, **{k: result[k] for k in keys if k in result}}


def code_videos(
    project: Project,
    videos: list[str],
    model_id: str | None,
    stride: int,
    by: User | None,
    progress: face_coding.Progress,
    on_video: Callable[[list[dict[str, Any]]], None] | None = None,
) -> dict[str, Any]:
    """Code ``videos`` one after another. ``on_video(results)`` gets the reports so far after
    each video (the job stores them, so a client sees each video's report while the rest run)."""
    results: list[dict[str, Any]] = []
    n = len(videos)
    for i, video_id in enumerate(videos):
        label = f"Video {i + 1} of {n}"

        def report(fraction: float, message: str, i: int = i, label: str = label) -> None:
            progress((i + fraction) / n, f"{label}: {message}")

        try:
            results.append(
                _summary(face_coding.code_video(project, video_id, model_id, stride, by, report))
            )
        except DomainError as exc:
            results.append({"video": video_id, "status": "failed", "problems": [exc.detail]})
        except Exception as exc:  # one video's failure must not cost the others
            results.append(
                {
                    "video": video_id,
                    "status": "failed",
                    "problems": [f"{type(exc).__name__}: {exc}"],
                }
            )
        if on_video is not None:
            on_video(results)
    progress(1.0, f"{n} videos done")
    return {
        "videos": results,
        "coded": sum(r["status"] == "coded" for r in results),
        "no_faces": sum(r["status"] == "no_faces" for r in results),
        "failed": sum(r["status"] == "failed" for r in results),
    }

"""Fixtures of the affect API tests: uploads land in a temporary MEDIA_ROOT."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from annotations.affect_api import documents, face_documents


@pytest.fixture
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def video(team: Any, mongo_db: Any) -> dict[str, Any]:
    """A described video of 1 s at 10 fps (no file: layer tests need only its metadata)."""
    return documents.videos.insert(
        team.project.pk,
        {
            "_id": "v1",
            "filename": "clip.mp4",
            "content_type": "video/mp4",
            "size": 0,
            "storage_name": "videos/none/source.mp4",
            "poster_name": "videos/none/poster.jpg",
            "duration_ms": 1000,
            "fps": "10/1",
            "frame_count": 10,
            "width": 64,
            "height": 48,
            "container": "mov,mp4,m4a,3gp,3g2,mj2",
            "brand": "isom",
            "video_codec": "h264",
            "pix_fmt": "yuv420p",
            "audio_codec": None,
            "needs_transcode": False,
        },
        "owner",
    )


def error(response: Any) -> dict[str, Any]:
    body = response.json()
    assert set(body) >= {"error", "detail", "fields"}
    return dict(body)


def mongo_state(db: Any) -> dict[str, list[Any]]:
    """Every document of the affect collections, to show a denied request changed nothing."""
    names = [
        "videos",
        "videos_history",
        "affect_layers",
        "affect_layers_history",
        documents.TRACE_BUCKETS,
        "affect_schemas",
        "affect_schemas_history",
        "affect_links",
        "affect_links_history",
        face_documents.FACE_TRACKS,
        face_documents.FACE_MODELS,
        face_documents.FACE_SUGGESTIONS,
    ]
    return {name: list(db[name].find({}, sort=[("_id", 1)])) for name in names}

"""The demo project's content: a real glossed text with a lexicon made from it, and a face video
with a coded layer, so that every page of a fresh `make run` has something to show (see NOTICE.md
for the sources and for how the codes were made)."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile

from fieldmark.projects.models import Project, Role

logger = logging.getLogger(__name__)

DATA = Path(__file__).resolve().parent
TEXT_FILE = DATA / "swadesh.flextext"
VIDEO_FILE = DATA / "expressions.mp4"
CODES_FILE = DATA / "expressions_codes.json"


def video_codes() -> dict[str, Any]:
    """The hand codes of the demo video: segments (emotion, valence/arousal, note) and AU events."""
    codes: dict[str, Any] = json.loads(CODES_FILE.read_text(encoding="utf-8"))
    return codes


def populate(user: User, project: Project) -> dict[str, int]:
    """Import the demo text, build its lexicon and link it, and add the demo video."""
    from annotations.affect_api.services import layers, videos
    from annotations.linguistic_api import services as linguistic

    counts = linguistic.import_file(
        project,
        lambda: TEXT_FILE.open("rb"),
        "flextext",
        TEXT_FILE.name,
        "demo-import",
        user.username,
    )
    entries = linguistic.create_entries_from_corpus(user, project)
    linguistic.link_glosses(user.username, project)
    video = SimpleUploadedFile(VIDEO_FILE.name, VIDEO_FILE.read_bytes(), content_type="video/mp4")
    doc = videos.upload_video(user, project, video)
    codes = video_codes()
    layers.create_layer(
        user,
        Role.OWNER,
        project,
        str(doc["_id"]),
        {"segments": codes["segments"], "events": codes["events"]},
    )
    return {**counts, "entries": entries, "videos": 1, "layers": 1}

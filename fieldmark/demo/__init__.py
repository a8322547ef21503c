"""The demo project's content: a real glossed text with a lexicon made from it, and a face video,
so that every page of a fresh `make run` has something to show (see NOTICE.md for the sources)."""

from __future__ import annotations

import logging
from pathlib import Path

from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile

from fieldmark.projects.models import Project

logger = logging.getLogger(__name__)

DATA = Path(__file__).resolve().parent
TEXT_FILE = DATA / "swadesh.flextext"
VIDEO_FILE = DATA / "expressions.mp4"


def populate(user: User, project: Project) -> dict[str, int]:
    """Import the demo text, build its lexicon and link it, and add the demo video."""
    from annotations.affect_api import services as affect
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
    video = SimpleUploadedFile(
        VIDEO_FILE.name, VIDEO_FILE.read_bytes(), content_type="video/mp4"
    )
    affect.upload_video(user, project, video)
    return {**counts, "entries": entries, "videos": 1}

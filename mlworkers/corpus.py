"""Bringing a corpus file into a project from the command line (and the tests): SIGMORPHON
glossing files through the core's reader, other formats through the platform's own import."""

from __future__ import annotations

import io
import json
import uuid
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User

from annotations.linguistic.model import Morpheme, Text, Utterance, Word
from annotations.linguistic_api import services as linguistic
from fieldmark.api.errors import DomainError
from fieldmark.projects.models import Project


def sigmorphon_text(
    utterances: Sequence[Any],
    *,
    text_id: str,
    title: str,
    lang: str = "en",
    blank: Iterable[str] = (),
) -> Text:
    """Core utterances (``read_sigmorphon``) as a Fieldmark text; the labels of the tasks in
    ``blank`` are left out (a "new" text to pre-annotate)."""
    drop = set(blank)
    out = []
    for order, u in enumerate(utterances):
        words = []
        for w in u.words:
            morphemes = [
                Morpheme(
                    form=m.form,
                    gloss="" if "gloss" in drop else m.gloss,
                    pos="" if "pos" in drop else m.pos,
                    boundary=m.boundary if i else "",
                )
                for i, m in enumerate(w.morphemes)
            ]
            if "segment" in drop:
                morphemes = []  # the words left uncut, with no glosses: track 1's input
            words.append(
                Word(
                    form=w.form,
                    gloss="" if drop & {"gloss", "segment"} else w.gloss,
                    pos="" if "pos" in drop else w.pos,
                    morphemes=morphemes,
                )
            )
        out.append(
            Utterance(
                id=f"{text_id}-{order + 1}",
                order=order,
                transcription=" ".join(w.form for w in u.words),
                translations={lang: u.translation} if u.translation else {},
                words=words,
            )
        )
    return Text(id=text_id, title=title, utterances=out)


def import_corpus(
    user: User,
    project: Project,
    path: Path,
    fmt: str = "sigmorphon",
    *,
    title: str = "",
    limit: int = 0,
    lang: str = "en",
    blank: Iterable[str] = (),
) -> dict[str, Any]:
    """Import ``path`` all or nothing; returns the counts and the new texts' ids."""
    from annotations.linguistic_api import documents

    if not path.is_file():
        raise DomainError("invalid", f"No file {path}.", field="file")
    before = set(documents.texts.collection.distinct("_id", {"project": project.pk}))
    job_id = f"cli-{uuid.uuid4().hex}"
    if fmt == "sigmorphon":
        from mlworkers.core import data

        utterances = data.read_sigmorphon(path)
        if limit:
            utterances = utterances[:limit]
        text = sigmorphon_text(
            utterances, text_id=path.stem, title=title or path.name, lang=lang, blank=blank
        )
        raw = (json.dumps(text.to_doc(), ensure_ascii=False) + "\n").encode()
        counts = linguistic.import_file(
            project, lambda: io.BytesIO(raw), "json", path.name, job_id, user.username
        )
    elif fmt in linguistic.IMPORT_FORMATS and fmt != "eaf":
        counts = linguistic.import_file(
            project, lambda: path.open("rb"), fmt, path.name, job_id, user.username
        )
    else:
        raise DomainError(
            "invalid",
            f"Unknown format {fmt!r}: sigmorphon, toolbox, flextext, csv or json.",
            field="format",
        )
    after = documents.texts.collection.distinct("_id", {"project": project.pk})
    return {**counts, "texts": sorted(set(after) - before)}

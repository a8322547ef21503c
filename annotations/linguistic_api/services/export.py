"""Exports streamed from cursors, export jobs, and the files finished jobs made."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from itertools import islice

from django.contrib.auth.models import User
from pymongo import ASCENDING

from annotations.linguistic.formats import csv as csv_format
from annotations.linguistic.formats import eaf, flextext, lift, toolbox
from annotations.linguistic.model import LexicalEntry, Text, Utterance
from annotations.linguistic_api import documents, exports
from annotations.linguistic_api.services.common import BATCH, TEXT_FIELDS
from annotations.linguistic_api.services.imports import IMPORT_FORMATS, _tier_mapping
from fieldmark.api.errors import DomainError
from fieldmark.jobs.models import Job
from fieldmark.jobs.services import start_job
from fieldmark.projects.models import Project
from fieldmark.storage.versioned import Doc

# Every import format exports (one enum in the schema, so the same order).
EXPORT_FORMATS = IMPORT_FORMATS
# Formats that hold the lexicon, not the corpus.
LEXICON_FORMATS = ("lift", "mdf")


def _text_heads(
    project: Project, text_id: str | None = None
) -> Iterator[tuple[Text, str, int | None]]:
    """(head, stored id, utterance count) of each text (or of ``text_id``), in creation
    order."""
    query = {"_id": text_id} if text_id is not None else {}
    for text_doc in documents.texts.find(
        project.pk, query, sort=[("created_at", ASCENDING), ("_id", ASCENDING)], batch_size=50
    ):
        meta = {key: text_doc[key] for key in TEXT_FIELDS if key in text_doc}
        count = text_doc.get("utterance_count")
        yield (
            Text.from_doc({**meta, "id": text_doc.get("source_id") or text_doc["_id"]}),
            str(text_doc["_id"]),
            int(count) if isinstance(count, int) else None,
        )


def _utterances_of(project: Project, text_id: str, count: int | None) -> Iterator[Utterance]:
    docs = exports.utterance_docs(project.pk, text_id, expected=count)
    return (Utterance.from_doc(doc) for doc in docs)


def _texts_streamed(
    project: Project, only: str | None = None
) -> Iterator[tuple[Text, Iterator[Utterance]]]:
    """Each text's head with its utterances read lazily from a cursor, for the writers that
    take them so (one utterance at a time is in memory)."""
    for text, text_id, count in _text_heads(project, only):
        yield text, _utterances_of(project, text_id, count)


def _text_chunks(project: Project, only: str | None = None) -> Iterator[Text]:
    """Texts in pieces of at most ``BATCH`` utterances, for row formats: memory stays flat."""
    for head, text_id, count in _text_heads(project, only):
        utterances = _utterances_of(project, text_id, count)
        while chunk := list(islice(utterances, BATCH)):
            yield Text(id=head.id, utterances=chunk)


def _entries_stream(project: Project) -> Iterator[LexicalEntry]:
    cursor = documents.lexicon.find(project.pk, sort=[("created_at", ASCENDING)], batch_size=BATCH)
    for doc in cursor:
        yield LexicalEntry.from_doc(doc)


def _json_heads(project: Project, only: str | None = None) -> Iterator[tuple[Doc, str, int | None]]:
    for text, text_id, count in _text_heads(project, only):
        head = text.to_doc()
        del head["utterances"]
        yield head, text_id, count


EXPORT_TYPES = {
    "json": ("application/x-ndjson", "jsonl"),
    "csv": ("text/csv", "csv"),
    "toolbox": ("text/plain", "txt"),
    "flextext": ("application/xml", "flextext"),
    "lift": ("application/xml", "lift"),
    "mdf": ("text/plain", "mdf.txt"),
    "eaf": ("application/xml", "eaf"),
}


def export_text(project: Project, fmt: str, text: str | None) -> str | None:
    """The stored id of the one text an export is limited to, checked before anything is
    written (an error once a download has begun could not be a 4xx): an EAF document holds
    one text, so ``eaf`` needs one named unless the project has only one; a lexicon format
    has no texts to name."""
    if fmt in LEXICON_FORMATS:
        if text:
            raise DomainError(
                "invalid", f"A {fmt} export holds the lexicon, no text.", field="text"
            )
        return None
    if text:
        if documents.texts.collection.count_documents({"project": project.pk, "_id": text}) != 1:
            raise DomainError("invalid", f"No text with id {text} in this project.", field="text")
        return text
    if fmt != "eaf":
        return None
    ids = [d["_id"] for d in documents.texts.find(project.pk, {}, projection={"_id": 1}, limit=2)]
    if len(ids) == 1:
        return str(ids[0])
    if not ids:
        raise DomainError("invalid", "The project has no text to export as EAF.", field="text")
    total = documents.texts.collection.count_documents({"project": project.pk})
    raise DomainError(
        "invalid",
        f"An EAF file holds one text and this project has {total}: name the text's id.",
        field="text",
    )


def _eaf_mapping(text: Text, utterances: list[Utterance]) -> eaf.TierMapping:
    """The tier mapping a text was imported from ELAN with (so it is written back into its
    document), else Fieldmark's own tier names."""
    meta = text.metadata.get("elan")
    groups = meta.get("groups") if isinstance(meta, dict) else None
    if groups:
        return _tier_mapping(groups[0])
    langs = sorted({lang for u in utterances for lang in u.translations})
    return eaf.TierMapping(
        utterance="utterance",
        words="words",
        morphemes="morphemes",
        gloss="gloss",
        pos="pos",
        translations={lang: f"translation-{lang}" for lang in langs},
        notes="notes",
    )


def _eaf_chunks(project: Project, text_id: str) -> Iterator[str]:
    # ELAN's time order spans the whole document: the text is read whole (one text).
    for head, stored, count in _text_heads(project, text_id):
        utterances = list(_utterances_of(project, stored, count))
        text = Text.from_doc({**head.to_doc(), "utterances": []})
        text.utterances = utterances
        yield from eaf.dumps(text, _eaf_mapping(text, utterances))


def export_chunks(project: Project, fmt: str, text: str | None = None) -> Iterator[str]:
    """The project's corpus (or, for ``lift`` and ``mdf``, its lexicon) as streamed chunks of
    ``fmt``: a chunk per utterance (or entry), read from cursors, so no text is ever whole in
    memory (but for ``eaf``, one text a file). ``text`` limits a corpus export to one text
    (:func:`export_text` checks it first)."""
    only = export_text(project, fmt, text)
    if fmt == "json":
        return exports.json_lines(project.pk, _json_heads(project, only))
    if fmt == "csv":
        langs = exports.translation_langs(project.pk)
        return csv_format.iter_morpheme_rows(_text_chunks(project, only), langs)
    if fmt == "toolbox":
        return toolbox.dumps_streamed(_texts_streamed(project, only))
    if fmt == "flextext":
        return flextext.dumps_streamed(_texts_streamed(project, only))
    if fmt == "eaf" and only is not None:
        return _eaf_chunks(project, only)
    if fmt == "lift":
        header = documents.read_lexicon_header(project.pk)
        return lift.dumps(_entries_stream(project), header=header)
    if fmt == "mdf":
        return toolbox.mdf.dumps(_entries_stream(project))
    raise DomainError("invalid", f"Unknown format {fmt!r}.", field="format")


def finished_file(project: Project, job_id: str, kind: str) -> Job:
    """A succeeded job of ``kind`` in ``project`` with a file; 404 until it has one."""
    key = _uuid_or_none(job_id)
    job = Job.objects.filter(project=project, kind=kind, id=key).first() if key else None
    if job is None or job.state != "succeeded" or not (job.result or {}).get("path"):
        raise DomainError("not_found", "No finished file for that job (yet).", status_code=404)
    return job


def _uuid_or_none(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def start_export(user: User, project: Project, fmt: str, text: str | None = None) -> Job:
    only = export_text(project, fmt, text)
    params = {"format": fmt} | ({"text": only} if only is not None else {})
    return start_job(user, project, "linguistic.export", params)

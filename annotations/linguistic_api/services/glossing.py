"""Bulk glossing writes: morphemes linked to entries, a gloss replaced, entries from the corpus."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import islice

from django.contrib.auth.models import User
from pymongo import ASCENDING

from annotations.linguistic import consistency
from annotations.linguistic.model import Text, Utterance
from annotations.linguistic_api import concordance, documents, pending
from annotations.linguistic_api.services.common import BATCH, _stored_entry
from annotations.linguistic_api.services.events import _bulk_event
from annotations.linguistic_api.services.gloss_checks import _located_texts
from annotations.linguistic_api.services.lexicon import _lexicon_entries
from fieldmark.jobs.models import Job
from fieldmark.jobs.services import start_job
from fieldmark.projects.models import Project
from fieldmark.storage.versioned import Doc, new_id


@dataclass(frozen=True)
class LinkResult:
    linked: int
    ambiguous: int
    unmatched: int
    utterances: int


def _utterance_batches(project: Project) -> Iterator[list[Doc]]:
    cursor = documents.utterances.find(
        project.pk,
        pending.committed(project.pk),
        sort=[("text", ASCENDING), ("order", ASCENDING)],
        batch_size=BATCH,
    )
    while batch := list(islice(cursor, BATCH)):
        yield batch


def _as_texts(batch: list[Doc]) -> list[Text]:
    """Utterance documents as texts whose utterance ids are the stored ``_id``s."""
    texts: dict[str, Text] = {}
    for doc in batch:
        text = texts.setdefault(doc["text"], Text(id=str(doc["text"])))
        text.utterances.append(Utterance.from_doc({**doc, "id": doc["_id"]}))
    return list(texts.values())


def start_link(user: User, project: Project, *, relink: bool = False) -> Job:
    """Start a ``linguistic.link`` job; its result is a :class:`LinkResult` as a dict."""
    return start_job(user, project, "linguistic.link", {"relink": relink})


def link_glosses(
    user: str,
    project: Project,
    *,
    relink: bool = False,
    progress: Callable[[float, str], None] | None = None,
) -> LinkResult:
    """Link morphemes to lexicon entries (``consistency.find_links``) and save the utterances
    that changed, a batch at a time in one bulk write each, each with a new version and history;
    ``progress`` hears after each batch."""
    entries = _lexicon_entries(project)
    total = documents.utterances.collection.count_documents(pending.visible(project.pk))
    linked = ambiguous = unmatched = written = done = 0
    touched: list[str] = []
    for batch in _utterance_batches(project):
        texts = _as_texts(batch)
        report = consistency.find_links(texts, entries, relink=relink)
        ambiguous += len(report.ambiguous)
        unmatched += len(report.unmatched)
        before = {(u.id): [w.to_doc() for w in u.words] for t in texts for u in t.utterances}
        linked += consistency.apply_links(texts, report.links)
        by_id = {doc["_id"]: doc for doc in batch}
        changes = {
            u.id: (by_id[u.id], {"words": words})
            for t in texts
            for u in t.utterances
            if (words := [w.to_doc() for w in u.words]) != before[u.id]
        }
        written += documents.bulk_update(documents.utterances, project.pk, changes, user)
        touched.extend(changes)
        done += len(batch)
        if progress is not None:
            progress(min(done / max(total, 1), 1.0), f"{done} of {total} utterances")
    result = LinkResult(linked, ambiguous, unmatched, written)
    if written:
        _bulk_event(project, "linguistic.glossing.linked", "utterance", touched,
                    {"utterances": written})  # fmt: skip
    return result


@dataclass(frozen=True)
class ReplaceResult:
    morphemes: int
    utterances: int
    skipped: int


def replace_glosses(
    user: User, project: Project, *, form: str | None, gloss: str | None, to: str
) -> ReplaceResult:
    """Bulk gloss edit: every morpheme whose form is ``form`` and/or whose gloss is ``gloss``
    gets the gloss ``to``. Candidates come from the concordance postings, so only utterances
    holding the form or gloss are read. Each utterance is written with its version check, a new
    version and a history entry; one changed meanwhile is skipped and counted."""
    field, value = ("form", form) if form is not None else ("gloss", gloss or "")
    candidates = concordance.lookup(project.pk, field, value, "exact").utterances
    morphemes = written = tried = 0
    texts: set[str] = set()
    touched: list[str] = []
    for start in range(0, len(candidates), BATCH):
        ids = candidates[start : start + BATCH]
        changes: dict[str, tuple[Doc, Doc]] = {}
        for doc in documents.utterances.find(project.pk, {"_id": {"$in": ids}}):
            words, n = _regloss(doc.get("words", []), form, gloss, to)
            if n:
                changes[doc["_id"]] = (doc, {"words": words})
                morphemes += n
                texts.add(doc["text"])
        tried += len(changes)
        written += documents.bulk_update(documents.utterances, project.pk, changes, user.username)
        touched.extend(changes)
    if written:
        _bulk_event(project, "linguistic.glossing.replaced", "utterance", touched,
                    {"utterances": written, "texts": sorted(texts)})  # fmt: skip
    return ReplaceResult(morphemes, written, tried - written)


def _regloss(
    words: list[Doc], form: str | None, gloss: str | None, to: str
) -> tuple[list[Doc], int]:
    changed = 0
    out = []
    for word in words:
        morphs = []
        for morph in word.get("morphemes", []):
            if (
                (form is None or morph.get("form") == form)
                and (gloss is None or morph.get("gloss", "") == gloss)
                and morph.get("gloss", "") != to
            ):
                morph = {**morph, "gloss": to}
                changed += 1
            morphs.append(morph)
        out.append({**word, "morphemes": morphs} if "morphemes" in word else word)
    return out, changed


def create_entries_from_corpus(user: User, project: Project, gloss_lang: str = "en") -> int:
    """Add an entry for every morpheme form the lexicon lacks; running it again adds none
    (forms already in the lexicon, and entry ids already stored, are skipped)."""
    existing = _lexicon_entries(project)
    vernacular = next(iter(project.object_languages or []), "und")
    proposed = consistency.entries_from_corpus(
        _located_texts(project), existing, vernacular=vernacular, gloss_lang=gloss_lang
    )
    known_ids = {entry.id for entry in existing}
    docs = [
        {**_stored_entry(entry), "_id": new_id()} for entry in proposed if entry.id not in known_ids
    ]
    created = documents.lexicon.insert_many(project.pk, docs, user.username)
    if created:
        _bulk_event(project, "linguistic.entries.created", "entry", [d["_id"] for d in docs],
                    {"entries": created})  # fmt: skip
    return created

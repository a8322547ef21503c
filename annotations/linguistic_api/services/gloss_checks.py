"""Glossing aids: Leipzig abbreviations, unknown grams, inconsistent glosses."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass

from pymongo import ASCENDING

from annotations.linguistic import consistency, leipzig
from annotations.linguistic.model import Text, Utterance
from annotations.linguistic_api import documents, pending
from annotations.linguistic_api.services.common import BATCH
from fieldmark.projects.models import Project


def leipzig_abbreviations() -> list[dict[str, str]]:
    return [{"gram": g, "meaning": m} for g, m in sorted(leipzig.LEIPZIG_ABBREVIATIONS.items())]


@dataclass(frozen=True)
class GlossWarning:
    utterance: str
    text: str
    order: int
    word: int
    morpheme: int | None
    gloss: str
    unknown: list[str]


def gloss_check(project: Project, allowed: Collection[str] = ()) -> Iterator[GlossWarning]:
    """Each morpheme (or unsegmented word) whose gloss uses grams outside Leipzig and
    ``allowed``, in text and utterance order."""
    cursor = documents.utterances.collection.find(
        pending.visible(project.pk),
        {"text": 1, "order": 1, "words": 1},
        sort=[("text", ASCENDING), ("order", ASCENDING)],
        batch_size=BATCH,
    )
    for doc in cursor:
        base = (doc["_id"], doc["text"], int(doc["order"]))
        for w, word in enumerate(doc.get("words", [])):
            glosses: list[tuple[int | None, str]] = [
                (m, str(x.get("gloss", ""))) for m, x in enumerate(word.get("morphemes", []))
            ]
            if not glosses and word.get("gloss"):
                glosses = [(None, str(word["gloss"]))]
            for m, gloss in glosses:
                unknown = _unknown(gloss, allowed)
                if unknown:
                    yield GlossWarning(*base, word=w, morpheme=m, gloss=gloss, unknown=unknown)


def _unknown(gloss: str, allowed: Collection[str]) -> list[str]:
    return [
        e.text
        for morph in leipzig.split_gloss(gloss, allowed).morphs
        for e in morph.elements
        if e.is_gram and e.meaning is None
    ]


def _located_texts(project: Project) -> Iterator[Text]:
    """Texts in pieces whose ids are the stored ``_id``s, so locations open in the UI."""
    cursor = documents.utterances.collection.find(
        pending.visible(project.pk),
        {"text": 1, "order": 1, "words": 1},
        sort=[("text", ASCENDING), ("order", ASCENDING)],
        batch_size=BATCH,
    )
    piece: list[Utterance] = []
    text_id = None
    for doc in cursor:
        if piece and (doc["text"] != text_id or len(piece) >= BATCH):
            yield Text(id=str(text_id), utterances=piece)
            piece = []
        text_id = doc["text"]
        piece.append(Utterance.from_doc({**doc, "id": doc["_id"]}))
    if piece:
        yield Text(id=str(text_id), utterances=piece)


def gloss_consistency(project: Project) -> list[consistency.InconsistentForm]:
    """Morpheme forms glossed in more than one way across the corpus, most frequent first."""
    return consistency.gloss_inconsistencies(_located_texts(project))

"""Concordance pages for the paginator, and rebuilding the postings."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Generic, TypeVar

from pymongo import ASCENDING

from annotations.linguistic_api import concordance, documents
from annotations.linguistic_api.services.common import BATCH, IMPORT_BATCH, Mode
from fieldmark.projects.models import Project
from fieldmark.storage.versioned import Doc


@dataclass(frozen=True)
class Hit:
    word: int
    morpheme: int | None
    value: str


@dataclass(frozen=True)
class UtteranceHits:
    """One utterance of a concordance page with every hit it holds."""

    utterance: Doc
    text_title: str
    hits: list[Hit]


class ConcordancePage:
    """The utterances that match a concordance query, for the paginator: counted exactly from the
    postings (:mod:`annotations.linguistic_api.concordance`); a page reads only its utterances.
    """

    def __init__(self, project: Project, field: str, q: str, mode: Mode, lang: str = "en") -> None:
        self.project, self.field, self.lang = project, field, lang
        self.matches = concordance.lookup(project.pk, field, q, mode, lang)

    @property
    def hits(self) -> int:
        return self.matches.hits

    def __len__(self) -> int:
        return len(self.matches.utterances)

    def __getitem__(self, index: slice) -> list[UtteranceHits]:
        ids = self.matches.utterances[index]
        if not ids:
            return []
        docs = {
            doc["_id"]: doc
            for doc in documents.utterances.collection.find(
                {"_id": {"$in": ids}, "project": self.project.pk},
                {"text": 1, "order": 1, "transcription": 1, "translations": 1, "words": 1},
            )
        }
        text_ids = list({doc["text"] for doc in docs.values()})
        titles = {
            doc["_id"]: str(doc.get("title", ""))
            for doc in documents.texts.collection.find(
                {"_id": {"$in": text_ids}, "project": self.project.pk}, {"title": 1}
            )
        }
        page = []
        for uid in ids:
            doc = docs.get(uid)
            if doc is None:  # deleted between the lookup and this read
                continue
            hits = concordance.hits_in(doc, self.field, self.matches.values, self.lang)
            page.append(
                UtteranceHits(doc, titles.get(doc["text"], ""), [Hit(w, m, v) for w, m, v in hits])
            )
        return page


def reindex_concordance(project: Project) -> int:
    """Rebuild the project's concordance postings; returns how many utterances were read."""
    seen = 0

    def batches() -> Iterator[list[Doc]]:
        nonlocal seen
        cursor = documents.utterances.collection.find(
            {"project": project.pk},
            {"text": 1, "order": 1, "words": 1, "translations": 1},
            sort=[("text", ASCENDING), ("order", ASCENDING)],
            batch_size=BATCH,
        )
        while batch := list(islice(cursor, IMPORT_BATCH)):
            seen += len(batch)
            yield batch

    concordance.rebuild(project.pk, batches())
    return seen


COUNT_LIMIT = 10_000
T = TypeVar("T")


class HitList(Generic[T]):
    """Concordance hits for the paginator, sliced by streaming the cursor.

    Counting stops at ``COUNT_LIMIT`` hits (``capped`` is then true), so a page of a query that
    matches most of a million-morpheme corpus costs a few thousand documents, not all of them.
    """

    def __init__(self, hits: Callable[[], Iterator[T]], limit: int | None = None) -> None:
        self._hits = hits
        self.limit = COUNT_LIMIT if limit is None else limit
        self.capped = False

    def __len__(self) -> int:
        counted = sum(1 for _ in islice(self._hits(), self.limit + 1))
        self.capped = counted > self.limit
        return min(counted, self.limit)

    def __getitem__(self, index: slice) -> list[T]:
        return list(islice(self._hits(), index.start, index.stop))

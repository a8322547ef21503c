"""The dictionary: search pages with corpus examples, search keys, the printed dictionary."""

from __future__ import annotations

import re

from django.contrib.auth.models import User
from pymongo import UpdateOne

from annotations.linguistic import search
from annotations.linguistic.model import LexicalEntry
from annotations.linguistic_api import concordance, documents
from annotations.linguistic_api.services.common import _stored_entry
from annotations.linguistic_api.services.lexicon import _lexicon_entries
from fieldmark.jobs.models import Job
from fieldmark.jobs.services import start_job
from fieldmark.projects.models import Project
from fieldmark.storage.versioned import Doc

EXAMPLES_PER_ENTRY = 3


class DictionaryPage:
    """Entries whose search keys start with ``q``, exact headwords first, then headword
    prefixes, then the rest, each alphabetical; only a page's full documents are read."""

    def __init__(self, project: Project, q: str) -> None:
        self.project = project
        self.q = search.fold(q)
        self._ranked: list[str] | None = None

    def _ids(self) -> list[str]:
        if self._ranked is None:
            query: Doc = {"search": {"$regex": "^" + re.escape(self.q)}} if self.q else {}
            keyed = [
                (search.rank((doc.get("search") or [""])[0], self.q),
                 (doc.get("search") or [""])[0], str(doc["_id"]))
                for doc in documents.lexicon.find(self.project.pk, query, projection={"search": 1})
            ]  # fmt: skip
            self._ranked = [doc_id for *_, doc_id in sorted(keyed)]
        return self._ranked

    def count(self) -> int:
        return len(self._ids())

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[Doc]:
        ids = self._ids()[index]
        docs = {d["_id"]: d for d in documents.lexicon.find(self.project.pk, {"_id": {"$in": ids}})}
        page = [docs[doc_id] for doc_id in ids if doc_id in docs]
        examples = corpus_examples(self.project, [str(d["id"]) for d in page])
        return [{**doc, "examples": examples.get(str(doc["id"]), [])} for doc in page]


def search_dictionary(project: Project, q: str) -> DictionaryPage:
    return DictionaryPage(project, q)


def backfill_search_keys(project_id: int | None = None) -> int:
    """Give ``search`` keys to lexicon entries written before they existed (not a new version:
    the keys are derived, not content). Returns how many entries were updated."""
    query: Doc = {"search": {"$exists": False}}
    if project_id is not None:
        query["project"] = project_id
    ops = [
        UpdateOne({"_id": doc["_id"]}, {"$set": {"search": _stored_entry(
            LexicalEntry.from_doc(doc))["search"]}})
        for doc in documents.lexicon.collection.find(query)
    ]  # fmt: skip
    if not ops:
        return 0
    return int(documents.lexicon.collection.bulk_write(ops, ordered=False).modified_count)


def corpus_examples(project: Project, entry_ids: list[str]) -> dict[str, list[Doc]]:
    """Up to ``EXAMPLES_PER_ENTRY`` utterances linked to each entry (morphemes whose ``lemma``
    is the entry), in reading order: one postings query and one read of the examples."""
    found: dict[str, list[Doc]] = {entry_id: [] for entry_id in entry_ids}
    if not entry_ids:
        return found
    chosen = concordance.first_utterances(project.pk, "lemma", entry_ids, EXAMPLES_PER_ENTRY)
    wanted = {uid for uids in chosen.values() for uid in uids}
    docs = {
        doc["_id"]: doc
        for doc in documents.utterances.collection.find(
            {"_id": {"$in": list(wanted)}, "project": project.pk},
            {"text": 1, "transcription": 1, "translations": 1},
        )
    }
    for entry_id, uids in chosen.items():
        found[entry_id] = [
            {
                "utterance": uid,
                "text": docs[uid]["text"],
                "transcription": docs[uid].get("transcription", ""),
                "translations": docs[uid].get("translations", {}),
            }
            for uid in uids
            if uid in docs
        ]
    return found


def start_dictionary_pdf(user: User, project: Project) -> Job:
    return start_job(user, project, "linguistic.dictionary_pdf", {})


def dictionary_entries(project: Project) -> list[LexicalEntry]:
    """Every entry, ordered by folded headword (the order of a printed dictionary)."""
    entries = _lexicon_entries(project)
    return sorted(entries, key=lambda e: (search.fold(e.headword), e.headword, e.id))

"""Mongo collections of the interlinear API and their indexes (``manage.py ensure_indexes``).

``texts`` hold a text's metadata; each utterance is its own versioned document in ``utterances``
(``text`` and ``order`` place it), so an edit conflicts only with edits of the same utterance.
Concordance postings live in :mod:`annotations.linguistic_api.concordance`; every write here
keeps them in step.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from pymongo import ASCENDING, DeleteOne, IndexModel, UpdateOne
from pymongo.collection import Collection
from pymongo.errors import BulkWriteError

from annotations.linguistic import provenance
from annotations.linguistic.lexicon_parts import LexiconHeader
from annotations.linguistic.model import LexicalEntry
from annotations.linguistic.search import search_keys
from annotations.linguistic_api import concordance
from fieldmark.storage import mongo
from fieldmark.storage.versioned import Doc, VersionedStore, notify_written

# A stale save is merged with what others saved since when they touched different fields, words
# or morphemes (positions; senses and other parts by their ``id``): see fieldmark.storage.merge.
texts = VersionedStore("texts", noun="text", merges=True)
utterances = VersionedStore(
    "utterances",
    noun="utterance",
    merges=True,
    carry=provenance.carry,
    uncarried=provenance.without,
)


def _with_search_keys(doc: Doc) -> Doc:
    return {**doc, "search": search_keys(LexicalEntry.from_doc(doc))}


lexicon = VersionedStore(
    "lexicon",
    noun="lexicon entry",
    merges=True,
    derived_fields=("search",),
    rederive=_with_search_keys,
)

# A lexicon's header (LIFT ranges and custom field definitions), one document per project.
LEXICON_HEADERS = "lexicon_headers"


def lexicon_headers() -> Collection[Doc]:
    return mongo.collection(LEXICON_HEADERS)


def read_lexicon_header(project_id: int) -> LexiconHeader | None:
    doc = lexicon_headers().find_one({"_id": project_id})
    return LexiconHeader.from_doc(doc) if doc is not None else None


def add_lexicon_header(project_id: int, header: LexiconHeader) -> LexiconHeader:
    """Store what ``header`` adds to the project's lexicon header (a second LIFT import adds
    its ranges and field definitions to the first's)."""
    known = read_lexicon_header(project_id)
    merged = known.merged(header) if known is not None else header
    lexicon_headers().replace_one(
        {"_id": project_id}, {**merged.to_doc(), "project": project_id}, upsert=True
    )
    return merged


# The concordance is served by its own postings (``concordance``), not by multikey indexes here:
# five of them made every insert several times slower and a common gloss read the whole corpus.
# An import that did not commit is removed by its texts (``staging``), so ``import_job`` needs
# no index: one less index entry for every utterance written.
mongo.register_indexes(
    "utterances",
    [IndexModel([("project", ASCENDING), ("text", ASCENDING), ("order", ASCENDING)])],
)
# Registered (by its ``project`` field) so a deleted project's header goes with it.
mongo.register_indexes(LEXICON_HEADERS, [IndexModel([("project", ASCENDING)])])
mongo.register_indexes(
    "lexicon",
    [
        IndexModel([("project", ASCENDING), ("id", ASCENDING)]),
        # Folded headwords, variants and glosses (``annotations.linguistic.search``): the
        # dictionary's prefix search.
        IndexModel([("project", ASCENDING), ("search", ASCENDING)]),
    ],
)


def bulk_update(
    store: VersionedStore, project_id: int, changes: Mapping[str, tuple[Doc, Doc]], user: str
) -> int:
    """Write many versioned changes in two round trips: ``changes`` maps a document id to
    (the document as read, the top-level fields to set). Each write still requires the version
    that was read, bumps it and leaves a history entry; a document changed meanwhile is skipped.
    The history entries go first, as the version locks of ``fieldmark.storage.versioned``: a
    document whose entry another writer holds is skipped, and one not at its version any more
    gives its entry back. Returns how many documents were written.
    """
    if not changes:
        return 0
    now = datetime.now(UTC)
    if store.carry is not None:
        changes = {
            k: (before, store.carry(before, fields)) for k, (before, fields) in changes.items()
        }
    entries = [_history(before, fields, user, now) for before, fields in changes.values()]
    try:
        store.history_collection.insert_many(entries, ordered=False)
        locked = list(changes)
    except BulkWriteError as exc:
        taken = {error["index"] for error in exc.details.get("writeErrors", [])
                 if error.get("code") in (11000, 11001)}  # fmt: skip
        if len(taken) != len(exc.details.get("writeErrors", [])):
            raise
        locked = [doc_id for n, doc_id in enumerate(changes) if n not in taken]
    if not locked:
        return 0
    ops: list[UpdateOne] = [
        UpdateOne(
            # ``_id`` and ``version`` only: see fieldmark.storage.versioned on filters.
            {"_id": doc_id, "version": changes[doc_id][0]["version"]},
            {
                "$set": {**changes[doc_id][1], "updated_at": now, "updated_by": user},
                "$inc": {"version": 1},
            },
        )
        for doc_id in locked
    ]
    result = store.collection.bulk_write(ops, ordered=False)
    written = locked
    if result.modified_count != len(ops):
        bumped = {
            doc["_id"]: doc["version"]
            for doc in store.collection.find({"_id": {"$in": written}}, {"version": 1})
        }
        written = [
            doc_id for doc_id in written if bumped.get(doc_id) == changes[doc_id][0]["version"] + 1
        ]
        kept = set(written)
        if gone := [doc_id for doc_id in locked if doc_id not in kept]:
            store.history_collection.bulk_write(
                [DeleteOne({"doc": doc_id, "version": changes[doc_id][0]["version"]})
                 for doc_id in gone], ordered=False,
            )  # fmt: skip
    if store is utterances:
        concordance.update_many(
            project_id,
            [(changes[i][0], {**changes[i][0], **changes[i][1]}) for i in written],
        )
    notify_written(store.name, project_id, written)
    return len(written)


def _history(before: Doc, fields: Mapping[str, Any], user: str, at: datetime) -> Doc:
    return {
        "doc": before["_id"],
        "project": before["project"],
        "version": before["version"],
        "op": "update",
        "by": user,
        "at": at,
        "changed": sorted(key for key in fields if before.get(key) != fields[key]),
        "snapshot": before,
    }

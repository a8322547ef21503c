"""The concordance index: postings of every searchable value, kept beside the utterances.

Searching the utterance documents themselves (multikey indexes on ``words.morphemes.*``) makes
every insert pay for five multikey indexes and every query read each matching utterance whole,
so a common gloss or POS costs the whole corpus. Instead each searchable value has postings:

``concordance`` documents ``{project, text, field, value, e: [entry, ...]}``
    At most ``BUCKET`` entries each, one bucket list per (text, field, value). An entry is the
    string ``"<text>.<order>.<utterance>.<hits>"``: it sorts in reading order (text, then the
    utterance's order as 8 hex digits), names the utterance, and says how many times the value
    occurs in it. Deleting a text deletes its postings by ``text``.
``concordance_vocab`` documents ``{_id: "<project>:<field>", values: [...]}``
    Every value a field has had, so prefix and regex queries match a few thousand strings, not
    the postings. A value that no longer occurs only costs an empty lookup.

Fields are ``form``, ``gloss``, ``lemma`` and ``pos`` (morphemes; a word's own POS; a word
without morphemes contributes its form and gloss) and ``translation:<lang>``: the lower-cased
words of each free translation. :func:`occurrences` is the one definition of what is searchable;
the postings, the hit positions of a page and :func:`rebuild` all use it.

Every write of an utterance goes through :func:`update` (one edit), :class:`Builder` (imports)
or :func:`remove_text`, called by ``services``, ``documents`` and ``staging`` (imports).
"""

from __future__ import annotations

import re
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from pymongo import ASCENDING, IndexModel, InsertOne, UpdateOne
from pymongo.collection import Collection
from pymongo.errors import BulkWriteError, DuplicateKeyError

from annotations.linguistic_api import pending
from fieldmark.api.userregex import compile_user_regex
from fieldmark.storage import mongo

Doc = dict[str, Any]
Mode = Literal["exact", "prefix", "regex"]

FIELDS = ("form", "gloss", "lemma", "pos", "translation")
# Entries per bucket. A save rewrites the buckets it pulls from and pushes to, and the embedded
# server's cost of that grows with the bucket (half a millisecond of its CPU per 100 entries),
# while a lookup reads a value's buckets whole whatever their number: small buckets, cheap saves.
BUCKET = 250
# An import flushes every open bucket once this many entries wait in memory.
MAX_BUFFERED = 200_000
_TRANSLATION_WORD = re.compile(r"\w+(?:['’-]\w+)*")

POSTINGS = "concordance"
BY_TERM = [("project", 1), ("field", 1), ("value", 1), ("text", 1)]
# A text's buckets by field and value: what a save reads (and a text's deletion, by its prefix).
BY_TEXT = [("project", 1), ("text", 1), ("field", 1), ("value", 1)]
VOCAB = "concordance_vocab"
# A vocabulary document that is no search field: the languages of the project's translations
# (the CSV export's columns), kept by the same writes.
LANGUAGES = "translation_languages"

mongo.register_indexes(
    POSTINGS,
    [
        IndexModel(BY_TERM),
        IndexModel(BY_TEXT),
    ],
)
mongo.register_indexes(VOCAB, [IndexModel([("project", ASCENDING)])])


def postings() -> Collection[Doc]:
    return mongo.collection(POSTINGS)


def vocab() -> Collection[Doc]:
    return mongo.collection(VOCAB)


# --- what is searchable --------------------------------------------------------------------------


def occurrences(doc: Mapping[str, Any]) -> Iterator[tuple[str, str, int, int | None]]:
    """(field, value, word index, morpheme index or None) of every searchable value."""
    for w, word in enumerate(doc.get("words") or ()):
        if word.get("pos"):
            yield "pos", str(word["pos"]), w, None
        morphemes = word.get("morphemes") or ()
        for m, morph in enumerate(morphemes):
            for field in ("form", "gloss", "lemma", "pos"):
                value = morph.get(field)
                if value:
                    yield field, str(value), w, m
        if not morphemes:
            for field in ("form", "gloss"):
                if word.get(field):
                    yield field, str(word[field]), w, None
    for lang, translation in (doc.get("translations") or {}).items():
        for token in _TRANSLATION_WORD.findall(str(translation).lower()):
            yield f"translation:{lang}", token, -1, None


def _order_key(order: Any) -> str:
    return f"{min(max(int(order), 0), 0xFFFFFFFF):08x}"


def entries(doc: Mapping[str, Any]) -> dict[tuple[str, str], str]:
    """The posting entry of ``doc`` under each (field, value) it contains."""
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for field, value, _w, _m in occurrences(doc):
        counts[field, value] += 1
    head = f"{doc['text']}.{_order_key(doc.get('order', 0))}.{doc['_id']}."
    return {term: head + str(n) for term, n in counts.items()}


# --- writing -------------------------------------------------------------------------------------


def insert_buckets(buckets: list[Doc]) -> None:
    for start in range(0, len(buckets), 1000):
        postings().insert_many(buckets[start : start + 1000], ordered=False)


class Builder:
    """Postings of many new utterances (an import), written in full buckets; ``write``
    replaces the insert (an import hands them to its writer thread)."""

    def __init__(
        self,
        project_id: int,
        import_job: str | None = None,
        *,
        write: Callable[[list[Doc]], None] | None = None,
    ) -> None:
        self.project_id = project_id
        self.import_job = import_job
        self._write = write or insert_buckets
        self._open: dict[tuple[str, str, str], list[str]] = defaultdict(list)
        self._buffered = 0
        self.values: dict[str, set[str]] = defaultdict(set)
        self._full: list[Doc] = []

    def add(self, docs: Iterable[Mapping[str, Any]]) -> None:
        for doc in docs:
            text = str(doc["text"])
            for (field, value), entry in entries(doc).items():
                self.extend(text, field, value, [entry])
            self.values[LANGUAGES].update(doc.get("translations") or {})
        if self._buffered >= MAX_BUFFERED:
            self.flush()

    def extend(self, text: str, field: str, value: str, added: Iterable[str]) -> None:
        bucket = self._open[text, field, value]
        for entry in added:
            bucket.append(entry)
            self._buffered += 1
            if len(bucket) >= BUCKET:
                self._full.append(self._bucket(text, field, value, bucket))
                self._buffered -= len(bucket)
                bucket = self._open[text, field, value] = []
                if len(self._full) >= 100:
                    self._write(self._full)
                    self._full = []
        self.values[field].add(value)

    def flush(self) -> None:
        buckets = self._full + [self._bucket(*key, b) for key, b in self._open.items() if b]
        if buckets:
            self._write(buckets)
        self._full = []
        self._open.clear()
        self._buffered = 0
        add_vocab(self.project_id, self.values)
        self.values = defaultdict(set)

    def _bucket(self, text: str, field: str, value: str, bucket: list[str]) -> Doc:
        doc: Doc = {
            "project": self.project_id,
            "text": text,
            "field": field,
            "value": value,
            "e": bucket,
        }
        if self.import_job:
            doc["import_job"] = self.import_job
        return doc


# Vocabulary values known to be stored, per vocabulary document and its ``gen`` (a random
# stamp set when the document is created). Values are only ever added to a document, so while
# its ``gen`` is the one seen, a value seen is still there: a save reads the small ``gen`` of
# its fields' documents, not their (thousands of) values.
_known: dict[str, tuple[str, set[str]]] = {}
KNOWN_LIMIT = 2_000_000


def _remember(key: str, gen: str, values: Iterable[str]) -> None:
    if sum(len(v) for _g, v in _known.values()) > KNOWN_LIMIT:
        _known.clear()
    held = _known.get(key)
    if held is None or held[0] != gen:
        held = _known[key] = (gen, set())
    held[1].update(values)


def add_vocab(project_id: int, values: Mapping[str, Iterable[str]]) -> None:
    """Add values to the fields' vocabularies. One query reads the documents' stamps; values
    this process has seen in them cost nothing more. A few new values (a save's) are added in
    place in one more round trip (:func:`_add_few`); many (an import's) are read in one more
    query and the union is written with a revision check (``$addToSet`` with ``$each`` is
    quadratic on the embedded server); a concurrent writer makes that loop read again, so no
    value is lost."""
    wanted = {f"{project_id}:{field}": (field, set(new)) for field, new in values.items() if new}
    if not wanted:
        return
    stamps = {
        doc["_id"]: doc.get("gen")
        for doc in vocab().find({"_id": {"$in": list(wanted)}}, {"gen": 1})
    }
    for key in list(wanted):
        held = _known.get(key)
        if held is not None and held[0] == stamps.get(key) and wanted[key][1] <= held[1]:
            del wanted[key]
    few = {key: part for key, part in wanted.items() if len(part[1]) <= FEW_VALUES}
    if few:
        _add_few(project_id, few, stamps)
        wanted = {key: part for key, part in wanted.items() if key not in few}
    while wanted:
        stored = {doc["_id"]: doc for doc in vocab().find({"_id": {"$in": list(wanted)}})}
        retry: dict[str, tuple[str, set[str]]] = {}
        for key, (field, new) in wanted.items():
            doc = stored.get(key)
            have = set(doc["values"]) if doc else set()
            gen = str(doc.get("gen") or uuid.uuid4().hex) if doc else uuid.uuid4().hex
            if doc is not None and new <= have and doc.get("gen"):
                _remember(key, gen, have)
                continue
            merged = sorted(have | new)
            if doc is None:
                try:
                    vocab().insert_one(
                        {"_id": key, "project": project_id, "field": field, "rev": 1,
                         "gen": gen, "values": merged}
                    )  # fmt: skip
                except DuplicateKeyError:
                    retry[key] = (field, new)
                    continue
            elif (
                not vocab()
                .update_one(
                    {"_id": key, "rev": doc.get("rev", 0)},
                    {"$set": {"values": merged, "gen": gen}, "$inc": {"rev": 1}},
                )
                .modified_count
            ):
                retry[key] = (field, new)
                continue
            _remember(key, gen, merged)
        wanted = retry


# A save adds a value or two (a new gloss): added in place with ``$addToSet``, which is linear in
# the vocabulary for a few values, rather than by reading the vocabulary and writing it whole.
FEW_VALUES = 8


def _add_few(
    project_id: int, few: Mapping[str, tuple[str, set[str]]], stamps: Mapping[str, Any]
) -> None:
    """Add a few values to each of ``few``'s vocabularies in one bulk write. ``rev`` goes up,
    so a concurrent whole write (``add_vocab``'s loop) sees the change and reads again."""
    gens = {key: str(stamps.get(key) or uuid.uuid4().hex) for key in few}
    ops = [
        UpdateOne(
            {"_id": key},
            {
                "$addToSet": {"values": {"$each": sorted(new)}},
                "$inc": {"rev": 1},
                "$setOnInsert": {"project": project_id, "field": field, "gen": gens[key]},
            },
            upsert=True,
        )
        for key, (field, new) in few.items()
    ]
    try:
        result = vocab().bulk_write(ops, ordered=False)
    except BulkWriteError:  # two first saves of a field created its document at once
        result = vocab().bulk_write(ops, ordered=False)
    made = set((result.upserted_ids or {}).values())
    for key, (_field, new) in few.items():
        if stamps.get(key) or key in made:  # the stamp read, or the one this write set
            _remember(key, gens[key], new)


def update(
    project_id: int, before: Mapping[str, Any] | None, after: Mapping[str, Any] | None
) -> None:
    """Move the postings of one utterance from ``before`` to ``after`` (either may be None)."""
    update_many(project_id, [(before, after)])


def update_many(
    project_id: int, changes: Iterable[tuple[Mapping[str, Any] | None, Mapping[str, Any] | None]]
) -> None:
    """Move the postings of many utterances at once, touching only the (text, field, value)
    whose entry changed: one read of their buckets, then one bulk write that pulls the old
    entries and pushes the new ones into buckets with room (new buckets past that), then the
    vocabulary (its stamps: one small read). A single edit costs a read per field it changed
    (usually one) and one write."""
    pulls: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    pushes: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    langs: set[str] = set()
    for before, after in changes:
        old = entries(before) if before else {}
        new = entries(after) if after else {}
        for (field, value), entry in old.items():
            if new.get((field, value)) != entry:
                pulls[str(before["text"]), field, value].append(entry)  # type: ignore[index]
        for (field, value), entry in new.items():
            if old.get((field, value)) != entry:
                pushes[str(after["text"]), field, value].append(entry)  # type: ignore[index]
        langs.update((after or {}).get("translations") or {})
    if pulls or pushes:
        _apply(project_id, pulls, pushes)
    vocab_values = _values_of(pushes)
    if langs:
        vocab_values[LANGUAGES] = langs
    add_vocab(project_id, vocab_values)


def _apply(
    project_id: int,
    pulls: Mapping[tuple[str, str, str], list[str]],
    pushes: Mapping[tuple[str, str, str], list[str]],
) -> None:
    keys = set(pulls) | set(pushes)
    found: dict[tuple[str, str, str], list[Doc]] = defaultdict(list)
    for query in _bucket_queries(project_id, keys):
        for bucket in postings().find(query, {"text": 1, "field": 1, "value": 1, "e": 1}):
            key = (str(bucket["text"]), str(bucket["field"]), str(bucket["value"]))
            if key in keys:
                found[key].append(bucket)
    ops: list[UpdateOne | InsertOne[Doc]] = []
    for key, gone in pulls.items():
        held = set(gone)
        for bucket in found.get(key, ()):
            if held.intersection(bucket["e"]):
                # ``$pullAll`` (equality), not ``$pull`` with ``$in``: the embedded server runs
                # its query matcher on every entry of the bucket for the latter.
                ops.append(UpdateOne({"_id": bucket["_id"]}, {"$pullAll": {"e": gone}}))
                bucket["e"] = [entry for entry in bucket["e"] if entry not in held]
    for key, added in pushes.items():
        text, field, value = key
        rest = list(added)
        for bucket in found.get(key, ()):
            room = BUCKET - len(bucket["e"])
            if room > 0 and rest:
                # A soft cap: two saves filling the same bucket at once may pass it by a few.
                ops.append(
                    UpdateOne({"_id": bucket["_id"]}, {"$push": {"e": {"$each": rest[:room]}}})
                )
                rest = rest[room:]
        for start in range(0, len(rest), BUCKET):
            ops.append(InsertOne({"project": project_id, "text": text, "field": field,
                                  "value": value, "e": rest[start : start + BUCKET]}))  # fmt: skip
    if ops:
        postings().bulk_write(ops, ordered=True)


def _bucket_queries(project_id: int, keys: Iterable[tuple[str, str, str]]) -> Iterator[Doc]:
    """Queries that read the buckets of ``keys`` (text, field, value): one per text and field,
    ``{project, text, field, value: {$in}}`` by the ``BY_TEXT`` index. The embedded server uses
    an index only for equality on its fields, or on a prefix of them and a ``$in`` (or range) on
    the next one; anything else (``$in`` on two fields, an ``$or``) reads every posting of the
    project."""
    values: dict[tuple[str, str], set[str]] = defaultdict(set)
    for text, field, value in keys:
        values[text, field].add(value)
    for (text, field), held in sorted(values.items()):
        ordered = sorted(held)
        wanted: Any = ordered[0] if len(ordered) == 1 else {"$in": ordered}
        yield {"project": project_id, "text": text, "field": field, "value": wanted}


def _values_of(keys: Iterable[tuple[str, str, str]]) -> dict[str, set[str]]:
    values: dict[str, set[str]] = defaultdict(set)
    for _text, field, value in keys:
        values[field].add(value)
    return values


def remove_text(project_id: int, text_id: str) -> None:
    postings().delete_many({"project": project_id, "text": text_id})


def rebuild(project_id: int, utterance_batches: Iterable[list[Doc]]) -> None:
    """Postings from scratch (``manage.py reindex_concordance``): repairs any drift."""
    postings().delete_many({"project": project_id})
    vocab().delete_many({"project": project_id})
    builder = Builder(project_id)
    for batch in utterance_batches:
        builder.add(batch)
    builder.flush()


# --- reading -------------------------------------------------------------------------------------


def search_field(field: str, lang: str) -> str:
    return f"translation:{lang}" if field == "translation" else field


def matcher(field: str, q: str, mode: Mode) -> Any:
    """A predicate on stored values for ``q`` in ``mode`` (translation words are lower case)."""
    if field == "translation":
        q = q.lower()
    if mode == "regex":
        return compile_user_regex(q, field="q")
    if mode == "prefix":
        return lambda value: value.startswith(q)
    return lambda value: value == q


@dataclass(frozen=True)
class Matches:
    """Utterances that match a query, in reading order, and how many hits they hold."""

    values: frozenset[str]
    utterances: list[str]
    hits: int


def lookup(project_id: int, field: str, q: str, mode: Mode, lang: str = "en") -> Matches:
    key = search_field(field, lang)
    accepts = matcher(field, q, mode)
    if mode == "exact":
        values = [q.lower() if field == "translation" else q]
    else:
        known = vocab().find_one({"_id": f"{project_id}:{key}"}, {"values": 1}) or {}
        values = [value for value in known.get("values", ()) if accepts(value)]
    ranked: dict[str, str] = {}
    hits = 0
    hidden = pending.pending_texts(project_id)
    for start in range(0, len(values), 1000):
        cursor = postings().find(
            {"project": project_id, "field": key, "value": {"$in": values[start : start + 1000]}},
            {"text": 1, "e": 1},
        )
        for bucket in cursor:
            if bucket.get("text") in hidden:  # an import that has not committed
                continue
            for entry in bucket["e"]:
                sort_key, _, count = entry.rpartition(".")
                uid = sort_key[sort_key.rindex(".") + 1 :]
                hits += int(count)
                ranked[uid] = sort_key
    order = sorted(ranked, key=ranked.__getitem__)
    return Matches(frozenset(values), order, hits)


def hits_in(
    doc: Mapping[str, Any], field: str, values: frozenset[str], lang: str
) -> list[tuple[int, int | None, str]]:
    """(word, morpheme, value) of each hit of a matched value in one utterance."""
    key = search_field(field, lang)
    return [(w, m, v) for f, v, w, m in occurrences(doc) if f == key and v in values]


def first_utterances(
    project_id: int, field: str, values: list[str], limit: int
) -> dict[str, list[str]]:
    """For each of ``values``, the ids of the first ``limit`` utterances holding it."""
    keys: dict[str, list[str]] = defaultdict(list)
    hidden = pending.pending_texts(project_id)
    for bucket in postings().find(
        {"project": project_id, "field": field, "value": {"$in": values}},
        {"text": 1, "value": 1, "e": 1},
    ):
        if bucket.get("text") not in hidden:
            keys[bucket["value"]].extend(bucket["e"])
    return {
        value: [entry.rsplit(".", 2)[1] for entry in sorted(found)[:limit]]
        for value, found in keys.items()
    }

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
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from pymongo import ASCENDING, IndexModel
from pymongo.collection import Collection
from pymongo.errors import DuplicateKeyError

from annotations.linguistic_api import pending
from fieldmark.api.errors import DomainError
from fieldmark.storage import mongo

Doc = dict[str, Any]
Mode = Literal["exact", "prefix", "regex"]

FIELDS = ("form", "gloss", "lemma", "pos", "translation")
BUCKET = 2000
# An import flushes every open bucket once this many entries wait in memory.
MAX_BUFFERED = 200_000
_TRANSLATION_WORD = re.compile(r"\w+(?:['’-]\w+)*")

POSTINGS = "concordance"
BY_TERM = [("project", 1), ("field", 1), ("value", 1), ("text", 1)]
VOCAB = "concordance_vocab"

mongo.register_indexes(
    POSTINGS,
    [
        IndexModel(BY_TERM),
        IndexModel([("project", ASCENDING), ("text", ASCENDING)]),
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


def add_vocab(project_id: int, values: Mapping[str, Iterable[str]]) -> None:
    """Add values to the fields' vocabularies. The union is taken here and written with a
    revision check (``$addToSet`` with ``$each`` is quadratic on the embedded server); a
    concurrent writer makes the loop read again, so no value is lost."""
    for field, new in values.items():
        wanted = set(new)
        key = f"{project_id}:{field}"
        while wanted:
            doc = vocab().find_one({"_id": key})
            have = set(doc["values"]) if doc else set()
            if wanted <= have:
                break
            merged = sorted(have | wanted)
            if doc is None:
                try:
                    vocab().insert_one(
                        {"_id": key, "project": project_id, "field": field, "rev": 1,
                         "values": merged}
                    )  # fmt: skip
                    break
                except DuplicateKeyError:
                    continue
            written = vocab().update_one(
                {"_id": key, "rev": doc.get("rev", 0)},
                {"$set": {"values": merged}, "$inc": {"rev": 1}},
            )
            if written.modified_count:
                break


def update(
    project_id: int, before: Mapping[str, Any] | None, after: Mapping[str, Any] | None
) -> None:
    """Move the postings of one utterance from ``before`` to ``after`` (either may be None)."""
    update_many(project_id, [(before, after)])


def update_many(
    project_id: int, changes: Iterable[tuple[Mapping[str, Any] | None, Mapping[str, Any] | None]]
) -> None:
    """Move the postings of many utterances at once: one ``$pull`` per (text, field, value)
    that lost entries, then the new entries pushed into a bucket with room (one edit) or
    written as new buckets (many)."""
    pulls: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    pushes: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for before, after in changes:
        old = entries(before) if before else {}
        new = entries(after) if after else {}
        for (field, value), entry in old.items():
            if new.get((field, value)) != entry:
                pulls[str(before["text"]), field, value].append(entry)  # type: ignore[index]
        for (field, value), entry in new.items():
            if old.get((field, value)) != entry:
                pushes[str(after["text"]), field, value].append(entry)  # type: ignore[index]
    for (text, field, value), gone in pulls.items():
        held = set(gone)
        for bucket in _buckets(project_id, text, field, value):
            if held.intersection(bucket["e"]):
                postings().update_one({"_id": bucket["_id"]}, {"$pull": {"e": {"$in": gone}}})
    builder = Builder(project_id)
    for (text, field, value), added in pushes.items():
        if len(added) == 1:
            _push(project_id, text, field, value, added[0])
        else:
            builder.extend(text, field, value, added)
    builder.flush()
    add_vocab(project_id, _values_of(pushes))


def _buckets(project_id: int, text: str, field: str, value: str) -> list[Doc]:
    """The buckets of (text, field, value). The filter names exactly the fields of the
    ``BY_TERM`` index: the embedded server scans the collection for a filter with any other
    condition, so entries are matched here and writes go by ``_id``."""
    key = {"project": project_id, "field": field, "value": value, "text": text}
    return list(postings().find(key, {"e": 1}))


def _push(project_id: int, text: str, field: str, value: str, entry: str) -> None:
    """Add one entry to a bucket with room, or start a bucket."""
    room = {f"e.{BUCKET - 1}": {"$exists": False}}
    while True:
        open_ = [b for b in _buckets(project_id, text, field, value) if len(b["e"]) < BUCKET]
        if not open_:
            postings().insert_one(
                {"project": project_id, "text": text, "field": field, "value": value, "e": [entry]}
            )
            return
        if (
            postings()
            .update_one({"_id": open_[0]["_id"], **room}, {"$push": {"e": entry}})
            .matched_count
        ):
            return


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
        try:
            pattern = re.compile(q)
        except re.error as exc:
            raise DomainError(
                "invalid", f"Not a valid regular expression: {exc}", field="q"
            ) from exc
        return lambda value: pattern.search(value) is not None
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

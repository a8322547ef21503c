"""What the service modules share: stored shapes, the validation a merged save runs again,
lazy lists for the paginator, batch sizes."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Literal

from annotations.linguistic import search
from annotations.linguistic.model import LexicalEntry, Utterance
from fieldmark.api.errors import DomainError, invalid
from fieldmark.projects.models import Project
from fieldmark.storage.versioned import Doc, VersionedStore

TEXT_FIELDS = ("title", "lang", "glottocode", "meta", "genre", "speakers", "source")
BATCH = 500
IMPORT_BATCH = 2000

Mode = Literal["exact", "prefix", "regex"]


# One serializer per shape, its fields bound once: building a DRF serializer deep-copies every
# declared field and the nested ones, which cost a save more CPU than all its store round trips.
# ``to_representation`` keeps no state on the instance, so one serves every request.
_SHAPES: dict[str, Any] = {}
# The document an event was just made of, and what it was served as: the save's response is the
# same serialization (``served``), taken once.
_handed = threading.local()


def _shape(noun: str) -> Any:
    shape = _SHAPES.get(noun)
    if shape is None:
        from annotations.linguistic_api import serializers  # they import this module

        shape = _SHAPES[noun] = {"text": serializers.TextSerializer,
                                 "utterance": serializers.UtteranceSerializer,
                                 "entry": serializers.EntrySerializer}[noun]()  # fmt: skip
    return shape


def _as_served(kind: str, doc: Mapping[str, Any]) -> dict[str, Any]:
    """``doc`` as REST serves it, for an event of ``kind`` (``linguistic.<noun>...``); kept for
    :func:`served` to hand to the response of the same request."""
    data: dict[str, Any] = _shape(kind.split(".")[1]).to_representation(dict(doc))
    _handed.last = (doc, data)
    return data


def served(noun: str, doc: Mapping[str, Any]) -> dict[str, Any]:
    """``doc`` (a ``text``, ``utterance`` or ``entry``) as REST serves it: what its event just
    carried when it is that very document (a write's response), else serialized now."""
    last = getattr(_handed, "last", None)
    _handed.last = None
    if last is not None and last[0] is doc:
        return dict(last[1])
    return dict(_shape(noun).to_representation(dict(doc)))


def _check(kind: str) -> Callable[[Doc], None]:
    """What a save of ``kind`` is validated with, for the store to run again on a merged
    document: the REST serializer, then the model."""
    from annotations.linguistic_api import serializers  # they import this module

    shape = {"text": serializers.TextSerializer, "utterance": serializers.UtteranceSerializer,
             "entry": serializers.EntrySerializer}[kind]  # fmt: skip

    def check(doc: Doc) -> None:
        serializer = shape(data=doc)
        if not serializer.is_valid():
            raise invalid(serializer.errors)
        if kind == "utterance":
            try:
                normalize_utterance(doc, order=int(doc.get("order", 0)), uid=str(doc.get("id")))
            except (KeyError, TypeError, ValueError) as exc:
                raise DomainError("invalid", f"Not an utterance: {exc}", field="words") from exc
        elif kind == "entry":
            normalize_entry(doc, str(doc.get("id")))

    return check


class MongoList:
    """A lazy query that Django's paginator can count and slice without loading it all.
    ``total``: the count when the caller keeps it (a text's ``utterance_count``), so a page is
    not a count of the whole query: on the embedded store a count of a 100k-utterance text took
    15 s, and 50 readers paging one text queued minutes of them ahead of every other request."""

    def __init__(
        self,
        store: VersionedStore,
        project: Project,
        query: Doc,
        sort: list[tuple[str, int]],
        total: int | None = None,
    ) -> None:
        self.store, self.project_id, self.query, self.sort = store, project.pk, query, sort
        self.total = total

    def count(self) -> int:
        if self.total is not None:
            return self.total
        return int(
            self.store.collection.count_documents({**self.query, "project": self.project_id})
        )

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[Doc]:
        start = index.start or 0
        size = max((index.stop or start) - start, 0)
        if size == 0:
            return []
        return list(
            self.store.find(self.project_id, self.query, sort=self.sort, skip=start, limit=size)
        )


def _only(body: Mapping[str, Any], keys: Iterable[str]) -> Doc:
    return {key: body[key] for key in keys if key in body}


def normalize_utterance(body: Mapping[str, Any], *, order: int, uid: str) -> Doc:
    """The stored shape of an utterance: ``Utterance.to_doc()`` (empty fields dropped)."""
    return Utterance.from_doc({**body, "id": body.get("id") or uid, "order": order}).to_doc()


def normalize_entry(body: Mapping[str, Any], uid: str) -> Doc:
    try:
        return _stored_entry(LexicalEntry.from_doc({**body, "id": body.get("id") or uid}))
    except (KeyError, TypeError, ValueError) as exc:
        raise DomainError("invalid", f"Not a lexicon entry: {exc}", field="senses") from exc


def _stored_entry(entry: LexicalEntry) -> Doc:
    """The entry's document plus its folded search keys (``search``; headword first)."""
    return {**entry.to_doc(), "search": search.search_keys(entry)}

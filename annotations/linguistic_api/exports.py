"""Reading a project for export: what each writer needs and no more, in pieces the store can
serve from its indexes.

* A text's utterances are read in windows of ``order`` (``{project, text, order: range}``), which
  the ``(project, text, order)`` index answers in order. One query for the whole text would make
  the embedded MongoDB-wire server gather and sort every utterance of the text before sending the
  first: the first byte of a 100k-utterance text would wait for all of them.
* The CSV's translation languages come from the concordance vocabulary (kept by every write),
  not from a scan of every utterance.
* JSON Lines is written from the stored documents (they are ``Utterance.to_doc()`` shapes),
  without building dataclasses only to turn them back into dicts.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import fields
from typing import Any

from annotations.linguistic.model import Utterance
from annotations.linguistic_api import concordance, documents
from fieldmark.storage.versioned import Doc

WINDOW = 1000
# The stored fields of an utterance that belong to its exchange shape (``Utterance.to_doc``).
UTTERANCE_FIELDS = tuple(f.name for f in fields(Utterance))
PROJECTION = dict.fromkeys(UTTERANCE_FIELDS, 1) | {"_id": 0}


def utterance_docs(
    project_id: int,
    text_id: str,
    *,
    expected: int | None = None,
    projection: dict[str, int] | None = None,
) -> Iterator[Doc]:
    """A text's utterance documents in ``order``, a window of orders per query. ``expected``
    (the text's ``utterance_count``) says when the windows may stop; whatever lies past the
    last window is read by one last open-ended query, so a stale count loses nothing."""
    key = {"project": project_id, "text": text_id}
    spec = PROJECTION if projection is None else projection
    sort = [("order", 1)]
    seen, low, width = 0, 0, WINDOW
    while expected is None or seen < expected:
        window = {**key, "order": {"$gte": low, "$lt": low + width}}
        batch = list(documents.utterances.collection.find(window, spec, sort=sort))
        seen += len(batch)
        yield from batch
        low += width
        # Gaps in the orders (deleted or placed utterances) widen the window, so a sparse
        # text costs a few queries, not one per thousand orders.
        width = width if batch else width * 4
        if expected is None and not batch:
            break
    yield from documents.utterances.collection.find(
        {**key, "order": {"$gte": low}}, spec, sort=sort, batch_size=WINDOW
    )


def translation_langs(project_id: int) -> list[str]:
    """The languages of the project's free translations, from the vocabulary that every write
    keeps (a language whose translations were all removed stays listed: an empty column).
    Projects written before that vocabulary existed are scanned once, and it is stored."""
    key = f"{project_id}:{concordance.LANGUAGES}"
    known = concordance.vocab().find_one({"_id": key}, {"values": 1})
    if known is not None:
        return sorted(known.get("values", ()))
    langs: set[str] = set()
    for doc in documents.utterances.collection.find(
        {"project": project_id}, {"translations": 1, "_id": 0}, batch_size=1000
    ):
        langs.update(doc.get("translations") or {})
    concordance.add_vocab(project_id, {concordance.LANGUAGES: langs})
    if not langs:  # an empty vocabulary writes nothing: record that there are none
        concordance.vocab().update_one(
            {"_id": key},
            {"$setOnInsert": {"project": project_id, "field": concordance.LANGUAGES,
                              "values": [], "rev": 1}},
            upsert=True,
        )  # fmt: skip
    return sorted(langs)


def _dump(doc: Any) -> str:
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":"))


def json_lines(
    project_id: int, heads: Iterator[tuple[Doc, str, int | None]], batch: int = 200
) -> Iterator[str]:
    """The JSON Lines export (``formats.json``'s shape: one text a line, its utterances in
    order) from (text head, stored text id, utterance count) triples."""
    for head, text_id, count in heads:
        yield _dump(head)[:-1] + ',"utterances":['
        parts: list[str] = []
        sep = ""
        for doc in utterance_docs(project_id, text_id, expected=count):
            parts.append(sep + _dump(doc))
            sep = ","
            if len(parts) >= batch:
                yield "".join(parts)
                parts = []
        yield "".join(parts) + "]}\n"

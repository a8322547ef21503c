"""Provenance of accepted machine values: which model version, which run, what probability,
who accepted it and when.

A morph or word keeps it in ``provenance``, one entry per field the machine filled (``gloss``,
``pos``; ``morphemes`` on a word for a segmentation such as ``x-tok``), each with the value it
vouches for. An entry holds only while its field still has that value: a person who changes the
value drops it, and :func:`carry` keeps it across writes that leave the value alone (the REST
shape serves it read-only, so a client's save never sends it back). Pure functions over the
document shape (dicts), independent of Django and MongoDB.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any, Final, Protocol, TypedDict

Doc = dict[str, Any]

FIELDS: Final = ("gloss", "pos", "morphemes")


class Entry(TypedDict, total=False):
    value: str  # the value it vouches for (a segmentation as ``x-tok``)
    task: str  # gloss, pos, segment
    model: int  # the model version's id
    model_name: str
    version: int  # the version's number
    training_run: int | None  # the training run that made the version
    run: str | None  # the pre-annotation job whose suggestion this was
    probability: float
    accepted_by: str
    accepted_at: str  # ISO 8601, UTC


def segmentation(word: Mapping[str, Any]) -> str:
    """A word's morphs as people type them: ``x-tok=ab``."""
    return "".join(
        str(m.get("sep", "")) + str(m.get("form", "")) for m in word.get("morphemes", [])
    )


def value_of(slot: Mapping[str, Any], field: str) -> str:
    if field == "morphemes":
        return segmentation(slot)
    return str(slot.get(field) or "")


def current(slot: Mapping[str, Any]) -> dict[str, Entry]:
    """The entries of ``slot`` whose value it still has (what may be shown or exported)."""
    entries = slot.get("provenance")
    if not isinstance(entries, Mapping):
        return {}
    return {
        field: entry  # type: ignore[misc]
        for field, entry in entries.items()
        if field in FIELDS
        and isinstance(entry, Mapping)
        and entry.get("value") == value_of(slot, field)
        and value_of(slot, field)
    }


def stamp(slot: Doc, field: str, value: str, source: Mapping[str, Any]) -> None:
    """Record that ``field`` of ``slot`` got ``value`` from a machine (``source``)."""
    entries = dict(slot.get("provenance") or {})
    entries[field] = Entry(**{**source, "value": value})  # type: ignore[typeddict-item]
    slot["provenance"] = entries


class Accepted(Protocol):
    """A label written into a slot (``linguistic_api.services.Label``)."""

    @property
    def word(self) -> int: ...
    @property
    def morpheme(self) -> int | None: ...
    @property
    def field(self) -> str: ...
    @property
    def value(self) -> str: ...
    @property
    def source(self) -> Mapping[str, Any] | None: ...


def stamp_labels(words: list[Doc], labels: Iterable[Accepted], user: str) -> None:
    """Stamp each written label that has a ``source`` on its morph (or word), accepted by
    ``user`` now."""
    now = datetime.now(UTC).isoformat(timespec="seconds")
    for label in labels:
        if label.source is None:
            continue
        word = words[label.word]
        slot = word if label.morpheme is None else word["morphemes"][label.morpheme]
        accepted = {**label.source, "accepted_by": user, "accepted_at": now}
        stamp(slot, label.field, label.value, accepted)


def _kept(slot: Doc, before: Mapping[str, Any] | None) -> Doc:
    own = current(slot)
    if before is not None and str(before.get("form", "")) == str(slot.get("form", "")):
        for field, entry in current(before).items():
            if field not in own and entry["value"] == value_of(slot, field):
                own[field] = entry
    out = {k: v for k, v in slot.items() if k != "provenance"}
    if own:
        out["provenance"] = own
    return out


def carry_words(before: list[Any], after: list[Any]) -> list[Any]:
    """``after``'s words with the provenance that still holds: their own, and ``before``'s at
    the same position (same form) where the value is unchanged."""
    words = []
    for i, word in enumerate(after):
        if not isinstance(word, dict):
            words.append(word)
            continue
        old = before[i] if i < len(before) and isinstance(before[i], Mapping) else None
        kept = _kept(word, old)
        morphs = word.get("morphemes")
        if isinstance(morphs, list):
            old_morphs = list(old.get("morphemes") or []) if old is not None else []
            kept["morphemes"] = [
                _kept(m, old_morphs[j] if j < len(old_morphs) else None)
                if isinstance(m, dict)
                else m
                for j, m in enumerate(morphs)
            ]
        words.append(kept)
    return words


def carry(before: Mapping[str, Any], body: Mapping[str, Any]) -> Doc:
    """An utterance write (``body``: the fields to set) with the provenance that still holds
    after it (see :func:`carry_words`); a write that sets no words changes none."""
    if not isinstance(body.get("words"), list):
        return dict(body)
    return {**body, "words": carry_words(list(before.get("words") or []), body["words"])}


def without(doc: Mapping[str, Any]) -> Doc:
    """``doc`` with no provenance on its words and morphs (what a merge compares: provenance
    follows from the values, and :func:`carry` puts it back where they still hold)."""
    words = doc.get("words")
    if not isinstance(words, list):
        return dict(doc)
    bare = []
    for word in words:
        if not isinstance(word, Mapping):
            bare.append(word)
            continue
        out = {k: v for k, v in word.items() if k != "provenance"}
        if isinstance(word.get("morphemes"), list):
            out["morphemes"] = [
                {k: v for k, v in m.items() if k != "provenance"} if isinstance(m, Mapping) else m
                for m in word["morphemes"]
            ]
        bare.append(out)
    return {**doc, "words": bare}

"""Changing the sequence of a text's utterances: insert at a position, delete, split, merge.

``order`` is an utterance's 0-based position, kept without gaps. Moving the utterances after the
change is a versioned write of each (version bumped, history kept), so an editor holding one of
them merges its next save with the new ``order`` instead of writing the old one back. Every
operation names the version it read of the utterances it changes (409 otherwise) and broadcasts
one event per document changed plus ``linguistic.utterances.reordered`` for the shifted ones.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import User
from pymongo import ASCENDING

from annotations.linguistic_api import concordance, documents
from annotations.linguistic_api.services import (
    create_utterance,
    get_text,
    get_utterance,
    normalize_utterance,
)
from annotations.linguistic_api.services.events import _event
from annotations.linguistic_api.services.texts import utterance_count
from fieldmark.api.errors import Conflict, DomainError
from fieldmark.projects.models import Project
from fieldmark.realtime.events import broadcast
from fieldmark.storage.versioned import Doc


def _shift(user: User, project: Project, text_id: str, start: int, by: int) -> int:
    """Move every utterance of the text at ``order >= start`` by ``by`` positions."""
    later = documents.utterances.collection.find(
        {"project": project.pk, "text": text_id, "order": {"$gte": start}}
    ).sort("order", ASCENDING)
    changes = {doc["_id"]: (doc, {"order": int(doc["order"]) + by}) for doc in later}
    moved = documents.bulk_update(documents.utterances, project.pk, changes, user.username)
    if moved:
        broadcast(project.pk, "linguistic.utterances.reordered", {"text": text_id})
    return moved


def _count(project: Project, text_id: str, by: int) -> None:
    documents.texts.collection.update_one(
        {"_id": text_id, "project": project.pk}, {"$inc": {"utterance_count": by}}
    )


def insert_utterance(
    user: User, project: Project, text_id: str, body: Mapping[str, Any], order: int | None
) -> Doc:
    """A new utterance at position ``order`` (the ones from there on move down), or at the end."""
    text = get_text(project, text_id)
    if order is not None:
        total = utterance_count(project.pk, text)
        if order > total:
            raise DomainError(
                "invalid", f"order must be at most {total} (the text has {total}).", field="order"
            )
        _shift(user, project, text_id, order, 1)
    fields = {**body, "order": order} if order is not None else dict(body)
    return create_utterance(user, project, text_id, fields)


def delete_utterance(user: User, project: Project, utterance_id: str, version: int) -> None:
    current = get_utterance(project, utterance_id)
    documents.utterances.delete(project.pk, utterance_id, version, user.username)
    concordance.update(project.pk, current, None)
    _count(project, current["text"], -1)
    broadcast(
        project.pk, "linguistic.utterance.deleted", {"id": utterance_id, "text": current["text"]}
    )
    _shift(user, project, current["text"], int(current["order"]) + 1, -1)


def _content(doc: Mapping[str, Any]) -> Doc:
    """What a replace writes back: the utterance without the store's and the API's own fields."""
    skip = {"_id", "project", "version", "created_at", "created_by", "updated_at", "updated_by"}
    return {key: value for key, value in doc.items() if key not in skip}


def _save(user: User, project: Project, current: Doc, version: int, content: Doc) -> Doc:
    doc = normalize_utterance(content, order=int(current["order"]), uid=str(current["id"]))
    doc["text"] = current["text"]
    if "import_job" in current:
        doc["import_job"] = current["import_job"]
    saved = documents.utterances.update(
        project.pk, current["_id"], version, doc, user.username, replace=True, current=current,
        merge=False,
    )  # fmt: skip
    concordance.update(project.pk, current, saved)
    _event(project, "linguistic.utterance.updated", saved)
    return saved


def _split_transcription(transcription: str, words: int, at: int) -> tuple[str, str]:
    """Cut the transcription where the words are cut when it has one token per word; otherwise
    the first part keeps it whole and the second is rebuilt from its word forms (``""``)."""
    tokens = transcription.split()
    if len(tokens) == words:
        return " ".join(tokens[:at]), " ".join(tokens[at:])
    return transcription, ""


def split_utterance(
    user: User, project: Project, utterance_id: str, version: int, at_word: int
) -> tuple[Doc, Doc]:
    """Cut an utterance before word ``at_word``: the words from there on become a new utterance
    right after it. Translations stay with the first part (the second gets empty ones to fill)."""
    current = get_utterance(project, utterance_id)
    if current["version"] != version:
        raise _stale(current, version)
    words = list(current.get("words") or [])
    if not 1 <= at_word < len(words):
        raise DomainError(
            "invalid",
            f"word must be between 1 and {len(words) - 1}: the cut falls between two words "
            f"(this utterance has {len(words)}).",
            field="word",
        )
    first_tr, second_tr = _split_transcription(
        str(current.get("transcription") or ""), len(words), at_word
    )
    head = {**_content(current), "words": words[:at_word], "transcription": first_tr}
    tail: Doc = {
        "words": words[at_word:],
        "transcription": second_tr or " ".join(str(w.get("form", "")) for w in words[at_word:]),
        "translations": {lang: "" for lang in current.get("translations") or {"en": ""}},
    }
    if current.get("speaker"):
        tail["speaker"] = current["speaker"]
    media = current.get("media")
    if isinstance(media, dict) and media.get("media"):
        tail["media"] = {"media": media["media"]}
    first = _save(user, project, current, version, head)
    second = insert_utterance(user, project, current["text"], tail, int(current["order"]) + 1)
    return first, second


def _stale(current: Doc, version: int) -> Conflict:
    return Conflict(
        "version_conflict",
        f"This utterance changed since you read it (you had version {version}, it is now "
        f"{current['version']}). Nothing was changed.",
        field="version",
        extra={"current": current},
    )


def _joined(a: str, b: str) -> str:
    return " ".join(part for part in (a, b) if part)


def merge_with_next(
    user: User, project: Project, utterance_id: str, version: int, next_version: int
) -> Doc:
    """Append the next utterance to this one (words, transcription, translations, media span)
    and delete it; the ones after it move up."""
    current = get_utterance(project, utterance_id)
    if current["version"] != version:
        raise _stale(current, version)
    following = documents.utterances.collection.find_one(
        {"project": project.pk, "text": current["text"], "order": {"$gt": current["order"]}},
        sort=[("order", ASCENDING)],
    )
    if following is None:
        raise DomainError("invalid", "This is the last utterance: there is none to merge with.")
    if following["version"] != next_version:
        raise Conflict(
            "version_conflict",
            f"The next utterance changed since you read it (you had version {next_version}, it "
            f"is now {following['version']}). Nothing was changed.",
            field="next_version",
            extra={"current": following},
        )
    mine, theirs = current.get("translations") or {}, following.get("translations") or {}
    translations = {
        lang: _joined(str(mine.get(lang, "")), str(theirs.get(lang, "")))
        for lang in [*mine, *(lang for lang in theirs if lang not in mine)]
    }
    merged: Doc = {
        **_content(current),
        "words": [*(current.get("words") or []), *(following.get("words") or [])],
        "transcription": _joined(
            str(current.get("transcription") or ""), str(following.get("transcription") or "")
        ),
        "translations": translations,
    }
    span_a, span_b = current.get("media"), following.get("media")
    if isinstance(span_a, dict) and isinstance(span_b, dict) and span_b.get("end") is not None:
        merged["media"] = {**span_a, "end": span_b["end"]}
    saved = _save(user, project, current, version, merged)
    delete_utterance(user, project, following["_id"], next_version)
    return saved

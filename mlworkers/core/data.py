"""Domain types the models see: utterances of words of morphemes, with their labels.

The types are frozen and hashable so that a corpus snapshot can be hashed and shared between
threads. ``from_document`` reads Fieldmark's Mongo utterance documents
(``annotations.linguistic.model.Utterance.to_doc``); ``read_sigmorphon`` reads the SIGMORPHON 2023
glossing shared task files.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BOUNDARIES = ("-", "=")
_SPLIT = re.compile(r"([-=])")


@dataclass(frozen=True)
class Morph:
    """One morph; ``boundary`` is the separator written before it ("" first, "-" or "=")."""

    form: str
    gloss: str = ""
    pos: str = ""
    boundary: str = ""


@dataclass(frozen=True)
class Word:
    """A word token; ``gloss`` is the whole-word gloss string (the only gloss when unsegmented)."""

    form: str
    morphemes: tuple[Morph, ...] = ()
    gloss: str = ""
    pos: str = ""


@dataclass(frozen=True)
class Utterance:
    id: str
    words: tuple[Word, ...]
    translation: str = ""
    version: int = 0


def split_segmented(token: str) -> list[tuple[str, str]]:
    """``"r-ixoqiil=ri"`` -> ``[("", "r"), ("-", "ixoqiil"), ("=", "ri")]``.

    A separator at the very start (a bare suffix written ``-ak``) stays part of the first piece,
    so that no empty morph is made.
    """
    parts = _SPLIT.split(token)
    pieces: list[tuple[str, str]] = [("", parts[0])]
    for i in range(1, len(parts), 2):
        sep, piece = parts[i], parts[i + 1]
        if piece == "":
            last_sep, last = pieces[-1]
            pieces[-1] = (last_sep, last + sep)
        elif pieces[-1][1] == "":
            pieces[-1] = ("", sep + piece)
        else:
            pieces.append((sep, piece))
    return pieces


def join_pieces(boundaries: Iterable[str], pieces: Iterable[str]) -> str:
    return "".join(b + p for b, p in zip(boundaries, pieces, strict=False))


def word_gloss(word: Word) -> str:
    """The word's whole gloss string, as the shared task scores it."""
    if word.morphemes and any(m.gloss for m in word.morphemes):
        return join_pieces((m.boundary for m in word.morphemes), (m.gloss for m in word.morphemes))
    return word.gloss


def segmentation(word: Word) -> str:
    return join_pieces((m.boundary for m in word.morphemes), (m.form for m in word.morphemes))


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def from_document(doc: Mapping[str, Any]) -> Utterance:
    """A Fieldmark Mongo utterance document (``Utterance.to_doc`` plus ``_id``/``version``)."""
    words: list[Word] = []
    for w in doc.get("words", []) or []:
        morphs = tuple(
            Morph(
                form=_text(m.get("form")),
                gloss=_text(m.get("gloss")),
                pos=_text(m.get("pos")),
                boundary=_text(m.get("sep")),
            )
            for m in w.get("morphemes", []) or []
        )
        words.append(
            Word(
                form=_text(w.get("form")),
                morphemes=morphs,
                gloss=_text(w.get("gloss")),
                pos=_text(w.get("pos")),
            )
        )
    translations = doc.get("translations") or {}
    translation = ""
    if isinstance(translations, Mapping):
        # The first translation stands for the utterance: projects keep one working language.
        translation = next((t for t in translations.values() if isinstance(t, str) and t), "")
    ident = doc.get("id", doc.get("_id", ""))
    version = doc.get("version", 0)
    return Utterance(
        id=str(ident),
        words=tuple(words),
        translation=translation,
        version=version if isinstance(version, int) else 0,
    )


def _blocks(lines: Iterable[str]) -> Iterator[dict[str, str]]:
    block: dict[str, str] = {}
    for raw in lines:
        line = raw.rstrip("\n").rstrip("\r")
        if not line.strip():
            if block:
                yield block
            block = {}
            continue
        if line.startswith("\\") and len(line) >= 2:
            key, _, value = line[1:].partition(" ")
            block[key] = value.strip()
    if block:
        yield block


def _labelled(token: str, labels: str) -> list[tuple[str, str, str]]:
    """Split a segmented token and its label token alike; (boundary, form, label) triples."""
    pieces = split_segmented(token)
    label_pieces = [p for _, p in split_segmented(labels)] if labels else []
    if len(label_pieces) != len(pieces):
        # The label string does not split like the form: keep it whole on the first morph so
        # that nothing is invented; the word's own gloss keeps the gold string.
        label_pieces = [labels] + [""] * (len(pieces) - 1) if labels else [""] * len(pieces)
    return [(b, f, g) for (b, f), g in zip(pieces, label_pieces, strict=True)]


def read_sigmorphon(path: Path) -> list[Utterance]:
    """Read a shared task file: ``\\t`` transcription, ``\\m`` segmentation (track 2),
    ``\\p`` part of speech, ``\\g`` glosses, ``\\l`` translation; blank-line separated blocks."""
    utterances: list[Utterance] = []
    with path.open(encoding="utf-8") as handle:
        for n, block in enumerate(_blocks(handle), start=1):
            surface = block.get("t", "").split()
            segmented = block.get("m", "").split() if "m" in block else []
            glosses = block.get("g", "").split()
            tags = block.get("p", "").split()
            count = len(segmented) if segmented else max(len(glosses), len(surface))
            words: list[Word] = []
            for i in range(count):
                gloss = glosses[i] if i < len(glosses) else ""
                pos = tags[i] if i < len(tags) else ""
                if segmented:
                    token = segmented[i]
                    form = (
                        surface[i]
                        if len(surface) == len(segmented)
                        else token.replace("-", "").replace("=", "")
                    )
                    glossed = _labelled(token, gloss)
                    tagged = _labelled(token, pos)
                    morphs = tuple(
                        Morph(form=f, gloss=g, pos=t[2], boundary=b)
                        for (b, f, g), t in zip(glossed, tagged, strict=True)
                    )
                    words.append(Word(form=form, morphemes=morphs, gloss=gloss, pos=pos))
                else:
                    form = surface[i] if i < len(surface) else ""
                    words.append(Word(form=form, gloss=gloss, pos=pos))
            utterances.append(
                Utterance(
                    id=f"{path.name}:{n}",
                    words=tuple(words),
                    translation=block.get("l", ""),
                )
            )
    return utterances


def strip_segmentation(utterances: Iterable[Utterance]) -> list[Utterance]:
    """The same utterances with words unsegmented (what track 1 gives a model)."""
    return [
        Utterance(
            u.id,
            tuple(Word(w.form, (), word_gloss(w), w.pos) for w in u.words),
            u.translation,
            u.version,
        )
        for u in utterances
    ]


def snapshot_hash(utterances: Iterable[Utterance]) -> str:
    """A content hash of ids, versions and labels, independent of the order given."""
    rows = []
    for u in utterances:
        rows.append(
            [
                u.id,
                u.version,
                u.translation,
                [
                    [
                        w.form,
                        w.gloss,
                        w.pos,
                        [[m.boundary, m.form, m.gloss, m.pos] for m in w.morphemes],
                    ]
                    for w in u.words
                ],
            ]
        )
    rows.sort(key=lambda r: (str(r[0]), int(r[1])))  # type: ignore[call-overload]
    digest = hashlib.sha256()
    for row in rows:
        digest.update(json.dumps(row, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()

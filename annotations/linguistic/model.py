"""Typed domain objects for interlinear texts and lexicons, independent of Django and MongoDB.

Every object converts to and from a plain JSON-able dict (``to_doc`` / ``from_doc``): that dict is
the MongoDB document shape and the documented JSON schema. Empty fields are left out of documents
to keep a million-morpheme corpus small; ``from_doc(to_doc(x)) == x`` always holds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from annotations.linguistic import provenance as machine
from annotations.linguistic.lexicon_parts import (
    Etymology,
    Field,
    SpanMap,
    fields_from,
    spans_from_doc,
    spans_to_doc,
)

Doc = dict[str, Any]

MORPH_TYPES = (
    "root",
    "stem",
    "bound root",
    "bound stem",
    "prefix",
    "suffix",
    "infix",
    "circumfix",
    "proclitic",
    "enclitic",
    "clitic",
    "particle",
    "phrase",
    "discontiguous phrase",
    "prefixing interfix",
    "suffixing interfix",
    "infixing interfix",
    "simulfix",
    "suprafix",
)


def _put(doc: Doc, key: str, value: Any) -> None:
    if value not in (None, "", [], {}):
        doc[key] = value


@dataclass(slots=True)
class MediaSpan:
    """Where an utterance sits in a recording; either end may be unknown (unaligned)."""

    start_ms: int | None = None
    end_ms: int | None = None
    media: str | None = None

    def to_doc(self) -> Doc:
        doc: Doc = {}
        _put(doc, "start", self.start_ms)
        _put(doc, "end", self.end_ms)
        _put(doc, "media", self.media)
        return doc

    @classmethod
    def from_doc(cls, doc: Doc) -> MediaSpan:
        return cls(doc.get("start"), doc.get("end"), doc.get("media"))


@dataclass(slots=True)
class Morpheme:
    """One morph in a word.

    ``boundary`` is the separator written before it inside the word ("" for the first morph,
    "-" for an affix boundary, "=" for a clitic boundary), so ``kay-y-la`` survives round trips.
    """

    form: str
    gloss: str = ""
    pos: str = ""
    lemma: str | None = None
    sense: str | None = None
    morph_type: str | None = None
    boundary: str = ""
    tiers: dict[str, str] = field(default_factory=dict)
    glosses: dict[str, str] = field(default_factory=dict)
    gloss_parts: list[str] = field(default_factory=list)
    start: int | None = None
    end: int | None = None
    guid: str | None = None
    # Accepted machine values: field → model version, run, probability, who accepted, when
    # (``annotations.linguistic.provenance``); kept only while the field has that value.
    provenance: dict[str, Any] = field(default_factory=dict)

    def to_doc(self) -> Doc:
        doc: Doc = {"form": self.form}
        _put(doc, "gloss", self.gloss)
        _put(doc, "pos", self.pos)
        _put(doc, "lemma", self.lemma)
        _put(doc, "sense", self.sense)
        _put(doc, "type", self.morph_type)
        _put(doc, "sep", self.boundary)
        _put(doc, "tiers", dict(self.tiers))
        _put(doc, "glosses", dict(self.glosses))
        _put(doc, "gloss_parts", list(self.gloss_parts))
        _put(doc, "start", self.start)
        _put(doc, "end", self.end)
        _put(doc, "guid", self.guid)
        _put(doc, "provenance", machine.current({**doc, "provenance": self.provenance}))
        return doc

    @classmethod
    def from_doc(cls, doc: Doc) -> Morpheme:
        return cls(
            form=doc["form"],
            gloss=doc.get("gloss", ""),
            pos=doc.get("pos", ""),
            lemma=doc.get("lemma"),
            sense=doc.get("sense"),
            morph_type=doc.get("type"),
            boundary=doc.get("sep", ""),
            tiers=dict(doc.get("tiers", {})),
            glosses=dict(doc.get("glosses", {})),
            gloss_parts=list(doc.get("gloss_parts", [])),
            start=doc.get("start"),
            end=doc.get("end"),
            guid=doc.get("guid"),
            provenance=dict(doc.get("provenance") or {}),
        )


@dataclass(slots=True)
class Word:
    """A word token; ``gloss`` is a whole-word gloss for words not (yet) segmented.

    ``glosses`` holds glosses in further languages (a Toolbox ``\\gr`` line, a FLEx second
    analysis language), ``start``/``end`` a word's own time alignment in ms (ELAN), ``guid``
    the id the source tool gave it (FLEx), so exports can write it back.
    """

    form: str
    gloss: str = ""
    pos: str = ""
    morphemes: list[Morpheme] = field(default_factory=list)
    tiers: dict[str, str] = field(default_factory=dict)
    glosses: dict[str, str] = field(default_factory=dict)
    gloss_parts: list[str] = field(default_factory=list)
    start: int | None = None
    end: int | None = None
    guid: str | None = None
    provenance: dict[str, Any] = field(default_factory=dict)  # as Morpheme's (and segmentation)

    @property
    def segmentation(self) -> str:
        """The morphemes joined with their boundaries, e.g. ``r-ixoqiil``."""
        return "".join(m.boundary + m.form for m in self.morphemes)

    @property
    def joined_gloss(self) -> str:
        """The morpheme glosses joined like the segmentation, or the word gloss."""
        if not self.morphemes:
            return self.gloss
        return "".join(m.boundary + m.gloss for m in self.morphemes)

    def to_doc(self) -> Doc:
        doc: Doc = {"form": self.form}
        _put(doc, "gloss", self.gloss)
        _put(doc, "pos", self.pos)
        _put(doc, "morphemes", [m.to_doc() for m in self.morphemes])
        _put(doc, "tiers", dict(self.tiers))
        _put(doc, "glosses", dict(self.glosses))
        _put(doc, "gloss_parts", list(self.gloss_parts))
        _put(doc, "start", self.start)
        _put(doc, "end", self.end)
        _put(doc, "guid", self.guid)
        _put(doc, "provenance", machine.current({**doc, "provenance": self.provenance}))
        return doc

    @classmethod
    def from_doc(cls, doc: Doc) -> Word:
        return cls(
            form=doc["form"],
            gloss=doc.get("gloss", ""),
            pos=doc.get("pos", ""),
            morphemes=[Morpheme.from_doc(m) for m in doc.get("morphemes", [])],
            tiers=dict(doc.get("tiers", {})),
            glosses=dict(doc.get("glosses", {})),
            gloss_parts=list(doc.get("gloss_parts", [])),
            start=doc.get("start"),
            end=doc.get("end"),
            guid=doc.get("guid"),
            provenance=dict(doc.get("provenance") or {}),
        )


@dataclass(slots=True)
class Utterance:
    """A sentence or intonation unit; ``order`` is its 0-based position in the text.

    ``translations`` holds the first translation in each language; ``more_translations`` the
    further ones as ``(lang, text)`` in file order (FLEx writes two English ones at times).
    ``layout`` is how the source file laid the utterance out (a Toolbox record's field order
    and line breaks), which only the writer of that format reads, so an export looks like its
    original.
    """

    id: str
    order: int
    transcription: str = ""
    media: MediaSpan | None = None
    speaker: str | None = None
    translations: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    status: str = ""
    paragraph: int = 0
    words: list[Word] = field(default_factory=list)
    tiers: dict[str, str] = field(default_factory=dict)
    more_translations: list[tuple[str, str]] = field(default_factory=list)
    layout: dict[str, Any] = field(default_factory=dict)

    def to_doc(self) -> Doc:
        doc: Doc = {"id": self.id, "order": self.order}
        _put(doc, "transcription", self.transcription)
        if self.media is not None:
            doc["media"] = self.media.to_doc()
        _put(doc, "speaker", self.speaker)
        _put(doc, "translations", dict(self.translations))
        _put(doc, "notes", list(self.notes))
        _put(doc, "status", self.status)
        _put(doc, "paragraph", self.paragraph or None)
        _put(doc, "words", [w.to_doc() for w in self.words])
        _put(doc, "tiers", dict(self.tiers))
        _put(doc, "more_translations", [list(t) for t in self.more_translations])
        _put(doc, "layout", dict(self.layout))
        return doc

    @classmethod
    def from_doc(cls, doc: Doc) -> Utterance:
        media = doc.get("media")
        return cls(
            id=doc["id"],
            order=doc["order"],
            transcription=doc.get("transcription", ""),
            media=MediaSpan.from_doc(media) if media is not None else None,
            speaker=doc.get("speaker"),
            translations=dict(doc.get("translations", {})),
            notes=list(doc.get("notes", [])),
            status=doc.get("status", ""),
            paragraph=doc.get("paragraph", 0),
            words=[Word.from_doc(w) for w in doc.get("words", [])],
            tiers=dict(doc.get("tiers", {})),
            more_translations=[(str(a), str(b)) for a, b in doc.get("more_translations", [])],
            layout=dict(doc.get("layout", {})),
        )


@dataclass(slots=True)
class Text:
    """One interlinear text. ``language`` is an ISO 639-3 code, ``glottocode`` a Glottolog id."""

    id: str
    title: str = ""
    language: str | None = None
    glottocode: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    genre: str = ""
    speakers: list[str] = field(default_factory=list)
    source: str = ""
    utterances: list[Utterance] = field(default_factory=list)

    def to_doc(self) -> Doc:
        doc: Doc = {"id": self.id}
        _put(doc, "title", self.title)
        _put(doc, "lang", self.language)
        _put(doc, "glottocode", self.glottocode)
        _put(doc, "meta", dict(self.metadata))
        _put(doc, "genre", self.genre)
        _put(doc, "speakers", list(self.speakers))
        _put(doc, "source", self.source)
        doc["utterances"] = [u.to_doc() for u in self.utterances]
        return doc

    @classmethod
    def from_doc(cls, doc: Doc) -> Text:
        return cls(
            id=doc["id"],
            title=doc.get("title", ""),
            language=doc.get("lang"),
            glottocode=doc.get("glottocode"),
            metadata=dict(doc.get("meta", {})),
            genre=doc.get("genre", ""),
            speakers=list(doc.get("speakers", [])),
            source=doc.get("source", ""),
            utterances=[Utterance.from_doc(u) for u in doc.get("utterances", [])],
        )


@dataclass(slots=True)
class Note:
    """A typed multilingual note (LIFT ``note``)."""

    text: dict[str, str] = field(default_factory=dict)
    type: str = ""

    def to_doc(self) -> Doc:
        doc: Doc = {"text": dict(self.text)}
        _put(doc, "type", self.type)
        return doc

    @classmethod
    def from_doc(cls, doc: Doc) -> Note:
        return cls(dict(doc.get("text", {})), doc.get("type", ""))


@dataclass(slots=True)
class Example:
    """An example sentence of a sense, optionally pointing at the corpus utterance it came from."""

    text: str
    lang: str = ""
    translations: dict[str, str] = field(default_factory=dict)
    utterance_ref: str | None = None
    source: str = ""
    notes: list[Note] = field(default_factory=list)
    # LIFT types each translation ("Free translation", "Literal translation"): the first one's
    # type, and the further translations with theirs, so a literal one is not merged in.
    translation_type: str = ""
    more_translations: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    fields: list[Field] = field(default_factory=list)

    def to_doc(self) -> Doc:
        doc: Doc = {"text": self.text}
        _put(doc, "lang", self.lang)
        _put(doc, "translations", dict(self.translations))
        _put(doc, "utterance", self.utterance_ref)
        _put(doc, "source", self.source)
        _put(doc, "notes", [n.to_doc() for n in self.notes])
        _put(doc, "translation_type", self.translation_type)
        _put(doc, "more_translations", [[t, dict(f)] for t, f in self.more_translations])
        _put(doc, "fields", [f.to_doc() for f in self.fields])
        return doc

    @classmethod
    def from_doc(cls, doc: Doc) -> Example:
        return cls(
            text=doc["text"],
            lang=doc.get("lang", ""),
            translations=dict(doc.get("translations", {})),
            utterance_ref=doc.get("utterance"),
            source=doc.get("source", ""),
            notes=[Note.from_doc(n) for n in doc.get("notes", [])],
            translation_type=doc.get("translation_type", ""),
            more_translations=[(str(t), dict(f)) for t, f in doc.get("more_translations", [])],
            fields=fields_from(doc.get("fields")),
        )


@dataclass(slots=True)
class Sense:
    """One meaning of an entry; glosses and definitions are keyed by language."""

    id: str
    gloss: dict[str, str] = field(default_factory=dict)
    definition: dict[str, str] = field(default_factory=dict)
    pos: str = ""
    semantic_domains: list[str] = field(default_factory=list)
    examples: list[Example] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    custom: dict[str, Any] = field(default_factory=dict)
    # External concepts this sense means (a WordNet synset, a Concepticon concept set, a
    # DBpedia resource): published as ``ontolex:reference``.
    iris: list[str] = field(default_factory=list)
    fields: list[Field] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)

    def to_doc(self) -> Doc:
        doc: Doc = {"id": self.id}
        _put(doc, "gloss", dict(self.gloss))
        _put(doc, "definition", dict(self.definition))
        _put(doc, "pos", self.pos)
        _put(doc, "domains", list(self.semantic_domains))
        _put(doc, "examples", [e.to_doc() for e in self.examples])
        _put(doc, "notes", [n.to_doc() for n in self.notes])
        _put(doc, "custom", dict(self.custom))
        _put(doc, "iris", list(self.iris))
        _put(doc, "fields", [f.to_doc() for f in self.fields])
        _put(doc, "relations", [r.to_doc() for r in self.relations])
        return doc

    @classmethod
    def from_doc(cls, doc: Doc) -> Sense:
        return cls(
            id=doc["id"],
            gloss=dict(doc.get("gloss", {})),
            definition=dict(doc.get("definition", {})),
            pos=doc.get("pos", ""),
            semantic_domains=list(doc.get("domains", [])),
            examples=[Example.from_doc(e) for e in doc.get("examples", [])],
            notes=[Note.from_doc(n) for n in doc.get("notes", [])],
            custom=dict(doc.get("custom", {})),
            iris=list(doc.get("iris", [])),
            fields=fields_from(doc.get("fields")),
            relations=[Relation.from_doc(r) for r in doc.get("relations", [])],
        )


@dataclass(slots=True)
class Variant:
    """An alternative form of an entry (spelling, dialect, allomorph)."""

    forms: dict[str, str] = field(default_factory=dict)
    morph_type: str | None = None
    type: str = ""
    ref: str | None = None
    traits: list[tuple[str, str]] = field(default_factory=list)
    fields: list[Field] = field(default_factory=list)

    def to_doc(self) -> Doc:
        doc: Doc = {"forms": dict(self.forms)}
        _put(doc, "type", self.type)
        _put(doc, "morph_type", self.morph_type)
        _put(doc, "ref", self.ref)
        _put(doc, "traits", [list(t) for t in self.traits])
        _put(doc, "fields", [f.to_doc() for f in self.fields])
        return doc

    @classmethod
    def from_doc(cls, doc: Doc) -> Variant:
        return cls(
            dict(doc.get("forms", {})),
            doc.get("morph_type"),
            doc.get("type", ""),
            doc.get("ref"),
            [(str(n), str(v)) for n, v in doc.get("traits", [])],
            fields_from(doc.get("fields")),
        )


@dataclass(slots=True)
class Pronunciation:
    """A pronunciation (usually IPA) with optional recordings; ``media_labels`` maps a
    recording's file to its caption, ``fields`` holds FLEx's CV pattern and tone fields."""

    forms: dict[str, str] = field(default_factory=dict)
    media: list[str] = field(default_factory=list)
    media_labels: dict[str, dict[str, str]] = field(default_factory=dict)
    fields: list[Field] = field(default_factory=list)
    traits: list[tuple[str, str]] = field(default_factory=list)

    def to_doc(self) -> Doc:
        doc: Doc = {"forms": dict(self.forms)}
        _put(doc, "media", list(self.media))
        _put(doc, "media_labels", {k: dict(v) for k, v in self.media_labels.items()})
        _put(doc, "fields", [f.to_doc() for f in self.fields])
        _put(doc, "traits", [list(t) for t in self.traits])
        return doc

    @classmethod
    def from_doc(cls, doc: Doc) -> Pronunciation:
        return cls(
            dict(doc.get("forms", {})),
            list(doc.get("media", [])),
            {str(k): dict(v) for k, v in doc.get("media_labels", {}).items()},
            fields_from(doc.get("fields")),
            [(str(n), str(v)) for n, v in doc.get("traits", [])],
        )


@dataclass(slots=True)
class Relation:
    """A link from an entry (or sense) to another entry (component, synonym, ...); ``fields``
    holds what FLEx writes on it (the ``summary`` of a complex form), ``usage`` LIFT's
    usage note."""

    type: str
    ref: str
    order: int | None = None
    traits: list[tuple[str, str]] = field(default_factory=list)
    fields: list[Field] = field(default_factory=list)
    usage: dict[str, str] = field(default_factory=dict)

    def to_doc(self) -> Doc:
        doc: Doc = {"type": self.type, "ref": self.ref}
        _put(doc, "order", self.order)
        _put(doc, "traits", [list(t) for t in self.traits])
        _put(doc, "fields", [f.to_doc() for f in self.fields])
        _put(doc, "usage", dict(self.usage))
        return doc

    @classmethod
    def from_doc(cls, doc: Doc) -> Relation:
        traits = [(str(n), str(v)) for n, v in doc.get("traits", [])]
        return cls(
            doc["type"],
            doc["ref"],
            doc.get("order"),
            traits,
            fields_from(doc.get("fields")),
            dict(doc.get("usage", {})),
        )


@dataclass(slots=True)
class LexicalEntry:
    """A lexicon entry. ``forms`` maps writing system to form; the first one is the headword.

    ``fields`` are custom fields, ``etymologies`` where it comes from, ``spans`` the markup
    inside its texts (a span in another language, a link) by the path of the form it marks.
    """

    id: str
    forms: dict[str, str] = field(default_factory=dict)
    morph_type: str | None = None
    pos: str = ""
    citation_form: dict[str, str] = field(default_factory=dict)
    variants: list[Variant] = field(default_factory=list)
    senses: list[Sense] = field(default_factory=list)
    pronunciations: list[Pronunciation] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    iris: list[str] = field(default_factory=list)
    status: str = ""
    notes: list[Note] = field(default_factory=list)
    custom: dict[str, Any] = field(default_factory=dict)
    fields: list[Field] = field(default_factory=list)
    etymologies: list[Etymology] = field(default_factory=list)
    spans: SpanMap = field(default_factory=dict)

    @property
    def headword(self) -> str:
        return next(iter(self.forms.values()), "")

    def to_doc(self) -> Doc:
        doc: Doc = {"id": self.id, "forms": dict(self.forms)}
        _put(doc, "type", self.morph_type)
        _put(doc, "pos", self.pos)
        _put(doc, "citation", dict(self.citation_form))
        _put(doc, "variants", [v.to_doc() for v in self.variants])
        _put(doc, "senses", [s.to_doc() for s in self.senses])
        _put(doc, "pronunciations", [p.to_doc() for p in self.pronunciations])
        _put(doc, "relations", [r.to_doc() for r in self.relations])
        _put(doc, "iris", list(self.iris))
        _put(doc, "status", self.status)
        _put(doc, "notes", [n.to_doc() for n in self.notes])
        _put(doc, "custom", dict(self.custom))
        _put(doc, "fields", [f.to_doc() for f in self.fields])
        _put(doc, "etymologies", [e.to_doc() for e in self.etymologies])
        _put(doc, "spans", spans_to_doc(self.spans))
        return doc

    @classmethod
    def from_doc(cls, doc: Doc) -> LexicalEntry:
        return cls(
            id=doc["id"],
            forms=dict(doc.get("forms", {})),
            morph_type=doc.get("type"),
            pos=doc.get("pos", ""),
            citation_form=dict(doc.get("citation", {})),
            variants=[Variant.from_doc(v) for v in doc.get("variants", [])],
            senses=[Sense.from_doc(s) for s in doc.get("senses", [])],
            pronunciations=[Pronunciation.from_doc(p) for p in doc.get("pronunciations", [])],
            relations=[Relation.from_doc(r) for r in doc.get("relations", [])],
            iris=list(doc.get("iris", [])),
            status=doc.get("status", ""),
            notes=[Note.from_doc(n) for n in doc.get("notes", [])],
            custom=dict(doc.get("custom", {})),
            fields=fields_from(doc.get("fields")),
            etymologies=[Etymology.from_doc(e) for e in doc.get("etymologies", [])],
            spans=spans_from_doc(doc.get("spans", {})),
        )

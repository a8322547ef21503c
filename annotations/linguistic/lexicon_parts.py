"""Parts of a lexicon beyond its entries' core: custom fields, etymologies, markup inside texts,
and the lexicon's header (ranges and field definitions).

LIFT (and FLEx behind it) carries all of these; they are structured here, not kept as XML, so
an export writes them back and other code (the dictionary, a search) can read them. Like
:mod:`annotations.linguistic.model`, each object converts to and from a plain JSON-able dict
with empty fields left out, and ``from_doc(to_doc(x)) == x``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Doc = dict[str, Any]
Traits = list[tuple[str, str]]


def _put(doc: Doc, key: str, value: Any) -> None:
    if value not in (None, "", [], {}):
        doc[key] = value


def _traits(doc: Doc) -> Traits:
    return [(str(n), str(v)) for n, v in doc.get("traits", [])]


@dataclass(slots=True)
class Span:
    """Markup over ``text[start:end]`` of one form (LIFT ``<span>``): a stretch in another
    language, a link, a style class. ``text`` is the marked text when it was read, so a writer
    can tell that an edit moved it (and leave the span out) instead of marking the wrong
    letters. Nested spans are ranges inside their parent's range."""

    start: int
    end: int
    text: str = ""
    lang: str = ""
    href: str = ""
    cls: str = ""

    def to_doc(self) -> Doc:
        doc: Doc = {"at": [self.start, self.end]}
        _put(doc, "text", self.text)
        _put(doc, "lang", self.lang)
        _put(doc, "href", self.href)
        _put(doc, "class", self.cls)
        return doc

    @classmethod
    def from_doc(cls, doc: Doc) -> Span:
        start, end = doc["at"]
        return cls(
            int(start),
            int(end),
            doc.get("text", ""),
            doc.get("lang", ""),
            doc.get("href", ""),
            doc.get("class", ""),
        )


# Where each form's spans belong: a path to the form in the entry's document shape, such as
# ``senses/0/examples/1/notes/0/en`` (the note's English form) or ``forms/eno``.
SpanMap = dict[str, list[Span]]


def spans_to_doc(spans: SpanMap) -> Doc:
    return {path: [s.to_doc() for s in found] for path, found in spans.items() if found}


def spans_from_doc(doc: Doc) -> SpanMap:
    return {path: [Span.from_doc(s) for s in found] for path, found in doc.items()}


@dataclass(slots=True)
class Field:
    """A custom field (LIFT ``<field type=...>``: a literal meaning, a summary definition, a
    comment on an etymology), a multilingual text with its own traits and dates."""

    type: str
    forms: dict[str, str] = field(default_factory=dict)
    traits: Traits = field(default_factory=list)
    attrs: dict[str, str] = field(default_factory=dict)

    def to_doc(self) -> Doc:
        doc: Doc = {"type": self.type}
        _put(doc, "forms", dict(self.forms))
        _put(doc, "traits", [list(t) for t in self.traits])
        _put(doc, "attrs", dict(self.attrs))
        return doc

    @classmethod
    def from_doc(cls, doc: Doc) -> Field:
        return cls(
            doc.get("type", ""),
            dict(doc.get("forms", {})),
            _traits(doc),
            dict(doc.get("attrs", {})),
        )


def fields_from(docs: list[Doc] | None) -> list[Field]:
    return [Field.from_doc(f) for f in docs or []]


@dataclass(slots=True)
class Etymology:
    """Where an entry comes from: ``type`` (borrowed, proto), ``source`` (the language), the
    source form(s) and their glosses, comments as fields."""

    type: str = ""
    source: str = ""
    forms: dict[str, str] = field(default_factory=dict)
    glosses: dict[str, str] = field(default_factory=dict)
    fields: list[Field] = field(default_factory=list)
    traits: Traits = field(default_factory=list)
    # Attributes the source wrote even when empty (FLEx writes ``source=""``).
    attrs: dict[str, str] = field(default_factory=dict)

    def to_doc(self) -> Doc:
        doc: Doc = {}
        _put(doc, "type", self.type)
        _put(doc, "source", self.source)
        _put(doc, "forms", dict(self.forms))
        _put(doc, "glosses", dict(self.glosses))
        _put(doc, "fields", [f.to_doc() for f in self.fields])
        _put(doc, "traits", [list(t) for t in self.traits])
        _put(doc, "attrs", dict(self.attrs))
        return doc

    @classmethod
    def from_doc(cls, doc: Doc) -> Etymology:
        return cls(
            type=doc.get("type", ""),
            source=doc.get("source", ""),
            forms=dict(doc.get("forms", {})),
            glosses=dict(doc.get("glosses", {})),
            fields=fields_from(doc.get("fields")),
            traits=_traits(doc),
            attrs=dict(doc.get("attrs", {})),
        )


# --- the lexicon's header ----------------------------------------------------------------------


@dataclass(slots=True)
class RangeElement:
    """One value of a range (a part of speech, a semantic domain), as a header may list it."""

    id: str
    parent: str = ""
    guid: str = ""
    label: dict[str, str] = field(default_factory=dict)
    abbrev: dict[str, str] = field(default_factory=dict)
    description: dict[str, str] = field(default_factory=dict)
    traits: Traits = field(default_factory=list)

    def to_doc(self) -> Doc:
        doc: Doc = {"id": self.id}
        _put(doc, "parent", self.parent)
        _put(doc, "guid", self.guid)
        _put(doc, "label", dict(self.label))
        _put(doc, "abbrev", dict(self.abbrev))
        _put(doc, "description", dict(self.description))
        _put(doc, "traits", [list(t) for t in self.traits])
        return doc

    @classmethod
    def from_doc(cls, doc: Doc) -> RangeElement:
        return cls(
            id=doc["id"],
            parent=doc.get("parent", ""),
            guid=doc.get("guid", ""),
            label=dict(doc.get("label", {})),
            abbrev=dict(doc.get("abbrev", {})),
            description=dict(doc.get("description", {})),
            traits=_traits(doc),
        )


@dataclass(slots=True)
class Range:
    """A closed list of values that traits and grammatical info draw on; ``href`` names the
    file that holds it (FLEx's ``.lift-ranges``), ``elements`` the values listed inline."""

    id: str
    href: str = ""
    guid: str = ""
    elements: list[RangeElement] = field(default_factory=list)

    def to_doc(self) -> Doc:
        doc: Doc = {"id": self.id}
        _put(doc, "href", self.href)
        _put(doc, "guid", self.guid)
        _put(doc, "elements", [e.to_doc() for e in self.elements])
        return doc

    @classmethod
    def from_doc(cls, doc: Doc) -> Range:
        return cls(
            id=doc["id"],
            href=doc.get("href", ""),
            guid=doc.get("guid", ""),
            elements=[RangeElement.from_doc(e) for e in doc.get("elements", [])],
        )


@dataclass(slots=True)
class FieldDefinition:
    """What a custom field type means (LIFT header ``<field tag=...>``); ``attrs`` holds the
    attributes later LIFT versions add (``type``, ``option-range``, ``writing-system``)."""

    tag: str
    description: dict[str, str] = field(default_factory=dict)
    attrs: dict[str, str] = field(default_factory=dict)

    def to_doc(self) -> Doc:
        doc: Doc = {"tag": self.tag}
        _put(doc, "description", dict(self.description))
        _put(doc, "attrs", dict(self.attrs))
        return doc

    @classmethod
    def from_doc(cls, doc: Doc) -> FieldDefinition:
        return cls(doc["tag"], dict(doc.get("description", {})), dict(doc.get("attrs", {})))


@dataclass(slots=True)
class LexiconHeader:
    """What a lexicon file says about itself: a description, its ranges and the definitions
    of its custom fields (LIFT ``<header>``)."""

    description: dict[str, str] = field(default_factory=dict)
    ranges: list[Range] = field(default_factory=list)
    fields: list[FieldDefinition] = field(default_factory=list)

    def to_doc(self) -> Doc:
        doc: Doc = {}
        _put(doc, "description", dict(self.description))
        _put(doc, "ranges", [r.to_doc() for r in self.ranges])
        _put(doc, "fields", [f.to_doc() for f in self.fields])
        return doc

    @classmethod
    def from_doc(cls, doc: Doc) -> LexiconHeader:
        return cls(
            description=dict(doc.get("description", {})),
            ranges=[Range.from_doc(r) for r in doc.get("ranges", [])],
            fields=[FieldDefinition.from_doc(f) for f in doc.get("fields", [])],
        )

    def merged(self, other: LexiconHeader) -> LexiconHeader:
        """This header with what ``other`` adds: ranges and field definitions it lacks (by id
        and tag; a known one is replaced by the newer), description languages it lacks."""
        ranges = {r.id: r for r in self.ranges} | {r.id: r for r in other.ranges}
        fields = {f.tag: f for f in self.fields} | {f.tag: f for f in other.fields}
        return LexiconHeader(
            description={**self.description, **other.description},
            ranges=list(ranges.values()),
            fields=list(fields.values()),
        )

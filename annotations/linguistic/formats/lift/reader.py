"""The streamed LIFT reader: the header, then an entry at a time."""

from __future__ import annotations

import io
from collections.abc import Iterator

from lxml import etree

from annotations.linguistic.formats.lift.markup import read_marked
from annotations.linguistic.formats.lift.names import (
    ATTRS,
    GI_TRAITS,
    IRI_RELATION,
    KEPT_AS_XML,
    RESIDUE,
    SEMANTIC_DOMAIN_TRAITS,
    TRAITS,
)
from annotations.linguistic.lexicon_parts import (
    Etymology,
    Field,
    FieldDefinition,
    LexiconHeader,
    Range,
    RangeElement,
    SpanMap,
)
from annotations.linguistic.model import (
    Example,
    LexicalEntry,
    Note,
    Pronunciation,
    Relation,
    Sense,
    Variant,
)
from annotations.xmlsafe import (
    DEFAULT_MAX_BYTES,
    FormatError,
    Problem,
    Readable,
    check_size,
    errors_only,
    iterparse,
    line_of,
    release,
)

LiftItem = LexiconHeader | LexicalEntry


def _attrs(el: etree._Element, *skip: str) -> dict[str, str]:
    return {str(k): str(v) for k, v in el.attrib.items() if k not in skip}


class _Reader:
    """Reads one entry (or the header), collecting its spans and reporting what it skips."""

    def __init__(self, problems: list[Problem], where: str) -> None:
        self.problems = problems
        self.where = where
        self.spans: SpanMap = {}

    def warn(self, message: str, el: etree._Element) -> None:
        self.problems.append(Problem(message, line_of(el), self.where, warning=True))

    def text(self, el: etree._Element, path: str) -> str:
        found = el.find("text")
        if found is None:
            return ""
        plain, spans = read_marked(found)
        if spans:
            self.spans[path] = spans
        return plain

    def multitext(self, el: etree._Element | None, path: str) -> dict[str, str]:
        out: dict[str, str] = {}
        if el is None:
            return out
        for form in el.findall("form"):
            lang = form.get("lang", "")
            if lang in out:
                self.warn(f"second <form lang={lang!r}> in <{el.tag}>; the first one kept", form)
                continue
            out[lang] = self.text(form, f"{path}/{lang}")
        return out

    def unknown(self, child: etree._Element, parent: str) -> None:
        if isinstance(child.tag, str):
            self.warn(f"<{child.tag}> in <{parent}> is not kept", child)

    def note(self, el: etree._Element, path: str) -> Note:
        return Note(text=self.multitext(el, path), type=el.get("type", ""))

    def field(self, el: etree._Element, path: str) -> Field:
        attributes = _attrs(el, "type")
        out = Field(type=el.get("type") or el.get("tag") or "", attrs=attributes)
        out.forms = self.multitext(el, path)
        for child in el:
            if child.tag == "trait":
                out.traits.append((child.get("name", ""), child.get("value", "")))
            elif child.tag != "form":
                self.unknown(child, "field")
        return out

    def fields_in(self, el: etree._Element, path: str) -> list[Field]:
        return [self.field(f, f"{path}/fields/{i}") for i, f in enumerate(el.findall("field"))]

    # --- the header -----------------------------------------------------------------------------

    def header(self, el: etree._Element) -> LexiconHeader:
        head = LexiconHeader()
        for child in el:
            if child.tag == "description":
                head.description = self.multitext(child, "description")
            elif child.tag == "ranges":
                for r in child:
                    if r.tag == "range":
                        head.ranges.append(self.range(r))
                    else:
                        self.unknown(r, "ranges")
            elif child.tag == "fields":
                for f in child:
                    if f.tag == "field":
                        head.fields.append(self.field_definition(f))
                    else:
                        self.unknown(f, "fields")
            else:
                self.unknown(child, "header")
        return head

    def range(self, el: etree._Element) -> Range:
        out = Range(id=el.get("id", ""), href=el.get("href", ""), guid=el.get("guid", ""))
        for child in el:
            if child.tag == "range-element":
                out.elements.append(self.range_element(child))
            else:
                self.unknown(child, "range")
        return out

    def range_element(self, el: etree._Element) -> RangeElement:
        out = RangeElement(
            id=el.get("id", ""), parent=el.get("parent", ""), guid=el.get("guid", "")
        )
        for child in el:
            if child.tag in ("label", "abbrev", "description"):
                setattr(out, child.tag, self.multitext(child, child.tag))
            elif child.tag == "trait":
                out.traits.append((child.get("name", ""), child.get("value", "")))
            else:
                self.unknown(child, "range-element")
        return out

    def field_definition(self, el: etree._Element) -> FieldDefinition:
        rest = _attrs(el, "tag")
        return FieldDefinition(el.get("tag", ""), self.multitext(el, "field"), rest)

    # --- entries --------------------------------------------------------------------------------

    def entry(self, el: etree._Element, path: str) -> LexicalEntry:
        entry_id = el.get("id") or el.get("guid") or ""
        if not entry_id:
            self.problems.append(Problem("entry has no id or guid", line_of(el), path))
        extra = {k: v for k, v in el.attrib.items() if k != "id"}
        entry = LexicalEntry(id=entry_id)
        if extra:
            entry.custom[ATTRS] = dict(extra)
        traits: list[list[str]] = []
        residue: list[str] = []
        for child in el:
            tag = child.tag
            if tag == "lexical-unit":
                entry.forms = self.multitext(child, "forms")
            elif tag == "citation":
                entry.citation_form = self.multitext(child, "citation")
            elif tag == "trait":
                name, value = child.get("name", ""), child.get("value", "")
                if name == "morph-type" and entry.morph_type is None:
                    entry.morph_type = value
                elif name == "status" and not entry.status:
                    entry.status = value
                else:
                    traits.append([name, value])
            elif tag == "variant":
                entry.variants.append(self.variant(child, f"variants/{len(entry.variants)}"))
            elif tag == "pronunciation":
                at = f"pronunciations/{len(entry.pronunciations)}"
                entry.pronunciations.append(self.pronunciation(child, at))
            elif tag == "relation":
                if child.get("type") == IRI_RELATION:
                    entry.iris.append(child.get("ref", ""))
                else:
                    at = f"relations/{len(entry.relations)}"
                    entry.relations.append(self.relation(child, at))
            elif tag == "etymology":
                at = f"etymologies/{len(entry.etymologies)}"
                entry.etymologies.append(self.etymology(child, at))
            elif tag == "field":
                entry.fields.append(self.field(child, f"fields/{len(entry.fields)}"))
            elif tag == "note":
                entry.notes.append(self.note(child, f"notes/{len(entry.notes)}"))
            elif tag == "sense":
                entry.senses.append(self.sense(child, f"senses/{len(entry.senses)}"))
            elif isinstance(tag, str):
                if tag not in KEPT_AS_XML:
                    self.warn(f"<{tag}> is not LIFT 0.13; kept as written", child)
                residue.append(_residue(child))
        if traits:
            entry.custom[TRAITS] = traits
        if residue:
            entry.custom[RESIDUE] = residue
        entry.spans = self.spans
        if not entry.forms:
            self.problems.append(
                Problem("entry has no lexical-unit form", line_of(el), f"entry {entry_id}")
            )
        return entry

    def variant(self, el: etree._Element, path: str) -> Variant:
        out = Variant(forms=self.multitext(el, f"{path}/forms"), ref=el.get("ref"))
        for child in el:
            if child.tag == "trait":
                name, value = child.get("name", ""), child.get("value", "")
                if name == "morph-type" and out.morph_type is None:
                    out.morph_type = value
                elif name == "variant-type" and not out.type:
                    out.type = value
                else:
                    out.traits.append((name, value))
            elif child.tag == "field":
                out.fields.append(self.field(child, f"{path}/fields/{len(out.fields)}"))
            elif child.tag != "form":
                self.unknown(child, "variant")
        return out

    def pronunciation(self, el: etree._Element, path: str) -> Pronunciation:
        out = Pronunciation(forms=self.multitext(el, f"{path}/forms"))
        for child in el:
            if child.tag == "media":
                href = child.get("href", "")
                label = self.multitext(child.find("label"), f"{path}/media/{len(out.media)}")
                out.media.append(href)
                if label:
                    out.media_labels[href] = label
            elif child.tag == "field":
                out.fields.append(self.field(child, f"{path}/fields/{len(out.fields)}"))
            elif child.tag == "trait":
                out.traits.append((child.get("name", ""), child.get("value", "")))
            elif child.tag != "form":
                self.unknown(child, "pronunciation")
        return out

    def relation(self, el: etree._Element, path: str) -> Relation:
        order = el.get("order")
        out = Relation(
            type=el.get("type", ""),
            ref=el.get("ref", ""),
            order=int(order) if order and order.lstrip("-").isdigit() else None,
        )
        for child in el:
            if child.tag == "trait":
                out.traits.append((child.get("name", ""), child.get("value", "")))
            elif child.tag == "field":
                out.fields.append(self.field(child, f"{path}/fields/{len(out.fields)}"))
            elif child.tag == "usage":
                out.usage = self.multitext(child, f"{path}/usage")
            else:
                self.unknown(child, "relation")
        return out

    def etymology(self, el: etree._Element, path: str) -> Etymology:
        out = Etymology(type=el.get("type", ""), source=el.get("source", ""))
        # An empty type or source is kept as an attribute, so it is written back (FLEx writes
        # ``source=""``).
        out.attrs = {k: v for k, v in _attrs(el).items() if k not in ("type", "source") or not v}
        out.forms = self.multitext(el, f"{path}/forms")
        for child in el:
            if child.tag == "gloss":
                lang = child.get("lang", "")
                if lang in out.glosses:
                    self.warn(f"second <gloss lang={lang!r}> in <etymology>; first kept", child)
                else:
                    out.glosses[lang] = self.text(child, f"{path}/glosses/{lang}")
            elif child.tag == "field":
                out.fields.append(self.field(child, f"{path}/fields/{len(out.fields)}"))
            elif child.tag == "trait":
                out.traits.append((child.get("name", ""), child.get("value", "")))
            elif child.tag != "form":
                self.unknown(child, "etymology")
        return out

    def sense(self, el: etree._Element, path: str) -> Sense:
        sense = Sense(id=el.get("id", ""))
        extra = {k: v for k, v in el.attrib.items() if k != "id"}
        if extra:
            sense.custom[ATTRS] = dict(extra)
        traits: list[list[str]] = []
        residue: list[str] = []
        for child in el:
            tag = child.tag
            if tag == "grammatical-info":
                sense.pos = child.get("value", "")
                gi = [[t.get("name", ""), t.get("value", "")] for t in child.findall("trait")]
                if gi:
                    sense.custom[GI_TRAITS] = gi
            elif tag == "gloss":
                lang = child.get("lang", "")
                if lang in sense.gloss:
                    self.warn(f"second <gloss lang={lang!r}> in <sense>; the first kept", child)
                else:
                    sense.gloss[lang] = self.text(child, f"{path}/gloss/{lang}")
            elif tag == "definition":
                sense.definition = self.multitext(child, f"{path}/definition")
            elif tag == "trait" and child.get("name") in SEMANTIC_DOMAIN_TRAITS:
                sense.semantic_domains.append(child.get("value", ""))
            elif tag == "trait":
                traits.append([child.get("name", ""), child.get("value", "")])
            elif tag == "example":
                at = f"{path}/examples/{len(sense.examples)}"
                sense.examples.append(self.example(child, at))
            elif tag == "note":
                sense.notes.append(self.note(child, f"{path}/notes/{len(sense.notes)}"))
            elif tag == "field":
                sense.fields.append(self.field(child, f"{path}/fields/{len(sense.fields)}"))
            elif tag == "relation":
                at = f"{path}/relations/{len(sense.relations)}"
                sense.relations.append(self.relation(child, at))
            elif isinstance(tag, str):
                if tag not in KEPT_AS_XML:
                    self.warn(f"<{tag}> is not LIFT 0.13; kept as written", child)
                residue.append(_residue(child))
        if traits:
            sense.custom[TRAITS] = traits
        if residue:
            sense.custom[RESIDUE] = residue
        return sense

    def example(self, el: etree._Element, path: str) -> Example:
        example = Example(text="", source=el.get("source", ""))
        found: list[etree._Element] = []
        for child in el:
            tag = child.tag
            if tag == "form" and not example.lang and not example.text:
                example.lang = child.get("lang", "")
                example.text = self.text(child, f"{path}/text")
            elif tag == "form":
                self.warn("second form of an example sentence is not kept", child)
            elif tag == "translation":
                found.append(child)
            elif tag == "note":
                example.notes.append(self.note(child, f"{path}/notes/{len(example.notes)}"))
            elif tag == "field":
                example.fields.append(self.field(child, f"{path}/fields/{len(example.fields)}"))
            else:
                self.unknown(child, "example")
        # The free translation is the example's translation; a literal one (and any other) is
        # kept beside it with its type, not merged into it.
        main = next((tr for tr in found if tr.get("type") == "Free translation"), None)
        main = main if main is not None else (found[0] if found else None)
        for tr in found:
            if tr is main:
                example.translations = self.multitext(tr, f"{path}/translations")
                example.translation_type = tr.get("type", "")
            else:
                at = f"{path}/more_translations/{len(example.more_translations)}"
                example.more_translations.append((tr.get("type", ""), self.multitext(tr, at)))
        return example


def _residue(el: etree._Element) -> str:
    return etree.tostring(el, encoding="unicode", with_tail=False)


def iter_lexicon(
    source: Readable, problems: list[Problem], *, max_bytes: int = DEFAULT_MAX_BYTES
) -> Iterator[LiftItem]:
    """Read a LIFT file an item at a time (a streamed parse that frees each entry): its
    header first when it has one, then its entries, adding every problem with its line to
    ``problems``."""
    root: etree._Element | None = None
    seen: dict[str, int] = {}
    n = 0
    for event, el in iterparse(source, events=("end",), max_bytes=max_bytes):
        if root is None:
            root = el
            if root.tag != "lift":
                raise FormatError(
                    f"root element is <{root.tag}>, expected <lift>", line_of(root), root.tag
                )
            continue
        if event != "end" or el.getparent() is not root:
            continue
        if el.tag == "header":
            yield _Reader(problems, "/lift/header").header(el)
            release(el)
            continue
        if el.tag != "entry":
            if isinstance(el.tag, str):
                problems.append(
                    Problem(f"<{el.tag}> in <lift> is not kept", line_of(el), "/lift", True)
                )
            continue
        n += 1
        path = f"/lift/entry[{n}]"
        entry = _Reader(problems, path).entry(el, path)
        if entry.id in seen:
            problems.append(
                Problem(
                    f"duplicate entry id {entry.id!r} (first on line {seen[entry.id]})",
                    line_of(el),
                    path,
                )
            )
        seen.setdefault(entry.id, line_of(el) or 0)
        release(el)
        yield entry


def iter_entries(
    source: Readable, problems: list[Problem], *, max_bytes: int = DEFAULT_MAX_BYTES
) -> Iterator[LexicalEntry]:
    """The entries of a LIFT file (its header left out), streamed like :func:`iter_lexicon`."""
    for item in iter_lexicon(source, problems, max_bytes=max_bytes):
        if isinstance(item, LexicalEntry):
            yield item


def loads_lexicon(
    data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES
) -> tuple[LexiconHeader | None, list[LexicalEntry]]:
    """Parse a LIFT file into its header and entries; raise FormatError listing every error
    with its line (warnings do not stop it)."""
    check_size(data, max_bytes)
    problems: list[Problem] = []
    header: LexiconHeader | None = None
    entries: list[LexicalEntry] = []
    for item in iter_lexicon(io.BytesIO(data), problems, max_bytes=max_bytes):
        if isinstance(item, LexiconHeader):
            header = item
        else:
            entries.append(item)
    if errors_only(problems):
        raise FormatError.collect(problems, "LIFT file")
    return header, entries


def loads(data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> list[LexicalEntry]:
    """Parse a LIFT file's entries; raise FormatError listing every error with its line."""
    return loads_lexicon(data, max_bytes=max_bytes)[1]

"""The LIFT writer: a document streamed an entry at a time, spans and header written back."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from annotations.linguistic.formats.lift.markup import marked_xml
from annotations.linguistic.formats.lift.names import (
    ATTRS,
    GI_TRAITS,
    IRI_RELATION,
    RESIDUE,
    TRAITS,
)
from annotations.linguistic.formats.xmlwrite import attrs, esc
from annotations.linguistic.lexicon_parts import (
    Etymology,
    Field,
    LexiconHeader,
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


def _trait(name: str, value: str) -> str:
    return f"<trait{attrs([('name', name), ('value', value)])}/>"


def _traits(traits: Iterable[tuple[str, str]] | Iterable[list[str]]) -> str:
    return "".join(_trait(n, v) for n, v in traits)


class _Writer:
    """Writes one entry, putting each form's spans back by its path."""

    def __init__(self, spans: SpanMap) -> None:
        self.spans = spans

    def text(self, value: str, path: str) -> str:
        return f"<text>{marked_xml(value, self.spans.get(path, ()))}</text>"

    def forms(self, forms: dict[str, str], path: str) -> str:
        return "".join(
            f'<form lang="{esc(lang)}">{self.text(text, f"{path}/{lang}")}</form>'
            for lang, text in forms.items()
        )

    def multitext(self, tag: str, forms: dict[str, str], path: str, extra: str = "") -> str:
        return f"<{tag}{extra}>{self.forms(forms, path)}</{tag}>"

    def note(self, note: Note, path: str) -> str:
        return self.multitext("note", note.text, path, attrs([("type", note.type or None)]))

    def field(self, f: Field, path: str) -> str:
        pairs: list[tuple[str, str | int | None]] = [] if "tag" in f.attrs else [("type", f.type)]
        head = attrs([*pairs, *f.attrs.items()])
        return f"<field{head}>{self.forms(f.forms, path)}{_traits(f.traits)}</field>"

    def fields(self, fields: list[Field], path: str) -> list[str]:
        return [self.field(f, f"{path}/fields/{i}") for i, f in enumerate(fields)]

    def relation(self, r: Relation, path: str) -> str:
        head = attrs([("type", r.type), ("ref", r.ref), ("order", r.order)])
        inner = _traits(r.traits) + "".join(self.fields(r.fields, path))
        if r.usage:
            inner += self.multitext("usage", r.usage, f"{path}/usage")
        return f"<relation{head}>{inner}</relation>"

    def pronunciation(self, p: Pronunciation, path: str) -> str:
        inner = [self.forms(p.forms, f"{path}/forms")]
        for j, href in enumerate(p.media):
            label = p.media_labels.get(href)
            body = self.multitext("label", label, f"{path}/media/{j}") if label else ""
            inner.append(f"<media{attrs([('href', href)])}>{body}</media>")
        inner.extend(self.fields(p.fields, path))
        inner.append(_traits(p.traits))
        return f"<pronunciation>{''.join(inner)}</pronunciation>"

    def variant(self, v: Variant, path: str) -> str:
        inner = self.forms(v.forms, f"{path}/forms")
        if v.morph_type:
            inner += _trait("morph-type", v.morph_type)
        if v.type:
            inner += _trait("variant-type", v.type)
        inner += _traits(v.traits) + "".join(self.fields(v.fields, path))
        return f"<variant{attrs([('ref', v.ref)])}>{inner}</variant>"

    def etymology(self, e: Etymology, path: str) -> str:
        written = {k: v for k, v in (("type", e.type), ("source", e.source)) if v}
        kept = [(k, v) for k, v in e.attrs.items() if k not in written]
        head = attrs([*written.items(), *kept])
        inner = [self.forms(e.forms, f"{path}/forms")]
        inner.extend(
            f'<gloss lang="{esc(lang)}">{self.text(t, f"{path}/glosses/{lang}")}</gloss>'
            for lang, t in e.glosses.items()
        )
        inner.extend(self.fields(e.fields, path))
        inner.append(_traits(e.traits))
        return f"<etymology{head}>{''.join(inner)}</etymology>"

    def entry(self, entry: LexicalEntry) -> str:
        custom: dict[str, Any] = entry.custom
        out = [f"<entry{attrs([('id', entry.id), *custom.get(ATTRS, {}).items()])}>"]
        if entry.forms:
            out.append(self.multitext("lexical-unit", entry.forms, "forms"))
        if entry.citation_form:
            out.append(self.multitext("citation", entry.citation_form, "citation"))
        out.extend(
            self.pronunciation(p, f"pronunciations/{i}") for i, p in enumerate(entry.pronunciations)
        )
        if entry.morph_type:
            out.append(_trait("morph-type", entry.morph_type))
        if entry.status:
            out.append(_trait("status", entry.status))
        out.extend(self.variant(v, f"variants/{i}") for i, v in enumerate(entry.variants))
        out.extend(self.relation(r, f"relations/{i}") for i, r in enumerate(entry.relations))
        out.extend(
            f"<relation{attrs([('type', IRI_RELATION), ('ref', iri)])}/>" for iri in entry.iris
        )
        out.extend(self.etymology(e, f"etymologies/{i}") for i, e in enumerate(entry.etymologies))
        out.extend(self.fields(entry.fields, ""))
        out.append(_traits(custom.get(TRAITS, [])))
        out.extend(self.note(n, f"notes/{i}") for i, n in enumerate(entry.notes))
        out.extend(custom.get(RESIDUE, []))
        out.extend(self.sense(s, entry.pos, f"senses/{i}") for i, s in enumerate(entry.senses))
        out.append("</entry>\n")
        return "\n".join(x for x in out if x)

    def sense(self, sense: Sense, default_pos: str, path: str) -> str:
        custom: dict[str, Any] = sense.custom
        out = [f"<sense{attrs([('id', sense.id or None), *custom.get(ATTRS, {}).items()])}>"]
        pos = sense.pos or default_pos
        gi_traits = custom.get(GI_TRAITS, [])
        if pos or gi_traits:
            inner = _traits(gi_traits)
            out.append(f"<grammatical-info{attrs([('value', pos)])}>{inner}</grammatical-info>")
        out.extend(
            f'<gloss lang="{esc(lang)}">{self.text(text, f"{path}/gloss/{lang}")}</gloss>'
            for lang, text in sense.gloss.items()
        )
        if sense.definition:
            out.append(self.multitext("definition", sense.definition, f"{path}/definition"))
        out.extend(_trait("semantic-domain-ddp4", d) for d in sense.semantic_domains)
        out.append(_traits(custom.get(TRAITS, [])))
        out.extend(self.relation(r, f"{path}/relations/{i}") for i, r in enumerate(sense.relations))
        out.extend(self.example(x, f"{path}/examples/{i}") for i, x in enumerate(sense.examples))
        out.extend(self.note(n, f"{path}/notes/{i}") for i, n in enumerate(sense.notes))
        out.extend(self.fields(sense.fields, path))
        out.extend(custom.get(RESIDUE, []))
        out.append("</sense>")
        return "\n".join(x for x in out if x)

    def example(self, ex: Example, path: str) -> str:
        parts = [f"<example{attrs([('source', ex.source or None)])}>"]
        if ex.text or ex.lang:
            parts.append(f'<form lang="{esc(ex.lang)}">{self.text(ex.text, f"{path}/text")}</form>')
        if ex.translations or ex.translation_type:
            kind = attrs([("type", ex.translation_type or None)])
            parts.append(
                self.multitext("translation", ex.translations, f"{path}/translations", kind)
            )
        for k, (typ, forms) in enumerate(ex.more_translations):
            at, kind = f"{path}/more_translations/{k}", attrs([("type", typ or None)])
            parts.append(self.multitext("translation", forms, at, kind))
        parts.extend(self.note(n, f"{path}/notes/{i}") for i, n in enumerate(ex.notes))
        parts.extend(self.fields(ex.fields, path))
        parts.append("</example>")
        return "".join(parts)


def _plain_forms(tag: str, forms: dict[str, str], extra: str = "") -> str:
    return _Writer({}).multitext(tag, forms, "", extra)


def header_xml(header: LexiconHeader) -> str:
    """The ``<header>`` element of a lexicon's header."""
    out = ["<header>"]
    if header.description:
        out.append(_plain_forms("description", header.description))
    if header.ranges:
        out.append("<ranges>")
        for r in header.ranges:
            head = attrs([("id", r.id), ("href", r.href or None), ("guid", r.guid or None)])
            elements = "".join(_range_element(e) for e in r.elements)
            out.append(f"<range{head}>{elements}</range>" if elements else f"<range{head}/>")
        out.append("</ranges>")
    if header.fields:
        out.append("<fields>")
        for f in header.fields:
            head = attrs([("tag", f.tag), *f.attrs.items()])
            out.append(f"<field{head}>{_Writer({}).forms(f.description, '')}</field>")
        out.append("</fields>")
    out.append("</header>\n")
    return "\n".join(out)


def _range_element(e: RangeElement) -> str:
    head = attrs([("id", e.id), ("parent", e.parent or None), ("guid", e.guid or None)])
    inner = "".join(
        _plain_forms(tag, forms)
        for tag, forms in (("label", e.label), ("abbrev", e.abbrev), ("description", e.description))
        if forms
    )
    return f"<range-element{head}>{inner}{_traits(e.traits)}</range-element>"


def dumps(
    entries: Iterable[LexicalEntry],
    *,
    header: LexiconHeader | None = None,
    producer: str = "Fieldmark",
) -> Iterator[str]:
    """Write a LIFT 0.13 document, its header first, then one chunk per entry."""
    yield '<?xml version="1.0" encoding="UTF-8"?>\n'
    yield f"<lift{attrs([('producer', producer), ('version', '0.13')])}>\n"
    if header is not None and (header.description or header.ranges or header.fields):
        yield header_xml(header)
    for entry in entries:
        yield _Writer(entry.spans).entry(entry)
    yield "</lift>\n"

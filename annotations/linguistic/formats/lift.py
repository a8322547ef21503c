"""LIFT 0.13 lexicons (the interchange format of FLEx, WeSay and Lexique Pro).

Elements the domain model does not hold (etymologies, custom fields, FLEx-only traits) are kept
verbatim in ``custom["lift:xml"]`` and written back, so a lexicon survives import/export.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from typing import Any

from lxml import etree

from annotations.linguistic.formats.xmlwrite import attrs, esc_text
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
    iterparse,
    line_of,
    release,
)

IRI_RELATION = "external-iri"
SEMANTIC_DOMAIN_TRAITS = ("semantic-domain-ddp4", "semantic-domain")
RESIDUE = "lift:xml"
ATTRS = "lift:attrs"
TRAITS = "lift:traits"
GI_TRAITS = "lift:gi-traits"


def _text(el: etree._Element) -> str:
    """The text of a LIFT ``<text>`` (or ``<gloss>``), flattening ``<span>`` markup."""
    t = el.find("text")
    return "".join(str(x) for x in t.itertext()) if t is not None else ""


def _multitext(el: etree._Element | None) -> dict[str, str]:
    if el is None:
        return {}
    return {f.get("lang", ""): _text(f) for f in el.findall("form")}


def _residue(el: etree._Element) -> str:
    return etree.tostring(el, encoding="unicode", with_tail=False)


def _note(el: etree._Element) -> Note:
    return Note(text=_multitext(el), type=el.get("type", ""))


def iter_entries(
    source: Readable, problems: list[Problem], *, max_bytes: int = DEFAULT_MAX_BYTES
) -> Iterator[LexicalEntry]:
    """Read a LIFT file an entry at a time (a streamed parse that frees each entry), adding
    every problem with its line to ``problems``."""
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
        if event != "end" or el.tag != "entry" or el.getparent() is not root:
            continue
        n += 1
        path = f"/lift/entry[{n}]"
        entry = _entry(el, problems, path)
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


def loads(data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> list[LexicalEntry]:
    """Parse a LIFT file; raise FormatError listing every problem with its line."""
    check_size(data, max_bytes)
    problems: list[Problem] = []
    entries = list(iter_entries(io.BytesIO(data), problems, max_bytes=max_bytes))
    if problems:
        raise FormatError.collect(problems, "LIFT file")
    return entries


def _entry(el: etree._Element, problems: list[Problem], path: str) -> LexicalEntry:
    entry_id = el.get("id") or el.get("guid") or ""
    if not entry_id:
        problems.append(Problem("entry has no id or guid", line_of(el), path))
    extra = {k: v for k, v in el.attrib.items() if k != "id"}
    entry = LexicalEntry(id=entry_id)
    if extra:
        entry.custom[ATTRS] = dict(extra)
    traits: list[list[str]] = []
    residue: list[str] = []
    for child in el:
        tag = child.tag
        if tag == "lexical-unit":
            entry.forms = _multitext(child)
        elif tag == "citation":
            entry.citation_form = _multitext(child)
        elif tag == "trait":
            name, value = child.get("name", ""), child.get("value", "")
            if name == "morph-type" and entry.morph_type is None:
                entry.morph_type = value
            elif name == "status" and not entry.status:
                entry.status = value
            else:
                traits.append([name, value])
        elif tag == "variant":
            entry.variants.append(_variant(child))
        elif tag == "pronunciation":
            entry.pronunciations.append(
                Pronunciation(
                    forms=_multitext(child),
                    media=[m.get("href", "") for m in child.findall("media")],
                )
            )
        elif tag == "relation":
            if child.get("type") == IRI_RELATION:
                entry.iris.append(child.get("ref", ""))
            else:
                entry.relations.append(_relation(child))
        elif tag == "note":
            entry.notes.append(_note(child))
        elif tag == "sense":
            entry.senses.append(_sense(child, problems))
        else:
            residue.append(_residue(child))
    if traits:
        entry.custom[TRAITS] = traits
    if residue:
        entry.custom[RESIDUE] = residue
    if not entry.forms:
        problems.append(Problem("entry has no lexical-unit form", line_of(el), f"entry {entry_id}"))
    return entry


def _variant(el: etree._Element) -> Variant:
    var = Variant(forms=_multitext(el), ref=el.get("ref"))
    for t in el.findall("trait"):
        if t.get("name") == "morph-type":
            var.morph_type = t.get("value")
        elif t.get("name") == "variant-type":
            var.type = t.get("value", "")
    return var


def _relation(el: etree._Element) -> Relation:
    order = el.get("order")
    return Relation(
        type=el.get("type", ""),
        ref=el.get("ref", ""),
        order=int(order) if order and order.lstrip("-").isdigit() else None,
        traits=[(t.get("name", ""), t.get("value", "")) for t in el.findall("trait")],
    )


def _sense(el: etree._Element, problems: list[Problem]) -> Sense:
    sense = Sense(id=el.get("id", ""))
    extra = {k: v for k, v in el.attrib.items() if k != "id"}
    if extra:
        sense.custom[ATTRS] = dict(extra)
    residue: list[str] = []
    for child in el:
        tag = child.tag
        if tag == "grammatical-info":
            sense.pos = child.get("value", "")
            gi = [[t.get("name", ""), t.get("value", "")] for t in child.findall("trait")]
            if gi:
                sense.custom[GI_TRAITS] = gi
        elif tag == "gloss":
            sense.gloss[child.get("lang", "")] = _text(child)
        elif tag == "definition":
            sense.definition = _multitext(child)
        elif tag == "trait" and child.get("name") in SEMANTIC_DOMAIN_TRAITS:
            sense.semantic_domains.append(child.get("value", ""))
        elif tag == "example":
            sense.examples.append(_example(child))
        elif tag == "note":
            sense.notes.append(_note(child))
        else:
            residue.append(_residue(child))
    if residue:
        sense.custom[RESIDUE] = residue
    return sense


def _example(el: etree._Element) -> Example:
    forms = _multitext(el)
    lang, text = next(iter(forms.items()), ("", ""))
    example = Example(
        text=text,
        lang=lang,
        source=el.get("source", ""),
        notes=[_note(n) for n in el.findall("note")],
    )
    found = el.findall("translation")
    # The free translation is the example's translation; a literal one (and any other) is kept
    # beside it with its type, not merged into it.
    main = next((tr for tr in found if tr.get("type") == "Free translation"), None)
    main = main if main is not None else (found[0] if found else None)
    for tr in found:
        if tr is main:
            example.translations = _multitext(tr)
            example.translation_type = tr.get("type", "")
        else:
            example.more_translations.append((tr.get("type", ""), _multitext(tr)))
    return example


# --- export -------------------------------------------------------------------------------------


def _forms(tag: str, forms: dict[str, str], extra: str = "") -> str:
    inner = "".join(
        f'<form lang="{esc_text(lang)}"><text>{esc_text(text)}</text></form>'
        for lang, text in forms.items()
    )
    return f"<{tag}{extra}>{inner}</{tag}>"


def _note_xml(note: Note) -> str:
    return _forms("note", note.text, attrs([("type", note.type or None)]))


def _trait(name: str, value: str) -> str:
    return f"<trait{attrs([('name', name), ('value', value)])}/>"


def _entry_xml(entry: LexicalEntry) -> str:
    custom: dict[str, Any] = entry.custom
    out = [f"<entry{attrs([('id', entry.id), *custom.get(ATTRS, {}).items()])}>"]
    if entry.forms:
        out.append(_forms("lexical-unit", entry.forms))
    if entry.citation_form:
        out.append(_forms("citation", entry.citation_form))
    for p in entry.pronunciations:
        media = "".join(f"<media{attrs([('href', h)])}/>" for h in p.media)
        inner = "".join(
            f'<form lang="{esc_text(lang)}"><text>{esc_text(t)}</text></form>'
            for lang, t in p.forms.items()
        )
        out.append(f"<pronunciation>{inner}{media}</pronunciation>")
    if entry.morph_type:
        out.append(_trait("morph-type", entry.morph_type))
    if entry.status:
        out.append(_trait("status", entry.status))
    for v in entry.variants:
        traits = ""
        if v.morph_type:
            traits += _trait("morph-type", v.morph_type)
        if v.type:
            traits += _trait("variant-type", v.type)
        inner = _forms("variant", v.forms, attrs([("ref", v.ref)]))
        out.append(inner[: -len("</variant>")] + traits + "</variant>")
    for r in entry.relations:
        traits = "".join(_trait(n, val) for n, val in r.traits)
        out.append(
            f"<relation{attrs([('type', r.type), ('ref', r.ref), ('order', r.order)])}>"
            f"{traits}</relation>"
        )
    for iri in entry.iris:
        out.append(f"<relation{attrs([('type', IRI_RELATION), ('ref', iri)])}/>")
    out.extend(_trait(n, v) for n, v in custom.get(TRAITS, []))
    out.extend(_note_xml(n) for n in entry.notes)
    out.extend(custom.get(RESIDUE, []))
    for sense in entry.senses:
        out.append(_sense_xml(sense, entry.pos))
    out.append("</entry>\n")
    return "\n".join(out)


def _sense_xml(sense: Sense, default_pos: str) -> str:
    custom: dict[str, Any] = sense.custom
    out = [f"<sense{attrs([('id', sense.id or None), *custom.get(ATTRS, {}).items()])}>"]
    pos = sense.pos or default_pos
    gi_traits = custom.get(GI_TRAITS, [])
    if pos or gi_traits:
        inner = "".join(_trait(n, v) for n, v in gi_traits)
        out.append(f"<grammatical-info{attrs([('value', pos)])}>{inner}</grammatical-info>")
    for lang, text in sense.gloss.items():
        out.append(f'<gloss lang="{esc_text(lang)}"><text>{esc_text(text)}</text></gloss>')
    if sense.definition:
        out.append(_forms("definition", sense.definition))
    out.extend(_trait("semantic-domain-ddp4", d) for d in sense.semantic_domains)
    for ex in sense.examples:
        parts = [f"<example{attrs([('source', ex.source or None)])}>"]
        if ex.text or ex.lang:
            parts.append(
                f'<form lang="{esc_text(ex.lang)}"><text>{esc_text(ex.text)}</text></form>'
            )
        if ex.translations or ex.translation_type:
            parts.append(
                _forms(
                    "translation", ex.translations, attrs([("type", ex.translation_type or None)])
                )
            )
        for typ, forms in ex.more_translations:
            parts.append(_forms("translation", forms, attrs([("type", typ or None)])))
        parts.extend(_note_xml(n) for n in ex.notes)
        parts.append("</example>")
        out.append("".join(parts))
    out.extend(_note_xml(n) for n in sense.notes)
    out.extend(custom.get(RESIDUE, []))
    out.append("</sense>")
    return "\n".join(out)


def dumps(entries: Iterable[LexicalEntry], *, producer: str = "Fieldmark") -> Iterator[str]:
    """Write a LIFT 0.13 document, one chunk per entry."""
    yield '<?xml version="1.0" encoding="UTF-8"?>\n'
    yield f"<lift{attrs([('producer', producer), ('version', '0.13')])}>\n"
    for entry in entries:
        yield _entry_xml(entry)
    yield "</lift>\n"

"""LIFT on the real Enggano lexicon: counts against lxml, the header, etymologies, custom
fields, relations and ``<span>`` markup as structured data, and an export that holds every
element of the original (compared with lxml, child order aside)."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from lxml import etree

from annotations.linguistic.formats import lift
from annotations.linguistic.formats.toolbox import mdf
from annotations.linguistic.lexicon_parts import Field
from annotations.linguistic.model import LexicalEntry
from tests.shared_data import shared_file

pytestmark = pytest.mark.shared

ENGGANO = "lift/enggano-contemporary-2024-12-30.lift"


def _xp(el: Any, query: str) -> list[Any]:
    found = el.xpath(query)
    assert isinstance(found, list)
    return found


@pytest.fixture(scope="module")
def data() -> bytes:
    return shared_file(ENGGANO).read_bytes()


@pytest.fixture(scope="module")
def root(data: bytes) -> Any:
    return etree.fromstring(data)


def _canon(el: Any) -> Any:
    """An element as (tag, attributes, text, tail, children in any order), whitespace between
    elements left out: what a LIFT export must keep, whatever order it writes children in."""

    def text(value: str | None) -> str:
        return value if value and value.strip() else ""

    children = sorted(
        (_canon(c) for c in el.iterchildren("*")), key=lambda c: repr(c)
    )  # element children only: comments are not data
    attributes = tuple(sorted(el.attrib.items()))
    return (el.tag, attributes, text(el.text), text(el.tail), tuple(children))


def without_root_attrs(root: Any) -> Any:
    tag, _, text, tail, children = _canon(root)
    return (tag, text, tail, children)


def test_shared_lift_counts_equal_an_independent_count(data: bytes, root: Any) -> None:
    header, entries = lift.loads_lexicon(data)
    senses = [s for e in entries for s in e.senses]
    examples = [x for s in senses for x in s.examples]
    assert len(entries) == len(_xp(root, "/lift/entry")) == 1283
    assert len(senses) == len(_xp(root, "/lift/entry/sense")) == 1404
    assert len(examples) == len(_xp(root, "/lift/entry/sense/example")) == 253
    assert sum(len(e.variants) for e in entries) == len(_xp(root, "/lift/entry/variant"))
    translations = sum(bool(x.translations or x.translation_type) for x in examples) + sum(
        len(x.more_translations) for x in examples
    )
    assert translations == len(_xp(root, "/lift/entry/sense/example/translation"))
    types = Counter(x.translation_type for x in examples if x.translations or x.translation_type)
    types.update(t for x in examples for t, _ in x.more_translations)
    assert types == Counter(
        t.get("type", "") for t in _xp(root, "/lift/entry/sense/example/translation")
    )
    assert header is not None
    assert [r.id for r in header.ranges] == [r.get("id") for r in _xp(root, "/lift/header//range")]
    assert [r.href for r in header.ranges] == [
        r.get("href") for r in _xp(root, "/lift/header//range")
    ]
    assert [f.tag for f in header.fields] == [
        f.get("tag") for f in _xp(root, "/lift/header/fields/field")
    ]
    assert header.fields[0].description == {
        "en": _xp(root, "/lift/header/fields/field[1]/form/text")[0].text
    }


def test_shared_lift_etymologies_fields_and_relations_are_structured(
    data: bytes, root: Any
) -> None:
    entries = lift.loads(data)
    etymologies = [x for e in entries for x in e.etymologies]
    assert len(etymologies) == len(_xp(root, "/lift/entry/etymology")) == 965
    assert sum(len(x.glosses) for x in etymologies) == len(_xp(root, "/lift/entry/etymology/gloss"))
    assert sum(len(x.fields) for x in etymologies) == len(_xp(root, "/lift/entry/etymology/field"))
    assert Counter(x.type for x in etymologies) == Counter(
        x.get("type") for x in _xp(root, "/lift/entry/etymology")
    )
    fields = [f for e in entries for f in e.fields]
    assert [f.type for f in fields] == [f.get("type") for f in _xp(root, "/lift/entry/field")]
    assert fields[0] == Field(
        "literal-meaning", {"en": "five with/and two", "id": "lima dengan/dan dua"}
    )
    relations = [r for e in entries for r in e.relations]
    sense_relations = [r for e in entries for s in e.senses for r in s.relations]
    assert len(relations) == len(_xp(root, "/lift/entry/relation")) == 160
    assert len(sense_relations) == len(_xp(root, "/lift/entry/sense/relation")) == 8
    assert sum(len(r.traits) for r in relations) == len(_xp(root, "/lift/entry/relation/trait"))
    # Nothing of this file is left as raw XML.
    assert not any(lift.RESIDUE in e.custom for e in entries)
    assert not any(lift.RESIDUE in s.custom for e in entries for s in e.senses)


def test_shared_lift_spans_keep_their_language_and_link(data: bytes, root: Any) -> None:
    entries = lift.loads(data)
    spans = [s for e in entries for found in e.spans.values() for s in found]
    xml_spans = _xp(root, "//span")
    assert len(spans) == len(xml_spans) == 219
    assert Counter((s.lang, s.href, s.cls) for s in spans) == Counter(
        (x.get("lang", ""), x.get("href", ""), x.get("class", "")) for x in xml_spans
    )
    assert Counter(s.text for s in spans) == Counter("".join(x.itertext()) for x in xml_spans)
    entry, i, j = next(
        (e, i, j)
        for e in entries
        for i, s in enumerate(e.senses)
        for j, x in enumerate(s.examples)
        if x.notes
    )
    first = entry.senses[i].examples[j]
    [lang] = first.notes[0].text
    [span] = entry.spans[f"senses/{i}/examples/{j}/notes/0/{lang}"]
    assert span.cls == "Hyperlink" and span.href.startswith("silfw://localhost/link?")
    # The note's text is still there, plain, for everything that reads it as text.
    assert first.notes[0].text[lang] == span.text == "10. Ceri 109.1"


def test_shared_lift_export_holds_every_element_of_the_original(data: bytes, root: Any) -> None:
    header, entries = lift.loads_lexicon(data)
    out = "".join(lift.dumps(entries, header=header)).encode()
    exported = etree.fromstring(out)
    kinds = Counter(el.tag for el in root.iter("*"))
    assert Counter(el.tag for el in exported.iter("*")) == kinds
    assert without_root_attrs(exported) == without_root_attrs(root)


def test_shared_lift_export_reimports_as_the_same_lexicon(data: bytes) -> None:
    header, entries = lift.loads_lexicon(data)
    again = lift.loads_lexicon("".join(lift.dumps(entries, header=header)).encode())
    assert again == (header, entries)
    assert [LexicalEntry.from_doc(e.to_doc()) for e in entries] == entries


def test_shared_lift_literal_and_free_translations_stay_apart(data: bytes) -> None:
    entries = lift.loads(data)
    [example] = [
        x
        for e in entries
        for s in e.senses
        for x in s.examples
        if any(t == "Literal translation" for t, _ in x.more_translations)
    ]
    assert example.translation_type == "Free translation"
    assert example.translations["en"].startswith("We departed from Bengkulu")
    assert example.more_translations == [("Literal translation", {})]


def test_shared_lift_lexicon_exports_as_mdf_with_its_etymologies_and_homographs(
    data: bytes, root: Any
) -> None:
    out = "".join(mdf.dumps(lift.loads(data))).encode()
    lines = out.decode().splitlines()
    assert sum(1 for x in lines if x.startswith("\\lx ")) == len(_xp(root, "/lift/entry"))
    assert sum(1 for x in lines if x.startswith("\\et ")) == len(_xp(root, "//etymology"))
    assert sum(1 for x in lines if x.startswith("\\hm ")) == len(_xp(root, "/lift/entry[@order]"))
    literal = _xp(root, "/lift/entry/field[@type='literal-meaning']")
    assert sum(1 for x in lines if x.startswith("\\lt ")) == len(literal)
    again = mdf.loads(out)
    assert sum(len(e.etymologies) for e in again) == len(_xp(root, "//etymology"))

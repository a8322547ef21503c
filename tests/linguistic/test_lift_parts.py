"""LIFT parts the real lexicon lacks: pronunciations with media labels and fields, relation
summary fields and usage, sense relations and fields, nested spans, unknown elements."""

from __future__ import annotations

import io
from typing import Any

from lxml import etree

from annotations.linguistic.formats import lift
from annotations.linguistic.lexicon_parts import (
    Field,
    FieldDefinition,
    LexiconHeader,
    Range,
    Span,
)
from tests.formats.test_lift_shared import without_root_attrs

PRONUNCIATION = b"""<lift version="0.13">
<entry id="e1" guid="g1">
<lexical-unit><form lang="qaa"><text>ka<span lang="en">x<span class="b">y</span></span>!</text>
</form></lexical-unit>
<pronunciation><form lang="qaa-fonipa"><text>ka</text></form>
<media href="ka.wav"><label><form lang="en"><text>said <span href="http://x">slowly</span></text>
</form></label></media>
<field type="cv-pattern"><form lang="en"><text>CV</text></form></field>
</pronunciation>
<relation type="_component-lexeme" ref="e2" order="1">
<trait name="complex-form-type" value="Compound"/>
<field type="summary"><form lang="en"><text>a compound</text></form></field>
<usage><form lang="en"><text>rare</text></form></usage>
</relation>
<sense id="s1"><gloss lang="en"><text>go</text></gloss><relation type="Synonyms" ref="e3"/>
<field type="scientific-name"><form lang="la"><text>Homo</text></form></field></sense>
</entry>
</lift>"""


def test_pronunciation_media_relation_fields_and_nested_spans_round_trip() -> None:
    [entry] = lift.loads(PRONUNCIATION)
    assert entry.forms == {"qaa": "kaxy!"}
    assert entry.spans["forms/qaa"] == [Span(2, 4, "xy", lang="en"), Span(3, 4, "y", cls="b")]
    [p] = entry.pronunciations
    assert (p.media, p.media_labels) == (["ka.wav"], {"ka.wav": {"en": "said slowly"}})
    assert entry.spans["pronunciations/0/media/0/en"] == [Span(5, 11, "slowly", href="http://x")]
    assert p.fields == [Field("cv-pattern", {"en": "CV"})]
    [r] = entry.relations
    assert r.fields == [Field("summary", {"en": "a compound"})] and r.usage == {"en": "rare"}
    assert entry.senses[0].relations[0].ref == "e3"
    assert entry.senses[0].fields == [Field("scientific-name", {"la": "Homo"})]
    out = "".join(lift.dumps([entry])).encode()
    assert lift.loads(out) == [entry]
    assert without_root_attrs(etree.fromstring(out)) == without_root_attrs(
        etree.fromstring(PRONUNCIATION)
    )


def test_a_span_whose_text_was_edited_is_left_out_not_misplaced() -> None:
    [entry] = lift.loads(PRONUNCIATION)
    entry.forms["qaa"] = "kaz!"
    out = "".join(lift.dumps([entry]))
    unit = etree.fromstring(out.encode()).find("entry/lexical-unit/form/text")
    assert unit is not None and "".join(unit.itertext()) == "kaz!"
    assert unit.findall(".//span") == []


def test_what_a_lift_reader_does_not_know_is_reported_with_its_line() -> None:
    data = b"""<lift version="0.13">
<entry id="e1"><lexical-unit><form lang="x"><text>a</text></form></lexical-unit>
<relation type="t" ref="e2"><mystery/></relation>
<frobnicate/>
</entry>
</lift>"""
    problems: list[Any] = []
    [entry] = list(lift.iter_entries(io.BytesIO(data), problems))
    assert [(p.line, p.warning) for p in problems] == [(3, True), (4, True)]
    assert "<mystery> in <relation> is not kept" in problems[0].message
    # An unknown entry element is still written back as it was.
    assert entry.custom[lift.RESIDUE] == ["<frobnicate/>"]


def test_a_second_header_adds_its_ranges_and_fields_to_the_first() -> None:
    first = LexiconHeader(
        ranges=[Range("grammatical-info", "a.lift-ranges")],
        fields=[FieldDefinition("tone", {"en": "old"})],
    )
    second = LexiconHeader(
        ranges=[Range("status", "b.lift-ranges")],
        fields=[FieldDefinition("tone", {"en": "new"}), FieldDefinition("cv-pattern")],
        description={"en": "Enggano"},
    )
    merged = first.merged(second)
    assert [r.id for r in merged.ranges] == ["grammatical-info", "status"]
    assert [(f.tag, f.description) for f in merged.fields] == [
        ("tone", {"en": "new"}),
        ("cv-pattern", {}),
    ]
    assert merged.description == {"en": "Enggano"}
    assert LexiconHeader.from_doc(merged.to_doc()) == merged

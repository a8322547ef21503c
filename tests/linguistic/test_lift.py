"""LIFT 0.13: the Enggano lexicon (read from ../shared, never copied) and generated entries."""

from __future__ import annotations

import pytest

from annotations.linguistic.formats import lift
from annotations.linguistic.model import (
    Example,
    LexicalEntry,
    Note,
    Pronunciation,
    Relation,
    Sense,
    Variant,
)
from annotations.xmlsafe import FormatError
from tests.shared_data import shared_file


@pytest.fixture(scope="module")
def enggano() -> list[LexicalEntry]:
    return lift.loads(shared_file("lift/enggano-contemporary-2024-12-30.lift").read_bytes())


def test_shared_lift_enggano_counts(enggano: list[LexicalEntry]) -> None:
    assert len(enggano) == 1283
    assert sum(len(e.senses) for e in enggano) == 1404
    assert sum(len(s.examples) for e in enggano for s in e.senses) == 253
    assert sum(len(e.variants) for e in enggano) == 1018


def test_shared_lift_enggano_first_entries(enggano: list[LexicalEntry]) -> None:
    suffix = enggano[0]
    assert suffix.id == "-'_788a875f-aa67-4890-80d6-b580e02005fe"
    assert (suffix.headword, suffix.morph_type) == ("-'", "suffix")
    sense = suffix.senses[0]
    assert sense.gloss == {"en": "my", "id": "(milik) saya"}
    assert sense.pos == "Noun"
    assert sense.definition["en"] == "Possessive suffix for the first-person singular."
    assert sense.notes == [Note({"en": "Original English Gloss: 1SG.POSS"}, "semantics")]
    a1 = enggano[1]
    assert a1.variants == [Variant({"eno": "ai"}, "stem")]
    assert a1.senses[0].gloss == {"en": "we (exclusive)", "id": "kami"}


def test_shared_lift_enggano_examples_and_relations(enggano: list[LexicalEntry]) -> None:
    examples = [x for e in enggano for s in e.senses for x in s.examples]
    first = examples[0]
    assert (first.text, first.lang, first.source) == ("yaba'a ka'nėk", "eno", "10. Ceri 109.1")
    assert first.translations == {"en": "(when) our friend dies", "id": "meninggal teman kita "}
    # <span> markup inside a translation is flattened to its text.
    assert any(x.translations.get("en") == "I stab him until he dies" for x in examples)
    relations = [r for e in enggano for r in e.relations]
    assert len(relations) == 160
    assert (
        Relation(
            "_component-lexeme",
            "bah_842ce5c4-0d36-4723-89f8-54eec669fae1",
            1,
            [("complex-form-type", "Compound")],
        )
        in relations
    )


def test_shared_lift_enggano_round_trips(enggano: list[LexicalEntry]) -> None:
    out = "".join(lift.dumps(enggano)).encode()
    assert lift.loads(out) == enggano
    assert [LexicalEntry.from_doc(e.to_doc()) for e in enggano] == enggano


def test_generated_entries_round_trip() -> None:
    entries = [
        LexicalEntry(
            id=f"e{i}",
            forms={"qaa": f"ka{i}", "qaa-x-ipa": f"ka{i}"},
            morph_type="stem" if i % 2 else "suffix",
            citation_form={"qaa": f"ka{i}!"},
            variants=[Variant({"qaa": f"kha{i}"}, "stem", "Spelling Variant", f"e{i + 1}")],
            senses=[
                Sense(
                    id=f"s{i}",
                    gloss={"en": f"gloss {i}", "es": f"glosa {i}"},
                    definition={"en": "a <b> & c"},
                    pos="Verb",
                    semantic_domains=["1.1", "2.3"],
                    examples=[
                        Example(
                            f"ka{i} ni",
                            "qaa",
                            {"en": "x"},
                            None,
                            "tape 1",
                            [Note({"en": "ref"}, "reference")],
                        )
                    ],
                    notes=[Note({"en": "sense note"})],
                )
            ],
            pronunciations=[Pronunciation({"qaa-fonipa": f"ka{i}"}, [f"ka{i}.wav"])],
            relations=[Relation("synonym", f"e{i + 2}", None, [("is-primary", "true")])],
            iris=[f"https://example.org/lex/e{i}"],
            status="confirmed" if i % 3 else "",
            notes=[Note({"en": "n"}, "general")],
        )
        for i in range(50)
    ]
    out = "".join(lift.dumps(entries)).encode()
    assert lift.loads(out) == entries


def test_lift_problems_are_listed_with_lines() -> None:
    data = b"""<lift version="0.13">
<entry id="a"><lexical-unit><form lang="x"><text>a</text></form></lexical-unit></entry>
<entry><lexical-unit><form lang="x"><text>b</text></form></lexical-unit></entry>
<entry id="a"><lexical-unit/></entry>
</lift>"""
    with pytest.raises(FormatError) as err:
        lift.loads(data)
    assert [(p.line, p.message) for p in err.value.problems] == [
        (3, "entry has no id or guid"),
        (4, "entry has no lexical-unit form"),
        (4, "duplicate entry id 'a' (first on line 2)"),
    ]


def test_lift_malformed_xml_names_the_line() -> None:
    with pytest.raises(FormatError, match=r"^line 3: malformed XML"):
        lift.loads(b'<lift version="0.13">\n<entry id="a">\n</lift>')


def test_lift_wrong_root_is_refused() -> None:
    with pytest.raises(FormatError, match="expected <lift>"):
        lift.loads(b"<document/>")

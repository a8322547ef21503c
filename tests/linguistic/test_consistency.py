"""Corpus statistics, gloss consistency and lexicon linking."""

from __future__ import annotations

from annotations.linguistic.consistency import (
    Location,
    apply_links,
    corpus_stats,
    entries_from_corpus,
    find_links,
    gloss_inconsistencies,
)
from annotations.linguistic.formats import toolbox
from annotations.linguistic.model import (
    LexicalEntry,
    Morpheme,
    Sense,
    Text,
    Utterance,
    Variant,
    Word,
)
from tests.shared_data import shared_file


def _text() -> Text:
    def w(*morphs: tuple[str, str, str | None]) -> Word:
        ms = [
            Morpheme(f, g, morph_type=t, boundary="-" if i else "")
            for i, (f, g, t) in enumerate(morphs)
        ]
        return Word("".join(m.form for m in ms), morphemes=ms)

    return Text(
        id="t",
        utterances=[
            Utterance(
                "u1",
                0,
                words=[
                    w(("kan", "see", "stem"), ("i", "PST", "suffix")),
                    w(("mbwa", "dog", "stem")),
                ],
            ),
            Utterance(
                "u2",
                1,
                words=[
                    w(("kan", "look", "stem"), ("i", "PST", "suffix")),
                    w(("Mbwa", "dog", None), ("", "", None)),
                ],
            ),
            Utterance("u3", 2, words=[w(("kan", "see", "stem")), w(("tulo", "", "stem"))]),
        ],
    )


def test_corpus_stats() -> None:
    s = corpus_stats([_text()])
    assert (s.texts, s.utterances, s.words, s.morphemes, s.glossed_morphemes) == (1, 3, 6, 9, 7)
    assert round(s.percent_glossed, 2) == 77.78
    assert s.gloss_frequency.most_common(3) == [("see", 2), ("PST", 2), ("dog", 2)]


def test_gloss_inconsistencies() -> None:
    [kan] = gloss_inconsistencies([_text()])
    assert kan.form == "kan"
    assert kan.glosses == {"see": 2, "look": 1}
    assert kan.examples["look"] == [Location("t", "u2", 0, 0)]
    assert kan.examples["see"] == [Location("t", "u1", 0, 0), Location("t", "u3", 0, 0)]


def test_shared_uspanteko_inconsistencies_and_stats() -> None:
    data = shared_file("glossing/Uspanteko/usp-dev-track2-uncovered").read_bytes()
    texts = toolbox.loads(data)
    s = corpus_stats(texts)
    assert (s.utterances, s.words, s.morphemes, s.glossed_morphemes) == (232, 928, 1271, 1271)
    report = gloss_inconsistencies(texts)
    assert len(report) == 31
    cha = next(r for r in report if r.form == "cha'")
    assert cha.glosses == {"decir": 38, "dice": 37, "ddecir": 1}


def test_links_by_form_type_and_gloss() -> None:
    lexicon = [
        LexicalEntry("e-kan1", {"qaa": "kan"}, "stem", senses=[Sense("s-see", {"en": "see"})]),
        LexicalEntry("e-kan2", {"qaa": "kan"}, "stem", senses=[Sense("s-look", {"en": "look"})]),
        LexicalEntry("e-i", {"qaa": "-i"}, "suffix", senses=[Sense("s-pst", {"en": "PST"})]),
        LexicalEntry("e-i-stem", {"qaa": "i"}, "stem", senses=[Sense("s-go", {"en": "go"})]),
        LexicalEntry("e-mbwa", {"qaa": "mbua"}, "stem", senses=[Sense("s-dog", {"en": "dog"})]),
    ]
    lexicon[4].variants.append(Variant({"qaa": "mbwa"}))
    text = _text()
    report = find_links([text], lexicon)
    got = {
        (link.location.utterance_id, link.location.word_index, link.location.morpheme_index): (
            link.entry_id,
            link.sense_id,
        )
        for link in report.links
    }
    assert got == {
        ("u1", 0, 0): ("e-kan1", "s-see"),
        ("u1", 0, 1): ("e-i", "s-pst"),
        ("u1", 1, 0): ("e-mbwa", "s-dog"),
        ("u2", 0, 0): ("e-kan2", "s-look"),
        ("u2", 0, 1): ("e-i", "s-pst"),
        ("u2", 1, 0): ("e-mbwa", "s-dog"),
        ("u3", 0, 0): ("e-kan1", "s-see"),
    }
    assert report.unmatched == [Location("t", "u2", 1, 1), Location("t", "u3", 1, 0)]
    assert report.ambiguous == {}
    assert apply_links([text], report.links) == 7
    m = text.utterances[1].words[0].morphemes[0]
    assert (m.lemma, m.sense) == ("e-kan2", "s-look")
    assert find_links([text], lexicon).links == []  # already linked


def test_ambiguous_when_no_gloss_decides() -> None:
    lexicon = [LexicalEntry("a", {"x": "kan"}, "stem"), LexicalEntry("b", {"x": "kan"}, "root")]
    text = Text(
        "t",
        utterances=[
            Utterance(
                "u", 0, words=[Word("kan", morphemes=[Morpheme("kan", "walk", morph_type="stem")])]
            )
        ],
    )
    assert find_links([text], lexicon).ambiguous == {Location("t", "u", 0, 0): ["a", "b"]}


def test_entries_from_corpus() -> None:
    existing = [LexicalEntry("e-i", {"qaa": "-i"}, "suffix")]
    new = entries_from_corpus([_text()], existing, vernacular="qaa")
    summary = [(e.headword, e.morph_type, [s.gloss["en"] for s in e.senses]) for e in new]
    assert summary == [
        ("kan", "stem", ["see", "look"]),
        ("mbwa", "stem", ["dog"]),
        ("Mbwa", None, ["dog"]),
        ("tulo", "stem", []),
    ]
    assert [e.id for e in entries_from_corpus([_text()], existing)] == [e.id for e in new]


def test_entries_from_corpus_take_words_glossed_as_a_whole() -> None:
    # Given a text glossed word by word (no morphemes), one word unglossed
    text = Text(
        id="t",
        utterances=[
            Utterance(
                "u",
                0,
                words=[Word("wetkš", gloss="TOP"), Word("husˊ"), Word("wetkš", gloss="then")],
            )
        ],
    )
    # When entries are made from it
    new = entries_from_corpus([text], [], vernacular="ctm")
    # Then each glossed word form is an entry with its glosses as senses
    assert [(e.headword, e.morph_type, [s.gloss["en"] for s in e.senses]) for e in new] == [
        ("wetkš", None, ["TOP", "then"])
    ]


def test_links_by_the_source_tools_own_ids_before_the_form() -> None:
    # Two homographs: the form cannot decide, FLEx's GUIDs (entry guid in LIFT's attributes,
    # sense ids that are FLEx's sense GUIDs) and its citation form + homograph number can.
    lexicon = [
        LexicalEntry(
            "kan_1",
            {"qaa": "kan"},
            senses=[Sense("g-see", {"en": "see"})],
            custom={"lift:attrs": {"guid": "g-kan1", "order": "1"}},
        ),
        LexicalEntry(
            "kan_2",
            {"qaa": "kan"},
            senses=[Sense("g-look", {"en": "look"})],
            custom={"lift:attrs": {"guid": "g-kan2", "order": "2"}},
        ),
    ]
    morphs = [
        Morpheme("kan", "glimpse", sense="g-look"),
        Morpheme("kan", "", lemma="g-kan1"),
        Morpheme("kan", "look", tiers={"cf:qaa": "kan", "hn:qaa": "2"}),
        Morpheme("kan", "see"),
        Morpheme("kan", "", lemma="kan_1"),
    ]
    text = Text("t", utterances=[Utterance("u", 0, words=[Word("kan", morphemes=morphs)])])

    report = find_links([text], lexicon)

    assert [(k.entry_id, k.sense_id, k.by) for k in report.links] == [
        ("kan_2", "g-look", "id"),
        ("kan_1", None, "id"),
        ("kan_2", "g-look", "citation"),
        ("kan_1", "g-see", "form"),
    ]
    assert report.ambiguous == {}

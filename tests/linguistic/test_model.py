"""Documents (the MongoDB shape) convert back to equal objects."""

from __future__ import annotations

import json

from annotations.linguistic.model import (
    Example,
    LexicalEntry,
    MediaSpan,
    Morpheme,
    Note,
    Pronunciation,
    Relation,
    Sense,
    Text,
    Utterance,
    Variant,
    Word,
)
from tests.linguistic.factory import corpus


def test_text_doc_round_trip_on_generated_corpus() -> None:
    for text in corpus(3, 30):
        doc = json.loads(json.dumps(text.to_doc()))
        assert Text.from_doc(doc) == text


def test_doc_keys_are_short_and_empty_fields_are_left_out() -> None:
    utt = Utterance(
        id="u1",
        order=0,
        transcription="kani",
        words=[Word("kani", morphemes=[Morpheme("ka"), Morpheme("ni", "PST", boundary="-")])],
    )
    assert utt.to_doc() == {
        "id": "u1",
        "order": 0,
        "transcription": "kani",
        "words": [
            {
                "form": "kani",
                "morphemes": [{"form": "ka"}, {"form": "ni", "gloss": "PST", "sep": "-"}],
            }
        ],
    }


def test_zero_start_time_is_kept() -> None:
    utt = Utterance(id="u", order=0, media=MediaSpan(0, 10, None))
    assert utt.to_doc()["media"] == {"start": 0, "end": 10}
    assert Utterance.from_doc(utt.to_doc()) == utt


def test_entry_doc_round_trip_with_every_field() -> None:
    entry = LexicalEntry(
        id="e1",
        forms={"qaa": "-ni", "qaa-x-ipa": "-ni"},
        morph_type="suffix",
        pos="v",
        citation_form={"qaa": "ni"},
        variants=[Variant({"qaa": "-nyi"}, "suffix", "Spelling Variant", "e9")],
        senses=[
            Sense(
                id="s1",
                gloss={"en": "PST", "id": "LAMPAU"},
                definition={"en": "past tense"},
                pos="v",
                semantic_domains=["9.4.4.1"],
                examples=[
                    Example(
                        "kani",
                        "qaa",
                        {"en": "saw"},
                        "text1/u3",
                        "field notes",
                        [Note({"en": "n"}, "reference")],
                    )
                ],
                notes=[Note({"en": "common"})],
                custom={"register": "formal"},
            )
        ],
        pronunciations=[Pronunciation({"qaa-fonipa": "ni"}, ["ni.wav"])],
        relations=[Relation("synonym", "e2", 0, [("is-primary", "true")])],
        iris=["https://example.org/lex/e1"],
        status="confirmed",
        notes=[Note({"en": "entry note"}, "general")],
        custom={"k": [1, 2]},
    )
    doc = json.loads(json.dumps(entry.to_doc()))
    assert LexicalEntry.from_doc(doc) == entry
    assert entry.headword == "-ni"

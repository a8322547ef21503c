"""ELAN: the pympi sample (copied here under MIT, see data/NOTICE.md) and generated corpora."""

from __future__ import annotations

import pytest

from annotations.linguistic.formats import eaf
from annotations.linguistic.model import MediaSpan
from annotations.xmlsafe import FormatError
from tests.linguistic.factory import DATA, content, corpus

SAMPLE = (DATA / "sample_3.0.eaf").read_bytes()
WAV = "file:///Users/Shared/MPI/DemoMaterial/yele/r03_v20_s5.wav"
SYMBOLIC = eaf.TierMapping(utterance="text", words="words-symsub", pos="words-pos")


def test_tier_summary_counts() -> None:
    tiers = {t.id: t for t in eaf.tier_summary(SAMPLE)}
    assert tiers["text"].annotations == 399
    assert tiers["words-timesub"].annotations == 1995
    assert tiers["words-symsub"].annotations == 1995
    assert tiers["words-pos"].annotations == 1995
    assert tiers["gestures"].annotations == 1197
    assert tiers["gest_included"].annotations == 1197
    assert (tiers["words-pos"].constraint, tiers["words-pos"].parent) == (
        "Symbolic_Association",
        "words-symsub",
    )
    assert tiers["words-timesub"].constraint == "Time_Subdivision"
    assert tiers["gest_included"].constraint == "Included_In"


def test_symbolic_subdivision_with_pos() -> None:
    text = eaf.loads(SAMPLE, SYMBOLIC, text_id="sample")
    assert (text.id, text.language) == ("sample", "eng")
    assert len(text.utterances) == 399
    assert sum(len(u.words) for u in text.utterances) == 1995
    first = text.utterances[0]
    assert (first.id, first.transcription) == ("a1", "The quick brown fox 001")
    assert first.media == MediaSpan(2000, 5000, WAV)
    assert [(w.form, w.pos) for w in first.words] == [
        ("The", ""),
        ("quick", "adj"),
        ("brown", "adj"),
        ("fox", "n"),
        ("001", ""),
    ]


def test_time_subdivision_with_unaligned_slots() -> None:
    timesub = eaf.loads(SAMPLE, eaf.TierMapping(utterance="text", words="words-timesub"))
    symsub = eaf.loads(SAMPLE, eaf.TierMapping(utterance="text", words="words-symsub"))
    assert sum(len(u.words) for u in timesub.utterances) == 1995
    # Both word tiers split each sentence into the same number of words (found by time / by ref).
    assert [len(u.words) for u in timesub.utterances] == [len(u.words) for u in symsub.utterances]
    assert [w.form for w in timesub.utterances[33].words] == ["Thé", "quick", "brown", "fox", "034"]


def test_included_in_and_independent_tier_attach_by_time() -> None:
    mapping = eaf.TierMapping(
        utterance="text", words="gest_included", tiers={"gesture": "gestures"}
    )
    text = eaf.loads(SAMPLE, mapping)
    assert sum(len(u.words) for u in text.utterances) == 1197
    first = text.utterances[0]
    assert [w.form for w in first.words] == ["hold", "hold", "stroke"]
    assert first.tiers == {"gesture": "prep hold stroke"}


@pytest.mark.parametrize(
    "mapping",
    [
        SYMBOLIC,
        eaf.TierMapping(utterance="text", words="words-timesub"),
        eaf.TierMapping(utterance="text", words="gest_included", tiers={"gesture": "gestures"}),
    ],
)
def test_sample_round_trips(mapping: eaf.TierMapping) -> None:
    text = eaf.loads(SAMPLE, mapping)
    out = "".join(eaf.dumps(text, mapping)).encode()
    assert content([eaf.loads(out, mapping)]) == content([text])


def test_generated_corpus_round_trips_with_morphemes() -> None:
    mapping = eaf.TierMapping(
        utterance="tx",
        words="words",
        morphemes="morphs",
        gloss="gloss",
        pos="pos",
        translations={"en": "ft-en", "es": "ft-es"},
        notes="notes",
        tiers={"cf": "citation", "wnote": "word-note", "status": "st"},
    )
    [text] = corpus(1, 40, morph_types=False, lemmas=False)
    for u in text.utterances:
        u.notes = ["first", "second"] if u.order % 2 else []
        u.tiers["status"] = "ok"
        u.words[0].tiers["wnote"] = "w"
        u.words[0].morphemes[0].tiers["cf"] = "c"
        u.id = f"u{u.order}"
    text.language = "qaa"
    text.utterances[3].media = MediaSpan(None, None, "rec.wav")
    out = "".join(eaf.dumps(text, mapping)).encode()
    assert content([eaf.loads(out, mapping, text_id=text.id)]) == [text]


def test_unknown_mapped_tier_is_named() -> None:
    mapping = eaf.TierMapping(utterance="text", words="word", translations={"en": "ft"})
    with pytest.raises(FormatError) as err:
        eaf.loads(SAMPLE, mapping)
    assert [p.element for p in err.value.problems] == ["word", "ft"]
    assert str(err.value.problems[0]).startswith(
        "word: unknown tier 'word' mapped as words; tiers in the file: 'text', 'words-timesub'"
    )


def test_dependent_tier_under_another_word_tier_is_refused() -> None:
    mapping = eaf.TierMapping(utterance="text", words="words-timesub", pos="words-pos")
    with pytest.raises(
        FormatError,
        match="tier 'words-pos' \\(pos\\) must be a child of tier "
        "'words-timesub', but its parent is 'words-symsub'",
    ):
        eaf.loads(SAMPLE, mapping)


def test_eaf_malformed_xml_names_the_line() -> None:
    with pytest.raises(FormatError, match=r"^line 3: malformed XML"):
        eaf.loads(
            b"<ANNOTATION_DOCUMENT>\n<TIER TIER_ID='x'>\n</ANNOTATION_DOCUMENT>",
            eaf.TierMapping(utterance="x"),
        )


def test_eaf_oversize_is_refused() -> None:
    with pytest.raises(FormatError, match="more than the limit of 1,000"):
        eaf.loads(SAMPLE, SYMBOLIC, max_bytes=1000)

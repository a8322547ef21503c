"""Toolbox on the real Kakabe database (byte-aligned, ``\\mot`` word line, three gloss languages):
counts against an independent regex count, re-export, re-import and the diff of the export."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

import pytest

from annotations.linguistic.formats import toolbox
from annotations.linguistic.model import Text
from annotations.xmlsafe import FormatError, Problem
from tests.formats.sfm_count import fields, morph_pieces, split_records
from tests.shared_data import shared_file

pytestmark = pytest.mark.shared

KAKABE = "toolbox/kakabe.txt"
GLOSS_LINES = {"ge", "gr", "gf", "gn", "ps"}


@pytest.fixture(scope="module")
def kakabe() -> tuple[bytes, list[Text], list[Problem]]:
    data = shared_file(KAKABE).read_bytes()
    warnings: list[Problem] = []
    return data, toolbox.loads(data, warnings=warnings), warnings


def _content(texts: list[Text]) -> list[Text]:
    for text in texts:
        text.metadata.pop("toolbox", None)
    return texts


def test_shared_kakabe_markers_and_byte_columns_are_detected(
    kakabe: tuple[bytes, list[Text], list[Problem]],
) -> None:
    _, texts, _ = kakabe
    meta = texts[0].metadata["toolbox"]
    assert meta["alignment"] == "bytes"
    assert meta["header"] == [["_sh", "v3.0  400  dantxtRef"]]
    markers = meta["markers"]
    assert (markers["words"], markers["transcription"], markers["morphemes"]) == ("mot", "tx", "mb")
    assert markers["glosses"] == {"gr": "gr", "gf": "gf", "gn": "gn"}
    assert markers["translations"] == {"ft": "en", "ftr": "ftr", "ftf": "ftf"}


def test_shared_kakabe_counts_equal_an_independent_count(
    kakabe: tuple[bytes, list[Text], list[Problem]],
) -> None:
    data, texts, _ = kakabe
    items = fields(data)
    records = split_records(items, {"ref", "id"})
    id_records_with_words = sum(
        1 for r in records if r[0][0] == "id" and any(m == "mot" for m, _, _ in r)
    )
    utts = [u for t in texts for u in t.utterances]
    assert len(texts) == sum(1 for m, _, _ in items if m == "id") == 8
    assert len(utts) == sum(1 for m, _, _ in items if m == "ref") + id_records_with_words == 552
    assert sum(len(u.words) for u in utts) == sum(len(v.split()) for m, v, _ in items if m == "mot")
    assert sum(len(w.morphemes) for u in utts for w in u.words) == sum(
        morph_pieces(v) for m, v, _ in items if m == "mb"
    )
    translations = sum(1 for u in utts for v in u.translations.values() if v.strip()) + sum(
        1 for u in utts for _, v in u.more_translations if v.strip()
    )
    assert translations == sum(1 for m, v, _ in items if m in ("ft", "ftr", "ftf") and v.strip())


def test_shared_kakabe_every_gloss_lands_on_its_morpheme_where_the_file_is_aligned(
    kakabe: tuple[bytes, list[Text], list[Problem]],
) -> None:
    """On each record the import did not warn about, the glosses of each language equal the
    gloss line's tokens in order (counted here with a regex), and every gloss language has as
    many values as the morph line has morphs."""
    data, texts, warnings = kakabe
    warned = {p.line for p in warnings if p.line is not None}
    records = [
        r
        for r in split_records(fields(data), {"ref", "id"})
        if r[0][0] == "ref" or any(m == "mot" for m, _, _ in r)
    ]
    utts = [u for t in texts for u in t.utterances]
    assert len(records) == len(utts)
    checked = 0
    for rec, utt in zip(records, utts, strict=True):
        first, last = rec[0][2], rec[-1][2]
        if any(first <= line <= last for line in warned):
            continue
        for marker, lang in (("ge", None), ("gr", "gr"), ("gf", "gf")):
            # Every gloss character, in order, nothing lost or doubled (boundaries and spaces
            # aside: those are the morph line's).
            expected = "".join(re.sub(r"[-=\s]", "", v) for m, v, _ in rec if m == marker)
            got: list[str] = []
            for w in utt.words:
                if w.morphemes:
                    got.extend(
                        mo.gloss if lang is None else mo.glosses.get(lang, "") for mo in w.morphemes
                    )
                else:
                    got.append(w.gloss if lang is None else w.glosses.get(lang, ""))
            assert re.sub(r"[-=\s]", "", "".join(got)) == expected, (first, marker)
        checked += 1
    # The Kakabe file has a few hand-damaged records (the import names each line); the rest
    # must all line up.
    assert checked >= len(utts) - 70
    assert len(warnings) < 200


def test_shared_kakabe_first_record_glosses_in_three_languages(
    kakabe: tuple[bytes, list[Text], list[Problem]],
) -> None:
    _, texts, _ = kakabe
    utt = texts[0].utterances[0]
    word = utt.words[0]
    assert _nfc(word.form) == "mùséè"
    assert [(m.boundary, _nfc(m.form), m.gloss, m.glosses) for m in word.morphemes] == [
        ("", "mùsu", "woman", {"gr": "женщина", "gf": "femme"}),
        ("-", "È", "ART", {"gr": "ART", "gf": "ART"}),
    ]
    second = texts[0].utterances[1].words[4]
    assert _nfc(second.form) == "na-kɔ̀ri"
    assert [(_nfc(m.form), m.gloss, m.glosses["gf"]) for m in second.morphemes] == [
        ("la", "CAUS", "CAUS"),
        (_nfc("kɔ̀ri"), "get.tired", "se.fatiguer"),
    ]


def _nfc(value: str) -> str:
    # The file writes accents as combining marks; the test is easier to read composed.
    return unicodedata.normalize("NFC", value)


def test_shared_kakabe_export_reimports_as_the_same_corpus(
    kakabe: tuple[bytes, list[Text], list[Problem]],
) -> None:
    _, texts, _ = kakabe
    out = "".join(toolbox.dumps(texts)).encode()
    again = toolbox.loads(out, markers=texts[0].metadata["toolbox"]["markers"])
    assert again[0].metadata["toolbox"]["alignment"] == "bytes"
    assert _content(again) == _content([Text.from_doc(t.to_doc()) for t in texts])


def _normalised_records(data: bytes) -> list[list[tuple[str, str]]]:
    """The documented normalisations of docs/formats.md, applied to a Toolbox file: line
    endings, blank lines and wrapped lines (``fields`` joins them), column padding, boundary
    markers on gloss and POS lines (written from the morph line), spaces around a lone
    boundary marker, empty interlinear lines."""
    out = []
    for rec in split_records(fields(data), {"ref", "id"}):
        lines = []
        for marker, value, _ in rec:
            if marker in GLOSS_LINES:
                value = " ".join(t.strip("-=") for t in value.split() if t.strip("-="))
                if not value:
                    continue
            elif marker == "mb":
                value = " ".join(re.findall(r"[^-=\s]+", value))
            else:
                value = " ".join(value.split())
            lines.append((marker, value))
        out.append(lines)
    return out


def test_shared_kakabe_export_differs_only_by_documented_normalisations(
    kakabe: tuple[bytes, list[Text], list[Problem]],
) -> None:
    data, texts, warnings = kakabe
    out = "".join(toolbox.dumps(texts)).encode()
    original, exported = _normalised_records(data), _normalised_records(out)
    assert len(original) == len(exported)
    starts = [r[0][2] for r in split_records(fields(data), {"ref", "id"})]
    warned = {p.line for p in warnings if p.line is not None}
    for i, (a, b) in enumerate(zip(original, exported, strict=True)):
        end = starts[i + 1] if i + 1 < len(starts) else 10**9
        if any(starts[i] <= line < end for line in warned):
            # Records the import warned about are re-aligned: same markers, same words.
            assert [m for m, _ in a if m not in GLOSS_LINES] == [
                m for m, _ in b if m not in GLOSS_LINES
            ]
            continue
        assert a == b, starts[i]


def test_tolerant_decoding_repairs_windows_1252_lines_and_reports_each() -> None:
    data = "\\ref 1\n\\tx café\n\\ft the café\n\n\\ref 2\n\\tx naïve\n".encode()
    data = data.replace("naïve".encode(), "naïve".encode("cp1252"))
    with pytest.raises(FormatError) as err:
        toolbox.loads(data)
    assert [p.line for p in err.value.problems] == [6]
    warnings: list[Problem] = []
    [text] = toolbox.loads(data, decoding="tolerant", warnings=warnings)
    assert [(p.line, p.warning) for p in warnings] == [(6, True)]
    assert "Windows-1252" in warnings[0].message
    assert [u.words[0].form for u in text.utterances] == ["café", "naïve"]


def test_character_aligned_files_still_read_and_say_so() -> None:
    data = "\\ref 1\n\\tx ŋàra  bi\n\\mb ŋàra  bi\n\\ge tree  be\n".encode()
    [text] = toolbox.loads(data)
    assert text.metadata["toolbox"]["alignment"] == "characters"
    assert [m.gloss for w in text.utterances[0].words for m in w.morphemes] == ["tree", "be"]
    out = "".join(toolbox.dumps([text])).encode()
    assert "\\mb ŋàra bi\n\\ge tree be\n".encode() in out


def test_a_line_padded_in_the_other_unit_is_read_in_its_own() -> None:
    # Bytes everywhere (kàa is 5 bytes in NFD, 3 characters) but the \\ge line, which a tool
    # padded by characters: its 3SG stands under bu only when counted so.
    kaa = unicodedata.normalize("NFD", "kàa")
    lines = [
        "\\ref 1",
        f"\\tx {kaa}   bu   ni",
        f"\\mb {kaa}   bu   ni",
        "\\ge eat   3SG",
        "\\ps v       pro",
    ]
    data = "\n".join(lines).encode() + b"\n"
    warnings: list[Problem] = []
    [text] = toolbox.loads(data, alignment="bytes", warnings=warnings)
    words = text.utterances[0].words
    assert [[m.gloss for m in w.morphemes] for w in words] == [["eat"], ["3SG"], [""]]
    assert [[m.pos for m in w.morphemes] for w in words] == [["v"], ["pro"], [""]]
    assert warnings == []


def test_user_marker_mapping_names_languages() -> None:
    data = b"\\ref 1\n\\wd a b\n\\mo a b\n\\gl x y\n\\gs x2 y2\n\\tr tr\n\\trs tr2\n"
    mapping = {
        "words": "wd",
        "morphemes": "mo",
        "gloss": "gl",
        "glosses": {"gs": "es"},
        "translations": {"tr": "en", "trs": "es"},
    }
    [text] = toolbox.loads(data, markers=mapping)
    utt = text.utterances[0]
    assert utt.translations == {"en": "tr", "es": "tr2"}
    assert [(m.gloss, m.glosses) for w in utt.words for m in w.morphemes] == [
        ("x", {"es": "x2"}),
        ("y", {"es": "y2"}),
    ]
    back = toolbox.loads("".join(toolbox.dumps([text])).encode(), markers=mapping)
    assert _content(back) == _content([text])


def test_preview_shows_the_first_records_with_the_detected_mapping() -> None:
    import io

    data = b"\\_sh v3.0 400 Text\n\n\\ref 1\n\\tx a\n\\mb a\n\\ge x\n\n\\ref 2\n\\tx b\n"
    shown = toolbox.preview(io.BytesIO(data), records=1)
    assert shown["kind"] == "toolbox"
    assert shown["markers"]["words"] == "tx"
    assert [u["words"][0]["form"] for u in shown["utterances"]] == ["a"]


MDF = b"""\\_sh v3.0 400 MDF 4.0

\\lx kanu
\\hm 1
\\ps v
\\sn 1
\\ge love
\\gn aimer
\\de to love someone
\\xv a kanu
\\xe he loves it
\\sn 2
\\ge like
\\va kano
\\cf kanuli
\\dt 12/Jan/2010

\\lx bi
\\ps cop
\\ge be
"""


def test_mdf_lexicon_imports_entries_senses_examples_and_variants() -> None:
    entries = toolbox.mdf.loads(MDF, vernacular="kbe")
    assert [e.headword for e in entries] == ["kanu", "bi"]
    kanu = entries[0]
    assert kanu.custom["homograph"] == "1"
    assert [s.gloss for s in kanu.senses] == [{"en": "love", "national": "aimer"}, {"en": "like"}]
    assert kanu.senses[0].examples[0].translations == {"en": "he loves it"}
    assert [v.forms for v in kanu.variants] == [{"kbe": "kano"}]
    assert [(r.type, r.ref) for r in kanu.relations] == [("cf", "kanuli")]
    assert kanu.custom["mdf:dt"] == ["12/Jan/2010"]
    again = toolbox.mdf.loads("".join(toolbox.mdf.dumps(entries)).encode(), vernacular="kbe")
    assert again == entries


def _starts(value: bytes, unit: str) -> set[int]:
    """Token columns of a line's value, counted here from its bytes (not by our reader)."""
    if unit == "bytes":
        return {m.start() for m in re.finditer(rb"[^ \t]+", value)}
    text = value.decode("utf-8")
    return {
        sum(1 for ch in text[: m.start()] if not unicodedata.combining(ch))
        for m in re.finditer(r"[^ \t]+", text)
    }


def test_shared_kakabe_every_warning_names_its_line_and_a_defect_of_the_file(
    kakabe: tuple[bytes, list[Text], list[Problem]],
) -> None:
    """Each warning on the Kakabe file names a line that is damaged in the file itself,
    checked here on the raw bytes: a gloss line whose columns match the morph line's neither
    in bytes nor in characters, a line with another number of values than the morph line has
    morphs under a word, or the two structural oddities docs/formats.md lists."""
    data, _, warnings = kakabe
    raw = re.split(rb"\r\n|\n|\r", data)
    kinds: Counter[str] = Counter()
    for p in warnings:
        assert p.line is not None, p
        line = raw[p.line - 1]
        above = next(raw[n] for n in range(p.line - 1, -1, -1) if raw[n].startswith(b"\\mb "))
        value, morphs = line.split(b" ", 1)[1], above.split(b" ", 1)[1]
        if "stand under one morph" in p.message:
            kinds["columns"] += 1
            try:
                value.decode("utf-8"), morphs.decode("utf-8")
            except UnicodeDecodeError:
                continue  # broken bytes in the file: no columns to count
            for unit in ("bytes", "characters"):
                assert not _starts(value, unit) <= _starts(morphs, unit), (p.line, unit)
        elif "values on" in p.message:
            kinds["values"] += 1
            assert "the first ones kept in order (a value" in p.message
        elif "second \\ps line" in p.message or "before any \\ref" in p.message:
            kinds["structure"] += 1
        else:
            raise AssertionError(f"undocumented warning: {p}")
    assert kinds["structure"] == 2
    assert sum(kinds.values()) == len(warnings) < 180


def test_mdf_etymology_and_literal_meaning_are_structured_and_written_back() -> None:
    data = b"\\lx kanu\n\\hm 2\n\\et *kanu\n\\eg to love\n\\es Proto-X\n\\lt love-do\n\\ge love\n"
    [entry] = toolbox.mdf.loads(data)
    [ety] = entry.etymologies
    assert (ety.forms, ety.glosses, ety.source) == ({"und": "*kanu"}, {"en": "to love"}, "Proto-X")
    assert [(f.type, f.forms) for f in entry.fields] == [("literal-meaning", {"en": "love-do"})]
    assert toolbox.mdf.loads("".join(toolbox.mdf.dumps([entry])).encode()) == [entry]

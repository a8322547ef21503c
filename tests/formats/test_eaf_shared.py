"""ELAN on the real EAF 2.7, 2.8 and 3.0 documents: counts against lxml, word times, the
document written back (unmapped tiers, vocabularies, linked files), several speakers."""

from __future__ import annotations

from typing import Any

import pytest
from lxml import etree

from annotations.linguistic.formats import eaf
from tests.shared_data import shared_file

pytestmark = pytest.mark.shared

FILES = ["elan/sample_2.7.eaf", "elan/sample_2.8.eaf", "elan/sample_3.0.eaf"]
TIMESUB = eaf.TierMapping(utterance="text", words="words-timesub")
SYMSUB = eaf.TierMapping(utterance="text", words="words-symsub", pos="words-pos")


def _tier(root: etree._Element, tier_id: str) -> list[Any]:
    found = root.xpath(f"/ANNOTATION_DOCUMENT/TIER[@TIER_ID='{tier_id}']/ANNOTATION/*")
    assert isinstance(found, list)
    return found


def _times(root: etree._Element) -> dict[str, int | None]:
    out: dict[str, int | None] = {}
    for slot in root.xpath("/ANNOTATION_DOCUMENT/TIME_ORDER/TIME_SLOT"):
        value = slot.get("TIME_VALUE")
        out[slot.get("TIME_SLOT_ID", "")] = int(value) if value is not None else None
    return out


def _resolved(data: bytes, regenerated: set[str]) -> dict[str, Any]:
    """The document with time slots resolved to their times, ids kept except on tiers whose
    annotations an export numbers afresh: the normalisations docs/formats.md lists."""
    root = etree.fromstring(data, etree.XMLParser(remove_blank_text=True))
    times = _times(root)
    tiers = {}
    for tier in root.xpath("/ANNOTATION_DOCUMENT/TIER"):
        rows = []
        for a in tier.xpath("ANNOTATION/*"):
            keep_id = tier.get("TIER_ID", "") not in regenerated
            rows.append(
                (
                    a.get("ANNOTATION_ID") if keep_id else None,
                    a.findtext("ANNOTATION_VALUE") or "",
                    times.get(a.get("TIME_SLOT_REF1", "")),
                    times.get(a.get("TIME_SLOT_REF2", "")),
                    a.get("ANNOTATION_REF"),
                    a.get("PREVIOUS_ANNOTATION") is not None,
                    a.get("EXT_REF") if keep_id else None,
                )
            )
        tiers[tier.get("TIER_ID")] = (sorted(tier.attrib.items()), rows)
    rest = [
        etree.tostring(el, method="c14n") for el in root if el.tag not in ("TIER", "TIME_ORDER")
    ]
    return {"root": sorted(root.attrib.items()), "tiers": tiers, "rest": rest}


@pytest.mark.parametrize("relative", FILES)
def test_shared_elan_counts_and_word_times_equal_an_independent_count(relative: str) -> None:
    data = shared_file(relative).read_bytes()
    root = etree.fromstring(data)
    times = _times(root)
    text = eaf.loads(data, TIMESUB)
    words = [w for u in text.utterances for w in u.words]
    assert len(text.utterances) == len(_tier(root, "text"))
    assert len(words) == len(_tier(root, "words-timesub"))
    # Each word boundary ELAN aligned (a time slot with a value), in order, start and end.
    starts = [times[a.get("TIME_SLOT_REF1", "")] for a in _tier(root, "words-timesub")]
    ends = [times[a.get("TIME_SLOT_REF2", "")] for a in _tier(root, "words-timesub")]
    assert [w.start for w in words] == starts
    assert [w.end for w in words] == ends
    assert sum(1 for t in starts if t is not None) > 400
    symbolic = eaf.loads(data, SYMSUB)
    pos = [a for a in _tier(root, "words-pos") if a.findtext("ANNOTATION_VALUE")]
    assert sum(1 for u in symbolic.utterances for w in u.words if w.pos) == len(pos)


@pytest.mark.parametrize("relative", FILES)
@pytest.mark.parametrize("mapping", [TIMESUB, SYMSUB], ids=["timesub", "symsub"])
def test_shared_elan_to_fieldmark_to_elan_keeps_the_whole_document(
    relative: str, mapping: eaf.TierMapping
) -> None:
    data = shared_file(relative).read_bytes()
    text = eaf.loads(data, mapping)
    out = "".join(eaf.dumps(text, mapping)).encode()
    assert eaf.loads(out, mapping) == text
    regenerated = {t for role, t in mapping.roles() if role not in ("utterance", "words")}
    assert _resolved(out, regenerated) == _resolved(data, regenerated)


TWO_SPEAKERS = b"""<?xml version="1.0" encoding="UTF-8"?>
<ANNOTATION_DOCUMENT AUTHOR="" DATE="2024-01-01T00:00:00Z" FORMAT="3.0" VERSION="3.0">
<HEADER MEDIA_FILE="" TIME_UNITS="milliseconds">
<MEDIA_DESCRIPTOR MEDIA_URL="file:///rec.wav" MIME_TYPE="audio/x-wav"/>
<LINKED_FILE_DESCRIPTOR LINK_URL="file:///rec.txt" MIME_TYPE="text/plain"/>
</HEADER>
<TIME_ORDER>
<TIME_SLOT TIME_SLOT_ID="ts1" TIME_VALUE="0"/><TIME_SLOT TIME_SLOT_ID="ts2" TIME_VALUE="400"/>
<TIME_SLOT TIME_SLOT_ID="ts3" TIME_VALUE="1000"/><TIME_SLOT TIME_SLOT_ID="ts4" TIME_VALUE="1200"/>
<TIME_SLOT TIME_SLOT_ID="ts5" TIME_VALUE="2000"/>
</TIME_ORDER>
<TIER LINGUISTIC_TYPE_REF="utt" PARTICIPANT="Ana" TIER_ID="tx@A">
<ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a1" TIME_SLOT_REF1="ts1" TIME_SLOT_REF2="ts3">
<ANNOTATION_VALUE>ni ka</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION>
</TIER>
<TIER LINGUISTIC_TYPE_REF="wd" PARENT_REF="tx@A" PARTICIPANT="Ana" TIER_ID="wd@A">
<ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a2" TIME_SLOT_REF1="ts1" TIME_SLOT_REF2="ts2">
<ANNOTATION_VALUE>ni</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION>
<ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a3" TIME_SLOT_REF1="ts2" TIME_SLOT_REF2="ts3">
<ANNOTATION_VALUE>ka</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION>
</TIER>
<TIER LINGUISTIC_TYPE_REF="gl" PARENT_REF="wd@A" PARTICIPANT="Ana" TIER_ID="gl@A">
<ANNOTATION><REF_ANNOTATION ANNOTATION_ID="a4" ANNOTATION_REF="a2">
<ANNOTATION_VALUE>POSS</ANNOTATION_VALUE></REF_ANNOTATION></ANNOTATION>
<ANNOTATION><REF_ANNOTATION ANNOTATION_ID="a5" ANNOTATION_REF="a2" PREVIOUS_ANNOTATION="a4">
<ANNOTATION_VALUE>1SG</ANNOTATION_VALUE></REF_ANNOTATION></ANNOTATION>
</TIER>
<TIER LINGUISTIC_TYPE_REF="utt" PARTICIPANT="Ben" TIER_ID="tx@B">
<ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="b1" TIME_SLOT_REF1="ts4" TIME_SLOT_REF2="ts5">
<ANNOTATION_VALUE>mbo</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION>
</TIER>
<TIER LINGUISTIC_TYPE_REF="wd" PARENT_REF="tx@B" PARTICIPANT="Ben" TIER_ID="wd@B">
<ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="b2" TIME_SLOT_REF1="ts4" TIME_SLOT_REF2="ts5">
<ANNOTATION_VALUE>mbo</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION>
</TIER>
<TIER LINGUISTIC_TYPE_REF="gl" PARENT_REF="wd@B" PARTICIPANT="Ben" TIER_ID="gl@B">
<ANNOTATION><REF_ANNOTATION ANNOTATION_ID="b3" ANNOTATION_REF="b2">
<ANNOTATION_VALUE>go</ANNOTATION_VALUE></REF_ANNOTATION></ANNOTATION>
</TIER>
<TIER LINGUISTIC_TYPE_REF="utt" TIER_ID="comments"/>
<LINGUISTIC_TYPE LINGUISTIC_TYPE_ID="utt" TIME_ALIGNABLE="true"/>
<LINGUISTIC_TYPE CONSTRAINTS="Time_Subdivision" LINGUISTIC_TYPE_ID="wd" TIME_ALIGNABLE="true"/>
<LINGUISTIC_TYPE CONSTRAINTS="Symbolic_Subdivision" CONTROLLED_VOCABULARY_REF="grams"
 LINGUISTIC_TYPE_ID="gl" TIME_ALIGNABLE="false"/>
<CONTROLLED_VOCABULARY CV_ID="grams"><DESCRIPTION LANG_REF="eng">Grams</DESCRIPTION>
<CV_ENTRY_ML CVE_ID="c1"><CVE_VALUE LANG_REF="eng">1SG</CVE_VALUE></CV_ENTRY_ML>
</CONTROLLED_VOCABULARY>
</ANNOTATION_DOCUMENT>
"""


def test_every_speaker_is_imported_with_word_times_and_gloss_parts() -> None:
    mapping = eaf.TierMapping(utterance="tx@A", words="wd@A", gloss="gl@A")
    text = eaf.loads(TWO_SPEAKERS, mapping)
    assert text.speakers == ["Ana", "Ben"]
    first, second = text.utterances
    assert (first.speaker, first.transcription, second.speaker, second.transcription) == (
        "Ana",
        "ni ka",
        "Ben",
        "mbo",
    )
    assert [(w.form, w.start, w.end, w.gloss) for w in first.words] == [
        ("ni", 0, 400, "POSS 1SG"),
        ("ka", 400, 1000, ""),
    ]
    assert [(w.form, w.start, w.end, w.gloss) for w in second.words] == [("mbo", 1200, 2000, "go")]
    out = "".join(eaf.dumps(text, mapping)).encode()
    assert eaf.loads(out, mapping) == text
    root = etree.fromstring(out)
    assert root.xpath("//LINKED_FILE_DESCRIPTOR/@LINK_URL") == ["file:///rec.txt"]
    assert root.xpath("//CV_ENTRY_ML/CVE_VALUE/text()") == ["1SG"]
    assert [a.findtext("ANNOTATION_VALUE") for a in _tier(root, "gl@A")] == ["POSS", "1SG"]
    assert root.xpath("//TIER/@TIER_ID") == [
        "tx@A",
        "wd@A",
        "gl@A",
        "tx@B",
        "wd@B",
        "gl@B",
        "comments",
    ]


def test_one_speaker_only_keeps_the_others_tiers_and_writes_them_back() -> None:
    mapping = eaf.TierMapping(utterance="tx@A", words="wd@A", gloss="gl@A", speakers=False)
    text = eaf.loads(TWO_SPEAKERS, mapping)
    assert [u.speaker for u in text.utterances] == ["Ana"]
    assert [row[1] for row in text.metadata["elan"]["unmapped"]["gl@B"]] == ["go"]
    out = "".join(eaf.dumps(text, mapping)).encode()
    root = etree.fromstring(out)
    assert [a.findtext("ANNOTATION_VALUE") for a in _tier(root, "gl@B")] == ["go"]
    assert [a.get("ANNOTATION_REF") for a in _tier(root, "gl@B")] == ["b2"]

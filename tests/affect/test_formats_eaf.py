"""ELAN EAF import/export of affect layers."""

from __future__ import annotations

import pytest
from lxml import etree

from annotations.affect.formats.eaf import parse_tier_id, read_eaf, tier_id, write_eaf
from annotations.affect.model import Layer, Segment
from annotations.affect.schema import AFFECTNET8, AffectSchema, ValidationError
from tests.shared_data import shared_file


def layers() -> list[Layer]:
    return [
        Layer(
            "L1",
            "V9",
            "coder1",
            segments=[
                Segment(
                    0, 1200, {"AU12": 3, "AU6": 2}, "happiness", {"valence": 0.75}, "big smile"
                ),
                Segment(1200, 1500, {"AU43": -1}),
                Segment(2000, 2600, emotion="neutral", dimensions={"arousal": -0.25}),
            ],
        ),
        Layer(
            "L2",
            "V9",
            "coder 2",
            segments=[
                Segment(100, 1100, {"AU12": 5}, "happiness"),
                Segment(
                    1100, 1500, {"AU4": 1, "AU7": 1}, "anger", {"valence": -0.5, "arousal": 0.5}
                ),
            ],
        ),
    ]


def test_round_trip() -> None:
    data = write_eaf(layers(), media_url="file:///media/v9.mp4", participant="P07")
    assert read_eaf(data) == layers()


def test_written_document_shape() -> None:
    root = etree.fromstring(write_eaf(layers()))
    assert root.get("FORMAT") == "3.0"
    tiers = {t.get("TIER_ID"): t for t in root.iterfind("TIER")}
    assert list(tiers) == [
        "coder1|AU6",
        "coder1|AU12",
        "coder1|AU43",
        "coder1|emotion",
        "coder1|valence",
        "coder1|arousal",
        "coder1|note",
        "coder 2|AU4",
        "coder 2|AU7",
        "coder 2|AU12",
        "coder 2|emotion",
        "coder 2|valence",
        "coder 2|arousal",
    ]
    assert tiers["coder1|AU12"].get("ANNOTATOR") == "coder1"
    assert tiers["coder1|AU12"].findtext("ANNOTATION/ALIGNABLE_ANNOTATION/ANNOTATION_VALUE") == "C"
    assert tiers["coder1|AU43"].findtext("ANNOTATION/ALIGNABLE_ANNOTATION/ANNOTATION_VALUE") == "X"
    slots = [int(s.get("TIME_VALUE")) for s in root.iterfind("TIME_ORDER/TIME_SLOT")]
    assert slots == sorted(slots) == [0, 100, 1100, 1200, 1500, 2000, 2600]
    cv_ids = [cv.get("CV_ID") for cv in root.iterfind("CONTROLLED_VOCABULARY")]
    assert cv_ids == ["fieldmark-facs-intensity", "fieldmark-emotion-ekman7"]


def test_round_trip_with_affectnet_schema() -> None:
    schema = AffectSchema(emotions=AFFECTNET8)
    layer = Layer("L", "V", "c", segments=[Segment(0, 10, emotion="contempt")])
    assert read_eaf(write_eaf([layer], schema=schema), schema=schema) == [layer]


def test_tier_ids() -> None:
    assert tier_id("coder1", "AU12") == "coder1|AU12"
    assert parse_tier_id("a|b|AU12") == ("a|b", "AU12")
    assert parse_tier_id("words-pos") is None
    with pytest.raises(ValidationError):
        tier_id("a|b", "AU12")


def test_shared_linguistic_eaf_is_rejected_naming_its_tiers() -> None:
    data = shared_file("elan/sample_3.0.eaf").read_bytes()
    with pytest.raises(ValidationError) as info:
        read_eaf(data, video_id="V")
    assert info.value.field == "tiers"
    assert info.value.message == (
        "tier ids do not follow the '<annotator>|AU12' / '<annotator>|emotion' scheme: "
        "'text', 'words-timesub', 'words-symsub', 'gestures', 'gest_included', 'words-pos'"
    )


def _doc(tier: str, value: str, t0: str = "0", t1: str = "100") -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<ANNOTATION_DOCUMENT FORMAT="3.0" VERSION="3.0"><HEADER MEDIA_FILE="" TIME_UNITS="milliseconds"/>
<TIME_ORDER><TIME_SLOT TIME_SLOT_ID="ts1" TIME_VALUE="{t0}"/>
<TIME_SLOT TIME_SLOT_ID="ts2" TIME_VALUE="{t1}"/></TIME_ORDER>
<TIER TIER_ID="{tier}" LINGUISTIC_TYPE_REF="x"><ANNOTATION><ALIGNABLE_ANNOTATION
 ANNOTATION_ID="a1" TIME_SLOT_REF1="ts1" TIME_SLOT_REF2="ts2">
<ANNOTATION_VALUE>{value}</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION></TIER></ANNOTATION_DOCUMENT>""".encode()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (_doc("c|AU99", "A"), "tier c|AU99", "unknown Action Unit 'AU99' (schema v1)"),
        (
            _doc("c|AU12", "F"),
            "tier c|AU12 annotation a1",
            "'F' is not a FACS intensity (A-E, X for unscorable, 0 for absent)",
        ),
        (
            _doc("c|valence", "1.5"),
            "tier c|valence annotation a1",
            "valence 1.5 is outside [-1, 1]",
        ),
        (
            _doc("c|emotion", "joy"),
            "tier c|emotion annotation a1",
            "'joy' is not in category set 'ekman7'",
        ),
        (
            _doc("c|AU12", "A", "100", "100"),
            "tier c|AU12 annotation a1",
            "t1 100 ms must be after t0 100 ms",
        ),
    ],
)
def test_bad_values_name_tier_and_reason(data: bytes, field: str, message: str) -> None:
    with pytest.raises(ValidationError) as info:
        read_eaf(data, video_id="V")
    assert (info.value.field, info.value.message) == (field, message)


def test_beyond_duration_and_unsafe_or_oversize_input() -> None:
    with pytest.raises(ValidationError) as info:
        read_eaf(_doc("c|AU12", "A", "0", "5000"), video_id="V", duration_ms=4000)
    assert info.value.message == "t1 5000 ms is beyond the media duration 4000 ms"
    bomb = b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa">]><d>&a;</d>'
    with pytest.raises(ValidationError) as info:
        read_eaf(bomb, video_id="V")
    assert info.value.field == "file"
    assert "entities" in info.value.message
    with pytest.raises(ValidationError) as info:
        read_eaf(_doc("c|AU12", "A"), video_id="V", max_bytes=100)
    assert info.value.field == "file"
    with pytest.raises(ValidationError) as info:
        read_eaf(b"<ANNOTATION_DOCUMENT>", video_id="V")
    assert info.value.field == "file"

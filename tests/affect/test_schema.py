"""Schema validation: every error names the field and the reason."""

from __future__ import annotations

import pytest

from annotations.affect.schema import (
    AFFECTNET8,
    DEFAULT_SCHEMA,
    EKMAN_NEUTRAL,
    AffectSchema,
    ValidationError,
    au_code,
    custom_category_set,
    intensity_from_letter,
    intensity_to_letter,
)


def test_default_au_set_has_the_19_facs_units_with_names() -> None:
    assert DEFAULT_SCHEMA.au_codes == (
        "AU1",
        "AU2",
        "AU4",
        "AU5",
        "AU6",
        "AU7",
        "AU9",
        "AU10",
        "AU12",
        "AU14",
        "AU15",
        "AU17",
        "AU20",
        "AU23",
        "AU24",
        "AU25",
        "AU26",
        "AU28",
        "AU43",
    )
    assert DEFAULT_SCHEMA.au_name("AU12") == "Lip Corner Puller"
    assert DEFAULT_SCHEMA.au_name("AU43") == "Eyes Closed"
    assert DEFAULT_SCHEMA.emotions is EKMAN_NEUTRAL
    assert AFFECTNET8.categories == (
        "neutral",
        "happy",
        "sad",
        "surprise",
        "fear",
        "disgust",
        "anger",
        "contempt",
    )


@pytest.mark.parametrize(
    ("given", "expected"),
    [("AU12", "AU12"), ("AU01", "AU1"), (6, "AU6"), ("au25", "AU25"), ("17", "AU17")],
)
def test_au_codes_are_normalised(given: str | int, expected: str) -> None:
    assert au_code(given) == expected


def test_intensity_letters_round_trip() -> None:
    assert [intensity_to_letter(i) for i in range(-1, 6)] == ["X", "0", "A", "B", "C", "D", "E"]
    assert [intensity_from_letter(x) for x in "X0ABCDE"] == [-1, 0, 1, 2, 3, 4, 5]
    assert intensity_from_letter("c") == 3


@pytest.mark.parametrize(
    ("call", "field", "message"),
    [
        (
            lambda: DEFAULT_SCHEMA.validate_au("AU99"),
            "au",
            "unknown Action Unit 'AU99' (schema v1)",
        ),
        (
            lambda: DEFAULT_SCHEMA.validate_au("smile"),
            "au",
            "'smile' is not an Action Unit code like 'AU12'",
        ),
        (lambda: DEFAULT_SCHEMA.validate_intensity(7), "intensity", "intensity 7 is outside -1..5"),
        (
            lambda: DEFAULT_SCHEMA.validate_intensity(True),
            "intensity",
            "intensity must be an int, got True",
        ),
        (
            lambda: DEFAULT_SCHEMA.validate_dimension("valence", 1.5),
            "valence",
            "valence 1.5 is outside [-1, 1]",
        ),
        (
            lambda: DEFAULT_SCHEMA.validate_dimension("arousal", float("nan")),
            "arousal",
            "arousal nan is outside [-1, 1]",
        ),
        (
            lambda: DEFAULT_SCHEMA.validate_category("contempt"),
            "emotion",
            "'contempt' is not in category set 'ekman7'",
        ),
        (
            lambda: DEFAULT_SCHEMA.validate_interval(500, 500),
            "segment",
            "t1 500 ms must be after t0 500 ms",
        ),
        (
            lambda: DEFAULT_SCHEMA.validate_interval(0, 20001, 20000),
            "segment",
            "t1 20001 ms is beyond the media duration 20000 ms",
        ),
        (
            lambda: intensity_from_letter("F"),
            "intensity",
            "'F' is not a FACS intensity (A-E, X for unscorable, 0 for absent)",
        ),
    ],
)
def test_validation_errors_carry_field_and_reason(call: object, field: str, message: str) -> None:
    with pytest.raises(ValidationError) as info:
        call()  # type: ignore[operator]
    assert (info.value.field, info.value.message) == (field, message)


def test_schema_document_round_trip_and_versioning() -> None:
    schema = AffectSchema(version=3, emotions=custom_category_set("study1", ["calm", "tense"]))
    again = AffectSchema.from_doc(schema.to_doc())
    assert again == schema
    assert again.version == 3
    assert again.emotions.categories == ("calm", "tense")
    with pytest.raises(ValidationError) as info:
        AffectSchema(version=0)
    assert info.value.field == "version"
    with pytest.raises(ValidationError) as info:
        custom_category_set("bad name", ["x"])
    assert info.value.field == "name"

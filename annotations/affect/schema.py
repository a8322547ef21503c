"""Label schemas for affect annotation: FACS Action Units, emotion categories, dimensions.

Intensity codes (one small int per AU, so frame arrays stay numeric and compact):

* ``-1`` (:data:`UNSCORABLE`): the coder looked and could not score the AU (face occluded,
  turned away, out of frame). Agreement treats it as missing, not as "absent".
* ``0`` (:data:`ABSENT`): the AU is not present.
* ``1``..``5``: present with FACS intensity ``A``..``E``.

"Not coded at all" is not an intensity: it is the absence of a label (``NaN`` in frame arrays,
no key in a segment's AU dict).

A schema is versioned so that stored layers can say which label set they were made with; a change
to the label sets (new AU, renamed category) must bump :attr:`AffectSchema.version`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any, Final

UNSCORABLE: Final = -1
ABSENT: Final = 0
MAX_INTENSITY: Final = 5
INTENSITY_LETTERS: Final = "ABCDE"
UNSCORABLE_LETTER: Final = "X"

_AU_CODE = re.compile(r"^AU0*([1-9][0-9]*)$")


class ValidationError(ValueError):
    """A label or annotation that breaks the schema; ``field`` names where, ``message`` why."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class ActionUnit:
    """One FACS Action Unit; ``code`` (``AU12``) is the key used everywhere else."""

    number: int
    name: str

    @property
    def code(self) -> str:
        return f"AU{self.number}"


FACS_AUS: Final[tuple[ActionUnit, ...]] = (
    ActionUnit(1, "Inner Brow Raiser"),
    ActionUnit(2, "Outer Brow Raiser"),
    ActionUnit(4, "Brow Lowerer"),
    ActionUnit(5, "Upper Lid Raiser"),
    ActionUnit(6, "Cheek Raiser"),
    ActionUnit(7, "Lid Tightener"),
    ActionUnit(9, "Nose Wrinkler"),
    ActionUnit(10, "Upper Lip Raiser"),
    ActionUnit(12, "Lip Corner Puller"),
    ActionUnit(14, "Dimpler"),
    ActionUnit(15, "Lip Corner Depressor"),
    ActionUnit(17, "Chin Raiser"),
    ActionUnit(20, "Lip Stretcher"),
    ActionUnit(23, "Lip Tightener"),
    ActionUnit(24, "Lip Pressor"),
    ActionUnit(25, "Lips Part"),
    ActionUnit(26, "Jaw Drop"),
    ActionUnit(28, "Lip Suck"),
    ActionUnit(43, "Eyes Closed"),
)


def au_code(value: str | int) -> str:
    """Canonical AU code (``AU12``) from ``12``, ``"12"``, ``"AU12"`` or OpenFace's ``"AU01"``."""
    text = str(value).strip().upper()
    if text.isdigit():
        text = "AU" + text
    match = _AU_CODE.match(text)
    if match is None:
        raise ValidationError("au", f"{value!r} is not an Action Unit code like 'AU12'")
    return f"AU{int(match.group(1))}"


def intensity_to_letter(intensity: int) -> str:
    """FACS notation: ``3`` -> ``"C"``, unscorable -> ``"X"``, absent -> ``"0"``."""
    if intensity == UNSCORABLE:
        return UNSCORABLE_LETTER
    if intensity == ABSENT:
        return "0"
    if 1 <= intensity <= MAX_INTENSITY:
        return INTENSITY_LETTERS[intensity - 1]
    raise ValidationError("intensity", f"{intensity} is outside -1..{MAX_INTENSITY}")


def intensity_from_letter(letter: str) -> int:
    """Inverse of :func:`intensity_to_letter`; accepts lower case."""
    text = letter.strip().upper()
    if text == UNSCORABLE_LETTER:
        return UNSCORABLE
    if text == "0":
        return ABSENT
    if len(text) == 1 and text in INTENSITY_LETTERS:
        return INTENSITY_LETTERS.index(text) + 1
    raise ValidationError(
        "intensity", f"{letter!r} is not a FACS intensity (A-E, X for unscorable, 0 for absent)"
    )


@dataclass(frozen=True)
class EmotionCategorySet:
    """A named closed set of emotion categories.

    ``vocabulary_uri`` is the EmotionML vocabulary the set is identical to, if any; sets without
    one are exported with an inline ``<vocabulary>``.
    """

    name: str
    categories: tuple[str, ...]
    vocabulary_uri: str | None = None

    def __post_init__(self) -> None:
        if not self.categories:
            raise ValidationError("categories", f"category set {self.name!r} is empty")
        if len(set(self.categories)) != len(self.categories):
            raise ValidationError("categories", f"category set {self.name!r} repeats a name")

    def index(self, category: str) -> int:
        return self.categories.index(category)


EKMAN_NEUTRAL: Final = EmotionCategorySet(
    "ekman7", ("neutral", "anger", "disgust", "fear", "happiness", "sadness", "surprise")
)
BIG6: Final = EmotionCategorySet(
    "big6",
    ("anger", "disgust", "fear", "happiness", "sadness", "surprise"),
    "http://www.w3.org/TR/emotion-voc/xml#big6",
)
AFFECTNET8: Final = EmotionCategorySet(
    "affectnet8",
    ("neutral", "happy", "sad", "surprise", "fear", "disgust", "anger", "contempt"),
)
CATEGORY_SETS: Final = {s.name: s for s in (EKMAN_NEUTRAL, BIG6, AFFECTNET8)}

DIMENSIONS: Final = ("valence", "arousal")
DIMENSION_RANGE: Final = (-1.0, 1.0)


@dataclass(frozen=True)
class AffectSchema:
    """The labels a project allows; every validator raises :class:`ValidationError`."""

    version: int = 1
    action_units: tuple[ActionUnit, ...] = FACS_AUS
    emotions: EmotionCategorySet = EKMAN_NEUTRAL
    dimensions: tuple[str, ...] = DIMENSIONS
    notes: bool = True
    _by_code: dict[str, ActionUnit] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.version < 1:
            raise ValidationError("version", f"must be a positive int, got {self.version}")
        by_code = {au.code: au for au in self.action_units}
        if len(by_code) != len(self.action_units):
            raise ValidationError("action_units", "an Action Unit is listed twice")
        unknown = [d for d in self.dimensions if d not in DIMENSIONS]
        if unknown:
            raise ValidationError("dimensions", f"unknown dimension {unknown[0]!r}")
        object.__setattr__(self, "_by_code", by_code)

    @property
    def au_codes(self) -> tuple[str, ...]:
        return tuple(au.code for au in self.action_units)

    def au_name(self, code: str) -> str:
        return self._by_code[self.validate_au(code)].name

    def validate_au(self, code: str, field: str = "au") -> str:
        """Return the canonical code of a known AU."""
        try:
            canonical = au_code(code)
        except ValidationError:
            raise ValidationError(
                field, f"{code!r} is not an Action Unit code like 'AU12'"
            ) from None
        if canonical not in self._by_code:
            raise ValidationError(field, f"unknown Action Unit {code!r} (schema v{self.version})")
        return canonical

    def validate_intensity(self, value: object, field: str = "intensity") -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValidationError(field, f"intensity must be an int, got {value!r}")
        if not UNSCORABLE <= value <= MAX_INTENSITY:
            raise ValidationError(
                field, f"intensity {value} is outside {UNSCORABLE}..{MAX_INTENSITY}"
            )
        return value

    def validate_category(self, value: str, field: str = "emotion") -> str:
        if value not in self.emotions.categories:
            raise ValidationError(field, f"{value!r} is not in category set {self.emotions.name!r}")
        return value

    def validate_dimension(self, name: str, value: object, field: str | None = None) -> float:
        where = field or name
        if name not in self.dimensions:
            raise ValidationError(where, f"unknown dimension {name!r}")
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValidationError(where, f"{name} must be a number, got {value!r}")
        low, high = DIMENSION_RANGE
        if not (math.isfinite(value) and low <= value <= high):
            raise ValidationError(where, f"{name} {value} is outside [{low:g}, {high:g}]")
        return float(value)

    def validate_note(self, value: str, field: str = "note") -> str:
        if value and not self.notes:
            raise ValidationError(field, "free notes are switched off in this schema")
        return value

    def validate_interval(
        self, t0_ms: int, t1_ms: int, duration_ms: int | None = None, field: str = "segment"
    ) -> None:
        """Half-open ``[t0, t1)`` in ms inside ``[0, duration]`` when the duration is known."""
        if t0_ms < 0:
            raise ValidationError(field, f"t0 {t0_ms} ms is negative")
        if t1_ms <= t0_ms:
            raise ValidationError(field, f"t1 {t1_ms} ms must be after t0 {t0_ms} ms")
        if duration_ms is not None and t1_ms > duration_ms:
            raise ValidationError(
                field, f"t1 {t1_ms} ms is beyond the media duration {duration_ms} ms"
            )

    def to_doc(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "action_units": [{"number": au.number, "name": au.name} for au in self.action_units],
            "emotions": {
                "name": self.emotions.name,
                "categories": list(self.emotions.categories),
                "vocabulary_uri": self.emotions.vocabulary_uri,
            },
            "dimensions": list(self.dimensions),
            "notes": self.notes,
        }

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> AffectSchema:
        emotions = doc["emotions"]
        return cls(
            version=int(doc["version"]),
            action_units=tuple(
                ActionUnit(int(a["number"]), str(a["name"])) for a in doc["action_units"]
            ),
            emotions=EmotionCategorySet(
                str(emotions["name"]),
                tuple(str(c) for c in emotions["categories"]),
                emotions.get("vocabulary_uri"),
            ),
            dimensions=tuple(str(d) for d in doc["dimensions"]),
            notes=bool(doc.get("notes", True)),
        )


DEFAULT_SCHEMA: Final = AffectSchema()


def custom_category_set(name: str, categories: list[str] | tuple[str, ...]) -> EmotionCategorySet:
    """A project-defined category set (exported to EmotionML with an inline vocabulary)."""
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.-]*", name):
        raise ValidationError("name", f"{name!r} is not a usable set id (letters, digits, _.-)")
    return EmotionCategorySet(name, tuple(categories))


EMOTION_PRESETS: Final = {"ekman": EKMAN_NEUTRAL, "affectnet": AFFECTNET8}
CUSTOM_SET_NAME: Final = "custom"


def facs_action_unit(code: str, name: str | None = None, field: str = "action_units") -> ActionUnit:
    """An AU of a project's set: a FACS AU takes its FACS name unless one is given; any other AU
    needs a name."""
    try:
        canonical = au_code(code)
    except ValidationError:
        raise ValidationError(field, f"{code!r} is not an Action Unit code like 'AU12'") from None
    number = int(canonical[2:])
    if name:
        return ActionUnit(number, name)
    known = {au.number: au for au in FACS_AUS}
    if number not in known:
        raise ValidationError(field, f"{canonical} is not a FACS Action Unit: give it a name")
    return known[number]


def emotion_set(
    value: str | list[str] | tuple[str, ...], field: str = "emotions"
) -> EmotionCategorySet:
    """A preset by name (:data:`EMOTION_PRESETS`) or a custom list of categories."""
    if isinstance(value, str):
        if value not in EMOTION_PRESETS:
            presets = ", ".join(EMOTION_PRESETS)
            raise ValidationError(field, f"{value!r} is not a preset ({presets}) or a list")
        return EMOTION_PRESETS[value]
    names = [str(c).strip() for c in value]
    if any(not c for c in names):
        raise ValidationError(field, "a category name is empty")
    try:
        return custom_category_set(CUSTOM_SET_NAME, names)
    except ValidationError as exc:
        raise ValidationError(field, exc.message) from None


def emotion_preset(emotions: EmotionCategorySet) -> str:
    """The preset name of a category set, ``custom`` for any other."""
    for name, preset in EMOTION_PRESETS.items():
        if preset == emotions:
            return name
    return CUSTOM_SET_NAME

"""Which Toolbox marker holds what: the marker mapping, its presets, and detection from a file.

Toolbox (and Shoebox, and FLEx's standard-format export) give markers no fixed meaning: the
database type decides. A ``MarkerMap`` says which marker starts a text and a record, which line
is the interlinear word line, which lines are aligned under it, and which language each gloss
and translation line is in, so ``\\gr`` can be Russian in one corpus and a regional gloss in
another.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Literal

Alignment = Literal["bytes", "characters"]

_MARKER = re.compile(r"\\(\S+)")
# Markers named after a language by Fieldmark's writer when the mapping has none for it.
LANG_SUFFIX = re.compile(r"^(ft|g|gw)_([A-Za-z0-9-]+)$")


@dataclass(frozen=True, slots=True)
class MarkerMap:
    """The meaning of each marker in one Toolbox corpus.

    ``record`` starts an utterance ("" for blank-line separated records, as in SIGMORPHON
    files); ``text`` starts a text (None: the whole file is one text); ``words`` is the line the
    interlinear bundle hangs from and ``transcription`` an unaligned sentence line above it
    (Kakabe's ``\\tx`` above ``\\mot``). ``glosses`` and ``translations`` map further markers to
    their language. ``aligned`` says whether lines below ``words`` are aligned by column
    (Toolbox interlinear) or split by spaces, one token per word (SIGMORPHON).
    """

    name: str = "custom"
    record: str = "ref"
    text: str | None = "id"
    words: str = "tx"
    transcription: str | None = None
    morphemes: str | None = "mb"
    gloss: str | None = "ge"
    gloss_lang: str = "en"
    glosses: Mapping[str, str] = field(default_factory=dict)
    pos: str | None = "ps"
    word_gloss: str | None = None
    word_pos: str | None = None
    translations: Mapping[str, str] = field(default_factory=lambda: {"ft": "en"})
    notes: tuple[str, ...] = ("nt",)
    title: str | None = None
    begin: str | None = "ELANBegin"
    end: str | None = "ELANEnd"
    speaker: str | None = "ELANParticipant"
    aligned: bool = True

    def interlinear(self) -> list[str]:
        """The markers of the lines in an interlinear bundle, word line first."""
        out = [self.words]
        for marker in (self.morphemes, self.gloss, *self.glosses, self.pos):
            if marker:
                out.append(marker)
        for marker in (self.word_gloss, self.word_pos):
            if marker:
                out.append(marker)
        return out

    def to_dict(self) -> dict[str, Any]:
        doc = asdict(self)
        doc["glosses"] = dict(self.glosses)
        doc["translations"] = dict(self.translations)
        doc["notes"] = list(self.notes)
        return doc

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any]) -> MarkerMap:
        """A mapping from JSON (a stored corpus, the import dialog); unknown keys are refused."""
        known = set(cls.__dataclass_fields__)
        unknown = sorted(set(doc) - known)
        if unknown:
            raise ValueError(f"unknown marker mapping keys: {', '.join(unknown)}")
        values = dict(doc)
        for key in ("glosses", "translations"):
            if key in values:
                values[key] = {str(k).lstrip("\\"): str(v) for k, v in dict(values[key]).items()}
        if "notes" in values:
            values["notes"] = tuple(str(n).lstrip("\\") for n in values["notes"])
        for key in ("record", "text", "words", "transcription", "morphemes", "gloss", "pos",
                    "word_gloss", "word_pos", "title", "begin", "end", "speaker"):  # fmt: skip
            if isinstance(values.get(key), str):
                values[key] = values[key].lstrip("\\") or (None if key != "record" else "")
        if not values.get("words"):
            raise ValueError("a marker mapping needs a words marker")
        return cls(**values)

    def gloss_marker(self, lang: str) -> str:
        """The marker a gloss in ``lang`` is written with (``g_<lang>`` if none is mapped)."""
        if lang == self.gloss_lang and self.gloss:
            return self.gloss
        for marker, mlang in self.glosses.items():
            if mlang == lang:
                return marker
        return f"g_{lang}"

    def translation_marker(self, lang: str) -> str:
        for marker, mlang in self.translations.items():
            if mlang == lang:
                return marker
        return f"ft_{lang}"


SIGMORPHON = MarkerMap(
    name="sigmorphon",
    record="",
    text=None,
    words="t",
    morphemes="m",
    gloss="g",
    pos="p",
    translations={"l": "en"},
    notes=(),
    begin=None,
    end=None,
    speaker=None,
    aligned=False,
)
TOOLBOX_IGT = MarkerMap(name="toolbox", title="title")
# FLEx "Export Interlinear" to Toolbox standard format: word-level gloss and category lines
# besides the morpheme lines, literal translations beside free ones.
FLEX_SFM = MarkerMap(
    name="flex_sfm",
    word_gloss="wg",
    word_pos="wps",
    translations={"ft": "en"},
    title="title",
)
PRESETS: dict[str, MarkerMap] = {m.name: m for m in (SIGMORPHON, TOOLBOX_IGT, FLEX_SFM)}
# The MDF lexicon preset is read by ``mdf``; it is listed here so the import dialog offers it.
PRESET_NAMES = ("sigmorphon", "toolbox", "flex_sfm", "mdf")

Kind = Literal["sigmorphon", "toolbox", "mdf"]


def marker_of(line: str) -> str | None:
    m = _MARKER.match(line)
    return m.group(1) if m else None


def sniff(lines: Iterable[str]) -> Kind:
    """What a standard-format file holds, from its first lines: an MDF lexicon (``\\lx``
    records), a Toolbox interlinear database (``\\ref``/``\\tx``/``\\mb``) or SIGMORPHON
    blocks (``\\t``/``\\g``)."""
    counts = Counter(m for line in lines if (m := marker_of(line)))
    if counts["lx"] and counts["lx"] >= counts["ref"]:
        return "mdf"
    if counts["ref"] or counts["tx"] or counts["mb"] or counts["id"]:
        return "toolbox"
    return "sigmorphon"


_KNOWN_GLOSS_LANG = {"ge": "en"}
_KNOWN_TRANSLATION_LANG = {"ft": "en", "fte": "en", "l": "en"}


def detect(lines: list[str]) -> MarkerMap:
    """A marker map for the file whose first lines are ``lines``.

    The word line is the one that most often stands right above the morpheme line (Toolbox's
    parse base: ``\\tx`` usually, ``\\mot`` in some databases, whose ``\\tx`` is then the
    unaligned sentence). Further ``\\g*`` lines in the bundles are extra gloss languages and
    further ``\\f*`` lines translations; their language is the marker name unless the mapping
    says otherwise, so nothing is merged.
    """
    kind = sniff(lines)
    if kind == "sigmorphon":
        translations = {"l": "en"}
        for m in {m for line in lines if (m := marker_of(line))}:
            suffixed = LANG_SUFFIX.match(m)
            if suffixed and suffixed.group(1) == "ft":
                translations[m] = suffixed.group(2)
        return replace(SIGMORPHON, translations=translations)
    markers = [marker_of(line) for line in lines]
    present = Counter(m for m in markers if m)
    above: Counter[str] = Counter()
    for prev, cur in zip(markers, markers[1:], strict=False):
        if cur == "mb" and prev:
            above[prev] += 1
    words = above.most_common(1)[0][0] if above else "tx"
    transcription = "tx" if words != "tx" and present["tx"] else None
    morphemes = "mb" if present["mb"] else None
    gloss = "ge" if present["ge"] else None
    bundle = _bundle_markers(markers, words)
    glosses: dict[str, str] = {}
    for m in bundle:
        if m == gloss or not m.startswith("g") or m in ("gw",):
            continue
        suffixed = LANG_SUFFIX.match(m)
        glosses[m] = suffixed.group(2) if suffixed else _KNOWN_GLOSS_LANG.get(m, m)
    translations: dict[str, str] = {}
    for m in present:
        suffixed = LANG_SUFFIX.match(m)
        if suffixed and suffixed.group(1) == "ft":
            translations[m] = suffixed.group(2)
        elif m in ("ft", "ftr", "ftf", "fte", "ftn", "fn", "fr", "lt") or (
            m.startswith("ft") and len(m) <= 4
        ):
            translations[m] = _KNOWN_TRANSLATION_LANG.get(m, m)
    if "ft" not in translations:
        translations = {"ft": "en", **translations}
    text = "id" if present["id"] or not present["ref"] else None
    return MarkerMap(
        name="detected",
        record="ref" if present["ref"] else "",
        text=text,
        words=words,
        transcription=transcription,
        morphemes=morphemes,
        gloss=gloss,
        glosses=glosses,
        pos="ps" if "ps" in bundle or present["ps"] else None,
        word_gloss="wg" if present["wg"] else None,
        word_pos="wps" if present["wps"] else None,
        translations=translations,
        notes=("nt",),
        title="title" if present["title"] else None,
    )


def _bundle_markers(markers: list[str | None], words: str) -> list[str]:
    """Markers seen inside interlinear bundles: the run of lines after a word line, up to a
    blank line or a translation line."""
    seen: dict[str, None] = {}
    inside = False
    for m in markers:
        if m == words:
            inside = True
            continue
        if not inside:
            continue
        if m is None or m.startswith("f") or m in ("ref", "id", "nt"):
            inside = False
            continue
        seen[m] = None
    return list(seen)

"""The Leipzig Glossing Rules: standard abbreviations and a gloss splitter that flags unknown grams.

A gloss such as ``1SG.ERG-see-PST=Q`` is split into morphs on ``-`` (affix) and ``=`` (clitic),
infixes in ``<...>`` become their own morph, and each morph's gloss into elements on ``.`` (several
meta-language elements) and ``:`` (non-segmentable). Uppercase elements are grammatical
categories ("grams"); person-number clusters (``3SG``, ``1PL``) and the ``N`` (non-) prefix are
understood. ``_`` joins a multi-word lexical gloss and is not a separator.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field

LEIPZIG_ABBREVIATIONS: dict[str, str] = {
    "1": "first person",
    "2": "second person",
    "3": "third person",
    "A": "agent-like argument of canonical transitive verb",
    "ABL": "ablative",
    "ABS": "absolutive",
    "ACC": "accusative",
    "ADJ": "adjective",
    "ADV": "adverb(ial)",
    "AGR": "agreement",
    "ALL": "allative",
    "ANTIP": "antipassive",
    "APPL": "applicative",
    "ART": "article",
    "AUX": "auxiliary",
    "BEN": "benefactive",
    "CAUS": "causative",
    "CLF": "classifier",
    "COM": "comitative",
    "COMP": "complementizer",
    "COMPL": "completive",
    "COND": "conditional",
    "COP": "copula",
    "CVB": "converb",
    "DAT": "dative",
    "DECL": "declarative",
    "DEF": "definite",
    "DEM": "demonstrative",
    "DET": "determiner",
    "DIST": "distal",
    "DISTR": "distributive",
    "DU": "dual",
    "DUR": "durative",
    "ERG": "ergative",
    "EXCL": "exclusive",
    "F": "feminine",
    "FOC": "focus",
    "FUT": "future",
    "GEN": "genitive",
    "IMP": "imperative",
    "INCL": "inclusive",
    "IND": "indicative",
    "INDF": "indefinite",
    "INF": "infinitive",
    "INS": "instrumental",
    "INTR": "intransitive",
    "IPFV": "imperfective",
    "IRR": "irrealis",
    "LOC": "locative",
    "M": "masculine",
    "N": "neuter",
    "N-": "non- (e.g. NSG nonsingular, NPST nonpast)",
    "NEG": "negation, negative",
    "NMLZ": "nominalizer/nominalization",
    "NOM": "nominative",
    "OBJ": "object",
    "OBL": "oblique",
    "P": "patient-like argument of canonical transitive verb",
    "PASS": "passive",
    "PFV": "perfective",
    "PL": "plural",
    "POSS": "possessive",
    "PRED": "predicative",
    "PRF": "perfect",
    "PRS": "present",
    "PROG": "progressive",
    "PROH": "prohibitive",
    "PROX": "proximal/proximate",
    "PST": "past",
    "PTCP": "participle",
    "PURP": "purposive",
    "Q": "question particle/marker",
    "QUOT": "quotative",
    "RECP": "reciprocal",
    "REFL": "reflexive",
    "REL": "relative",
    "RES": "resultative",
    "S": "single argument of canonical intransitive verb",
    "SBJ": "subject",
    "SBJV": "subjunctive",
    "SG": "singular",
    "TOP": "topic",
    "TR": "transitive",
    "VOC": "vocative",
}
NON_PREFIX = "N"  # "N-" in the appendix: NSG non-singular, NPST non-past

_PERSON_NUMBER = re.compile(r"^([123]+)(SG|DU|PL|PAUC)?(.*)$")
_MORPH_SPLIT = re.compile(r"([-=])")
_ELEMENT_SPLIT = re.compile(r"([.:])")
_INFIX = re.compile(r"<([^<>]*)>")
_GRAM = re.compile(r"^[A-Z0-9]+$")


@dataclass(frozen=True, slots=True)
class GlossElement:
    """One meta-language element: a gram (``PST``) or a lexical gloss (``see``)."""

    text: str
    is_gram: bool
    meaning: str | None = None
    separator: str = ""


@dataclass(slots=True)
class GlossMorph:
    """The gloss of one morph; ``boundary`` is ``-``, ``=``, ``<>`` (infix) or "" (first)."""

    text: str
    boundary: str
    elements: list[GlossElement] = field(default_factory=list)


@dataclass(slots=True)
class GlossAnalysis:
    morphs: list[GlossMorph]
    warnings: list[str]

    @property
    def grams(self) -> list[str]:
        return [e.text for m in self.morphs for e in m.elements if e.is_gram]

    @property
    def lexical(self) -> list[str]:
        return [e.text for m in self.morphs for e in m.elements if not e.is_gram and e.text]


def _meaning(gram: str, allowed: Collection[str]) -> str | None:
    """Meaning of a gram, or None if neither Leipzig nor the project allow-list knows it."""
    if gram in LEIPZIG_ABBREVIATIONS:
        return LEIPZIG_ABBREVIATIONS[gram]
    if gram in allowed:
        return "project-defined"
    m = _PERSON_NUMBER.match(gram)
    if m and (m.group(2) or not m.group(3)):
        persons = " and ".join(LEIPZIG_ABBREVIATIONS[p] for p in m.group(1))
        rest = (m.group(2) or "") + m.group(3)
        if not rest:
            return persons
        tail = _meaning(rest, allowed) if rest not in ("PAUC",) else "paucal"
        return f"{persons} {tail}" if tail else None
    if gram.startswith(NON_PREFIX) and len(gram) > 1:
        inner = _meaning(gram[1:], allowed)
        if inner:
            return f"non-{inner}"
    return None


def split_gloss(gloss: str, allowed: Collection[str] = ()) -> GlossAnalysis:
    """Split a word's gloss into morphs and elements; warn about unknown uppercase grams.

    ``allowed`` holds project-defined grams (e.g. ``{"AOR", "ERG"}``) that are not warned about.
    """
    morphs: list[GlossMorph] = []
    warnings: list[str] = []
    parts = _MORPH_SPLIT.split(gloss)
    pieces = [("", parts[0])] + [(parts[i], parts[i + 1]) for i in range(1, len(parts), 2)]
    for boundary, piece in pieces:
        infixes = _INFIX.findall(piece)
        base = _INFIX.sub("", piece)
        morphs.append(_morph(base, boundary, allowed, warnings))
        morphs.extend(_morph(inf, "<>", allowed, warnings) for inf in infixes)
    return GlossAnalysis(morphs, warnings)


def _morph(text: str, boundary: str, allowed: Collection[str], warnings: list[str]) -> GlossMorph:
    morph = GlossMorph(text=text, boundary=boundary)
    bits = _ELEMENT_SPLIT.split(text)
    elements = [("", bits[0])] + [(bits[i], bits[i + 1]) for i in range(1, len(bits), 2)]
    for sep, el in elements:
        if (_GRAM.match(el) and not el.isdigit()) or el in ("1", "2", "3"):
            meaning = _meaning(el, allowed)
            if meaning is None:
                warnings.append(f"unknown gram {el!r} in {text!r}")
            morph.elements.append(GlossElement(el, True, meaning, sep))
        else:
            morph.elements.append(GlossElement(el, False, None, sep))
    return morph


def unknown_grams(glosses: Collection[str], allowed: Collection[str] = ()) -> dict[str, int]:
    """How often each gram outside Leipzig and ``allowed`` occurs, for a project's gram list."""
    counts: dict[str, int] = {}
    for g in glosses:
        for m in split_gloss(g, allowed).morphs:
            for e in m.elements:
                if e.is_gram and e.meaning is None:
                    counts[e.text] = counts.get(e.text, 0) + 1
    return counts

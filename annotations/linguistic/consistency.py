"""Corpus-wide checks over texts: gloss consistency, statistics, and linking to the lexicon.

All functions take plain domain objects and run in one pass over the morphemes, so they stay
linear on million-morpheme corpora.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from annotations.linguistic.model import LexicalEntry, Morpheme, Sense, Text

_MARKERS = "-=~"
_STEMLIKE = frozenset({"root", "stem", "bound root", "bound stem"})
_NAMESPACE = uuid.UUID("9b6f6c1e-3a57-4c44-9e51-2f0f2b7f9a10")


@dataclass(frozen=True, slots=True)
class Location:
    """Where a morpheme is: enough for a UI to open the utterance and highlight it."""

    text_id: str
    utterance_id: str
    word_index: int
    morpheme_index: int


def iter_morphemes(texts: Iterable[Text]) -> Iterator[tuple[Location, Morpheme]]:
    """Every morpheme with its location, in corpus order."""
    for t in texts:
        for u in t.utterances:
            for wi, w in enumerate(u.words):
                for mi, m in enumerate(w.morphemes):
                    yield Location(t.id, u.id, wi, mi), m


def normalize_form(form: str) -> str:
    """Compare forms without case or boundary markers (FLEx writes ``-s`` for a suffix)."""
    return form.strip(_MARKERS).casefold()


@dataclass(slots=True)
class InconsistentForm:
    """A morpheme form glossed in more than one way, with counts and a few places for each."""

    form: str
    glosses: dict[str, int]
    examples: dict[str, list[Location]]


def gloss_inconsistencies(
    texts: Iterable[Text], *, max_examples: int = 3, ignore_empty: bool = True
) -> list[InconsistentForm]:
    """Forms with more than one distinct gloss, most frequent form first."""
    counts: dict[str, Counter[str]] = {}
    examples: dict[str, dict[str, list[Location]]] = {}
    for loc, m in iter_morphemes(texts):
        if ignore_empty and not m.gloss:
            continue
        key = normalize_form(m.form)
        counts.setdefault(key, Counter())[m.gloss] += 1
        places = examples.setdefault(key, {}).setdefault(m.gloss, [])
        if len(places) < max_examples:
            places.append(loc)
    out = [
        InconsistentForm(form, dict(c.most_common()), examples[form])
        for form, c in counts.items()
        if len(c) > 1
    ]
    out.sort(key=lambda f: (-sum(f.glosses.values()), f.form))
    return out


@dataclass(slots=True)
class CorpusStats:
    texts: int = 0
    utterances: int = 0
    words: int = 0
    morphemes: int = 0
    glossed_morphemes: int = 0
    gloss_frequency: Counter[str] = field(default_factory=Counter)

    @property
    def percent_glossed(self) -> float:
        return 100.0 * self.glossed_morphemes / self.morphemes if self.morphemes else 0.0


def corpus_stats(texts: Iterable[Text]) -> CorpusStats:
    """Counts for a corpus dashboard; unsegmented words count as one morpheme each."""
    s = CorpusStats()
    for t in texts:
        s.texts += 1
        for u in t.utterances:
            s.utterances += 1
            for w in u.words:
                s.words += 1
                glosses = [m.gloss for m in w.morphemes] if w.morphemes else [w.gloss]
                s.morphemes += len(glosses)
                for g in glosses:
                    if g:
                        s.glossed_morphemes += 1
                        s.gloss_frequency[g] += 1
    return s


# --- lexicon links ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Link:
    """``by`` says how the entry was found: by the source tool's own ``id`` of the entry or
    sense (FLEx's GUIDs), by its ``citation`` form and homograph number (FLEx's ``cf`` and
    ``hn``), or by the morph's surface ``form``."""

    location: Location
    entry_id: str
    sense_id: str | None
    by: str = "form"


@dataclass(slots=True)
class LinkReport:
    """Proposed links; ``ambiguous`` holds candidates a human must choose between."""

    links: list[Link] = field(default_factory=list)
    ambiguous: dict[Location, list[str]] = field(default_factory=dict)
    unmatched: list[Location] = field(default_factory=list)


def _types_match(a: str | None, b: str | None) -> bool:
    if a is None or b is None or a == b:
        return True
    return a in _STEMLIKE and b in _STEMLIKE


def _sense_for(entry: LexicalEntry, gloss: str) -> Sense | None:
    g = gloss.casefold()
    for s in entry.senses:
        if any(v.casefold() == g for v in s.gloss.values()):
            return s
    return None


def _lexicon_index(entries: Iterable[LexicalEntry]) -> dict[str, list[LexicalEntry]]:
    index: dict[str, list[LexicalEntry]] = {}
    for e in entries:
        forms = set(e.forms.values())
        for v in e.variants:
            forms.update(v.forms.values())
        for f in {normalize_form(x) for x in forms if x}:
            index.setdefault(f, []).append(e)
    return index


def homograph(entry: LexicalEntry) -> str | None:
    r"""An entry's homograph number: LIFT's ``order`` (as FLEx writes it), MDF's ``\hm``."""
    lift_attrs = entry.custom.get("lift:attrs")
    number = lift_attrs.get("order") if isinstance(lift_attrs, dict) else None
    number = number or entry.custom.get("homograph")
    return str(number) if number not in (None, "") else None


class _SourceIds:
    """The lexicon by the ids a source tool gave it: entry ids and FLEx GUIDs, sense ids
    (FLEx's sense GUIDs), and (citation form, homograph number), FLEx's own way of naming an
    entry in a text (its ``cf`` and ``hn`` items)."""

    def __init__(self, entries: Sequence[LexicalEntry]) -> None:
        self.ids = {e.id for e in entries}
        self.entries: dict[str, LexicalEntry] = {}
        self.senses: dict[str, tuple[LexicalEntry, Sense]] = {}
        # By the form as written (FLEx's ``cf`` keeps the affix marks: ``ni-`` is not ``ni``),
        # and without marks and case, for lexicons that write forms bare.
        self.citations: dict[tuple[str, str | None], list[LexicalEntry]] = {}
        self.bare: dict[tuple[str, str | None], list[LexicalEntry]] = {}
        for e in entries:
            lift_attrs = e.custom.get("lift:attrs")
            guid = lift_attrs.get("guid") if isinstance(lift_attrs, dict) else None
            for key in (e.id, guid):
                if key:
                    self.entries.setdefault(str(key), e)
            for s in e.senses:
                if s.id:
                    self.senses.setdefault(s.id, (e, s))
            number = homograph(e)
            forms = {*e.citation_form.values(), *e.forms.values()}
            for form in {f.strip().casefold() for f in forms if f}:
                self.citations.setdefault((form, number), []).append(e)
            for form in {normalize_form(f) for f in forms if f}:
                self.bare.setdefault((form, number), []).append(e)

    def by_id(self, m: Morpheme) -> tuple[LexicalEntry, Sense | None] | None:
        if m.sense and m.sense in self.senses:
            return self.senses[m.sense]
        entry = self.entries.get(m.lemma or "")
        if entry is None:
            return None
        sense = next((s for s in entry.senses if s.id == m.sense), None)
        return entry, sense or (_sense_for(entry, m.gloss) if m.gloss else None)

    def by_citation(self, m: Morpheme) -> list[LexicalEntry]:
        cf = _first_item(m.tiers, "cf")
        if not cf:
            return []
        number = _first_item(m.tiers, "hn") or None
        for index, key in ((self.citations, cf.casefold()), (self.bare, normalize_form(cf))):
            found = [
                e for e in index.get((key, number), []) if _types_match(m.morph_type, e.morph_type)
            ]
            if len(found) == 1:
                return found
        return found


def _first_item(tiers: dict[str, str], kind: str) -> str:
    """The first value of an item type in any language (FLEx's ``cf:tvk``)."""
    for key, value in tiers.items():
        if key == kind or key.startswith(f"{kind}:"):
            return value.split("\n", 1)[0].strip()
    return ""


def find_links(
    texts: Iterable[Text], entries: Iterable[LexicalEntry], *, relink: bool = False
) -> LinkReport:
    """Match morphemes to entries: first by the ids the source tool gave both (FLEx's entry
    and sense GUIDs, where a morph names them), then by FLEx's citation form and homograph
    number (``cf``, ``hn``), then by form (headword or variant) + morph type; the sense by id,
    else by gloss. A match is certain when exactly one entry (and, if any sense matches, one
    sense) fits; morphemes already linked to an entry of the lexicon are skipped unless
    ``relink``.
    """
    entries = list(entries)
    index = _lexicon_index(entries)
    source = _SourceIds(entries)
    report = LinkReport()
    for loc, m in iter_morphemes(texts):
        if m.lemma is not None and m.lemma in source.ids and not relink:
            continue
        named = source.by_id(m)
        if named is not None:
            entry, sense = named
            report.links.append(Link(loc, entry.id, sense.id if sense else None, "id"))
            continue
        cited = source.by_citation(m)
        if len(cited) == 1:
            sense = _sense_for(cited[0], m.gloss) if m.gloss else None
            report.links.append(Link(loc, cited[0].id, sense.id if sense else None, "citation"))
            continue
        cands = [
            e
            for e in index.get(normalize_form(m.form), [])
            if _types_match(m.morph_type, e.morph_type)
        ]
        if not cands:
            report.unmatched.append(loc)
            continue
        if m.gloss:
            by_gloss = [(e, s) for e in cands if (s := _sense_for(e, m.gloss)) is not None]
            if len(by_gloss) == 1:
                e, s = by_gloss[0]
                report.links.append(Link(loc, e.id, s.id))
                continue
            if len(by_gloss) > 1:
                report.ambiguous[loc] = [e.id for e, _ in by_gloss]
                continue
        if len(cands) == 1:
            report.links.append(Link(loc, cands[0].id, None))
        else:
            report.ambiguous[loc] = [e.id for e in cands]
    return report


def apply_links(texts: Sequence[Text], links: Iterable[Link]) -> int:
    """Write links into the morphemes (in place); returns how many were set."""
    by_text = {t.id: t for t in texts}
    utt_index = {(t.id, u.id): u for t in texts for u in t.utterances}
    n = 0
    for link in links:
        loc = link.location
        if loc.text_id not in by_text:
            continue
        utt = utt_index.get((loc.text_id, loc.utterance_id))
        if utt is None:
            continue
        m = utt.words[loc.word_index].morphemes[loc.morpheme_index]
        m.lemma, m.sense = link.entry_id, link.sense_id
        n += 1
    return n


def entries_from_corpus(
    texts: Iterable[Text],
    existing: Iterable[LexicalEntry] = (),
    *,
    vernacular: str = "und",
    gloss_lang: str = "en",
) -> list[LexicalEntry]:
    """New entries for morpheme forms the lexicon lacks: one per (form, morph type), one sense
    per distinct gloss (most frequent first). A word glossed as a whole, without morphemes,
    counts as one morpheme of its form (texts glossed word by word get a lexicon too). Ids are
    stable UUIDs derived from form and type, so running this twice proposes the same entries.
    """
    known = set(_lexicon_index(existing))
    groups: dict[tuple[str, str | None], tuple[str, Counter[str]]] = {}

    def add(raw_form: str, morph_type: str | None, gloss: str) -> None:
        key = normalize_form(raw_form)
        if not key or key in known:
            return
        glosses = groups.setdefault((key, morph_type), (raw_form.strip(_MARKERS), Counter()))[1]
        if gloss:
            glosses[gloss] += 1

    for t in texts:
        for u in t.utterances:
            for w in u.words:
                if not w.morphemes:
                    if w.gloss:
                        add(w.form, None, w.gloss)
                    continue
                for m in w.morphemes:
                    add(m.form, m.morph_type, m.gloss)
    out: list[LexicalEntry] = []
    for (key, mtype), (form, glosses) in groups.items():
        eid = str(uuid.uuid5(_NAMESPACE, f"{key}\x00{mtype or ''}"))
        entry = LexicalEntry(id=eid, forms={vernacular: form}, morph_type=mtype)
        for i, (gloss, _) in enumerate(glosses.most_common()):
            entry.senses.append(Sense(id=f"{eid}-{i + 1}", gloss={gloss_lang: gloss}))
        out.append(entry)
    return out

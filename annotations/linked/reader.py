"""RDF back to texts and lexicon entries: Ligt 0.2 utterances and OntoLex-Lemon entries, from our
own export (every field comes back) or from other tools (what Ligt and OntoLex say: forms,
glosses, tiers, senses, definitions).

:func:`read` takes the triples of a parsed file and returns the texts (with their utterances)
and entries it found, and the problems, each naming the resource (its IRI) it is about.
"""

from __future__ import annotations

import contextlib
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import unquote

from pyoxigraph import Literal, NamedNode, Triple

from annotations.linguistic.lexicon_parts import Etymology, fields_from, spans_from_doc
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
from annotations.linked.ligt import ACCEPTED_PROPERTY
from annotations.linked.vocab import (
    DCT,
    FM,
    LEXINFO,
    LIGT,
    ONTOLEX,
    OWL,
    PROV,
    RDF,
    RDFS,
    SKOS,
    VARTRANS,
    Namespace,
    language_code,
    tail_id,
)

LEXICOG = Namespace("http://www.w3.org/ns/lemon/lexicog#")
Term = Any


@dataclass(frozen=True)
class Problem:
    resource: str
    message: str

    def as_report(self) -> dict[str, Any]:
        return {"line": None, "element": self.resource, "problem": self.message}


@dataclass
class ReadResult:
    texts: list[Text] = field(default_factory=list)
    # The IRI each utterance had, by (text index, utterance index): examples point at them.
    utterance_iris: dict[str, tuple[int, int]] = field(default_factory=dict)
    entries: list[LexicalEntry] = field(default_factory=list)
    example_refs: list[tuple[int, int, int, str]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


class _Index:
    def __init__(self, triples: Iterable[Triple]) -> None:
        self.out: dict[str, dict[str, list[Term]]] = defaultdict(lambda: defaultdict(list))
        self.types: dict[str, set[str]] = defaultdict(set)
        for t in triples:
            s = str(t.subject.value)  # type: ignore[union-attr]
            self.out[s][t.predicate.value].append(t.object)
            if t.predicate == RDF.type and isinstance(t.object, NamedNode):
                self.types[t.object.value].add(s)

    def all(self, s: str, p: NamedNode) -> list[Term]:
        found = self.out.get(s)
        return list(found.get(p.value, [])) if found else []

    def one(self, s: str, p: NamedNode) -> Term | None:
        values = self.all(s, p)
        return values[0] if values else None

    def text(self, s: str, p: NamedNode, default: str = "") -> str:
        value = self.one(s, p)
        return str(value.value) if value is not None else default

    def integer(self, s: str, p: NamedNode) -> int | None:
        value = self.one(s, p)
        try:
            return int(value.value) if value is not None else None
        except ValueError:
            return None

    def json(self, s: str, p: NamedNode) -> Any:
        value = self.one(s, p)
        return json.loads(value.value) if value is not None else None

    def tagged(self, s: str, p: NamedNode, json_p: NamedNode) -> dict[str, str]:
        """A multilingual field: the JSON pairs (order kept) or the tagged literals."""
        pairs = self.json(s, json_p)
        if pairs is not None:
            return {
                str(k): str(v) for k, v in (pairs.items() if isinstance(pairs, dict) else pairs)
            }
        out: dict[str, str] = {}
        for value in self.all(s, p):
            if isinstance(value, Literal):
                out[value.language or ""] = value.value
        return out


def _iri_id(iri: str, kind: str) -> str:
    found = tail_id(iri, kind)
    if found is not None:
        return found
    return unquote(iri.rstrip("/").rsplit("/", 1)[-1].split("#")[-1])


def _chain(items: list[str], nxt: NamedNode, index: _Index) -> list[str] | None:
    """Items in the order their ``next`` links give; None when they do not form one chain."""
    if len(items) <= 1:
        return items
    members = set(items)
    following = {}
    for item in items:
        target = index.one(item, nxt)
        if target is not None and target.value in members:
            following[item] = target.value
    heads = members - set(following.values())
    if len(heads) != 1:
        return None
    order = [heads.pop()]
    while order[-1] in following and len(order) <= len(items):
        order.append(following[order[-1]])
    return order if len(order) == len(items) and len(set(order)) == len(items) else None


def _ordered(
    items: list[str], nxt: NamedNode, index: _Index, result: ReadResult, where: str, what: str
) -> list[str]:
    by_index = [(index.integer(i, FM.index), i) for i in items]
    if items and all(n is not None for n, _ in by_index):
        return [i for _, i in sorted(by_index, key=lambda pair: pair[0] or 0)]
    chained = _chain(items, nxt, index)
    if chained is None:
        result.problems.append(Problem(where, f"its {what} do not form one {nxt.value} chain"))
        return sorted(items)
    return chained


def read(triples: Iterable[Triple]) -> ReadResult:
    index = _Index(triples)
    result = ReadResult()
    entry_ids = {
        s: index.text(s, DCT.identifier) or _iri_id(s, "entry")
        for s in index.types.get(ONTOLEX.LexicalEntry.value, set())
    }
    _read_texts(index, result, entry_ids)
    for s in sorted(entry_ids):
        try:
            result.entries.append(_entry(index, s, entry_ids, result))
        except (ValueError, KeyError, TypeError) as exc:
            result.problems.append(Problem(s, f"not a readable lexical entry: {exc}"))
    if not result.texts and not result.entries:
        result.problems.append(
            Problem(
                "",
                "no ligt:Utterance or ontolex:LexicalEntry found: this is not Ligt or "
                "OntoLex-Lemon data",
            )
        )
    return result


def _read_texts(index: _Index, result: ReadResult, entry_ids: dict[str, str]) -> None:
    utterances = set(index.types.get(LIGT.Utterance.value, set()))
    texts = sorted(index.types.get(LIGT.InterlinearText.value, set()))
    owned: dict[str, list[str]] = {t: [] for t in texts}
    for t in texts:
        for u in index.all(t, LIGT.subSegment):
            if u.value in utterances:
                owned[t].append(u.value)
    placed = {u for us in owned.values() for u in us}
    for u in sorted(utterances - placed):
        parent = index.one(u, DCT.isPartOf)
        if parent is not None and parent.value in owned:
            owned[parent.value].append(u)
        else:
            owned.setdefault("", []).append(u)
    for t_index, (t, members) in enumerate(sorted(owned.items(), key=lambda kv: kv[0])):
        text = _text_head(index, t) if t else Text(id="imported", title="Imported utterances")
        by_order = sorted(members, key=lambda u: (index.integer(u, FM.order) or 0, u))
        for order, u in enumerate(by_order):
            try:
                utt = _utterance(index, u, order, entry_ids, result)
            except (ValueError, KeyError, TypeError) as exc:
                result.problems.append(Problem(u, f"not a readable utterance: {exc}"))
                continue
            result.utterance_iris[u] = (t_index, len(text.utterances))
            text.utterances.append(utt)
        result.texts.append(text)


def _text_head(index: _Index, t: str) -> Text:
    lang = glottocode = None
    for value in index.all(t, DCT.language):
        code = language_code(value.value) if isinstance(value, NamedNode) else None
        if code and code[0] == "iso":
            lang = code[1]
        elif code:
            glottocode = code[1]
    return Text(
        id=index.text(t, DCT.identifier) or _iri_id(t, "text"),
        title=index.text(t, DCT.title) or index.text(t, RDFS.label),
        language=lang or (index.text(t, FM.lang) or None),
        glottocode=glottocode or (index.text(t, FM.glottocode) or None),
        metadata=index.json(t, FM.meta) or {},
        genre=index.text(t, FM.genre),
        speakers=index.json(t, FM.speakers) or [],
        source=index.text(t, DCT.source),
    )


def _translations(index: _Index, s: str) -> dict[str, str]:
    whole = index.json(s, FM.translations)
    if whole is not None:
        return {str(k): str(v) for k, v in whole.items()}
    out = {}
    for value in index.all(s, FM.translation):
        if isinstance(value, Literal):
            out[value.language or "und"] = value.value
    return out


def _tier_items(index: _Index, u: str, tier_type: NamedNode) -> list[str]:
    items: list[str] = []
    for tier in index.all(u, LIGT.hasTier):
        if tier.value in index.types.get(tier_type.value, set()):
            items += [i.value for i in index.all(tier.value, LIGT.item)]
    return items


def _utterance(
    index: _Index, u: str, order: int, entry_ids: dict[str, str], result: ReadResult
) -> Utterance:
    start, end = index.integer(u, FM.startMs), index.integer(u, FM.endMs)
    media_name = index.text(u, FM.media) or None
    notes = index.json(u, FM.notes)
    if notes is None:
        notes = [c.value for c in index.all(u, RDFS.comment)]
    utt = Utterance(
        id=index.text(u, DCT.identifier) or _iri_id(u, "utterance"),
        order=order,
        transcription=index.text(u, RDFS.label),
        media=MediaSpan(start, end, media_name)
        if (start, end, media_name) != (None, None, None)
        else None,
        speaker=index.text(u, FM.speaker) or None,
        translations=_translations(index, u),
        notes=[str(n) for n in notes],
        status=index.text(u, FM.status),
        paragraph=index.integer(u, FM.paragraph) or 0,
        tiers=index.json(u, FM.tiers) or {},
    )
    word_iris = _ordered(
        _tier_items(index, u, LIGT.WordTier), LIGT.nextWord, index, result, u, "words"
    )
    morph_iris = _ordered(
        _tier_items(index, u, LIGT.MorphTier), LIGT.nextMorph, index, result, u, "morphs"
    )
    words: dict[str, Word] = {}
    for w in word_iris:
        words[w] = Word(
            form=index.text(w, RDFS.label),
            gloss=index.text(w, LIGT.gloss),
            pos=index.text(w, FM.pos),
            tiers=index.json(w, FM.tiers) or {},
            provenance=_provenance(index, w),
        )
    for m in morph_iris:
        parent = index.one(m, DCT.isPartOf)
        if parent is None or parent.value not in words:
            result.problems.append(
                Problem(m, "a morph that is not dcterms:isPartOf a word of its utterance")
            )
            continue
        words[parent.value].morphemes.append(_morph(index, m, entry_ids))
    utt.words = [words[w] for w in word_iris]
    return utt


def _morph(index: _Index, m: str, entry_ids: dict[str, str]) -> Morpheme:
    entry = index.one(m, FM.lexicalEntry)
    sense = index.one(m, FM.lexicalSense)
    lemma = None
    if entry is not None:
        lemma = entry_ids.get(entry.value) or _iri_id(entry.value, "entry")
    sense_id = index.text(m, FM.senseId) or None
    if sense is not None:
        sense_id = index.text(sense.value, DCT.identifier) or unquote(
            sense.value.split("#sense-", 1)[-1]
        )
    return Morpheme(
        form=index.text(m, RDFS.label),
        gloss=index.text(m, LIGT.gloss),
        pos=index.text(m, FM.pos),
        lemma=lemma,
        sense=sense_id,
        morph_type=index.text(m, FM.morphType) or None,
        boundary=index.text(m, FM.boundary),
        tiers=index.json(m, FM.tiers) or {},
        provenance=_provenance(index, m),
    )


# The provenance entry's field by the property its value fills, and what the run node carries
# (``annotations.linked.ligt._accepted`` writes them).
_ACCEPTED_FIELD = {prop.value: name for name, prop in ACCEPTED_PROPERTY.items()}
_RUN_KEYS = (
    ("model_name", FM.modelName, False),
    ("version", FM.modelVersion, True),
    ("run", FM.run, False),
    ("training_run", FM.trainingRun, True),
    ("task", FM.task, False),
)
_MAY_BE_NONE = ("run", "training_run")


def _provenance(index: _Index, s: str) -> dict[str, Any]:
    """The accepted machine values of a morph or word (``fm:accepted``, PROV-O) read back into
    provenance entries; the model and the person are named by their IRIs' ids. An entry whose
    value no longer matches its field is dropped by the model's ``to_doc``, as on any write."""
    out: dict[str, Any] = {}
    for node in index.all(s, FM.accepted):
        prop = index.one(node.value, FM.property)
        name = _ACCEPTED_FIELD.get(prop.value) if prop is not None else None
        if name is None:
            continue
        entry: dict[str, Any] = {"value": index.text(node.value, PROV.value)}
        run = index.one(node.value, PROV.wasGeneratedBy)
        for key, predicate, numeric in _RUN_KEYS:
            raw = index.text(run.value, predicate) if run is not None else ""
            entry[key] = (int(raw) if numeric and raw.isdigit() else raw) if raw else None
        model = index.one(node.value, PROV.wasAttributedTo)
        model_id = tail_id(model.value, "model") if model is not None else None
        if model_id and model_id.isdigit():
            entry["model"] = int(model_id)
        probability = index.one(node.value, FM.probability)
        if isinstance(probability, Literal):
            with contextlib.suppress(ValueError):
                entry["probability"] = float(probability.value)
        agent = index.one(node.value, FM.acceptedBy)
        if agent is not None and (by := tail_id(agent.value, "agent")):
            entry["accepted_by"] = by
        if accepted_at := index.text(node.value, FM.acceptedAt):
            # As it was stamped (ISO 8601, "+00:00"): the store writes UTC as "Z".
            with contextlib.suppress(ValueError):
                accepted_at = datetime.fromisoformat(accepted_at).isoformat()
            entry["accepted_at"] = accepted_at
        # A run or training run may be unknown (None), as in the entry that was written.
        out[name] = {k: v for k, v in entry.items() if v is not None or k in _MAY_BE_NONE}
    return out


def _pos(index: _Index, s: str) -> str:
    written = index.text(s, FM.pos)
    if written:
        return written
    mapped = index.one(s, LEXINFO.partOfSpeech)
    return mapped.value.rsplit("#", 1)[-1] if mapped is not None else ""


def _by_index(index: _Index, items: list[Term]) -> list[str]:
    return [i for _, i in sorted(((index.integer(t.value, FM.index) or 0), t.value) for t in items)]


def _traits(value: Any) -> list[tuple[str, str]]:
    return [(str(a), str(b)) for a, b in value or []]


def _notes(value: Any) -> list[Note]:
    return [Note.from_doc(n) for n in value or []]


def _entry(index: _Index, s: str, entry_ids: dict[str, str], result: ReadResult) -> LexicalEntry:
    form = index.one(s, ONTOLEX.canonicalForm)
    forms = index.tagged(form.value, ONTOLEX.writtenRep, FM.forms) if form is not None else {}
    entry = LexicalEntry(
        id=entry_ids[s],
        forms=forms,
        morph_type=index.text(s, FM.morphType) or None,
        pos=_pos(index, s),
        citation_form=index.tagged(s, FM.citation, FM.citations),
        iris=sorted(o.value for o in index.all(s, OWL.sameAs)),
        status=index.text(s, FM.status),
        notes=_notes(index.json(s, FM.notes)),
        custom=index.json(s, FM.custom) or {},
        fields=fields_from(index.json(s, FM.fields)),
        etymologies=[Etymology.from_doc(d) for d in index.json(s, FM.etymologies) or []],
        spans=spans_from_doc(index.json(s, FM.spans) or {}),
    )
    variants = index.all(s, FM.variant) or index.all(s, ONTOLEX.otherForm)
    for v in _by_index(index, variants):
        relation = index.one(v, FM.variantRelation)
        target = index.one(relation.value, VARTRANS.target) if relation is not None else None
        entry.variants.append(
            Variant(
                forms=index.tagged(v, ONTOLEX.writtenRep, FM.forms),
                morph_type=index.text(v, FM.morphType) or None,
                type=index.text(v, FM.variantType),
                ref=(entry_ids.get(target.value) or _iri_id(target.value, "entry"))
                if target
                else None,
                traits=_traits(index.json(v, FM.traits)),
                fields=fields_from(index.json(v, FM.fields)),
            )
        )
    for p in _by_index(index, index.all(s, FM.pronunciation)):
        entry.pronunciations.append(
            Pronunciation(
                index.tagged(p, ONTOLEX.phoneticRep, FM.forms),
                index.json(p, FM.media) or [],
                {str(k): dict(v) for k, v in (index.json(p, FM.mediaLabels) or {}).items()},
                fields_from(index.json(p, FM.fields)),
                _traits(index.json(p, FM.traits)),
            )
        )
    for r in _by_index(index, index.all(s, VARTRANS.lexicalRel)):
        target = index.one(r, VARTRANS.target)
        if target is None:
            result.problems.append(Problem(r, "a lexical relation without vartrans:target"))
            continue
        entry.relations.append(
            Relation(
                type=index.text(r, FM.relationType) or "related",
                ref=entry_ids.get(target.value) or _iri_id(target.value, "entry"),
                order=index.integer(r, FM.order),
                traits=_traits(index.json(r, FM.traits)),
                fields=fields_from(index.json(r, FM.fields)),
                usage=dict(index.json(r, FM.usage) or {}),
            )
        )
    for i, sense_iri in enumerate(_by_index(index, index.all(s, ONTOLEX.sense))):
        entry.senses.append(_sense(index, sense_iri, i, len(result.entries), result))
    return entry


def _sense(index: _Index, s: str, position: int, entry_index: int, result: ReadResult) -> Sense:
    glosses = index.tagged(s, FM.gloss, FM.glosses)
    sense = Sense(
        id=index.text(s, DCT.identifier) or unquote(s.split("#sense-", 1)[-1]),
        gloss=glosses,
        definition=index.tagged(s, SKOS.definition, FM.definitions),
        pos=_pos(index, s),
        semantic_domains=index.json(s, FM.domains) or [],
        notes=_notes(index.json(s, FM.notes)),
        custom=index.json(s, FM.custom) or {},
        iris=sorted(o.value for o in index.all(s, ONTOLEX.reference)),
        fields=fields_from(index.json(s, FM.fields)),
        relations=[Relation.from_doc(r) for r in index.json(s, FM.senseRelations) or []],
    )
    for j, e in enumerate(_by_index(index, index.all(s, LEXICOG.usageExample))):
        value = index.one(e, RDF.value)
        source = index.one(e, DCT.source)
        example = Example(
            text=value.value if value is not None else "",
            lang=index.text(e, FM.lang),
            translations=index.tagged(e, FM.translation, FM.translations),
            source=index.text(e, FM.source),
            notes=_notes(index.json(e, FM.notes)),
            translation_type=index.text(e, FM.translationType),
            more_translations=[
                (str(t), dict(f)) for t, f in (index.json(e, FM.moreTranslations) or [])
            ],
            fields=fields_from(index.json(e, FM.fields)),
        )
        if source is not None:
            example.utterance_ref = _iri_id(source.value, "utterance")
            result.example_refs.append((entry_index, position, j, source.value))
        sense.examples.append(example)
    return sense

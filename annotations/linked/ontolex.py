"""Lexicon entries as OntoLex-Lemon.

The project's lexicon is a ``lime:Lexicon`` (language, entry count) whose ``lime:entry``s are
``ontolex:LexicalEntry``s: a canonical ``ontolex:Form`` (one ``ontolex:writtenRep`` per writing
system), variants as ``ontolex:otherForm`` (with a ``vartrans:LexicalRelation`` to the variant's
entry where one is named), relations as ``vartrans:LexicalRelation``s, parts of speech as
``lexinfo:partOfSpeech`` where the tag is a known one, ``ontolex:LexicalSense``s with
definitions (``skos:definition``), glosses (``fm:gloss``), usage examples
(``lexicog:usageExample``, ``dcterms:source`` the corpus utterance) and external links
(``ontolex:reference`` on a sense, ``owl:sameAs`` on an entry).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from pyoxigraph import Literal, NamedNode, Triple

from annotations.linked.ligt import sense_iri
from annotations.linked.vocab import (
    DCT,
    FM,
    LEXINFO,
    LIGT,
    LIME,
    ONTOLEX,
    OWL,
    RDF,
    SKOS,
    VARTRANS,
    Namespace,
    ProjectIris,
    as_json,
    fragment,
    integer,
    language_iris,
    text,
    valid_lang,
)

LEXICOG = Namespace("http://www.w3.org/ns/lemon/lexicog#")
Doc = Mapping[str, Any]

# Common part-of-speech tags (Leipzig/FLEx/Toolbox spellings) → LexInfo; the tag as written is
# kept too (``fm:pos``), since a project's tag set is its own.
LEXINFO_POS: Final = {
    "n": "noun", "noun": "noun", "v": "verb", "verb": "verb", "vi": "verb", "vt": "verb",
    "adj": "adjective", "adjective": "adjective", "adv": "adverb", "adverb": "adverb",
    "pro": "pronoun", "pron": "pronoun", "pronoun": "pronoun", "prep": "preposition",
    "preposition": "preposition", "postp": "postposition", "conj": "conjunction",
    "conjunction": "conjunction", "num": "numeral", "numeral": "numeral",
    "det": "determiner", "interj": "interjection", "intj": "interjection",
    "part": "particle", "prt": "particle", "particle": "particle", "pn": "properNoun",
    "propn": "properNoun", "aux": "auxiliary", "cop": "copula", "art": "article",
    "clf": "classifier",
}  # fmt: skip


def _tagged(
    node: NamedNode,
    prop: NamedNode,
    json_prop: NamedNode,
    values: Mapping[str, str],
) -> list[Triple]:
    """A multilingual field as tagged literals, or one JSON literal when a key is no tag or the
    order of several keys matters (the first form is the headword)."""
    if not values:
        return []
    if all(valid_lang(k) for k in values) and len(values) == 1:
        return [Triple(node, prop, text(v, k)) for k, v in values.items()]
    out = [Triple(node, json_prop, as_json([[k, v] for k, v in values.items()]))]
    out += [Triple(node, prop, text(v, k)) for k, v in values.items() if valid_lang(k)]
    return out


def _pos(node: NamedNode, pos: str) -> list[Triple]:
    if not pos:
        return []
    out = [Triple(node, FM.pos, Literal(pos))]
    mapped = LEXINFO_POS.get(pos.lower().strip("."))
    if mapped:
        out.append(Triple(node, LEXINFO.partOfSpeech, LEXINFO[mapped]))
    return out


# Parts of an entry that no vocabulary here models (custom fields, etymologies, markup inside
# texts, a relation's fields): kept as JSON literals, the document shapes of
# ``annotations.linguistic.lexicon_parts``, so a lexicon survives an RDF round trip.
JSON_PARTS: Final = {
    "fields": FM.fields,
    "etymologies": FM.etymologies,
    "spans": FM.spans,
    "media_labels": FM.mediaLabels,
    "traits": FM.traits,
    "usage": FM.usage,
    "relations": FM.senseRelations,
}


def _json_parts(node: NamedNode, doc: Doc, *names: str) -> list[Triple]:
    return [Triple(node, JSON_PARTS[name], as_json(doc[name])) for name in names if doc.get(name)]


def entry_iri(iris: ProjectIris, doc: Doc) -> NamedNode:
    return iris.of("entry", str(doc.get("id") or doc["_id"]))


def entry_triples(doc: Doc, iris: ProjectIris) -> list[Triple]:
    node = entry_iri(iris, doc)
    out = [
        Triple(node, RDF.type, ONTOLEX.LexicalEntry),
        Triple(iris.lexicon, LIME.entry, node),
        Triple(node, DCT.identifier, Literal(str(doc.get("id") or doc["_id"]))),
    ]
    forms: dict[str, str] = dict(doc.get("forms") or {})
    if forms:
        form = fragment(node, "form")
        out += [Triple(node, ONTOLEX.canonicalForm, form), Triple(form, RDF.type, ONTOLEX.Form)]
        out += _tagged(form, ONTOLEX.writtenRep, FM.forms, forms)
    if doc.get("type"):
        out.append(Triple(node, FM.morphType, Literal(str(doc["type"]))))
    out += _pos(node, str(doc.get("pos") or ""))
    if doc.get("citation"):
        out += _tagged(node, FM.citation, FM.citations, doc["citation"])
    for i, variant in enumerate(doc.get("variants") or []):
        out += _variant(node, i, variant, iris)
    for i, sense in enumerate(doc.get("senses") or []):
        out += sense_triples(node, sense, iris, i)
    for i, pron in enumerate(doc.get("pronunciations") or []):
        p = fragment(node, f"pron{i}")
        out += [Triple(node, FM.pronunciation, p), Triple(p, FM.index, integer(i))]
        out += _tagged(p, ONTOLEX.phoneticRep, FM.forms, pron.get("forms") or {})
        if pron.get("media"):
            out.append(Triple(p, FM.media, as_json(list(pron["media"]))))
        out += _json_parts(p, pron, "media_labels", "fields", "traits")
    for i, rel in enumerate(doc.get("relations") or []):
        out += _relation(node, i, rel, iris)
    for iri in doc.get("iris") or []:
        out.append(Triple(node, OWL.sameAs, NamedNode(str(iri))))
    if doc.get("status"):
        out.append(Triple(node, FM.status, Literal(str(doc["status"]))))
    if doc.get("notes"):
        out.append(Triple(node, FM.notes, as_json(doc["notes"])))
    if doc.get("custom"):
        out.append(Triple(node, FM.custom, as_json(doc["custom"])))
    out += _json_parts(node, doc, "fields", "etymologies", "spans")
    return out


def _variant(node: NamedNode, i: int, variant: Doc, iris: ProjectIris) -> list[Triple]:
    v = fragment(node, f"variant{i}")
    out = [Triple(node, FM.variant, v), Triple(v, FM.index, integer(i))]
    if variant.get("forms"):
        # A variant named only by its entry (``ref``) has no form of its own to publish.
        out += [Triple(node, ONTOLEX.otherForm, v), Triple(v, RDF.type, ONTOLEX.Form)]
        out += _tagged(v, ONTOLEX.writtenRep, FM.forms, variant["forms"])
    if variant.get("type"):
        out.append(Triple(v, FM.variantType, Literal(str(variant["type"]))))
    if variant.get("morph_type"):
        out.append(Triple(v, FM.morphType, Literal(str(variant["morph_type"]))))
    if variant.get("ref"):
        relation = fragment(node, f"variant{i}.rel")
        out += [
            Triple(v, FM.variantRelation, relation),
            Triple(relation, RDF.type, VARTRANS.LexicalRelation),
            Triple(relation, VARTRANS.source, node),
            Triple(relation, VARTRANS.target, iris.of("entry", str(variant["ref"]))),
        ]
    out += _json_parts(v, variant, "traits", "fields")
    return out


def _relation(node: NamedNode, i: int, rel: Doc, iris: ProjectIris) -> list[Triple]:
    r = fragment(node, f"rel{i}")
    out = [
        Triple(r, RDF.type, VARTRANS.LexicalRelation),
        Triple(node, VARTRANS.lexicalRel, r),
        Triple(r, VARTRANS.source, node),
        Triple(r, VARTRANS.target, iris.of("entry", str(rel["ref"]))),
        Triple(r, FM.relationType, Literal(str(rel["type"]))),
        Triple(r, FM.index, integer(i)),
    ]
    if rel.get("order") is not None:
        out.append(Triple(r, FM.order, integer(int(rel["order"]))))
    out += _json_parts(r, rel, "traits", "fields", "usage")
    return out


def sense_triples(entry: NamedNode, sense: Doc, iris: ProjectIris, index: int = 0) -> list[Triple]:
    s = sense_iri(entry, str(sense["id"]))
    out = [
        Triple(entry, ONTOLEX.sense, s),
        Triple(s, RDF.type, ONTOLEX.LexicalSense),
        Triple(s, DCT.identifier, Literal(str(sense["id"]))),
        Triple(s, FM.index, integer(index)),
    ]
    out += _tagged(s, FM.gloss, FM.glosses, sense.get("gloss") or {})
    out += _tagged(s, SKOS.definition, FM.definitions, sense.get("definition") or {})
    out += _pos(s, str(sense.get("pos") or ""))
    domains: Sequence[str] = sense.get("domains") or []
    if domains:
        out.append(Triple(s, FM.domains, as_json(list(domains))))
    for i, example in enumerate(sense.get("examples") or []):
        e = NamedNode(f"{s.value}.ex{i}")
        out += [
            Triple(s, LEXICOG.usageExample, e),
            Triple(e, FM.index, integer(i)),
            Triple(e, RDF.value, text(str(example["text"]), example.get("lang") or None)),
        ]
        if example.get("lang"):
            out.append(Triple(e, FM.lang, Literal(str(example["lang"]))))
        if example.get("translations"):
            out += _tagged(e, FM.translation, FM.translations, example["translations"])
        if example.get("utterance"):
            out.append(Triple(e, DCT.source, iris.of("utterance", str(example["utterance"]))))
        if example.get("source"):
            out.append(Triple(e, FM.source, Literal(str(example["source"]))))
        if example.get("notes"):
            out.append(Triple(e, FM.notes, as_json(example["notes"])))
        # LIFT's translation types (free, literal) and further translations, kept as they came.
        if example.get("translation_type"):
            out.append(Triple(e, FM.translationType, Literal(str(example["translation_type"]))))
        if example.get("more_translations"):
            out.append(Triple(e, FM.moreTranslations, as_json(example["more_translations"])))
        out += _json_parts(e, example, "fields")
    if sense.get("notes"):
        out.append(Triple(s, FM.notes, as_json(sense["notes"])))
    if sense.get("custom"):
        out.append(Triple(s, FM.custom, as_json(sense["custom"])))
    for iri in sense.get("iris") or []:
        out.append(Triple(s, ONTOLEX.reference, NamedNode(str(iri))))
    out += _json_parts(s, sense, "fields", "relations")
    return out


def lexicon_triples(iris: ProjectIris, languages: Sequence[str], entries: int) -> list[Triple]:
    """The project-level resources: the lexicon (language, size) and the Ligt document."""
    lex = iris.lexicon
    out = [
        Triple(lex, RDF.type, LIME.Lexicon),
        Triple(lex, LIME.lexicalEntries, integer(entries)),
        Triple(iris.document, RDF.type, LIGT.Document),
    ]
    for code in languages:
        out.append(Triple(lex, LIME.language, Literal(code)))
        out += [Triple(lex, DCT.language, node) for node in language_iris(code)]
    return out

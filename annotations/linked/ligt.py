"""Texts and utterances as Ligt 0.2 (``http://purl.org/ligt/ligt-0.2#``).

A project is a ``ligt:Document`` that ``ligt:hasText`` its ``ligt:InterlinearText``s; a text
``ligt:subSegment``s its ``ligt:Utterance``s; an utterance ``ligt:hasTier`` one ``ligt:WordTier``
and one ``ligt:MorphTier`` whose ``ligt:item``s are the words and morphs, chained in reading
order by ``ligt:nextWord`` / ``ligt:nextMorph``, a morph ``dcterms:isPartOf`` its word. Forms
are ``rdfs:label`` tagged with the text's language, glosses ``ligt:gloss``; translations are
language-tagged ``fm:translation``s; a morph linked to the lexicon points at its
``ontolex:LexicalEntry`` and ``ontolex:LexicalSense``. Fields no vocabulary covers use ``fm:``
terms, and free-form ones (extra tiers, metadata) ``rdf:JSON`` literals, so a round trip keeps
every field.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pyoxigraph import Literal, NamedNode, Triple

from annotations.linked.vocab import (
    DCT,
    FM,
    LIGT,
    PROV,
    RDF,
    RDFS,
    ProjectIris,
    as_json,
    decimal,
    fragment,
    integer,
    language_iris,
    segment,
    text,
    valid_lang,
)

Doc = Mapping[str, Any]


def text_triples(doc: Doc, iris: ProjectIris) -> list[Triple]:
    """The text head (its utterances are resources of their own)."""
    node = iris.of("text", str(doc["_id"]))
    out = [
        Triple(node, RDF.type, LIGT.InterlinearText),
        Triple(iris.document, LIGT.hasText, node),
    ]
    add = out.append
    if doc.get("source_id"):
        add(Triple(node, DCT.identifier, Literal(str(doc["source_id"]))))
    if doc.get("title"):
        add(Triple(node, DCT.title, Literal(str(doc["title"]))))
    for key, prop in (("lang", DCT.language), ("glottocode", DCT.language)):
        value = doc.get(key)
        for language in language_iris(value):
            add(Triple(node, prop, language))
        if value and not language_iris(value):
            add(Triple(node, FM[key], Literal(str(value))))
    if doc.get("genre"):
        add(Triple(node, FM.genre, Literal(str(doc["genre"]))))
    if doc.get("source"):
        add(Triple(node, DCT.source, Literal(str(doc["source"]))))
    if doc.get("speakers"):
        add(Triple(node, FM.speakers, as_json(list(doc["speakers"]))))
    if doc.get("meta"):
        add(Triple(node, FM.meta, as_json(doc["meta"])))
    return out


def _translations(node: NamedNode, translations: Mapping[str, str]) -> list[Triple]:
    if all(valid_lang(lang) for lang in translations):
        return [Triple(node, FM.translation, text(v, lang)) for lang, v in translations.items()]
    # A key that is no language tag (an ELAN tier name, say) cannot be a tag: keep them whole.
    return [Triple(node, FM.translations, as_json(dict(translations)))]


def _provenance(node: NamedNode, suggestion: Mapping[str, Any]) -> list[Triple]:
    """PROV-O for a machine-made value: the model version, the run, the probability."""
    activity = NamedNode(f"{node.value}.prov")
    out = [
        Triple(node, PROV.wasGeneratedBy, activity),
        Triple(activity, RDF.type, PROV.Activity),
    ]
    if suggestion.get("model"):
        out.append(Triple(activity, PROV.used, Literal(str(suggestion["model"]))))
    if suggestion.get("version") is not None:
        out.append(Triple(activity, FM.modelVersion, Literal(str(suggestion["version"]))))
    if suggestion.get("run"):
        out.append(Triple(activity, FM.run, Literal(str(suggestion["run"]))))
    for key in ("probability", "score", "confidence"):
        if isinstance(suggestion.get(key), int | float):
            out.append(Triple(node, FM.probability, decimal(float(suggestion[key]))))
            break
    return out


def utterance_triples(doc: Doc, iris: ProjectIris, lang: str | None = None) -> list[Triple]:
    """One utterance with its tiers, words and morphs; ``lang`` tags the object-language forms."""
    node = iris.of("utterance", str(doc["_id"]))
    out = [Triple(node, RDF.type, LIGT.Utterance)]
    add = out.append
    if doc.get("text"):
        text_node = iris.of("text", str(doc["text"]))
        add(Triple(text_node, LIGT.subSegment, node))
        add(Triple(node, DCT.isPartOf, text_node))
    add(Triple(node, DCT.identifier, Literal(str(doc.get("id") or doc["_id"]))))
    add(Triple(node, FM.order, integer(int(doc.get("order", 0)))))
    if doc.get("transcription"):
        add(Triple(node, RDFS.label, text(str(doc["transcription"]), lang)))
    media = doc.get("media") or {}
    if media:
        start, end = media.get("start"), media.get("end")
        if start is not None:
            add(Triple(node, FM.startMs, integer(start)))
        if end is not None:
            add(Triple(node, FM.endMs, integer(end)))
        if media.get("media"):
            add(Triple(node, FM.media, Literal(str(media["media"]))))
        if start is not None and end is not None:
            add(Triple(node, FM.mediaFragment, Literal(f"t={start / 1000:g},{end / 1000:g}")))
    if doc.get("speaker"):
        add(Triple(node, FM.speaker, Literal(str(doc["speaker"]))))
    if doc.get("translations"):
        out.extend(_translations(node, doc["translations"]))
    notes = list(doc.get("notes") or [])
    if len(notes) == 1:
        add(Triple(node, RDFS.comment, Literal(str(notes[0]))))
    elif notes:
        add(Triple(node, FM.notes, as_json(notes)))
    if doc.get("status"):
        add(Triple(node, FM.status, Literal(str(doc["status"]))))
    if doc.get("paragraph"):
        add(Triple(node, FM.paragraph, integer(int(doc["paragraph"]))))
    if doc.get("tiers"):
        add(Triple(node, FM.tiers, as_json(doc["tiers"])))
    words = list(doc.get("words") or [])
    if not words:
        return out
    word_tier, morph_tier = fragment(node, "words"), fragment(node, "morphs")
    out += [
        Triple(node, LIGT.hasTier, word_tier),
        Triple(word_tier, RDF.type, LIGT.WordTier),
    ]
    has_morphs = any(w.get("morphemes") for w in words)
    if has_morphs:
        out += [
            Triple(node, LIGT.hasTier, morph_tier),
            Triple(morph_tier, RDF.type, LIGT.MorphTier),
        ]
    previous_word: NamedNode | None = None
    previous_morph: NamedNode | None = None
    for i, word in enumerate(words):
        w = fragment(node, f"w{i}")
        out += [
            Triple(word_tier, LIGT.item, w),
            Triple(w, RDF.type, LIGT.Word),
            Triple(w, RDFS.label, text(str(word.get("form", "")), lang)),
        ]
        if previous_word is not None:
            add(Triple(previous_word, LIGT.nextWord, w))
        previous_word = w
        if word.get("gloss"):
            add(Triple(w, LIGT.gloss, Literal(str(word["gloss"]))))
        if word.get("pos"):
            add(Triple(w, FM.pos, Literal(str(word["pos"]))))
        if word.get("tiers"):
            add(Triple(w, FM.tiers, as_json(word["tiers"])))
        for j, morph in enumerate(word.get("morphemes") or []):
            m = fragment(node, f"w{i}.m{j}")
            out += [
                Triple(morph_tier, LIGT.item, m),
                Triple(m, RDF.type, LIGT.Morph),
                Triple(m, DCT.isPartOf, w),
                Triple(m, RDFS.label, text(str(morph.get("form", "")), lang)),
            ]
            if previous_morph is not None:
                add(Triple(previous_morph, LIGT.nextMorph, m))
            previous_morph = m
            out.extend(_morph_fields(m, morph, iris))
    return out


def _morph_fields(m: NamedNode, morph: Doc, iris: ProjectIris) -> list[Triple]:
    out: list[Triple] = []
    if morph.get("gloss"):
        out.append(Triple(m, LIGT.gloss, Literal(str(morph["gloss"]))))
    if morph.get("pos"):
        out.append(Triple(m, FM.pos, Literal(str(morph["pos"]))))
    if morph.get("type"):
        out.append(Triple(m, FM.morphType, Literal(str(morph["type"]))))
    if morph.get("sep"):
        out.append(Triple(m, FM.boundary, Literal(str(morph["sep"]))))
    if morph.get("tiers"):
        out.append(Triple(m, FM.tiers, as_json(morph["tiers"])))
    lemma = morph.get("lemma")
    if lemma:
        entry = iris.of("entry", str(lemma))
        out.append(Triple(m, FM.lexicalEntry, entry))
        if morph.get("sense"):
            out.append(Triple(m, FM.lexicalSense, sense_iri(entry, str(morph["sense"]))))
    elif morph.get("sense"):
        out.append(Triple(m, FM.senseId, Literal(str(morph["sense"]))))
    suggestion = morph.get("suggestion") or morph.get("provenance")
    if isinstance(suggestion, Mapping):
        out.extend(_provenance(m, suggestion))
    return out


def sense_iri(entry: NamedNode, sense_id: str) -> NamedNode:
    return fragment(entry, f"sense-{segment(sense_id)}")

"""Namespaces and IRIs. Terms are pyoxigraph nodes: the store, the parsers and the writers all
take them directly, which keeps a million-morpheme rebuild out of rdflib's slow paths."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import quote, unquote

from pyoxigraph import Literal, NamedNode, Triple


class Namespace:
    """``NS.term`` or ``NS["term"]`` gives a NamedNode, cached."""

    def __init__(self, base: str) -> None:
        self.base = base
        self._cache: dict[str, NamedNode] = {}

    def __getitem__(self, name: str) -> NamedNode:
        node = self._cache.get(name)
        if node is None:
            node = self._cache[name] = NamedNode(self.base + name)
        return node

    def __getattr__(self, name: str) -> NamedNode:
        if name.startswith("_"):
            raise AttributeError(name)
        return self[name]


RDF = Namespace("http://www.w3.org/1999/02/22-rdf-syntax-ns#")
RDFS = Namespace("http://www.w3.org/2000/01/rdf-schema#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
OWL = Namespace("http://www.w3.org/2002/07/owl#")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
DCT = Namespace("http://purl.org/dc/terms/")
PROV = Namespace("http://www.w3.org/ns/prov#")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
LIGT = Namespace("http://purl.org/ligt/ligt-0.2#")
ONTOLEX = Namespace("http://www.w3.org/ns/lemon/ontolex#")
LIME = Namespace("http://www.w3.org/ns/lemon/lime#")
VARTRANS = Namespace("http://www.w3.org/ns/lemon/vartrans#")
LEXINFO = Namespace("http://www.lexinfo.net/ontology/3.0/lexinfo#")
OA = Namespace("http://www.w3.org/ns/oa#")
ONYX = Namespace("http://www.gsi.upm.es/ontologies/onyx/ns#")
EMOML = Namespace("http://www.gsi.upm.es/ontologies/onyx/vocabularies/emotionml/ns#")
# Fieldmark's own terms, for what the vocabularies above leave open (documented in docs/rdf.md).
FM = Namespace("https://w3id.org/fieldmark/ns#")

LEXVO: Final = "http://lexvo.org/id/iso639-3/"
GLOTTOLOG: Final = "https://glottolog.org/resource/languoid/id/"
MEDIA_FRAGMENTS: Final = NamedNode("http://www.w3.org/TR/media-frags/")

PREFIXES: Final = {
    "rdf": RDF.base,
    "rdfs": RDFS.base,
    "xsd": XSD.base,
    "owl": OWL.base,
    "skos": SKOS.base,
    "dcterms": DCT.base,
    "prov": PROV.base,
    "foaf": FOAF.base,
    "ligt": LIGT.base,
    "ontolex": ONTOLEX.base,
    "lime": LIME.base,
    "vartrans": VARTRANS.base,
    "lexinfo": LEXINFO.base,
    "oa": OA.base,
    "onyx": ONYX.base,
    "emoml": EMOML.base,
    "fm": FM.base,
}

KINDS: Final = ("text", "utterance", "entry", "video", "layer", "schema", "link", "lexicon")
_LANG_TAG = re.compile(r"^[a-zA-Z]{1,8}(?:-[a-zA-Z0-9]{1,8})*$")
_ISO639_3 = re.compile(r"^[a-z]{3}$")
_GLOTTOCODE = re.compile(r"^[a-z0-9]{4}[0-9]{4}$")


def segment(value: str) -> str:
    """An id as one IRI path segment (every character outside unreserved ones escaped)."""
    return quote(value, safe="-._~")


@dataclass(frozen=True)
class ProjectIris:
    """The IRIs of one project's resources: ``<base>ld/<slug>/<kind>/<id>``."""

    base: str
    slug: str

    @property
    def root(self) -> str:
        return f"{self.base.rstrip('/')}/ld/{segment(self.slug)}"

    @property
    def document(self) -> NamedNode:
        """The project as a ``ligt:Document`` (its texts) and a dataset."""
        return NamedNode(self.root)

    @property
    def graph(self) -> NamedNode:
        """The named graph holding every triple of the project."""
        return NamedNode(f"{self.root}/graph")

    @property
    def lexicon(self) -> NamedNode:
        return NamedNode(f"{self.root}/lexicon")

    @property
    def schema(self) -> NamedNode:
        return NamedNode(f"{self.root}/schema")

    def of(self, kind: str, doc_id: str) -> NamedNode:
        return NamedNode(f"{self.root}/{kind}/{segment(doc_id)}")

    def agent(self, username: str) -> NamedNode:
        return NamedNode(f"{self.root}/agent/{segment(username)}")

    def parse(self, iri: str) -> tuple[str, str] | None:
        """(kind, id) of one of this project's resource IRIs (fragment ignored), else None."""
        prefix = self.root + "/"
        if not iri.startswith(prefix):
            return None
        kind, _, rest = iri[len(prefix) :].partition("/")
        if kind not in KINDS or not rest:
            return None
        return kind, unquote(rest.split("#", 1)[0])


def fragment(resource: NamedNode, name: str) -> NamedNode:
    return NamedNode(f"{resource.value}#{name}")


def tail_id(iri: str, kind: str) -> str | None:
    """The id after ``/<kind>/`` in any Fieldmark-shaped IRI (another project's or site's)."""
    marker = f"/{kind}/"
    at = iri.rfind(marker)
    if at < 0:
        return None
    return unquote(iri[at + len(marker) :].split("#", 1)[0])


def text(value: str, lang: str | None = None) -> Literal:
    """A string, language-tagged when ``lang`` is a well-formed BCP 47 tag."""
    if lang and _LANG_TAG.match(lang):
        return Literal(value, language=lang)
    return Literal(value)


def valid_lang(tag: str) -> bool:
    return bool(_LANG_TAG.match(tag))


def integer(value: int) -> Literal:
    return Literal(str(int(value)), datatype=XSD.integer)


def decimal(value: float) -> Literal:
    return Literal(repr(float(value)), datatype=XSD.double)


def boolean(value: bool) -> Literal:
    return Literal("true" if value else "false", datatype=XSD.boolean)


def as_json(value: Any) -> Literal:
    """Free-form fields (custom fields, extra tiers, metadata) as ``rdf:JSON`` literals."""
    return Literal(
        json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")),
        datatype=RDF.JSON,
    )


def language_iris(code: str | None) -> list[NamedNode]:
    """ISO 639-3 codes as Lexvo IRIs, Glottocodes as Glottolog IRIs; anything else is left out."""
    if not code:
        return []
    if _ISO639_3.match(code):
        return [NamedNode(LEXVO + code)]
    if _GLOTTOCODE.match(code):
        return [NamedNode(GLOTTOLOG + code)]
    return []


def language_code(iri: str) -> tuple[str, str] | None:
    """("iso", code) or ("glottolog", code) for a language IRI of either kind."""
    for kind, base in (("iso", LEXVO), ("glottolog", GLOTTOLOG)):
        if iri.startswith(base):
            return kind, iri[len(base) :]
    return None


def triples_with(subject: NamedNode, pairs: Iterable[tuple[NamedNode, Any]]) -> list[Triple]:
    return [Triple(subject, p, o) for p, o in pairs]

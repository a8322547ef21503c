"""Linked data: Fieldmark's documents as RDF and back, as pure functions (no Django).

* :mod:`.vocab`: namespaces and the IRIs minted for a project's resources.
* :mod:`.ligt`: texts and utterances as Ligt 0.2 (interlinear glossed text).
* :mod:`.ontolex`: lexicon entries as OntoLex-Lemon (with lime, vartrans, lexinfo).
* :mod:`.webannotation`: videos, affect layers, label schemas and utterance links as W3C Web
  Annotation with SKOS concept schemes.
* :mod:`.reader`: an RDF graph (ours or any Ligt/OntoLex data) back to texts and entries.

Every resource maps to a set of triples whose subjects are the resource's IRI or fragments of it
(``<…/utterance/u1#w0.m1>``), so replacing a resource in the store is "drop those subjects, add
the new triples" and a replay gives the same graph.
"""

"""The project graphs in the RDF store, through the one store module (:mod:`fieldmark.storage.rdf`).

Two backends with one interface: an Oxigraph directory opened in this process (the rdflib
Dataset's own pyoxigraph store, so there is one open store per process) and a SPARQL 1.1 server
(``FIELDMARK_RDF_STORE=http://…``: updates through SPARQL Update, exports through the Graph Store
Protocol, so Oxigraph's native writers serialize either way).
"""

from __future__ import annotations

import io
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Iterator, Sequence
from typing import IO, Any, Final, Protocol

import pyoxigraph as ox
from pyoxigraph import NamedNode, Quad, RdfFormat, Triple

from annotations.linked.vocab import PREFIXES
from fieldmark.storage import rdf

FORMATS: Final = {
    "turtle": (RdfFormat.TURTLE, "text/turtle", "ttl"),
    "trig": (RdfFormat.TRIG, "application/trig", "trig"),
    "ntriples": (RdfFormat.N_TRIPLES, "application/n-triples", "nt"),
    "nquads": (RdfFormat.N_QUADS, "application/n-quads", "nq"),
    "jsonld": (RdfFormat.JSON_LD, "application/ld+json", "jsonld"),
    "rdfxml": (RdfFormat.RDF_XML, "application/rdf+xml", "rdf"),
}
QUAD_FORMATS: Final = frozenset({"trig", "nquads"})
REMOTE_TIMEOUT_S: Final = 30.0
# Past this many new triples in one write, the bulk path (Oxigraph's bulk loader, one Graph Store
# POST) beats one SPARQL Update transaction.
BULK_MIN: Final = 10_000


class StoreError(RuntimeError):
    pass


class GraphStore(Protocol):
    def apply(
        self,
        graph: NamedNode,
        subjects: Iterable[NamedNode],
        triples: Iterable[Triple],
        add: Iterable[Triple],
    ) -> None:
        """Remove every triple of ``subjects`` and the exact ``triples``, then add ``add``."""

    def extend(self, graph: NamedNode, add: Iterable[Triple]) -> None: ...
    def clear(self, graph: NamedNode) -> None: ...
    def count(self, graph: NamedNode) -> int: ...
    def triples(self, graph: NamedNode) -> Iterator[Triple]: ...
    def describe(self, graph: NamedNode, subjects: Sequence[NamedNode]) -> list[Triple]: ...
    def dump(self, graph: NamedNode, fmt: str, output: IO[bytes]) -> None: ...
    def query(self, sparql: str, graph: NamedNode, timeout: float) -> Any:
        """A pyoxigraph result (QuerySolutions, QueryBoolean or QueryTriples) over ``graph``
        alone: it is the default graph and the only named one."""


def _ntriples(triples: Iterable[Triple]) -> bytes:
    buffer = io.BytesIO()
    ox.serialize(triples, buffer, RdfFormat.N_TRIPLES)
    return buffer.getvalue()


def _delete_subjects(graph: NamedNode, subjects: Sequence[NamedNode]) -> str:
    if not subjects:
        return ""
    values = " ".join(str(s) for s in subjects)
    return (
        f"DELETE {{ GRAPH {graph} {{ ?s ?p ?o }} }} "
        f"WHERE {{ GRAPH {graph} {{ VALUES ?s {{ {values} }} ?s ?p ?o }} }}"
    )


def _changes(
    graph: NamedNode,
    subjects: Iterable[NamedNode],
    triples: Iterable[Triple],
    add: Sequence[Triple] | None,
) -> str:
    """One SPARQL Update: drop the subjects' triples and the exact ``triples``, add ``add``."""
    parts = [_delete_subjects(graph, list(subjects))]
    removed = list(triples)
    if removed:
        parts.append(f"DELETE DATA {{ {_data_block(graph, removed)} }}")
    if add:
        parts.append(f"INSERT DATA {{ {_data_block(graph, add)} }}")
    return " ;\n".join(p for p in parts if p)


class LocalStore:
    """An Oxigraph store opened in this process."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store

    def apply(
        self,
        graph: NamedNode,
        subjects: Iterable[NamedNode],
        triples: Iterable[Triple],
        add: Iterable[Triple],
    ) -> None:
        added = list(add)
        # An edit is one transaction (a reader never sees half a resource); a batch of new
        # resources (an import) goes through the bulk loader, which is several times faster
        # than a transaction of that size.
        bulk = len(added) > BULK_MIN
        update = _changes(graph, subjects, triples, None if bulk else added)
        if update:
            self.store.update(update)
        if bulk:
            self.extend(graph, added)

    def extend(self, graph: NamedNode, add: Iterable[Triple]) -> None:
        data = _ntriples(add)
        if data:
            self.store.bulk_load(data, RdfFormat.N_TRIPLES, to_graph=graph)

    def clear(self, graph: NamedNode) -> None:
        if self.store.contains_named_graph(graph):
            self.store.remove_graph(graph)

    def count(self, graph: NamedNode) -> int:
        result = self.store.query(
            "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", default_graph=[graph], named_graphs=[]
        )
        assert isinstance(result, ox.QuerySolutions)
        return int(next(iter(result))["n"].value)

    def triples(self, graph: NamedNode) -> Iterator[Triple]:
        for quad in self.store.quads_for_pattern(None, None, None, graph):
            yield quad.triple

    def describe(self, graph: NamedNode, subjects: Sequence[NamedNode]) -> list[Triple]:
        return [
            quad.triple
            for subject in subjects
            for quad in self.store.quads_for_pattern(subject, None, None, graph)
        ]

    def dump(self, graph: NamedNode, fmt: str, output: IO[bytes]) -> None:
        if fmt in QUAD_FORMATS:
            ox.serialize(
                self.store.quads_for_pattern(None, None, None, graph),
                output,
                FORMATS[fmt][0],
                prefixes=PREFIXES,
            )
        else:
            self.store.dump(output, FORMATS[fmt][0], from_graph=graph, prefixes=PREFIXES)

    def query(self, sparql: str, graph: NamedNode, timeout: float) -> Any:
        return self.store.query(sparql, default_graph=[graph], named_graphs=[graph])


def _data_block(graph: NamedNode, triples: Iterable[Triple]) -> str:
    body = " ".join(f"{t.subject} {t.predicate} {t.object} ." for t in triples)
    return f"GRAPH {graph} {{ {body} }}"


class RemoteStore:
    """A SPARQL 1.1 server with ``/query``, ``/update`` and ``/store`` (Oxigraph's layout)."""

    def __init__(self, url: str) -> None:
        self.url = url.rstrip("/")

    def _request(
        self, path: str, data: bytes | None, content_type: str, accept: str, timeout: float
    ) -> Any:
        request = urllib.request.Request(  # noqa: S310 - the configured store's own address
            f"{self.url}{path}",
            data=data,
            headers={"Content-Type": content_type, "Accept": accept},
            method="POST" if data is not None else "GET",
        )
        try:
            return urllib.request.urlopen(request, timeout=timeout)  # noqa: S310
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode("utf-8", "replace")[:500]
            raise StoreError(f"the RDF store answered {exc.code}: {detail}") from exc
        except OSError as exc:
            raise StoreError(f"the RDF store did not answer: {exc}") from exc

    def _update(self, text: str) -> None:
        if text.strip():
            self._request(
                "/update", text.encode(), "application/sparql-update", "*/*", REMOTE_TIMEOUT_S
            ).close()

    def apply(
        self,
        graph: NamedNode,
        subjects: Iterable[NamedNode],
        triples: Iterable[Triple],
        add: Iterable[Triple],
    ) -> None:
        added = list(add)
        bulk = len(added) > BULK_MIN
        self._update(_changes(graph, subjects, triples, None if bulk else added))
        if bulk:
            self.extend(graph, added)

    def extend(self, graph: NamedNode, add: Iterable[Triple]) -> None:
        """One Graph Store POST (N-Triples) for the whole batch."""
        data = _ntriples(add)
        if not data:
            return
        query = urllib.parse.urlencode({"graph": graph.value})
        self._request(
            f"/store?{query}", data, "application/n-triples", "*/*", REMOTE_TIMEOUT_S
        ).close()

    def clear(self, graph: NamedNode) -> None:
        self._update(f"DROP SILENT GRAPH {graph}")

    def count(self, graph: NamedNode) -> int:
        result = self.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", graph, REMOTE_TIMEOUT_S)
        return int(next(iter(result))["n"].value)

    def triples(self, graph: NamedNode) -> Iterator[Triple]:
        query = urllib.parse.urlencode({"graph": graph.value})
        with self._request(
            f"/store?{query}", None, "", "application/n-triples", REMOTE_TIMEOUT_S
        ) as response:
            yield from (q.triple for q in ox.parse(response, RdfFormat.N_TRIPLES))

    def describe(self, graph: NamedNode, subjects: Sequence[NamedNode]) -> list[Triple]:
        if not subjects:
            return []
        values = " ".join(str(s) for s in subjects)
        sparql = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ VALUES ?s {{ {values} }} ?s ?p ?o }}"
        return list(self.query(sparql, graph, REMOTE_TIMEOUT_S))

    def dump(self, graph: NamedNode, fmt: str, output: IO[bytes]) -> None:
        if fmt in QUAD_FORMATS:
            ox.serialize(
                (Quad(t.subject, t.predicate, t.object, graph) for t in self.triples(graph)),
                output,
                FORMATS[fmt][0],
                prefixes=PREFIXES,
            )
            return
        query = urllib.parse.urlencode({"graph": graph.value})
        with self._request(
            f"/store?{query}", None, "", FORMATS[fmt][1], REMOTE_TIMEOUT_S
        ) as response:
            while chunk := response.read(1 << 16):
                output.write(chunk)

    def query(self, sparql: str, graph: NamedNode, timeout: float) -> Any:
        # The protocol's dataset parameters override any FROM / FROM NAMED in the query.
        params = urllib.parse.urlencode(
            {"default-graph-uri": graph.value, "named-graph-uri": graph.value}
        )
        response = self._request(
            f"/query?{params}",
            sparql.encode(),
            "application/sparql-query",
            "application/sparql-results+json, application/n-triples;q=0.9",
            timeout,
        )
        with response:
            kind = response.headers.get("Content-Type", "")
            body = response.read()
        if "n-triples" in kind:
            return ox.parse(body, RdfFormat.N_TRIPLES)
        return ox.parse_query_results(body, ox.QueryResultsFormat.JSON)


def get_store() -> GraphStore:
    location = rdf.store_location()
    if rdf.is_endpoint(location):
        return RemoteStore(location)
    dataset = rdf.get_dataset()
    return LocalStore(dataset.store._inner)  # type: ignore[attr-defined]

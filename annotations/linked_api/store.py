"""The project graphs in the RDF store, through the one store module (:mod:`fieldmark.storage.rdf`).

Two backends with one interface: an Oxigraph directory opened in this process (the rdflib
Dataset's own pyoxigraph store, so there is one open store per process) and a SPARQL 1.1 server
(``FIELDMARK_RDF_STORE=http://…``: updates through SPARQL Update, exports through the Graph Store
Protocol, so Oxigraph's native writers serialize either way).

A project's graph has a public name (``<base>ld/<slug>/graph``); the triples live in the graph
that a pointer in the store's own ``fm:graphs`` graph names (the public name itself until the
first rebuild). A rebuild loads a new graph beside the live one and moves the pointer in one
small transaction (:meth:`swap`), so a reader sees the old graph or the new one, never a half
one; every method here takes the public name and follows the pointer. Copying the graph
instead (one ``MOVE`` transaction) took 52 s for 100k triples and 271 s and 1.4 GB for 400k in
the embedded store: hours and tens of GB at the bench's 10M.
"""

from __future__ import annotations

import io
import re
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
# Where each project's pointer to its live graph is kept, and the pointer's predicate.
POINTERS: Final = NamedNode("https://w3id.org/fieldmark/ns#graphs")
LIVE: Final = NamedNode("https://w3id.org/fieldmark/ns#liveGraph")
# An old graph is deleted this many triples per transaction (one transaction for 10M triples
# would hold them all in memory).
DROP_CHUNK: Final = 50_000
# A rebuild's graph: ``<public name>/r<ns>``. It is never itself a public name, so it has no
# pointer to look up.
STAGED: Final = re.compile(r"/graph/r[0-9]+$")


def staged(graph: NamedNode) -> bool:
    """Whether ``graph`` is a rebuild's graph (not a project's public name)."""
    return STAGED.search(graph.value) is not None


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
    def live(self, graph: NamedNode) -> NamedNode:
        """The graph that holds the triples of ``graph`` now (``graph`` when no pointer)."""

    def swap(self, graph: NamedNode, new: NamedNode) -> NamedNode:
        """Make ``new`` the live graph of ``graph`` in one transaction; returns the old one."""

    def drop(self, graph: NamedNode) -> None:
        """Delete the triples of exactly ``graph`` (no pointer followed), in bounded chunks."""

    def unpoint_empty(self, graph: NamedNode, target: NamedNode) -> None:
        """Remove the pointer of ``graph`` if it points at ``target`` and ``target`` is empty,
        in one transaction (so a write to ``target`` is never left without its pointer)."""

    def graphs(self, prefix: str) -> list[NamedNode]:
        """The named graphs whose IRI starts with ``prefix`` (a project's staging graphs)."""

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


def _swap(graph: NamedNode, new: NamedNode) -> str:
    return (
        f"DELETE WHERE {{ GRAPH {POINTERS} {{ {graph} {LIVE} ?g }} }} ;\n"
        f"INSERT DATA {{ GRAPH {POINTERS} {{ {graph} {LIVE} {new} }} }}"
    )


def _unpoint_empty(graph: NamedNode, target: NamedNode) -> str:
    return (
        f"DELETE {{ GRAPH {POINTERS} {{ {graph} {LIVE} {target} }} }} WHERE {{ "
        f"GRAPH {POINTERS} {{ {graph} {LIVE} {target} }} "
        f"FILTER NOT EXISTS {{ GRAPH {target} {{ ?s ?p ?o }} }} }}"
    )


def _drop_chunk(graph: NamedNode) -> str:
    return (
        f"DELETE {{ GRAPH {graph} {{ ?s ?p ?o }} }} WHERE {{ "
        f"{{ SELECT ?s ?p ?o WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }} LIMIT {DROP_CHUNK} }} }}"
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
        live = self.live(graph)
        update = _changes(live, subjects, triples, None if bulk else added)
        if update:
            self.store.update(update)
        if bulk:
            self.extend(live, added)

    def extend(self, graph: NamedNode, add: Iterable[Triple]) -> None:
        data = _ntriples(add)
        if data:
            self.store.bulk_load(data, RdfFormat.N_TRIPLES, to_graph=self.live(graph))

    def live(self, graph: NamedNode) -> NamedNode:
        if staged(graph):
            return graph
        for quad in self.store.quads_for_pattern(graph, LIVE, None, POINTERS):
            assert isinstance(quad.object, NamedNode)
            return quad.object
        return graph

    def swap(self, graph: NamedNode, new: NamedNode) -> NamedNode:
        old = self.live(graph)
        self.store.update(_swap(graph, new))
        return old

    def drop(self, graph: NamedNode) -> None:
        while next(iter(self.store.quads_for_pattern(None, None, None, graph)), None) is not None:
            self.store.update(_drop_chunk(graph))
        if self.store.contains_named_graph(graph):
            self.store.remove_graph(graph)

    def unpoint_empty(self, graph: NamedNode, target: NamedNode) -> None:
        self.store.update(_unpoint_empty(graph, target))

    def graphs(self, prefix: str) -> list[NamedNode]:
        return [
            g
            for g in self.store.named_graphs()
            if isinstance(g, NamedNode) and g.value.startswith(prefix)
        ]

    def count(self, graph: NamedNode) -> int:
        result = self.store.query(
            "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
            default_graph=[self.live(graph)],
            named_graphs=[],
        )
        assert isinstance(result, ox.QuerySolutions)
        return int(next(iter(result))["n"].value)

    def triples(self, graph: NamedNode) -> Iterator[Triple]:
        for quad in self.store.quads_for_pattern(None, None, None, self.live(graph)):
            yield quad.triple

    def describe(self, graph: NamedNode, subjects: Sequence[NamedNode]) -> list[Triple]:
        live = self.live(graph)
        return [
            quad.triple
            for subject in subjects
            for quad in self.store.quads_for_pattern(subject, None, None, live)
        ]

    def dump(self, graph: NamedNode, fmt: str, output: IO[bytes]) -> None:
        live = self.live(graph)
        if fmt in QUAD_FORMATS:
            # Named by the public graph name, whichever graph holds the triples.
            ox.serialize(
                (
                    Quad(q.subject, q.predicate, q.object, graph)
                    for q in self.store.quads_for_pattern(None, None, None, live)
                ),
                output,
                FORMATS[fmt][0],
                prefixes=PREFIXES,
            )
        else:
            self.store.dump(output, FORMATS[fmt][0], from_graph=live, prefixes=PREFIXES)

    def query(self, sparql: str, graph: NamedNode, timeout: float) -> Any:
        live = self.live(graph)
        return self.store.query(sparql, default_graph=[live], named_graphs=[live])


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
        live = self.live(graph)
        self._update(_changes(live, subjects, triples, None if bulk else added))
        if bulk:
            self.extend(live, added)

    def extend(self, graph: NamedNode, add: Iterable[Triple]) -> None:
        """One Graph Store POST (N-Triples) for the whole batch."""
        data = _ntriples(add)
        if not data:
            return
        query = urllib.parse.urlencode({"graph": self.live(graph).value})
        self._request(
            f"/store?{query}", data, "application/n-triples", "*/*", REMOTE_TIMEOUT_S
        ).close()

    def _raw_query(self, sparql: str) -> Any:
        """A query over the whole store (the pointers), not confined to a project."""
        with self._request(
            "/query",
            sparql.encode(),
            "application/sparql-query",
            "application/sparql-results+json",
            REMOTE_TIMEOUT_S,
        ) as response:
            return ox.parse_query_results(response.read(), ox.QueryResultsFormat.JSON)

    def live(self, graph: NamedNode) -> NamedNode:
        if staged(graph):
            return graph
        found = self._raw_query(f"SELECT ?g WHERE {{ GRAPH {POINTERS} {{ {graph} {LIVE} ?g }} }}")
        for row in found:
            node = row["g"]
            assert isinstance(node, NamedNode)
            return node
        return graph

    def swap(self, graph: NamedNode, new: NamedNode) -> NamedNode:
        old = self.live(graph)
        self._update(_swap(graph, new))
        return old

    def drop(self, graph: NamedNode) -> None:
        while bool(self._raw_query(f"ASK {{ GRAPH {graph} {{ ?s ?p ?o }} }}")):
            self._update(_drop_chunk(graph))
        self._update(f"DROP SILENT GRAPH {graph}")

    def unpoint_empty(self, graph: NamedNode, target: NamedNode) -> None:
        self._update(_unpoint_empty(graph, target))

    def graphs(self, prefix: str) -> list[NamedNode]:
        start = ox.Literal(prefix)
        found = self._raw_query(
            f"SELECT ?g WHERE {{ GRAPH ?g {{ }} FILTER(STRSTARTS(STR(?g), {start})) }}"
        )
        return [row["g"] for row in found if isinstance(row["g"], NamedNode)]

    def count(self, graph: NamedNode) -> int:
        result = self.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", graph, REMOTE_TIMEOUT_S)
        return int(next(iter(result))["n"].value)

    def triples(self, graph: NamedNode) -> Iterator[Triple]:
        query = urllib.parse.urlencode({"graph": self.live(graph).value})
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
        query = urllib.parse.urlencode({"graph": self.live(graph).value})
        with self._request(
            f"/store?{query}", None, "", FORMATS[fmt][1], REMOTE_TIMEOUT_S
        ) as response:
            while chunk := response.read(1 << 16):
                output.write(chunk)

    def query(self, sparql: str, graph: NamedNode, timeout: float) -> Any:
        # The protocol's dataset parameters override any FROM / FROM NAMED in the query.
        live = self.live(graph).value
        params = urllib.parse.urlencode({"default-graph-uri": live, "named-graph-uri": live})
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

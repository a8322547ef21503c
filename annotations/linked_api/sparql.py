"""The project SPARQL endpoint: SPARQL 1.1 queries only, over the project's graph alone.

A query is parsed first (rdflib's SPARQL grammar): an update (INSERT, DELETE, LOAD, CLEAR, …) and
any ``SERVICE`` clause are refused before anything runs. It is then evaluated with the project's
graph as the default graph *and as the only named graph* (the store's dataset arguments, the
protocol's ``default-graph-uri``/``named-graph-uri`` on a server), so ``FROM``, ``FROM NAMED`` and
``GRAPH <other>`` cannot reach another project: they see nothing. ``GRAPH ?g`` binds the project's
public graph name, whichever graph holds its triples since a rebuild. Evaluation runs on a small
pool with a timeout and stops at a row cap.
"""

from __future__ import annotations

import csv
import io
import json
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from typing import Any, Final
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox
from django.conf import settings
from pyparsing import ParseException
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue

from annotations.linked.vocab import PREFIXES
from annotations.linked_api.store import FORMATS, StoreError, get_store
from annotations.linked_api.sync import iris_for
from fieldmark.api.errors import DomainError
from fieldmark.projects.models import Project

MAX_QUERY_CHARS: Final = 100_000
CONCURRENT: Final = 2
XSD_STRING: Final = "http://www.w3.org/2001/XMLSchema#string"
RESULT_TYPES: Final = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
GRAPH_TYPES: Final = {"turtle", "ntriples", "jsonld", "rdfxml"}

_slots = threading.BoundedSemaphore(CONCURRENT)


def _refuse(code: str, detail: str, status: int = 400) -> DomainError:
    return DomainError(code, detail, field="query", status_code=status)


def _names(node: Any) -> Iterable[str]:
    if isinstance(node, CompValue):
        yield node.name
        for value in node.values():
            yield from _names(value)
    elif isinstance(node, list | tuple) or type(node).__name__ == "ParseResults":
        for value in node:
            yield from _names(value)


def check_query(text: str) -> str:
    """The query form (SELECT, ASK, CONSTRUCT, DESCRIBE); a DomainError for anything else."""
    if not text.strip():
        raise _refuse("invalid_query", "Send a SPARQL query in the query parameter.")
    if len(text) > MAX_QUERY_CHARS:
        raise _refuse("invalid_query", f"The query is longer than {MAX_QUERY_CHARS:,} characters.")
    try:
        tree = parseQuery(text)
    except ParseException as exc:
        try:
            parseUpdate(text)
        except ParseException:
            raise _refuse("invalid_query", f"Not a SPARQL 1.1 query: {exc}") from None
        raise _refuse(
            "update_refused",
            "This endpoint answers queries only: SPARQL Update (INSERT, DELETE, LOAD, CLEAR, "
            "DROP, CREATE, …) is refused.",
        ) from None
    if "ServiceGraphPattern" in set(_names(tree)):
        raise _refuse("service_refused", "SERVICE clauses (federated queries) are refused.")
    return str(tree[1].name).removesuffix("Query").upper()


@dataclass
class Answer:
    """A query's answer, capped: ``rows`` for SELECT, ``boolean`` for ASK, ``triples`` else."""

    form: str
    variables: list[str]
    rows: list[list[Any]]
    boolean: bool | None
    triples: list[ox.Triple]
    truncated: bool


def _public_name(public: ox.NamedNode, live: ox.NamedNode) -> Callable[[Any], Any]:
    """Maps the graph that holds the triples (a rebuild's ``…/graph/r<ns>``) to the project's
    public graph name, which is what ``GRAPH ?g`` answers."""
    if live == public:
        return lambda term: term
    return lambda term: public if term == live else term


def _evaluate(project: Project, text: str, form: str, cap: int, cancel: threading.Event) -> Answer:
    try:
        store = get_store()
        public = iris_for(project).graph
        live = store.live(public)
        named = _public_name(public, live)
        result = store.query(text, live, settings.FIELDMARK_SPARQL_TIMEOUT_S)
        if isinstance(result, ox.QueryBoolean) or form == "ASK":
            return Answer(form, [], [], bool(result), [], False)
        if isinstance(result, ox.QuerySolutions):
            variables = [v.value for v in result.variables]
            rows: list[list[Any]] = []
            truncated = False
            for solution in result:
                if len(rows) >= cap:
                    truncated = True
                    break
                if cancel.is_set():
                    break
                rows.append([named(solution[v]) for v in variables])
            return Answer(form, variables, rows, None, [], truncated)
        triples: list[ox.Triple] = []
        truncated = False
        for triple in result:
            if len(triples) >= cap:
                truncated = True
                break
            if cancel.is_set():
                break
            found = triple.triple if isinstance(triple, ox.Quad) else triple
            if live != public:
                found = ox.Triple(named(found.subject), found.predicate, named(found.object))
            triples.append(found)
        return Answer(form, [], [], None, triples, truncated)
    finally:
        _slots.release()


def run_query(project: Project, text: str) -> Answer:
    form = check_query(text)
    if not _slots.acquire(blocking=False):
        raise _refuse("busy", "Too many queries are running; try again shortly.", 429)
    cancel = threading.Event()
    future: Future[Answer] = Future()

    def work() -> None:
        try:
            future.set_result(
                _evaluate(project, text, form, settings.FIELDMARK_SPARQL_MAX_ROWS, cancel)
            )
        except BaseException as exc:
            future.set_exception(exc)

    # A daemon thread, not a pool: an in-process store cannot abandon a query, so one that
    # outlives its timeout runs to its end holding its slot, and must not hold up shutdown.
    # The Oxigraph server (make run, production) stops it itself (``--timeout-s``).
    try:
        threading.Thread(target=work, name="sparql", daemon=True).start()
    except BaseException:
        _slots.release()
        raise
    timeout = settings.FIELDMARK_SPARQL_TIMEOUT_S
    try:
        return future.result(timeout=timeout)
    except FutureTimeout:
        cancel.set()
        raise _refuse(
            "query_timeout", f"The query ran longer than {timeout} s and was stopped."
        ) from None
    except SyntaxError as exc:
        raise _refuse("invalid_query", f"Not a query the store can run: {exc}") from None
    except (StoreError, OSError) as exc:
        raise _refuse("query_failed", f"The query failed: {exc}") from None


# --- result formats ------------------------------------------------------------------------------


def _json_term(term: Any) -> dict[str, str]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    return {"type": "literal", "value": str(term)}


def _xml_term(term: Any) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
        if term.datatype.value != XSD_STRING:
            return (
                f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
            )
        return f"<literal>{escape(term.value)}</literal>"
    return f"<literal>{escape(str(term))}</literal>"


def _plain(term: Any) -> str:
    if term is None:
        return ""
    return str(term.value) if hasattr(term, "value") else str(term)


def render_results(answer: Answer, fmt: str) -> bytes:
    """SELECT/ASK results as SPARQL 1.1 JSON, XML, CSV or TSV."""
    if fmt == "json":
        if answer.boolean is not None:
            body: dict[str, Any] = {"head": {}, "boolean": answer.boolean}
        else:
            bindings = [
                {
                    v: _json_term(t)
                    for v, t in zip(answer.variables, row, strict=True)
                    if t is not None
                }
                for row in answer.rows
            ]
            body = {"head": {"vars": answer.variables}, "results": {"bindings": bindings}}
        return json.dumps(body, ensure_ascii=False).encode()
    if fmt == "xml":
        parts = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">']
        parts.append(
            "<head>"
            + "".join(f"<variable name={quoteattr(v)}/>" for v in answer.variables)
            + "</head>"
        )
        if answer.boolean is not None:
            parts.append(f"<boolean>{'true' if answer.boolean else 'false'}</boolean>")
        else:
            parts.append("<results>")
            for row in answer.rows:
                cells = "".join(
                    f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>"
                    for v, t in zip(answer.variables, row, strict=True)
                    if t is not None
                )
                parts.append(f"<result>{cells}</result>")
            parts.append("</results>")
        parts.append("</sparql>")
        return "\n".join(parts).encode()
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        if answer.boolean is not None:
            writer.writerow(["boolean"])
            writer.writerow(["true" if answer.boolean else "false"])
        else:
            writer.writerow(answer.variables)
            writer.writerows([_plain(t) for t in row] for row in answer.rows)
        return out.getvalue().encode()
    if fmt == "tsv":
        lines = ["\t".join(f"?{v}" for v in answer.variables)]
        if answer.boolean is not None:
            lines = ["?boolean", "true" if answer.boolean else "false"]
        else:
            lines += ["\t".join("" if t is None else str(t) for t in row) for row in answer.rows]
        return ("\n".join(lines) + "\n").encode()
    raise ValueError(fmt)


def render_graph(answer: Answer, fmt: str) -> bytes:
    buffer = io.BytesIO()
    ox.serialize(answer.triples, buffer, FORMATS[fmt][0], prefixes=PREFIXES)
    return buffer.getvalue()


def negotiate(form: str, accept: str, requested: str | None) -> str:
    """The answer's format: ``?format=`` first, then the Accept header, else the default."""
    graph_form = form in ("CONSTRUCT", "DESCRIBE")
    choices = {fmt: FORMATS[fmt][1] for fmt in GRAPH_TYPES} if graph_form else dict(RESULT_TYPES)
    if requested:
        if requested not in choices:
            raise DomainError(
                "invalid",
                f"Unknown format {requested!r}; use one of {', '.join(sorted(choices))}.",
                field="format",
            )
        return requested
    by_type = {mime: fmt for fmt, mime in choices.items()}
    if not graph_form:
        by_type["application/json"] = "json"
    for part in sorted(_accepted(accept), key=lambda item: -item[1]):
        if part[0] in by_type:
            return by_type[part[0]]
    return "turtle" if graph_form else "json"


def _accepted(accept: str) -> list[tuple[str, float]]:
    out = []
    for item in accept.split(","):
        mime, _, params = item.strip().partition(";")
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if mime:
            out.append((mime.strip().lower(), q))
    return out


def content_type(form: str, fmt: str) -> str:
    if form in ("CONSTRUCT", "DESCRIBE"):
        return f"{FORMATS[fmt][1]}; charset=utf-8"
    return f"{RESULT_TYPES[fmt]}; charset=utf-8"

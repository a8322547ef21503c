"""Importing Ligt and OntoLex-Lemon RDF into the document model, all or nothing.

The upload is parsed by Oxigraph (Turtle, TriG, N-Triples, N-Quads, JSON-LD, RDF/XML) into a
temporary on-disk store, so a large file does not sit in memory as Python objects while it is
parsed; :func:`annotations.linked.reader.read` maps it, and the documents are written by the
linguistic import's own all-or-nothing writer (batches tagged with the job, removed on failure).
A file with problems fails the job with every problem named by resource; nothing is written.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from typing import IO, Any

import pyoxigraph as ox

from annotations.linguistic.model import LexicalEntry
from annotations.linguistic_api import services as linguistic
from annotations.linguistic_api.services import common as linguistic_common
from annotations.linked import reader
from annotations.linked_api.services import IMPORT_FORMATS
from fieldmark.projects.models import Project
from fieldmark.storage.versioned import new_id

MAX_PROBLEMS = 200


def _failed(problems: list[reader.Problem]) -> linguistic.ImportFailed:
    report = [p.as_report() for p in problems[:MAX_PROBLEMS]]
    first = problems[0]
    where = f"{first.resource}: " if first.resource else ""
    return linguistic.ImportFailed(f"{where}{first.message}", report)


def parse(handle: IO[bytes], fmt: str) -> reader.ReadResult:
    """Parse and map an upload; malformed RDF is an ImportFailed naming the position."""
    with tempfile.TemporaryDirectory(prefix="fieldmark-rdf-import-") as folder:
        store = ox.Store(folder)
        try:
            store.bulk_load(handle, IMPORT_FORMATS[fmt], base_iri="urn:fieldmark:import:")
        except SyntaxError as exc:
            raise _failed([reader.Problem("", f"malformed RDF: {exc}")]) from None
        triples = (q.triple for q in store.quads_for_pattern(None, None, None, None))
        result = reader.read(triples)
        del store
    return result


def _batches(result: reader.ReadResult, job_id: str) -> Iterator[linguistic.ImportBatch]:
    utterance_ids: dict[tuple[int, int], str] = {}
    for t_index, text in enumerate(result.texts):
        text_id = new_id()
        head = {key: value for key, value in text.to_doc().items() if key != "utterances"}
        text_doc = {
            **{k: head[k] for k in linguistic.TEXT_FIELDS if k in head},
            "_id": text_id,
            "source_id": text.id,
            "import_job": job_id,
        }
        utts = []
        for u_index, utt in enumerate(text.utterances):
            doc_id = new_id()
            utterance_ids[(t_index, u_index)] = doc_id
            utts.append({**utt.to_doc(), "_id": doc_id, "text": text_id, "import_job": job_id})
        yield linguistic.ImportBatch([text_doc], utts, [])
    # Examples name the utterances they come from by IRI: point them at the new documents.
    for entry_index, sense_index, example_index, iri in result.example_refs:
        where = result.utterance_iris.get(iri)
        if where is not None and where in utterance_ids:
            entry = result.entries[entry_index]
            entry.senses[sense_index].examples[example_index].utterance_ref = utterance_ids[where]
    entries: list[dict[str, Any]] = []
    for entry in result.entries:
        entries.append({**_stored(entry), "_id": new_id(), "import_job": job_id})
        if len(entries) >= linguistic_common.IMPORT_BATCH:
            yield linguistic.ImportBatch([], [], entries)
            entries = []
    if entries:
        yield linguistic.ImportBatch([], [], entries)


def _stored(entry: LexicalEntry) -> dict[str, Any]:
    return linguistic.normalize_entry(entry.to_doc(), entry.id)


def import_rdf(
    project: Project,
    handle: IO[bytes],
    fmt: str,
    job_id: str,
    user: str,
    progress: Callable[[float, str], None] | None = None,
) -> dict[str, int]:
    report = progress or (lambda fraction, message: None)
    result = parse(handle, fmt)
    if result.problems:
        raise _failed(result.problems)
    report(0.5, f"writing {len(result.texts)} texts and {len(result.entries)} entries")
    return linguistic.write_import(project, _batches(result, job_id), user, job_id)

"""Linked-data services: export, resource descriptions, import and rebuild jobs."""

from __future__ import annotations

import io
import queue
import threading
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any, Final

import pyoxigraph as ox
from django.contrib.auth.models import User
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from pyoxigraph import Literal, Triple

from annotations.linked.vocab import FM, PREFIXES, PROV, RDF, RDFS, ProjectIris
from annotations.linked_api import sync
from annotations.linked_api.store import FORMATS, get_store
from fieldmark.api.errors import DomainError
from fieldmark.jobs.models import Job
from fieldmark.jobs.services import start_job
from fieldmark.projects.models import Project
from fieldmark.storage import mongo

CHUNK: Final = 1 << 16
IMPORT_FORMATS: Final = {
    "turtle": ox.RdfFormat.TURTLE,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
}
RESOURCE_KINDS: Final = (
    "text",
    "utterance",
    "entry",
    "video",
    "layer",
    "link",
    "lexicon",
    "schema",
)
# Kinds whose resources live outside MongoDB, described by the app that owns them (mlworkers'
# model versions, which accepted values are attributed to): the triples, or None for 404.
Describer = Callable[[Project, str, ProjectIris], list[Triple] | None]
_DESCRIBERS: dict[str, Describer] = {}


def register_describer(kind: str, describer: Describer) -> None:
    """Make ``/ld/<project>/<kind>/<id>`` answer with ``describer``'s triples (an app's
    ``AppConfig.ready``)."""
    _DESCRIBERS[kind] = describer


def describe_agent(project: Project, username: str, iris: ProjectIris) -> list[Triple] | None:
    """``/agent/<username>``, whom accepted values name (``fm:acceptedBy``): a member of the
    project, with their role; anyone else is a 404 (the page lists no one who is not one)."""
    from fieldmark.projects.models import Membership

    membership = (
        Membership.objects.filter(project=project, user__username=username).only("role").first()
    )
    if membership is None:
        return None
    node = iris.agent(username)
    return [
        Triple(node, RDF.type, PROV.Agent),
        Triple(node, RDF.type, PROV.Person),
        Triple(node, RDFS.label, Literal(username)),
        Triple(node, FM.role, Literal(membership.role)),
    ]


register_describer("agent", describe_agent)


def check_format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise DomainError(
            "invalid",
            f"Unknown RDF format {fmt!r}; use one of {', '.join(FORMATS)}.",
            field="format",
        )
    return fmt


class _Pipe(io.RawIOBase):
    """A file object the native writer fills from a thread while the response reads chunks."""

    def __init__(self) -> None:
        self.chunks: queue.Queue[bytes | BaseException | None] = queue.Queue(maxsize=64)
        self.buffer = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self.buffer += bytes(data)
        if len(self.buffer) >= CHUNK:
            self.chunks.put(bytes(self.buffer))
            self.buffer.clear()
        return len(data)

    def finish(self, error: BaseException | None = None) -> None:
        if self.buffer:
            self.chunks.put(bytes(self.buffer))
            self.buffer.clear()
        self.chunks.put(error)


def export_stream(project: Project, fmt: str) -> Iterator[bytes]:
    """The project's whole graph in ``fmt``, serialized by Oxigraph's own writer in a thread
    and handed over in 64 KiB chunks (bounded: the writer waits when the reader is slow)."""
    check_format(fmt)
    sync.drain(project)  # whatever is still queued is applied first, so the export is current
    store = get_store()
    graph = sync.iris_for(project).graph
    pipe = _Pipe()

    def write() -> None:
        try:
            store.dump(graph, fmt, pipe)  # type: ignore[arg-type]
        except BaseException as exc:
            pipe.finish(exc)
        else:
            pipe.finish()

    threading.Thread(target=write, name="rdf-export", daemon=True).start()
    while True:
        item = pipe.chunks.get()
        if item is None:
            return
        if isinstance(item, BaseException):
            raise item
        yield item


def dump_to(project: Project, fmt: str, output: IO[bytes]) -> None:
    sync.drain(project)
    get_store().dump(sync.iris_for(project).graph, fmt, output)


def serialize(triples: list[Triple], fmt: str) -> bytes:
    buffer = io.BytesIO()
    rdf_format = FORMATS[fmt][0]
    if fmt in ("trig", "nquads"):
        rdf_format = ox.RdfFormat.TURTLE if fmt == "trig" else ox.RdfFormat.N_TRIPLES
    ox.serialize(triples, buffer, rdf_format, prefixes=PREFIXES)
    return buffer.getvalue()


def _find(project: Project, kind: str, doc_id: str) -> dict[str, Any] | None:
    if kind == "entry":
        query: dict[str, Any] = {"project": project.pk, "id": doc_id}
        found = mongo.collection("lexicon").find_one(query)
        return found or mongo.collection("lexicon").find_one({"project": project.pk, "_id": doc_id})
    return mongo.collection(sync.COLLECTION_OF[kind]).find_one(
        {"project": project.pk, "_id": doc_id}
    )


def describe(project: Project, kind: str, doc_id: str) -> list[Triple]:
    """A resource's triples from its current document, with its parts: a text with its
    utterances, a video with its coders' layers. 404 when there is no such resource."""
    if kind in _DESCRIBERS:
        described = _DESCRIBERS[kind](project, doc_id, sync.iris_for(project))
        if described is None:
            message = f"No {kind} {doc_id!r} in this project."
            raise DomainError("not_found", message, status_code=404)
        return described
    if kind not in RESOURCE_KINDS:
        raise DomainError("not_found", f"No kind of resource {kind!r}.", status_code=404)
    ctx = sync.Context(project, sync.iris_for(project))
    doc = None if kind in sync.SINGLETONS else _find(project, kind, doc_id)
    built = sync.build(kind, doc, ctx)
    if built is None:
        raise DomainError("not_found", f"No {kind} {doc_id!r} in this project.", status_code=404)
    triples = list(built.triples)
    parts = {
        "text": ("utterance", "text", [("order", 1)]),
        "video": ("layer", "video_id", [("_id", 1)]),
    }
    if kind in parts and doc is not None:
        child, key, order = parts[kind]
        for part in mongo.collection(sync.COLLECTION_OF[child]).find(
            {"project": project.pk, key: doc["_id"]}, sort=order
        ):
            more = sync.build(child, part, ctx)
            if more is not None:
                triples += more.triples
    return triples


# --- jobs ----------------------------------------------------------------------------------------


def start_import(user: User, project: Project, upload: UploadedFile, fmt: str) -> Job:
    """Save an RDF upload and start a ``linked.import`` job (Ligt texts, OntoLex entries)."""
    from annotations.linguistic_api.services import check_upload_size

    if fmt not in IMPORT_FORMATS:
        raise DomainError(
            "invalid",
            f"Unknown RDF format {fmt!r}; use one of {', '.join(IMPORT_FORMATS)}.",
            field="format",
        )
    check_upload_size(upload.size or 0)
    name = Path(upload.name or "upload").name
    stored = default_storage.save(f"imports/{uuid.uuid4().hex}-{name}", upload)
    return start_job(user, project, "linked.import", {"format": fmt, "path": stored, "name": name})


def start_export(user: User, project: Project, fmt: str) -> Job:
    return start_job(user, project, "linked.export", {"format": check_format(fmt)})


def start_rebuild(user: User, project: Project) -> Job:
    if sync.rebuilding(project.pk):
        raise DomainError(
            "rebuild_running",
            "A rebuild of this project's graph is running; start another once it has finished.",
            status_code=409,
        )
    return start_job(user, project, "linked.rebuild", {})

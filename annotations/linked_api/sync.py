"""Keeping each project's graph in step with MongoDB.

Every versioned write calls :func:`touched` (one line in ``VersionedStore`` and the bulk writer),
which upserts the resource's key in ``rdf_outbox`` and, once per burst, schedules a
``linked.sync`` task after the commit; the save itself never waits for the triple store.
:func:`drain` reads the outbox a batch at a time and re-derives each resource from its current
document: the triples it had (``rdf_resources`` records its subjects and the few triples whose
subject is another resource) are dropped and the new ones added in one store transaction (one
SPARQL Update on a server). A change replayed, or synced twice, gives the same graph; a missing
document removes the resource (and, for a text, its utterances). The records describe one
graph each (their ``gen``): a sync reads and writes those of the graph that is live now.
:func:`annotations.linked_api.rebuild.rebuild` regenerates a project's graph from MongoDB with
the same mapping.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

import pyoxigraph as ox
from django.conf import settings
from django.db import transaction
from pymongo import ASCENDING, DeleteOne, IndexModel, UpdateOne
from pymongo.errors import DuplicateKeyError
from pyoxigraph import NamedNode, RdfFormat, Triple

from annotations.affect.schema import DEFAULT_SCHEMA, AffectSchema
from annotations.linked import ligt, ontolex, webannotation
from annotations.linked.vocab import ProjectIris
from annotations.linked_api.store import GraphStore, get_store
from fieldmark.projects.models import Project
from fieldmark.storage import mongo

logger = logging.getLogger(__name__)

OUTBOX: Final = "rdf_outbox"
RECORDS: Final = "rdf_resources"
STATE: Final = "rdf_sync_state"
BATCH: Final = 500
RESCHEDULE_AFTER_S: Final = 60.0
# A running rebuild stamps its claim this often; a claim whose stamp is older than
# REBUILD_STALE_S is a rebuild that died (its process was killed): syncs go on, and the next
# rebuild (or the failed job's cleanup) removes what it left.
REBUILD_BEAT_S: Final = 10.0
REBUILD_STALE_S: Final = 90.0
# A scheduled sync starts this long after the write that scheduled it, so that a burst of saves
# (an annotator's, or twenty at once) is one drain rather than one per save, each of which cost
# the store several commands and the web a task to send.
SYNC_DELAY_S: Final = 0.5

# Collection → resource kind; a write to one of these also touches the project-level resource.
KIND_OF: Final = {
    "texts": "text",
    "utterances": "utterance",
    "lexicon": "entry",
    "videos": "video",
    "affect_layers": "layer",
    "affect_schemas": "schema",
    "affect_links": "link",
}
COLLECTION_OF: Final = {kind: name for name, kind in KIND_OF.items()}
ALSO_TOUCHES: Final = {
    "texts": ("lexicon", ""),
    "lexicon": ("lexicon", ""),
    "videos": ("schema", ""),
}
SINGLETONS: Final = frozenset({"lexicon", "schema"})

mongo.register_indexes(
    OUTBOX,
    [
        IndexModel([("project", ASCENDING), ("at", ASCENDING)]),
        # The conditional delete names _id and at: the embedded server plans an index only for
        # a filter that names nothing outside it.
        IndexModel([("_id", ASCENDING), ("at", ASCENDING)]),
    ],
)
mongo.register_indexes(
    RECORDS,
    [
        IndexModel([("project", ASCENDING), ("parent", ASCENDING)]),
        IndexModel([("project", ASCENDING), ("import_job", ASCENDING)]),
    ],
)


def base_iri() -> str:
    return str(settings.FIELDMARK_BASE_IRI)


def iris_for(project: Project) -> ProjectIris:
    return ProjectIris(base_iri(), project.slug)


def record_key(project_id: int, kind: str, doc_id: str, gen: str = "") -> str:
    """A resource record's id: records describe one graph, ``gen`` (see :func:`generation`)."""
    key = f"{project_id}:{kind}:{doc_id}"
    return f"{gen}/{key}" if gen else key


def generation(public: NamedNode, graph: NamedNode) -> str:
    """The tag of the records that describe ``graph``: "" for the public name (a project never
    rebuilt), else the rebuild's suffix ``r<ns>``."""
    return "" if graph == public else graph.value[len(public.value) + 1 :]


def record_gen(record: Mapping[str, Any]) -> str:
    return str(record.get("gen") or "")


def resource_record(
    project_id: int,
    gen: str,
    kind: str,
    doc_id: str,
    built: Built,
    fragments: list[str],
    foreign: list[Triple],
) -> dict[str, Any]:
    """What the records keep of one resource of graph ``gen`` (``built.owned()`` split it into
    ``fragments`` and ``foreign``): enough for a sync to remove its triples again."""
    return {
        "project": project_id,
        "gen": gen,
        "kind": kind,
        "doc": doc_id,
        "iri": built.iri,
        "subjects": fragments,
        "extras": [f"{t.subject} {t.predicate} {t.object} ." for t in foreign],
        "parent": built.parent,
        "import_job": built.import_job,
        "lang": built.lang,
    }


# --- marking -------------------------------------------------------------------------------------


def _keys_of(collection: str, doc_ids: Iterable[str]) -> list[tuple[str, str]]:
    kind = KIND_OF.get(collection)
    if kind is None:
        return []
    keys = [(kind, "" if kind in SINGLETONS else str(doc_id)) for doc_id in doc_ids]
    if keys and collection in ALSO_TOUCHES:
        keys.append(ALSO_TOUCHES[collection])
    return keys


def touched(
    collection: str, project_id: int, doc_ids: Iterable[str], *, stepped: bool = False
) -> None:
    """Called after every write to a versioned collection: queue its resources for the graph
    (``stepped``: the write already upserted them, with :func:`outbox_steps`; schedule only)."""
    keys = _keys_of(collection, doc_ids)
    if keys and stepped:
        schedule(project_id, time.time())
    elif keys:
        mark(project_id, keys)


def outbox_steps(collection: str, project_id: int, doc_ids: list[str]) -> list[mongo.Step]:
    """The outbox upserts of a versioned write, for it to make in its own round trip."""
    return [
        mongo.Step(OUTBOX, "update", filter=where, update=change, upsert=True)
        for where, change in _upserts(project_id, _keys_of(collection, doc_ids), time.time())
    ]


def _upserts(
    project_id: int, keys: Iterable[tuple[str, str]], now: float
) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    return [
        (
            {"_id": record_key(project_id, kind, doc_id)},
            {
                "$set": {"project": project_id, "kind": kind, "doc": doc_id, "at": now},
                "$setOnInsert": {"first": now},
            },
        )
        for kind, doc_id in dict.fromkeys(keys)
    ]


def mark(project_id: int, keys: Iterable[tuple[str, str]]) -> None:
    now = time.time()
    ops = [
        UpdateOne(where, change, upsert=True) for where, change in _upserts(project_id, keys, now)
    ]
    if not ops:
        return
    mongo.collection(OUTBOX).bulk_write(ops, ordered=False)
    schedule(project_id, now)


def forget_import(project_id: int, job_id: str) -> None:
    """An import's documents were deleted wholesale: queue every resource it had synced (the
    records of every graph: a key queued twice is synced once, from the live graph's records)."""
    records = mongo.collection(RECORDS).find(
        {"project": project_id, "import_job": job_id}, {"kind": 1, "doc": 1}
    )
    mark(project_id, [(r["kind"], r["doc"]) for r in records])


def mode() -> str:
    """``task`` (a Celery task per burst of writes) or ``manual`` (the outbox only; tests and
    scripts call :func:`drain`)."""
    return str(getattr(settings, "FIELDMARK_RDF_SYNC", "task"))


# When this process last sent each project's sync task (epoch seconds). The task starts
# SYNC_DELAY_S after that at the earliest, and drains what is queued by then, so a write queued
# before (with a margin) needs no read of the schedule state: most saves of a burst.
_sent: dict[int, float] = {}
_SENT_MARGIN_S = 0.1


def schedule(project_id: int, now: float) -> None:
    if mode() != "task":
        return
    sent = _sent.get(project_id)
    if sent is not None and time.time() < sent + SYNC_DELAY_S - _SENT_MARGIN_S:
        return
    state = mongo.collection(STATE)
    current = state.find_one({"_id": project_id})
    if current is None:
        try:
            state.insert_one({"_id": project_id, "queued": True, "queued_at": now})
        except DuplicateKeyError:
            return
    elif current.get("queued") and now - float(current.get("queued_at", 0)) < RESCHEDULE_AFTER_S:
        return
    else:
        state.update_one({"_id": project_id}, {"$set": {"queued": True, "queued_at": now}})

    def send() -> None:
        from annotations.linked_api.tasks import sync_project

        try:
            sent = time.time()
            sync_project.apply_async(args=(project_id,), queue="default", countdown=SYNC_DELAY_S)
            _sent[project_id] = sent
        except Exception:  # the outbox keeps the work; the next write or the beat retries
            logger.exception("could not schedule the RDF sync of project %s", project_id)

    transaction.on_commit(send)


# --- building resources --------------------------------------------------------------------------


@dataclass
class Built:
    """One resource's triples, split into the subjects it owns and the foreign triples."""

    iri: str
    triples: list[Triple]
    parent: str | None = None
    import_job: str | None = None
    lang: str | None = None
    # A resource whose subject other resources also use (a text: its utterances add
    # ``ligt:subSegment``; the lexicon: entries add ``lime:entry``) owns its exact triples only.
    exact: bool = False

    def owned(self) -> tuple[list[str], list[Triple]]:
        if self.exact:
            return [], list(self.triples)
        fragments: set[str] = set()
        foreign: list[Triple] = []
        prefix = self.iri + "#"
        for t in self.triples:
            subject = str(t.subject.value)  # type: ignore[union-attr]
            if subject == self.iri:
                fragments.add("")
            elif subject.startswith(prefix):
                fragments.add(subject[len(prefix) :])
            else:
                foreign.append(t)
        return sorted(fragments), foreign


_MISSING: Final = object()


@dataclass
class Context:
    """What a batch of resources needs besides their own documents, read once per batch."""

    project: Project
    iris: ProjectIris
    # text id → its language, or _MISSING once the text is known not to exist.
    _texts: dict[str, Any] = field(default_factory=dict)

    def preload_texts(self, text_ids: Iterable[str]) -> None:
        """Read the texts of a batch of utterances in one query (one per utterance was most of
        a rebuild's time)."""
        wanted = {t for t in text_ids if t and t not in self._texts}
        if not wanted:
            return
        found = mongo.collection("texts").find(
            {"project": self.project.pk, "_id": {"$in": sorted(wanted)}}, {"lang": 1}
        )
        for doc in found:
            self._texts[str(doc["_id"])] = doc.get("lang")
        for text_id in wanted:
            self._texts.setdefault(text_id, _MISSING)

    def set_text(self, text_id: str, lang: str | None) -> None:
        self._texts[text_id] = lang

    def text_lang(self, text_id: str) -> str | None:
        self.preload_texts([text_id])
        lang = self._texts[text_id]
        return None if lang is _MISSING else lang

    def text_exists(self, text_id: str) -> bool:
        self.preload_texts([text_id])
        return self._texts[text_id] is not _MISSING


def project_schema_doc(project_id: int) -> AffectSchema | None:
    """The label schema to publish: the stored one, the default once a video exists, else none."""
    from annotations.affect_api.documents import schema_id

    doc = mongo.collection("affect_schemas").find_one(
        {"_id": schema_id(project_id), "project": project_id}
    )
    if doc is not None:
        return AffectSchema.from_doc(doc)
    if mongo.collection("videos").find_one({"project": project_id}, {"_id": 1}) is not None:
        return DEFAULT_SCHEMA
    return None


def build(kind: str, doc: Mapping[str, Any] | None, ctx: Context) -> Built | None:
    """The resource for ``doc`` (None when it is gone or publishes nothing)."""
    iris = ctx.iris
    pid = ctx.project.pk
    if kind == "lexicon":
        entries = mongo.collection("lexicon").count_documents({"project": pid})
        has_texts = mongo.collection("texts").find_one({"project": pid}, {"_id": 1})
        if not entries and has_texts is None:
            return None
        triples = ontolex.lexicon_triples(iris, list(ctx.project.object_languages or []), entries)
        return Built(iris.lexicon.value, triples, exact=True)
    if kind == "schema":
        schema = project_schema_doc(pid)
        if schema is None:
            return None
        return Built(iris.schema.value, webannotation.schema_triples(schema, iris))
    if doc is None:
        return None
    job = doc.get("import_job")
    if kind == "text":
        node = iris.of("text", str(doc["_id"]))
        lang = doc.get("lang")
        ctx.set_text(str(doc["_id"]), lang)
        triples = ligt.text_triples(doc, iris)
        return Built(node.value, triples, import_job=job, lang=lang, exact=True)
    if kind == "utterance":
        text_id = str(doc.get("text") or "")
        if text_id and not ctx.text_exists(text_id):
            return None  # its text was deleted; the utterances go with it
        triples = ligt.utterance_triples(doc, iris, ctx.text_lang(text_id) if text_id else None)
        node = iris.of("utterance", str(doc["_id"]))
        return Built(node.value, triples, parent=f"text:{text_id}", import_job=job)
    if kind == "entry":
        node = ontolex.entry_iri(iris, doc)
        return Built(node.value, ontolex.entry_triples(doc, iris), import_job=job)
    if kind == "video":
        return Built(
            iris.of("video", str(doc["_id"])).value, webannotation.video_triples(doc, iris)
        )
    if kind == "layer":
        node = iris.of("layer", str(doc["_id"]))
        return Built(
            node.value, webannotation.layer_triples(doc, iris), parent=f"video:{doc['video_id']}"
        )
    if kind == "link":
        return Built(iris.of("link", str(doc["_id"])).value, webannotation.link_triples(doc, iris))
    raise ValueError(f"unknown resource kind {kind!r}")


def _load(ctx: Context, kind: str, doc_ids: list[str]) -> dict[str, Mapping[str, Any]]:
    if kind in SINGLETONS:
        return {}
    found = mongo.collection(COLLECTION_OF[kind]).find(
        {"project": ctx.project.pk, "_id": {"$in": doc_ids}}
    )
    return with_texts(ctx, kind, {str(doc["_id"]): doc for doc in found})


def _parse_triples(lines: list[str]) -> list[Triple]:
    if not lines:
        return []
    data = ("\n".join(lines) + "\n").encode()
    return [q.triple for q in ox.parse(data, RdfFormat.N_TRIPLES)]


# --- syncing --------------------------------------------------------------------------------------


def sync_resources(
    project: Project, keys: Iterable[tuple[str, str]], store: GraphStore | None = None
) -> int:
    """Replace the triples of each (kind, doc id) with those of its current document, in one
    store write; returns how many resources were looked at (children of deleted texts too)."""
    store = store or get_store()
    ctx = Context(project, iris_for(project))
    # The graph readers see now, and the records that describe it (a rebuild killed before its
    # swap left records of its own graph beside them; they are not read).
    graph = store.live(ctx.iris.graph)
    gen = generation(ctx.iris.graph, graph)
    records = mongo.collection(RECORDS)
    pending = list(dict.fromkeys(keys))
    seen: set[tuple[str, str]] = set()
    subjects: list[NamedNode] = []
    removed: list[str] = []
    added: list[Triple] = []
    record_ops: list[Any] = []
    while pending:
        batch = [k for k in pending if k not in seen]
        pending = []
        seen.update(batch)
        by_kind: dict[str, list[str]] = {}
        for kind, doc_id in batch:
            by_kind.setdefault(kind, []).append(doc_id)
        for kind, doc_ids in by_kind.items():
            docs = _load(ctx, kind, doc_ids)
            old = {
                r["doc"]: r
                for r in records.find(
                    {"_id": {"$in": [record_key(project.pk, kind, d, gen) for d in doc_ids]}}
                )
            }
            for doc_id in doc_ids:
                key = record_key(project.pk, kind, doc_id, gen)
                built = build(kind, docs.get(doc_id), ctx)
                before = old.get(doc_id)
                if before is not None:
                    subjects += [_subject(before["iri"], f) for f in before["subjects"]]
                    removed += before["extras"]
                if built is None:
                    if before is not None:
                        record_ops.append(DeleteOne({"_id": key}))
                    if kind in ("text", "video"):
                        pending += _children(project.pk, f"{kind}:{doc_id}", gen)
                    continue
                fragments, foreign = built.owned()
                subjects += [_subject(built.iri, f) for f in fragments]
                added += built.triples
                record = resource_record(project.pk, gen, kind, doc_id, built, fragments, foreign)
                record_ops.append(UpdateOne({"_id": key}, {"$set": record}, upsert=True))
                if kind == "text" and before is not None and before.get("lang") != built.lang:
                    pending += _children(project.pk, f"text:{doc_id}", gen)
    store.apply(graph, dict.fromkeys(subjects), _parse_triples(removed), added)
    if record_ops:
        records.bulk_write(record_ops, ordered=False)
    return len(seen)


def _subject(iri: str, fragment: str) -> NamedNode:
    return NamedNode(f"{iri}#{fragment}" if fragment else iri)


def _children(project_id: int, parent: str, gen: str) -> list[tuple[str, str]]:
    found = mongo.collection(RECORDS).find({"project": project_id, "parent": parent})
    return [(r["kind"], r["doc"]) for r in found if record_gen(r) == gen]


def drain(project: Project, batch: int = BATCH, store: GraphStore | None = None) -> int:
    """Sync everything queued for ``project``; returns how many outbox entries were applied.
    An entry touched again while its batch ran stays queued for the next batch."""
    outbox = mongo.collection(OUTBOX)
    state = mongo.collection(STATE)
    if rebuilding(project.pk):
        return 0  # the rebuild drains what is queued once its graph is live
    state.update_one({"_id": project.pk}, {"$set": {"queued": False}}, upsert=True)
    done = 0
    while True:
        entries = list(outbox.find({"project": project.pk}).sort("at", ASCENDING).limit(batch))
        if not entries or (done and rebuilding(project.pk)):
            return done
        sync_resources(project, [(e["kind"], e["doc"]) for e in entries], store)
        outbox.bulk_write(
            [DeleteOne({"_id": e["_id"], "at": e["at"]}) for e in entries], ordered=False
        )
        done += len(entries)


def rebuilding(project_id: int) -> bool:
    """Whether a rebuild of the project is under way (one whose stamp stopped is not)."""
    state = mongo.collection(STATE).find_one(
        {"_id": project_id}, {"rebuilding": 1, "rebuild_beat": 1}
    )
    return claim_alive(state or {}, time.time())


def claim_alive(state: Mapping[str, Any], now: float) -> bool:
    since = state.get("rebuilding")
    if since is None:
        return False
    beat = state.get("rebuild_beat")
    return now - float(since if beat is None else beat) < REBUILD_STALE_S


def pending(project_id: int | None = None) -> tuple[int, float]:
    """(queued resources, seconds since the oldest was first queued) — the sync lag."""
    query: dict[str, Any] = {} if project_id is None else {"project": project_id}
    entries = list(mongo.collection(OUTBOX).find(query, {"first": 1, "at": 1}))
    if not entries:
        return 0, 0.0
    oldest = min(float(e.get("first") or e["at"]) for e in entries)
    return len(entries), max(0.0, time.time() - oldest)


def health() -> dict[str, Any]:
    """The health line: how much is queued and for how long; failing past five minutes."""
    count, lag = pending()
    if lag > 300:
        raise RuntimeError(f"{count} resources have waited {lag:.0f} s for the RDF sync")
    return {"pending": count, "lag_s": round(lag, 3)}


def with_texts(
    ctx: Context, kind: str, docs: dict[str, Mapping[str, Any]]
) -> dict[str, Mapping[str, Any]]:
    if kind == "utterance":
        ctx.preload_texts(str(doc.get("text") or "") for doc in docs.values())
    return docs


def delete_in_chunks(
    name: str,
    query: Mapping[str, Any],
    where: Callable[[Mapping[str, Any]], bool] | None = None,
    fields: Mapping[str, int] | None = None,
    chunk: int = 200,
) -> int:
    """Delete what ``query`` matches a few hundred documents at a time, the ids read from one
    cursor. On the embedded server one ``delete_many`` of the 100k outbox entries of a bench
    import outlasted the client's 15 s socket timeout (~0.7 ms a document under load), a
    ``delete_many`` by ``$in`` grows faster than its list (100 ids 0.08 s, 1,000 ids 4.7 s), and
    every ``find`` costs seconds at that size whatever its limit."""
    collection = mongo.collection(name)
    deleted = 0
    ids: list[Any] = []
    for doc in collection.find(query, {"_id": 1, **(fields or {})}).batch_size(5000):
        if where is not None and not where(doc):
            continue
        ids.append(doc["_id"])
        if len(ids) == chunk:
            deleted += collection.delete_many({"_id": {"$in": ids}}).deleted_count
            ids = []
    if ids:
        deleted += collection.delete_many({"_id": {"$in": ids}}).deleted_count
    return deleted


def resource_subjects(project: Project, kind: str, doc_id: str) -> list[NamedNode]:
    """The subjects a synced resource owns, with those of its children (a text's utterances,
    a video's layers): what a per-resource export serializes."""
    records = mongo.collection(RECORDS)
    public = iris_for(project).graph
    gen = generation(public, get_store().live(public))
    found = records.find_one({"_id": record_key(project.pk, kind, doc_id, gen)})
    if found is None:
        return []
    subjects = [_subject(found["iri"], f) for f in found["subjects"]]
    for child in records.find({"project": project.pk, "parent": f"{kind}:{doc_id}"}):
        if record_gen(child) == gen:
            subjects += [_subject(child["iri"], f) for f in child["subjects"]]
    return subjects


def queued_projects() -> list[int]:
    return sorted({int(e["project"]) for e in mongo.collection(OUTBOX).find({}, {"project": 1})})

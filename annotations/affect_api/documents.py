"""Mongo collections of the affect API and their indexes (``manage.py ensure_indexes``).

``videos`` and ``affect_layers`` are versioned documents (409 on a stale write, history);
frame-level traces live in ``affect_trace_buckets``, one document per layer, track and time
bucket (see :func:`annotations.affect.model.bucketize`), replaced whole when a layer's traces are.
``affect_schemas`` (one label schema per project) and ``affect_links`` (utterance ↔ video
span) are versioned too. Chunked uploads in progress are plain documents in ``affect_uploads``.
"""

from __future__ import annotations

from typing import Final

from pymongo import ASCENDING, IndexModel
from pymongo.collection import Collection

from fieldmark.storage import mongo
from fieldmark.storage.mongo import Document
from fieldmark.storage.versioned import VersionedStore

TRACE_BUCKETS: Final = "affect_trace_buckets"
UPLOADS: Final = "affect_uploads"

videos = VersionedStore("videos", noun="video")
# A stale layer save is merged with others' saves when they touch different segments (known by
# their interval) or events (AU and onset); traces live in buckets and are never merged.
layers = VersionedStore(
    "affect_layers",
    noun="layer",
    merges=True,
    merge_keys={
        "segments": lambda s: (s["t0_ms"], s["t1_ms"]),
        "events": lambda e: (e["au"], e["onset_ms"]),
    },
)
# One label schema per project (id :func:`schema_id`); absent means the default schema.
schemas = VersionedStore("affect_schemas", noun="label schema")
# Links from a linguistic utterance to a time span of a video.
links = VersionedStore("affect_links", noun="link")

mongo.register_indexes(
    "affect_layers", [IndexModel([("project", ASCENDING), ("video_id", ASCENDING)])]
)
mongo.register_indexes(
    TRACE_BUCKETS,
    [
        IndexModel(
            [("layer_id", ASCENDING), ("track", ASCENDING), ("bucket", ASCENDING)], unique=True
        )
    ],
)

mongo.register_indexes(
    "affect_links",
    [
        IndexModel([("project", ASCENDING), ("video_id", ASCENDING), ("t0_ms", ASCENDING)]),
        IndexModel([("project", ASCENDING), ("utterance", ASCENDING)]),
    ],
)

mongo.register_indexes(UPLOADS, [IndexModel([("project", ASCENDING), ("_id", ASCENDING)])])


def schema_id(project_id: int) -> str:
    return f"schema-{project_id}"


def trace_buckets() -> Collection[Document]:
    return mongo.collection(TRACE_BUCKETS)


def uploads() -> Collection[Document]:
    """Chunked uploads in progress: who announced which file of what size (not versioned)."""
    return mongo.collection(UPLOADS)

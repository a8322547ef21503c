"""Mongo collections of automatic face coding.

* ``affect_face_tracks``: what the pipeline saw, one document per (video, subject, bucket of
  ``TRACK_BUCKET_FRAMES`` frames): frame indices, boxes and contour landmarks as packed arrays
  (coordinates as uint16 fractions of the frame, 2 bytes a number), for the player overlay;
* ``affect_face_models``: trained face models of a project (metadata; the skops archive is a
  file in storage), numbered per project;
* ``affect_face_suggestions``: a coder's decision on one suggested event of a machine layer.

Probabilities of a machine layer are trace buckets in ``affect_trace_buckets`` under the layer
id with ``/p`` appended, so they never mix with the layer's own traces.
"""

from __future__ import annotations

from typing import Final

from pymongo import ASCENDING, DESCENDING, IndexModel
from pymongo.collection import Collection

from fieldmark.storage import mongo
from fieldmark.storage.mongo import Document

FACE_TRACKS: Final = "affect_face_tracks"
FACE_MODELS: Final = "affect_face_models"
FACE_SUGGESTIONS: Final = "affect_face_suggestions"
TRACK_BUCKET_FRAMES: Final = 1440
PROBABILITY_SUFFIX: Final = "/p"

mongo.register_indexes(
    FACE_TRACKS,
    [
        IndexModel(
            [("project", ASCENDING), ("video_id", ASCENDING), ("subject", ASCENDING),
             ("bucket", ASCENDING)],
            unique=True,
        )
    ],
)  # fmt: skip
mongo.register_indexes(
    FACE_MODELS,
    [IndexModel([("project", ASCENDING), ("number", DESCENDING)], unique=True)],
)
mongo.register_indexes(
    FACE_SUGGESTIONS,
    [
        IndexModel(
            [("project", ASCENDING), ("layer_id", ASCENDING), ("key", ASCENDING),
             ("annotator", ASCENDING)],
            unique=True,
        )
    ],
)  # fmt: skip


def face_tracks() -> Collection[Document]:
    return mongo.collection(FACE_TRACKS)


def face_models() -> Collection[Document]:
    return mongo.collection(FACE_MODELS)


def face_suggestions() -> Collection[Document]:
    return mongo.collection(FACE_SUGGESTIONS)

"""Machine suggestions: one Mongo document per utterance in ``ml_suggestions``, beside (never
inside) the utterance, so a person's save can neither carry nor lose them.

``{_id: "<utterance _id>", project, text, utterance_version, task, version: <ModelVersion id>,
version_number, created_at, items: [{word, morpheme, field, label, p, labels, status, by, at}]}``
where ``morpheme`` is null for a word-level label and ``status`` is ``pending``, ``accepted`` or
``rejected``. An accepted item keeps its label, which is how the editor marks a value as
machine-made: the field still holds what the model proposed.
"""

from __future__ import annotations

from pymongo import ASCENDING, IndexModel
from pymongo.collection import Collection

from fieldmark.storage import mongo
from fieldmark.storage.versioned import Doc

SUGGESTIONS = "ml_suggestions"

mongo.register_indexes(
    SUGGESTIONS,
    [
        IndexModel([("project", ASCENDING), ("text", ASCENDING)]),
        IndexModel([("project", ASCENDING), ("version", ASCENDING)]),
    ],
)


# The utterances added or changed since a time, for the retraining schedules' check
# (``schedules.changes_since_last_run``): equality on ``project`` and a range on ``updated_at``
# is what the embedded store serves from an index; without one it scans the collection.
mongo.register_indexes(
    "utterances", [IndexModel([("project", ASCENDING), ("updated_at", ASCENDING)])]
)


def suggestions() -> Collection[Doc]:
    return mongo.collection(SUGGESTIONS)

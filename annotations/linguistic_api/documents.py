"""Mongo collections of the interlinear API and their indexes (``manage.py ensure_indexes``).

``texts`` hold a text's metadata; each utterance is its own versioned document in ``utterances``
(``text`` and ``order`` place it), so an edit conflicts only with edits of the same utterance.
The concordance indexes cover the morpheme and word fields it searches.
"""

from __future__ import annotations

from pymongo import ASCENDING, IndexModel

from fieldmark.storage import mongo
from fieldmark.storage.versioned import VersionedStore

texts = VersionedStore("texts", noun="text")
utterances = VersionedStore("utterances", noun="utterance")
lexicon = VersionedStore("lexicon", noun="lexicon entry")

# Concordance field -> document path; each has an index on (project, path).
CONCORDANCE_PATHS: dict[str, str] = {
    "form": "words.morphemes.form",
    "gloss": "words.morphemes.gloss",
    "lemma": "words.morphemes.lemma",
    "pos": "words.pos",
}
MORPH_POS = "words.morphemes.pos"

mongo.register_indexes(
    "utterances",
    [
        IndexModel([("project", ASCENDING), ("text", ASCENDING), ("order", ASCENDING)]),
        IndexModel([("project", ASCENDING), ("import_job", ASCENDING)]),
        *(
            IndexModel([("project", ASCENDING), (p, ASCENDING)])
            for p in (*CONCORDANCE_PATHS.values(), MORPH_POS)
        ),
    ],
)
mongo.register_indexes("texts", [IndexModel([("project", ASCENDING), ("import_job", ASCENDING)])])
mongo.register_indexes("lexicon", [IndexModel([("project", ASCENDING), ("id", ASCENDING)])])

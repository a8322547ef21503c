"""ELAN ``.eaf`` files: import linguistic tiers through a user-chosen tier mapping, export them
back into the document they came from (or as EAF 3.0 with Fieldmark's tier set).

ELAN tiers have no fixed meaning, so the importer is told which tier holds utterances, words,
morphemes, glosses, parts of speech and translations (``TierMapping``); ``tier_summary`` lists the
tiers of a file so a user can choose. Further speakers' tier sets (top-level tiers of the
utterance tier's type, with children of the same types) are read with the same roles, each
utterance keeping its participant. Words and morphemes keep their own times and annotation ids.
Everything else in the document (unmapped tiers, controlled vocabularies, linked files,
languages, locales, external references) is kept in ``Text.metadata["elan"]`` and written back.

* ``document``: the streamed parse into tiers, annotations and time slots; ``hierarchy``: attaching
  annotations to their parents; ``mapping``: the tier mapping; ``reader``: building texts;
  ``faithful``: the writer back into the original document; ``writer``: the generic EAF 3.0 writer.
"""

from __future__ import annotations

from collections.abc import Iterator

from annotations.linguistic.formats.eaf import faithful
from annotations.linguistic.formats.eaf.document import TierInfo, tier_summary
from annotations.linguistic.formats.eaf.mapping import TierMapping
from annotations.linguistic.formats.eaf.reader import iter_texts, loads
from annotations.linguistic.formats.eaf.writer import dumps_generic
from annotations.linguistic.model import Text

__all__ = ["TierInfo", "TierMapping", "dumps", "iter_texts", "loads", "tier_summary"]


def dumps(text: Text, mapping: TierMapping, *, author: str = "Fieldmark") -> Iterator[str]:
    """Write a text as EAF: into the document it was imported from when it came from ELAN
    with this mapping's utterance tier, else as EAF 3.0 with the mapping's tier names (so
    :func:`loads` reads either back)."""
    meta = text.metadata.get("elan")
    groups = meta.get("groups") if isinstance(meta, dict) else None
    if isinstance(meta, dict) and groups and groups[0].get("utterance") == mapping.utterance:
        return faithful.dumps(text, meta)
    return dumps_generic(text, mapping, author=author)

"""LIFT 0.13 lexicons (the interchange format of FLEx, WeSay and Lexique Pro).

The header (ranges, custom field definitions), etymologies, pronunciations with their media,
relations with their fields (FLEx's ``summary``), custom ``<field>``s, traits and ``<span>``
markup inside any text are read into the model (:mod:`annotations.linguistic.lexicon_parts`)
and written back. What the model does not hold (reversals, illustrations, subsenses,
annotations) is kept verbatim in ``custom["lift:xml"]`` and written back; anything else a
reader meets is reported (a warning with its line), never dropped silently.

* ``reader``: the streamed reader; ``writer``: the writer; ``markup``: ``<span>`` markup to
  and from plain text with spans (kept by the path of the form they mark,
  ``LexicalEntry.spans``, which reader and writer compute alike).
"""

from __future__ import annotations

from annotations.linguistic.formats.lift.names import (
    ATTRS,
    GI_TRAITS,
    IRI_RELATION,
    RESIDUE,
    TRAITS,
)
from annotations.linguistic.formats.lift.reader import (
    LiftItem,
    iter_entries,
    iter_lexicon,
    loads,
    loads_lexicon,
)
from annotations.linguistic.formats.lift.writer import dumps, header_xml

__all__ = [
    "ATTRS",
    "GI_TRAITS",
    "IRI_RELATION",
    "RESIDUE",
    "TRAITS",
    "LiftItem",
    "dumps",
    "header_xml",
    "iter_entries",
    "iter_lexicon",
    "loads",
    "loads_lexicon",
]

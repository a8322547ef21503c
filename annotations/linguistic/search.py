"""Accent- and case-insensitive search keys for lexicon entries (search-as-you-type).

An entry's keys are its headword, citation and variant forms and every sense gloss, folded the
same way as the query, so a prefix match on the stored keys finds ``Ñá`` when a user types ``na``.
"""

from __future__ import annotations

import unicodedata

from annotations.linguistic.model import LexicalEntry

_MARKERS = "-=~"


def fold(value: str) -> str:
    """Lower-case, without diacritics or leading/trailing boundary markers."""
    decomposed = unicodedata.normalize("NFKD", value.strip().strip(_MARKERS))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", bare).casefold()


def search_keys(entry: LexicalEntry) -> list[str]:
    """Folded forms, variants and glosses of ``entry``, without duplicates, headword first."""
    values = [entry.headword, *entry.forms.values(), *entry.citation_form.values()]
    for variant in entry.variants:
        values.extend(variant.forms.values())
    for sense in entry.senses:
        values.extend(sense.gloss.values())
    keys = [fold(v) for v in values]
    return list(dict.fromkeys(k for k in keys if k))


def rank(entry_headword_key: str, query: str) -> int:
    """0 for an exact headword, 1 for a headword prefix, 2 for any other key matching."""
    if entry_headword_key == query:
        return 0
    return 1 if entry_headword_key.startswith(query) else 2

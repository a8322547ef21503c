"""LIFT on the real Enggano lexicon: counts against lxml, translation types, re-import."""

from __future__ import annotations

from typing import Any

import pytest
from lxml import etree

from annotations.linguistic.formats import lift
from tests.shared_data import shared_file

pytestmark = pytest.mark.shared

ENGGANO = "lift/enggano-contemporary-2024-12-30.lift"


def _xp(el: Any, query: str) -> list[Any]:
    found = el.xpath(query)
    assert isinstance(found, list)
    return found


def test_shared_lift_counts_equal_an_independent_count() -> None:
    data = shared_file(ENGGANO).read_bytes()
    root = etree.fromstring(data)
    entries = lift.loads(data)
    senses = [s for e in entries for s in e.senses]
    examples = [x for s in senses for x in s.examples]
    assert len(entries) == len(_xp(root, "/lift/entry")) == 1283
    assert len(senses) == len(_xp(root, "/lift/entry/sense")) == 1404
    assert len(examples) == len(_xp(root, "/lift/entry/sense/example")) == 253
    assert sum(len(e.variants) for e in entries) == len(_xp(root, "/lift/entry/variant"))
    translations = sum(bool(x.translations or x.translation_type) for x in examples) + sum(
        len(x.more_translations) for x in examples
    )
    assert translations == len(_xp(root, "/lift/entry/sense/example/translation"))


def test_shared_lift_literal_and_free_translations_stay_apart() -> None:
    entries = lift.loads(shared_file(ENGGANO).read_bytes())
    [example] = [
        x
        for e in entries
        for s in e.senses
        for x in s.examples
        if any(t == "Literal translation" for t, _ in x.more_translations)
    ]
    assert example.translation_type == "Free translation"
    assert example.translations["en"].startswith("We departed from Bengkulu")
    assert example.more_translations == [("Literal translation", {})]


def test_shared_lift_export_reimports_as_the_same_lexicon() -> None:
    entries = lift.loads(shared_file(ENGGANO).read_bytes())
    out = "".join(lift.dumps(entries)).encode()
    assert lift.loads(out) == entries

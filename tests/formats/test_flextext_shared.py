"""FLEx on real exports (current schema and FLEx 7/8's): counts against lxml, re-export,
re-import, the canonical diff of the export, and FLEx -> Fieldmark -> Toolbox -> Fieldmark."""

from __future__ import annotations

from typing import Any

import pytest
from lxml import etree

from annotations.linguistic.consistency import find_links
from annotations.linguistic.formats import flextext, toolbox
from annotations.linguistic.model import LexicalEntry, Text
from tests.formats.xml_canon import canonical, first_difference
from tests.linguistic.factory import content
from tests.shared_data import shared_file

pytestmark = pytest.mark.shared

FILES = [
    "flextext/vatlongos-old-schema.flextext",
    "flextext/flextext2dlx-test.flextext",
    "flextext/FullyAnalyzed.flextext",
    "flextext/Glossed.flextext",
]
# A phrase is <phrase>, or in FLEx 7/8's schema a <word> directly under <phrases>.
PHRASES = "//phrases/phrase | //phrases/word"
WORDS = "(//phrases/phrase | //phrases/word)/words/word"


def _xp(el: Any, query: str) -> list[Any]:
    found = el.xpath(query)
    assert isinstance(found, list)
    return found


def _count(data: bytes) -> dict[str, int]:
    root = etree.fromstring(data)
    phrases = _xp(root, PHRASES)
    words = _xp(root, WORDS)
    morphs = [m for w in words for m in _xp(w, "morphemes/morph")]
    return {
        "texts": len(_xp(root, "/document/interlinear-text")),
        "utterances": len(phrases),
        "words": len(words),
        "morphemes": len(morphs),
        "word glosses": sum(len(_xp(w, "item[@type='gls'][text()]")) for w in words),
        "morph glosses": sum(len(_xp(m, "item[@type='gls'][text()]")) for m in morphs),
        "translations": sum(len(_xp(p, "item[@type='gls']")) for p in phrases),
        "notes": sum(len(_xp(p, "item[@type='note']")) for p in phrases),
        "word guids": sum(1 for w in words if w.get("guid")),
        "homographs": sum(len(_xp(m, "item[@type='hn']")) for m in morphs),
        "citation forms": sum(len(_xp(m, "item[@type='cf']")) for m in morphs),
        "variant types": sum(len(_xp(m, "item[@type='variantTypes']")) for m in morphs),
        "media links": sum(1 for p in phrases if p.get("media-file") is not None),
    }


def _ours(texts: list[Text]) -> dict[str, int]:
    utts = [u for t in texts for u in t.utterances]
    words = [w for u in utts for w in u.words]
    morphs = [m for w in words for m in w.morphemes]

    def tier_count(objs: list[Any], typ: str) -> int:
        return sum(
            len(value.split("\n"))
            for o in objs
            for key, value in o.tiers.items()
            if key.split(":")[0] == typ
        )

    return {
        "texts": len(texts),
        "utterances": len(utts),
        "words": len(words),
        "morphemes": len(morphs),
        "word glosses": sum(bool(w.gloss) + sum(1 for v in w.glosses.values() if v) for w in words),
        "morph glosses": sum(
            bool(m.gloss) + sum(1 for v in m.glosses.values() if v) for m in morphs
        ),
        "translations": sum(len(u.translations) + len(u.more_translations) for u in utts),
        "notes": sum(len(u.notes) for u in utts),
        "word guids": sum(1 for w in words if w.guid),
        "homographs": tier_count(list(morphs), "hn"),
        "citation forms": tier_count(list(morphs), "cf"),
        "variant types": tier_count(list(morphs), "variantTypes"),
        "media links": sum(1 for u in utts if u.media is not None and u.media.media),
    }


@pytest.mark.parametrize("relative", FILES)
def test_shared_flextext_counts_equal_an_independent_count(relative: str) -> None:
    data = shared_file(relative).read_bytes()
    assert _ours(flextext.loads(data)) == _count(data)


def test_shared_vatlongos_old_schema_matches_its_readme() -> None:
    texts = flextext.loads(shared_file(FILES[0]).read_bytes())
    counts = _ours(texts)
    assert (counts["texts"], counts["utterances"], counts["words"], counts["morphemes"]) == (
        10,
        468,
        5922,
        6034,
    )
    assert counts["translations"] == 936
    first = texts[0].utterances[0]
    assert first.translations == {
        "en": "I want to tell a story um about",
        "bi": "mi mi wantem talem wan stori we hemi blo",
    }
    morph = first.words[1].morphemes[0]
    assert (morph.form, morph.morph_type, morph.tiers["hn:tvk"], morph.tiers["cf:tvk"]) == (
        "na",
        "prefix",
        "1",
        "na-",
    )
    assert morph.guid == "d7f713db-e8cf-11d3-9764-00c04f186933"


@pytest.mark.parametrize("relative", FILES)
def test_shared_flextext_export_reimports_as_the_same_corpus(relative: str) -> None:
    texts = flextext.loads(shared_file(relative).read_bytes())
    out = "".join(flextext.dumps(texts)).encode()
    assert flextext.loads(out) == texts


@pytest.mark.parametrize("relative", FILES)
def test_shared_flextext_export_differs_only_by_documented_normalisations(relative: str) -> None:
    data = shared_file(relative).read_bytes()
    out = "".join(flextext.dumps(flextext.loads(data))).encode()
    # Canonical: whitespace, comments, the root's attributes and the order of items inside
    # one element are the normalisations docs/formats.md lists; everything else is equal.
    assert first_difference(canonical(data), canonical(out)) is None


@pytest.mark.parametrize("relative", FILES[:2])
def test_shared_flex_to_toolbox_and_back_keeps_every_word_gloss_and_time(relative: str) -> None:
    texts = flextext.loads(shared_file(relative).read_bytes())
    out = "".join(toolbox.dumps(texts)).encode()
    back = toolbox.loads(out)

    def essentials(ts: list[Text]) -> list[object]:
        return [
            (
                [
                    (
                        w.form,
                        w.gloss,
                        w.pos,
                        dict(w.glosses),
                        [
                            (m.form, m.boundary, m.gloss, m.pos, dict(m.glosses))
                            for m in w.morphemes
                        ],
                    )
                    for w in u.words
                ],
                dict(u.translations),
                list(u.more_translations),
                list(u.notes),
                u.media.start_ms if u.media else None,
                u.media.end_ms if u.media else None,
                u.speaker,
            )
            for t in ts
            for u in t.utterances
        ]

    assert [t.id for t in back] == [t.id for t in texts]
    assert essentials(back) == essentials(content(texts))


def test_shared_vatlongos_morphs_link_to_entries_by_citation_form_and_homograph() -> None:
    data = shared_file("flextext/vatlongos-old-schema.flextext").read_bytes()
    root = etree.fromstring(data)
    named: list[tuple[str, str | None]] = []
    for morph in _xp(root, f"{WORDS}/morphemes/morph"):
        cf = _xp(morph, "item[@type='cf']/text()")
        if cf:
            hn = _xp(morph, "item[@type='hn']/text()")
            named.append((str(cf[0]).strip(), str(hn[0]).strip() if hn else None))
    # A lexicon as FLEx exports it to LIFT: each (citation form, homograph number) one entry,
    # its number in ``order``; homographs share their form, so the form alone cannot decide.
    lexicon = [
        LexicalEntry(
            id=f"{cf}_{hn}",
            forms={"tvk": cf},
            custom={"lift:attrs": {"guid": f"g-{cf}-{hn}"} | ({"order": hn} if hn else {})},
        )
        for cf, hn in dict.fromkeys(named)
    ]
    homographs = {cf for cf, hn in named if hn}
    assert len(homographs) > 100

    report = find_links(flextext.loads(data), lexicon)

    by_citation = [link.entry_id for link in report.links if link.by == "citation"]
    assert by_citation == [f"{cf}_{hn}" for cf, hn in named]
    assert len(by_citation) == len(_xp(root, f"{WORDS}/morphemes/morph[item[@type='cf']]"))

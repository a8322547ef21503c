"""Writing a text as EAF 3.0 with Fieldmark's own tier set (for texts not imported from ELAN,
or exported under another mapping than the one they came with)."""

from __future__ import annotations

from collections.abc import Iterator

from annotations.linguistic.formats.eaf.mapping import TierMapping
from annotations.linguistic.formats.xmlwrite import XML_ID, attrs, esc_text
from annotations.linguistic.model import MediaSpan, Text


class _Ids:
    def __init__(self, reserved: set[str]) -> None:
        self.reserved = reserved
        self.n = 0

    def new(self) -> str:
        while True:
            self.n += 1
            candidate = f"a{self.n}"
            if candidate not in self.reserved:
                return candidate


def _ann_ref(aid: str, ref: str, value: str, prev: str | None = None) -> str:
    a = attrs([("ANNOTATION_ID", aid), ("ANNOTATION_REF", ref), ("PREVIOUS_ANNOTATION", prev)])
    return (
        f"<ANNOTATION><REF_ANNOTATION{a}><ANNOTATION_VALUE>{esc_text(value)}</ANNOTATION_VALUE>"
        "</REF_ANNOTATION></ANNOTATION>\n"
    )


def _tier_open(tier_id: str, ltype: str, parent: str, lang: str | None = None) -> str:
    a = attrs(
        [
            ("LINGUISTIC_TYPE_REF", ltype),
            ("PARENT_REF", parent),
            ("TIER_ID", tier_id),
            ("LANG_REF", lang),
        ]
    )
    return f"<TIER{a}>\n"


def dumps_generic(text: Text, mapping: TierMapping, *, author: str = "Fieldmark") -> Iterator[str]:
    """Write a text as EAF 3.0 using the mapping's tier names, so loads() reads it back."""
    utt_ids = [u.id for u in text.utterances]
    unique = len(set(utt_ids)) == len(utt_ids)
    ok_ids = {i for i in utt_ids if XML_ID.match(i)} if unique else set()
    ids = _Ids(set(ok_ids))
    uid = {u.order: (u.id if u.id in ok_ids else ids.new()) for u in text.utterances}
    media = next((u.media.media for u in text.utterances if u.media and u.media.media), None)
    yield '<?xml version="1.0" encoding="UTF-8"?>\n'
    a = attrs(
        [
            ("AUTHOR", author),
            ("DATE", "1970-01-01T00:00:00Z"),
            ("FORMAT", "3.0"),
            ("VERSION", "3.0"),
        ]
    )
    yield f"<ANNOTATION_DOCUMENT{a}>\n"
    yield '<HEADER MEDIA_FILE="" TIME_UNITS="milliseconds">'
    if media:
        yield f"<MEDIA_DESCRIPTOR{attrs([('MEDIA_URL', media)])}/>"
    yield "</HEADER>\n<TIME_ORDER>\n"
    for u in text.utterances:
        span = u.media or MediaSpan()
        n = u.order
        for sid, value in ((f"ts{2 * n + 1}", span.start_ms), (f"ts{2 * n + 2}", span.end_ms)):
            yield f"<TIME_SLOT{attrs([('TIME_SLOT_ID', sid), ('TIME_VALUE', value)])}/>\n"
    yield "</TIME_ORDER>\n"
    speaker = next((u.speaker for u in text.utterances if u.speaker), None)
    a = attrs(
        [
            ("LINGUISTIC_TYPE_REF", "fm-utterance"),
            ("TIER_ID", mapping.utterance),
            ("PARTICIPANT", speaker),
            ("LANG_REF", text.language),
        ]
    )
    yield f"<TIER{a}>\n"
    for u in text.utterances:
        a = attrs(
            [
                ("ANNOTATION_ID", uid[u.order]),
                ("TIME_SLOT_REF1", f"ts{2 * u.order + 1}"),
                ("TIME_SLOT_REF2", f"ts{2 * u.order + 2}"),
            ]
        )
        yield (
            f"<ANNOTATION><ALIGNABLE_ANNOTATION{a}><ANNOTATION_VALUE>{esc_text(u.transcription)}"
            "</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION>\n"
        )
    yield "</TIER>\n"

    # Ids of words and morphemes, assigned once so dependent tiers can refer to them.
    word_ids: dict[tuple[int, int], str] = {}
    morph_ids: dict[tuple[int, int, int], str] = {}
    for u in text.utterances:
        for wi, w in enumerate(u.words):
            word_ids[(u.order, wi)] = ids.new()
            for mi in range(len(w.morphemes)):
                morph_ids[(u.order, wi, mi)] = ids.new()

    if mapping.words:
        yield _tier_open(mapping.words, "fm-subdivision", mapping.utterance)
        for u in text.utterances:
            prev = None
            for wi, w in enumerate(u.words):
                aid = word_ids[(u.order, wi)]
                yield _ann_ref(aid, uid[u.order], w.form, prev)
                prev = aid
        yield "</TIER>\n"
    if mapping.words and mapping.morphemes:
        yield _tier_open(mapping.morphemes, "fm-subdivision", mapping.words)
        for u in text.utterances:
            for wi, w in enumerate(u.words):
                prev = None
                for mi, m in enumerate(w.morphemes):
                    aid = morph_ids[(u.order, wi, mi)]
                    yield _ann_ref(aid, word_ids[(u.order, wi)], m.boundary + m.form, prev)
                    prev = aid
        yield "</TIER>\n"

    morph_level = bool(mapping.words and mapping.morphemes)
    for role, attr in (("gloss", "gloss"), ("pos", "pos")):
        tier_id = getattr(mapping, role)
        if not tier_id or not mapping.words:
            continue
        on_morphs = morph_level and any(
            getattr(m, attr) for u in text.utterances for w in u.words for m in w.morphemes
        )
        parent = mapping.morphemes if on_morphs and mapping.morphemes else mapping.words
        yield _tier_open(tier_id, "fm-association", parent)
        for u in text.utterances:
            for wi, w in enumerate(u.words):
                if on_morphs:
                    for mi, m in enumerate(w.morphemes):
                        value = getattr(m, attr)
                        if value:
                            if attr == "gloss" and m.boundary:
                                value = m.boundary + value
                            yield _ann_ref(ids.new(), morph_ids[(u.order, wi, mi)], value)
                elif getattr(w, attr):
                    yield _ann_ref(ids.new(), word_ids[(u.order, wi)], getattr(w, attr))
        yield "</TIER>\n"
    for lang, tier_id in mapping.translations.items():
        yield _tier_open(tier_id, "fm-association", mapping.utterance, lang)
        for u in text.utterances:
            if lang in u.translations:
                yield _ann_ref(ids.new(), uid[u.order], u.translations[lang])
        yield "</TIER>\n"
    if mapping.notes:
        yield _tier_open(mapping.notes, "fm-subdivision", mapping.utterance)
        for u in text.utterances:
            prev = None
            for note in u.notes:
                aid = ids.new()
                yield _ann_ref(aid, uid[u.order], note, prev)
                prev = aid
        yield "</TIER>\n"
    for name, tier_id in mapping.tiers.items():
        yield from _custom_tier(text, mapping, name, tier_id, uid, word_ids, morph_ids, ids)
    yield (
        '<LINGUISTIC_TYPE GRAPHIC_REFERENCES="false" LINGUISTIC_TYPE_ID="fm-utterance" '
        'TIME_ALIGNABLE="true"/>\n'
        '<LINGUISTIC_TYPE CONSTRAINTS="Symbolic_Subdivision" GRAPHIC_REFERENCES="false" '
        'LINGUISTIC_TYPE_ID="fm-subdivision" TIME_ALIGNABLE="false"/>\n'
        '<LINGUISTIC_TYPE CONSTRAINTS="Symbolic_Association" GRAPHIC_REFERENCES="false" '
        'LINGUISTIC_TYPE_ID="fm-association" TIME_ALIGNABLE="false"/>\n'
    )
    langs = {text.language, *mapping.translations} - {None}
    for lang in sorted(x for x in langs if x):
        yield f"<LANGUAGE{attrs([('LANG_ID', lang)])}/>\n"
    yield (
        '<CONSTRAINT DESCRIPTION="Symbolic subdivision of a parent annotation. Annotations '
        'refering to the same parent are ordered" STEREOTYPE="Symbolic_Subdivision"/>\n'
        '<CONSTRAINT DESCRIPTION="1-1 association with a parent annotation" '
        'STEREOTYPE="Symbolic_Association"/>\n'
    )
    yield "</ANNOTATION_DOCUMENT>\n"


def _custom_tier(
    text: Text,
    mapping: TierMapping,
    name: str,
    tier_id: str,
    uid: dict[int, str],
    word_ids: dict[tuple[int, int], str],
    morph_ids: dict[tuple[int, int, int], str],
    ids: _Ids,
) -> Iterator[str]:
    """A custom tier goes under the level whose objects carry it (morpheme, word or utterance)."""
    on_m = any(name in m.tiers for u in text.utterances for w in u.words for m in w.morphemes)
    on_w = any(name in w.tiers for u in text.utterances for w in u.words)
    if on_m and mapping.morphemes and mapping.words:
        yield _tier_open(tier_id, "fm-association", mapping.morphemes)
        for u in text.utterances:
            for wi, w in enumerate(u.words):
                for mi, m in enumerate(w.morphemes):
                    if name in m.tiers:
                        yield _ann_ref(ids.new(), morph_ids[(u.order, wi, mi)], m.tiers[name])
    elif on_w and mapping.words:
        yield _tier_open(tier_id, "fm-association", mapping.words)
        for u in text.utterances:
            for wi, w in enumerate(u.words):
                if name in w.tiers:
                    yield _ann_ref(ids.new(), word_ids[(u.order, wi)], w.tiers[name])
    else:
        yield _tier_open(tier_id, "fm-association", mapping.utterance)
        for u in text.utterances:
            if name in u.tiers:
                yield _ann_ref(ids.new(), uid[u.order], u.tiers[name])
    yield "</TIER>\n"

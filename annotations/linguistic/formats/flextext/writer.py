"""Writing ``.flextext`` (FLEx 9 schema): phrases, words and morphs with their GUIDs, every
gloss language, repeated items in order, the text's languages and media files as they came."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from annotations.linguistic.formats.xmlwrite import attrs, esc_text
from annotations.linguistic.model import Morpheme, Text, Utterance, Word

UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_PREFIXLIKE = {"prefix", "proclitic", "prefixing interfix"}
_SUFFIXLIKE = {"suffix", "enclitic", "suffixing interfix"}


def morph_text(morphs: list[Morpheme], i: int) -> str:
    """FLEx-style morph text: prefixes carry the following boundary, everything else its own."""
    m = morphs[i]
    if "txt" in m.tiers:
        return m.tiers["txt"]
    lead = m.boundary if i and not _trailing_written(morphs, i - 1) else ""
    if m.morph_type in _PREFIXLIKE:
        if i + 1 < len(morphs):
            trail = morphs[i + 1].boundary
        else:
            trail = "=" if m.morph_type == "proclitic" else "-"
        return lead + m.form + trail
    if m.morph_type in _SUFFIXLIKE and i == 0:
        lead = "=" if m.morph_type == "enclitic" else "-"
    return lead + m.form


def _trailing_written(morphs: list[Morpheme], i: int) -> bool:
    return morphs[i].morph_type in _PREFIXLIKE and bool(morphs[i + 1].boundary)


def _item(typ: str, lang: str | None, value: str) -> str:
    return f"<item{attrs([('type', typ), ('lang', lang)])}>{esc_text(value)}</item>"


def _tier_items(tiers: dict[str, str], skip: tuple[str, ...] = ()) -> list[str]:
    """Custom tiers as items; a value kept from repeated items is written as each of them."""
    out = []
    for key, value in tiers.items():
        if key in skip:
            continue
        typ, _, lang = key.partition(":")
        out.extend(_item(typ, lang or None, v) for v in value.split("\n"))
    return out


def dumps_streamed(
    texts: Iterable[tuple[Text, Iterable[Utterance]]],
    *,
    gloss_lang: str | None = None,
    vernacular: str | None = None,
) -> Iterator[str]:
    """The chunks of :func:`dumps` from text heads with lazily read utterances
    (``text.utterances`` is ignored): one phrase at a time is in memory.

    Languages default to the ones the text was imported with (its FLEx head), else English
    glosses and the text's language as the vernacular.
    """
    yield '<?xml version="1.0" encoding="utf-8"?>\n<document version="2">\n'
    for n, (text, utterances) in enumerate(texts):
        flex: dict[str, Any] = text.metadata.get("flex") or {}
        if not isinstance(flex, dict):
            flex = {}
        gloss = gloss_lang or flex.get("gloss_lang") or _first_analysis(flex) or "en"
        vern = vernacular or flex.get("vernacular") or text.language
        yield from _text(text, utterances, n, flex, gloss, vern)
    yield "</document>\n"


def _first_analysis(flex: dict[str, Any]) -> str | None:
    for lang in flex.get("languages", []):
        if isinstance(lang, dict) and lang.get("vernacular") != "true" and lang.get("lang"):
            return str(lang["lang"])
    return None


def _text(
    text: Text,
    utterances: Iterable[Utterance],
    n: int,
    flex: dict[str, Any],
    gloss_lang: str,
    vern: str | None,
) -> Iterator[str]:
    guid = text.id if UUID.match(text.id) else None
    yield f"<interlinear-text{attrs([('guid', guid)])}>\n"
    if guid is None and text.id != str(n + 1):
        yield _item("text-id", None, text.id) + "\n"
    if text.title:
        yield _item("title", flex.get("title_lang", gloss_lang), text.title) + "\n"
    head_items = []
    for key, value in text.metadata.items():
        if isinstance(value, str):
            typ, _, lang = key.partition(":")
            head_items.extend(_item(typ, lang or None, v) for v in value.split("\n"))
    yield "".join(f"{item}\n" for item in head_items)
    if text.source:
        yield _item("source", flex.get("source_lang", gloss_lang), text.source) + "\n"
    if text.genre:
        yield _item("genre", gloss_lang, text.genre) + "\n"
    if text.glottocode:
        yield _item("glottocode", None, text.glottocode) + "\n"
    for speaker in text.speakers:
        yield _item("speaker", None, speaker) + "\n"
    yield "<paragraphs>\n"
    listed = [(str(mid), str(loc)) for mid, loc in flex.get("media", [])]
    media_ids: dict[str, str] = {}
    for mid, loc in listed:
        media_ids.setdefault(loc, mid)
    paragraph: int | None = None
    for utt in utterances:
        if utt.paragraph != paragraph:
            if paragraph is not None:
                yield "</phrases></paragraph>\n"
            para_guid = (utt.layout.get("flex") or {}).get("paragraph")
            yield f"<paragraph{attrs([('guid', para_guid)])}><phrases>\n"
            paragraph = utt.paragraph
        yield _phrase_xml(utt, gloss_lang, vern, media_ids, flex.get("segnum_lang"))
    if paragraph is not None:
        yield "</phrases></paragraph>\n"
    yield "</paragraphs>\n"
    yield _languages(flex, gloss_lang, vern)
    if media_ids or listed:
        yield f'<media-files{attrs([("offset-type", flex.get("media_offset_type", ""))])}>'
        known = {mid for mid, _ in listed}
        for mid, location in listed + [(m, loc) for loc, m in media_ids.items() if m not in known]:
            yield f"<media{attrs([('guid', mid), ('location', location)])}/>"
        yield "</media-files>\n"
    yield "</interlinear-text>\n"


def _languages(flex: dict[str, Any], gloss_lang: str, vern: str | None) -> str:
    kept = [lang for lang in flex.get("languages", []) if isinstance(lang, dict)]
    if kept:
        names = [str(lang.get("lang", "")) for lang in kept]
        extra = [lang for lang in (vern, gloss_lang) if lang and lang not in names]
        parts = [
            f"<language{attrs([(str(k), str(v)) for k, v in lang.items()])}/>" for lang in kept
        ]
        parts += [
            f"<language{attrs([('lang', lang), ('vernacular', 'true' if lang == vern else None)])}/>"
            for lang in extra
        ]
        return "<languages>" + "".join(parts) + "</languages>\n"
    out = "<languages>"
    if vern:
        out += f'<language lang="{esc_text(vern)}" vernacular="true"/>'
    return out + f'<language lang="{esc_text(gloss_lang)}"/></languages>\n'


def _phrase_xml(
    utt: Utterance,
    gloss_lang: str,
    vern: str | None,
    media_ids: dict[str, str],
    segnum_lang: str | None = None,
) -> str:
    is_uuid = bool(UUID.match(utt.id))
    pairs: list[tuple[str, str | int | None]] = [("guid", utt.id if is_uuid else None)]
    if utt.media is not None:
        if utt.media.media is not None:
            mid = media_ids.setdefault(utt.media.media, f"media-{len(media_ids) + 1}")
        else:
            mid = None
        pairs += [
            ("begin-time-offset", utt.media.start_ms),
            ("end-time-offset", utt.media.end_ms),
            ("media-file", mid),
        ]
    pairs.append(("speaker", utt.speaker))
    phrase_layout = utt.layout.get("flex_phrase") or {}
    pairs += [(str(k), str(v)) for k, v in dict(phrase_layout.get("attrs", {})).items()]
    tiers = dict(utt.tiers)
    segnum = tiers.pop("segnum", None) or (str(utt.order + 1) if is_uuid else utt.id)
    words = "<words>" + "".join(_word_xml(word, gloss_lang, vern) for word in utt.words)
    words += "</words>"
    # A phrase read from FLEx 7/8's schema is written back in it: a <word> holding its words,
    # its items after them.
    old = (utt.layout.get("flex") or {}).get("schema") == "old"
    tag = "word" if old else "phrase"
    out = [f"<{tag}{attrs(pairs)}>"]
    if old:
        out.append(words)
    out.append(_item("segnum", segnum_lang or gloss_lang, segnum))
    if utt.transcription:
        out.append(_item("txt", vern, utt.transcription))
    if not old:
        out.append(words)
    out.extend(_item("gls", lang, value) for lang, value in utt.translations.items())
    out.extend(_item("gls", lang, value) for lang, value in utt.more_translations)
    note_langs = list(phrase_layout.get("note_langs", []))
    for i, note in enumerate(utt.notes):
        lang = note_langs[i] if i < len(note_langs) and note_langs[i] else gloss_lang
        out.append(_item("note", lang, note))
    if utt.status:
        out.append(_item("status", None, utt.status))
    out.extend(_tier_items(tiers))
    out.append(f"</{tag}>\n")
    return "".join(out)


def _word_xml(word: Word, gloss_lang: str, vern: str | None) -> str:
    tiers = dict(word.tiers)
    out = [f"<word{attrs([('guid', word.guid)])}>"]
    if tiers.pop("punct", None) == "true":
        out.append(_item("punct", vern, word.form))
    else:
        out.append(_item("txt", vern, word.form))
    if word.gloss:
        out.append(_item("gls", gloss_lang, word.gloss))
    out.extend(_item("gls", lang, value) for lang, value in word.glosses.items())
    if word.pos:
        out.append(_item("pos", gloss_lang, word.pos))
    out.extend(_tier_items(tiers))
    if word.morphemes:
        out.append("<morphemes>")
        for i, m in enumerate(word.morphemes):
            out.append(f"<morph{attrs([('type', m.morph_type), ('guid', m.guid)])}>")
            out.append(_item("txt", vern, morph_text(word.morphemes, i)))
            out.extend(_tier_items(m.tiers, skip=("txt",)))
            if m.gloss:
                out.append(_item("gls", gloss_lang, m.gloss))
            out.extend(_item("gls", lang, value) for lang, value in m.glosses.items())
            if m.pos:
                out.append(_item("msa", gloss_lang, m.pos))
            if m.lemma is not None:
                out.append(_item("lemma-id", None, m.lemma))
            if m.sense is not None:
                out.append(_item("sense-id", None, m.sense))
            out.append("</morph>")
        out.append("</morphemes>")
    out.append("</word>")
    return "".join(out)

"""FLEx interlinear exports (``.flextext``): document / interlinear-text / paragraphs / phrases /
words / morphemes.

FLEx writes morph boundaries into the morph text (``un-``, ``-s``, ``=ga``); they become
``Morpheme.boundary`` here and are written back in FLEx's style from the morph type. Glosses in
the main analysis language fill ``gloss``; other languages go to tiers named ``gls:<lang>``.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterable, Iterator

from lxml import etree

from annotations.linguistic.formats.stream import Item, gather
from annotations.linguistic.formats.xmlwrite import attrs, esc_text
from annotations.linguistic.model import MediaSpan, Morpheme, Text, Utterance, Word
from annotations.xmlsafe import (
    DEFAULT_MAX_BYTES,
    FormatError,
    Problem,
    Source,
    check_size,
    element_path,
    iterparse,
    line_of,
    release,
)

_MARKERS = "-=~"
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_PREFIXLIKE = {"prefix", "proclitic", "prefixing interfix"}
_SUFFIXLIKE = {"suffix", "enclitic", "suffixing interfix"}


def _items(el: etree._Element) -> list[tuple[str, str, str]]:
    return [(i.get("type", ""), i.get("lang", ""), i.text or "") for i in el.iterchildren("item")]


def iter_texts(
    source: Source,
    problems: list[Problem],
    *,
    gloss_lang: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Iterator[Item]:
    """Read a .flextext document a phrase at a time: each text's head, then its utterances.

    FLEx writes a text's languages and media files after its paragraphs, so a first streamed
    parse collects the heads and the source is read again from the start for the phrases.
    ``gloss_lang`` picks the analysis language that fills ``gloss``; by default the first
    language seen on a gloss item. Problems are added to ``problems`` with their lines.
    """
    heads = list(_heads(source, max_bytes))
    source.seek(0)
    root: etree._Element | None = None
    text: etree._Element | None = None
    media: dict[str, str] = {}
    langs = _Langs(gloss_lang)
    n_text = n_para = n_phrase = order = 0
    for event, el in iterparse(source, max_bytes=max_bytes):
        if root is None:
            root = el
            continue
        parent = el.getparent()
        tag = el.tag
        if event == "start":
            if tag == "interlinear-text" and parent is root:
                head, media = heads[n_text]
                n_text += 1
                text, langs, n_para, order = el, _Langs(gloss_lang), 0, 0
                yield head
            elif tag == "paragraph" and _in_paragraph(el, "paragraph", text):
                n_para, n_phrase = n_para + 1, 0
            continue
        if tag == "phrase" and _in_paragraph(parent, "phrases", text):
            n_phrase += 1
            prefix = (
                f"/document/interlinear-text[{n_text}]/paragraphs/paragraph[{n_para}]"
                f"/phrases/phrase[{n_phrase}]"
            )
            utt = _phrase(el, order, langs, media, problems, _where(el, prefix))
            utt.paragraph = n_para - 1
            order += 1
            release(el)
            yield utt
        elif tag in ("paragraph", "interlinear-text"):
            release(el)


def _in_paragraph(el: etree._Element | None, tag: str, text: etree._Element | None) -> bool:
    """Whether ``el`` is a ``tag`` on the path text/paragraphs/paragraph/phrases."""
    path = ["phrases", "paragraph", "paragraphs"]
    for expected in path[path.index(tag) :]:
        if el is None or el.tag != expected:
            return False
        el = el.getparent()
    return text is not None and el is text


def _where(unit: etree._Element, prefix: str) -> Callable[[etree._Element], str]:
    return lambda el: element_path(el, within=unit, prefix=prefix)


def _heads(source: Source, max_bytes: int) -> Iterator[tuple[Text, dict[str, str]]]:
    """Each text's head and media files (guid -> location), phrases skipped as they end."""
    root: etree._Element | None = None
    n = 0
    for event, el in iterparse(source, events=("end",), max_bytes=max_bytes):
        if root is None:
            root = el
            if root.tag != "document":
                raise FormatError(
                    f"root element is <{root.tag}>, expected <document>", line_of(root), root.tag
                )
            continue
        if event != "end":
            continue
        if el.tag == "interlinear-text" and el.getparent() is root:
            yield _head(el, n)
            n += 1
            release(el)
        elif el.tag in ("phrase", "paragraph"):
            release(el)


def loads(
    data: bytes, *, gloss_lang: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES
) -> list[Text]:
    """Parse a whole .flextext document into texts (:func:`iter_texts` over bytes)."""
    check_size(data, max_bytes)
    problems: list[Problem] = []
    texts = gather(
        iter_texts(io.BytesIO(data), problems, gloss_lang=gloss_lang, max_bytes=max_bytes)
    )
    if problems:
        raise FormatError.collect(problems, "FLEx text")
    return texts


class _Langs:
    """Remembers the main gloss language once seen, so every level agrees on it."""

    def __init__(self, gloss_lang: str | None) -> None:
        self.gloss = gloss_lang

    def is_main(self, lang: str) -> bool:
        if self.gloss is None:
            self.gloss = lang
        return lang == self.gloss


def _head(el: etree._Element, n: int) -> tuple[Text, dict[str, str]]:
    text = Text(id=el.get("guid") or str(n + 1))
    for typ, lang, value in _items(el):
        if typ == "title" and not text.title:
            text.title = value
        elif typ == "source" and not text.source:
            text.source = value
        elif typ == "genre" and not text.genre:
            text.genre = value
        elif typ == "text-id":
            text.id = value
        elif typ == "glottocode" and text.glottocode is None:
            text.glottocode = value
        elif typ == "speaker":
            text.speakers.append(value)
        else:
            text.metadata[f"{typ}:{lang}" if lang else typ] = value
    for lang_el in el.iterfind("languages/language"):
        if lang_el.get("vernacular") == "true" and text.language is None:
            text.language = lang_el.get("lang")
    media = {m.get("guid", ""): m.get("location", "") for m in el.iterfind("media-files/media")}
    return text, media


def _int_or_none(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        return round(float(value))
    except ValueError:
        return None


def _phrase(
    el: etree._Element,
    order: int,
    langs: _Langs,
    media: dict[str, str],
    problems: list[Problem],
    where: Callable[[etree._Element], str],
) -> Utterance:
    segnum = ""
    utt = Utterance(id="", order=order, speaker=el.get("speaker"))
    for typ, lang, value in _items(el):
        if typ == "segnum":
            segnum = value
        elif typ == "txt":
            utt.transcription = value
        elif typ == "gls":
            utt.translations[lang] = value
        elif typ == "note":
            utt.notes.append(value)
        elif typ == "status" and not utt.status:
            utt.status = value
        else:
            utt.tiers[f"{typ}:{lang}" if lang else typ] = value
    utt.id = el.get("guid") or segnum or str(order + 1)
    start, end = el.get("begin-time-offset"), el.get("end-time-offset")
    if start is not None or end is not None:
        media_ref = el.get("media-file")
        utt.media = MediaSpan(
            _int_or_none(start), _int_or_none(end), media.get(media_ref or "", media_ref)
        )
        if start is not None and utt.media.start_ms is None:
            problems.append(
                Problem(f"begin-time-offset {start!r} is not a number", line_of(el), where(el))
            )
    for word_el in el.iterfind("words/word"):
        utt.words.append(_word(word_el, langs, problems, where))
    return utt


def _word(
    el: etree._Element,
    langs: _Langs,
    problems: list[Problem],
    where: Callable[[etree._Element], str],
) -> Word:
    word = Word(form="")
    for typ, lang, value in _items(el):
        if typ == "txt" and not word.form:
            word.form = value
        elif typ == "punct":
            word.form = value
            word.tiers["punct"] = "true"
        elif typ == "gls" and langs.is_main(lang):
            word.gloss = value
        elif typ == "pos" and not word.pos:
            word.pos = value
        else:
            word.tiers[f"{typ}:{lang}" if lang else typ] = value
    if not word.form:
        problems.append(Problem("word has no txt or punct item", line_of(el), where(el)))
    morphs = el.find("morphemes")
    if morphs is None:
        return word
    raw = [_morph(m, langs) for m in morphs.iterchildren("morph")]
    for i, (morph, text) in enumerate(raw):
        lead = text[:1] if text[:1] in _MARKERS and len(text) > 1 else ""
        prev = raw[i - 1][1] if i else ""
        trail = prev[-1:] if prev[-1:] in _MARKERS and len(prev) > 1 else ""
        morph.boundary = (lead or trail) if i else ""
        morph.form = text.strip(_MARKERS) or text
        word.morphemes.append(morph)
    return word


def _morph(el: etree._Element, langs: _Langs) -> tuple[Morpheme, str]:
    morph = Morpheme(form="", morph_type=el.get("type"))
    text = ""
    for typ, lang, value in _items(el):
        if typ == "txt" and not text:
            text = value
        elif typ == "gls" and langs.is_main(lang):
            morph.gloss = value
        elif typ == "msa" and not morph.pos:
            morph.pos = value
        elif typ == "lemma-id" and morph.lemma is None:
            morph.lemma = value
        elif typ == "sense-id" and morph.sense is None:
            morph.sense = value
        else:
            morph.tiers[f"{typ}:{lang}" if lang and typ == "gls" else typ] = value
    return morph, text


# --- export -------------------------------------------------------------------------------------


def _morph_text(morphs: list[Morpheme], i: int) -> str:
    """FLEx-style morph text: prefixes carry the following boundary, everything else its own."""
    m = morphs[i]
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


def _split_key(key: str) -> tuple[str, str | None]:
    typ, _, lang = key.partition(":")
    return typ, lang or None


def dumps(
    texts: Iterable[Text], *, gloss_lang: str = "en", vernacular: str | None = None
) -> Iterator[str]:
    """Write texts as one .flextext document, a chunk per phrase."""
    return dumps_streamed(
        ((text, text.utterances) for text in texts), gloss_lang=gloss_lang, vernacular=vernacular
    )


def dumps_streamed(
    texts: Iterable[tuple[Text, Iterable[Utterance]]],
    *,
    gloss_lang: str = "en",
    vernacular: str | None = None,
) -> Iterator[str]:
    """The chunks of :func:`dumps` from text heads with lazily read utterances
    (``text.utterances`` is ignored): one phrase at a time is in memory."""
    yield '<?xml version="1.0" encoding="utf-8"?>\n<document version="2">\n'
    for n, (text, utterances) in enumerate(texts):
        vern = vernacular or text.language
        guid = text.id if _UUID.match(text.id) else None
        yield f"<interlinear-text{attrs([('guid', guid)])}>\n"
        if guid is None and text.id != str(n + 1):
            yield _item("text-id", None, text.id) + "\n"
        if text.title:
            yield _item("title", gloss_lang, text.title) + "\n"
        if text.source:
            yield _item("source", gloss_lang, text.source) + "\n"
        if text.genre:
            yield _item("genre", gloss_lang, text.genre) + "\n"
        if text.glottocode:
            yield _item("glottocode", None, text.glottocode) + "\n"
        for speaker in text.speakers:
            yield _item("speaker", None, speaker) + "\n"
        for key, value in text.metadata.items():
            typ, lang = _split_key(key)
            yield _item(typ, lang, str(value)) + "\n"
        yield "<paragraphs>\n"
        media_ids: dict[str, str] = {}
        paragraph: int | None = None
        for utt in utterances:
            if utt.paragraph != paragraph:
                if paragraph is not None:
                    yield "</phrases></paragraph>\n"
                yield "<paragraph><phrases>\n"
                paragraph = utt.paragraph
            yield _phrase_xml(utt, gloss_lang, vern, media_ids)
        if paragraph is not None:
            yield "</phrases></paragraph>\n"
        yield "</paragraphs>\n"
        yield "<languages>"
        if vern:
            yield f'<language lang="{esc_text(vern)}" vernacular="true"/>'
        yield f'<language lang="{esc_text(gloss_lang)}"/></languages>\n'
        if media_ids:
            yield '<media-files offset-type="">'
            for location, mid in media_ids.items():
                yield f"<media{attrs([('guid', mid), ('location', location)])}/>"
            yield "</media-files>\n"
        yield "</interlinear-text>\n"
    yield "</document>\n"


def _phrase_xml(
    utt: Utterance, gloss_lang: str, vern: str | None, media_ids: dict[str, str]
) -> str:
    is_uuid = bool(_UUID.match(utt.id))
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
    out = [
        f"<phrase{attrs(pairs)}>",
        _item("segnum", gloss_lang, str(utt.order + 1) if is_uuid else utt.id),
    ]
    if utt.transcription:
        out.append(_item("txt", vern, utt.transcription))
    out.append("<words>")
    for word in utt.words:
        out.append(_word_xml(word, gloss_lang, vern))
    out.append("</words>")
    out.extend(_item("gls", lang, value) for lang, value in utt.translations.items())
    out.extend(_item("note", gloss_lang, n) for n in utt.notes)
    if utt.status:
        out.append(_item("status", None, utt.status))
    for key, value in utt.tiers.items():
        typ, lang = _split_key(key)
        out.append(_item(typ, lang, value))
    out.append("</phrase>\n")
    return "".join(out)


def _word_xml(word: Word, gloss_lang: str, vern: str | None) -> str:
    tiers = dict(word.tiers)
    if tiers.pop("punct", None) == "true":
        out = ["<word>", _item("punct", vern, word.form)]
    else:
        out = ["<word>", _item("txt", vern, word.form)]
    if word.gloss:
        out.append(_item("gls", gloss_lang, word.gloss))
    if word.pos:
        out.append(_item("pos", gloss_lang, word.pos))
    for key, value in tiers.items():
        typ, lang = _split_key(key)
        out.append(_item(typ, lang, value))
    if word.morphemes:
        out.append("<morphemes>")
        for i, m in enumerate(word.morphemes):
            out.append(f"<morph{attrs([('type', m.morph_type)])}>")
            out.append(_item("txt", vern, _morph_text(word.morphemes, i)))
            for key, value in m.tiers.items():
                typ, lang = _split_key(key)
                out.append(_item(typ, lang or (vern if typ == "cf" else None), value))
            if m.gloss:
                out.append(_item("gls", gloss_lang, m.gloss))
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

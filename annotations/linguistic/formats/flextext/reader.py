"""Reading FLEx ``.flextext``: the current schema (``<phrases><phrase>``) and the one FLEx 7/8
wrote (``<phrases><word>``, the phrase being a ``word`` element that holds ``words``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from lxml import etree

from annotations.linguistic.formats.flextext.writer import morph_text
from annotations.linguistic.formats.stream import Item
from annotations.linguistic.model import MediaSpan, Morpheme, Text, Utterance, Word
from annotations.xmlsafe import (
    DEFAULT_MAX_BYTES,
    FormatError,
    Problem,
    Source,
    element_path,
    iterparse,
    line_of,
    release,
)

MARKERS = "-=~"
_PHRASE_ATTRS = ("guid", "begin-time-offset", "end-time-offset", "media-file", "speaker")


def _items(el: etree._Element) -> list[tuple[str, str, str]]:
    return [(i.get("type", ""), i.get("lang", ""), i.text or "") for i in el.iterchildren("item")]


def _is_phrase(el: etree._Element) -> bool:
    parent = el.getparent()
    return (
        parent is not None
        and parent.tag == "phrases"
        and (el.tag == "phrase" or (el.tag == "word" and el.find("words") is not None))
    )


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
    language seen on a gloss item (the others go to ``glosses``).
    """
    heads = list(_heads(source, max_bytes))
    source.seek(0)
    root: etree._Element | None = None
    text: etree._Element | None = None
    media: dict[str, str] = {}
    langs = _Langs(gloss_lang)
    n_text = n_para = n_phrase = order = 0
    para_guid: str | None = None
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
                text, n_para, order = el, 0, 0
                langs = _Langs(gloss_lang or head.metadata.get("flex", {}).get("gloss_lang"))
                yield head
            elif tag == "paragraph" and _in_paragraph(el, "paragraph", text):
                n_para, n_phrase = n_para + 1, 0
                para_guid = el.get("guid")
            continue
        if tag in ("phrase", "word") and _in_paragraph(parent, "phrases", text) and _is_phrase(el):
            n_phrase += 1
            prefix = (
                f"/document/interlinear-text[{n_text}]/paragraphs/paragraph[{n_para}]"
                f"/phrases/{tag}[{n_phrase}]"
            )
            utt = _phrase(el, order, langs, media, problems, _where(el, prefix))
            utt.paragraph = n_para - 1
            flex: dict[str, Any] = {}
            if para_guid:
                flex["paragraph"] = para_guid
            if tag == "word":
                flex["schema"] = "old"
            if flex:
                utt.layout["flex"] = flex
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
    # The languages the text's words are written and glossed in, from its first word items,
    # so an export writes them back (FLEx lists more languages than a text uses).
    used: dict[str, str] = {}
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
        if el.tag == "item":
            _note_language(el, used)
        elif el.tag == "interlinear-text" and el.getparent() is root:
            text, media = _head(el, n)
            if used:
                text.metadata.setdefault("flex", {}).update(used)
            used = {}
            yield text, media
            n += 1
            release(el)
        elif el.tag == "paragraph" or (el.tag in ("phrase", "word") and _is_phrase(el)):
            release(el)


def _note_language(item: etree._Element, used: dict[str, str]) -> None:
    parent = item.getparent()
    up = parent.getparent() if parent is not None else None
    if parent is None or up is None or not item.get("lang"):
        return
    typ, lang = item.get("type"), item.get("lang", "")
    in_word = parent.tag == "word" and up.tag == "words"
    if in_word and typ in ("txt", "punct"):
        used.setdefault("vernacular", lang)
    elif in_word and typ == "gls" or (parent.tag == "morph" and typ == "gls"):
        used.setdefault("gloss_lang", lang)
    elif typ == "segnum":
        used.setdefault("segnum_lang", lang)


class _Langs:
    """Remembers the main gloss language once seen, so every level agrees on it."""

    def __init__(self, gloss_lang: str | None) -> None:
        self.gloss = gloss_lang

    def is_main(self, lang: str) -> bool:
        if self.gloss is None:
            self.gloss = lang
        return lang == self.gloss


def _add(tiers: dict[str, str], key: str, value: str) -> None:
    """A further item of a type and language already seen is kept after it, not over it."""
    tiers[key] = f"{tiers[key]}\n{value}" if key in tiers else value


def _head(el: etree._Element, n: int) -> tuple[Text, dict[str, str]]:
    text = Text(id=el.get("guid") or str(n + 1))
    flex: dict[str, Any] = {}
    for typ, lang, value in _items(el):
        if typ == "title" and not text.title:
            text.title = value
            if lang:
                flex["title_lang"] = lang
        elif typ == "source" and not text.source:
            text.source = value
            if lang:
                flex["source_lang"] = lang
        elif typ == "genre" and not text.genre:
            text.genre = value
        elif typ == "text-id":
            text.id = value
        elif typ == "glottocode" and text.glottocode is None:
            text.glottocode = value
        elif typ == "speaker":
            text.speakers.append(value)
        else:
            key = f"{typ}:{lang}" if lang else typ
            if key in text.metadata:
                text.metadata[key] = f"{text.metadata[key]}\n{value}"
            else:
                text.metadata[key] = value
    languages = []
    analysis: list[str] = []
    for lang_el in el.iterfind("languages/language"):
        languages.append(dict(lang_el.attrib))
        if lang_el.get("vernacular") == "true":
            if text.language is None:
                text.language = lang_el.get("lang")
        elif lang_el.get("lang"):
            analysis.append(lang_el.get("lang", ""))
    if languages:
        flex["languages"] = languages
    media_files = el.find("media-files")
    media = {}
    if media_files is not None:
        flex["media_offset_type"] = media_files.get("offset-type", "")
        media = {m.get("guid", ""): m.get("location", "") for m in media_files.iterfind("media")}
        flex["media"] = [[guid, loc] for guid, loc in media.items()]
    if flex:
        text.metadata["flex"] = flex
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
    note_langs: list[str] = []
    for typ, lang, value in _items(el):
        if typ == "segnum" and not segnum:
            segnum = value
        elif typ == "txt" and not utt.transcription:
            utt.transcription = value
        elif typ == "gls":
            if lang in utt.translations:
                utt.more_translations.append((lang, value))
            else:
                utt.translations[lang] = value
        elif typ == "note":
            utt.notes.append(value)
            note_langs.append(lang)
        elif typ == "status" and not utt.status:
            utt.status = value
        else:
            _add(utt.tiers, f"{typ}:{lang}" if lang else typ, value)
    utt.id = el.get("guid") or segnum or str(order + 1)
    if segnum and el.get("guid") and segnum != str(order + 1):
        utt.tiers["segnum"] = segnum
    start, end = el.get("begin-time-offset"), el.get("end-time-offset")
    media_ref = el.get("media-file")
    if start is not None or end is not None or media_ref is not None:
        utt.media = MediaSpan(
            _int_or_none(start), _int_or_none(end), media.get(media_ref or "", media_ref)
        )
        for name, raw, value in (
            ("begin-time-offset", start, utt.media.start_ms),
            ("end-time-offset", end, utt.media.end_ms),
        ):
            if raw is not None and value is None:
                problems.append(Problem(f"{name} {raw!r} is not a number", line_of(el), where(el)))
    extra = {k: v for k, v in el.attrib.items() if k not in _PHRASE_ATTRS}
    if extra or note_langs:
        utt.layout["flex_phrase"] = {"attrs": extra, "note_langs": note_langs}
    for child in el.iterchildren("*"):
        if child.tag not in ("item", "words"):
            problems.append(
                Problem(
                    f"<{child.tag}> in a phrase is not read; kept nowhere",
                    line_of(child),
                    where(child),
                    warning=True,
                )
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
    word = Word(form="", guid=el.get("guid"))
    for typ, lang, value in _items(el):
        if not value and typ not in ("txt", "punct"):
            # An empty item (FLEx writes empty glosses and variant types) is kept as written.
            _add(word.tiers, f"{typ}:{lang}" if lang else typ, value)
        elif typ == "txt" and not word.form:
            word.form = value
        elif typ == "punct" and not word.form:
            word.form = value
            word.tiers["punct"] = "true"
        elif typ == "gls" and langs.is_main(lang) and not word.gloss:
            word.gloss = value
        elif typ == "gls" and lang and lang not in word.glosses and lang != langs.gloss:
            word.glosses[lang] = value
        elif typ == "pos" and not word.pos:
            word.pos = value
        else:
            _add(word.tiers, f"{typ}:{lang}" if lang else typ, value)
    if not word.form:
        problems.append(Problem("word has no txt or punct item", line_of(el), where(el)))
    morphs = el.find("morphemes")
    if morphs is None:
        return word
    raw = [_morph(m, langs) for m in morphs.iterchildren("morph")]
    for i, (morph, text) in enumerate(raw):
        lead = text[:1] if text[:1] in MARKERS and len(text) > 1 else ""
        prev = raw[i - 1][1] if i else ""
        trail = prev[-1:] if prev[-1:] in MARKERS and len(prev) > 1 else ""
        morph.boundary = (lead or trail) if i else ""
        morph.form = text.strip(MARKERS) or text
        word.morphemes.append(morph)
    for i, (morph, text) in enumerate(raw):
        # FLEx writes affix markers into the morph text from the morph type; where the text
        # says otherwise (an untyped "-x" first, a stray marker) the export writes it as it was.
        if morph_text(word.morphemes, i) != text:
            morph.tiers["txt"] = text
    return word


def _morph(el: etree._Element, langs: _Langs) -> tuple[Morpheme, str]:
    morph = Morpheme(form="", morph_type=el.get("type"), guid=el.get("guid"))
    text = ""
    for typ, lang, value in _items(el):
        if typ == "txt" and not text:
            text = value
        elif not value:
            _add(morph.tiers, f"{typ}:{lang}" if lang else typ, value)
        elif typ == "gls" and langs.is_main(lang) and not morph.gloss:
            morph.gloss = value
        elif typ == "gls" and lang and lang not in morph.glosses and lang != langs.gloss:
            morph.glosses[lang] = value
        elif typ == "msa" and not morph.pos:
            morph.pos = value
        elif typ == "lemma-id" and morph.lemma is None:
            morph.lemma = value
        elif typ == "sense-id" and morph.sense is None:
            morph.sense = value
        else:
            _add(morph.tiers, f"{typ}:{lang}" if lang else typ, value)
    return morph, text

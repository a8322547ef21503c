"""A printable dictionary (PDF) of lexicon entries, laid out with reportlab's platypus.

Title page, then two columns per page with a heading for each initial letter; each entry shows
its headword in bold, its part of speech in italics, numbered senses with glosses and definitions,
and examples with their translations. Pages are numbered in the footer.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from html import escape
from io import BytesIO
from pathlib import Path
from typing import Any

from reportlab.lib.pagesizes import A4  # type: ignore[import-untyped]
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet  # type: ignore[import-untyped]
from reportlab.lib.units import cm  # type: ignore[import-untyped]
from reportlab.pdfbase import pdfmetrics  # type: ignore[import-untyped]
from reportlab.pdfbase.ttfonts import TTFont  # type: ignore[import-untyped]
from reportlab.platypus import (  # type: ignore[import-untyped]
    BaseDocTemplate,
    Frame,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
)

from annotations.linguistic.model import LexicalEntry, Sense
from annotations.linguistic.search import fold

_MARGIN = 2 * cm
_GAP = 0.8 * cm
# Vernacular orthographies need more than Latin-1: use DejaVu where installed.
_DEJAVU = Path("/usr/share/fonts/truetype/dejavu")


@cache
def _font() -> str:
    faces = {
        "DejaVuSans": "DejaVuSans.ttf",
        "DejaVuSans-Bold": "DejaVuSans-Bold.ttf",
        "DejaVuSans-Oblique": "DejaVuSans-Oblique.ttf",
        "DejaVuSans-BoldOblique": "DejaVuSans-BoldOblique.ttf",
    }
    if not all((_DEJAVU / f).exists() for f in faces.values()):
        return "Helvetica"
    for name, file in faces.items():
        pdfmetrics.registerFont(TTFont(name, str(_DEJAVU / file)))
    pdfmetrics.registerFontFamily(
        "DejaVuSans",
        normal="DejaVuSans",
        bold="DejaVuSans-Bold",
        italic="DejaVuSans-Oblique",
        boldItalic="DejaVuSans-BoldOblique",
    )
    return "DejaVuSans"


def _styles() -> dict[str, ParagraphStyle]:
    base = getSampleStyleSheet()
    font = _font()
    bold = "DejaVuSans-Bold" if font == "DejaVuSans" else "Helvetica-Bold"
    return {
        "title": ParagraphStyle(
            "title", parent=base["Title"], fontName=bold, fontSize=28, leading=34
        ),
        "subtitle": ParagraphStyle(
            "subtitle", parent=base["Normal"], fontName=font, fontSize=14, alignment=1
        ),
        "letter": ParagraphStyle(
            "letter", parent=base["Heading1"], fontName=bold, fontSize=18, spaceBefore=8,
            keepWithNext=1,
        ),
        "entry": ParagraphStyle(
            "entry", parent=base["Normal"], fontName=font, fontSize=9, leading=11.5,
            spaceAfter=4, leftIndent=8, firstLineIndent=-8,
        ),
    }  # fmt: skip


def _page_number(canvas: Any, doc: Any) -> None:
    canvas.saveState()
    canvas.setFont(_font(), 8)
    canvas.drawCentredString(A4[0] / 2, _MARGIN / 2, str(doc.page))
    canvas.restoreState()


def _sense(number: int | None, sense: Sense) -> str:
    parts = [f"<b>{number}.</b>"] if number is not None else []
    if sense.pos:
        parts.append(f"<i>{escape(sense.pos)}</i>")
    glosses = "; ".join(escape(g) for g in sense.gloss.values() if g)
    if glosses:
        parts.append(glosses)
    definitions = "; ".join(escape(d) for d in sense.definition.values() if d)
    if definitions:
        parts.append(f"({definitions})")
    for example in sense.examples:
        translation = "; ".join(escape(t) for t in example.translations.values() if t)
        text = f"<i>{escape(example.text)}</i>"
        parts.append(f"{text} ‘{translation}’" if translation else text)
    return " ".join(parts)


def entry_markup(entry: LexicalEntry) -> str:
    """One entry as platypus paragraph markup."""
    parts = [f"<b>{escape(entry.headword)}</b>"]
    pos = entry.pos or next((s.pos for s in entry.senses if s.pos), "")
    if pos:
        parts.append(f"<i>{escape(pos)}</i>")
    numbered = len(entry.senses) > 1
    for i, sense in enumerate(entry.senses, 1):
        shown = Sense(**{**_fields(sense), "pos": ""}) if sense.pos == pos else sense
        parts.append(_sense(i if numbered else None, shown))
    return " ".join(p for p in parts if p)


def _fields(sense: Sense) -> dict[str, Any]:
    return {name: getattr(sense, name) for name in Sense.__slots__}


def initial(headword: str) -> str:
    """The letter a headword is filed under (accents folded, upper case)."""
    folded = fold(headword)
    return folded[:1].upper() if folded else "#"


def render(entries: Iterable[LexicalEntry], *, title: str, subtitle: str = "") -> bytes:
    """The dictionary as PDF bytes; ``entries`` must already be in headword order."""
    out = BytesIO()
    width, height = A4
    column = (width - 2 * _MARGIN - _GAP) / 2
    body_height = height - 2 * _MARGIN
    doc = BaseDocTemplate(out, pagesize=A4, title=title, author="Fieldmark")
    doc.addPageTemplates(
        [
            PageTemplate(
                id="title",
                frames=[Frame(_MARGIN, _MARGIN, width - 2 * _MARGIN, body_height, id="full")],
            ),
            PageTemplate(
                id="columns",
                frames=[
                    Frame(_MARGIN, _MARGIN, column, body_height, id="left"),
                    Frame(_MARGIN + column + _GAP, _MARGIN, column, body_height, id="right"),
                ],
                onPage=_page_number,
            ),
        ]
    )
    styles = _styles()
    story: list[Any] = [
        Spacer(1, height / 3),
        Paragraph(escape(title), styles["title"]),
        Paragraph(escape(subtitle), styles["subtitle"]),
        NextPageTemplate("columns"),
        PageBreak(),
    ]
    letter = None
    for entry in entries:
        current = initial(entry.headword)
        if current != letter:
            letter = current
            story.append(Paragraph(escape(letter), styles["letter"]))
        story.append(Paragraph(entry_markup(entry), styles["entry"]))
    doc.build(story)
    return out.getvalue()

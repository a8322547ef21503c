"""``<span>`` markup inside a LIFT text, to and from plain text with spans (offsets)."""

from __future__ import annotations

from collections.abc import Iterable

from lxml import etree

from annotations.linguistic.formats.xmlwrite import attrs, esc_text
from annotations.linguistic.lexicon_parts import Span


def read_marked(text_el: etree._Element) -> tuple[str, list[Span]]:
    """The plain text of a ``<text>`` and its spans (offsets into that text), nested spans
    after the span that holds them."""
    parts: list[str] = []
    spans: list[Span] = []
    size = 0

    def add(value: str | None) -> None:
        nonlocal size
        if value:
            parts.append(value)
            size += len(value)

    def walk(el: etree._Element) -> None:
        add(el.text)
        for child in el:
            if isinstance(child.tag, str):
                if child.tag == "span":
                    start, at = size, len(spans)
                    spans.append(Span(start, start))
                    walk(child)
                    spans[at] = Span(
                        start,
                        size,
                        "".join(parts)[start:size],
                        child.get("lang", ""),
                        child.get("href", ""),
                        child.get("class", ""),
                    )
                else:
                    walk(child)
            add(child.tail)

    walk(text_el)
    return "".join(parts), spans


def marked_xml(plain: str, spans: Iterable[Span]) -> str:
    """Escaped text with its spans as ``<span>`` elements. A span whose text an edit changed,
    or that would cross another, is left out rather than mark the wrong letters."""
    fitting = [
        s for s in spans if 0 <= s.start <= s.end <= len(plain) and plain[s.start : s.end] == s.text
    ]
    order = sorted(range(len(fitting)), key=lambda i: (fitting[i].start, -fitting[i].end, i))
    out: list[str] = []
    open_ends: list[int] = []
    pos = 0

    def close_to(limit: int) -> None:
        nonlocal pos
        while open_ends and open_ends[-1] <= limit:
            end = open_ends.pop()
            out.append(esc_text(plain[pos:end]) + "</span>")
            pos = end

    for i in order:
        s = fitting[i]
        close_to(s.start)
        if open_ends and s.end > open_ends[-1]:
            continue
        out.append(esc_text(plain[pos : s.start]))
        pos = s.start
        pairs = [("lang", s.lang or None), ("href", s.href or None), ("class", s.cls or None)]
        out.append(f"<span{attrs(pairs)}>")
        open_ends.append(s.end)
    close_to(len(plain))
    out.append(esc_text(plain[pos:]))
    return "".join(out)

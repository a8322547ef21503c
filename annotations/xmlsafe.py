"""The one XML parsing entry point for every importer.

Uploaded files are untrusted: entity expansion (billion laughs), external entities (XXE), network
access and huge trees are all refused here, so format modules never build their own parser.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from lxml import etree

DEFAULT_MAX_BYTES = 200 * 1024 * 1024

_ENTITY_DECL = re.compile(rb"<!ENTITY", re.IGNORECASE)
_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an input file, with where it is so a user can fix it."""

    message: str
    line: int | None = None
    element: str | None = None

    def __str__(self) -> str:
        where = []
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.element:
            where.append(self.element)
        return f"{', '.join(where)}: {self.message}" if where else self.message


class FormatError(ValueError):
    """A file could not be imported; ``problems`` lists every problem found, in file order."""

    def __init__(
        self,
        message: str,
        line: int | None = None,
        element: str | None = None,
        problems: Iterable[Problem] = (),
    ) -> None:
        self.message = message
        self.line = line
        self.element = element
        self.problems: list[Problem] = list(problems) or [Problem(message, line, element)]
        super().__init__(self._text())

    def _text(self) -> str:
        if len(self.problems) == 1:
            return str(self.problems[0])
        shown = "\n".join(str(p) for p in self.problems[:50])
        more = len(self.problems) - 50
        tail = f"\n... and {more} more" if more > 0 else ""
        return f"{self.message}:\n{shown}{tail}"

    @classmethod
    def collect(cls, problems: list[Problem], what: str) -> FormatError:
        """Build one error from many problems, placed at the first of them."""
        first = problems[0]
        return cls(f"{len(problems)} problem(s) in {what}", first.line, first.element, problems)


def check_size(data: bytes, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
    """Refuse oversize input before any work is spent on it."""
    if len(data) > max_bytes:
        raise FormatError(f"input is {len(data):,} bytes, more than the limit of {max_bytes:,}")


def _prolog_bytes(data: bytes) -> bytes:
    # UTF-16 documents would hide "<!ENTITY" from a byte search; scan them decoded.
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return data.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError:
            return data
    return data


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def line_of(el: etree._Element) -> int | None:
    """The source line of an element (the stubs type ``sourceline`` loosely)."""
    line = getattr(el, "sourceline", None)
    return line if isinstance(line, int) else None


def element_path(el: etree._Element) -> str:
    """A short readable location such as ``/lift/entry[12]/sense[2]``, for error messages."""
    parts: list[str] = []
    node: etree._Element | None = el
    while node is not None:
        parent = node.getparent()
        tag = etree.QName(node).localname if isinstance(node.tag, str) else "?"
        if parent is None:
            parts.append(tag)
        else:
            same = [c for c in parent if c.tag == node.tag]
            parts.append(f"{tag}[{same.index(node) + 1}]" if len(same) > 1 else tag)
        node = parent
    return "/" + "/".join(reversed(parts))


def parse_xml(data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> etree._Element:
    """Parse untrusted XML bytes and return the root element.

    Raises FormatError for oversize input, any DOCTYPE that declares entities (checked before
    parsing so nothing is ever expanded) and malformed XML (with the line number).
    """
    check_size(data, max_bytes)
    scan = _prolog_bytes(data)
    entity = _ENTITY_DECL.search(scan) if _DOCTYPE.search(scan) else None
    if entity is not None:
        line = scan[: entity.start()].count(b"\n") + 1
        raise FormatError("DOCTYPE declares entities, which are refused for safety", line=line)
    try:
        root = etree.fromstring(data, parser=_parser())
    except etree.XMLSyntaxError as exc:
        raise FormatError(f"malformed XML: {exc.msg}", line=exc.lineno or None) from None
    dtd: Any = root.getroottree().docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        raise FormatError("DOCTYPE declares entities, which are refused for safety", line=1)
    return root

"""The one XML parsing entry point for every importer, whole (``parse_xml``) or streamed
(``iterparse``), and the size guard every streamed reader reads through.

Uploaded files are untrusted: entity expansion (billion laughs), external entities (XXE), network
access and huge trees are all refused here, so format modules never build their own parser.
"""

from __future__ import annotations

import codecs
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from lxml import etree

DEFAULT_MAX_BYTES = 200 * 1024 * 1024

_ENTITY_DECL = re.compile(rb"<!ENTITY", re.IGNORECASE)
_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an input file, with where it is so a user can fix it.

    A ``warning`` did not stop the unit from being read (a repaired line, a partly glossed
    record kept with what it has): it is reported, but an import goes on.
    """

    message: str
    line: int | None = None
    element: str | None = None
    warning: bool = False

    def __str__(self) -> str:
        where = []
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.element:
            where.append(self.element)
        return f"{', '.join(where)}: {self.message}" if where else self.message


def errors_only(problems: Iterable[Problem]) -> list[Problem]:
    """The problems that make a file unreadable (not the warnings)."""
    return [p for p in problems if not p.warning]


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


class Readable(Protocol):
    """A binary file object: an open file, ``io.BytesIO``, a Django ``File``."""

    def read(self, size: int = -1, /) -> bytes: ...


class Source(Readable, Protocol):
    """A binary file object that can be read again from the start (readers of two passes)."""

    def seek(self, offset: int, whence: int = 0, /) -> int: ...


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


class SizeGuard(io.RawIOBase):
    """Reads ``raw`` through, refusing more than ``max_bytes`` (streamed input has no length
    up front); ``count`` is how many bytes were read."""

    def __init__(self, raw: Readable, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        super().__init__()
        self.raw = raw
        self.max_bytes = max_bytes
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        data = self.raw.read(len(view))
        self.count += len(data)
        if self.count > self.max_bytes:
            raise FormatError(f"input is more than the limit of {self.max_bytes:,} bytes")
        self.inspect(data)
        view[: len(data)] = data
        return len(data)

    def inspect(self, data: bytes) -> None:
        """Look at each piece before anyone parses it (subclasses refuse things here)."""


def text_lines(
    source: Readable, *, max_bytes: int = DEFAULT_MAX_BYTES, newline: str | None = None
) -> Iterator[str]:
    """The lines of UTF-8 text (a BOM is dropped), read a buffer at a time.

    ``newline=None`` turns every line ending ("\\r\\n", "\\r", "\\n") into "\\n"; ``newline=""``
    keeps them as written (what the csv module needs). Bad UTF-8 is a FormatError on its line.
    """
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    n = 0
    try:
        for raw in io.BufferedReader(SizeGuard(source, max_bytes)):
            n += 1
            text = decoder.decode(raw)
            if newline is None and "\r" in text:
                *ended, last = text.replace("\r\n", "\n").split("\r")
                yield from (part + "\n" for part in ended)
                if last:
                    yield last
            else:
                yield text
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as exc:
        raise FormatError(f"not UTF-8 text ({exc.reason})", line=max(n, 1)) from None


class _EntityGuard(SizeGuard):
    """Refuses a DOCTYPE that declares entities before the parser sees the bytes declaring it."""

    _KEEP = len(b"<!DOCTYPE")

    def __init__(self, raw: Readable, max_bytes: int) -> None:
        super().__init__(raw, max_bytes)
        self._decoder: codecs.IncrementalDecoder | None = None
        self._first = True
        self._tail = b""
        self._lines = 0  # line breaks before ``_tail``
        self._doctype = False

    def inspect(self, data: bytes) -> None:
        if self._first and data:
            self._first = False
            if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
                # UTF-16 would hide "<!ENTITY" from a byte search; scan it decoded.
                self._decoder = codecs.getincrementaldecoder("utf-16")(errors="replace")
        if self._decoder is not None:
            data = self._decoder.decode(data).encode("utf-8")
        scan = self._tail + data
        self._doctype = self._doctype or _DOCTYPE.search(scan) is not None
        entity = _ENTITY_DECL.search(scan) if self._doctype else None
        if entity is not None:
            line = self._lines + scan[: entity.start()].count(b"\n") + 1
            raise FormatError("DOCTYPE declares entities, which are refused for safety", line=line)
        # Keep a tail, so a declaration split between two reads is still seen whole.
        cut = max(len(scan) - self._KEEP, 0)
        self._lines += scan[:cut].count(b"\n")
        self._tail = scan[cut:]


# The refusals every XML read makes, whole tree or streamed: no entities, network, DTD or huge
# trees; comments and processing instructions dropped.
_SAFE = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "dtd_validation": False,
    "huge_tree": False,
    "remove_comments": True,
    "remove_pis": True,
}


def _parser() -> etree.XMLParser:
    return etree.XMLParser(**_SAFE)  # type: ignore[arg-type]


def line_of(el: etree._Element) -> int | None:
    """The source line of an element (the stubs type ``sourceline`` loosely)."""
    line = getattr(el, "sourceline", None)
    return line if isinstance(line, int) else None


def element_path(
    el: etree._Element, *, within: etree._Element | None = None, prefix: str = ""
) -> str:
    """A short readable location such as ``/lift/entry[12]/sense[2]``, for error messages.

    In a streamed parse the siblings before a unit are gone, so its position cannot be read from
    the tree: pass the unit as ``within`` and its path (counted while reading) as ``prefix``.
    """
    parts: list[str] = []
    node: etree._Element | None = el
    while node is not None:
        if within is not None and node is within:
            return prefix + "".join("/" + p for p in reversed(parts))
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


def iterparse(
    source: Readable,
    *,
    events: tuple[str, ...] = ("start", "end"),
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Iterator[tuple[str, etree._Element]]:
    """Parse untrusted XML from a binary file object as ``(event, element)`` pairs, reading a
    buffer at a time, under the rules of :func:`parse_xml`.

    The first event is always the root's "start" (whatever ``events`` asks for), so a reader can
    check the root tag first. Readers free what they are done with (:func:`release`), so memory
    stays bounded by one unit (an entry, a phrase) whatever the size of the file.
    """
    guard = _EntityGuard(source, max_bytes)
    parser = etree.iterparse(
        guard,
        events=tuple(dict.fromkeys(("start", *events))),
        **_SAFE,
    )
    root: etree._Element | None = None
    try:
        for event, el in parser:
            if root is None:
                root = el
                dtd: Any = el.getroottree().docinfo.internalDTD
                if dtd is not None and any(True for _ in dtd.iterentities()):
                    raise FormatError(
                        "DOCTYPE declares entities, which are refused for safety", line=1
                    )
                yield "start", el
            elif event in events:
                yield event, el
    except etree.XMLSyntaxError as exc:
        raise FormatError(f"malformed XML: {exc.msg}", line=exc.lineno or None) from None


def release(el: etree._Element) -> None:
    """Free a finished element of a streamed parse and the finished siblings before it."""
    el.clear()
    parent = el.getparent()
    if parent is not None:
        while el.getprevious() is not None:
            del parent[0]

"""The shared XML entry point refuses entity tricks, oversize input and reports bad lines."""

from __future__ import annotations

import io

import pytest

from annotations.linguistic.formats import lift
from annotations.xmlsafe import FormatError, Problem, iterparse, parse_xml

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol9 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
]>
<lift version="0.13"><entry id="x"><lexical-unit><form lang="en"><text>&lol9;</text></form>
</lexical-unit></entry></lift>
"""

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE lift [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<lift version="0.13"><entry id="x"><lexical-unit><form lang="en"><text>&xxe;</text></form>
</lexical-unit></entry></lift>
"""


def test_billion_laughs_is_refused_before_parsing() -> None:
    with pytest.raises(FormatError) as err:
        parse_xml(BILLION_LAUGHS)
    assert err.value.line == 3
    assert "DOCTYPE declares entities" in str(err.value)


def test_external_entity_is_refused() -> None:
    with pytest.raises(FormatError, match="DOCTYPE declares entities"):
        parse_xml(XXE)


def test_utf16_entity_declaration_is_refused() -> None:
    with pytest.raises(FormatError, match="DOCTYPE declares entities"):
        parse_xml(
            XXE.decode()
            .replace('version="1.0"', 'version="1.0" encoding="UTF-16"')
            .encode("utf-16")
        )


def test_doctype_without_entities_is_accepted() -> None:
    root = parse_xml(b'<!DOCTYPE lift SYSTEM "http://example.org/lift.dtd"><lift/>')
    assert root.tag == "lift"


def test_malformed_xml_reports_its_line() -> None:
    with pytest.raises(FormatError) as err:
        parse_xml(b"<lift>\n<entry>\n<sense>\n</entry>\n</lift>")
    assert err.value.line == 4
    assert str(err.value).startswith("line 4: malformed XML")


def test_oversize_input_is_refused_without_parsing() -> None:
    with pytest.raises(FormatError, match="more than the limit of 100"):
        parse_xml(b"<a>" + b"x" * 200 + b"</a>", max_bytes=100)


def test_format_error_lists_every_problem() -> None:
    err = FormatError.collect(
        [Problem("3 morphemes but 2 glosses", 17, "word 2"), Problem("no \\t line", 40)],
        "Toolbox file",
    )
    assert err.line == 17
    assert str(err) == (
        "2 problem(s) in Toolbox file:\n"
        "line 17, word 2: 3 morphemes but 2 glosses\nline 40: no \\t line"
    )


class Trickle(io.BytesIO):
    """Hands out at most 3 bytes a read, so every declaration is split between reads."""

    def read(self, size: int | None = -1, /) -> bytes:
        return super().read(3)


@pytest.mark.parametrize("source", [io.BytesIO, Trickle], ids=["buffered", "trickled"])
def test_streamed_parse_refuses_billion_laughs_before_parsing_it(source: type[io.BytesIO]) -> None:
    with pytest.raises(FormatError) as err:
        list(iterparse(source(BILLION_LAUGHS)))
    assert err.value.line == 3
    assert "DOCTYPE declares entities" in str(err.value)


def test_streamed_parse_refuses_external_and_utf16_entities() -> None:
    utf16 = (
        XXE.decode().replace('version="1.0"', 'version="1.0" encoding="UTF-16"').encode("utf-16")
    )
    for data in (XXE, utf16):
        with pytest.raises(FormatError, match="DOCTYPE declares entities"):
            list(iterparse(io.BytesIO(data)))


def test_streamed_lift_reader_refuses_entities_and_oversize_input() -> None:
    with pytest.raises(FormatError, match="DOCTYPE declares entities"):
        list(lift.iter_entries(io.BytesIO(BILLION_LAUGHS), []))
    with pytest.raises(FormatError, match="more than the limit of 100 bytes"):
        list(iterparse(io.BytesIO(b"<a>" + b"x" * 200 + b"</a>"), max_bytes=100))


def test_streamed_parse_reports_malformed_lines_and_accepts_a_plain_doctype() -> None:
    with pytest.raises(FormatError) as err:
        list(iterparse(io.BytesIO(b"<lift>\n<entry>\n<sense>\n</entry>\n</lift>")))
    events = [
        (event, el.tag)
        for event, el in iterparse(
            io.BytesIO(b'<!DOCTYPE lift SYSTEM "http://example.org/lift.dtd"><lift><a/></lift>'),
            events=("end",),
        )
    ]

    assert str(err.value).startswith("line 4: malformed XML")
    assert events == [("start", "lift"), ("end", "a"), ("end", "lift")]

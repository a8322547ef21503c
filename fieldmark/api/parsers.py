"""The JSON request parser of the whole API: bounded integers, depth and keys in one place.

Request bodies end up in MongoDB documents, whose BSON has 64-bit integers, refuses a NUL in a
key and nests at most 100 levels; a body breaking any of these used to fail in the driver, as a
500, after the view had done its work. This parser refuses them up front with a 400 naming the
field, so no serializer or service has to repeat the checks. (DRF's ValidationError, not our
DomainError: DRF imports this module while ``fieldmark.api.errors`` is still importing DRF.)
"""

from __future__ import annotations

import codecs
import json
import math
from collections.abc import Mapping
from typing import IO, Any, Final

from rest_framework.exceptions import ParseError, ValidationError
from rest_framework.parsers import BaseParser
from rest_framework.renderers import JSONRenderer

INT64_MIN: Final = -(2**63)
INT64_MAX: Final = 2**63 - 1
# Deep enough for any document of ours (an utterance is five levels), well below BSON's 100.
MAX_JSON_DEPTH: Final = 32
# Python refuses ``int()`` of more than 4,300 digits with a ValueError; no valid value is that long.
_MAX_INT_DIGITS: Final = 20


def in_int64(value: int) -> bool:
    return INT64_MIN <= value <= INT64_MAX


class _Flags:
    def __init__(self) -> None:
        self.big_int = False
        self.infinite = False

    def parse_int(self, text: str) -> int:
        if len(text) > _MAX_INT_DIGITS:
            self.big_int = True
            return INT64_MAX + 1
        value = int(text)
        if not in_int64(value):
            self.big_int = True
        return value

    def parse_float(self, text: str) -> float:
        value = float(text)
        if math.isinf(value):
            self.infinite = True
        return value


def _strict_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


def check_document(data: Any, *, depth: int = MAX_JSON_DEPTH, numbers: bool = True) -> None:
    """Refuse nesting beyond ``depth``, NUL in keys and, with ``numbers``, integers outside 64 bits
    or infinite floats: a 400 naming the path (``words.0.order``) of the first offence."""
    stack: list[tuple[Any, str, int]] = [(data, "", 0)]
    while stack:
        node, path, level = stack.pop()
        if isinstance(node, Mapping):
            items: Any = node.items()
        elif isinstance(node, list):
            items = enumerate(node)
        else:
            if numbers:
                _check_scalar(node, path)
            continue
        if level >= depth:
            message = f"JSON nested more than {depth} levels deep."
            raise _invalid(path or "non_field_errors", message)
        for key, value in items:
            name = f"{path}.{key}" if path else str(key)
            if isinstance(key, str) and "\x00" in key:
                raise _invalid(path or name, "A key may not contain a NUL character.")
            if numbers or isinstance(value, Mapping | list):
                stack.append((value, name, level + 1))


def _invalid(field: str, message: str) -> ValidationError:
    return ValidationError({field: [message]})


def _check_scalar(node: Any, path: str) -> None:
    if isinstance(node, bool):
        return
    if isinstance(node, int) and not in_int64(node):
        raise _invalid(path or "non_field_errors", f"must be between {INT64_MIN} and {INT64_MAX}.")
    if isinstance(node, float) and math.isinf(node):
        raise _invalid(path or "non_field_errors", "is out of range.")


class JSONParser(BaseParser):
    """DRF's JSON parser plus the checks of :func:`check_document`.

    The walk over the parsed body runs only where it can find something: integers out of range
    or infinite floats were seen while parsing, the body escapes a NUL, or it has more brackets
    than the depth limit.
    """

    media_type = "application/json"
    renderer_class = JSONRenderer

    def parse(
        self,
        stream: IO[Any],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        encoding = (parser_context or {}).get("encoding") or "utf-8"
        raw = stream.read() if stream is not None else b""
        if isinstance(raw, bytes):
            try:
                text = codecs.decode(raw, encoding)
            except (UnicodeDecodeError, LookupError) as exc:
                raise ParseError(f"JSON parse error - {exc}") from None
        else:
            text = raw
        flags = _Flags()
        try:
            data = json.loads(
                text,
                parse_int=flags.parse_int,
                parse_float=flags.parse_float,
                parse_constant=_strict_constant,
            )
        except RecursionError:
            raise ParseError(f"JSON nested more than {MAX_JSON_DEPTH} levels deep.") from None
        except ValueError as exc:
            raise ParseError(f"JSON parse error - {exc}") from None
        if not isinstance(data, dict | list):
            # Every endpoint takes an object (or a list); DRF would read a bare 0 as no data.
            raise ParseError("The request body must be a JSON object.")
        numbers = flags.big_int or flags.infinite
        nul = "\\u0000" in text
        deep = text.count("[") + text.count("{") > MAX_JSON_DEPTH
        if numbers or nul or deep:
            check_document(data, numbers=numbers)
        return data

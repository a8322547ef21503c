"""Toolbox / Shoebox standard format: interlinear databases, SIGMORPHON files, MDF lexicons.

* ``markers``: what each marker means (``MarkerMap``), presets and detection from a file.
* ``lines``: line decoding (strict or tolerant) and records.
* ``columns``: interlinear columns by UTF-8 byte or by character.
* ``reader`` / ``writer``: interlinear texts (``bundles``: one bundle's words and morphemes,
  by column or by count); ``mdf``: Multi-Dictionary Formatter lexicons.

Readers take a binary file object and yield a text head then its utterances; problems go to
the list they are given, warnings (a repaired line, a partly glossed word kept with what it
has) marked as such, so an import goes on and reports them.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from annotations.linguistic.formats.stream import Item, gather
from annotations.linguistic.formats.toolbox import mdf
from annotations.linguistic.formats.toolbox.lines import Decoding
from annotations.linguistic.formats.toolbox.markers import (
    FLEX_SFM,
    PRESET_NAMES,
    PRESETS,
    SIGMORPHON,
    TOOLBOX_IGT,
    Alignment,
    MarkerMap,
    detect,
    sniff,
)
from annotations.linguistic.formats.toolbox.reader import Options, head_lines, settle
from annotations.linguistic.formats.toolbox.reader import iter_texts as _iter_texts
from annotations.linguistic.formats.toolbox.writer import dumps_streamed as _dumps_streamed
from annotations.linguistic.model import Text, Utterance
from annotations.xmlsafe import (
    DEFAULT_MAX_BYTES,
    FormatError,
    Problem,
    Readable,
    check_size,
    errors_only,
)

__all__ = [
    "FLEX_SFM",
    "PRESETS",
    "PRESET_NAMES",
    "SIGMORPHON",
    "TOOLBOX_IGT",
    "Alignment",
    "Decoding",
    "MarkerMap",
    "detect",
    "dumps",
    "dumps_streamed",
    "iter_texts",
    "loads",
    "marker_map",
    "mdf",
    "preview",
    "sniff",
]

MarkerSpec = MarkerMap | str | Mapping[str, Any] | None


def marker_map(spec: MarkerSpec) -> MarkerMap | None:
    """A marker map from a preset name, a JSON mapping or a map; None means detect.

    ``classic`` is the old name of the Toolbox interlinear preset.
    """
    if spec is None or isinstance(spec, MarkerMap):
        return spec
    if isinstance(spec, str):
        name = "toolbox" if spec == "classic" else spec
        if name not in PRESETS:
            raise ValueError(f"unknown marker preset {spec!r}; presets: {', '.join(PRESETS)}")
        return PRESETS[name]
    return MarkerMap.from_dict(spec)


def iter_texts(
    source: Readable,
    problems: list[Problem],
    *,
    text_id: str = "text",
    title: str = "",
    language: str | None = None,
    translation_lang: str | None = None,
    markers: MarkerSpec = None,
    alignment: Alignment | None = None,
    decoding: Decoding = "strict",
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Iterator[Item]:
    """Read a Toolbox file a record at a time: a text head (one per text marker, or one for
    the file), then its utterances.

    The marker map and column unit are detected from the first lines unless given; both are
    kept in the text's ``metadata["toolbox"]`` (with the file header and the field order) so
    an export writes the corpus back as it came.
    """
    opts = Options(
        text_id=text_id,
        title=title,
        language=language,
        translation_lang=translation_lang,
        markers=marker_map(markers),
        alignment=alignment,
        decoding=decoding,
        max_bytes=max_bytes,
    )
    return _iter_texts(source, problems, opts)


def loads(
    data: bytes,
    *,
    text_id: str = "text",
    title: str = "",
    language: str | None = None,
    translation_lang: str | None = None,
    markers: MarkerSpec = None,
    alignment: Alignment | None = None,
    decoding: Decoding = "strict",
    max_bytes: int = DEFAULT_MAX_BYTES,
    warnings: list[Problem] | None = None,
) -> list[Text]:
    """Parse a whole Toolbox file into texts (:func:`iter_texts` over bytes).

    Raises FormatError listing every error; warnings go to ``warnings`` when given.
    """
    check_size(data, max_bytes)
    problems: list[Problem] = []
    texts = gather(
        iter_texts(
            io.BytesIO(data),
            problems,
            text_id=text_id,
            title=title,
            language=language,
            translation_lang=translation_lang,
            markers=markers,
            alignment=alignment,
            decoding=decoding,
            max_bytes=max_bytes,
        )
    )
    errors = errors_only(problems)
    if errors:
        raise FormatError.collect(errors, "Toolbox file")
    if warnings is not None:
        warnings.extend(p for p in problems if p.warning)
    return texts


def preview(
    source: Readable,
    *,
    markers: MarkerSpec = None,
    alignment: Alignment | None = None,
    decoding: Decoding = "strict",
    records: int = 5,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> dict[str, Any]:
    """What an import with this mapping would make of the file's first records: the kind of
    file, the mapping (detected unless given), the column unit, the markers seen and the
    first ``records`` utterances (or MDF entries), with the problems found in them."""
    problems: list[Problem] = []
    opts = Options(
        markers=marker_map(markers), alignment=alignment, decoding=decoding, max_bytes=max_bytes
    )
    head, _ = head_lines(source, problems, opts)
    kind = sniff(line.text for line in head)
    seen: dict[str, int] = {}
    for line in head:
        if line.text.startswith("\\"):
            m = line.text[1:].split(" ", 1)[0].split("\t", 1)[0]
            seen[m] = seen.get(m, 0) + 1
    data = "\n".join(line.text for line in head).encode("utf-8")
    units: list[dict[str, Any]] = []
    if kind == "mdf" and (markers is None or markers == "mdf"):
        for entry in mdf.iter_entries(io.BytesIO(data), problems, decoding=decoding):
            units.append(entry.to_doc())
            if len(units) >= records:
                break
        return {
            "kind": kind,
            "markers": None,
            "alignment": None,
            "seen": seen,
            "entries": units,
            "problems": _report(problems),
        }
    mm, unit = settle(head, opts)
    opts.markers, opts.alignment = mm, unit
    for item in _iter_texts(io.BytesIO(data), problems, opts):
        if isinstance(item, Utterance):
            units.append(item.to_doc())
            if len(units) >= records:
                break
    return {
        "kind": kind,
        "markers": mm.to_dict(),
        "alignment": unit,
        "seen": seen,
        "utterances": units,
        "problems": _report(problems),
    }


def _report(problems: list[Problem]) -> list[dict[str, Any]]:
    return [{"line": p.line, "problem": p.message, "warning": p.warning} for p in problems[:50]]


def dumps(
    texts: Iterable[Text],
    *,
    markers: MarkerSpec = None,
    alignment: Alignment | None = None,
    translation_lang: str | None = None,
) -> Iterator[str]:
    """Write texts as Toolbox records, one chunk per record, so large corpora stream."""
    return dumps_streamed(
        ((text, text.utterances) for text in texts),
        markers=markers,
        alignment=alignment,
        translation_lang=translation_lang,
    )


def dumps_streamed(
    texts: Iterable[tuple[Text, Iterable[Utterance]]],
    *,
    markers: MarkerSpec = None,
    alignment: Alignment | None = None,
    translation_lang: str | None = None,
) -> Iterator[str]:
    """The chunks of :func:`dumps` from text heads with lazily read utterances
    (``text.utterances`` is ignored), so one utterance at a time is in memory."""
    return _dumps_streamed(
        texts,
        markers=marker_map(markers),
        alignment=alignment,
        translation_lang=translation_lang,
    )

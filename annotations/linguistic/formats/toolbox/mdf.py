"""MDF (Multi-Dictionary Formatter) lexicons: Toolbox dictionaries and FLEx's standard-format
lexicon export, one ``\\lx`` record per entry.

The MDF markers used here: ``\\lx`` headword, ``\\hm`` homograph number, ``\\lc`` citation form,
``\\ph`` pronunciation, ``\\ps`` part of speech, ``\\sn`` sense number (starts a sense),
``\\ge``/``\\gn``/``\\gr`` English/national/regional gloss, ``\\de``/``\\dn``/``\\dr``
definitions, ``\\xv`` example with ``\\xe``/``\\xn``/``\\xr`` translations, ``\\va`` variant
(``\\ve`` its note), ``\\cf``/``\\sy``/``\\an``/``\\mn`` relations, ``\\sd`` semantic domain,
``\\nt`` note, ``\\et`` etymology (the etymon; ``\\eg`` its gloss, ``\\es`` its source), ``\\lt``
literal meaning (a ``literal-meaning`` field, as LIFT has it). Any other marker is kept in
``custom`` (entry or sense) in file order, so nothing is dropped; an export writes it back.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator, Mapping

from annotations.linguistic.formats.toolbox.lines import Decoding, Field, read_lines, records
from annotations.linguistic.lexicon_parts import Etymology
from annotations.linguistic.lexicon_parts import Field as CustomField
from annotations.linguistic.model import (
    Example,
    LexicalEntry,
    Note,
    Pronunciation,
    Relation,
    Sense,
    Variant,
)
from annotations.xmlsafe import (
    DEFAULT_MAX_BYTES,
    FormatError,
    Problem,
    Readable,
    check_size,
    errors_only,
)

GLOSS_LANGS: dict[str, str] = {"ge": "en", "gn": "national", "gr": "regional"}
DEF_LANGS: dict[str, str] = {"de": "en", "dn": "national", "dr": "regional"}
EXAMPLE_LANGS: dict[str, str] = {"xe": "en", "xn": "national", "xr": "regional"}
RELATIONS = {"cf": "cf", "sy": "synonym", "an": "antonym", "mn": "main-entry", "lv": "lv"}
_SENSE_LEVEL = set(GLOSS_LANGS) | set(DEF_LANGS) | {"xv", "sd", "sn"} | set(EXAMPLE_LANGS)


def iter_entries(
    source: Readable,
    problems: list[Problem],
    *,
    vernacular: str = "und",
    languages: Mapping[str, str] | None = None,
    decoding: Decoding = "strict",
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Iterator[LexicalEntry]:
    """Each ``\\lx`` record as an entry; ``languages`` renames ``national``/``regional``."""
    names = {"en": "en", "national": "national", "regional": "regional", **(languages or {})}
    header: list[Field] = []
    lines = read_lines(source, problems, decoding=decoding, max_bytes=max_bytes)
    n = 0
    for rec in records(lines, frozenset({"lx"}), header):
        if rec.fields[0].marker != "lx":
            problems.append(
                Problem(
                    f"\\{rec.fields[0].marker} before the first \\lx record; kept nowhere",
                    rec.fields[0].line,
                    warning=True,
                )
            )
            continue
        n += 1
        yield _entry(rec.fields, n, vernacular, names, problems)


def _entry(
    fields: list[Field],
    n: int,
    vern: str,
    names: Mapping[str, str],
    problems: list[Problem],
) -> LexicalEntry:
    head = fields[0]
    entry = LexicalEntry(id=f"mdf-{n}", forms={vern: head.value.strip()})
    sense: Sense | None = None
    example: Example | None = None
    variant: Variant | None = None

    def current_sense() -> Sense:
        nonlocal sense
        if sense is None:
            sense = Sense(id=f"{entry.id}-s{len(entry.senses) + 1}")
            entry.senses.append(sense)
        return sense

    for f in fields[1:]:
        value = f.value.strip()
        mk = f.marker
        if mk == "hm":
            entry.custom["homograph"] = value
        elif mk == "lc":
            entry.citation_form[vern] = value
        elif mk == "ph":
            entry.pronunciations.append(Pronunciation(forms={vern: value}))
        elif mk == "ps":
            if sense is None and not entry.pos:
                entry.pos = value
            else:
                current_sense().pos = value
        elif mk == "sn":
            sense = Sense(id=f"{entry.id}-s{len(entry.senses) + 1}")
            if value:
                sense.custom["number"] = value
            entry.senses.append(sense)
            example = None
        elif mk in GLOSS_LANGS:
            _put_lang(current_sense().gloss, names[GLOSS_LANGS[mk]], value)
        elif mk in DEF_LANGS:
            _put_lang(current_sense().definition, names[DEF_LANGS[mk]], value)
        elif mk == "xv":
            example = Example(text=value, lang=vern)
            current_sense().examples.append(example)
        elif mk in EXAMPLE_LANGS:
            if example is None:
                problems.append(
                    Problem(
                        f"\\{mk} without an \\xv before it; kept in custom", f.line, warning=True
                    )
                )
                _custom(current_sense().custom, mk, value)
            else:
                _put_lang(example.translations, names[EXAMPLE_LANGS[mk]], value)
        elif mk == "va":
            variant = Variant(forms={vern: value})
            entry.variants.append(variant)
        elif mk == "ve" and variant is not None:
            variant.type = value
        elif mk in RELATIONS:
            entry.relations.append(Relation(type=RELATIONS[mk], ref=value))
        elif mk == "sd":
            current_sense().semantic_domains.append(value)
        elif mk == "nt":
            target = sense.notes if sense is not None else entry.notes
            target.append(Note(text={"en": value}))
        elif mk == "et":
            entry.etymologies.append(Etymology(forms={"und": value}))
        elif mk in ("eg", "es") and entry.etymologies:
            if mk == "eg":
                _put_lang(entry.etymologies[-1].glosses, "en", value)
            else:
                entry.etymologies[-1].source = value
        elif mk == "lt":
            entry.fields.append(CustomField("literal-meaning", {"en": value}))
        elif sense is not None and mk not in ("dt",):
            _custom(sense.custom, mk, value)
        else:
            _custom(entry.custom, mk, value)
    return entry


def _put_lang(target: dict[str, str], lang: str, value: str) -> None:
    target[lang] = f"{target[lang]}; {value}" if lang in target and value else value


def _custom(target: dict[str, object], marker: str, value: str) -> None:
    existing = target.get(f"mdf:{marker}")
    if isinstance(existing, list):
        existing.append(value)
    else:
        target[f"mdf:{marker}"] = [value]


def loads(
    data: bytes,
    *,
    vernacular: str = "und",
    decoding: Decoding = "strict",
    max_bytes: int = DEFAULT_MAX_BYTES,
    warnings: list[Problem] | None = None,
) -> list[LexicalEntry]:
    check_size(data, max_bytes)
    problems: list[Problem] = []
    entries = list(
        iter_entries(
            io.BytesIO(data), problems, vernacular=vernacular, decoding=decoding,
            max_bytes=max_bytes,
        )
    )  # fmt: skip
    errors = errors_only(problems)
    if errors:
        raise FormatError.collect(errors, "MDF lexicon")
    if warnings is not None:
        warnings.extend(p for p in problems if p.warning)
    return entries


def dumps(entries: Iterable[LexicalEntry], *, vernacular: str | None = None) -> Iterator[str]:
    """MDF records, one chunk per entry (what :func:`iter_entries` reads back)."""
    back_gloss = {v: k for k, v in GLOSS_LANGS.items()}
    back_def = {v: k for k, v in DEF_LANGS.items()}
    back_ex = {v: k for k, v in EXAMPLE_LANGS.items()}
    back_rel = {v: k for k, v in RELATIONS.items()}
    for entry in entries:
        vern = vernacular or next(iter(entry.forms), "und")
        out = [f"\\lx {entry.forms.get(vern, entry.headword)}"]
        lift_attrs = entry.custom.get("lift:attrs")
        hm = entry.custom.get("homograph") or (
            lift_attrs.get("order") if isinstance(lift_attrs, dict) else None
        )
        if hm:
            out.append(f"\\hm {hm}")
        if vern in entry.citation_form:
            out.append(f"\\lc {entry.citation_form[vern]}")
        out.extend(f"\\ph {p.forms.get(vern, '')}" for p in entry.pronunciations)
        if entry.pos:
            out.append(f"\\ps {entry.pos}")
        for variant in entry.variants:
            out.append(f"\\va {variant.forms.get(vern, next(iter(variant.forms.values()), ''))}")
            if variant.type:
                out.append(f"\\ve {variant.type}")
        many = len(entry.senses) > 1 or any("number" in s.custom for s in entry.senses)
        for i, sense in enumerate(entry.senses, start=1):
            if many:
                out.append(f"\\sn {sense.custom.get('number', i)}")
            if sense.pos:
                out.append(f"\\ps {sense.pos}")
            for lang, value in sense.gloss.items():
                out.append(f"\\{back_gloss.get(lang, 'ge')} {value}")
            for lang, value in sense.definition.items():
                out.append(f"\\{back_def.get(lang, 'de')} {value}")
            for ex in sense.examples:
                out.append(f"\\xv {ex.text}")
                out.extend(
                    f"\\{back_ex.get(lang, 'xe')} {v}" for lang, v in ex.translations.items()
                )
            out.extend(f"\\sd {d}" for d in sense.semantic_domains)
            out.extend(
                f"\\nt {n.text.get('en', next(iter(n.text.values()), ''))}" for n in sense.notes
            )
            for key, values in sense.custom.items():
                if key.startswith("mdf:") and isinstance(values, list):
                    out.extend(f"\\{key[4:]} {v}" for v in values)
        for rel in entry.relations:
            out.append(f"\\{back_rel.get(rel.type, 'cf')} {rel.ref}")
        out.extend(f"\\nt {n.text.get('en', next(iter(n.text.values()), ''))}" for n in entry.notes)
        for value in entry.custom.get("etymology", []) or []:  # stored before etymologies were
            out.append(f"\\et {value}")
        for ety in entry.etymologies:
            out.append(f"\\et {next(iter(ety.forms.values()), '')}")
            if ety.glosses:
                out.append(f"\\eg {ety.glosses.get('en', next(iter(ety.glosses.values())))}")
            if ety.source:
                out.append(f"\\es {ety.source}")
        for custom in entry.fields:
            if custom.type == "literal-meaning" and custom.forms:
                out.append(f"\\lt {custom.forms.get('en', next(iter(custom.forms.values())))}")
        for key, values in entry.custom.items():
            if key.startswith("mdf:") and isinstance(values, list):
                out.extend(f"\\{key[4:]} {v}" for v in values)
        yield "\n".join(out) + "\n\n"

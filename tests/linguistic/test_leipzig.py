"""Leipzig Glossing Rules: abbreviations and gloss splitting, on made-up and real glosses."""

from __future__ import annotations

from annotations.linguistic.formats import toolbox
from annotations.linguistic.leipzig import LEIPZIG_ABBREVIATIONS, split_gloss, unknown_grams
from tests.shared_data import shared_file


def test_full_appendix_is_present() -> None:
    assert len(LEIPZIG_ABBREVIATIONS) == 84
    assert LEIPZIG_ABBREVIATIONS["NMLZ"] == "nominalizer/nominalization"
    assert LEIPZIG_ABBREVIATIONS["ERG"] == "ergative"


def test_split_affixes_clitics_and_person_number() -> None:
    a = split_gloss("1SG.ERG-see-PST=Q")
    assert [(m.boundary, m.text) for m in a.morphs] == [
        ("", "1SG.ERG"),
        ("-", "see"),
        ("-", "PST"),
        ("=", "Q"),
    ]
    assert a.grams == ["1SG", "ERG", "PST", "Q"]
    assert a.lexical == ["see"]
    assert a.morphs[0].elements[0].meaning == "first person singular"
    assert a.morphs[0].elements[1].separator == "."
    assert a.warnings == []


def test_non_prefix_infix_colon_and_underscore() -> None:
    assert split_gloss("NPST-go").morphs[0].elements[0].meaning == "non-past"
    assert split_gloss("NSG").morphs[0].elements[0].meaning == "non-singular"
    infix = split_gloss("sing<PST>")
    assert [(m.boundary, m.text) for m in infix.morphs] == [("", "sing"), ("<>", "PST")]
    colon = split_gloss("come_out:PL")
    assert [(e.text, e.is_gram, e.separator) for e in colon.morphs[0].elements] == [
        ("come_out", False, ""),
        ("PL", True, ":"),
    ]
    assert split_gloss("3PL.EXCL").grams == ["3PL", "EXCL"]
    assert split_gloss("3").morphs[0].elements[0].meaning == "third person"


def test_unknown_grams_warn_unless_allowed() -> None:
    a = split_gloss("give.will-ENT-AOP-PURP")
    assert a.warnings == ["unknown gram 'ENT' in 'ENT'", "unknown gram 'AOP' in 'AOP'"]
    assert split_gloss("give.will-ENT-AOP-PURP", allowed={"ENT", "AOP"}).warnings == []
    # Lowercase (small-caps typed as lowercase) and symbols are lexical, not warned about.
    assert split_gloss("1sg.gen").warnings == []
    assert split_gloss("casi@que").grams == []


def test_shared_sigmorphon_glosses() -> None:
    [lez] = toolbox.loads(shared_file("glossing/Lezgi/lez-train-track2-uncovered").read_bytes())
    [usp] = toolbox.loads(shared_file("glossing/Uspanteko/usp-train-track2-uncovered").read_bytes())
    lez_unknown = unknown_grams([w.joined_gloss for u in lez.utterances for w in u.words])
    usp_unknown = unknown_grams([w.joined_gloss for u in usp.utterances for w in u.words])
    assert (len(lez_unknown), lez_unknown["AOR"], lez_unknown["INESS"]) == (77, 489, 182)
    assert (len(usp_unknown), usp_unknown["E3S"], usp_unknown["INC"]) == (47, 3118, 2742)
    assert "ERG" not in lez_unknown and "COM" not in usp_unknown
    # The first Lezgi sentence: "bread burn-PTP-TEMP smoke enter-AOC house-INESS , ..."
    words = lez.utterances[0].words
    assert split_gloss(words[1].joined_gloss).grams == ["PTP", "TEMP"]
    assert split_gloss(words[4].joined_gloss).lexical == ["house"]
    allowed = set(lez_unknown)
    assert all(
        not split_gloss(w.joined_gloss, allowed).warnings for u in lez.utterances for w in u.words
    )

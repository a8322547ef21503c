"""The suffix-chain analogy of the segmenter and the ending agreement of the translation
aligner, on toy counts whose answers can be worked out by hand."""

from __future__ import annotations

import math

from mlworkers.core.segmenter import Chains, char_features
from mlworkers.core.translation import Agreement, ending, neighbours


def toy_chains() -> Chains:
    chains = Chains()
    chains.fit(
        [
            ("abcdin", ["abc", "di", "n"], ["I", "I", "I", "-", "I", "-"]),
            ("xyzdin", ["xyz", "di", "n"], ["I", "I", "I", "-", "I", "-"]),
            ("qqqdin", ["qqqdin"], ["I"] * 6),  # ends in the chain, but has no suffix
        ]
    )
    return chains


def test_a_chain_is_as_reliable_as_the_words_ending_in_it_have_it_as_suffixes() -> None:
    chains = toy_chains()
    assert chains.reliability("din") == 2 / 3
    # A training word's own counts are left out: the other two types are one chain in two.
    assert chains.reliability("din", ("abcdin", "din", "-I-")) == 1 / 2
    assert chains.reliability("din", ("qqqdin", "", "")) == 1.0
    assert chains.reliability("in") == 0.0
    assert chains.best_cut("din") == "-I-"


def test_an_unseen_form_ending_in_a_chain_gets_its_start_and_cuts() -> None:
    chains = toy_chains()
    feats = char_features("newdin", {"abc", "di", "n"}, chains)
    marks = {i: f["chain"] for i, f in enumerate(feats) if "chain" in f}
    assert marks == {3: "start3", 5: "inside3"}  # new|di|n, reliability 2/3 in step 3 of 0..4
    restored = Chains.from_json(chains.to_json())
    assert restored.cuts == chains.cuts and restored.ends == chains.ends


def test_a_stem_before_a_plural_prefers_translation_words_in_s() -> None:
    before, after = neighbours(["kitab", "ar"], 0)
    assert (before, after) == ("<^", ">ar")
    rows = [((before, after), [ending("books"), ending("their")], [True, False])] * 4
    rows.append((("<^", ">na"), [ending("books"), ending("their")], [False, True]))
    agreement = Agreement()
    agreement.fit(rows)
    plural_s, plural_ir = (
        agreement.score((before, after), "books")[1],
        agreement.score((before, after), "their")[1],
    )
    assert plural_s > 0 > plural_ir
    # A neighbour with fewer than 3 glossed stems has no table: the overall ratio answers.
    assert agreement.score(("<^", ">na"), "books")[1] == agreement.overall["ks"] / 3.0
    assert math.isclose(
        Agreement.from_json(agreement.to_json()).score((before, after), "books")[1], plural_s
    )

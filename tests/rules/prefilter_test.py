"""The rules' cheap tests before their regexes: each must give exactly what the slow form gives."""

from __future__ import annotations

import re
import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from docsecrets.rules.known_tokens import _FOLDS_TO_ASCII, _PREFILTER, may_hold_token
from docsecrets.rules.lexicon import fold, fold_keep_length

# Pieces that make the token pre-filter's alternatives match, or nearly: literals in every case,
# the characters that fold to ASCII letters, digits of other scripts, runs of hex and word characters.
_TOKEN_PIECES = ["A3TX", "abia", "AcCa", "AKIA", "asia", "AWS", "akcQ", "AP9abcdefgh", "ap", "AccountKey",
                 "M" + "a" * 23 + ".", "n" + "b_-" * 8 + ".", "ghp_", "Gh", "glpat-", "gldt-", "gl", "eyJ", "eyj",
                 "0123456789abcdef" * 2 + "-us1", "-US٣", "npm_", "sK-", "pypi-", "sg.", "xoxb-", "XOX",
                 "hooks.slack", "SQ0", "eaaa", "rk_live_", "Sk_LIVE_", "12345678:AA", "1234567890:aa", "٣" * 9 + ":AA",
                 "ac" + "x9" * 16, "SK" + "z1" * 16, "\u0130", "\u0131", "\u017f", "\u212a", "ſk-", "\u212aIA",
                 "é", "ß", ".", ":", "-", "_", " ", "\n", "x", "0"]


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(_TOKEN_PIECES) | st.text(max_size=4), max_size=10).map("".join))
def test_the_token_prefilter_by_parts_equals_the_whole_regex(text):
    assert may_hold_token(text) is (_PREFILTER.search(text) is not None)


def test_only_these_characters_outside_ascii_match_the_prefilter_letters_ignoring_case():
    letters = re.compile(r"[a-z0-9_.:-]", re.IGNORECASE)
    found = {chr(c) for c in range(128, sys.maxunicode + 1) if letters.match(chr(c))}
    assert found == {"\u0130", "\u0131", "\u017f", "\u212a"}
    assert all(_FOLDS_TO_ASCII.search(char) for char in found)


def _fold_keep_length_by_character(text: str) -> str:
    return "".join((fold(char) or char)[0] for char in text)


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=40))
def test_fold_keep_length_folds_each_character(text):
    assert fold_keep_length(text) == _fold_keep_length_by_character(text)
    assert len(fold_keep_length(text)) == len(text)


def test_fold_keep_length_over_every_character():
    every = "".join(chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c < 0xE000)
    assert fold_keep_length(every) == _fold_keep_length_by_character(every)
    assert fold_keep_length("Contraseña ÉTÉ ß ﬁ") == "contrasena ete s f"

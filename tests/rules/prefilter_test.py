"""The rules' cheap tests before their regexes: each must give exactly what the slow form gives."""

from __future__ import annotations

import re

import pytest
import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from docsecrets.config import Config
from docsecrets.engine import scan_text
from docsecrets.rules import TEXT_RULES
from docsecrets.rules.known_tokens import _FOLDS_TO_ASCII, _PREFILTER, may_hold_token
from docsecrets.rules.lexicon import fold, fold_keep_length
from docsecrets.rules.ruleset import ruleset_for
from tests.rules.cases_test import _cases

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


# --- the engine's prefilter: a rule runs only where one of its keywords is -------------------

_KEYWORDS = sorted({k for rule in TEXT_RULES if rule.keywords for k in rule.keywords})
_CASE_TEXTS = [text for _, _, text, _ in _cases()]
_VALUES = ["Tul" + "le2012", "Xy!" + "2020", "sa", "admin", "hunter" + "2!", "ghp_" + "bul7TpjtFMXrWe4rF1wjMoZnLdcE3p24LLit",
           "AIza" + "QEvugI4W8rjUE-i1iG8eETYNm1QRsVdV5F1", "10.1.2.3", "https://u:" + "Pw4" + "x@h.example/", "-----BEGIN ",
           "PRIVATE KEY-----", "KeePass database", "password 51:b:" + "0a" * 20, "Passwort: ", "mot de passe : ",
           "PASSWORD=", "\u017f", "\u212a", "\u0130", "é", "ß"]


def _both(text, rules=TEXT_RULES):
    def key(matches):
        return [(m.rule.id, m.secret, m.start, m.end, m.description, m.severity, m.priority, m.confidence)
                for m in matches]
    return key(scan_text(text, rules)), key(scan_text(text, rules, prefilter=False))


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(_KEYWORDS) | st.sampled_from(_KEYWORDS).map(str.upper) | st.sampled_from(_VALUES)
                | st.sampled_from([" ", " : ", " = ", "\n", "/", " est ", "\t", "\"", "'"]) | st.text(max_size=5),
                max_size=12).map("".join))
def test_the_prefiltered_scan_equals_the_full_scan_on_generated_text(text):
    found, full = _both(text)
    assert found == full


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(_CASE_TEXTS), st.sampled_from(_CASE_TEXTS), st.sampled_from(["\n", " ", " | ", ""]))
def test_the_prefiltered_scan_equals_the_full_scan_on_case_texts_joined(first, second, glue):
    assert _both(first + glue + second)[0] == _both(first + glue + second)[1]


def test_the_prefiltered_scan_equals_the_full_scan_on_every_case_line():
    health = ruleset_for(Config(packs=("health",))).text_rules
    for text in _CASE_TEXTS:
        for line in {text, *text.split("\n")}:
            found, full = _both(line, health)
            assert found == full, line


@pytest.mark.shared
def test_the_prefiltered_scan_equals_the_full_scan_on_the_shared_corpora(shared_dir):
    checked = 0
    for path in sorted(shared_dir.glob("eval*/corpus/**/*")):
        if path.suffix.lower() not in (".txt", ".csv", ".conf", ".ini", ".env", ".json", ".xml", ".sql", ".yml",
                                       ".yaml", ".php", ".ps1", ".sh", ".md", ".eml", ".config", ".properties"):
            continue
        text = path.read_bytes().decode("utf-8", "replace")
        for block in text.split("\n\n"):
            found, full = _both(block)
            assert found == full, path.name
            checked += 1
    assert checked > 50

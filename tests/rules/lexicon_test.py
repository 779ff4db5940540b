"""The lexicon: one module per language, assembled in one place, importable without any detector."""

from __future__ import annotations

import subprocess
import sys

import pytest

from docsecrets.rules import lexicon
from docsecrets.rules.lexicon import common, de, en, es, fr, it, nl, pt

KINDS = ("PASSWORD_LABELS", "WEAK_LABELS", "LOGIN_CUES", "COPULAS", "HEADER_WORDS", "COLUMN_QUALIFIERS",
         "PLACEHOLDERS", "POINTERS", "POLICY_WORDS", "EXAMPLE_WORDS", "EXAMPLE_MARKERS", "OF_WORDS",
         "WIFI_KEY_AFTER", "WIFI_KEY_BEFORE", "RESET_CUES", "NEW_WORDS", "SHORT_CUES", "CREDENTIAL_WORDS",
         "ACCESS_LABELS", "PAIR_PHRASES", "VALUE_COPULAS",
         "CODE_ARTICLES", "CODE_WORDS", "CODE_QUALIFIERS", "CODE_COPULAS",
         "TABLE_CREDENTIAL_CUES", "TABLE_ACCOUNT_WORDS", "TABLE_TARGET_WORDS", "TABLE_OTHER_DATA_WORDS")


def _modules_after(code: str) -> set[str]:
    probe = f"import sys\n{code}\nprint(','.join(sorted(m for m in sys.modules if m.startswith('docsecrets'))))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    return set(out.strip().split(","))


@pytest.mark.parametrize("code", ["import docsecrets.rules.lexicon", "import docsecrets.rules.lexicon.not_secret",
                                  "import docsecrets.filters", "import docsecrets.rules.vocabulary"])
def test_importing_the_lexicon_loads_no_detector(code):
    loaded = _modules_after(code)
    assert {m for m in loaded if m.startswith("docsecrets.rules.")} <= {
        "docsecrets.rules.base", "docsecrets.rules.vocabulary", *(f"docsecrets.rules.lexicon{s}" for s in (
            "", ".common", ".de", ".en", ".es", ".fr", ".it", ".nl", ".pt", ".not_secret"))}
    assert "docsecrets.rules.registry" not in loaded and "docsecrets.rules.kv_password" not in loaded


def test_the_registry_still_loads_on_first_use():
    loaded = _modules_after("from docsecrets.rules import RULES")
    assert {"docsecrets.rules.registry", "docsecrets.rules.kv_password"} <= loaded


@pytest.mark.parametrize("language", [fr, en, de, es, it, nl, pt, common], ids=lambda m: m.__name__)
def test_every_language_exports_every_kind(language):
    for kind in KINDS:
        assert isinstance(getattr(language, kind), (tuple, frozenset)), kind


def test_labels_are_joined_french_first_in_language_order():
    assert lexicon.PASSWORD_TERMS == (*fr.PASSWORD_LABELS, *en.PASSWORD_LABELS, *de.PASSWORD_LABELS,
                                      *es.PASSWORD_LABELS, *it.PASSWORD_LABELS, *nl.PASSWORD_LABELS,
                                      *pt.PASSWORD_LABELS, *common.PASSWORD_LABELS)
    assert lexicon.PASSWORD_RE.fullmatch("wachtwoord") and lexicon.PASSWORD_RE.fullmatch("mot de passe")


@pytest.mark.parametrize(("value", "expected"), [
    ("siehe KeePass", True), ("zie kluis", True), ("voir coffre", True), ("Tulle2012", False)])
def test_pointers_come_from_every_language(value, expected):
    from docsecrets.rules.lexicon.not_secret import is_pointer
    assert is_pointer(value) is expected


def test_a_rule_may_import_the_checks_directly():
    # the old cycle: filters -> rules.vocabulary -> rules/__init__ -> every rule -> filters
    loaded = _modules_after("from docsecrets.rules.lexicon.not_secret import not_a_secret\n"
                            "from docsecrets.rules import TEXT_RULES")
    assert "docsecrets.rules.prose" in loaded


def test_table_header_words_are_joined_from_every_language():
    from docsecrets.rules import table_password
    assert {"zugang", "credenciais", "code", "sesame"} <= lexicon.TABLE_CREDENTIAL_CUES == table_password._WEAK_CUES
    assert {"benutzer", "usuario", "uid"} <= lexicon.TABLE_ACCOUNT_WORDS
    assert {"serveur", "geraet", "ip"} <= lexicon.TABLE_TARGET_WORDS
    assert {"prenom", "seriennummer", "iban"} <= lexicon.TABLE_OTHER_DATA_WORDS
    assert len(lexicon.TABLE_CREDENTIAL_CUES | lexicon.TABLE_ACCOUNT_WORDS | lexicon.TABLE_TARGET_WORDS
               | lexicon.TABLE_OTHER_DATA_WORDS) == 227

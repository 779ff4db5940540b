"""Words people use for passwords, logins and remote access, in the languages of our users.

One module per language (`fr`, `en`, `de`, `es`, `it`, `nl`, `pt`) plus `common` for words of no
language; each exports the same kinds of data (labels, weak labels, login cues, copulas, header
words, column qualifiers, placeholders, pointers, policy words). This module joins them, French
first, into the patterns the rules use; `not_secret` holds the "not a secret" checks built on them.
Everything is matched on `fold(text)`: lower case, accents removed, so one spelling covers
"contraseña"/"contrasena" and "clé"/"cle".

Importing the lexicon loads no detector (tests/rules/lexicon_test.py checks it), so any module may
use it. To add a word, add it to its language's module.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from types import ModuleType

from docsecrets.rules.lexicon import common, de, en, es, fr, it, nl, pt

LANGUAGES: tuple[ModuleType, ...] = (fr, en, de, es, it, nl, pt, common)


@lru_cache(maxsize=4096)
def fold(text: str) -> str:
    """Lower-case and strip accents: 'Contraseña' -> 'contrasena'. Length may change (ß)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fold_keep_length(text: str) -> str:
    """Like fold, but one output character per input character, so spans map back: each
    character becomes the first character of its fold (itself when it folds to nothing)."""
    if text.isascii():
        return text.lower()  # an ASCII character's fold is its lower case
    table = _KEEP_LENGTH
    missing = [char for char in set(text) if ord(char) not in table]
    if len(table) + len(missing) > _KEEP_LENGTH_MAX:
        table.clear()
        missing = list(set(text))
    for char in missing:
        folded = fold(char)
        table[ord(char)] = folded[0] if folded else char
    return text.translate(table)


_KEEP_LENGTH: dict[int, str] = {}  # character -> its folded character, filled as characters are met
_KEEP_LENGTH_MAX = 1 << 16


def _joined(name: str) -> tuple[str, ...]:
    return tuple(word for language in LANGUAGES for word in getattr(language, name))


def _union(name: str) -> frozenset[str]:
    return frozenset(word for language in LANGUAGES for word in getattr(language, name))


# Password labels as regex fragments over folded text. Order matters little: the combined
# pattern prefers the longest alternative at a position because longer ones come first.
PASSWORD_TERMS: tuple[str, ...] = _joined("PASSWORD_LABELS")
SECRET_KEY_TERMS: tuple[str, ...] = common.SECRET_KEY_LABELS
LOGIN_TERMS: tuple[str, ...] = _joined("LOGIN_CUES")
COPULAS: tuple[str, ...] = _joined("COPULAS")
ACCESS_KINDS = common.ACCESS_KINDS
# Column headers that are not credentials but make a row look like a table header.
HEADER_WORDS: frozenset[str] = _union("HEADER_WORDS")
PLACEHOLDER_WORDS: frozenset[str] = _union("PLACEHOLDERS")
POINTER_WORDS: tuple[str, ...] = _joined("POINTERS")
POLICY_WORDS: tuple[str, ...] = _joined("POLICY_WORDS")
# Header qualifiers that make a password column about passwords, not holding them.
NOT_A_PASSWORD_COLUMN = re.compile(r"\b(?:" + "|".join(_joined("COLUMN_QUALIFIERS")) + r")\b")
LABEL_STEMS = common.LABEL_STEMS
# Table headers (rules/table_password.py): words that may name a credential column without saying
# "password" ("Accès", "Code", "PIN"); that name accounts (the login beside a password); the machine
# or service an account opens; and columns that never hold passwords (names, numbers, dates, notes).
TABLE_CREDENTIAL_CUES: frozenset[str] = _union("TABLE_CREDENTIAL_CUES")
TABLE_ACCOUNT_WORDS: frozenset[str] = _union("TABLE_ACCOUNT_WORDS")
TABLE_TARGET_WORDS: frozenset[str] = _union("TABLE_TARGET_WORDS")
TABLE_OTHER_DATA_WORDS: frozenset[str] = _union("TABLE_OTHER_DATA_WORDS")

_STEMS_RE = re.compile("|".join(re.escape(stem) for stem in LABEL_STEMS))


def may_hold_label(text: str) -> bool:
    return _STEMS_RE.search(text.lower()) is not None


PASSWORD_RE = re.compile(r"(?<![a-z0-9])(?:" + "|".join(PASSWORD_TERMS) + r")(?![a-z0-9])")
SECRET_KEY_RE = re.compile(r"(?<![a-z])(?:" + "|".join(SECRET_KEY_TERMS) + r")(?![a-z])")
# "Exemples de mots de passe interdits : ...", on the label's own line (over folded text): what
# not to choose, nobody's password. "example.org" is a domain, not an example.
EXAMPLES_BEFORE = re.compile(r"(?<![.@/])\b(?:" + "|".join(_joined("EXAMPLE_WORDS")) +
                             r")\b(?!\.[a-z])[^\n]{0,40}\Z")
# "... Schlechte Beispiele: „Sommer2023“", "such as X": examples from here on (raw text).
EXAMPLES_BETWEEN = re.compile(r"\b(?:" + "|".join(_joined("EXAMPLE_MARKERS")) + r")(?!\w)", re.IGNORECASE)
# "la password di Office365", "the password for the VPN": a preposition at the end of the text
# before a word says what the password opens (raw text).
OF_BEFORE = re.compile(r"(?:^|\s)(?:" + "|".join(_joined("OF_WORDS")) + r")\s*$", re.IGNORECASE)
# The prose rule's cues (rules/prose.py builds its regex from them).
WIFI_KEY_AFTER: tuple[str, ...] = _joined("WIFI_KEY_AFTER")
WIFI_KEY_BEFORE: tuple[str, ...] = _joined("WIFI_KEY_BEFORE")
RESET_CUES: tuple[str, ...] = _joined("RESET_CUES")
NEW_WORDS: tuple[str, ...] = _joined("NEW_WORDS")
SHORT_CUES: tuple[str, ...] = _joined("SHORT_CUES")
CREDENTIAL_WORDS: tuple[str, ...] = _joined("CREDENTIAL_WORDS")
# Pairs "user / password": the label naming what they open, the phrase before them, the accounts
# that need no cue (rules/kv_password.py).
ACCESS_LABELS: tuple[str, ...] = _joined("ACCESS_LABELS")
PAIR_PHRASES: tuple[str, ...] = _joined("PAIR_PHRASES")
ACCOUNT_NAMES = common.ACCOUNT_NAMES
GLUE_PREFIXES = common.GLUE_PREFIXES
VALUE_COPULAS: tuple[str, ...] = _joined("VALUE_COPULAS")
CODE_ARTICLES: tuple[str, ...] = _joined("CODE_ARTICLES")
CODE_WORDS: tuple[str, ...] = _joined("CODE_WORDS")
CODE_QUALIFIERS: tuple[str, ...] = _joined("CODE_QUALIFIERS")
CODE_COPULAS: tuple[str, ...] = _joined("CODE_COPULAS")
# Labels too common to trust alone ("clé : X", "Schlüssel: X"): the value must look like a password.
WEAK_PASSWORD_TERMS: tuple[str, ...] = _joined("WEAK_LABELS")
AMBIGUOUS_TERMS = common.AMBIGUOUS_LABELS


def access_kind(folded: str) -> str | None:
    """The first kind of access named in folded text ('VNC', 'RDP', ...), or None."""
    for kind, pattern in _ACCESS_PATTERNS:
        if pattern.search(folded):
            return kind
    return None


_ACCESS_PATTERNS = tuple((kind, re.compile(pattern)) for kind, pattern in ACCESS_KINDS)

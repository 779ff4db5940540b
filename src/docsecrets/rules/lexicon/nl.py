"""Dutch words. Matched on folded text unless noted."""

from __future__ import annotations

PASSWORD_LABELS: tuple[str, ...] = (r"wachtwoord(?:en)?", r"wifi[ _-]?sleutel", r"toegangscode")
WEAK_LABELS: tuple[str, ...] = (r"sleutel",)
LOGIN_CUES: tuple[str, ...] = ("gebruiker", "gebruikersnaam")
COPULAS: tuple[str, ...] = ("wordt",)
HEADER_WORDS: frozenset[str] = frozenset("gebruiker gebruikersnaam naam".split())
COLUMN_QUALIFIERS: tuple[str, ...] = ()
PLACEHOLDERS: frozenset[str] = frozenset("wachtwoord zie".split())
POINTERS: tuple[str, ...] = (r"zie", r"zelfde", r"hierboven", r"geen")
POLICY_WORDS: tuple[str, ...] = (r"tekens", r"ten minste", r"moet")
# Words before a list of what not to choose, or of examples ("exemples de mots de passe interdits :"):
# a value after them is nobody's password (regex fragments over folded text).
EXAMPLE_WORDS: tuple[str, ...] = ("voorbeelden", "voorbeeld", "verboden", "slechtste")
# Markers that introduce an example inside a sentence (regex fragments, raw text, case-insensitive).
EXAMPLE_MARKERS: tuple[str, ...] = ("voorbeelden", "voorbeeld", "zoals", r"bijv\.", "bijvoorbeeld")
# Prepositions before what a password opens ("the password of Office365"; raw text, case-insensitive).
OF_WORDS: tuple[str, ...] = ("van", "voor")
# Prose cues (rules/prose.py), regex fragments over folded text. A Wi-Fi key: the word after "wifi"
# ("wifi key"), and the word before it ("clé wifi", "code wlan").
WIFI_KEY_AFTER: tuple[str, ...] = ("sleutel",)
WIFI_KEY_BEFORE: tuple[str, ...] = ("sleutel",)
# "réinitialisé à X": the reset verb and its preposition.
RESET_CUES: tuple[str, ...] = ("gereset naar",)
# "nouveau : X", "ancien = Y": words before a new or old value (after a credential was named).
NEW_WORDS: tuple[str, ...] = ("nieuw", "nieuwe", "oud", "oude")
# Abbreviations that count only with their value right after them ("pw: X").
SHORT_CUES: tuple[str, ...] = ("ww",)
# Words that name a credential just before "nouveau :" (with the password labels).
CREDENTIAL_WORDS: tuple[str, ...] = ("sleutel", "toegang")
# What an account / password pair opens, as the label before it ("SQL : sa / X"; folded, whole words).
ACCESS_LABELS: tuple[str, ...] = ("toegang", "gebruiker", "gebr")
# Phrases before "user / password" on its line ("se connecter avec demo / X"; raw text, any case).
PAIR_PHRASES: tuple[str, ...] = ("toegang", "inloggen met")
# Words between a password word in a sentence and its value ("... est X", "reset to X"; raw text, any case).
VALUE_COPULAS: tuple[str, ...] = ("naar",)
# "le code (d'accès) est X": the article, the code word, what the code opens, the verb (folded text).
CODE_ARTICLES: tuple[str, ...] = ("de",)
CODE_WORDS: tuple[str, ...] = ()
CODE_QUALIFIERS: tuple[str, ...] = ("van de deur",)
CODE_COPULAS: tuple[str, ...] = ()

# Table headers, read by rules/table_password.py.
TABLE_CREDENTIAL_CUES: frozenset[str] = frozenset("""
toegang sleutel waarde ww inloggegevens
""".split())
TABLE_ACCOUNT_WORDS: frozenset[str] = frozenset("""
gebruiker gebruikersnaam gebr
""".split())
TABLE_TARGET_WORDS: frozenset[str] = frozenset("""
adres systeem
""".split())
TABLE_OTHER_DATA_WORDS: frozenset[str] = frozenset("""
naam achternaam telefoon locatie opmerking stad
""".split())

"""German words. Matched on folded text unless noted ("Schlüssel" is "schlussel")."""

from __future__ import annotations

PASSWORD_LABELS: tuple[str, ...] = (
    r"passwort(?:e|er)?", r"passworter", r"kennwort(?:e|er)?", r"kennworter", r"wlan[ _-]?schlussel",
)
WEAK_LABELS: tuple[str, ...] = (r"schlussel",)
LOGIN_CUES: tuple[str, ...] = ("benutzer", "benutzername", "anmeldename", "kennung")
COPULAS: tuple[str, ...] = ("ist", "lautet")
HEADER_WORDS: frozenset[str] = frozenset("benutzer benutzername".split())
COLUMN_QUALIFIERS: tuple[str, ...] = (
    r"lange", r"muss", r"richtlinie", r"verschlusselt", r"ablauf", r"gultig\w*",
)
PLACEHOLDERS: frozenset[str] = frozenset("passwort kennwort leer ja nein hier siehe im".split())
POINTERS: tuple[str, ...] = (r"siehe", r"auf anfrage", r"gleich", r"wie", r"oben", r"kein")
POLICY_WORDS: tuple[str, ...] = (r"zeichen", r"mindestens", r"muss", r"enthalten")
# Words before a list of what not to choose, or of examples ("exemples de mots de passe interdits :"):
# a value after them is nobody's password (regex fragments over folded text).
EXAMPLE_WORDS: tuple[str, ...] = ("beispiele?", "verbotene?", r"schlechteste\w*")
# Markers that introduce an example inside a sentence (regex fragments, raw text, case-insensitive).
EXAMPLE_MARKERS: tuple[str, ...] = ("beispiele?", r"z\.b\.", "wie", r"bspw\.", "zum beispiel")
# Prepositions before what a password opens ("the password of Office365"; raw text, case-insensitive).
OF_WORDS: tuple[str, ...] = ("von", "vom", "fur", "für", "zu", "zum", "zur", "bei")
# Prose cues (rules/prose.py), regex fragments over folded text. A Wi-Fi key: the word after "wifi"
# ("wifi key"), and the word before it ("clé wifi", "code wlan").
WIFI_KEY_AFTER: tuple[str, ...] = ("schlussel",)
WIFI_KEY_BEFORE: tuple[str, ...] = ("schlussel",)
# "réinitialisé à X": the reset verb and its preposition.
RESET_CUES: tuple[str, ...] = ("zuruckgesetzt auf",)
# "nouveau : X", "ancien = Y": words before a new or old value (after a credential was named).
NEW_WORDS: tuple[str, ...] = ("neu", "neues", "alt", "alte", "altes")
# Abbreviations that count only with their value right after them ("pw: X").
SHORT_CUES: tuple[str, ...] = ()
# Words that name a credential just before "nouveau :" (with the password labels).
CREDENTIAL_WORDS: tuple[str, ...] = ("zugang", "schlussel")
# What an account / password pair opens, as the label before it ("SQL : sa / X"; folded, whole words).
ACCESS_LABELS: tuple[str, ...] = ("benutzer", "konto", "zugang", "zugangsdaten", "kennung", "datenbank")
# Phrases before "user / password" on its line ("se connecter avec demo / X"; raw text, any case).
PAIR_PHRASES: tuple[str, ...] = ("anmelden mit", "zugang", "zugangsdaten", "anmeldung")
# Words between a password word in a sentence and its value ("... est X", "reset to X"; raw text, any case).
VALUE_COPULAS: tuple[str, ...] = ("ist", "lautet", "auf")
# "le code (d'accès) est X": the article, the code word, what the code opens, the verb (folded text).
CODE_ARTICLES: tuple[str, ...] = ("der",)
CODE_WORDS: tuple[str, ...] = ()
CODE_QUALIFIERS: tuple[str, ...] = ("der tur", "der alarmanlage")
CODE_COPULAS: tuple[str, ...] = ("ist", "lautet")

# Table headers, read by rules/table_password.py.
TABLE_CREDENTIAL_CUES: frozenset[str] = frozenset("""
zugang zugriff schlussel wert geheim zugangsdaten
""".split())
TABLE_ACCOUNT_WORDS: frozenset[str] = frozenset("""
benutzer benutzername anmeldename kennung
""".split())
TABLE_TARGET_WORDS: frozenset[str] = frozenset("""
gerat gerate geraet geraete
""".split())
TABLE_OTHER_DATA_WORDS: frozenset[str] = frozenset("""
vorname telefon datum seriennummer nummer titel modell standort gebaude bemerkung stadt preis
""".split())

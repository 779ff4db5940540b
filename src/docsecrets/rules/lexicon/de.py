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

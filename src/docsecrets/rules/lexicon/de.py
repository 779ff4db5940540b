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

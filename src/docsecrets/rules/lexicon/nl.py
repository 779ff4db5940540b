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

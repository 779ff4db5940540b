"""Italian words. Matched on folded text unless noted."""

from __future__ import annotations

PASSWORD_LABELS: tuple[str, ...] = (r"parola d['’ ]?ordine", r"parola chiave", r"chiave (?:wifi|wi-fi)")
WEAK_LABELS: tuple[str, ...] = (r"chiave",)
LOGIN_CUES: tuple[str, ...] = ("utente", "nome utente")
COPULAS: tuple[str, ...] = ("e", "è")
HEADER_WORDS: frozenset[str] = frozenset("utente nome".split())
COLUMN_QUALIFIERS: tuple[str, ...] = ()
PLACEHOLDERS: frozenset[str] = frozenset("qui vedi".split())
POINTERS: tuple[str, ...] = (r"vedi", r"come", r"sopra", r"senza")
POLICY_WORDS: tuple[str, ...] = (r"caratteri", r"almeno", r"deve")

# Table headers, read by rules/table_password.py.
TABLE_CREDENTIAL_CUES: frozenset[str] = frozenset("""
accesso codice chiave valore credenziali
""".split())
TABLE_ACCOUNT_WORDS: frozenset[str] = frozenset("""
utente
""".split())
TABLE_TARGET_WORDS: frozenset[str] = frozenset("""
indirizzo portale programma
""".split())
TABLE_OTHER_DATA_WORDS: frozenset[str] = frozenset("""
cognome ubicazione contatto citta prezzo
""".split())

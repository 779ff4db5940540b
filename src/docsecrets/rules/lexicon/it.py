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
# Words before a list of what not to choose, or of examples ("exemples de mots de passe interdits :"):
# a value after them is nobody's password (regex fragments over folded text).
EXAMPLE_WORDS: tuple[str, ...] = ("esempi", "esempio", r"vietat[ei]", "peggiori")
# Markers that introduce an example inside a sentence (regex fragments, raw text, case-insensitive).
EXAMPLE_MARKERS: tuple[str, ...] = ("esempi", "esempio", "come", r"ad es\.", "ad esempio")
# Prepositions before what a password opens ("the password of Office365"; raw text, case-insensitive).
OF_WORDS: tuple[str, ...] = ("di", "del", "della", "dello", "da", "per")

"""Portuguese words. Matched on folded text unless noted."""

from __future__ import annotations

PASSWORD_LABELS: tuple[str, ...] = (r"senhas?", r"palavra[ _-]passe", r"chave (?:wifi|wi-fi)")
WEAK_LABELS: tuple[str, ...] = (r"chave",)
LOGIN_CUES: tuple[str, ...] = ("usuario",)  # usuário
COPULAS: tuple[str, ...] = ("é",)
HEADER_WORDS: frozenset[str] = frozenset("nome".split())
COLUMN_QUALIFIERS: tuple[str, ...] = ()
PLACEHOLDERS: frozenset[str] = frozenset("senha".split())
POINTERS: tuple[str, ...] = (r"mesmo", r"acima", r"sem ")
POLICY_WORDS: tuple[str, ...] = (r"pelo menos", r"deve", r"conter")
# Words before a list of what not to choose, or of examples ("exemples de mots de passe interdits :"):
# a value after them is nobody's password (regex fragments over folded text).
EXAMPLE_WORDS: tuple[str, ...] = ("exemplos?", r"proibid[oa]s", "piores")
# Markers that introduce an example inside a sentence (regex fragments, raw text, case-insensitive).
EXAMPLE_MARKERS: tuple[str, ...] = ("exemplos?", "como", "por exemplo")
# Prepositions before what a password opens ("the password of Office365"; raw text, case-insensitive).
OF_WORDS: tuple[str, ...] = ("do", "da", "para")

"""Spanish words. Matched on folded text unless noted ("contraseña" is "contrasena")."""

from __future__ import annotations

PASSWORD_LABELS: tuple[str, ...] = (r"contrasenas?", r"clave(?: de acceso)?", r"clave wifi")
WEAK_LABELS: tuple[str, ...] = ()
LOGIN_CUES: tuple[str, ...] = ("usuario",)
COPULAS: tuple[str, ...] = ("es", "era")
HEADER_WORDS: frozenset[str] = frozenset("usuario nombre servidor dominio".split())
COLUMN_QUALIFIERS: tuple[str, ...] = ()
PLACEHOLDERS: frozenset[str] = frozenset("contrasena contraseña vacio si sí aqui ver".split())
POINTERS: tuple[str, ...] = (r"ver", r"igual", r"arriba", r"sin ")
POLICY_WORDS: tuple[str, ...] = (r"caracteres", r"al menos", r"debe")
# Words before a list of what not to choose, or of examples ("exemples de mots de passe interdits :"):
# a value after them is nobody's password (regex fragments over folded text).
EXAMPLE_WORDS: tuple[str, ...] = ("ejemplos?", r"prohibid[oa]s", "peores")
# Markers that introduce an example inside a sentence (regex fragments, raw text, case-insensitive).
EXAMPLE_MARKERS: tuple[str, ...] = ("ejemplos?", "como", "por ejemplo")
# Prepositions before what a password opens ("the password of Office365"; raw text, case-insensitive).
OF_WORDS: tuple[str, ...] = ("de", "del", "para")

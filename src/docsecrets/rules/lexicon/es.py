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
# Prose cues (rules/prose.py), regex fragments over folded text. A Wi-Fi key: the word after "wifi"
# ("wifi key"), and the word before it ("clé wifi", "code wlan").
WIFI_KEY_AFTER: tuple[str, ...] = ("clave",)
WIFI_KEY_BEFORE: tuple[str, ...] = ("clave",)
# "réinitialisé à X": the reset verb and its preposition.
RESET_CUES: tuple[str, ...] = (r"restablecid[ao] a",)
# "nouveau : X", "ancien = Y": words before a new or old value (after a credential was named).
NEW_WORDS: tuple[str, ...] = ("nuevo", "nueva", "antiguo", "antigua")
# Abbreviations that count only with their value right after them ("pw: X").
SHORT_CUES: tuple[str, ...] = ()
# Words that name a credential just before "nouveau :" (with the password labels).
CREDENTIAL_WORDS: tuple[str, ...] = ("credencial", "clave")
# What an account / password pair opens, as the label before it ("SQL : sa / X"; folded, whole words).
ACCESS_LABELS: tuple[str, ...] = ("cuenta", "acceso", "credenciales", "usuario")
# Phrases before "user / password" on its line ("se connecter avec demo / X"; raw text, any case).
PAIR_PHRASES: tuple[str, ...] = ("acceso", r"conectar(?:se)? con")
# Words between a password word in a sentence and its value ("... est X", "reset to X"; raw text, any case).
VALUE_COPULAS: tuple[str, ...] = ("es",)
# "le code (d'accès) est X": the article, the code word, what the code opens, the verb (folded text).
CODE_ARTICLES: tuple[str, ...] = ("el",)
CODE_WORDS: tuple[str, ...] = ("codigo",)
CODE_QUALIFIERS: tuple[str, ...] = ("de acceso",)
CODE_COPULAS: tuple[str, ...] = ("es",)

# Table headers, read by rules/table_password.py.
TABLE_CREDENTIAL_CUES: frozenset[str] = frozenset("""
acceso codigo clave valor credenciales
""".split())
TABLE_ACCOUNT_WORDS: frozenset[str] = frozenset("""
usuario
""".split())
TABLE_TARGET_WORDS: frozenset[str] = frozenset("""
direccion servidor sistema programa equipo
""".split())
TABLE_OTHER_DATA_WORDS: frozenset[str] = frozenset("""
nombre apellido telefono fecha modelo ubicacion edificio observacion observaciones puerto contacto ciudad nif
precio
""".split())

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

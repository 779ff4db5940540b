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

# Table headers, read by rules/table_password.py.
TABLE_CREDENTIAL_CUES: frozenset[str] = frozenset("""
acesso chave credenciais
""".split())
TABLE_ACCOUNT_WORDS: frozenset[str] = frozenset("""
utilizador
""".split())
TABLE_TARGET_WORDS: frozenset[str] = frozenset("""
endereco modalidade
""".split())
TABLE_OTHER_DATA_WORDS: frozenset[str] = frozenset("""
nome sobrenome data nota notas porta cidade
""".split())

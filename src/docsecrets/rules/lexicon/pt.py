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
# Prose cues (rules/prose.py), regex fragments over folded text. A Wi-Fi key: the word after "wifi"
# ("wifi key"), and the word before it ("clé wifi", "code wlan").
WIFI_KEY_AFTER: tuple[str, ...] = ("chave",)
WIFI_KEY_BEFORE: tuple[str, ...] = ("chave",)
# "réinitialisé à X": the reset verb and its preposition.
RESET_CUES: tuple[str, ...] = (r"redefinid[ao] para",)
# "nouveau : X", "ancien = Y": words before a new or old value (after a credential was named).
NEW_WORDS: tuple[str, ...] = ("novo", "nova", "antigo", "antiga")
# Abbreviations that count only with their value right after them ("pw: X").
SHORT_CUES: tuple[str, ...] = ()
# Words that name a credential just before "nouveau :" (with the password labels).
CREDENTIAL_WORDS: tuple[str, ...] = ("senha",)
# What an account / password pair opens, as the label before it ("SQL : sa / X"; folded, whole words).
ACCESS_LABELS: tuple[str, ...] = ("conta", "acesso", "utilizador")
# Phrases before "user / password" on its line ("se connecter avec demo / X"; raw text, any case).
PAIR_PHRASES: tuple[str, ...] = ("acesso", "entrar com")
# Words between a password word in a sentence and its value ("... est X", "reset to X"; raw text, any case).
VALUE_COPULAS: tuple[str, ...] = ("é", "para")
# "le code (d'accès) est X": the article, the code word, what the code opens, the verb (folded text).
CODE_ARTICLES: tuple[str, ...] = ("o",)
CODE_WORDS: tuple[str, ...] = ()
CODE_QUALIFIERS: tuple[str, ...] = ("de acesso",)
CODE_COPULAS: tuple[str, ...] = ("é",)

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

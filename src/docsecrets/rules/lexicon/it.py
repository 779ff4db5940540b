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
# Prose cues (rules/prose.py), regex fragments over folded text. A Wi-Fi key: the word after "wifi"
# ("wifi key"), and the word before it ("clé wifi", "code wlan").
WIFI_KEY_AFTER: tuple[str, ...] = ("chiave",)
WIFI_KEY_BEFORE: tuple[str, ...] = ("chiave",)
# "réinitialisé à X": the reset verb and its preposition.
RESET_CUES: tuple[str, ...] = (r"reimpostat[ao] a",)
# "nouveau : X", "ancien = Y": words before a new or old value (after a credential was named).
NEW_WORDS: tuple[str, ...] = ("nuovo", "nuova", "vecchio", "vecchia")
# Abbreviations that count only with their value right after them ("pw: X").
SHORT_CUES: tuple[str, ...] = ()
# Words that name a credential just before "nouveau :" (with the password labels).
CREDENTIAL_WORDS: tuple[str, ...] = ("credenzial", "chiave")
# What an account / password pair opens, as the label before it ("SQL : sa / X"; folded, whole words).
ACCESS_LABELS: tuple[str, ...] = ("accesso", "credenziali", "utente", "portale")
# Phrases before "user / password" on its line ("se connecter avec demo / X"; raw text, any case).
PAIR_PHRASES: tuple[str, ...] = ("accesso", "accedere con")
# Words between a password word in a sentence and its value ("... est X", "reset to X"; raw text, any case).
VALUE_COPULAS: tuple[str, ...] = ("e", "è")
# "le code (d'accès) est X": the article, the code word, what the code opens, the verb (folded text).
CODE_ARTICLES: tuple[str, ...] = ("il",)
CODE_WORDS: tuple[str, ...] = ("codice",)
CODE_QUALIFIERS: tuple[str, ...] = ("di accesso", "dell'allarme")
CODE_COPULAS: tuple[str, ...] = ("e", "è")

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

"""English words. Matched on folded text unless noted."""

from __future__ import annotations

PASSWORD_LABELS: tuple[str, ...] = (
    r"passwords?", r"passwd", r"pass[ _-]?phrase", r"passcode", r"pwd", r"pswd", r"pw",
    r"wifi[ _-]?(?:key|password)", r"wpa2?[ _-]?(?:key|psk|passphrase)", r"network key",
    r"enable secret", r"enable password", r"bindpw", r"psk",
)
WEAK_LABELS: tuple[str, ...] = ()
LOGIN_CUES: tuple[str, ...] = ("user", "username", "user name", "account")
COPULAS: tuple[str, ...] = ("is", "was")
HEADER_WORDS: frozenset[str] = frozenset("""
user username account name server host hostname address link application database comment comments notes
note description type date email mail phone contact access status role machine city domain version label
value parameter setting field instance session web portal tool code ref reference owner department unit
computer system
""".split())
COLUMN_QUALIFIERS: tuple[str, ...] = (
    r"change", r"changed", r"expire[sd]?", r"expiry", r"last", r"length", r"policy", r"rule", r"rules",
    r"hash", r"hashed", r"forgot", r"forgotten", r"reset", r"complexity", r"strength", r"required", r"status",
    r"hint", r"reminder", r"count", r"never", r"encrypted", r"salt", r"updated", r"sent", r"to change",
    r"must", r"should",
)
PLACEHOLDERS: frozenset[str] = frozenset("""
changeme change_me change-me changeit password secret secrets redacted masked hidden confidential none null
nil undefined empty nothing todo tbd tbc fixme dummy example sample demo same ditto default unchanged yes
no true false required optional your_password yourpassword your-password mypassword my_password my-password
password123 pass pwd passwd here see
""".split())
POINTERS: tuple[str, ...] = (
    r"see", r"ask", r"request", r"contact", r"call", r"on request", r"by sms", r"same as", r"like", r"ditto",
    r"above", r"vault", r"safe", r"envelope", r"unchanged", r"no ", r"none", r"to be defined", r"tbd",
    r"pending",
)
POLICY_WORDS: tuple[str, ...] = (r"characters?", r"at least", r"must", r"contain", r"length")
# Words before a list of what not to choose, or of examples ("exemples de mots de passe interdits :"):
# a value after them is nobody's password (regex fragments over folded text).
EXAMPLE_WORDS: tuple[str, ...] = ("examples?", "forbidden", "worst")
# Markers that introduce an example inside a sentence (regex fragments, raw text, case-insensitive).
EXAMPLE_MARKERS: tuple[str, ...] = ("examples?", r"e\.g\.", "for example", "such as")
# Prepositions before what a password opens ("the password of Office365"; raw text, case-insensitive).
OF_WORDS: tuple[str, ...] = ("of", "for", "on", "to the", "at")
# Prose cues (rules/prose.py), regex fragments over folded text. A Wi-Fi key: the word after "wifi"
# ("wifi key"), and the word before it ("clé wifi", "code wlan").
WIFI_KEY_AFTER: tuple[str, ...] = ("key", "password", "code")
WIFI_KEY_BEFORE: tuple[str, ...] = ("code",)
# "réinitialisé à X": the reset verb and its preposition.
RESET_CUES: tuple[str, ...] = ("reset to",)
# "nouveau : X", "ancien = Y": words before a new or old value (after a credential was named).
NEW_WORDS: tuple[str, ...] = ("new", "old", "previous")
# Abbreviations that count only with their value right after them ("pw: X").
SHORT_CUES: tuple[str, ...] = ("pw", "psk", "pwd", "pass")
# Words that name a credential just before "nouveau :" (with the password labels).
CREDENTIAL_WORDS: tuple[str, ...] = ()
# What an account / password pair opens, as the label before it ("SQL : sa / X"; folded, whole words).
ACCESS_LABELS: tuple[str, ...] = ("access", "login", "logon", "account", "session", "user", "admin", "application", "console", "interface", "web", "instance", "portal")
# Phrases before "user / password" on its line ("se connecter avec demo / X"; raw text, any case).
PAIR_PHRASES: tuple[str, ...] = ("access", "login", "logon", r"credentials?", r"connect(?:ed)? with", r"log ?in with", "sign in with", r"user ?/ ?pass\w*")
# Words between a password word in a sentence and its value ("... est X", "reset to X"; raw text, any case).
VALUE_COPULAS: tuple[str, ...] = ("is", "to", "will be")
# "le code (d'accès) est X": the article, the code word, what the code opens, the verb (folded text).
CODE_ARTICLES: tuple[str, ...] = ("the",)
CODE_WORDS: tuple[str, ...] = ("pin",)
CODE_QUALIFIERS: tuple[str, ...] = ("access", "secret")
CODE_COPULAS: tuple[str, ...] = ("is",)

# Table headers, read by rules/table_password.py.
TABLE_CREDENTIAL_CUES: frozenset[str] = frozenset("""
access key keys value pwd secret credentials credential
""".split())
TABLE_ACCOUNT_WORDS: frozenset[str] = frozenset("""
login logon user username users account accounts session
""".split())
TABLE_TARGET_WORDS: frozenset[str] = frozenset("""
address host hostname server hosts link portal system equipment device devices application software site sites
modality
""".split())
TABLE_OTHER_DATA_WORDS: frozenset[str] = frozenset("""
name names phone mobile date dates serial number reference title model location building comment comments note
notes status contact city service postal zip price amount
""".split())

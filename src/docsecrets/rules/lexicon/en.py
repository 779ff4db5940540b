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

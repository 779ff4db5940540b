"""Words of no particular language: configuration keys, product names, abbreviations."""

from __future__ import annotations

# plain "pass" / "passe" (e.g. "pass: X", "NAS_PASS=") is common in configs and notes
PASSWORD_LABELS: tuple[str, ...] = (r"passe?",)
WEAK_LABELS: tuple[str, ...] = ()
# Keys of configuration entries that hold a secret other than a password (order matters: longer first).
SECRET_KEY_LABELS: tuple[str, ...] = (
    r"client[_-]?secret", r"app[_-]?secret", r"secret[_-]?key", r"secret[_-]?access[_-]?key",
    r"access[_-]?key[_-]?secret", r"api[_-]?secret", r"api[_-]?key", r"apikey", r"api[_-]?token",
    r"access[_-]?token", r"auth[_-]?token", r"bearer[_-]?token", r"refresh[_-]?token", r"private[_-]?key",
    r"app[_-]?key", r"encryption[_-]?key", r"signing[_-]?key", r"master[_-]?key", r"blowfish[_-]?secret",
    r"secret", r"token", r"cle api", r"cle d'api", r"api[_-]?schlussel", r"shared[_-]?secret",
    r"webhook[_-]?secret", r"consumer[_-]?secret", r"license[_-]?key",
)
LOGIN_CUES: tuple[str, ...] = ("login", "logon", "uid", "uname", "id")
COPULAS: tuple[str, ...] = ()
HEADER_WORDS: frozenset[str] = frozenset("""
login logon ip url port db vnc rdp ssh anydesk teamviewer id sid schema os
""".split())
COLUMN_QUALIFIERS: tuple[str, ...] = (
    r"date", r"modif\w*", r"expiration", r"age", r"question", r"min", r"max", r"minimum", r"maximum", r"format",
)
PLACEHOLDERS: frozenset[str] = frozenset("""
n/a na nd n.d. n.a. nan xxx yyy zzz idem ibid dito cf cf. test standard in en
""".split())
POINTERS: tuple[str, ...] = (
    r"cf\.?", r"vide", r"per sms", r"via", r"idem", r"id\.", r"ibid", r"dito", r"keepass", r"bitwarden",
    r"lastpass", r"1password", r"dashlane", r"passbolt", r"cyberark",
)
POLICY_WORDS: tuple[str, ...] = (r"minimum", r"expire", r"complex")

# Remote-access and target words: what kind of access a credential opens (all languages, by kind).
ACCESS_KINDS: tuple[tuple[str, str], ...] = (
    ("VNC", r"\b(?:vnc|ultravnc|tightvnc|realvnc|tigervnc)\b"),
    ("RDP", r"\b(?:rdp|tse|terminal server|bureau a distance|remote desktop|mstsc|escritorio remoto|"
            r"remotedesktop|rds)\b"),
    ("SSH", r"\b(?:ssh|putty|sftp|scp)\b"),
    ("Telnet", r"\btelnet\b"),
    ("TeamViewer", r"\bteam ?viewer\b"),
    ("AnyDesk", r"\bany ?desk\b"),
    ("FTP", r"\bftps?\b"),
    ("database", r"\b(?:bdd|base de donnees|database|datenbank|base de datos|banca dati|databank|"
                 r"db|sql|mysql|mariadb|postgres(?:ql)?|oracle|sqlserver|mssql|mongodb|redis)\b"),
    ("VPN", r"\bvpn\b"),
    ("PACS", r"\bpacs\b"),
    ("remote access", r"\b(?:acces distant|acces a distance|teleassistance|telemaintenance|prise en main|"
                      r"fernwartung|fernzugriff|acceso remoto|accesso remoto|teleassistenza|"
                      r"remote access|remote support|toegang op afstand|acesso remoto)\b"),
)

# Substrings (of lower-cased text) without which no label can match: a cheap test that lets the
# rules skip most cells and lines before folding accents and running regexes.
LABEL_STEMS: tuple[str, ...] = (
    "pass", "mdp", "m.d.p", "pw", "pswd", "kennw", "wachtw", "contrase", "clave", "senha", "parola", "palavra",
    "secret", "token", "key", "cle", "clé", "clef", "schl", "sleutel", "chiave", "chave", "psk", "motdepasse",
    "toegang", "code", "api", "</", "value",
)
# Short labels that are also ordinary words or abbreviations ("PASS +PUMP", "PW 40"): they count
# only with an explicit separator ("pass: X", "PW=X").
AMBIGUOUS_LABELS: frozenset[str] = frozenset({"pass", "passe", "pw", "psk", "clave"})

# Table headers, read by rules/table_password.py.
TABLE_CREDENTIAL_CUES: frozenset[str] = frozenset("""
code codes pin pins
""".split())
TABLE_ACCOUNT_WORDS: frozenset[str] = frozenset("""
uid usr
""".split())
TABLE_TARGET_WORDS: frozenset[str] = frozenset("""
ip url urls
""".split())
TABLE_OTHER_DATA_WORDS: frozenset[str] = frozenset("""
tel fax email mail no nr num ref id ids version type port iban bic
""".split())

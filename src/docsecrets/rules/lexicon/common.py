"""Words of no particular language: configuration keys, product names, abbreviations."""

from __future__ import annotations

# plain "pass" / "passe" (e.g. "pass: X", "NAS_PASS=") is common in configs and notes
PASSWORD_LABELS: tuple[str, ...] = (r"passe?",)
WEAK_LABELS: tuple[str, ...] = ()
# Keys of configuration entries that hold a secret other than a password (order matters: longer first).
SECRET_KEY_LABELS: tuple[str, ...] = (
    # an application's salt or pepper (HASH_SALT, SECRET_SALT, Security.salt, PASSWORD_PEPPER) signs
    # or hashes for every user; a bare "salt" is one user's, stored beside that user's hash: not one
    r"(?:hash|security|secret|app|site|auth|token|session|cookie|global|crypt|encryption|hmac|signing|api|jwt"
    r"|csrf|password)[_.-]?salt", r"(?:password[_-]?)?pepper",
    r"client[_-]?secret", r"app[_-]?secret", r"secret[_-]?key", r"secret[_-]?access[_-]?key",
    r"access[_-]?key[_-]?secret", r"api[_-]?secret", r"api[_-]?key", r"apikey", r"api[_-]?token",
    r"access[_-]?token", r"auth[_-]?token", r"bearer[_-]?token", r"refresh[_-]?token", r"private[_-]?key",
    r"app[_-]?key", r"(?:en)?crypt(?:ion)?[_-]?key", r"cipher[_-]?key", r"signing[_-]?key", r"master[_-]?key", r"blowfish[_-]?secret",
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
    "toegang", "code", "api", "</", "value", "salt", "pepper",
)
# Short labels that are also ordinary words or abbreviations ("PASS +PUMP", "PW 40"): they count
# only with an explicit separator ("pass: X", "PW=X").
AMBIGUOUS_LABELS: frozenset[str] = frozenset({"pass", "passe", "pw", "psk", "clave"})
# Substrings (of lower-cased text) without which no cue of the prose rule (rules/prose.py) can
# match: its own pre-filter, as literals ("c[oó]digo" needs "digo", "nouveau :" needs "nouve").
PROSE_STEMS: tuple[str, ...] = (
    "old", "alt", "new", "code", "ww", "pass", "pin", "previous", "nov", "mdp", "m.d.p", "pwd", "pswd", "kennw",
    "wachtw", "contras", "clave", "senha", "parola", "palavra", "toegang", "wifi", "wi-fi", "wlan", "reset",
    "initialis", "ckgesetzt", "restablec", "reimpost", "redefinid", "gereset", "digo", "codice", "nouve", "neu",
    "nuev", "nuov", "nieuw", "ancien", "antig", "vecchi", "oud", "pw", "psk",
)
# Substrings (of lower-cased text) without which no syntax of rules/web_root.py can match: JSON
# maps and arrays, .pgpass lines, machineKey, define(), INSERT, and the commands it reads.
WEB_ROOT_STEMS: tuple[str, ...] = (
    '"', ":", "define", "insert", "machine", "convertto", "net use", "7z", "docker", "curl", "smb", "rpcclient",
    "winexe", "cifs", "lftp",
)
# Words before a list of what not to choose, or of examples ("exemples de mots de passe interdits :"):
# a value after them is nobody's password (regex fragments over folded text).
EXAMPLE_WORDS: tuple[str, ...] = ()
# Markers that introduce an example inside a sentence (regex fragments, raw text, case-insensitive).
EXAMPLE_MARKERS: tuple[str, ...] = ()
# Prepositions before what a password opens ("the password of Office365"; raw text, case-insensitive).
OF_WORDS: tuple[str, ...] = ()
# Prose cues (rules/prose.py), regex fragments over folded text. A Wi-Fi key: the word after "wifi"
# ("wifi key"), and the word before it ("clé wifi", "code wlan").
WIFI_KEY_AFTER: tuple[str, ...] = ()
WIFI_KEY_BEFORE: tuple[str, ...] = ()
# "réinitialisé à X": the reset verb and its preposition.
RESET_CUES: tuple[str, ...] = ()
# "nouveau : X", "ancien = Y": words before a new or old value (after a credential was named).
NEW_WORDS: tuple[str, ...] = ()
# Abbreviations that count only with their value right after them ("pw: X").
SHORT_CUES: tuple[str, ...] = ()
# Words that name a credential just before "nouveau :" (with the password labels).
CREDENTIAL_WORDS: tuple[str, ...] = (r"wi-?fi", "wlan", "code")
# What an account / password pair opens, as the label before it ("SQL : sa / X"; folded, whole words).
ACCESS_LABELS: tuple[str, ...] = ("citrix", "windows", "sql", "db", "vnc", "rdp", "ssh", "vpn", "ftp", "oracle", "teamviewer", "anydesk", "mysql", "postgres")
# Phrases before "user / password" on its line ("se connecter avec demo / X"; raw text, any case).
PAIR_PHRASES: tuple[str, ...] = ()
# Service words glued to a password label ($dbpass, ftppwd, adminpassword): the label still counts.
GLUE_PREFIXES: frozenset[str] = frozenset("""
db sql mysql pg psql ftp sftp smtp mail imap pop ldap admin root user usr app bind wifi wlan vnc rdp ssh proxy
redis mongo oracle sa svc service api web site nas backup router sys master login auth my new old default vpn
radius snmp domain local db1 db2 sec
""".split())
# Well-known account names: "admin / X" is a pair without any cue before it (regex fragments, any case).
ACCOUNT_NAMES: tuple[str, ...] = (
    "admin", "administrator", "administrateur", "root", "sa", "sysadmin", "superuser", "support", "system", "manager",
    "oracle", "postgres", "pi", "ubnt", "operator",
)
# Words between a password word in a sentence and its value ("... est X", "reset to X"; raw text, any case).
VALUE_COPULAS: tuple[str, ...] = ()
# "le code (d'accès) est X": the article, the code word, what the code opens, the verb (folded text).
CODE_ARTICLES: tuple[str, ...] = ()
CODE_WORDS: tuple[str, ...] = ()
CODE_QUALIFIERS: tuple[str, ...] = ("wifi", "wi-fi")
CODE_COPULAS: tuple[str, ...] = ()

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

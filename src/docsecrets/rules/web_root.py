"""Credentials in the configuration, data and script files found in a dumped web root, read by
their syntax rather than by a label beside the value:

- JSON user maps (`"RegisteredUsers": {"admin": "X"}`) and positional peers (`["http://...", "user", "X"]`);
- SQL dumps: `INSERT` rows read against the `CREATE TABLE` column names, plaintext passwords only
  (hashes are left alone);
- ASP.NET `<machineKey validationKey=... decryptionKey=...>` and WordPress `AUTH_KEY`/`*_SALT`;
- shell and PowerShell commands given a literal password (`ConvertTo-SecureString "X" -AsPlainText`,
  `net use /user:u X`, `7z -pX`, `docker login -p X`, `curl -u u:X`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from docsecrets import filters
from docsecrets.rules.base import Match, Priority
from docsecrets.rules.conn_string import CLI_PASSWORD
from docsecrets.rules.kv_password import PASSWORD, SECRET
from docsecrets.rules.lexicon.common import WEB_ROOT_STEMS
from docsecrets.rules.vocabulary import PASSWORD_RE, fold

_USER_MAP = re.compile(r"\"(?:registered[_-]?users|users|accounts|credentials|logins|basic[_-]?auth)\"\s*:\s*\{"
                       r"(?P<body>(?:\s*\"[^\"\n]{1,64}\"\s*:\s*\"[^\"\n]{1,128}\"\s*,?)+)\s*\}", re.IGNORECASE)
_MAP_ENTRY = re.compile(r"\"(?P<user>[^\"\n]{1,64})\"\s*:\s*\"(?P<v>[^\"\n]{1,128})\"")
_PEER = re.compile(r"\[\s*\"(?P<url>(?:https?|dicom|ftp)://[^\"\s]{1,200})\"\s*,\s*\"(?P<user>[\w.@-]{1,64})\"\s*,\s*"
                   r"\"(?P<v>[^\"\n]{1,128})\"\s*\]", re.IGNORECASE)
_MACHINE_KEY = re.compile(r"\b(?P<name>validationKey|decryptionKey)\s*=\s*\"(?P<v>[0-9A-Fa-f]{32,256})(?:,[\w,]*)?\"")
_WP_KEY = re.compile(r"define\s*\(\s*['\"](?P<name>(?:SECURE_)?(?:AUTH|LOGGED_IN|NONCE)_(?:KEY|SALT))['\"]\s*,\s*"
                     r"(?P<q>['\"])(?P<v>[^\n]{16,256}?)(?P=q)\s*\)")
_COMMANDS = re.compile(
    r"ConvertTo-SecureString\s+(?:-String\s+)?(?P<q1>[\"'])(?P<v1>[^\"'\n$]{1,128})(?P=q1)\s+-AsPlainText"
    r"|\bnet\s+use\b[^\n]{0,120}?/user:\S+\s+(?P<v2>[^\s/\"'$][^\s\"']{1,127})"
    r"|\b7za?\s+[ax]\b[^\n]{0,120}?\s-p(?P<q3>[\"']?)(?P<v3>[^\s\"'$-][^\s\"']{1,127})(?P=q3)"
    r"|\bdocker\s+login\b[^\n]{0,120}?\s(?:-p|--password)[ =](?P<q4>[\"']?)(?P<v4>[^\s\"'$-][^\s\"']{1,127})(?P=q4)"
    r"|\bcurl\b[^\n]{0,200}?\s(?:-u|--user)\s+(?P<q5>[\"']?)[^\s:\"'$]{1,64}:(?P<v5>[^\s\"'$][^\s\"']{0,127})(?P=q5)"
    r"|\b(?:smbclient|rpcclient|winexe|smbmap|mount\.cifs)\b[^\n]{0,120}?\s-U\s+(?P<q6>[\"']?)[^\s%\"'$]{1,64}%"
    r"(?P<v6>[^\s\"'$][^\s\"']{0,127})(?P=q6)"
    r"|\blftp\b[^\n]{0,120}?\s-u\s+(?P<q7>[\"']?)[^\s,\"'$]{1,64},(?P<v7>[^\s\"'$][^\s\"']{0,127})(?P=q7)"
    r"|^\s*machine\s+\S+\s+login\s+\S+\s+password\s+(?P<v8>[^\s\"'$]\S{0,127})",
    re.IGNORECASE | re.MULTILINE)
_MAP_CUES = ('sers"', 'ccounts"', 'redentials"', 'ogins"', 'uth"', 'SERS"', 'CCOUNTS"')
_COMMAND_WORDS = ("ConvertTo", "convertto", "CONVERTTO", "net use", "NET USE", "Net Use", "7z", "docker", "curl",
                  "smb", "rpcclient", "winexe", "cifs", "lftp", "machine", "CURL", "DOCKER", "SMB")
_PORT_FIELD = re.compile(r":(?:\d{2,5}|\*):")
_COMMAND_CUE = re.compile(r"convertto-securestring|net\s+use|7za?\s|docker|curl|smb|rpcclient|winexe|cifs|lftp|"
                          r"machine", re.IGNORECASE)
# ~/.pgpass: host:port:database:user:password
_PGPASS = re.compile(r"^[\w.*-]{1,253}:(?:\d{1,5}|\*):[\w.*-]{1,64}:[\w.@*-]{1,64}:(?P<v>[^\s:]{1,128})$", re.MULTILINE)
_CREATE = re.compile(r"CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?[`\"\[]?(?P<table>[\w.]{1,64})[`\"\]]?\s*\("
                     r"(?P<body>.{1,4000}?)\)\s*(?:ENGINE|;|\n\))", re.IGNORECASE | re.DOTALL)
_COLUMN = re.compile(r"^\s*[`\"\[]?(?P<name>[\w]{1,64})[`\"\]]?\s+\w", re.MULTILINE)
_INSERT = re.compile(r"INSERT\s+INTO\s+[`\"\[]?(?P<table>[\w.]{1,64})[`\"\]]?\s*(?:\((?P<cols>[^)]{1,2000})\)\s*)?"
                     r"VALUES\s*", re.IGNORECASE)
_SQL_VALUE = re.compile(r"\s*(?:'(?P<s>(?:[^'\\]|\\.|'')*)'|(?P<o>[^,()']*))\s*(?P<end>[,)])")
_HASHED = re.compile(r"^(?:\$\d[a-z]?\$|\$apr1\$|\$argon2|\{(?:SHA|SSHA|MD5|CRYPT|BCRYPT)\w*\}|[0-9a-f]{32,128}$|"
                     r"[A-Za-z0-9+/]{40,}={0,2}$|pbkdf2|sha\d+\$|md5\$|\*[0-9A-F]{40}$)", re.IGNORECASE)
_RECORD_KEYS = frozenset({"login", "user", "username", "user name", "name", "host", "server", "url", "type",
                          "email", "mail", "domain", "port", "database", "db", "realm", "id", "account"})
_CREATE_CUE = re.compile(r"create\s+table", re.IGNORECASE)
_INSERT_CUE = re.compile(r"insert\s+into", re.IGNORECASE)
_WP_DEFAULT = "put your unique phrase here"
_MAX_ROWS = 2000  # rows of one INSERT read: enough to show a table of plaintext passwords


class WebRootFiles:
    rule = PASSWORD
    keywords = WEB_ROOT_STEMS

    def scan(self, text: str) -> Iterator[Match]:
        if "\"" in text and ("://" in text and "[" in text or "{" in text and any(c in text for c in _MAP_CUES)):
            yield from _json(text)
        if "Key" in text and "machineKey" in text:
            yield from _machine_keys(text)
        if "define" in text and ("_KEY" in text or "_SALT" in text):
            yield from _wordpress(text)
        yield from _commands(text)
        if ("INSERT" in text or "insert" in text) and _INSERT_CUE.search(text):
            yield from _sql_dump(text)  # (an INSERT under a table created in an earlier block: the engine)


def _ok(value: str) -> bool:
    return not filters.not_a_secret(value) and not value.startswith(("$", "%", "{{"))


def _json(text: str) -> Iterator[Match]:
    for found in _USER_MAP.finditer(text):
        base = found.start("body")
        keys = [fold(e.group("user")).replace("_", " ") for e in _MAP_ENTRY.finditer(found.group("body"))]
        if any(PASSWORD_RE.search(k) or k in _RECORD_KEYS for k in keys):
            continue  # {"login": "x", "pwd": "..."}: one record read by its labels, not a map of users
        for entry in _MAP_ENTRY.finditer(found.group("body")):
            if _ok(entry.group("v")):
                yield Match(rule=PASSWORD, secret=entry.group("v"), start=base + entry.start("v"),
                            end=base + entry.end("v"), priority=Priority.LABELLED,
                            description=f"password of user '{entry.group('user')}' in a user map")
    for found in _PEER.finditer(text):
        if _ok(found.group("v")):
            yield Match(rule=PASSWORD, secret=found.group("v"), start=found.start("v"), end=found.end("v"), priority=Priority.LABELLED,
                        description=f"password of '{found.group('user')}' for {found.group('url')}")


def _machine_keys(text: str) -> Iterator[Match]:
    for found in _MACHINE_KEY.finditer(text):
        yield Match(rule=SECRET, secret=found.group("v"), start=found.start("v"), end=found.end("v"), priority=Priority.LABELLED,
                    description=f"ASP.NET machineKey {found.group('name')}")


def _wordpress(text: str) -> Iterator[Match]:
    for found in _WP_KEY.finditer(text):
        value = found.group("v")
        if value.strip() == _WP_DEFAULT or filters.is_placeholder(value):
            continue
        yield Match(rule=SECRET, secret=value, start=found.start("v"), end=found.end("v"), priority=Priority.LABELLED,
                    description=f"WordPress {found.group('name')}")


def _commands(text: str) -> Iterator[Match]:
    if text.count(":") >= 4 and _PORT_FIELD.search(text):
        for found in _PGPASS.finditer(text):
            if _ok(found.group("v")) and not found.group("v").isdigit():
                yield Match(rule=PASSWORD, secret=found.group("v"), start=found.start("v"), end=found.end("v"),
                            priority=Priority.LABELLED, description="password of a .pgpass line (host:port:database:user:password)")
    if not any(cue in text for cue in _COMMAND_WORDS) or not _COMMAND_CUE.search(text):
        return
    for found in _COMMANDS.finditer(text):
        group = next(g for g in ("v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8") if found.group(g))
        value = found.group(group)
        if not _ok(value) or value.lower().startswith("/persistent") or "`" in value:
            # (a backtick: markup around an example in prose or a docstring, "`7z -pX`")
            continue
        yield Match(rule=CLI_PASSWORD, secret=value, start=found.start(group), end=found.end(group), priority=Priority.COMMAND_LINE,
                    description="password given to a command")


def sql_schema(text: str) -> dict[str, list[str]]:
    """Column names of every `CREATE TABLE` in a piece of an SQL dump, by lower-cased table name."""
    tables: dict[str, list[str]] = {}
    if not _CREATE_CUE.search(text):
        return tables
    for found in _CREATE.finditer(text):
        tables[found.group("table").lower()] = [c.group("name") for c in _COLUMN.finditer(found.group("body"))
                                                if c.group("name").upper() not in ("PRIMARY", "KEY", "UNIQUE",
                                                                                   "INDEX", "CONSTRAINT")]
    return tables


def sql_rows(text: str, schema: dict[str, list[str]]) -> Iterator[Match]:
    """Plaintext passwords in the `INSERT` rows of `text`, read against `schema` (tables created
    earlier in the same dump) and the tables created in `text` itself."""
    if not _INSERT_CUE.search(text):
        return
    yield from _sql_dump(text, schema)


def _sql_dump(text: str, schema: dict[str, list[str]] | None = None) -> Iterator[Match]:
    tables = {**(schema or {}), **sql_schema(text)}
    for found in _INSERT.finditer(text):
        if found.group("cols"):
            columns = [c.strip().strip("`\"[]") for c in found.group("cols").split(",")]
        else:
            columns = tables.get(found.group("table").lower(), [])
        wanted = {i for i, name in enumerate(columns)
                  if PASSWORD_RE.search(fold(re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name)).replace("_", " "))
                  and not any(w in name.lower() for w in ("hash", "salt", "date", "expir", "reset", "changed"))}
        if wanted:
            yield from _sql_rows(text, found.end(), wanted, columns)


def _sql_rows(text: str, pos: int, wanted: set[int], columns: list[str]) -> Iterator[Match]:
    for _ in range(_MAX_ROWS):
        while pos < len(text) and text[pos] in " \t\r\n,":
            pos += 1
        if pos >= len(text) or text[pos] != "(":
            return
        pos += 1
        index = 0
        while True:
            value = _SQL_VALUE.match(text, pos)
            if value is None:
                return
            if index in wanted and value.group("s") is not None:
                secret = value.group("s")
                if _ok(secret) and not _HASHED.match(secret):
                    yield Match(rule=PASSWORD, secret=secret, start=value.start("s"), end=value.end("s"), priority=Priority.LABELLED,
                                description=f"column '{columns[index]}' of an SQL dump")
            pos = value.end()
            index += 1
            if value.group("end") == ")":
                break


__all__ = ["WebRootFiles", "sql_rows", "sql_schema"]

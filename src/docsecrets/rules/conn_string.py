"""Credentials inside connection strings and URLs.

`scheme://user:pass@host`, Oracle `user/pass@db` (JDBC thin, sqlplus), and `mysql -pSECRET`.
ADO.NET/ODBC `Password=`/`Pwd=` and JDBC `password=` parameters are read by kv_password;
this rule adds what has no label.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from urllib.parse import unquote

from docsecrets import filters
from docsecrets.rules.base import Match, Priority, Rule
from docsecrets.rules.lexicon.common import WEB_ROOT_STEMS
from docsecrets.types import Severity

URL_CREDENTIALS = Rule(
    id="DS110", name="url-credentials", severity=Severity.HIGH,
    description="A URL or connection URI with a password in it (scheme://user:password@host)",
    help="Remove the password from the URL; pass it separately from a secret store, and change it.",
    priority=Priority.URL, keywords=("@", "basic"))
ORACLE_CREDENTIALS = Rule(
    id="DS111", name="oracle-credentials", severity=Severity.HIGH,
    description="Oracle-style user/password@database (JDBC thin, sqlplus, exp/imp)",
    help="Remove the password from the connect string and change it.",
    priority=Priority.URL, keywords=("@",))
CLI_PASSWORD = Rule(
    id="DS112", name="command-line-password", severity=Severity.MEDIUM,
    description="A password given on a command line (mysql -pX, sshpass -p X)",
    help="Use an option file or a prompt instead of a password on the command line.",
    priority=Priority.COMMAND_LINE, keywords=("-p", *WEB_ROOT_STEMS))

_URL = re.compile(
    r"(?P<scheme>[a-zA-Z][a-zA-Z0-9+.\-]{1,20})://(?P<user>[^\s:/@?#\"'<>]{0,64}):(?P<pw>[^\s@/\"'<>]{1,128})@"
    r"(?P<host>[^\s/:?#\"'<>,;]{1,253})")
_ORACLE = re.compile(
    r"(?:jdbc:oracle:[a-z]+:|sqlplus(?:\s+-\w+)*\s+|\b(?:rman|expdp|impdp|exp|imp|sqlldr)\s+(?:\w+=)?|"
    r"connect\s+)(?P<user>[A-Za-z][\w$#]{0,29})/(?P<pw>[^\s/@\"']{1,64})@(?P<host>[^\s\"']{1,200})",
    re.IGNORECASE)
_CLI = re.compile(r"\b(?:mysql|mysqldump|mysqladmin|mariadb)\b[^\n]{0,120}?\s-p(?P<pw>[^\s\-][^\s]{2,64})"
                  r"|\bsshpass\s+-p\s*(?P<pw2>\S{3,64})", re.IGNORECASE)


class UrlCredentials:
    rule = URL_CREDENTIALS
    keywords = ("@",)

    def scan(self, text: str) -> Iterator[Match]:
        if "://" in text and "@" in text:
            for found in _URL.finditer(text):
                password = found.group("pw")
                if filters.not_a_secret(unquote(password)) or password.startswith("$"):
                    continue
                yield Match(rule=URL_CREDENTIALS, secret=unquote(password), start=found.start("pw"),
                            end=found.end("pw"), priority=Priority.URL,
                            description=f"{found.group('scheme')}://{found.group('user')}@{found.group('host')}")
        if "@" in text and "/" in text:
            for found in _ORACLE.finditer(text):
                password = found.group("pw")
                if filters.not_a_secret(password):
                    continue
                yield Match(rule=ORACLE_CREDENTIALS, secret=password, start=found.start("pw"),
                            end=found.end("pw"), priority=Priority.URL,
                            description=f"{found.group('user')}@{found.group('host')}")


_BASIC = re.compile(r"\bAuthorization\s*[:=]\s*[\"']?Basic\s+(?P<b64>[A-Za-z0-9+/]{6,512}={0,2})(?![A-Za-z0-9+/=])",
                    re.IGNORECASE)


class BasicAuthHeaders:
    """`Authorization: Basic <base64 of user:password>`: decoded and checked, reported as written."""

    rule = URL_CREDENTIALS
    keywords = ("basic",)

    def scan(self, text: str) -> Iterator[Match]:
        if "asic" not in text:
            return
        for found in _BASIC.finditer(text):
            encoded = found.group("b64")
            try:
                decoded = base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True).decode("utf-8")
            except (ValueError, UnicodeDecodeError):
                continue
            user, sep, password = decoded.partition(":")
            if not sep or not user or not decoded.isprintable() or filters.not_a_secret(password):
                continue
            yield Match(rule=URL_CREDENTIALS, secret=encoded, start=found.start("b64"), end=found.end("b64"),
                        priority=Priority.URL, description=f"HTTP Basic credentials of '{user}' (base64)")


class CommandLinePasswords:
    rule = CLI_PASSWORD
    keywords = ("-p",)

    def scan(self, text: str) -> Iterator[Match]:
        if "-p" not in text:
            return
        for found in _CLI.finditer(text):
            group = "pw" if found.group("pw") else "pw2"
            password = found.group(group)
            if password[:1] in "\"'" and password[-1:] == password[:1] and len(password) > 2:
                password = password[1:-1]  # mysql -p"X"
            if filters.not_a_secret(password) or password.startswith("$") or any(c in password for c in "\"'+(){}[]`") or \
                    "${" in password or "$(" in password:
                continue
            yield Match(rule=CLI_PASSWORD, secret=password, start=found.start(group), end=found.end(group),
                        priority=Priority.COMMAND_LINE, description="password on a command line")

"""A password label followed by its value in free text or configuration.

Covers prose ("Mot de passe : X", "le mot de passe est X", "(mdp admin: X)"), config entries
(`DB_PASSWORD=X`, `"password": "X"`, `define('DB_PASSWORD', 'X')`, `bindpw X`) and secrets
other than passwords under a telling key (`client_secret = ...`, `api_key: ...`), which must
look like key material to count.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from docsecrets import filters
from docsecrets.rules.base import Match, Priority, Rule
from docsecrets.rules.lexicon import (
    ACCESS_LABELS,
    ACCOUNT_NAMES,
    COPULAS,
    EXAMPLES_BEFORE,
    GLUE_PREFIXES,
    LOGIN_TERMS,
    NOT_A_PASSWORD_COLUMN,
    PAIR_PHRASES,
    PASSWORD_TERMS,
    PASSWORD_RE,
    SECRET_KEY_RE,
    SECRET_KEY_TERMS,
    WEAK_PASSWORD_TERMS,
    AMBIGUOUS_TERMS,
    LABEL_STEMS,
    fold,
    fold_keep_length,
    may_hold_label,
)
from docsecrets.rules.lexicon.common import PROSE_STEMS, WEB_ROOT_STEMS
from docsecrets.types import Severity

PASSWORD = Rule(
    id="DS101", name="password-assignment", severity=Severity.MEDIUM,
    description="A password written after its label (\"Mot de passe : X\", DB_PASSWORD=X, pwd: X)",
    help="Remove the password from the document and change it; keep it in a password manager.",
    priority=Priority.LABELLED, literal_only_in_code=True,
    keywords=tuple(dict.fromkeys((*LABEL_STEMS, "/", *PROSE_STEMS, *WEB_ROOT_STEMS))))
SECRET = Rule(
    id="DS102", name="secret-assignment", severity=Severity.HIGH,
    description="A key, token or client secret assigned to a telling name (api_key, client_secret, ...)",
    help="Revoke the key and issue a new one; load it from a secret store at run time.",
    priority=Priority.LABELLED, is_password=False, literal_only_in_code=True,
    keywords=tuple(dict.fromkeys((*LABEL_STEMS, *WEB_ROOT_STEMS))))

# No look-ahead here: the end of a label is checked by _keyword_ends_ok (camelCase aware).
_KEYWORD = re.compile(r"(?:" + "|".join(PASSWORD_TERMS) + r")")
_SECRET_KEYWORD = re.compile(r"(?:" + "|".join(SECRET_KEY_TERMS) + r")")
_ELEMENT = re.compile(r"<(?P<tag>[\w:.-]{0,40}(?:pass|pwd|kennwort|wachtwoord|senha|contrase)[\w:.-]{0,40})"
                      r"(?:\s[^>]{0,200})?>(?P<v>[^<\n]{1,256})</(?P=tag)>", re.IGNORECASE)
# `<apiKey>X</apiKey>`, `<client_secret>X</client_secret>`, `<entry key="client.secret">X</entry>`
_SECRET_ELEMENT = re.compile(r"<(?P<tag>[\w:.-]{0,40}(?:secret|token|key)[\w:.-]{0,20}|(?:entry|property|setting|param)"
                             r"\s[^>]{0,80}?\b(?:key|name)=\"(?P<name>[^\"\n]{1,64})\")(?:\s[^>]{0,200})?>"
                             r"(?P<v>[^<\n]{16,256})</(?P<close>[\w:.-]{1,80})>", re.IGNORECASE)
_WEAK_KEYWORD = re.compile(r"(?:" + "|".join(WEAK_PASSWORD_TERMS) + r")")
# `<add key="SmtpPassword" value="X"/>`, Postman's `{"key": "apikey", "value": "X"}`
_NAMED_VALUE = re.compile(
    r"""\b(?:key|name)["']?\s*[:=]\s*["'](?P<name>[^"'\n]{1,64})["']\s*,?\s*["']?value["']?\s*[:=]\s*"""
    r"""["'](?P<v>[^"'\n]{1,256})["']""", re.IGNORECASE)
_LOGIN_BEFORE = re.compile(r"(?:" + "|".join(re.escape(t) for t in LOGIN_TERMS) + r")\s*/\s*$")

# What may stand between a label and its separator: closing quotes/brackets of a key
# (`['password']`, `"password":`, `define('DB_PASSWORD',`), and up to three short qualifier
# words ("admin", "VNC", "de la base", "TeamViewer").
_TAIL = re.compile(
    r"""(?P<qual>(?:[ \t]*(?![:=])[\w'’().\-]{1,24}){0,5}?)
        (?P<close>[ \t]*["'`\]\)]{0,3}[ \t]*)
        (?P<sep>:=|=>|->|→|==|=|[:：]|,(?=[ \t]*["'])
           |[ \t]+(?:""" + "|".join(COPULAS) + r""")(?![\w-])[ \t]*:?)
        [ \t]*""", re.VERBOSE | re.IGNORECASE)
# "MDP X", "bindpw X", "enable secret X": a label and its value with only blanks between.
_TAIL_BLANK = re.compile(r"(?P<qual>)(?P<close>[ \t]*[\]\)]?)(?P<sep>[ \t]+)")
_BRACKETED = re.compile(r"""<[^<>\n]{1,60}>|\{[^{}\n]{1,60}\}|\[[^\[\]\n]{1,60}\]|\([^()\n]{1,60}\)""")
_QUOTED = re.compile(r"""(?P<q>["'`«“‘])(?P<v>[^"'`»”’\n]{1,256})(?:["'`»”’])""")
_BARE = re.compile(r"""[^\s"'`]{1,256}""")
_BARE_EQ = re.compile(r"""[^\s"'`;&]{1,256}""")
_TRAILING = ",;)]}>»\"'`"
_PASSWORDISH = re.compile(r"[\d\W_]")  # has a digit or a symbol
_CALL_BEFORE = re.compile(r"[A-Za-z_]\w*\s?\(\s*[\"'`][\w.-]*$")  # `define( 'DB_` right before the label
_PROTECTION_HASH = re.compile(r"^[0-9A-F]{4}$")
_DOTTED_NAME = re.compile(r"^[A-Za-z_]+(?:\.[A-Za-z_]+)+\.?$")  # form.Form, text.A: names in prose


def _keyword_starts_ok(original: str, folded: str, start: int, end: int) -> bool:
    """The label must start a word: after a non-letter, or at a camelCase boundary (bindPassword)."""
    if start == 0:
        return True
    prev = folded[start - 1]
    if not prev.isalnum():
        return True
    if original[start].isupper() and original[start - 1].islower():
        return True  # camelCase: bindPassword, SmtpPassword
    if folded[start:end] in ("passwort", "kennwort", "wachtwoord", "passworter", "kennworter", "wachtwoorden") \
            and folded[start - 1].isalpha():
        return True  # German and Dutch compounds: Initialpasswort, Administratorkennwort, beheerderswachtwoord
    prefix = original[max(0, start - 8):start].lower()
    glued = re.search(r"(?:^|[^a-z0-9])([a-z0-9]{2,7})$", prefix) or re.fullmatch(r"([a-z0-9]{2,7})", prefix)
    if glued and glued.group(1) in GLUE_PREFIXES and end - start >= 3:
        return True  # $dbpass, ftppwd, adminpassword: a short service word glued to the label
    # SHOUTED env names glue words together: PGPASSWORD, MYSQLPWD
    word_start = start
    while word_start > 0 and (original[word_start - 1].isalnum() or original[word_start - 1] == "_"):
        word_start -= 1
    word = original[word_start:start + 8]
    # only a long, unambiguous label may be glued (VEHICLE is not V-EHI-CLE)
    return end - start >= 6 and word.isupper() and start - word_start <= 6


def _keyword_ends_ok(original: str, folded: str, end: int) -> bool:
    """The label must end a word: before a non-letter, or at a camelCase boundary (MotDePasseBDD)."""
    if end >= len(folded) or not folded[end].isalpha():
        return True
    if original[end].isupper() and original[end - 1].islower():
        return True
    # SHOUTED env names: DB_PASSWORDS is a word, PASSWORDFILE is not a password
    return False


def _looks_like_password(value: str) -> bool:
    """Used when the label has no separator ("MDP X"): a bare word must look like a password."""
    value = value.rstrip(".,;:!?")
    if len(value) < 4 or len(value) > 64:
        return False
    if _PASSWORDISH.search(value):
        return True
    return any(c.isupper() for c in value[1:]) and any(c.islower() for c in value)


def looks_like_key(value: str) -> bool:
    """Key material: long, no spaces, several character classes or hex."""
    if len(value) < 16 or " " in value:
        return False
    classes = sum((any(c.islower() for c in value), any(c.isupper() for c in value),
                   any(c.isdigit() for c in value)))
    if classes >= 3:
        return True
    return classes >= 2 and len(value) >= 20 and not value.isalpha()


def _read_value(text: str, pos: int, sep: str) -> tuple[str, int, int] | None:
    bracketed = _BRACKETED.match(text, pos)
    if bracketed:  # "<mot de passe>", "(voir coffre)", "[REDACTED]": read whole, filters judge it
        return bracketed.group(0), pos, bracketed.end()
    quoted = _QUOTED.match(text, pos)
    if quoted:
        value = quoted.group("v")
        if value != value.strip() or value.count(" ") >= 2:
            return None  # "` and JDBC `", "Saisissez votre mot de passe": prose between quotes
        return value, quoted.start("v"), quoted.end("v")
    bare = (_BARE_EQ if "=" in sep else _BARE).match(text, pos)
    if not bare:
        return None
    value = bare.group(0)
    end = bare.end()
    while value and value[-1] in _TRAILING:
        # keep a closing bracket that has its opening partner inside the value
        if value[-1] in ")]}>" and value.count({")": "(", "]": "[", "}": "{", ">": "<"}[value[-1]]) >= \
                value.count(value[-1]):
            break
        value = value[:-1]
        end -= 1
    if value.startswith("(") and ")" not in value:
        value = value[1:]
        pos += 1
    return (value, pos, pos + len(value)) if value else None


class PasswordAssignment:
    rule = PASSWORD

    def __init__(self, extra_terms: tuple[str, ...] = ()) -> None:
        """`extra_terms`: more password labels from the project's configuration."""
        self._patterns: tuple[tuple[str, re.Pattern[str]], ...] = (
            ("password", _KEYWORD), ("secret", _SECRET_KEYWORD), ("weak", _WEAK_KEYWORD))
        # the label stems, or (with the project's own labels, folded) no prefilter
        self.keywords: tuple[str, ...] | None = None if extra_terms else LABEL_STEMS
        if extra_terms:
            extra = re.compile("|".join(re.escape(fold(t)) for t in sorted(extra_terms, key=len, reverse=True)))
            self._patterns = (("password", extra), *self._patterns)

    def scan(self, text: str) -> Iterator[Match]:
        if len(self._patterns) == 3 and not may_hold_label(text):
            return  # no label stem at all (and no project keywords): nothing to read
        folded = fold_keep_length(text)
        for kind, pattern in self._patterns:
            for key in pattern.finditer(folded):
                if not _keyword_starts_ok(text, folded, key.start(), key.end()) or \
                        not _keyword_ends_ok(text, folded, key.end()):
                    continue
                # a lower-case label glued to a word ($dbpass, "pgpass": "text"): the value must look
                # like a password, as after the labels too common to trust alone
                glued = key.start() > 0 and text[key.start() - 1].islower() and text[key.start()].islower()
                match = self._value_after(text, key.start(), key.end(), "weak" if glued and kind == "password"
                                          else kind)
                if match is not None:
                    yield match
        if "value" in folded:
            yield from self._named_values(text)
        if "</" in text:
            yield from self._elements(text)

    def _elements(self, text: str) -> Iterator[Match]:
        """`<password>X</password>`, `<DbPassword>X</DbPassword>`: XML elements named as passwords;
        `<apiKey>X</apiKey>`: named as secrets, when the value looks like key material."""
        for found in _SECRET_ELEMENT.finditer(text):
            tag = found.group("name") or found.group("tag")
            if not found.group("name") and found.group("close") != tag:
                continue
            name = fold(re.sub(r"(?<=[a-z])(?=[A-Z])", "_", tag)).replace(".", "_").replace("-", "_")
            value = found.group("v").strip()
            if SECRET_KEY_RE.search(name) and looks_like_key(value) and \
                    not filters.not_a_secret(value, allow_other_data=True):
                start = found.start("v") + found.group("v").index(value)
                yield Match(rule=SECRET, secret=value, start=start, end=start + len(value), priority=Priority.LABELLED,
                            description=f"element <{tag}>")
        for found in _ELEMENT.finditer(text):
            name = fold(re.sub(r"(?<=[a-z])(?=[A-Z])", " ", found.group("tag"))).replace("_", " ")
            value = found.group("v").strip()
            if PASSWORD_RE.search(name) and not filters.not_a_secret(value) and " " not in value:
                start = found.start("v") + found.group("v").index(value)
                yield Match(rule=PASSWORD, secret=value, start=start, end=start + len(value), priority=Priority.LABELLED,
                            description=f"element <{found.group('tag')}>")

    def _named_values(self, text: str) -> Iterator[Match]:
        for found in _NAMED_VALUE.finditer(text):
            name = fold(re.sub(r"(?<=[a-z])(?=[A-Z])", " ", found.group("name"))).replace("_", " ")
            value = found.group("v")
            if PASSWORD_RE.search(name) and not filters.not_a_secret(value):
                yield Match(rule=PASSWORD, secret=value, start=found.start("v"), end=found.end("v"), priority=Priority.LABELLED,
                            description=f"value of '{found.group('name')}'")
            elif SECRET_KEY_RE.search(name.replace(" ", "_")) and looks_like_key(value) and \
                    not filters.not_a_secret(value, allow_other_data=True):
                yield Match(rule=SECRET, secret=value, start=found.start("v"), end=found.end("v"), priority=Priority.LABELLED,
                            description=f"value of '{found.group('name')}'")

    def _value_after(self, text: str, key_start: int, key_end: int, kind: str) -> Match | None:
        if text[max(0, key_start - 12):key_start].rstrip("_ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789").endswith("${"):
            return None  # `${DB_PASS:?missing}`: a shell variable expanded, not assigned
        if EXAMPLES_BEFORE.search(fold(text[max(0, key_start - 60):key_start])):
            return None  # "Examples of forbidden passwords: ...": what not to choose, nobody's password
        # Skip the rest of an identifier (DB_PASSWORD_FILE, password_hash) before the tail.
        end = key_end
        while end < len(text) and (text[end].isalnum() or text[end] == "_") and end - key_end < 24:
            end += 1
        suffix = text[key_end:end].lower()
        if suffix == "_id" and kind == "secret" and text[key_start:key_end].lower().replace("-", "_") == "private_key":
            suffix = ""  # a service account's private_key_id names the key that signs with it
        if suffix and any(word in suffix for word in ("hash", "file", "policy", "length", "reset", "expir",
                                                        "change", "salt", "min", "max", "label", "field",
                                                        "prompt", "confirm", "hint", "required", "_id",
                                                        "name", "type", "enc", "regex")):
            return None
        tail = _TAIL.match(text, end) or _TAIL_BLANK.match(text, end)
        if tail is None or "\n" in tail.group(0):
            return None
        sep = tail.group("sep").strip().lower()
        qualifiers = tail.group("qual").split()
        if sep == "," and (qualifiers or not any(q in tail.group("close") for q in "\"'`")
                           or not _CALL_BEFORE.search(text[max(0, key_start - 40):key_start])):
            return None  # only `define('DB_PASSWORD', 'x')` separates a quoted name and value by a comma
        if qualifiers and NOT_A_PASSWORD_COLUMN.search(fold(" ".join(qualifiers))):
            return None  # "password reset: ...", "mot de passe oublié : ..."
        found = _read_value(text, tail.end(), sep)
        if found is None:
            return None
        value, start, stop = found
        # "Identifiant / mot de passe : root / Toor2019!" -> the part after the slash
        if _LOGIN_BEFORE.search(fold_keep_length(text[max(0, key_start - 40):key_start])):
            after = re.match(r"[ \t]*/[ \t]*([^\s/]+)", text[stop:])
            if after:
                value, start, stop = after.group(1), stop + after.start(1), stop + after.end(1)
            elif "/" in value.strip("/"):
                head, _, last = value.rpartition("/")
                value, start = last, start + len(head) + 1
        if not sep or sep in ("is", "est", "ist", "es", "era", "e", "è", "é", "was", "etait", "était",
                              "wordt", "lautet"):
            # No explicit separator: only a value that looks like a password counts, after a
            # label that cannot be an ordinary word.
            if not _looks_like_password(value) or _DOTTED_NAME.match(value) or \
                    fold(text[key_start:key_end]) in AMBIGUOUS_TERMS:
                return None
        if (qualifiers or kind == "weak") and not _looks_like_password(value):
            return None
        if not any(c.isdigit() for c in value) and re.match(r"[ \t]+[^\W\d_]{2,}[ \t]+[^\W\d_]{2,}",
                                                            text[stop:stop + 60]):
            return None  # "Passwort: wird bei der ersten Anmeldung ...": prose, not a value
        if _PROTECTION_HASH.match(value) and "protection" in text[max(0, key_start - 80):key_start].lower():
            return None  # <sheetProtection password="CE6F">: Excel's 16-bit protection hash, not a password
        if kind == "secret":
            if not looks_like_key(value) or filters.not_a_secret(value, allow_other_data=True):
                return None
            return Match(rule=SECRET, secret=value, start=start, end=stop, priority=Priority.LABELLED,
                         description=f"value of '{text[key_start:end].strip()}'")
        if filters.not_a_secret(value) or (sep and "=" not in sep and ":" not in sep and " " in value) or \
                _DOTTED_NAME.match(value):
            return None
        label_start = key_start
        while label_start > 0 and (text[label_start - 1].isalnum() or text[label_start - 1] in "_.-"):
            label_start -= 1  # the whole name: DB_PASSWORD, spring.mail.password
        label = text[label_start:end].strip()
        return Match(rule=PASSWORD, secret=value, start=start, end=stop, priority=Priority.LABELLED,
                     description=f"after '{label}'")


_PAIR_VALUE = re.compile(
    r"^(?:(?P<pre>[^/\n]{0,60}?)[ \t]+[-–:][ \t]*)?(?P<user>[^\s/()]{1,40})[ \t]*/[ \t]*(?P<v>[^\s/()]{2,64})"
    r"(?P<note>[ \t]*\([^()\n]{0,60}\)|[ \t]*\(?!+\)?)?[ \t]*$")
_PAIR_CUE = re.compile(r"(?:(?<![a-z])(?:" + "|".join(ACCESS_LABELS) + r")(?![a-z]))")


_PAIR_LABEL = re.compile(r"[^\W\d_][^\W_]*(?:[ \t'’.()-]+[^\W_]+){0,4}[ \t]*:?[ \t]*")
_PAIR_PHRASE = re.compile(r"[^\W\d_][^\W_]*(?:[ \t'’.()-]+[^\W_]+){0,11}[ \t]*:?[ \t]*")


def pair_label(label: str, *, phrase: bool = False) -> bool:
    """A short label naming an access ("Base", "SQL 2005", "TeamViewer"), not a path or an
    identifier; with `phrase`, a whole phrase before a colon ("Compte technicien pour la console")."""
    pattern, limit = (_PAIR_PHRASE, 90) if phrase else (_PAIR_LABEL, 40)
    return len(label) <= limit and pattern.fullmatch(label.strip()) is not None and \
        _PAIR_CUE.search(fold(label)) is not None


def pair_password(value: str) -> tuple[str, str, int] | None:
    """The password of a whole value written "user / password", optionally after what it opens and
    before a note: "sa / sa (SQL Express)", "SQL 2005 - sa / Brive2010", "CHT\\jmartin / X".
    Returns (user, password, offset of the password) or None."""
    found = _PAIR_VALUE.match(value.strip())
    if found is None:
        return None
    user, password = found.group("user"), found.group("v").rstrip(".,;")
    if filters.not_a_secret(password) or filters.is_pointer(password) or "://" in value or \
            filters.is_date(user) or filters.is_date(f"{user}/{password}"):
        return None
    return user, password, value.index(value.strip()) + found.start("v")


class UserSlashPassword:
    """'accès GED : ged_urg / astr@7892', 'se connecter avec demo / Radio-2010', 'admin / Welcome38':
    an account and its password handed over together, without a password label."""

    rule = PASSWORD
    keywords = ("/",)
    _PAIR = re.compile(r"(?<![\w/])(?P<user>[A-Za-z][\w.@\\-]{1,40})[ \t]*/[ \t]*(?P<v>[^\s/]{4,64})(?=$|[\s,;)])")
    _CUE = re.compile(r"(?:\b(?:" + "|".join(PAIR_PHRASES) + r")\b[^\n]{0,40}$)", re.IGNORECASE)
    _ACCOUNTS = re.compile(r"(?:" + "|".join(ACCOUNT_NAMES) + r")$", re.IGNORECASE)

    def scan(self, text: str) -> Iterator[Match]:
        if "/" not in text:
            return
        yield from self._labelled_pairs(text)
        for found in self._PAIR.finditer(text):
            value = found.group("v").rstrip(_TRAILING)
            user = found.group("user")
            line_start = text.rfind("\n", 0, found.start()) + 1
            before = fold(text[line_start:found.start()])
            if not (self._CUE.search(before) or self._ACCOUNTS.match(user)):
                continue
            if not (_looks_like_password(value) and any(c.isdigit() for c in value)) or filters.not_a_secret(value):
                continue
            if user.isdigit() or "://" in text[max(0, found.start() - 10):found.start()]:
                continue
            yield Match(rule=PASSWORD, secret=value, start=found.start("v"), end=found.start("v") + len(value),
                        priority=Priority.ACCOUNT_PAIR, confidence="medium", severity=Severity.LOW,
                        description=f"account '{user}' / password pair")


    def _labelled_pairs(self, text: str) -> Iterator[Match]:
        """"SQL : sa / sa", "session : accueil / X", "Citrix - DOM\\user / X" on a line of their own:
        what the pair opens, a colon or a dash, then the account and its password."""
        offset = 0
        for line in text.split("\n"):
            label, sep, rest = line.partition(":")
            phrase = bool(sep)
            if not sep or "/" not in rest or len(label) > 90:
                label, sep, rest = line.partition(" - ")
                phrase = False
            if sep and "/" in rest and pair_label(label, phrase=phrase):
                pair = pair_password(rest)
                if pair is not None:
                    user, password, at = pair
                    start = offset + len(label) + len(sep) + at
                    yield Match(rule=PASSWORD, secret=password, start=start, end=start + len(password), priority=Priority.LABELLED_PAIR,
                                confidence="medium", description=f"account '{user}' / password pair")
            offset += len(line) + 1


__all__ = ["PASSWORD", "SECRET", "PasswordAssignment", "UserSlashPassword", "pair_label", "pair_password"]

"""A password written in prose, away from its label: "the password (they asked us not to write
it down) is X", "saisir le mot de passe commun ... :\\nX", "réinitialisé à X", "le code est X",
"Wi-Fi key this month: X", "nuova: X".

Candidates come from a cue (a password word, a Wi-Fi key, a reset verb, "the code is", "new:"),
and the decision weighs what follows within a short window: the first word shaped like a
password (letters with digits or symbols, mixed case), preferably right after a separator or a
copula; parentheses are skipped, a line break is crossed. Words, names, dates, numbers, hosts and
examples are not passwords here, so awareness prose and policies stay silent.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from docsecrets import filters
from docsecrets.rules.base import Match, Priority
from docsecrets.rules.kv_password import PASSWORD
from docsecrets.rules.lexicon import (
    CODE_ARTICLES,
    CODE_COPULAS,
    CODE_QUALIFIERS,
    CODE_WORDS,
    CREDENTIAL_WORDS,
    EXAMPLES_BEFORE,
    EXAMPLES_BETWEEN,
    NEW_WORDS,
    OF_BEFORE,
    RESET_CUES,
    SHORT_CUES,
    VALUE_COPULAS,
    WIFI_KEY_AFTER,
    WIFI_KEY_BEFORE,
)
from docsecrets.rules.lexicon.common import PROSE_STEMS
from docsecrets.rules.vocabulary import PASSWORD_TERMS, fold_keep_length
from docsecrets.types import Severity

_CUE = re.compile(
    r"(?<![a-z0-9_$])(?:[a-z]{3,24}(?:passwort|kennwort|wachtwoord)|" + "|".join(t for t in PASSWORD_TERMS if t not in (r"passe?", r"pw", r"psk")) + r"|"
    r"wi-?fi[ _-]?(?:" + "|".join(WIFI_KEY_AFTER) + r")|(?:" + "|".join(WIFI_KEY_BEFORE) + r")[ _-]?(?:wi-?fi|wlan)|"
    r"wlan[ _-]?(?:key|schlussel)|" + "|".join(RESET_CUES) + r"|"
    r"(?:" + "|".join(CODE_ARTICLES) + r") (?:" + "|".join(CODE_WORDS) + r")(?: (?:" + "|".join(CODE_QUALIFIERS) +
    r")){0,2} (?:" + "|".join(CODE_COPULAS) + r")|"
    r"(?P<new>" + "|".join(NEW_WORDS) + r")[ \t]*[:=]|"
    r"(?P<short>" + "|".join(SHORT_CUES) + r"))"
    r"(?![a-z0-9_]|-[a-z])")  # "password-protected" is an adjective
# What lower-cased text must hold for a cue above to match: one cheap pass before folding accents.
_PREFILTER = re.compile(
    r"pass|mdp|m\.d\.p|pwd|pswd|kennw|wachtw|contras|clave|senha|parola|palavra|toegang|wi-?fi|wlan|reset|"
    r"initialis|zur(?:u|ü)ckgesetzt|restablec|reimpost|redefinid|gereset|\b(?:code|c[oó]digo|codice|pin)\b|"
    r"(?:nouveau|nouvelle|new|neue?s?|nuev[oa]|nuov[oa]|nieuwe?|nov[oa]|ancien|old|previous|alte?s?|antigu[oa]|"
    r"vecchi[oa]|oude?|antig[oa])[ \t]*[:=]|\b(?:ww|pw|psk)\b")
_CREDENTIAL_NEAR = re.compile(
    r"(?:" + "|".join((*PASSWORD_TERMS, *CREDENTIAL_WORDS)) + r")")
_WINDOW = 160
_NEAR = 60
_SEPARATOR = re.compile(r"(?:[:=]|\b(?:" + "|".join(VALUE_COPULAS) + r")\b)[ \t]*$", re.IGNORECASE)
_PAREN = re.compile(r"\([^()]{0,120}\)")
_TOKEN = re.compile(r"[^\s]+")
_ASSIGNED = re.compile(r"[\w]*[\"'\]]?[ \t]*(?:[:=@]|=>)[ \t]*[^\s]")
_FILE_LIKE = re.compile(r"^[\w.-]+\.[a-z0-9]{1,4}$")  # release.7z, backup.tar, nas02.lan
_PATH_LIKE = re.compile(r"^(?:[A-Za-z]:)?[\\/]?(?:[\w.~$-]+[\\/]){2,}[\w.~$-]*$")  # /tmp/x1/venv/bin, C:\a\b
_STRIP = ".,;:)»\"'”’…“"


def password_shaped(value: str) -> bool:
    """Letters with digits or symbols and mixed case ("Presta7733", "Accueil!24"): how people
    write a password in a sentence, unlike a word, a name, a date, a number or a host."""
    if not 6 <= len(value) <= 40 or filters.is_other_data(value) or "://" in value or "@" in value[1:-1] and \
            "." in value:
        return False
    lower = any(c.islower() for c in value)
    upper = any(c.isupper() for c in value)
    digit = any(c.isdigit() for c in value)
    symbol = any(not c.isalnum() and c not in "-_.'’/" for c in value)  # joiners: New-ADUser, OOXML/xlsb
    letters = sum(c.isalpha() for c in value)
    if _FILE_LIKE.match(value) or _PATH_LIKE.match(value):
        return False
    return lower and letters >= 3 and (digit and (upper or symbol) or symbol and upper)


class ProsePasswords:
    rule = PASSWORD
    keywords = PROSE_STEMS

    def scan(self, text: str) -> Iterator[Match]:
        if len(text) < 10:
            return
        lowered = text.lower()
        hits = [hit.start() for hit in _PREFILTER.finditer(lowered)]
        if not hits:
            return
        folded = lowered if text.isascii() else fold_keep_length(text)
        reported: set[int] = set()
        for cue in self._cues(folded, hits):
            if EXAMPLES_BEFORE.search(folded[max(0, cue.start() - 60):cue.start()]):
                continue
            if text[cue.end():cue.end() + 1] in ("`", '"', "'", "]", "_") or \
                    text[cue.start() - 1:cue.start()] in ("`", '"', "'", "[", "$", "."):
                continue  # `kennwort` varchar(64), $password, ["pwd"]: a name in code, not a sentence
            if not folded[cue.start():cue.end()].rstrip().endswith(":") and _ASSIGNED.match(text, cue.end()):
                continue  # "password=******", "user:password@host": an assignment, read (or refused) by its rule
            if cue.group("new") and not _CREDENTIAL_NEAR.search(folded[max(0, cue.start() - 80):cue.start()]):
                continue  # "New: Office365 licences": new what? only a credential just named counts
            found = self._value_after(text, cue.end(), short=cue.group("short") is not None,
                                      explicit=cue.group("new") is not None)
            if found is None or found[0] in reported:
                continue
            start, value = found
            reported.add(start)
            yield Match(rule=PASSWORD, secret=value, start=start, end=start + len(value), priority=Priority.PROSE,
                        confidence="medium", severity=Severity.MEDIUM,
                        description=f"password in a sentence after '{text[cue.start():cue.end()].strip()}'")

    @staticmethod
    def _cues(folded: str, hits: list[int]) -> Iterator[re.Match[str]]:
        """The cues around the places the prefilter hit (a cue starts at most 30 characters
        before its stem), so long texts are not searched end to end."""
        spans: list[list[int]] = []
        for hit in hits:
            start, end = max(0, hit - 30), min(len(folded), hit + 90)
            if spans and start <= spans[-1][1]:
                spans[-1][1] = end  # overlapping windows merge, so no cue is cut at a window's end
            else:
                spans.append([start, end])
        for start, end in spans:
            yield from _CUE.finditer(folded, start, end)

    @staticmethod
    def _value_after(text: str, pos: int, *, short: bool = False, explicit: bool = False) -> tuple[int, str] | None:
        """`short`: an abbreviation ("ww", "pw") counts only with its value right after it.
        `explicit`: "ancien = X, nouveau = Y" after a password word: the word right after the
        separator is the value, whatever its shape."""
        if explicit:
            found = re.match(r"[ \t]*([^\s,;]{4,64})(?=$|[\s,;.])", text[pos:pos + 80])
            if found and not filters.not_a_secret(found.group(1)) and not filters.is_other_data(found.group(1)):
                return pos + found.start(1), found.group(1).rstrip(_STRIP)
        window = text[pos:pos + (12 + 40 if short else _WINDOW)]
        if short:
            found = re.match(r"[ \t]*[:=]?[ \t]*(\S+)", window)
            value = found.group(1).rstrip(_STRIP) if found else ""
            if found and password_shaped(value) and not filters.not_a_secret(value):
                return pos + found.start(1), value
            return None
        if window.count("\n") > 3:
            window = "\n".join(window.split("\n")[:4])
        window = _PAREN.sub(lambda m: " " * len(m.group(0)), window)  # "(they asked us not to ...)"
        first: tuple[int, str] | None = None
        for token in _TOKEN.finditer(window):
            value = token.group(0).rstrip(_STRIP).lstrip("(«\"'“‘„")
            if not value or value[0] in "<`[{$%" or "=" in value:
                continue  # markup, code, a variable
            offset = token.start() + token.group(0).index(value)
            if EXAMPLES_BETWEEN.search(window[:offset]):
                return first  # "... Schlechte Beispiele: „Sommer2023“": examples from here on
            if _CUE.search(fold_keep_length(value)) and offset > 0:
                break  # the next label starts: its value is its own
            if not password_shaped(value) or filters.not_a_secret(value) or filters.is_common_password(value):
                continue
            if OF_BEFORE.search(window[:offset]) and not _SEPARATOR.search(window[:offset]):
                continue  # "la password di Office365 va cambiata": Office365 is what it opens
            if _SEPARATOR.search(window[:offset]) and (
                    offset <= _NEAR or window[:offset].rstrip().endswith((":", "=")) and
                    window[:offset].count("\n") <= 3):
                return pos + offset, value
            if first is None and offset <= _NEAR:
                first = (pos + offset, value)
        return first


__all__ = ["ProsePasswords", "password_shaped"]

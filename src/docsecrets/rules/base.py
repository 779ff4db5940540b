"""What a rule is, and what it returns."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final, Protocol

from docsecrets.types import Severity


class Priority:
    """When two matches cover the same text, the higher priority wins. The scale, low to high:"""

    NONE: Final = 0  # a finding about the whole document (DS000): nothing to overlap
    PROSE: Final = 4  # a password read from a sentence, away from its label (prose.py)
    PII: Final = 4  # a personal number (the health pack)
    ACCOUNT_PAIR: Final = 5  # "admin / X" after a mere cue (medium confidence)
    LABELLED_PAIR: Final = 6  # "SQL : sa / X" on a line of its own
    LABELLED: Final = 10  # a value after its label: "mdp : X", DB_PASSWORD=X, <password>X</password>
    COMMAND_LINE: Final = 12  # "mysql -pX", "net use ... X"
    URL: Final = 15  # credentials in a URL, a connection string or an Authorization header
    TABLE: Final = 18  # a cell of a password column, read by the table reader
    TOKEN: Final = 20  # a token of known shape (detect-secrets' plugins, Google, GitHub)
    TOKEN_CATALOGUE: Final = 21  # a token of the catalogue, with its own record
    CUSTOM: Final = 25  # a project's own regex rule ([[rules]] in .docsecrets.toml)
    KEY_MATERIAL: Final = 30  # a private key, a key store
    DECRYPTED: Final = 40  # a password decrypted from a .vnc or .rdp file


@dataclass(frozen=True, slots=True, kw_only=True)
class Rule:
    """Metadata of one rule. Ids are permanent: baselines and SARIF refer to them.

    `priority` is the usual priority of its matches on the `Priority` scale (a detector may give
    a weaker reading a lower one); `is_password` says whether what it finds unlocks an account
    (remote-access pairing uses it); `literal_only_in_code` makes it accept, in source code, only
    a quoted string literal as a value; `reread_split` makes the engine read it again across line
    breaks and cells (whole tokens cut in two).

    `keywords` is the rule's prefilter: lower-case literals, one of which is in `keyword_view(text)`
    of every text any of its detectors finds something in (the union of their `keywords`). `None`
    says the rule has no such literal and always runs (a document-level finding, a table read by
    its structure, numbers, the catalogue's own keyword index); write it out in the record, and
    give the reason in tests/rules/keywords_test.py.
    """

    id: str
    name: str
    severity: Severity
    description: str
    help: str = ""
    priority: int = Priority.NONE
    is_password: bool = True
    literal_only_in_code: bool = False
    reread_split: bool = False
    keywords: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Match:
    """A secret found in one piece of text. `start`/`end` locate it for line numbers and dedup."""

    rule: Rule
    secret: str
    start: int
    end: int
    description: str = ""
    severity: Severity | None = None  # overrides rule.severity
    is_password: bool | None = None  # overrides rule.is_password (a table cell under a "code" column)
    priority: int = Priority.NONE  # when two matches overlap, the higher priority wins (see Priority)
    confidence: str = "high"

    def __post_init__(self) -> None:
        if self.is_password is None:
            object.__setattr__(self, "is_password", self.rule.is_password)


# The only characters outside ASCII that match an ASCII letter or digit in a regex under
# IGNORECASE: İ ı ſ and the Kelvin sign (tests/rules/prefilter_test.py checks every character).
_MATCH_ASCII_IGNORING_CASE = {0x130: "i", 0x131: "i", 0x17F: "s", 0x212A: "k"}


def keyword_view(text: str) -> str:
    """The text keywords are looked for in: lower-cased, with the four characters that a regex
    ignoring case takes for an ASCII letter written as that letter, so that every literal a
    detector needs in `text.lower()`, or in its case-insensitive regex, is in it."""
    if text.isascii():
        return text.lower()
    return text.translate(_MATCH_ASCII_IGNORING_CASE).lower()


def may_hold(keywords: tuple[str, ...] | None, view: str) -> bool:
    """False when a detector with these keywords cannot find anything in the text of `view`."""
    if keywords is None:
        return True
    if len(keywords) <= _FEW:
        return any(map(view.__contains__, keywords))
    return _alternation(keywords).search(view) is not None


_FEW = 8  # up to this many keywords, one substring test each; more, one regex pass (faster)


def _alternation(keywords: tuple[str, ...]) -> re.Pattern[str]:
    # keyed by identity (a tuple's hash is computed anew at every call); the tuple is kept
    # with its regex, so its id cannot be reused while the entry lives
    entry = _ALTERNATIONS.get(id(keywords))
    if entry is None or entry[0] is not keywords:
        entry = (keywords, re.compile("|".join(re.escape(k) for k in sorted(keywords, key=len, reverse=True))))
        _ALTERNATIONS[id(keywords)] = entry
    return entry[1]


_ALTERNATIONS: dict[int, tuple[tuple[str, ...], re.Pattern[str]]] = {}


class TextRule(Protocol):
    """A detector over free text. To add a rule: one record, one detector, one case file.

    1. The record: in the detector's module, `SLACK = Rule(id="DS2xx", name="slack-token",
       severity=..., description=..., help=..., priority=Priority.TOKEN, is_password=False,
       keywords=("xoxb-", "xoxp-"))`. Ids are permanent (baselines and SARIF use them); pick the
       priority from the `Priority` scale; set `is_password=False` unless what it finds unlocks
       an account; `keywords` are lower-case literals without which it can find nothing (or
       `None`, with its reason in tests/rules/keywords_test.py). Add the record to `RULES` in
       `rules/registry.py` (that feeds `docsecrets rules`, SARIF and `RuleSet`).
    2. The detector: a class with `rule = SLACK`, `keywords = SLACK.keywords` and
       `scan(text) -> Iterator[Match]`. The engine calls `scan` only on a text that holds one of
       the keywords (tests/rules/prefilter_test.py checks that this changes no result); drop values
       with `docsecrets.rules.lexicon.not_secret.not_a_secret`. Add an instance to `TEXT_RULES`.
       Words of a language (labels, cues, pointers, placeholders) go to
       `rules/lexicon/<language>.py`, words of no language to `rules/lexicon/common.py`.
    3. The case file: `tests/rules/cases/DS2xx.txt`, a `[not found]` section then a `[found]`
       section (`text => secret`); `tests/rules/cases_test.py` runs every line through the engine,
       and every `[found]` text must hold one of the record's keywords.
    """

    rule: Rule

    @property
    def keywords(self) -> tuple[str, ...] | None:
        """The detector's prefilter, as `Rule.keywords`: the engine calls `scan` only on a text
        whose `keyword_view` holds one of them (None: always). A subset of its records' keywords."""
        ...

    def scan(self, text: str) -> Iterator[Match]:
        """Matches in one piece of free text (a line, a paragraph, a cell)."""
        ...

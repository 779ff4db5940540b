"""Known token formats: detect-secrets' regex plugins (the one adapter over them), and the
token catalogue (rules/catalogue/: one record per provider format) for everything else.

detect-secrets is imported lazily, and only for text that contains one of the cheap prefixes
below: most documents never pay its start-up cost. Its network verification is never called.
Matches are widened to the whole token (detect-secrets' Stripe pattern stops after 24
characters; the live key is longer).

The catalogue is loaded on the first scan, not at import. One combined keyword scan (a trie
regex over the lowercased text) picks the records whose keyword occurs; only their regexes
run, each compiled on first need and once per process.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from docsecrets import filters
from docsecrets.rules.base import Match, Priority, Rule
from docsecrets.rules.catalogue import CONTEXT_AFTER, CONTEXT_BEFORE, Token, entropy
from docsecrets.types import Severity

TOKEN = Rule(
    id="DS200", name="known-token", severity=Severity.HIGH,
    description="A token in a known provider format (cloud, source control, CI, chat, payment, AI, "
                "registries, SaaS, on-premise products); the provider is named in the finding",
    help="Revoke the token at its provider, issue a new one, and keep it in a secret store.",
    priority=Priority.TOKEN, is_password=False, reread_split=True,
    keywords=None)  # the catalogue's records carry their own keywords, looked for in one pass

# (module, class) of the detect-secrets plugins that recognise a format by its shape alone.
# Keyword and entropy plugins are left out: our own rules read labels better in documents.
_PLUGINS: tuple[tuple[str, str], ...] = (
    ("aws", "AWSKeyDetector"),
    ("artifactory", "ArtifactoryDetector"),
    ("azure_storage_key", "AzureStorageKeyDetector"),
    ("discord", "DiscordBotTokenDetector"),
    ("github_token", "GitHubTokenDetector"),
    ("gitlab_token", "GitLabTokenDetector"),
    ("jwt", "JwtTokenDetector"),
    ("mailchimp", "MailchimpDetector"),
    ("npm", "NpmDetector"),
    ("openai", "OpenAIDetector"),
    ("pypi_token", "PypiTokenDetector"),
    ("sendgrid", "SendGridDetector"),
    ("slack", "SlackDetector"),
    ("square_oauth", "SquareOAuthDetector"),
    ("stripe", "StripeDetector"),
    ("telegram_token", "TelegramBotTokenDetector"),
    ("twilio", "TwilioKeyDetector"),
)

# Cheap pre-filter: text without any of these never reaches detect-secrets. Each alternative
# (case-insensitive) with a literal of the lower-cased text it cannot match without.
_PREFILTER_PARTS: tuple[tuple[str, str], ...] = (
    ("a3t", r"A3T[A-Z0-9]"), ("abia", r"ABIA"), ("acca", r"ACCA"), ("akia", r"AKIA"), ("asia", r"ASIA"),
    ("aws", r"aws"), ("akc", r"AKC[a-zA-Z0-9]"), ("ap", r"AP[0-9ABCDEF][a-zA-Z0-9]{8}"),
    ("accountkey", r"AccountKey"), (".", r"[MNO][a-zA-Z\d_-]{23,25}\."), ("gh", r"gh[pousr]_"),
    ("glpat-", r"glpat-"), ("gl", r"gl[a-z]{2,4}-"), ("eyj", r"eyJ"), ("-us", r"[0-9a-f]{32}-us\d"),
    ("npm_", r"npm_"), ("sk-", r"sk-"), ("pypi-", r"pypi-"), ("sg.", r"SG\."), ("xox", r"xox[aboprs]-"),
    ("hooks.slack", r"hooks\.slack"), ("sq0", r"sq0"), ("eaaa", r"EAAA"), ("k_live_", r"[rs]k_live_"),
    (":aa", r"\d{8,10}:AA"), ("ac", r"AC[a-z0-9]{32}"), ("sk", r"SK[a-z0-9]{32}"),
)
_PREFILTER = re.compile("|".join(part for _, part in _PREFILTER_PARTS), re.IGNORECASE)
_PARTS = tuple((anchor, re.compile(part, re.IGNORECASE)) for anchor, part in _PREFILTER_PARTS)
# The only characters outside ASCII that match an ASCII letter under IGNORECASE (İ ı ſ K, the
# Kelvin sign): a text holding one takes the whole pre-filter (tests/rules/known_tokens_test.py).
_FOLDS_TO_ASCII = re.compile("[\u0130\u0131\u017f\u212a]")
KEYWORDS: tuple[str, ...] = tuple(anchor for anchor, _ in _PREFILTER_PARTS)
_TOKEN_CHAR = re.compile(r"[A-Za-z0-9_\-]")
_STEM = 6
_SHORTEST = 12  # no catalogue token fits in fewer characters (the shortest secret has 12)
_KEY_MATERIAL = re.compile(r"(?=[^0-9]*[0-9])(?=[^A-Za-z]*[A-Za-z])")


@lru_cache(maxsize=1)
def _detectors() -> tuple[tuple[str, Any], ...]:
    loaded = []
    for module_name, class_name in _PLUGINS:
        try:
            module = importlib.import_module(f"detect_secrets.plugins.{module_name}")
            plugin = getattr(module, class_name)()
        except (ImportError, AttributeError):  # an older detect-secrets without this plugin
            continue
        loaded.append((str(plugin.secret_type), plugin))
    return tuple(loaded)


def may_hold_token(text: str) -> bool:
    """`_PREFILTER.search(text) is not None`, computed faster: one alternative at a time, and only
    where its literal is in the lower-cased text (one regex of 27 alternatives, each tried at
    every position, cost more than all the plugins it guards)."""
    if not text.isascii() and _FOLDS_TO_ASCII.search(text):
        return _PREFILTER.search(text) is not None
    lowered = text.lower()
    return any(anchor in lowered and part.search(text) is not None for anchor, part in _PARTS)


def _widen(text: str, start: int, end: int) -> tuple[int, int]:
    while end < len(text) and _TOKEN_CHAR.match(text[end]) and end - start < 512:
        end += 1
    return start, end


class KnownTokens:
    rule = TOKEN
    keywords = KEYWORDS

    def scan(self, text: str) -> Iterator[Match]:
        if not may_hold_token(text):
            return
        seen: set[tuple[int, int]] = set()
        for secret_type, plugin in _detectors():
            for line_start, line in _lines(text):
                for secret in plugin.analyze_string(line):
                    if not isinstance(secret, str) or not secret:
                        continue
                    at = line.find(secret)
                    if at < 0:
                        continue
                    start, end = _widen(line, at, at + len(secret))
                    value = line[start:end]
                    if (start, end) in seen or filters.is_known_example(value) or filters.is_placeholder(value):
                        continue
                    seen.add((start + line_start, end + line_start))
                    yield Match(rule=TOKEN, secret=value, start=line_start + start, end=line_start + end,
                                description=secret_type, priority=Priority.TOKEN)


def _lines(text: str) -> Iterator[tuple[int, str]]:
    offset = 0
    for line in text.split("\n"):
        yield offset, line
        offset += len(line) + 1


class _Catalogue:
    """The catalogue's records with their keyword index, built once per process."""

    def __init__(self) -> None:
        from docsecrets.rules.catalogue import all_records

        self.records: tuple[Token, ...] = all_records()
        self._by_keyword: dict[str, set[int]] = {}
        for index, record in enumerate(self.records):
            for keyword in record.keywords:
                self._by_keyword.setdefault(keyword, set()).add(index)
        # The scan looks for the first _STEM characters of each keyword (a smaller regex that
        # compiles faster); a stem found is then checked against its whole keywords.
        # Each stem lists, longest first, every keyword that may start where it is found: those
        # it begins, and shorter ones it begins with ("sk-ant" holds "sk-" for "sk-antelope").
        by_stem: dict[str, list[str]] = {}
        for keyword in self._by_keyword:
            by_stem.setdefault(keyword[:_STEM], []).append(keyword)
        self.stems: dict[str, tuple[str, ...]] = {
            stem: tuple(sorted(keywords + [k for k in self._by_keyword if len(k) < len(stem) and stem.startswith(k)],
                               key=len, reverse=True))
            for stem, keywords in by_stem.items()}
        self.keywords = re.compile(_trie_pattern(sorted(self.stems)))
        self._records_of: dict[str, tuple[int, ...]] = {}
        self._compiled: dict[int, re.Pattern[str]] = {}

    def records_of(self, keyword: str) -> tuple[int, ...]:
        """The records a keyword found stands for: its own and those of every keyword inside
        it ("sk-ant-" holds "sk-"), since the scan reports one keyword per position."""
        found = self._records_of.get(keyword)
        if found is None:
            found = tuple(sorted(set().union(*(records for other, records in self._by_keyword.items()
                                               if other in keyword))))
            self._records_of[keyword] = found
        return found

    def pattern(self, index: int) -> re.Pattern[str]:
        compiled = self._compiled.get(index)
        if compiled is None:
            record = self.records[index]
            compiled = re.compile(record.regex, re.IGNORECASE if record.ignore_case else 0)
            self._compiled[index] = compiled
        return compiled


def _trie_pattern(words: list[str]) -> str:
    """One regex for many literals, factored by common prefix so each position is tried once."""
    trie: dict[str, Any] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def render(node: dict[str, Any]) -> str:
        branches = [re.escape(char) + render(child) for char, child in sorted(node.items()) if char]
        optional = "" in node
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if optional:
            return "(?:" + body + ")?"
        return body

    return render(trie)


@lru_cache(maxsize=1)
def _catalogue() -> _Catalogue:
    return _Catalogue()


class CatalogueTokens:
    """Tokens of the catalogue's formats, reported as DS200 with the provider named. Where a
    detect-secrets plugin finds the same token, the record's exact span and name win."""

    rule = TOKEN
    keywords = None  # each record's keywords, through one trie regex (a tuple of them all would be slower)

    def scan(self, text: str) -> Iterator[Match]:
        if len(text) < _SHORTEST:
            return
        catalogue = _catalogue()
        lowered = text.lower()
        hits: dict[int, list[int]] = {}
        for found in catalogue.keywords.finditer(lowered):
            at = found.start()
            # a name counts as context only where a word starts (DD_API_KEY, myDatadog, not veraPDFHiRes)
            word_start = at == 0 or not lowered[at - 1].isalpha() or (text[at - 1:at].islower()
                                                                      and text[at:at + 1].isupper())
            for keyword in catalogue.stems[found.group(0)]:
                if lowered.startswith(keyword, at):
                    for index in catalogue.records_of(keyword):
                        hits.setdefault(index, []).append(at if word_start else -1_000_000)
                    break  # the longest keyword there stands for those inside it
        if not hits:
            return
        candidates: list[tuple[bool, int, int, int, int, Token]] = []
        for index in sorted(hits):
            record = catalogue.records[index]
            for found in catalogue.pattern(index).finditer(text):
                start, end = found.span("secret")
                secret = found.group("secret")
                if record.context and not (_KEY_MATERIAL.match(secret) and any(
                        start - CONTEXT_BEFORE <= at <= end + CONTEXT_AFTER for at in hits[index])):
                    continue  # a bare value needs its provider's name nearby, and a digit and a letter
                if entropy(secret) < record.entropy or filters.is_known_example(secret) or \
                        filters.is_placeholder(secret):
                    continue
                candidates.append((record.context, start - end, index, start, end, record))
        candidates.sort(key=lambda c: c[:3])
        taken: list[tuple[int, int]] = []
        for _context, _length, _index, start, end, record in candidates:
            if any(start < other_end and other_start < end for other_start, other_end in taken):
                continue
            taken.append((start, end))
            yield Match(rule=TOKEN, secret=text[start:end], start=start, end=end,
                        priority=Priority.TOKEN_CATALOGUE, severity=record.severity, description=record.description)

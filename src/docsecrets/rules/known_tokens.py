"""Known token formats, through detect-secrets' regex plugins (the one adapter over them).

detect-secrets is imported lazily, and only for text that contains one of the cheap prefixes
below: most documents never pay its start-up cost. Its network verification is never called.
Matches are widened to the whole token (detect-secrets' Stripe pattern stops after 24
characters; the live key is longer).
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from docsecrets import filters
from docsecrets.rules.base import Match, Rule
from docsecrets.types import Severity

TOKEN = Rule(
    id="DS200", name="known-token", severity=Severity.HIGH,
    description="A token in a known format (AWS, GitHub, GitLab, Slack, Stripe, SendGrid, JWT, npm, ...)",
    help="Revoke the token at its provider, issue a new one, and keep it in a secret store.")

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

# Cheap pre-filter: text without any of these never reaches detect-secrets.
_PREFILTER = re.compile(
    r"A3T[A-Z0-9]|ABIA|ACCA|AKIA|ASIA|aws|AKC[a-zA-Z0-9]|AP[0-9ABCDEF][a-zA-Z0-9]{8}|AccountKey|"
    r"[MNO][a-zA-Z\d_-]{23,25}\.|gh[pousr]_|glpat-|gl[a-z]{2,4}-|eyJ|[0-9a-f]{32}-us\d|npm_|sk-|pypi-|"
    r"SG\.|xox[aboprs]-|hooks\.slack|sq0|EAAA|[rs]k_live_|\d{8,10}:AA|AC[a-z0-9]{32}|SK[a-z0-9]{32}",
    re.IGNORECASE)
_TOKEN_CHAR = re.compile(r"[A-Za-z0-9_\-]")


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


def _widen(text: str, start: int, end: int) -> tuple[int, int]:
    while end < len(text) and _TOKEN_CHAR.match(text[end]) and end - start < 512:
        end += 1
    return start, end


class KnownTokens:
    rule = TOKEN

    def scan(self, text: str) -> Iterator[Match]:
        if not _PREFILTER.search(text):
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
                                description=secret_type, is_password=False, priority=20)


def _lines(text: str) -> Iterator[tuple[int, str]]:
    offset = 0
    for line in text.split("\n"):
        yield offset, line
        offset += len(line) + 1

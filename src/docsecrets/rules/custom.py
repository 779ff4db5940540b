"""Regex rules a project defines in its configuration ([[rules]] in .docsecrets.toml)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from docsecrets import filters
from docsecrets.config import CustomRule
from docsecrets.rules.base import Match, Priority, Rule


class RegexRule:
    def __init__(self, spec: CustomRule) -> None:
        self.rule = Rule(id=spec.id, name=spec.id.lower(), severity=spec.severity, description=spec.description,
                         help=spec.help,
                         priority=Priority.CUSTOM, is_password=False, keywords=None)
        self.keywords = None  # a project's regex: no literal is known to be needed
        self._pattern = re.compile(spec.pattern)

    def scan(self, text: str) -> Iterator[Match]:
        for found in self._pattern.finditer(text):
            group = "secret" if "secret" in self._pattern.groupindex else 0
            secret = found.group(group)
            if not secret or filters.is_placeholder(secret) or filters.is_masked(secret):
                continue
            yield Match(rule=self.rule, secret=secret, start=found.start(group), end=found.end(group),
                        priority=Priority.CUSTOM, description=self.rule.description)

"""What a rule is, and what it returns."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

from docsecrets.types import Severity


@dataclass(frozen=True, slots=True, kw_only=True)
class Rule:
    """Metadata of one rule. Ids are permanent: baselines and SARIF refer to them."""

    id: str
    name: str
    severity: Severity
    description: str
    help: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Match:
    """A secret found in one piece of text. `start`/`end` locate it for line numbers and dedup."""

    rule: Rule
    secret: str
    start: int
    end: int
    description: str = ""
    severity: Severity | None = None  # overrides rule.severity
    is_password: bool = True  # a credential that unlocks an account (remote-access pairing uses it)
    priority: int = 0  # when two matches overlap, the higher priority wins
    confidence: str = "high"


class TextRule(Protocol):
    rule: Rule

    def scan(self, text: str) -> Iterator[Match]:
        """Matches in one piece of free text (a line, a paragraph, a cell)."""
        ...

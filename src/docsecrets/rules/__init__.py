"""The rules docsecrets runs. The registry (`registry.py`) is loaded on first use of one of its
names, so that `docsecrets.rules.lexicon` (the words, and the "not a secret" checks) can be
imported by anyone without loading every detector first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from docsecrets.rules.base import Match, Rule, TextRule

if TYPE_CHECKING:
    from docsecrets.rules.registry import RULES, RULES_BY_ID, TEXT_RULES, UNSCANNABLE

_REGISTRY_NAMES = frozenset({"RULES", "RULES_BY_ID", "TEXT_RULES", "UNSCANNABLE"})


def __getattr__(name: str) -> Any:
    if name in _REGISTRY_NAMES:
        from docsecrets.rules import registry
        return getattr(registry, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["RULES", "RULES_BY_ID", "TEXT_RULES", "UNSCANNABLE", "Match", "Rule", "TextRule"]

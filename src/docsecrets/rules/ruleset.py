"""The rules one scan runs and reports, built in one place from the registry, the configuration
(custom regex rules, extra password labels) and the packs it turns on.

The engine scans with `ruleset_for(config)`; SARIF's `tool.driver.rules` and `docsecrets rules`
list `records(custom_records(config))`, so every consumer sees the same rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from docsecrets.rules.base import Rule, TextRule
from docsecrets.rules.registry import RULES, TEXT_RULES

if TYPE_CHECKING:
    from docsecrets.config import Config
    from docsecrets.packs import DocumentReader, Pack, TableObserver


@dataclass(frozen=True, slots=True)
class RuleSet:
    text_rules: tuple[TextRule, ...]
    extra_labels: re.Pattern[str] | None
    packs: tuple[Pack, ...] = ()
    base_rules: tuple[TextRule, ...] = ()  # text_rules without the packs' (rows a pack reports whole)

    def observers(self) -> list[TableObserver]:
        return [pack.table_observer() for pack in self.packs if pack.table_observer is not None]

    def document_reader(self, fmt: str) -> DocumentReader | None:
        for pack in self.packs:
            if fmt in pack.documents:
                return pack.documents[fmt]
        return None


DEFAULT = RuleSet(TEXT_RULES, None)


@lru_cache(maxsize=8)
def ruleset_for(config: Config) -> RuleSet:
    """The text rules a configuration asks for: ours, extra labels, custom regex rules, packs."""
    if not config.keywords and not config.rules and not config.packs:
        return DEFAULT
    from docsecrets.packs import load_pack
    from docsecrets.rules.custom import RegexRule
    from docsecrets.rules.kv_password import PasswordAssignment
    from docsecrets.rules.lexicon import fold

    rules: list[TextRule] = [RegexRule(spec) for spec in config.rules]
    extra: re.Pattern[str] | None = None
    if config.keywords:
        rules.append(PasswordAssignment(extra_terms=config.keywords))
        extra = re.compile("|".join(re.escape(fold(k)) for k in config.keywords))
    packs = tuple(load_pack(name) for name in config.packs)
    pack_rules = tuple(rule for pack in packs for rule in pack.text_rules)
    return RuleSet((*TEXT_RULES, *rules, *pack_rules), extra, packs, (*TEXT_RULES, *rules))


def custom_records(config: Config) -> tuple[Rule, ...]:
    """The records of the configuration's custom regex rules ([[rules]] in .docsecrets.toml)."""
    if not config.rules:
        return ()
    from docsecrets.rules.custom import RegexRule

    return tuple(RegexRule(spec).rule for spec in config.rules)


def records(custom: tuple[Rule, ...] = ()) -> list[Rule]:
    """Every rule record, docsecrets' own first, then the custom ones (an id already taken is ours)."""
    out = list(RULES)
    known = {rule.id for rule in out}
    for rule in custom:
        if rule.id not in known:
            out.append(rule)
            known.add(rule.id)
    return out

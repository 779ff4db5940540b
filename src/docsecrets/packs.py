"""Opt-in rule packs: detections a project asks for (`--pii`, `packs = ["health"]`), off by default.

A pack adds what the default scan must not pay for, in three places the engine calls:

- `text_rules`: more TextRules over every segment and cell (validated numbers);
- `table_observer()`: a fresh TableObserver per document; the engine hands it every Row and
  calls `finish()` at the end of the document, so one finding can speak for a whole table;
- `documents`: readers for formats only the pack reads (DICOM), by sniffed format name.

Packs are named in PACKS and imported only when asked for, so the default scan imports none
of their code or libraries.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from docsecrets.extract.context import Context
from docsecrets.rules.base import Rule, TextRule
from docsecrets.types import Location, Row, Severity

# pack name -> module defining PACK
PACKS: dict[str, str] = {
    "health": "docsecrets.pii.pack",
}

# Formats that only a pack reads: without the pack such a file is passed over like an image,
# neither read nor reported as unsupported.
PACK_FORMATS = frozenset({"dicom"})


@dataclass(frozen=True, slots=True, kw_only=True)
class PackHit:
    """A finding a pack reports outside the text rules (a whole table, a DICOM header)."""

    rule: Rule
    secret: str  # what --show-secrets shows (a sample value); redacted like any secret
    identity: str  # what the fingerprint is computed from: stable when rows are added
    location: Location
    description: str
    severity: Severity | None = None
    hidden: str | None = None
    confidence: str = "high"
    # PDF pages the table covers: the pack's own text-rule findings there (the same numbers read
    # again as page text) are folded into this one
    pages: frozenset[int] = frozenset()


class TableObserver(Protocol):
    def row(self, row: Row) -> bool:
        """Read one row; True when it belongs to a table the observer reports as a whole
        (the engine then leaves the pack's own text rules out of that row's cells)."""
        ...

    def finish(self) -> Iterator[PackHit]:
        """Findings for the tables of the document, once its last row was read."""
        ...


DocumentReader = Callable[[bytes, Context], Iterator[PackHit]]


@dataclass(frozen=True, slots=True, kw_only=True)
class Pack:
    name: str
    rules: tuple[Rule, ...]  # metadata of every rule the pack reports
    text_rules: tuple[TextRule, ...] = ()
    table_observer: Callable[[], TableObserver] | None = None
    documents: Mapping[str, DocumentReader] = field(default_factory=dict)


def load_pack(name: str) -> Pack:
    """The pack called `name`; KeyError for an unknown one (config.py checks names first)."""
    module = importlib.import_module(PACKS[name])
    pack: Pack = module.PACK
    return pack

"""What one PDF extraction has seen so far, and how a failing part is recorded."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from docsecrets.extract.common.partial import keep_going
from docsecrets.extract.common.reason import reason
from docsecrets.extract.context import Context
from docsecrets.types import ExtractError, Item


@dataclass
class State:
    """What one extraction has seen so far: problems to report at the end, page numbers, ids."""

    ctx: Context
    problems: list[ExtractError] = field(default_factory=list)
    pages_read: int = 0
    page_of_object: dict[int, int] = field(default_factory=dict)  # page or annotation objid -> page
    widgets: list[tuple[int, dict[str, Any]]] = field(default_factory=list)  # form field widget annotations
    fields_seen: set[int] = field(default_factory=set)
    files_seen: set[int] = field(default_factory=set)
    values_seen: set[str] = field(default_factory=set)  # info values, so XMP copies are not repeated

    def guard(self, what: str, reader: Callable[..., Iterator[Item]], *args: object) -> Iterator[Item]:
        """Run one reader of a document part; its damage or encryption is recorded, not fatal to the
        others (common.partial's policy: a limit stops the file at once)."""
        try:
            yield from reader(*args)
        except ExtractError as exc:
            keep_going(self.problems, exc, lambda error: f"{what}: {error}")
        except RecursionError:
            self.problems.append(ExtractError(f"{what}: reference loop (recursion too deep)"))
        except Exception as exc:  # pdfminer raises many kinds on damaged objects
            self.problems.append(ExtractError(f"{what}: {reason(exc)}"))

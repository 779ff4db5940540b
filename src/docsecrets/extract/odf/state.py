"""What one OpenDocument reading carries: shared counters, where the text sits, styles, paragraphs."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from docsecrets.extract.common.reason import reason
from docsecrets.extract.context import Context
from docsecrets.extract.odf.values import join_text
from docsecrets.types import LimitExceeded, Location


# --------------------------------------------------------------------------- one document

@dataclass(slots=True)
class Shared:
    """State shared by a package's own document and its embedded objects."""

    ctx: Context
    cells: int = 0

    def count_cells(self, n: int) -> None:
        self.cells += n
        if self.cells > self.ctx.limits.max_cells:
            raise LimitExceeded(f"more than {self.ctx.limits.max_cells:,} cells")


@dataclass(frozen=True, slots=True)
class Where:
    """Where the text being read sits, and why a reader would not see it."""

    part: str
    hidden: str | None = None
    page: int | None = None
    line: int | None = None
    cell: str | None = None
    row: int | None = None
    column: int | None = None

    def loc(self) -> Location:
        return Location(part=self.part, page=self.page, line=self.line, cell=self.cell, row=self.row,
                        column=self.column)

    def hide(self, reason: str | None) -> Where:
        return dataclasses.replace(self, hidden=join_text(self.hidden, reason))


@dataclass(slots=True)
class Style:
    parent: str | None
    props: dict[str, str]  # local attribute name -> value, from every *-properties child


@dataclass(slots=True)
class Para:
    """What reading one paragraph gathers besides its text."""

    pieces: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)

"""Backend-neutral values: a text line with its pieces, a ruling, the page's drawn art."""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from pdfminer.layout import LTChar, LTComponent, LTImage

from docsecrets.extract.common.reason import reason


@dataclass(frozen=True, slots=True)
class Piece:
    """A horizontally separate run of text within a line: a table cell candidate."""

    text: str
    x0: float
    x1: float
    height: float
    hidden: str | None = None


@dataclass(frozen=True, slots=True)
class Line:
    """One text line in page coordinates (y grows upwards), backend-neutral.

    `text` is the whole line as the layout analysis joined it (for paragraphs); `pieces` is the
    same line cut at wide gaps and at table rulings (for table rows).
    """

    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    box: int  # the paragraph / text box it belongs to
    pieces: tuple[Piece, ...]
    hidden: str | None = None
    vertical: bool = False

    @property
    def centre(self) -> float:
        return (self.y0 + self.y1) / 2

    @property
    def height(self) -> float:
        return max(self.y1 - self.y0, 0.1)


@dataclass(frozen=True, slots=True)
class Ruling:
    """A vertical stroke (table border) at x from y0 to y1."""

    x: float
    y0: float
    y1: float


@dataclass
class PageArt:
    """What besides text a page draws that matters for reading its text."""

    covers: list[LTComponent] = field(default_factory=list)  # filled shapes and images text may sit on
    rulings: list[Ruling] = field(default_factory=list)  # sorted by x once collected


GAP_EM = 0.8  # a gap wider than 0.8 x font size between two glyphs separates table cells
RULING_MAX_WIDTH = 2.0


def majority(reasons: Counter[str | None], x: float, y: float, art: PageArt) -> str | None:
    """The hidden reason of most characters at (x, y), for either backend's covers."""
    if not reasons:
        return None
    reason, count = reasons.most_common(1)[0]
    if reason is None or count * 2 <= sum(reasons.values()):
        return None
    # White text on a dark band (table headers) and invisible text over a scanned image (an
    # OCR layer) are what a reader does see.
    if reason in ("white text", "invisible text") and any(
            c.x0 <= x <= c.x1 and c.y0 <= y <= c.y1 for c in art.covers
            if reason == "white text" or isinstance(c, LTImage) or getattr(c, "image", False)):
        return None
    return reason


@dataclass(slots=True)
class Glyph:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    width: float
    height: float  # also the font size, as pdfminer's LTChar.size
    hidden: str | None


def ruling_between(left: Glyph | LTChar, right: Glyph | LTChar, rulings: Sequence[Ruling]) -> bool:
    """A vertical table border runs between two characters of one line."""
    y = (right.y0 + right.y1) / 2
    index = bisect.bisect_left(rulings, left.x1 - 1, key=lambda r: r.x)
    while index < len(rulings) and rulings[index].x <= right.x0 + 1:
        ruling = rulings[index]
        if ruling.y0 <= y <= ruling.y1 and (left.x0 + left.x1) / 2 < ruling.x < (right.x0 + right.x1) / 2:
            return True
        index += 1
    return False

"""The page loop, and pdfminer's layout analysis as the fallback source of a page's lines."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from pdfminer.converter import PDFPageAggregator
from pdfminer.layout import (LAParams, LTChar, LTCurve, LTFigure, LTImage, LTPage, LTRect, LTTextBox, LTTextLine,
                             LTTextLineVertical)
from pdfminer.pdfcolor import PDFColorSpace
from pdfminer.pdfdocument import PDFDocument
from pdfminer.pdfinterp import PDFGraphicState, PDFPageInterpreter, PDFResourceManager, PDFTextState
from pdfminer.pdfpage import PDFPage
from pdfminer.pdftypes import resolve1

from docsecrets.extract.common.reason import reason
from docsecrets.extract.pdf.lines import (GAP_EM, Line, PageArt, Piece, RULING_MAX_WIDTH, Ruling, majority,
                                          ruling_between)
from docsecrets.extract.pdf.objects import annotation_items
from docsecrets.extract.pdf.pdfium import pdfium_page_lines
from docsecrets.extract.pdf.rows import page_items
from docsecrets.extract.pdf.state import State
from docsecrets.types import ExtractError, Item, LimitExceeded


# --- pages ---------------------------------------------------------------------------------


def read_pages(doc: PDFDocument, state: State, pdf: Any = None) -> Iterator[Item]:
    """Pages in pdfminer's page tree order; their text from PDFium (`pdf`) when it has the page,
    else (or when PDFium fails on it) from pdfminer's layout analysis."""
    limit = state.ctx.limits.max_pages
    pdfium_pages = len(pdf) if pdf is not None else 0
    manager = PDFResourceManager(caching=True)  # fonts are parsed once for the whole document
    pages = PDFPage.create_pages(doc)
    number = 0
    while True:
        try:
            page = next(pages, None)
        except RecursionError:
            state.problems.append(ExtractError("page tree: reference loop (recursion too deep)"))
            return
        except Exception as exc:
            state.problems.append(ExtractError(f"page tree: {reason(exc)}"))
            return
        if page is None:
            return
        number += 1
        if number > limit:
            raise LimitExceeded(f"PDF has {_page_count(doc, number)} pages (limit {limit})")
        if isinstance(page.pageid, int):
            state.page_of_object[page.pageid] = number
        lines = None
        if number <= pdfium_pages:
            try:
                lines = pdfium_page_lines(pdf, number - 1)
            except Exception:  # PdfiumError or a damaged page: pdfminer's layout has its own recovery
                lines = None
        try:
            if lines is None:
                lines = _lt_page_lines(_lt_layout(manager, page))
        except RecursionError:
            state.problems.append(ExtractError(f"page {number}: reference loop (recursion too deep)"))
        except Exception as exc:
            state.problems.append(ExtractError(f"page {number}: {reason(exc)}"))
        else:
            state.pages_read += 1
            yield from page_items(lines, number)
        yield from state.guard(f"annotations of page {number}", annotation_items, page.annots, number, state)


def _lt_layout(manager: PDFResourceManager, page: PDFPage) -> LTPage:
    # A fresh device per page: one that failed mid-page keeps a half-built figure stack.
    device = _Device(manager, laparams=LAParams(all_texts=True))
    PDFPageInterpreter(manager, device).process_page(page)
    return device.get_result()


def _page_count(doc: PDFDocument, at_least: int) -> str:
    try:
        count = resolve1(resolve1(doc.catalog.get("Pages")).get("Count"))
    except Exception:  # a damaged page tree: the count is only for the message
        count = None
    return str(count) if isinstance(count, int) and count >= at_least else f"more than {at_least - 1}"


class _RenderState(PDFGraphicState):
    """A graphic state that also remembers the text rendering mode (pdfminer drops it)."""

    text_render: int = 0


class _Device(PDFPageAggregator):
    def render_string(self, textstate: PDFTextState, seq: Any, ncs: PDFColorSpace,
                      graphicstate: PDFGraphicState) -> None:
        # The interpreter hands each string a fresh copy of the graphic state, which every
        # LTChar of that string keeps: tag the copy with the render mode (3 = invisible).
        tagged = _RenderState()
        tagged.__dict__.update(graphicstate.__dict__)
        tagged.text_render = textstate.render
        super().render_string(textstate, seq, ncs, tagged)


def _lt_page_lines(page: LTPage) -> list[Line]:
    """The text lines of a laid-out page, each marked hidden when most of its characters are."""
    boxes: list[LTTextBox | LTTextLine] = []
    art = PageArt()
    _lt_collect(page, boxes, art)
    art.rulings.sort(key=lambda r: r.x)
    lines: list[Line] = []
    for index, box in enumerate(boxes):
        for line in box if isinstance(box, LTTextBox) else (box,):
            if not isinstance(line, LTTextLine):
                continue
            text = line.get_text().rstrip("\n")
            if not text.strip():
                continue
            pieces, hidden = _lt_pieces(line, page, art)
            lines.append(Line(text=text, x0=line.x0, y0=line.y0, x1=line.x1, y1=line.y1, box=index,
                              pieces=pieces, hidden=hidden, vertical=isinstance(line, LTTextLineVertical)))
    return lines


def _lt_collect(container: Iterable[Any], boxes: list[LTTextBox | LTTextLine], art: PageArt) -> None:
    for obj in container:
        if isinstance(obj, (LTTextBox, LTTextLine)):
            boxes.append(obj)
        elif isinstance(obj, LTFigure):
            _lt_collect(obj, boxes, art)
        elif isinstance(obj, LTImage):
            art.covers.append(obj)
        elif isinstance(obj, LTCurve):
            if obj.fill and not _is_white_colour(None, obj.non_stroking_color):
                art.covers.append(obj)
            if obj.height > 2 and (obj.fill or obj.stroke):
                if obj.width <= RULING_MAX_WIDTH:
                    art.rulings.append(Ruling((obj.x0 + obj.x1) / 2, obj.y0, obj.y1))
                elif isinstance(obj, LTRect):  # a cell frame: both sides are borders
                    art.rulings += [Ruling(obj.x0, obj.y0, obj.y1), Ruling(obj.x1, obj.y0, obj.y1)]


def _lt_pieces(line: LTTextLine, page: LTPage, art: PageArt) -> tuple[tuple[Piece, ...], str | None]:
    """Cut the line where glyphs are far apart or a border runs between them; find hidden text."""
    groups: list[list[Any]] = [[]]
    previous: LTChar | None = None
    for obj in line:
        if isinstance(obj, LTChar) and not obj.get_text().isspace():
            if previous is not None and _lt_separated(previous, obj, art.rulings):
                groups.append([])
            previous = obj
        groups[-1].append(obj)
    pieces: list[Piece] = []
    reasons: Counter[str | None] = Counter()
    for group in groups:
        text = "".join(obj.get_text() for obj in group).strip()
        glyphs = [obj for obj in group if isinstance(obj, LTChar) and not obj.get_text().isspace()]
        if not text or not glyphs:
            continue
        x0, x1 = min(g.x0 for g in glyphs), max(g.x1 for g in glyphs)
        y0, y1 = min(g.y0 for g in glyphs), max(g.y1 for g in glyphs)
        counts = Counter(_lt_char_hidden(g, page) for g in glyphs)
        reasons += counts
        hidden = majority(counts, (x0 + x1) / 2, (y0 + y1) / 2, art)
        pieces.append(Piece(text=text, x0=x0, x1=x1, height=max(y1 - y0, 0.1), hidden=hidden))
    return tuple(pieces), majority(reasons, (line.x0 + line.x1) / 2, (line.y0 + line.y1) / 2, art)


def _lt_separated(left: LTChar, right: LTChar, rulings: Sequence[Ruling]) -> bool:
    if right.x0 - left.x1 > GAP_EM * max(left.height, right.height):
        return True
    return ruling_between(left, right, rulings)


def _lt_char_hidden(char: LTChar, page: LTPage) -> str | None:
    if getattr(char.graphicstate, "text_render", 0) in (3, 7):
        return "invisible text"
    if char.x1 < page.x0 - 1 or char.x0 > page.x1 + 1 or char.y1 < page.y0 - 1 or char.y0 > page.y1 + 1:
        return "text outside the page"
    if _is_white_colour(char.ncs, char.graphicstate.ncolor):
        return "white text"
    return None


def _is_white_colour(space: PDFColorSpace | None, colour: object) -> bool:
    """Paper white: gray 1, RGB 1,1,1, CMYK 0,0,0,0, or no ink at all in a spot colour."""
    name = space.name if space is not None else ""
    if name in ("Lab", "Indexed", "Pattern"):
        return False
    values = colour if isinstance(colour, tuple) else (colour,)
    if not values or not all(isinstance(v, (int, float)) for v in values):
        return False  # patterns and unparsed colours
    if name in ("Separation", "DeviceN"):
        return all(v <= 0.01 for v in values)
    if len(values) == 4:
        return all(v <= 0.01 for v in values)
    return len(values) in (1, 3) and all(v >= 0.99 for v in values)

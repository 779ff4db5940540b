"""PDF: page text as paragraphs and table-like rows, plus the places a reader does not look.

Per page, pdfminer's layout analysis gives text lines grouped into boxes (paragraphs). Each
box becomes a Segment, so "Mot de passe : X" laid out as one paragraph is seen whole. The
same lines are regrouped into visual rows by vertical position; a row with two or more
horizontally separated pieces is a table row, yielded as a Row whose cells carry page-wide
column numbers, so a header "Mot de passe" and the values under it share a column index.

Hidden text: white, invisible (render mode 3/7) or off-page characters; annotations,
form fields, the info dictionary and XMP metadata; attached files come out as Members.

Page text comes from PDFium (pypdfium2) when it opens the file: its positioned characters are
grouped into lines and text boxes by pdfminer's own layout rules (`_pdfium_*`, `_glyph_lines`),
about 4x faster than pdfminer's layout analysis. pdfminer's layout (`_lt_*`, `_Device`) reads a
page when PDFium cannot open the file or fails on that page, when the file had to be repaired,
and always with DOCSECRETS_PDF_BACKEND=pdfminer. Both produce plain `_Line` values from which
rows, columns and paragraphs are built. pdfminer's parser stays the authority on encryption and
the page tree; annotations, form fields, metadata and attachments walk its object model through
the small helpers at the end of the file (no layout analysis, so they are cheap).
"""

from __future__ import annotations

import bisect
import ctypes
import functools
import html
import io
import logging
import os
import re
import warnings
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from statistics import median
from typing import Any

from pdfminer.converter import PDFPageAggregator
from pdfminer.layout import (LAParams, LTChar, LTComponent, LTCurve, LTFigure, LTImage, LTPage, LTRect, LTTextBox,
                             LTTextLine, LTTextLineVertical)
from pdfminer.pdfcolor import PDFColorSpace
from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfinterp import PDFGraphicState, PDFPageInterpreter, PDFResourceManager, PDFTextState
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser
from pdfminer.pdfexceptions import PDFObjectNotFound
from pdfminer.pdftypes import LITERALS_FLATE_DECODE, PDFObjRef, PDFStream, resolve1
from pdfminer.psparser import PSLiteral
from pdfminer.utils import decode_text

from docsecrets.extract import _xml
from docsecrets.extract.context import Context
from docsecrets.extract._reason import reason
from docsecrets.types import (Cell, EncryptedError, ExtractError, Item, LimitExceeded, Location, Member, Row,
                              Segment)

try:  # PDFium: page text ~30x faster than pdfminer's layout analysis (docs/performance.md)
    import pypdfium2 as _pdfium
    import pypdfium2.raw as _pdfium_raw
except Exception:  # pragma: no cover - an optional speed-up; pdfminer reads everything alone
    _pdfium = _pdfium_raw = None

_ROW_TOLERANCE = 0.4  # vertical centres within 40% of the line height: same visual row
_MAX_TREE_DEPTH = 64  # form field / name tree nesting; real files stay under 10
_MAX_PROBLEMS_LISTED = 3
_SKIPPED_INFO_KEYS = frozenset({"CreationDate", "ModDate", "Trapped"})
_SKIPPED_XMP = frozenset({"CreateDate", "ModifyDate", "MetadataDate", "format", "Trapped"})
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_XMP_BOOKKEEPING = ("{" + _RDF, "{http://www.aiim.org/pdfa/ns/", "{http://ns.adobe.com/xap/1.0/sType/",
                    "{http://ns.adobe.com/xap/1.0/mm/")
_TAG = re.compile(r"<[^>]*>")
_BLOCK_TAG = re.compile(r"<\s*/?\s*(?:p|div|br|li|tr|h\d)\b[^>]*>", re.IGNORECASE)
_OBJ_HEADER = re.compile(rb"(\d{1,10})\s+\d{1,5}\s+obj\b")
_CATALOG = re.compile(rb"/Type\s*/Catalog\b")
_XPACKET = re.compile(rb"<\?xpacket[^>]*>")
_XML_DECLARATION = re.compile(r"^<\?xml[^>]*\?>")
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def extract(data: bytes, ctx: Context) -> Iterator[Item]:
    if b"%PDF-" not in data[:1024]:
        raise ExtractError("not a PDF (no %PDF- header)")
    # pdfminer logs every oddity it recovers from; Python's last-resort handler would print them.
    logging.getLogger("pdfminer").setLevel(logging.CRITICAL)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield from _extract(data, ctx)


def _extract(data: bytes, ctx: Context) -> Iterator[Item]:
    state = _State(ctx=ctx)
    doc, damage = _open(data)
    if damage:
        state.problems.append(ExtractError(f"{damage} (read what object scanning could recover)"))
    pdf = None if damage else _pdfium_open(data)  # a repaired file: pdfminer's page tree is the one read
    try:
        yield from _pages(doc, state, pdf)
    finally:
        if pdf is not None:
            pdf.close()
    yield from state.guard("form fields", _form_fields, doc, state)
    yield from state.guard("document info", _info, doc, state)
    yield from state.guard("XMP metadata", _xmp, doc, state)
    yield from state.guard("embedded files", _embedded_files, doc, state)
    if state.pages_read == 0 and not state.problems:
        state.problems.append(ExtractError("truncated or corrupt PDF: no page found"))
    _raise_problems(state.problems)


@dataclass
class _State:
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
        """Run one reader of a document part; its failure is recorded, not fatal to the others."""
        try:
            yield from reader(*args)
        except (EncryptedError, LimitExceeded):
            raise
        except ExtractError as exc:
            self.problems.append(ExtractError(f"{what}: {exc}"))
        except RecursionError:
            self.problems.append(ExtractError(f"{what}: reference loop (recursion too deep)"))
        except Exception as exc:  # pdfminer raises many kinds on damaged objects
            self.problems.append(ExtractError(f"{what}: {reason(exc)}"))


def _raise_problems(problems: list[ExtractError]) -> None:
    if not problems:
        return
    messages = [str(p) for p in problems[:_MAX_PROBLEMS_LISTED]]
    if len(problems) > _MAX_PROBLEMS_LISTED:
        messages.append(f"and {len(problems) - _MAX_PROBLEMS_LISTED} more")
    kind = next((type(p) for p in problems if isinstance(p, (EncryptedError, LimitExceeded))), ExtractError)
    raise kind("; ".join(messages))


# --- opening -------------------------------------------------------------------------------


def _open(data: bytes) -> tuple[PDFDocument, str | None]:
    """The document, and why it had to be repaired first (None when it opened as is)."""
    try:
        return _pdfminer_open(data), None
    except EncryptedError:
        raise
    except ExtractError as exc:
        repaired = _repaired(data)
        if repaired is None:
            raise
        try:
            return _pdfminer_open(repaired), str(exc)
        except ExtractError:
            raise exc from None


def _repaired(data: bytes) -> bytes | None:
    """A truncated PDF (download cut short: no xref, no trailer) made readable.

    pdfminer's fallback scans the file for `n 0 obj` headers but gives up on an object cut
    in the middle and needs a trailer naming the catalog. So: keep everything up to the last
    complete object and append a trailer pointing at the catalog, or at a bare catalog, which
    makes pdfminer look for /Type /Page objects itself.
    """
    end = data.rfind(b"endobj")
    if end < 0:
        return None
    body = data[:end + len(b"endobj")]
    catalog = None
    for catalog in _CATALOG.finditer(body):
        pass  # the last one: an incremental update's catalog supersedes earlier ones
    headers = list(_OBJ_HEADER.finditer(body, max(0, catalog.start() - 4096), catalog.start())) if catalog else []
    if headers:
        return body + b"\ntrailer\n<< /Root %s 0 R >>\n" % headers[-1].group(1)
    root = 1 + max((int(m.group(1)) for m in _OBJ_HEADER.finditer(body)), default=0)
    return body + b"\n%d 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root %d 0 R >>\n" % (root, root)


class _Document(PDFDocument):
    """pdfminer's document, minus the hang on an object that is a reference to itself.

    `resolve1` follows references until it meets something else; `5 0 obj 5 0 R endobj`
    (or a longer cycle) would keep it, and pdfminer's own page tree walk, spinning forever.
    """

    def getobj(self, objid: int) -> object:
        obj = super().getobj(objid)
        seen = {objid}
        while isinstance(obj, PDFObjRef):
            if obj.objid in seen or len(seen) > _MAX_TREE_DEPTH:
                raise PDFObjectNotFound(f"object {objid} is a reference loop")  # read as missing
            seen.add(obj.objid)
            obj = super().getobj(obj.objid)
        return obj


def _pdfminer_open(data: bytes) -> PDFDocument:
    try:
        return _Document(PDFParser(io.BytesIO(data)), password="")
    except PDFPasswordIncorrect:
        raise EncryptedError("PDF encrypted with a user password") from None
    except PDFEncryptionError as exc:
        raise EncryptedError(f"PDF encryption not supported: {reason(exc)}") from None
    except RecursionError:
        raise ExtractError("truncated or corrupt PDF: reference loop (recursion too deep)") from None
    except Exception as exc:  # garbage makes pdfminer raise anything from KeyError to PSEOF
        raise ExtractError(f"truncated or corrupt PDF: {reason(exc)}") from None


# --- pages ---------------------------------------------------------------------------------


def _pages(doc: PDFDocument, state: _State, pdf: Any = None) -> Iterator[Item]:
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
            state.problems.append(LimitExceeded(f"PDF has {_page_count(doc, number)} pages (limit {limit})"))
            return
        if isinstance(page.pageid, int):
            state.page_of_object[page.pageid] = number
        lines = None
        if number <= pdfium_pages:
            try:
                lines = _pdfium_page_lines(pdf, number - 1)
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
            yield from _page_items(lines, number)
        yield from state.guard(f"annotations of page {number}", _annotations, page.annots, number, state)


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


@dataclass(frozen=True, slots=True)
class _Piece:
    """A horizontally separate run of text within a line: a table cell candidate."""

    text: str
    x0: float
    x1: float
    height: float
    hidden: str | None = None


@dataclass(frozen=True, slots=True)
class _Line:
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
    pieces: tuple[_Piece, ...]
    hidden: str | None = None
    vertical: bool = False

    @property
    def centre(self) -> float:
        return (self.y0 + self.y1) / 2

    @property
    def height(self) -> float:
        return max(self.y1 - self.y0, 0.1)


@dataclass(frozen=True, slots=True)
class _Ruling:
    """A vertical stroke (table border) at x from y0 to y1."""

    x: float
    y0: float
    y1: float


@dataclass
class _PageArt:
    """What besides text a page draws that matters for reading its text."""

    covers: list[LTComponent] = field(default_factory=list)  # filled shapes and images text may sit on
    rulings: list[_Ruling] = field(default_factory=list)  # sorted by x once collected


_GAP_EM = 0.8  # a gap wider than 0.8 x font size between two glyphs separates table cells
_RULING_MAX_WIDTH = 2.0


def _lt_page_lines(page: LTPage) -> list[_Line]:
    """The text lines of a laid-out page, each marked hidden when most of its characters are."""
    boxes: list[LTTextBox | LTTextLine] = []
    art = _PageArt()
    _lt_collect(page, boxes, art)
    art.rulings.sort(key=lambda r: r.x)
    lines: list[_Line] = []
    for index, box in enumerate(boxes):
        for line in box if isinstance(box, LTTextBox) else (box,):
            if not isinstance(line, LTTextLine):
                continue
            text = line.get_text().rstrip("\n")
            if not text.strip():
                continue
            pieces, hidden = _lt_pieces(line, page, art)
            lines.append(_Line(text=text, x0=line.x0, y0=line.y0, x1=line.x1, y1=line.y1, box=index,
                               pieces=pieces, hidden=hidden, vertical=isinstance(line, LTTextLineVertical)))
    return lines


def _lt_collect(container: Iterable[Any], boxes: list[LTTextBox | LTTextLine], art: _PageArt) -> None:
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
                if obj.width <= _RULING_MAX_WIDTH:
                    art.rulings.append(_Ruling((obj.x0 + obj.x1) / 2, obj.y0, obj.y1))
                elif isinstance(obj, LTRect):  # a cell frame: both sides are borders
                    art.rulings += [_Ruling(obj.x0, obj.y0, obj.y1), _Ruling(obj.x1, obj.y0, obj.y1)]


def _lt_pieces(line: LTTextLine, page: LTPage, art: _PageArt) -> tuple[tuple[_Piece, ...], str | None]:
    """Cut the line where glyphs are far apart or a border runs between them; find hidden text."""
    groups: list[list[Any]] = [[]]
    previous: LTChar | None = None
    for obj in line:
        if isinstance(obj, LTChar) and not obj.get_text().isspace():
            if previous is not None and _lt_separated(previous, obj, art.rulings):
                groups.append([])
            previous = obj
        groups[-1].append(obj)
    pieces: list[_Piece] = []
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
        hidden = _majority(counts, (x0 + x1) / 2, (y0 + y1) / 2, art)
        pieces.append(_Piece(text=text, x0=x0, x1=x1, height=max(y1 - y0, 0.1), hidden=hidden))
    return tuple(pieces), _majority(reasons, (line.x0 + line.x1) / 2, (line.y0 + line.y1) / 2, art)


def _lt_separated(left: LTChar, right: LTChar, rulings: Sequence[_Ruling]) -> bool:
    if right.x0 - left.x1 > _GAP_EM * max(left.height, right.height):
        return True
    return _ruling_between(left, right, rulings)


def _majority(reasons: Counter[str | None], x: float, y: float, art: _PageArt) -> str | None:
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


# --- pypdfium2 backend: positioned text lines from PDFium --------------------------------------
#
# PDFium gives characters with positions; the lines and text boxes pdfminer's layout analysis
# would build are rebuilt here with the same rules (LAParams defaults: char_margin 2.0,
# line_overlap 0.5, word_margin 0.1, line_margin 0.5), so the backend-neutral code below sees
# the same kind of `_Line`s. Only the text layout comes from PDFium: annotations, form fields,
# metadata, attachments and the encryption verdict stay with pdfminer's (cheap) parser.

_CHAR_MARGIN = 2.0
_LINE_OVERLAP = 0.5
_WORD_MARGIN = 0.1
_LINE_MARGIN = 0.5
_PDFIUM_OBJ_TEXT, _PDFIUM_OBJ_PATH, _PDFIUM_OBJ_IMAGE, _PDFIUM_OBJ_FORM = 1, 2, 3, 5


def _pdfium_open(data: bytes) -> Any:
    """A PDFium document, or None when pypdfium2 is missing, disabled or cannot open the file."""
    if _pdfium is None or os.environ.get("DOCSECRETS_PDF_BACKEND", "").lower() == "pdfminer":
        return None
    try:
        return _pdfium.PdfDocument(data)
    except Exception:  # PdfiumError on damaged or encrypted files: pdfminer's layout reads them
        return None


@dataclass(frozen=True, slots=True)
class _Box:
    """A filled shape or image text may sit on, in page layout coordinates."""

    x0: float
    y0: float
    x1: float
    y1: float
    image: bool = False


@dataclass(slots=True)
class _Glyph:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    width: float
    height: float  # also the font size, as pdfminer's LTChar.size
    hidden: str | None


def _pdfium_page_lines(pdf: Any, index: int) -> list[_Line]:
    page = pdf[index]
    try:
        transform, bounds = _pdfium_geometry(page)
        textpage = page.get_textpage()
        try:
            glyphs = _pdfium_glyphs(textpage.raw, transform, bounds)
        finally:
            textpage.close()
        if not glyphs:
            return []
        art = _PageArt()
        _pdfium_art(page.raw, transform, art)
    finally:
        page.close()
    art.rulings.sort(key=lambda r: r.x)
    return _glyph_lines(glyphs, art)


def _pdfium_geometry(page: Any) -> tuple[Callable[[float, float], tuple[float, float]], tuple[float, ...]]:
    """Page space -> upright layout space (as pdfminer rotates /Rotate pages), and the page box there."""
    x0, y0, x1, y1 = page.get_cropbox()
    rotation = page.get_rotation() % 360
    if rotation == 90:
        return (lambda x, y: (y - y0, x1 - x)), (0.0, 0.0, y1 - y0, x1 - x0)
    if rotation == 180:
        return (lambda x, y: (x1 - x, y1 - y)), (0.0, 0.0, x1 - x0, y1 - y0)
    if rotation == 270:
        return (lambda x, y: (y1 - y, x - x0)), (0.0, 0.0, y1 - y0, x1 - x0)
    return (lambda x, y: (x - x0, y - y0)), (0.0, 0.0, x1 - x0, y1 - y0)


_FAST_API: dict[str, Any] = {}


def _fast_api() -> dict[str, Any]:
    """The per-character PDFium calls, re-declared with plain pointer arguments (ints): ctypes
    converts those far faster than pypdfium2's typed pointers, and page objects become hashable."""
    if not _FAST_API:
        raw, p, i, u = _pdfium_raw, ctypes.c_void_p, ctypes.c_int, ctypes.POINTER(ctypes.c_uint)

        def declare(name: str, restype: Any, *argtypes: Any) -> Any:
            address = ctypes.cast(getattr(raw, name), ctypes.c_void_p).value
            if not address:
                raise RuntimeError(f"PDFium has no {name}")
            return ctypes.CFUNCTYPE(restype, *argtypes)(address)

        _FAST_API.update(
            count=declare("FPDFText_CountChars", i, p),
            text=declare("FPDFText_GetText", i, p, i, i, ctypes.POINTER(ctypes.c_ushort)),
            unicode=declare("FPDFText_GetUnicode", ctypes.c_uint, p, i),
            generated=declare("FPDFText_IsGenerated", i, p, i),
            box=declare("FPDFText_GetLooseCharBox", i, p, i, ctypes.POINTER(raw.FS_RECTF)),
            object=declare("FPDFText_GetTextObject", p, p, i),
            render_mode=declare("FPDFTextObj_GetTextRenderMode", i, p),
            fill=declare("FPDFText_GetFillColor", i, p, i, u, u, u, u),
        )
    return _FAST_API


def _pdfium_glyphs(textpage: Any, transform: Callable[[float, float], tuple[float, float]],
                   bounds: tuple[float, ...]) -> list[_Glyph | None]:
    """The page's characters in PDFium's order; None where PDFium inserted a line break."""
    api = _fast_api()
    handle = ctypes.cast(textpage, ctypes.c_void_p).value
    count = api["count"](handle)
    if count <= 0:
        return []
    buffer = (ctypes.c_ushort * (count + 1))()
    written = api["text"](handle, 0, count, buffer)
    codes: Sequence[int] = buffer[:count]
    if written != count + 1 or any(0xD800 <= c <= 0xDFFF for c in codes):  # not one unit per char
        codes = [api["unicode"](handle, k) for k in range(count)]
    rect = _pdfium_raw.FS_RECTF()
    rect_ref = ctypes.byref(rect)
    r, g, b, a = (ctypes.c_uint() for _ in range(4))
    r_ref, g_ref, b_ref, a_ref = (ctypes.byref(c) for c in (r, g, b, a))
    is_generated, loose_box, text_object = api["generated"], api["box"], api["object"]
    render_mode, fill_colour = api["render_mode"], api["fill"]
    px0, py0, px1, py1 = bounds
    dx, dy = transform(0.0, 0.0)
    dx, dy = -dx, -dy
    upright = transform(1.0, 1.0) == (1.0 + dx, 1.0 + dy)  # no /Rotate: a plain shift
    object_reasons: dict[int | None, str | None] = {}
    glyphs: list[_Glyph | None] = []
    for i, code in enumerate(codes):
        if code in (0x20, 0x0A, 0x0D, 0x02) and is_generated(handle, i) == 1:
            if code in (0x0A, 0x0D) and glyphs and glyphs[-1] is not None:
                glyphs.append(None)
            continue
        if code in (0, 0x0A, 0x0D, 0xFFFE, 0xFFFF):
            continue
        if not loose_box(handle, i, rect_ref):
            continue
        if upright:
            x0, y0, x1, y1 = rect.left - dx, rect.bottom - dy, rect.right - dx, rect.top - dy
            if x0 > x1:
                x0, x1 = x1, x0
            if y0 > y1:
                y0, y1 = y1, y0
        else:
            ax, ay = transform(rect.left, rect.bottom)
            bx, by = transform(rect.right, rect.top)
            x0, x1 = (ax, bx) if ax <= bx else (bx, ax)
            y0, y1 = (ay, by) if ay <= by else (by, ay)
        obj = text_object(handle, i)
        if obj in object_reasons:
            reason = object_reasons[obj]
        else:
            if obj and render_mode(obj) in (3, 7):
                reason = "invisible text"
            elif fill_colour(handle, i, r_ref, g_ref, b_ref, a_ref) and r.value >= 250 and g.value >= 250 \
                    and b.value >= 250 and a.value > 0:
                reason = "white text"
            else:
                reason = None
            if obj:
                object_reasons[obj] = reason
        # pdfminer's order: invisible, outside the page, white.
        if reason != "invisible text" and (x1 < px0 - 1 or x0 > px1 + 1 or y1 < py0 - 1 or y0 > py1 + 1):
            reason = "text outside the page"
        # The font size is the box height (as pdfminer's LTChar.size): FPDFText_GetFontSize is the
        # Tf operand, 1 for text scaled by its matrix instead.
        glyphs.append(_Glyph(chr(code), x0, y0, x1, y1, x1 - x0, max(y1 - y0, 0.1), reason))
    return glyphs


def _pdfium_art(page: Any, transform: Callable[[float, float], tuple[float, float]], art: _PageArt) -> None:
    raw = _pdfium_raw
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    box_refs = tuple(ctypes.byref(v) for v in (left, bottom, right, top))
    r, g, b, a = (ctypes.c_uint() for _ in range(4))
    colour = tuple(ctypes.byref(c) for c in (r, g, b, a))
    fillmode, stroke = ctypes.c_int(), ctypes.c_int()
    budget = [20_000]  # a page of a million path pieces (a map) is not worth walking

    def corners(matrices: list[Any]) -> tuple[float, float, float, float]:
        points = [(left.value, bottom.value), (right.value, bottom.value), (left.value, top.value),
                  (right.value, top.value)]
        for m in matrices:  # innermost form first
            points = [(m.a * x + m.c * y + m.e, m.b * x + m.d * y + m.f) for x, y in points]
        points = [transform(x, y) for x, y in points]
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        return min(xs), min(ys), max(xs), max(ys)

    def walk(count: int, get: Callable[[int], Any], matrices: list[Any], depth: int) -> None:
        for i in range(count):
            budget[0] -= 1
            if budget[0] < 0:
                return
            obj = get(i)
            if not obj:
                continue
            kind = raw.FPDFPageObj_GetType(obj)
            if kind == _PDFIUM_OBJ_FORM:
                if depth < 8:
                    matrix = raw.FS_MATRIX()
                    inner = [matrix, *matrices] if raw.FPDFPageObj_GetMatrix(obj, ctypes.byref(matrix)) else matrices
                    walk(raw.FPDFFormObj_CountObjects(obj), functools.partial(raw.FPDFFormObj_GetObject, obj),
                         inner, depth + 1)
                continue
            if kind not in (_PDFIUM_OBJ_PATH, _PDFIUM_OBJ_IMAGE) or not raw.FPDFPageObj_GetBounds(obj, *box_refs):
                continue
            x0, y0, x1, y1 = corners(matrices)
            if kind == _PDFIUM_OBJ_IMAGE:
                art.covers.append(_Box(x0, y0, x1, y1, image=True))  # type: ignore[arg-type]
                continue
            if not raw.FPDFPath_GetDrawMode(obj, ctypes.byref(fillmode), ctypes.byref(stroke)):
                continue
            filled = fillmode.value != 0
            if filled and not (raw.FPDFPageObj_GetFillColor(obj, *colour) and r.value >= 250 and g.value >= 250
                               and b.value >= 250):
                art.covers.append(_Box(x0, y0, x1, y1))  # type: ignore[arg-type]
            if y1 - y0 > 2 and (filled or stroke.value):
                if x1 - x0 <= _RULING_MAX_WIDTH:
                    art.rulings.append(_Ruling((x0 + x1) / 2, y0, y1))
                elif _pdfium_is_rect(obj):
                    art.rulings += [_Ruling(x0, y0, y1), _Ruling(x1, y0, y1)]

    walk(raw.FPDFPage_CountObjects(page), lambda j: raw.FPDFPage_GetObject(page, j), [], 0)


def _pdfium_is_rect(path: Any) -> bool:
    """A path of at most one move and four straight lines: a rectangle (pdfminer's LTRect), near enough."""
    raw = _pdfium_raw
    count = raw.FPDFPath_CountSegments(path)
    if not 4 <= count <= 5:
        return False
    return all(raw.FPDFPathSegment_GetType(raw.FPDFPath_GetPathSegment(path, i)) != raw.FPDF_SEGMENT_BEZIERTO
               for i in range(count))


def _glyph_lines(glyphs: Sequence[_Glyph | None], art: _PageArt) -> list[_Line]:
    """Characters -> text lines -> text boxes, by pdfminer's rules, as `_Line`s box by box."""
    runs: list[list[_Glyph]] = []
    previous: _Glyph | None = None
    for glyph in glyphs:
        if glyph is None:
            continue
        if previous is not None:  # pdfminer's `halign`: overlapping vertically enough, close horizontally
            overlap = (glyph.y1 if glyph.y1 < previous.y1 else previous.y1) - \
                (glyph.y0 if glyph.y0 > previous.y0 else previous.y0)
            if overlap > 0 and overlap > _LINE_OVERLAP * (
                    previous.height if previous.height < glyph.height else glyph.height) and (
                    (previous.x0 if previous.x0 > glyph.x0 else glyph.x0)
                    - (previous.x1 if previous.x1 < glyph.x1 else glyph.x1)
                    < _CHAR_MARGIN * (previous.width if previous.width > glyph.width else glyph.width)):
                runs[-1].append(glyph)
                previous = glyph
                continue
        runs.append([glyph])
        previous = glyph
    raw_lines = [line for line in (_run_line(run, art) for run in runs) if line is not None]
    boxes = _text_boxes([(x0, y0, x1, y1) for _t, x0, y0, x1, y1, _p, _h in raw_lines])
    lines: list[_Line] = []
    for box_index, members in enumerate(boxes):
        for i in sorted(members, key=lambda k: -raw_lines[k][4]):
            text, x0, y0, x1, y1, pieces, hidden = raw_lines[i]
            lines.append(_Line(text=text, x0=x0, y0=y0, x1=x1, y1=y1, box=box_index, pieces=pieces, hidden=hidden))
    return lines


def _run_line(run: Sequence[_Glyph], art: _PageArt
              ) -> tuple[str, float, float, float, float, tuple[_Piece, ...], str | None] | None:
    """One line's text (a space where glyphs are a word apart: pdfminer's word_margin), box, and
    pieces cut at wide gaps and rulings as `_lt_pieces` cuts them, with their hidden reasons."""
    rulings = art.rulings
    line_parts: list[str] = []
    groups: list[tuple[list[str], list[_Glyph]]] = [([], [])]
    last_x1: float | None = None
    previous: _Glyph | None = None  # the previous glyph that is not a space
    x0 = y0 = float("inf")
    x1 = y1 = float("-inf")
    for glyph in run:
        text = glyph.text
        space = text.isspace()
        if not space and previous is not None:
            gap = glyph.x0 - previous.x1
            if gap > _GAP_EM * (previous.height if previous.height > glyph.height else glyph.height) or (
                    rulings and _ruling_between(previous, glyph, rulings)):
                groups.append(([], []))
        parts, marks = groups[-1]
        if not space and last_x1 is not None and last_x1 < glyph.x0 - _WORD_MARGIN * (
                glyph.width if glyph.width > glyph.height else glyph.height) \
                and line_parts and not line_parts[-1].isspace():
            line_parts.append(" ")
            if parts:
                parts.append(" ")
        line_parts.append(text)
        parts.append(text)
        if not space:
            marks.append(glyph)
            previous = glyph
        last_x1 = glyph.x1
        if glyph.x0 < x0:
            x0 = glyph.x0
        if last_x1 > x1:
            x1 = last_x1
        if glyph.y0 < y0:
            y0 = glyph.y0
        if glyph.y1 > y1:
            y1 = glyph.y1
    line_text = "".join(line_parts)
    if not line_text.strip():
        return None
    pieces: list[_Piece] = []
    reasons: Counter[str | None] = Counter()
    for parts, marks in groups:
        text = "".join(parts).strip()
        if not text or not marks:
            continue
        gx0, gx1 = min(g.x0 for g in marks), max(g.x1 for g in marks)
        gy0, gy1 = min(g.y0 for g in marks), max(g.y1 for g in marks)
        counts = Counter(g.hidden for g in marks)
        reasons.update(counts)
        hidden = _majority(counts, (gx0 + gx1) / 2, (gy0 + gy1) / 2, art) if (
            counts.get(None, 0) * 2 < len(marks)) else None
        pieces.append(_Piece(text=text, x0=gx0, x1=gx1, height=max(gy1 - gy0, 0.1), hidden=hidden))
    if not pieces:
        return None
    hidden = _majority(reasons, (x0 + x1) / 2, (y0 + y1) / 2, art) if (
        reasons.get(None, 0) * 2 < sum(reasons.values())) else None
    return line_text, x0, y0, x1, y1, tuple(pieces), hidden


def _ruling_between(left: _Glyph | LTChar, right: _Glyph | LTChar, rulings: Sequence[_Ruling]) -> bool:
    """A vertical table border runs between two characters of one line."""
    y = (right.y0 + right.y1) / 2
    index = bisect.bisect_left(rulings, left.x1 - 1, key=lambda r: r.x)
    while index < len(rulings) and rulings[index].x <= right.x0 + 1:
        ruling = rulings[index]
        if ruling.y0 <= y <= ruling.y1 and (left.x0 + left.x1) / 2 < ruling.x < (right.x0 + right.x1) / 2:
            return True
        index += 1
    return False


def _text_boxes(lines: Sequence[tuple[float, float, float, float]]) -> list[list[int]]:
    """Group lines into text boxes as pdfminer does: neighbours within half a line height
    vertically, overlapping horizontally, of the same height and aligned left, right or centre."""
    owner = list(range(len(lines)))

    def root(i: int) -> int:
        while owner[i] != i:
            owner[i] = owner[owner[i]]
            i = owner[i]
        return i

    order = sorted(range(len(lines)), key=lambda k: lines[k][1])  # by y0
    y0s = [lines[k][1] for k in order]
    max_height = max((y1 - y0 for _x0, y0, _x1, y1 in lines), default=0.0)
    for i, (x0, y0, x1, y1) in enumerate(lines):
        d = _LINE_MARGIN * (y1 - y0)
        start = bisect.bisect_left(y0s, y0 - d - max_height)
        for position in range(start, len(order)):
            j = order[position]
            ox0, oy0, ox1, oy1 = lines[j]
            if oy0 >= y1 + d:
                break
            if j == i or x1 <= ox0 or ox1 <= x0 or oy1 <= y0 - d:
                continue
            if abs((y1 - y0) - (oy1 - oy0)) > d:
                continue
            if abs(x0 - ox0) <= d or abs(x1 - ox1) <= d or abs((x0 + x1) - (ox0 + ox1)) / 2 <= d:
                a, b = root(i), root(j)
                if a != b:
                    owner[max(a, b)] = min(a, b)
    boxes: dict[int, list[int]] = {}
    for i in range(len(lines)):
        boxes.setdefault(root(i), []).append(i)
    return list(boxes.values())


# --- rows, columns, paragraphs (backend-neutral) ------------------------------------------------


def _page_items(lines: Sequence[_Line], page: int) -> Iterator[Item]:
    rows = _visual_rows(lines)
    line_numbers = _line_numbers(lines, rows)
    pieces = [_pieces(row) for row in rows]
    tabular = _tabular_rows(rows, pieces)
    # A one-line box that is a table cell is already scanned as that cell.
    cells = {id(line) for i in tabular for line in rows[i] if len(line.pieces) == 1}
    yield from _paragraphs(lines, line_numbers, page, skip=cells)
    yield from _table_rows(pieces, tabular, page)


def _visual_rows(lines: Sequence[_Line]) -> list[list[_Line]]:
    """Horizontal lines grouped top to bottom by vertical centre, each row sorted left to right."""
    ordered = sorted((line for line in lines if not line.vertical), key=lambda ln: (-ln.centre, ln.x0))
    rows: list[list[_Line]] = []
    for line in ordered:
        if rows:
            first = rows[-1][0]
            if abs(first.centre - line.centre) <= _ROW_TOLERANCE * (first.height + line.height) / 2:
                rows[-1].append(line)
                continue
        rows.append([line])
    for row in rows:
        row.sort(key=lambda ln: ln.x0)
    return rows


def _line_numbers(lines: Sequence[_Line], rows: Sequence[Sequence[_Line]]) -> dict[int, int]:
    """id(line) -> 1-based visual row on the page; vertical lines take the row level with their top."""
    numbers = {id(line): index for index, row in enumerate(rows, 1) for line in row}
    tops = [-row[0].centre for row in rows]  # ascending
    for line in lines:
        if line.vertical:
            numbers[id(line)] = max(1, bisect.bisect_left(tops, -line.y1) + 1)
    return numbers


def _paragraphs(lines: Sequence[_Line], line_numbers: dict[int, int], page: int, *,
                skip: set[int]) -> Iterator[Segment]:
    """One Segment per text box, split where the box changes from visible to hidden text."""
    box_sizes = Counter(line.box for line in lines)
    runs: list[list[_Line]] = []
    for line in lines:
        if box_sizes[line.box] == 1 and id(line) in skip:
            continue
        last = runs[-1][-1] if runs else None
        if last is not None and last.box == line.box and last.hidden == line.hidden:
            runs[-1].append(line)
        else:
            runs.append([line])
    numbered = sorted(((line_numbers[id(run[0])], run[0].x0, index) for index, run in enumerate(runs)))
    for number, _x0, index in numbered:
        run = runs[index]
        yield Segment(text="\n".join(line.text.strip() for line in run), location=Location(page=page, line=number),
                      hidden=run[0].hidden)


def _table_rows(pieces: Sequence[Sequence[_Piece]], tabular: Sequence[int], page: int) -> Iterator[Row]:
    columns = _columns([pieces[i] for i in tabular])
    part = f"page {page}"
    for index, row_columns in zip(tabular, columns):
        cells = tuple(Cell(text=piece.text, column=column, hidden=piece.hidden)
                      for piece, column in zip(pieces[index], row_columns))
        hidden = cells[0].hidden if all(c.hidden for c in cells) else None
        yield Row(cells=cells, location=Location(part=part, page=page, row=index + 1), table=part, hidden=hidden)


def _pieces(row: Sequence[_Line]) -> list[_Piece]:
    """The row's pieces left to right; pieces that overlap horizontally (overprint) are merged."""
    pieces: list[_Piece] = []
    for piece in sorted((p for line in row for p in line.pieces), key=lambda p: p.x0):
        if pieces and piece.x0 < pieces[-1].x1 - 0.5:
            last = pieces[-1]
            pieces[-1] = _Piece(text=f"{last.text} {piece.text}", x0=last.x0, x1=max(last.x1, piece.x1),
                                height=max(last.height, piece.height), hidden=last.hidden or piece.hidden)
        else:
            pieces.append(piece)
    return pieces


def _tabular_rows(rows: Sequence[Sequence[_Line]], pieces: Sequence[Sequence[_Piece]]) -> list[int]:
    """Indices of rows to yield as table rows.

    A row with two or more pieces is tabular. A one-piece row between two tabular rows, with
    no large vertical gap on the way, is a table row whose other cells are empty (the value
    under "Mot de passe" with no user name), so it is yielded too.
    """
    multi = [i for i, p in enumerate(pieces) if len(p) >= 2]
    chosen = set(multi)
    for start, end in zip(multi, multi[1:]):
        if end - start > 1 and all(_close(rows[i], rows[i + 1]) for i in range(start, end)):
            chosen.update(range(start + 1, end))
    return sorted(chosen)


def _close(upper: Sequence[_Line], lower: Sequence[_Line]) -> bool:
    height = max(line.height for line in (*upper, *lower))
    return upper[0].centre - lower[0].centre <= 3 * height


def _columns(rows: Sequence[Sequence[_Piece]]) -> list[list[int]]:
    """Page-wide 1-based column numbers for the pieces of the table rows.

    Heuristic: pieces whose left edges are within a small tolerance (left-aligned cells) form
    a column; then two columns merge when their horizontal spans overlap (a centred header
    over left-aligned values, right-aligned numbers) and no row has pieces in both, which is
    what keeps two real columns apart. Columns are numbered left to right.
    """
    flat = [(piece.x0, piece.x1, row_index, piece_index)
            for row_index, row in enumerate(rows) for piece_index, piece in enumerate(row)]
    if not flat:
        return []
    tolerance = min(max(0.3 * median(p.height for row in rows for p in row), 1.0), 5.0)
    clusters: list[_Column] = []
    for x0, x1, row_index, piece_index in sorted(flat):
        current = clusters[-1] if clusters else None
        if current is None or x0 - current.last_x0 > tolerance or row_index in current.rows:
            current = _Column()
            clusters.append(current)
        current.add(x0, x1, row_index, piece_index)
    clusters = _merge_overlapping(clusters)
    clusters.sort(key=lambda c: c.x0)
    numbers = [[0] * len(row) for row in rows]
    for column_number, cluster in enumerate(clusters, 1):
        for row_index, piece_index in cluster.members:
            numbers[row_index][piece_index] = column_number
    return numbers


@dataclass
class _Column:
    x0: float = float("inf")
    x1: float = float("-inf")
    last_x0: float = float("-inf")
    rows: set[int] = field(default_factory=set)
    members: list[tuple[int, int]] = field(default_factory=list)

    def add(self, x0: float, x1: float, row_index: int, piece_index: int) -> None:
        self.x0, self.x1, self.last_x0 = min(self.x0, x0), max(self.x1, x1), x0
        self.rows.add(row_index)
        self.members.append((row_index, piece_index))

    def absorb(self, other: _Column) -> None:
        self.x0, self.x1 = min(self.x0, other.x0), max(self.x1, other.x1)
        self.rows |= other.rows
        self.members += other.members


def _merge_overlapping(clusters: list[_Column], *, max_clusters: int = 400) -> list[_Column]:
    """Merge overlapping clusters that never share a row, the most overlapping pairs first."""
    if len(clusters) > max_clusters:  # a page of scattered glyphs, not a table: keep x0 clusters
        return clusters
    pairs: list[tuple[float, int, int]] = []
    for i, left in enumerate(clusters):
        for j in range(i + 1, len(clusters)):
            right = clusters[j]
            overlap = min(left.x1, right.x1) - max(left.x0, right.x0)
            if overlap > 0:
                pairs.append((overlap / max(min(left.x1 - left.x0, right.x1 - right.x0), 0.1), i, j))
    owner = list(range(len(clusters)))  # index of the cluster each one was merged into

    def root(i: int) -> int:
        while owner[i] != i:
            i = owner[i]
        return i

    for _share, i, j in sorted(pairs, reverse=True):
        a, b = root(i), root(j)
        if a != b and not clusters[a].rows & clusters[b].rows:
            clusters[a].absorb(clusters[b])
            owner[b] = a
    return [c for index, c in enumerate(clusters) if owner[index] == index]


# --- annotations, form fields, properties, attachments -------------------------------------------


def _annotations(annots: object, page: int, state: _State) -> Iterator[Item]:
    for ref, annot in _resolved_list(annots):
        if not isinstance(annot, dict):
            continue
        if ref is not None:
            state.page_of_object[ref] = page
        subtype = _name(annot.get("Subtype")) or "annotation"
        location = Location(page=page, part="annotation")
        if subtype == "Widget":
            if ref is not None:
                state.widgets.append((ref, annot))
            continue
        if subtype == "Popup":
            continue  # repeats its parent's /Contents
        if subtype == "Link":
            uri = _text(_get(_get(annot, "A"), "URI"))
            if uri:
                yield Segment(text=uri, location=location, hidden="link target")
            continue
        author = _text(annot.get("T"))
        hidden = f"PDF annotation ({subtype}) by {author}" if author else f"PDF annotation ({subtype})"
        contents = _text(annot.get("Contents"))
        if contents:
            yield Segment(text=contents, location=location, hidden=hidden)
        rich = _rich_text(_text(annot.get("RC")))
        if rich and " ".join(rich.split()) != " ".join((contents or "").split()):
            yield Segment(text=rich, location=location, hidden=hidden)
        if subtype == "FileAttachment":
            yield from _attachment(annot.get("FS"), None, state)


def _form_fields(doc: PDFDocument, state: _State) -> Iterator[Item]:
    fields = _get(_get(doc.catalog, "AcroForm"), "Fields")
    for ref, node in _resolved_list(fields):
        yield from _field(ref, node, (), state, depth=0)
    # Widgets whose field is missing from /AcroForm /Fields still hold a value people typed.
    for ref, widget in state.widgets:
        if ref not in state.fields_seen:
            top_ref, top = _field_root(ref, widget)
            yield from _field(top_ref, top, (), state, depth=0)


def _field_root(ref: int | None, node: dict[str, Any]) -> tuple[int | None, dict[str, Any]]:
    """The top of a widget's /Parent chain: the field that holds its name and value."""
    for _ in range(_MAX_TREE_DEPTH):
        parent_ref = node.get("Parent")
        parent = resolve1(parent_ref)
        if not isinstance(parent, dict):
            break
        ref, node = _ref_id(parent_ref), parent
    return ref, node


def _field(ref: int | None, node: object, parents: tuple[str, ...], state: _State, *, depth: int) -> Iterator[Item]:
    if not isinstance(node, dict) or depth >= _MAX_TREE_DEPTH:
        return
    if ref is not None:
        if ref in state.fields_seen:
            return  # a /Kids loop or a field listed twice
        state.fields_seen.add(ref)
    partial = _text(node.get("T"))
    names = (*parents, partial) if partial else parents
    value = _field_value(node.get("V"))
    if value and names:
        page = state.page_of_object.get(ref) if ref is not None else None
        kids = [kid_ref for kid_ref, _kid in _resolved_list(node.get("Kids"))]
        page = page or next((state.page_of_object[k] for k in kids if k in state.page_of_object), None)
        if page is None:
            page = state.page_of_object.get(_ref_id(node.get("P")) or -1)
        full_name = ".".join(names)
        yield Segment(text=f"{names[-1]}: {value}", location=Location(page=page, part="form field"),
                      hidden=f"PDF form field '{full_name}'")
    for kid_ref, kid in _resolved_list(node.get("Kids")):
        yield from _field(kid_ref, kid, names, state, depth=depth + 1)


def _field_value(value: object) -> str | None:
    value = resolve1(value)
    if isinstance(value, list):  # multi-select choice
        texts = [t for t in (_text(v) for v in value) if t]
        return ", ".join(texts) or None
    if isinstance(value, PSLiteral):
        return None  # check box / radio state names (/Yes, /Off): never typed by a person
    if isinstance(value, PDFStream):
        return _rich_text(_text(value))
    text = _text(value)
    return text if text and text.strip() else None


def _info(doc: PDFDocument, state: _State) -> Iterator[Item]:
    seen: set[tuple[str, str]] = set()
    for info in doc.info:
        for key, raw in info.items():
            name = _name(key) or str(key)
            value = _text(raw)
            if name in _SKIPPED_INFO_KEYS or not value or not value.strip() or (name, value) in seen:
                continue
            seen.add((name, value))
            state.values_seen.add(value.strip())
            yield Segment(text=f"{name}: {value}", location=Location(part="document info"),
                          hidden=f"document property '{name}'")


def _xmp(doc: PDFDocument, state: _State) -> Iterator[Item]:
    stream = resolve1(doc.catalog.get("Metadata"))
    if not isinstance(stream, PDFStream):
        return
    data = _stream_data(stream, "XMP metadata", state)
    if data is None or not data.strip():
        return
    root = _xmp_root(data)
    location = Location(part="XMP metadata")
    for name, value in _xmp_properties(root):
        if name in _SKIPPED_XMP or value in state.values_seen:
            continue
        state.values_seen.add(value)
        yield Segment(text=f"{name}: {value}", location=location, hidden="XMP metadata")


def _xmp_root(data: bytes) -> Any:
    """Parse an XMP packet, forgiving what writers commonly get wrong (a mangled BOM in the
    xpacket header, NUL padding, bytes that do not match the declared encoding)."""
    data = _XPACKET.sub(b"", data).strip(b"\x00 \r\n\t")
    try:
        return _xml.parse(data)
    except LimitExceeded:
        raise
    except ExtractError:
        text = _XML_INVALID.sub("", data.decode("utf-8", "replace"))
        text = _XML_DECLARATION.sub("", text.lstrip())  # its encoding no longer holds
        return _xml.parse(text.encode("utf-8"))


def _xmp_properties(root: Any) -> Iterator[tuple[str, str]]:
    """(property, text) for every non-empty text node and rdf:Description attribute."""
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue  # comments, processing instructions
        if _xml.local(element.tag) == "Description":
            for attribute, value in element.attrib.items():
                if not _xmp_bookkeeping(str(attribute)) and str(value).strip():
                    yield _xml.local(attribute), str(value).strip()
        text = (element.text or "").strip()
        tag = str(_xmp_property(element).tag)
        if text and len(element) == 0 and not _xmp_bookkeeping(tag):
            yield _xml.local(tag), text


def _xmp_bookkeeping(tag: str) -> bool:
    """RDF syntax, PDF/A extension schema descriptions and edit history: never typed by a person."""
    return tag.startswith(_XMP_BOOKKEEPING)


def _xmp_property(element: Any) -> Any:
    """The property an rdf:li / rdf:Alt value belongs to (dc:subject for a keyword)."""
    while element.getparent() is not None and str(element.tag).startswith("{" + _RDF):
        element = element.getparent()
    return element


def _embedded_files(doc: PDFDocument, state: _State) -> Iterator[Item]:
    tree = _get(_get(doc.catalog, "Names"), "EmbeddedFiles")
    for key, spec in _name_tree(tree, depth=0, seen=set()):
        yield from state.guard(f"attachment {key!r}", _attachment, spec, key, state)


def _name_tree(node: object, *, depth: int, seen: set[int]) -> Iterator[tuple[str | None, object]]:
    node = resolve1(node)
    if not isinstance(node, dict) or depth >= _MAX_TREE_DEPTH:
        return
    names = resolve1(node.get("Names"))
    if isinstance(names, list):
        for i in range(0, len(names) - 1, 2):
            yield _text(names[i]), names[i + 1]
    for ref, kid in _resolved_list(node.get("Kids")):
        if ref is not None:
            if ref in seen:
                continue
            seen.add(ref)
        yield from _name_tree(kid, depth=depth + 1, seen=seen)


def _attachment(spec: object, key: str | None, state: _State) -> Iterator[Item]:
    spec = resolve1(spec)
    if not isinstance(spec, dict):
        return
    files = resolve1(spec.get("EF"))
    if not isinstance(files, dict):
        return  # a reference to an external file: nothing inside this PDF
    stream = resolve1(files.get("UF") or files.get("F"))
    if not isinstance(stream, PDFStream):
        return
    if stream.objid is not None:
        if stream.objid in state.files_seen:
            return  # listed both in /EmbeddedFiles and as a FileAttachment annotation
        state.files_seen.add(stream.objid)
    name = _text(spec.get("UF")) or _text(spec.get("F")) or key or "attachment"
    data = _stream_data(stream, f"attachment {name!r}", state)
    if data is not None:
        yield Member(name=name, data=data, hidden="PDF attachment")


def _stream_data(stream: PDFStream, what: str, state: _State) -> bytes | None:
    """Decoded stream bytes within max_part_size (else a LimitExceeded is recorded), charged to the budget."""
    limit = state.ctx.limits.max_part_size
    if _inflates_past(stream, limit):
        state.problems.append(LimitExceeded(f"{what} inflates past {limit:,} bytes"))
        return None
    data = stream.get_data()
    if len(data) > limit:
        state.problems.append(LimitExceeded(f"{what} is {len(data):,} bytes (limit {limit:,})"))
        return None
    state.ctx.budget.charge(len(data))
    return data


def _inflates_past(stream: PDFStream, limit: int) -> bool:
    """Inflate a Flate stream in chunks, keeping nothing, to refuse a bomb before pdfminer
    decompresses it whole in memory."""
    filters = stream.get_filters()
    raw = stream.rawdata
    if not filters or filters[0][0] not in LITERALS_FLATE_DECODE or raw is None:
        return False
    if stream.decipher is not None and stream.objid is not None and stream.genno is not None:
        raw = stream.decipher(stream.objid, stream.genno, raw, stream.attrs)
    inflater = zlib.decompressobj()
    size, pending = 0, raw
    try:
        while pending and size <= limit:
            size += len(inflater.decompress(pending, 1 << 20))
            pending = inflater.unconsumed_tail
    except zlib.error:
        return False  # pdfminer has its own recovery for damaged streams
    return size > limit


# --- PDF object helpers --------------------------------------------------------------------------


def _get(obj: object, key: str) -> object:
    obj = resolve1(obj)
    return resolve1(obj.get(key)) if isinstance(obj, dict) else None


def _ref_id(obj: object) -> int | None:
    return obj.objid if isinstance(obj, PDFObjRef) and isinstance(obj.objid, int) else None


def _resolved_list(obj: object) -> Iterator[tuple[int | None, object]]:
    """(object id or None, resolved object) for each entry of a PDF array."""
    items = resolve1(obj)
    if not isinstance(items, list):
        return
    for item in items:
        yield _ref_id(item), resolve1(item)


def _name(obj: object) -> str | None:
    obj = resolve1(obj)
    return obj.name if isinstance(obj, PSLiteral) and isinstance(obj.name, str) else None


def _text(obj: object) -> str | None:
    """A PDF text string as str: UTF-16 or UTF-8 with a byte order mark, else PDFDocEncoding."""
    obj = resolve1(obj)
    if isinstance(obj, PDFStream):
        obj = obj.get_data()
    if isinstance(obj, str):
        return obj
    if isinstance(obj, PSLiteral):
        return str(obj.name)
    if not isinstance(obj, bytes):
        return None
    if obj.startswith(b"\xfe\xff"):
        return obj[2:].decode("utf-16-be", "replace").replace("\x00", "")
    if obj.startswith(b"\xff\xfe"):
        return obj[2:].decode("utf-16-le", "replace").replace("\x00", "")
    if obj.startswith(b"\xef\xbb\xbf"):
        return obj[3:].decode("utf-8", "replace")
    return str(decode_text(obj))


def _rich_text(markup: str | None) -> str | None:
    """The words of an XHTML rich-text string (/RC), tags dropped."""
    if not markup:
        return None
    # Block elements end a line; inline ones (<b>, <span>) may sit inside a word.
    text = html.unescape(_TAG.sub("", _BLOCK_TAG.sub("\n", markup)))
    lines = (" ".join(line.split()) for line in text.splitlines())
    joined = "\n".join(line for line in lines if line)
    return joined or None

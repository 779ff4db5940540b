"""pypdfium2 backend: positioned characters from PDFium grouped into lines and text boxes."""

from __future__ import annotations

import bisect
import ctypes
import functools
import os
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from docsecrets.extract.common.reason import reason
from docsecrets.extract.pdf.lines import (GAP_EM, Glyph, Line, PageArt, Piece, RULING_MAX_WIDTH, Ruling,
                                          majority, ruling_between)

try:  # PDFium: page text ~30x faster than pdfminer's layout analysis (docs/performance.md)
    import pypdfium2 as _pdfium
    import pypdfium2.raw as _pdfium_raw
except Exception:  # pragma: no cover - an optional speed-up; pdfminer reads everything alone
    _pdfium = _pdfium_raw = None


# --- pypdfium2 backend: positioned text lines from PDFium --------------------------------------
#
# PDFium gives characters with positions; the lines and text boxes pdfminer's layout analysis
# would build are rebuilt here with the same rules (LAParams defaults: char_margin 2.0,
# line_overlap 0.5, word_margin 0.1, line_margin 0.5), so the backend-neutral code below sees
# the same kind of `Line`s. Only the text layout comes from PDFium: annotations, form fields,
# metadata, attachments and the encryption verdict stay with pdfminer's (cheap) parser.

_CHAR_MARGIN = 2.0
_LINE_OVERLAP = 0.5
_WORD_MARGIN = 0.1
_LINE_MARGIN = 0.5


_PDFIUM_OBJ_TEXT, _PDFIUM_OBJ_PATH, _PDFIUM_OBJ_IMAGE, _PDFIUM_OBJ_FORM = 1, 2, 3, 5


def pdfium_open(data: bytes) -> Any:
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


def pdfium_page_lines(pdf: Any, index: int) -> list[Line]:
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
        art = PageArt()
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
                   bounds: tuple[float, ...]) -> list[Glyph | None]:
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
    glyphs: list[Glyph | None] = []
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
        glyphs.append(Glyph(chr(code), x0, y0, x1, y1, x1 - x0, max(y1 - y0, 0.1), reason))
    return glyphs


def _pdfium_art(page: Any, transform: Callable[[float, float], tuple[float, float]], art: PageArt) -> None:
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
                if x1 - x0 <= RULING_MAX_WIDTH:
                    art.rulings.append(Ruling((x0 + x1) / 2, y0, y1))
                elif _pdfium_is_rect(obj):
                    art.rulings += [Ruling(x0, y0, y1), Ruling(x1, y0, y1)]

    walk(raw.FPDFPage_CountObjects(page), lambda j: raw.FPDFPage_GetObject(page, j), [], 0)


def _pdfium_is_rect(path: Any) -> bool:
    """A path of at most one move and four straight lines: a rectangle (pdfminer's LTRect), near enough."""
    raw = _pdfium_raw
    count = raw.FPDFPath_CountSegments(path)
    if not 4 <= count <= 5:
        return False
    return all(raw.FPDFPathSegment_GetType(raw.FPDFPath_GetPathSegment(path, i)) != raw.FPDF_SEGMENT_BEZIERTO
               for i in range(count))


def _glyph_lines(glyphs: Sequence[Glyph | None], art: PageArt) -> list[Line]:
    """Characters -> text lines -> text boxes, by pdfminer's rules, as `Line`s box by box."""
    runs: list[list[Glyph]] = []
    previous: Glyph | None = None
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
    lines: list[Line] = []
    for box_index, members in enumerate(boxes):
        for i in sorted(members, key=lambda k: -raw_lines[k][4]):
            text, x0, y0, x1, y1, pieces, hidden = raw_lines[i]
            lines.append(Line(text=text, x0=x0, y0=y0, x1=x1, y1=y1, box=box_index, pieces=pieces, hidden=hidden))
    return lines


def _run_line(run: Sequence[Glyph], art: PageArt
              ) -> tuple[str, float, float, float, float, tuple[Piece, ...], str | None] | None:
    """One line's text (a space where glyphs are a word apart: pdfminer's word_margin), box, and
    pieces cut at wide gaps and rulings as `_lt_pieces` cuts them, with their hidden reasons."""
    rulings = art.rulings
    line_parts: list[str] = []
    groups: list[tuple[list[str], list[Glyph]]] = [([], [])]
    last_x1: float | None = None
    previous: Glyph | None = None  # the previous glyph that is not a space
    x0 = y0 = float("inf")
    x1 = y1 = float("-inf")
    for glyph in run:
        text = glyph.text
        space = text.isspace()
        if not space and previous is not None:
            gap = glyph.x0 - previous.x1
            if gap > GAP_EM * (previous.height if previous.height > glyph.height else glyph.height) or (
                    rulings and ruling_between(previous, glyph, rulings)):
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
    pieces: list[Piece] = []
    reasons: Counter[str | None] = Counter()
    for parts, marks in groups:
        text = "".join(parts).strip()
        if not text or not marks:
            continue
        gx0, gx1 = min(g.x0 for g in marks), max(g.x1 for g in marks)
        gy0, gy1 = min(g.y0 for g in marks), max(g.y1 for g in marks)
        counts = Counter(g.hidden for g in marks)
        reasons.update(counts)
        hidden = majority(counts, (gx0 + gx1) / 2, (gy0 + gy1) / 2, art) if (
            counts.get(None, 0) * 2 < len(marks)) else None
        pieces.append(Piece(text=text, x0=gx0, x1=gx1, height=max(gy1 - gy0, 0.1), hidden=hidden))
    if not pieces:
        return None
    hidden = majority(reasons, (x0 + x1) / 2, (y0 + y1) / 2, art) if (
        reasons.get(None, 0) * 2 < sum(reasons.values())) else None
    return line_text, x0, y0, x1, y1, tuple(pieces), hidden


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

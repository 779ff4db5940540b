"""Word 97-2003 binary documents ([MS-DOC]): every story's text, tables, fields, properties.

The text lives in the WordDocument stream in pieces that the piece table (in the 1Table or
0Table stream) puts in character-position (CP) order. The FIB says how many CPs each story
takes: main text, footnotes, headers, comments, endnotes, text boxes. Paragraph properties
(in the same table stream) say which paragraphs sit in a table and which mark a row's end;
without them a heuristic on the cell marks takes over. A document whose piece table cannot
be read still gets its printable runs scanned ("raw text (fallback)").
"""

from __future__ import annotations

import itertools
import logging
import re
import struct
from bisect import bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from docsecrets.extract.common.partial import raise_collected
from docsecrets.extract.context import Context
from docsecrets.extract.ole.container import (OleFile, collect, embedded, has_stream, macros, open_ole, printable_runs,
                                    properties, read_stream)
from docsecrets.types import Cell, EncryptedError, ExtractError, Item, LimitExceeded, Location, Row, Segment

log = logging.getLogger(__name__)

_FIB_MAGIC = 0xA5EC
_WORD95_MAGIC = 0xA5DC
_F_ENCRYPTED, _F_WHICH_TABLE, _F_OBFUSCATED = 0x0100, 0x0200, 0x8000
_COMPRESSED = 0x40000000  # piece fc flag: 8-bit text at (fc & ~flag) / 2
# FibRgFcLcb97 indexes of the (fc, lcb) pairs used here
_PLCF_AND_REF, _PLCF_AND_TXT, _PLCF_HDD, _PLCF_BTE_CHPX, _PLCF_BTE_PAPX = 4, 5, 11, 12, 13
_CLX, _GRP_XST_ATN_OWNERS, _STTBF_RMARK = 33, 36, 51

# Stories in CP order: (part, hidden reason). The fourth count is reserved (old macro text).
_STORIES = (("body", None), ("footnotes", "footnote"), ("headers", "page header"), ("macros", "macro text"),
            ("comments", "comment"), ("endnotes", "endnote"), ("text boxes", "text box"),
            ("header text boxes", "text box in page header"))

_SPECIAL = re.compile("[\r\x07\x13\x14\x15]")
# \x0b line break and \x0c page/section break end a line; \x1e is a non-breaking hyphen, \x1f an
# optional one; other controls are anchors (pictures \x01, drawings \x08, notes \x02, comments \x05).
_CONTROLS = {c: None for c in range(32) if c not in (9, 10)} | {0x0B: "\n", 0x0C: "\n", 0x1E: "-"}


class _Unreadable(Exception):
    """The piece table cannot be used: fall back to raw text."""


@dataclass(frozen=True, slots=True)
class _Fib:
    flags: int
    counts: tuple[int, ...]  # ccpText, ccpFtn, ccpHdd, (reserved), ccpAtn, ccpEdn, ccpTxbx, ccpHdrTxbx
    fclcb: tuple[tuple[int, int], ...]

    def pair(self, index: int) -> tuple[int, int]:
        return self.fclcb[index] if index < len(self.fclcb) else (0, 0)


@dataclass(frozen=True, slots=True)
class _Piece:
    cp: int
    cp_end: int
    fc: int  # byte offset in the WordDocument stream
    compressed: bool


@dataclass(slots=True)
class _Field:
    outer: list[str] | None  # where the result goes: an enclosing instruction, or the paragraph
    code: list[str] = field(default_factory=list)
    in_result: bool = False


def extract(data: bytes, ctx: Context) -> Iterator[Item]:
    ole = open_ole(data)
    try:
        yield from _document(ole, ctx)
    finally:
        ole.close()


def _document(ole: OleFile, ctx: Context) -> Iterator[Item]:
    if not has_stream(ole, "WordDocument"):
        raise ExtractError("no WordDocument stream: not a Word 97-2003 document")
    if has_stream(ole, "\tDRMContent"):
        raise EncryptedError("rights-managed (IRM) Word document: its content is encrypted")
    word = read_stream(ole, "WordDocument", ctx)
    problems: list[ExtractError] = []
    fib = _parse_fib(word)
    try:
        if fib is None:
            raise _Unreadable("Word 6/95 or older format")
        table = _table_stream(ole, fib, ctx)
        text, pieces = _text(word, table, fib, problems)
    except _Unreadable as exc:
        log.info("%s: piece table unusable (%s), scanning raw text", ctx.name or "document", exc)
        yield from printable_runs(word)
    else:
        if text.count("\x07") > ctx.limits.max_cells:
            raise LimitExceeded(f"more than {ctx.limits.max_cells:,} table cells")
        yield from _stories(text, word=word, table=table, fib=fib, pieces=pieces)
    yield from collect(properties(ole, ctx), problems)
    yield from collect(embedded(ole, ctx, under="ObjectPool"), problems)
    yield from collect(macros(ole, ctx), problems)
    raise_collected(problems, most=None)


def _parse_fib(word: bytes) -> _Fib | None:
    """The FIB fields used here; None for pre-97 formats, whose FIB is laid out differently."""
    if len(word) < 34:
        raise ExtractError("truncated WordDocument stream (no FIB)")
    ident, n_fib = struct.unpack_from("<HH", word, 0)
    (flags,) = struct.unpack_from("<H", word, 0x0A)
    if ident not in (_FIB_MAGIC, _WORD95_MAGIC):
        raise ExtractError(f"WordDocument stream does not start with a FIB (0x{ident:04X})")
    if flags & _F_ENCRYPTED:
        raise EncryptedError("encrypted Word document" + (" (XOR obfuscation)" if flags & _F_OBFUSCATED else ""))
    if ident == _WORD95_MAGIC or n_fib < 101:
        return None
    try:
        pos = 32
        (csw,) = struct.unpack_from("<H", word, pos)
        pos += 2 + 2 * csw
        (cslw,) = struct.unpack_from("<H", word, pos)
        rglw = pos + 2
        pos = rglw + 4 * cslw
        (cb,) = struct.unpack_from("<H", word, pos)
        if cslw < 11 or cb <= _CLX:
            raise ExtractError(f"FIB too short ({cslw} counts, {cb} offsets)")
        counts = struct.unpack_from("<8i", word, rglw + 12)
        pairs = struct.unpack_from(f"<{2 * cb}I", word, pos + 2)
    except struct.error:
        raise ExtractError("truncated WordDocument stream (FIB)") from None
    return _Fib(flags=flags, counts=tuple(max(c, 0) for c in counts),
                fclcb=tuple(zip(pairs[0::2], pairs[1::2])))


def _table_stream(ole: OleFile, fib: _Fib, ctx: Context) -> bytes:
    name = "1Table" if fib.flags & _F_WHICH_TABLE else "0Table"
    if not has_stream(ole, name):
        raise _Unreadable(f"no {name} stream")
    return read_stream(ole, name, ctx)


def _text(word: bytes, table: bytes, fib: _Fib, problems: list[ExtractError]) -> tuple[str, list[_Piece]]:
    """All stories' text in CP order, from the piece table."""
    pieces = _pieces(table, fib)
    wanted = sum(fib.counts) + 1  # +1: the final paragraph mark after the last story
    parts: list[str] = []
    size = 0
    for piece in pieces:
        if size >= wanted:
            break
        count = min(piece.cp_end - piece.cp, wanted - size)
        if size + count > len(word):  # pieces re-reading the same bytes: a text bomb, not a document
            problems.append(ExtractError("piece table describes more text than the WordDocument stream holds (damaged file)"))
            break
        width = 1 if piece.compressed else 2
        raw = word[piece.fc:piece.fc + count * width]
        if len(raw) < count * width:
            problems.append(ExtractError("piece table points past the end of the WordDocument stream (damaged file)"))
            raw = raw[:len(raw) - len(raw) % width]
        parts.append(raw.decode("cp1252" if piece.compressed else "utf-16-le", "replace"))
        size += len(raw) // width
    return "".join(parts), pieces


def _pieces(table: bytes, fib: _Fib) -> list[_Piece]:
    fc, lcb = fib.pair(_CLX)
    clx = table[fc:fc + lcb]
    if not lcb or len(clx) < lcb:
        raise _Unreadable("no CLX in the table stream")
    pos = 0
    while pos + 3 <= len(clx) and clx[pos] == 0x01:  # Prc: property modifiers, skipped
        pos += 3 + struct.unpack_from("<H", clx, pos + 1)[0]
    if pos + 5 > len(clx) or clx[pos] != 0x02:
        raise _Unreadable("no piece table in the CLX")
    (size,) = struct.unpack_from("<I", clx, pos + 1)
    plc = clx[pos + 5:pos + 5 + size]
    if len(plc) < size or size < 16 or (size - 4) % 12:
        raise _Unreadable("truncated piece table")
    n = (size - 4) // 12
    cps = struct.unpack_from(f"<{n + 1}i", plc)
    pieces = []
    for i in range(n):
        (fc_raw,) = struct.unpack_from("<I", plc, 4 * (n + 1) + 8 * i + 2)
        if not 0 <= cps[i] < cps[i + 1]:
            raise _Unreadable(f"piece {i} has CPs out of order")
        compressed = bool(fc_raw & _COMPRESSED)
        offset = (fc_raw & ~_COMPRESSED) // 2 if compressed else fc_raw
        pieces.append(_Piece(cp=cps[i], cp_end=cps[i + 1], fc=offset, compressed=compressed))
    return pieces


# --- stories --------------------------------------------------------------------------------


def _stories(text: str, *, word: bytes, table: bytes, fib: _Fib, pieces: list[_Piece]) -> Iterator[Item]:
    formatting = _Formatting(word=word, table=table, fib=fib, pieces=pieces, text=text)
    table_numbers = itertools.count(1)
    spans = {"headers": _header_spans(table, fib), "comments": _comment_spans(table, fib)}
    start = 0
    for (part, hidden), count in zip(_STORIES, fib.counts):
        story = text[start:start + count]
        if story.strip():
            hidden_at = _hidden_lookup(spans.get(part, []), hidden)
            yield from _story(story, base=start, part=part, hidden_at=hidden_at, formatting=formatting,
                              table_numbers=table_numbers)
        start += count


def _story(text: str, *, base: int, part: str, hidden_at: Callable[[int], str | None],
           formatting: _Formatting, table_numbers: Iterator[int]) -> Iterator[Item]:
    """Paragraphs as Segments, table rows as Rows, field instructions as hidden Segments.

    `base` is the story's first CP; `hidden_at` gives the story's own hidden reason (a
    header, a comment's author) by story-relative CP.
    """
    fields: list[_Field] = []
    paragraph: list[str] = []
    spans: list[tuple[int, int]] = []  # CP ranges the paragraph's text came from
    line = 0
    para_start = base
    cells: list[tuple[str, str | None]] = []  # finished cells of the row being read
    cell_lines: list[str] = []  # paragraphs of the cell being read
    cell_spans: list[tuple[int, int]] = []
    table: str | None = None
    row = row_start = 0

    def target() -> list[str]:
        """Where text goes now: the paragraph, or the instruction of the innermost field."""
        if not fields:
            return paragraph
        top = fields[-1]
        if not top.in_result:
            return top.code
        return top.outer if top.outer is not None else paragraph

    def end_cell(last: str) -> None:
        nonlocal cell_lines, cell_spans
        cells.append(("\n".join([*cell_lines, last]).strip(), formatting.hidden(cell_spans)))
        cell_lines, cell_spans = [], []

    def end_row() -> Iterator[Row]:
        nonlocal row, cells
        if cell_lines:
            end_cell(cell_lines.pop())
        found = tuple(Cell(text=value, column=i + 1, hidden=reason) for i, (value, reason) in enumerate(cells) if value)
        cells = []
        row += 1
        if found and table is not None:
            yield Row(cells=found, location=Location(part=table, row=row), table=table,
                      hidden=hidden_at(row_start))

    if not text.endswith(("\r", "\x07")):
        text += "\r"
    pos = 0
    for match in _SPECIAL.finditer(text):
        into = target()
        if match.start() > pos:
            into.append(text[pos:match.start()])
            if into is paragraph:
                spans.append((base + pos, base + match.start()))
        pos = match.end()
        mark = match.group()
        if mark == "\x13":
            fields.append(_Field(outer=None if into is paragraph else into))
            continue
        if mark == "\x14":
            if fields:
                fields[-1].in_result = True
            continue
        if mark == "\x15":
            if fields:
                code = " ".join("".join(fields.pop().code).translate(_CONTROLS).split())
                if code:
                    yield Segment(text=code, location=Location(part=part, line=line + 1), hidden="field code")
            continue
        if into is not paragraph:  # a paragraph mark inside an instruction is just a space
            into.append(" ")
            continue
        cp = base + match.start()
        content = "".join(paragraph).translate(_CONTROLS).strip()
        paragraph.clear()
        info = formatting.paragraph(cp)
        if mark == "\x07":  # cell mark, or row-end mark
            kind = "row end" if (info[1] if info else not (content or cell_lines) and bool(cells)) else "cell"
        else:
            kind = "cell line" if (info[0] if info else bool(cells)) else "body"
        if kind == "row end":
            yield from end_row()
        elif kind == "body":
            line += 1
            if cells or cell_lines:
                yield from end_row()
            table = None
            if content:
                yield Segment(text=content, location=Location(part=part, line=line),
                              hidden=hidden_at(para_start - base) or formatting.hidden(spans))
        else:
            line += 1
            if not cells and not cell_lines:
                row_start = para_start - base
                if table is None:
                    table, row = f"table {next(table_numbers)}", 0
            cell_spans += spans
            if kind == "cell":
                end_cell(content)
            else:
                cell_lines.append(content)
        spans = []
        para_start = cp + 1
    if cells or cell_lines:
        yield from end_row()


def _hidden_lookup(spans: list[tuple[int, str]], default: str | None) -> Callable[[int], str | None]:
    """Story-relative CP -> hidden reason, from (start CP, reason) spans sorted by start."""
    starts = [s for s, _ in spans]

    def hidden_at(cp: int) -> str | None:
        i = bisect_right(starts, cp) - 1
        return spans[i][1] if i >= 0 else default

    return hidden_at


def _header_spans(table: bytes, fib: _Fib) -> list[tuple[int, str]]:
    """The header story holds 6 note separators, then 6 stories per section (PlcfHdd)."""
    cps = _cp_array(table, *fib.pair(_PLCF_HDD))
    kinds = ["note separator"] * 6 + ["page header", "page header", "page footer", "page footer",
                                      "page header", "page footer"]
    return [(cp, kinds[i] if i < 6 else kinds[6 + (i - 6) % 6]) for i, cp in enumerate(cps[:-1])]


def _comment_spans(table: bytes, fib: _Fib) -> list[tuple[int, str]]:
    """Each comment's start in the comment story and its author, where the file names one."""
    starts = _cp_array(table, *fib.pair(_PLCF_AND_TXT))
    fc, lcb = fib.pair(_PLCF_AND_REF)
    count = (lcb - 4) // 34 if lcb >= 4 else 0  # n+1 CPs then n 30-byte ATRDPre10
    authors = _xst_list(table, *fib.pair(_GRP_XST_ATN_OWNERS))
    spans = []
    for i in range(min(count, len(starts))):
        try:
            (ibst,) = struct.unpack_from("<H", table, fc + 4 * (count + 1) + 30 * i + 20)
        except struct.error:
            break
        author = authors[ibst] if ibst < len(authors) else ""
        spans.append((starts[i], f"comment by {author}" if author else "comment"))
    return spans


def _cp_array(table: bytes, fc: int, lcb: int) -> list[int]:
    if lcb < 4 or fc + lcb > len(table):
        return []
    return list(struct.unpack_from(f"<{lcb // 4}i", table, fc))


def _xst_list(table: bytes, fc: int, lcb: int) -> list[str]:
    names = []
    pos, end = fc, min(fc + lcb, len(table))
    while pos + 2 <= end:
        (cch,) = struct.unpack_from("<H", table, pos)
        names.append(table[pos + 2:pos + 2 + 2 * cch].decode("utf-16-le", "replace"))
        pos += 2 + 2 * cch
    return names


# --- formatting: table paragraphs, hidden characters ----------------------------------------


class _Formatting:
    """Paragraph and character properties (FKP pages) looked up by CP through the piece table."""

    def __init__(self, *, word: bytes, table: bytes, fib: _Fib, pieces: list[_Piece], text: str) -> None:
        self._pieces = pieces
        self._piece_starts = [p.cp for p in pieces]
        self._text = text
        self._paras = [(start, end, _papx_flags(grpprl))
                       for start, end, grpprl in _fkp_runs(word, table, fib.pair(_PLCF_BTE_PAPX), papx=True)]
        self._para_starts = [r[0] for r in self._paras]
        authors = _sttb(table, *fib.pair(_STTBF_RMARK))
        self._chars = [(start, end, reason)
                       for start, end, grpprl in _fkp_runs(word, table, fib.pair(_PLCF_BTE_CHPX), papx=False)
                       if (reason := _hidden_reason(grpprl, authors))]
        self._char_starts = [r[0] for r in self._chars]

    def paragraph(self, cp: int) -> tuple[bool, bool] | None:
        """(in a table, ends a table row) for the paragraph whose mark is at `cp`; None if unknown."""
        for _lo, fc, _end, _width in self._fc_ranges(cp, cp + 1):
            j = bisect_right(self._para_starts, fc) - 1
            if j >= 0 and fc < self._paras[j][1]:
                return self._paras[j][2]
        return None

    def hidden(self, spans: list[tuple[int, int]]) -> str | None:
        """Why some visible-looking character of these CP ranges is hidden, if one is."""
        for cp0, cp1 in spans:
            for lo, fc0, fc1, width in self._fc_ranges(cp0, cp1):
                j = max(bisect_right(self._char_starts, fc0) - 1, 0)
                while j < len(self._chars) and self._chars[j][0] < fc1:
                    start, end, reason = self._chars[j]
                    first = lo + (max(start, fc0) - fc0) // width
                    last = lo + (min(end, fc1) - fc0 + width - 1) // width
                    if end > fc0 and self._text[first:last].strip():
                        return reason
                    j += 1
        return None

    def _fc_ranges(self, cp0: int, cp1: int) -> Iterator[tuple[int, int, int, int]]:
        """(first CP, fc start, fc end, bytes per char) of each piece overlapping [cp0, cp1)."""
        i = max(bisect_right(self._piece_starts, cp0) - 1, 0)
        while i < len(self._pieces) and self._pieces[i].cp < cp1:
            piece = self._pieces[i]
            lo, hi = max(cp0, piece.cp), min(cp1, piece.cp_end)
            width = 1 if piece.compressed else 2
            if lo < hi:
                yield lo, piece.fc + (lo - piece.cp) * width, piece.fc + (hi - piece.cp) * width, width
            i += 1


def _fkp_runs(word: bytes, table: bytes, pair: tuple[int, int], *, papx: bool) -> list[tuple[int, int, bytes]]:
    """(fc start, fc end, property modifiers) of every run of a PAPX or CHPX bin table's FKP pages."""
    fc, lcb = pair
    if lcb < 12 or (lcb - 4) % 8 or fc + lcb > len(table):
        return []
    n = (lcb - 4) // 8
    entry = 13 if papx else 1  # PAPX entries carry 12 bytes of layout hints after the offset
    runs = []
    for pn in dict.fromkeys(pn & 0x3FFFFF for pn in struct.unpack_from(f"<{n}I", table, fc + 4 * (n + 1))):
        page = word[pn * 512:pn * 512 + 512]
        crun = page[511] if len(page) == 512 else 0
        if not crun or 4 * (crun + 1) + entry * crun > 511:
            continue
        bounds = struct.unpack_from(f"<{crun + 1}I", page)
        for i in range(crun):
            offset = page[4 * (crun + 1) + entry * i] * 2
            runs.append((bounds[i], bounds[i + 1], _fkp_grpprl(page, offset, papx=papx)))
    runs.sort(key=lambda run: run[0])
    return runs


def _fkp_grpprl(page: bytes, offset: int, *, papx: bool) -> bytes:
    if not offset or offset >= 510:
        return b""
    cb = page[offset]
    if not papx:
        return page[offset + 1:offset + 1 + cb]
    # PAPX: cb counts words (2*cb-1 bytes follow), or 0 then a word count; skip the style index.
    grpprl = page[offset + 1:offset + 2 * cb] if cb else page[offset + 2:offset + 2 + 2 * page[offset + 1]]
    return grpprl[2:]


def _papx_flags(grpprl: bytes) -> tuple[bool, bool]:
    in_table = row_end = False
    for sprm, operand in _sprms(grpprl):
        if sprm == 0x2416:  # sprmPFInTable
            in_table = operand != b"\x00"
        elif sprm == 0x2417:  # sprmPFTtp
            row_end = operand != b"\x00"
        elif sprm == 0x6649 and len(operand) == 4:  # sprmPItap: table depth
            in_table = in_table or struct.unpack("<i", operand)[0] > 0
    return in_table, row_end


def _hidden_reason(grpprl: bytes, authors: list[str]) -> str | None:
    props = dict(_sprms(grpprl))  # the last of a repeated sprm wins, as in Word
    if props.get(0x0800) == b"\x01":  # sprmCFRMarkDel, author index in sprmCIbstRMarkDel
        index = struct.unpack("<H", props[0x4863])[0] if len(props.get(0x4863, b"")) == 2 else len(authors)
        return f"tracked deletion by {authors[index]}" if index < len(authors) else "tracked deletion"
    if props.get(0x083C) in (b"\x01", b"\x81"):  # sprmCFVanish: on, or the style's opposite
        return "hidden text (vanish)"
    white = (props.get(0x6870) == b"\xff\xff\xff\x00"  # sprmCCv: RGB white
             or (0x6870 not in props and props.get(0x2A42) == b"\x08"))  # sprmCIco: white
    # White on a highlight or a shade, or embossed/engraved (drawn white), is readable.
    backdrop = (props.get(0x2A0C, b"\x00") != b"\x00" or props.get(0x4866, b"\x00\x00") != b"\x00\x00"
                or props.get(0xCA71, b"")[4:8] not in (b"", b"\x00\x00\x00\xff", b"\xff\xff\xff\x00")
                or 0x0858 in props or 0x0854 in props)
    return "white text" if white and not backdrop else None


def _sttb(table: bytes, fc: int, lcb: int) -> list[str]:
    """An extended string table (STTB of UTF-16 strings), such as the revision authors."""
    if lcb < 6 or fc + lcb > len(table) or table[fc:fc + 2] != b"\xff\xff":
        return []
    count, extra = struct.unpack_from("<HH", table, fc + 2)
    names, pos = [], fc + 6
    for _ in range(count):
        if pos + 2 > fc + lcb:
            break
        (cch,) = struct.unpack_from("<H", table, pos)
        names.append(table[pos + 2:pos + 2 + 2 * cch].decode("utf-16-le", "replace"))
        pos += 2 + 2 * cch + extra
    return names


_OPERAND_SIZE = {0: 1, 1: 1, 2: 2, 3: 4, 4: 2, 5: 2, 7: 3}


def _sprms(grpprl: bytes) -> Iterator[tuple[int, bytes]]:
    """(sprm, operand) pairs of a property modifier list."""
    i = 0
    while i + 3 <= len(grpprl):
        (sprm,) = struct.unpack_from("<H", grpprl, i)
        i += 2
        size = _OPERAND_SIZE.get(sprm >> 13)
        if size is None:  # variable length: a size byte, save two odd cases
            if sprm == 0xD608:  # sprmTDefTable: a 2-byte size, one more than the rest
                if i + 2 > len(grpprl):
                    return
                size = struct.unpack_from("<H", grpprl, i)[0] - 1
                i += 2
            elif sprm == 0xC615 and grpprl[i] == 255:  # sprmPChgTabs, long form: count the tabs
                deleted = grpprl[i + 1] if i + 1 < len(grpprl) else 0
                added = grpprl[i + 2 + 4 * deleted] if i + 2 + 4 * deleted < len(grpprl) else 0
                size = 3 + 4 * deleted + 3 * added
            else:
                size = grpprl[i]
                i += 1
        yield sprm, grpprl[i:i + size]
        i += max(size, 0)

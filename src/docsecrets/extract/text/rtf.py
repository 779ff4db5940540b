"""RTF: a small reader with a real tokenizer and a group stack, in one linear pass.

Groups carry the character state (hidden, colour, code page, Unicode skip count) and the
destination text goes to: the body, or a side destination (header, footnote, comment,
text box, field instruction, document property). Destinations a reader never sees as text
(font and style tables, pictures, object data, themes...) are skipped, but their braces
are still counted, so a nested group cannot leak binary data into the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from docsecrets.extract.common.decode import codepage_codec
from docsecrets.extract.context import Context
from docsecrets.types import Cell, ExtractError, Item, LimitExceeded, Location, Row, Segment

_MAX_DEPTH = 1000

_TOKEN = re.compile(
    rb"\\([a-zA-Z]{1,32})(-?\d{1,10})? ?"  # 1, 2: control word and its parameter
    rb"|\\'([0-9a-fA-F]{2})"  # 3: byte in the current code page
    rb"|\\([^a-zA-Z'])"  # 4: control symbol: \{ \} \\ \~ \- \_ \* \<newline> ...
    rb"|([{}])"  # 5: group
    rb"|([^\\{}\r\n]+)"  # 6: text
    rb"|[\r\n]+|\\'?",  # line ends are not text; a stray backslash at the very end
    re.DOTALL)

# Destinations whose content is not text a reader sees.
_SKIPPED = frozenset({
    "stylesheet", "listtable", "listoverridetable", "revtbl", "rsidtbl", "generator", "xmlnstbl",
    "themedata", "colorschememapping", "datastore", "latentstyles", "pict", "objdata", "objclass",
    "shprslt", "nonshppict", "sp", "pntext", "pntxta", "pntxtb", "listtext", "template", "filetbl",
    "pgdsctbl", "mmathPr", "atnid", "atndate", "atnref", "atnparent", "atntime", "atnicn", "bkmkstart",
    "bkmkend", "fldtype", "xe", "tc", "tcn", "htmltag", "mhtmltag", "panose", "falt", "listpicture",
    "wgrffmtfilter", "pnseclvl", "pn", "creatim", "revtim", "printim", "buptim", "oldcprops",
    "oldpprops", "oldsprops", "oldtprops", "formfield", "picprop", "blipuid", "do",
})
_SIDE = {
    "header": "header", "headerl": "header", "headerr": "header", "headerf": "header",
    "footer": "footer", "footerl": "footer", "footerr": "footer", "footerf": "footer",
    "footnote": "footnote", "annotation": "comment", "shptxt": "text box", "fldinst": "field code",
    "atnauthor": "author", "docvar": "docvar",
}
_INFO_FIELDS = frozenset({"title", "subject", "author", "keywords", "doccomm", "operator", "company",
                          "manager", "category", "hlinkbase"})
_CONTAINERS = frozenset({"info", "userprops", "shpinst", "shp", "field", "fldrslt", "object", "result",
                         "shpgrp"})
_SYMBOLS = {
    "tab": "\t", "emdash": "\u2014", "endash": "\u2013", "bullet": "\u2022", "lquote": "\u2018",
    "rquote": "\u2019", "ldblquote": "\u201c", "rdblquote": "\u201d", "emspace": " ", "enspace": " ",
    "qmspace": " ", "line": "\n", "nestcell": "\t", "nestrow": "\n",
}
_CONTROL_SYMBOLS = {"~": "\u00a0", "_": "-", "\\": "\\", "{": "{", "}": "}", "\t": "\t"}
_CHARSETS = {
    77: "mac_roman", 128: "cp932", 129: "cp949", 130: "johab", 134: "cp936", 136: "cp950", 161: "cp1253",
    162: "cp1254", 163: "cp1258", 177: "cp1255", 178: "cp1256", 186: "cp1257", 204: "cp1251",
    222: "cp874", 238: "cp1250",
}
_DOC_CODEPAGES = {"mac": "mac_roman", "pc": "cp437", "pca": "cp850", "ansi": "cp1252"}


def extract(data: bytes, ctx: Context) -> Iterator[Item]:
    start = data[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    if not start.startswith(b"{\\rtf"):
        raise ExtractError("not an RTF document (no {\\rtf header)")
    reader = _Reader()
    yield from reader.run(data)


@dataclass(slots=True)
class _Dest:
    """Where text goes: the body, or a side destination collected until its group closes."""

    kind: str  # body, header, footer, footnote, comment, text box, field code, info:<name>, ...
    pieces: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    parts: int = 0  # docvar: name and value are two sub-groups

    def add(self, text: str, reason: str | None) -> None:
        self.pieces.append(text)
        if reason and text.strip() and reason not in self.reasons:
            self.reasons.append(reason)

    def take(self) -> tuple[str, str | None]:
        text, reason = "".join(self.pieces), (self.reasons[0] if self.reasons else None)
        self.pieces, self.reasons = [], []
        return text, reason


@dataclass(slots=True)
class _State:
    """Character and paragraph state saved by `{` and restored by `}`."""

    dest: _Dest
    skip: bool = False  # inside a destination whose text is not shown
    hidden: bool = False  # \v
    deleted: bool = False  # \deleted (revision marks)
    color: int = 0
    codec: str = "cp1252"
    uc: int = 1
    intbl: bool = False


class _Reader:
    def __init__(self) -> None:
        self.body = _Dest("body")
        self.state = _State(self.body)
        self.stack: list[_State] = []
        self.out: list[Item] = []
        self.side: list[Item] = []  # items anchored in the paragraph being read
        self.default_codec = "cp1252"
        self.fonts: dict[int, str] = {}  # font number -> codec
        self.font = 0  # font being defined in the font table
        self.colors: list[tuple[int, int, int] | None] = []
        self.rgb: list[int] = [-1, -1, -1]
        self.star = False  # the previous token was \*
        self.skip_chars = 0  # fallback characters still to drop after \uN
        self.high_surrogate = ""
        self.hex = bytearray()  # \'hh bytes waiting to be decoded together (DBCS code pages)
        self.line = 0
        self.cell_paras: list[str] = []
        self.cell_reasons: list[str] = []
        self.row_cells: list[tuple[str, str | None]] = []
        self.in_row = False
        self.table_run = False  # the last body block was a table row
        self.tables = 0
        self.table_row = 0
        self.author = ""
        self.propname = ""

    # ----------------------------------------------------------------- tokens

    def run(self, data: bytes) -> Iterator[Item]:
        pos, end = 0, len(data)
        match = _TOKEN.match
        while pos < end:
            m = match(data, pos)
            if m is None:  # unreachable: every byte starts some alternative
                raise ExtractError(f"RTF tokenizer stuck at byte {pos}")
            pos = m.end()
            word, param, hexbyte, symbol, brace, text = m.groups()
            if hexbyte is not None:
                self.on_hex(int(hexbyte, 16))
                continue
            self.flush_hex()
            if word is not None:
                number = int(param) if param is not None else None
                if word == b"bin" and number:
                    pos += max(number, 0)  # raw binary data: never text
                    continue
                self.on_word(word.decode("ascii"), number)
            elif text is not None:
                self.on_text(text)
            elif brace is not None:
                self.on_brace(brace)
            elif symbol is not None:
                self.on_symbol(symbol.decode("latin-1"))
            if self.out:
                yield from self.out
                self.out.clear()
        self.flush_hex()
        while self.stack:  # unbalanced: close what is open
            self.on_brace(b"}")
        self.end_paragraph()  # text after the last \par
        if self.cell_paras:
            self.end_cell()
        if self.row_cells:
            self.end_row()
        self.out.extend(self.side)
        yield from self.out

    def on_brace(self, brace: bytes) -> None:
        self.skip_chars = 0
        self.star = False
        if brace == b"{":
            if len(self.stack) >= _MAX_DEPTH:
                raise LimitExceeded(f"RTF groups nested deeper than {_MAX_DEPTH} levels")
            self.stack.append(self.state)
            self.state = replace(self.state)
            return
        if not self.stack:
            return  # a stray closing brace
        closing = self.state
        self.state = self.stack.pop()
        if closing.dest is not self.state.dest:
            self.close_dest(closing.dest)
        elif closing.dest.kind == "docvar" and not closing.skip:
            closing.dest.add("\x1f", None)  # between the variable's name and value groups

    def on_hex(self, byte: int) -> None:
        if self.consume_skip():
            return
        self.hex.append(byte)

    def flush_hex(self) -> None:
        if self.hex:
            raw = bytes(self.hex)
            self.hex.clear()
            self.emit(raw.decode(self.state.codec, "replace"))

    def on_text(self, raw: bytes) -> None:
        if self.skip_chars:
            dropped = min(self.skip_chars, len(raw))
            self.skip_chars -= dropped
            raw = raw[dropped:]
        if raw:
            self.emit(raw.decode(self.state.codec, "replace") if max(raw) > 127 else raw.decode("ascii"))

    def on_symbol(self, symbol: str) -> None:
        if symbol == "*":
            self.star = True
            return
        if self.consume_skip():
            return
        if symbol in ("\n", "\r"):
            self.on_word("par", None)
        elif symbol in _CONTROL_SYMBOLS:
            self.emit(_CONTROL_SYMBOLS[symbol])
        # \- (optional hyphen), \: (index subentry), \| ... are not text

    def consume_skip(self) -> bool:
        if self.skip_chars:
            self.skip_chars -= 1
            return True
        return False

    # ----------------------------------------------------------------- control words

    def on_word(self, word: str, param: int | None) -> None:
        state = self.state
        starred, self.star = self.star, False
        if self.consume_skip() or state.skip or self.destination(word, starred):
            return
        if state.dest.kind == "fonttbl":
            self.font_word(word, param)
        elif state.dest.kind == "colortbl":
            if word in ("red", "green", "blue"):
                self.rgb[("red", "green", "blue").index(word)] = param or 0
        elif word == "u" and param is not None:
            self.unicode(param)
        elif word == "uc":
            state.uc = min(max(param or 0, 0), 10)
        elif word in ("par", "sect", "page"):
            self.paragraph_break()
        elif word in _SYMBOLS:
            self.emit(_SYMBOLS[word])
        elif word == "cell":
            self.end_cell()
        elif word == "row":
            self.end_row()
        else:
            self.format_word(word, param)

    def destination(self, word: str, starred: bool) -> bool:
        """Handle a destination word; True when the word was one."""
        state = self.state
        if word in ("fonttbl", "colortbl"):
            state.dest = _Dest(word)
        elif word in _SKIPPED:
            state.skip = True
        elif word in _SIDE:
            state.dest = _Dest(_SIDE[word])
        elif state.dest.kind == "info" and word in _INFO_FIELDS:
            state.dest = _Dest(f"info:{word}")
        elif word == "info":
            state.dest = _Dest("info")
        elif state.dest.kind == "userprops" and word in ("propname", "staticval"):
            state.dest = _Dest(word)
        elif word == "userprops":
            state.dest = _Dest("userprops")
        elif word == "ftnalt" and state.dest.kind == "footnote":
            state.dest.kind = "endnote"
        elif word in _CONTAINERS:
            pass
        elif starred:
            state.skip = True  # an optional destination this reader does not know
        else:
            return False
        return True

    def font_word(self, word: str, param: int | None) -> None:
        if word == "f" and param is not None:
            self.font = param
        elif word == "fcharset" and param in _CHARSETS:
            self.fonts[self.font] = _CHARSETS[param]
        elif word == "cpg" and param:
            self.fonts[self.font] = codepage_codec(param, fallback=self.default_codec, eight_bit=True)

    def format_word(self, word: str, param: int | None) -> None:
        state = self.state
        on = param != 0
        if word == "v":
            state.hidden = on
        elif word == "deleted":
            state.deleted = on
        elif word == "cf":
            state.color = param or 0
        elif word == "plain":
            state.hidden, state.deleted, state.color = False, False, 0
        elif word == "f" and param is not None:
            state.codec = self.fonts.get(param, self.default_codec)
        elif word == "pard":
            state.intbl = False
        elif word == "intbl":
            state.intbl = True
        elif word == "itap":
            state.intbl = (param or 0) > 0
        elif word == "trowd":
            self.in_row = True
        elif word == "ansicpg" and param:
            self.default_codec = state.codec = codepage_codec(param, fallback=self.default_codec, eight_bit=True)
        elif word in _DOC_CODEPAGES:
            self.default_codec = state.codec = _DOC_CODEPAGES[word]

    def unicode(self, value: int) -> None:
        self.skip_chars = self.state.uc
        code = value + 65536 if value < 0 else value
        if not 0 <= code <= 0x10FFFF:
            code = 0xFFFD  # a hostile or broken \uN: keep the rest of the document
        if 0xD800 <= code < 0xDC00:
            self.high_surrogate = chr(code)
            return
        if 0xDC00 <= code < 0xE000 and self.high_surrogate:
            pair = self.high_surrogate + chr(code)
            self.high_surrogate = ""
            self.emit(pair.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace"))
            return
        self.high_surrogate = ""
        if 0xD800 <= code < 0xE000:
            return  # a lone surrogate is no character
        self.emit(chr(code))

    # ----------------------------------------------------------------- text

    def emit(self, text: str) -> None:
        state = self.state
        self.high_surrogate = ""  # a surrogate pair must be two adjacent \u words
        if state.skip or not text:
            return
        dest = state.dest
        if dest.kind == "colortbl":
            for _ in range(text.count(";")):
                self.colors.append(tuple(self.rgb) if min(self.rgb) >= 0 else None)  # type: ignore[arg-type]
                self.rgb = [-1, -1, -1]
            return
        if dest.kind in ("fonttbl", "info", "userprops"):
            return
        dest.add(text, self.reason())

    def reason(self) -> str | None:
        state = self.state
        if state.hidden:
            return "hidden text"
        if state.deleted:
            return "tracked deletion"
        if state.color < len(self.colors) and self.colors[state.color] == (255, 255, 255):
            return "white text"
        return None

    def paragraph_break(self) -> None:
        if self.state.dest is self.body:
            self.end_paragraph(explicit=True)
        else:
            self.emit("\n")

    def in_table(self) -> bool:
        return self.state.intbl or self.in_row

    def end_paragraph(self, *, explicit: bool = False) -> None:
        text, reason = self.body.take()
        if self.in_table() and explicit:
            self.cell_paras.append(text)
            if reason:
                self.cell_reasons.append(reason)
            return
        if not explicit and not text.strip():
            return
        self.line += 1
        self.table_run = False
        if text.strip():
            self.out.append(Segment(text=text, location=Location(part="body", line=self.line), hidden=reason))
        self.out.extend(self.side)
        self.side.clear()

    def end_cell(self) -> None:
        if self.state.dest is not self.body:
            self.emit("\t")
            return
        text, reason = self.body.take()
        text = "\n".join([*self.cell_paras, text]).strip()
        reason = reason or (self.cell_reasons[0] if self.cell_reasons else None)
        self.row_cells.append((text, reason))
        self.cell_paras, self.cell_reasons = [], []

    def end_row(self) -> None:
        if self.state.dest is not self.body:
            self.emit("\n")
            return
        if self.body.pieces and "".join(self.body.pieces).strip():
            self.end_cell()  # text after the last \cell of a malformed row
        self.body.take()
        if not self.table_run:
            self.tables += 1
            self.table_row = 0
            self.table_run = True
        self.table_row += 1
        table = f"table {self.tables}"
        cells = tuple(Cell(text=text, column=column, hidden=reason)
                      for column, (text, reason) in enumerate(self.row_cells, start=1) if text)
        if cells:
            self.out.append(Row(cells=cells, location=Location(part=table, row=self.table_row), table=table))
        self.row_cells = []
        self.in_row = False
        self.out.extend(self.side)
        self.side.clear()

    def close_dest(self, dest: _Dest) -> None:
        text, reason = dest.take()
        kind = dest.kind
        if kind == "colortbl" or kind == "fonttbl" or kind in ("info", "userprops", "body"):
            return
        text = text.strip()
        if kind == "author":
            self.author = text
            return
        if kind == "propname":
            self.propname = text
            return
        if not text:
            return
        if kind in ("header", "footer"):
            self.out.append(Segment(text=text, location=Location(part=kind), hidden=f"page {kind}"))
        elif kind.startswith("info:") or kind == "staticval":
            name = kind[5:] if kind.startswith("info:") else self.propname or "property"
            self.out.append(Segment(text=f"{name}: {text}", location=Location(part="info"),
                                    hidden=f"document property '{name}'"))
        elif kind == "docvar":
            self.out.append(Segment(text=text.replace("\x1f", ": ", 1).replace("\x1f", ""),
                                    location=Location(part="info"), hidden="document variable"))
        else:  # anchored in the current paragraph: footnote, endnote, comment, text box, field code
            if kind == "comment" and self.author:
                kind, self.author = f"comment by {self.author}", ""
            if reason and kind != "field code":
                kind = f"{kind}, {reason}"
            self.side.append(Segment(text=text, location=Location(part="body", line=self.line + 1), hidden=kind))

"""HTML pages, and the "Excel exports" web applications write as an HTML `<table>` named `.xls`.

The standard library's forgiving `html.parser` reads the markup; nothing is fetched and no
script runs. Every `<table>` becomes Rows (table id and part "table N", in the order the
tables open; an inner table is a table of its own and its text stays out of the outer cell).
`colspan` moves the column index on; a `rowspan` cell's text is repeated in the cells it
covers below (harmless for secrets, since findings are deduplicated, and it keeps a
header that spans two header rows above its column). Text outside tables is one Segment per
block (paragraph, heading, list item, `<br>`-separated line) located by source line.

Hidden places: `display:none`, `visibility:hidden`, zero size or opacity, white text, the
`hidden` attribute, simple CSS classes that hide, `<template>`, comments, scripts, hidden
form fields, masked password fields, meta tags and link targets carrying credentials. When a
block mixes visible and hidden text ("Password: <span hidden>x</span>") it stays one
segment, marked with the hidden reason, so the label and the value remain together.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser

from docsecrets.extract.common.decode import codec_name, decode
from docsecrets.extract.context import Context
from docsecrets.extract.common.reason import reason
from docsecrets.types import (Cell, DocsecretsError, ExtractError, Item, LimitExceeded, Location, Row,
                              Segment)

_CHUNK = 1 << 20  # characters fed to the parser between two drains of the items it found
_MAX_COLSPAN = 1000  # browsers clamp spans to these
_MAX_ROWSPAN = 65534
_MAX_WALK = 512  # open elements examined when looking for an implied end tag

_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "keygen", "link", "meta",
                   "param", "source", "track", "wbr"})
_BLOCK = frozenset({
    "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details", "dialog",
    "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5",
    "h6", "head", "header", "hgroup", "hr", "html", "legend", "li", "main", "nav", "ol", "option", "p",
    "pre", "section", "select", "summary", "table", "tbody", "td", "textarea", "tfoot", "th", "thead",
    "title", "tr", "ul",
})
# An unclosed element is closed by the start of one of these (HTML's implied end tags),
# looking down the open elements no further than the scope boundaries.
_TABLE_PARTS = frozenset({"td", "th", "tr", "thead", "tbody", "tfoot"})
_IMPLIED_END: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "td": (frozenset({"td", "th"}), frozenset({"table", "tr"})),
    "th": (frozenset({"td", "th"}), frozenset({"table", "tr"})),
    "tr": (frozenset({"tr", "td", "th"}), frozenset({"table", "thead", "tbody", "tfoot"})),
    "thead": (_TABLE_PARTS, frozenset({"table"})),
    "tbody": (_TABLE_PARTS, frozenset({"table"})),
    "tfoot": (_TABLE_PARTS, frozenset({"table"})),
    "li": (frozenset({"li"}), frozenset({"ul", "ol", "table", "td", "th"})),
    "dt": (frozenset({"dt", "dd"}), frozenset({"dl", "table", "td", "th"})),
    "dd": (frozenset({"dt", "dd"}), frozenset({"dl", "table", "td", "th"})),
    "option": (frozenset({"option"}), frozenset({"select", "datalist", "table"})),
}
_P_SCOPE = frozenset({"table", "td", "th", "caption", "button", "html", "template", "object"})
_P_CLOSERS = _BLOCK - {"body", "head", "html", "title", "option", "select", "textarea", "td", "th", "tr",
                       "tbody", "thead", "tfoot", "caption", "legend"}

_VALUE_INPUTS = frozenset({"", "text", "email", "url", "search", "tel", "number"})
_URL_ATTRIBUTES = ("href", "src", "action", "formaction", "data")
_IGNORED_META = frozenset({"viewport", "content-type", "x-ua-compatible", "charset"})
# A URL worth reporting even though the page shows only the link text.
_CREDENTIAL_URL = re.compile(
    r"^[a-z][a-z0-9+.-]*://[^/?#@\s]+:[^/?#@\s]*@"
    r"|[?&;][\w.-]*?(?:pass(?:word|wd)?|pwd|token|secret|api[_-]?key|access[_-]?key|auth|signature|sig)=[^&#\s]",
    re.IGNORECASE)

_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([\w.:-]+)"""
                      rb"""|^\s*<\?xml[^>]{0,100}?encoding\s*=\s*["']([\w.:-]+)""", re.IGNORECASE)
_WHITE_TEXT = re.compile(r"(?:^|;)color:(?:#fff(?:fff)?|white|rgb\(255,255,255\))(?:;|!|$)")
_ZERO_SIZE = re.compile(r"(?:^|;)font-size:0(?:\.0*)?(?:px|pt|em|rem|%)?(?:;|!|$)")
_ZERO_OPACITY = re.compile(r"(?:^|;)opacity:0(?:\.0*)?(?:;|!|$)")
_CSS_RULE = re.compile(r"([^{}]*)\{([^{}]*)\}")
_CSS_CLASS = re.compile(r"^\.([\w-]+)$")
# Terminators searched for backwards (on the reversed text) by _defuse.
_MS_SECTION_END = re.compile(r">\s*\]")  # "]>" closes <![if ...]>
_CDATA_SECTION_END = re.compile(r">\s*\]\s*\]")  # "]]>" closes <![CDATA[
_MS_SECTION = re.compile(r"<(?=!\[\s*(?:if|else|endif)\b)", re.IGNORECASE)
_CDATA_SECTION = re.compile(r"<(?=!\[\s*(?:cdata|temp|ignore|include|rcdata)\b)", re.IGNORECASE)
_COMMENT_OPEN = re.compile(r"<(?=!--)")


def extract(data: bytes, ctx: Context) -> Iterator[Item]:
    text = _defuse(_decode(data))
    parser = _Collector(max_cells=ctx.limits.max_cells)
    try:
        for start in range(0, len(text), _CHUNK):
            parser.feed(text[start:start + _CHUNK])
            yield from parser.drain()
        parser.close()
        parser.finish()
    except DocsecretsError:
        raise
    except Exception as exc:  # html.parser is forgiving, but asserts on some broken declarations
        raise ExtractError(f"unparsable HTML: {reason(exc)}") from None
    yield from parser.drain()


def _decode(data: bytes) -> str:
    """The declared charset (`<meta charset>`, XML declaration) unless a BOM says otherwise,
    then what text files get: UTF-8, else cp1252 (what "Latin-1" pages really are)."""
    head = data[:4096]
    if not head.startswith(_BOMS) and b"\x00" not in head:
        match = _CHARSET.search(head)
        declared = _codec_name((match.group(1) or match.group(2)).decode("ascii", "replace")) if match else None
        if declared:
            try:
                return data.decode(declared)
            except UnicodeDecodeError:
                pass  # the declaration lies: fall back on what the bytes say
    return decode(data)


def _defuse(text: str) -> str:
    """Turn into text each `<` whose construct is never terminated.

    At end of input, html.parser retries every unterminated construct by searching the rest
    of the document for its terminator: `"</" * n` takes quadratic time. Such a `<` can only
    ever be text, so it is escaped up front (the parser decodes `&lt;` back to `<`).
    """
    last_gt = text.rfind(">")
    head, tail = text[:last_gt + 1], text[last_gt + 1:].replace("<", "&lt;")
    for opener, terminator in ((_COMMENT_OPEN, "-->"), (_MS_SECTION, _MS_SECTION_END),
                               (_CDATA_SECTION, _CDATA_SECTION_END)):
        if isinstance(terminator, str):
            end = head.rfind(terminator)
            start = 0 if end < 0 else end + len(terminator)
        else:
            match = terminator.search(head[::-1])
            start = 0 if match is None else len(head) - match.start()
        if opener.search(head, start):
            head = head[:start] + opener.sub("&lt;", head[start:])
    return head + tail


def _codec_name(label: str) -> str | None:
    name = codec_name(label)
    if name is None:
        return None
    if name in ("latin-1", "iso8859-1", "ascii"):
        return "cp1252"  # as browsers do: such pages are written in Windows-1252
    if name.startswith("utf-16") or name.startswith("utf-32"):
        return None  # an ASCII-compatible page cannot be UTF-16; the declaration is wrong
    return name


@dataclass(slots=True)
class _Open:
    tag: str
    hidden: str | None  # the effective reason: its own or an ancestor's


@dataclass(slots=True)
class _Text:
    """Pieces of text (text, hidden reason) and the line of the first non-blank one."""

    pieces: list[tuple[str, str | None]] = field(default_factory=list)
    line: int = 0

    def add(self, text: str, hidden: str | None, line: int) -> None:
        if not self.line and text.strip():
            self.line = line
        self.pieces.append((text, hidden))

    def hidden(self) -> str | None:
        return next((reason for text, reason in self.pieces if reason and text.strip()), None)


@dataclass(slots=True)
class _CellState:
    column: int
    colspan: int
    rowspan: int
    hidden: str | None
    text: _Text = field(default_factory=_Text)


@dataclass(slots=True)
class _TableState:
    name: str
    rows: int = 0
    row_open: bool = False
    row_line: int = 0
    row_hidden: str | None = None
    cells: list[Cell] = field(default_factory=list)
    cell: _CellState | None = None
    next_column: int = 1
    # first column -> (rows still covered, text, hidden, width) for rowspans from rows above
    spans: dict[int, tuple[int, str, str | None, int]] = field(default_factory=dict)
    new_spans: dict[int, tuple[int, str, str | None, int]] = field(default_factory=dict)


class _Collector(HTMLParser):
    def __init__(self, *, max_cells: int) -> None:
        super().__init__(convert_charrefs=True)
        self._items: list[Item] = []
        self._max_cells = max_cells
        self._cell_count = 0
        self._stack: list[_Open] = []
        self._open_tags: dict[str, int] = {}  # tag -> how many are open: skips hopeless stack walks
        self._block = _Text()
        self._tables: list[_TableState] = []
        self._table_count = 0
        self._raw: tuple[str, int, list[str]] | None = None  # script/style: tag, line, content
        self._pre = 0
        self._hiding_classes: dict[str, str] = {}

    def drain(self) -> list[Item]:
        items, self._items = self._items, []
        return items

    def finish(self) -> None:
        if self._raw is not None and self.rawdata:
            self._raw[2].append(self.rawdata)  # html.parser drops a script left open at the end
        self._flush_raw()
        while self._tables:
            self._close_table()
        self._flush_block()

    # --- parser events -------------------------------------------------------------------

    def parse_marked_section(self, i: int, report: bool = True) -> int:
        try:
            return super().parse_marked_section(i, report)
        except AssertionError:  # "<![foo": html.parser asserts; a browser reads a bogus comment
            return self.parse_bogus_comment(i)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        line = self.getpos()[0]
        self._implicit_close(tag)
        if tag in ("script", "style"):
            self._raw = (tag, line, [])
        self._attribute_items(tag, attributes, line)
        if tag in _BLOCK or tag == "br":
            self._boundary()
        if tag not in _VOID:
            own = _hidden_reason(tag, attributes, self._hiding_classes)
            self._stack.append(_Open(tag, own or self._hidden()))
            self._open_tags[tag] = self._open_tags.get(tag, 0) + 1
            if tag == "pre":
                self._pre += 1
        table = self._tables[-1] if self._tables else None
        if tag == "table":
            self._table_count += 1
            self._tables.append(_TableState(name=f"table {self._table_count}"))
        elif tag == "tr" and table is not None:
            self._close_row(table)
            self._open_row(table, line)
        elif tag in ("td", "th") and table is not None:
            self._close_cell(table)
            if not table.row_open:
                self._open_row(table, line)
            self._open_cell(table, attributes)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "br":  # "</br>" is a line break too
            self._boundary()
            return
        if tag in ("script", "style"):
            self._flush_raw()
        table = self._tables[-1] if self._tables else None
        if tag in _BLOCK:
            self._boundary()
        if table is not None:
            if tag in ("td", "th"):
                self._close_cell(table)
            elif tag in ("tr", "thead", "tbody", "tfoot"):
                self._close_row(table)
            elif tag == "table":
                self._close_table()
        if not self._open_tags.get(tag):
            return
        for depth in range(len(self._stack) - 1, -1, -1):
            if self._stack[depth].tag == tag:
                self._pop_to(depth)
                break

    def handle_data(self, data: str) -> None:
        line = self.getpos()[0]
        if self._raw is not None:
            self._raw[2].append(data)
            return
        stripped = data.lstrip()
        line += data[:len(data) - len(stripped)].count("\n")
        self._target().add(data, self._hidden(), line)

    def handle_comment(self, data: str) -> None:
        text = data.strip()
        if text:
            line = self.getpos()[0] + data[:len(data) - len(data.lstrip())].count("\n")
            self._items.append(Segment(text=text, location=Location(line=line), hidden="HTML comment"))

    # --- structure -------------------------------------------------------------------------

    def _hidden(self) -> str | None:
        return self._stack[-1].hidden if self._stack else None

    def _target(self) -> _Text:
        table = self._tables[-1] if self._tables else None
        if table is not None and table.cell is not None:
            return table.cell.text
        return self._block

    def _implicit_close(self, tag: str) -> None:
        if tag in _IMPLIED_END:
            closes, scope = _IMPLIED_END[tag]
        elif tag in _P_CLOSERS:
            closes, scope = frozenset({"p"}), _P_SCOPE
        else:
            return
        if not any(self._open_tags.get(name) for name in closes):
            return
        found = None
        # Bounded: a walk that stops at a scope boundary pops nothing and would be repeated.
        for depth in range(len(self._stack) - 1, max(len(self._stack) - _MAX_WALK, 0) - 1, -1):
            current = self._stack[depth].tag
            if current in closes:
                found = depth
            elif current in scope:
                break
        if found is not None:
            self._pop_to(found)

    def _pop_to(self, depth: int) -> None:
        for element in self._stack[depth:]:
            self._open_tags[element.tag] -= 1
            if element.tag == "pre":
                self._pre -= 1
        del self._stack[depth:]

    def _boundary(self) -> None:
        """A block starts or ends: a new line inside a cell, a new segment elsewhere."""
        table = self._tables[-1] if self._tables else None
        if table is not None and table.cell is not None:
            table.cell.text.add("\n", None, 0)
        else:
            self._flush_block()

    def _flush_block(self) -> None:
        block, self._block = self._block, _Text()
        raw = "".join(text for text, _hidden in block.pieces)
        text = raw.strip("\n") if self._pre else " ".join(raw.split())
        if text.strip():
            self._items.append(Segment(text=text, location=Location(line=block.line or None),
                                       hidden=block.hidden()))

    def _flush_raw(self) -> None:
        if self._raw is None:
            return
        tag, line, parts = self._raw
        self._raw = None
        content = "".join(parts)
        if tag == "style":
            self._hiding_classes.update(_css_hiding_classes(content))
            return
        stripped = content.lstrip()
        if stripped:
            line += content[:len(content) - len(stripped)].count("\n")
            self._items.append(Segment(text=stripped.rstrip(), location=Location(line=line), hidden="script"))

    def _attribute_items(self, tag: str, attributes: dict[str, str], line: int) -> None:
        location = Location(line=line)
        for name in _URL_ATTRIBUTES:
            url = attributes.get(name, "").strip()
            if url and _CREDENTIAL_URL.search(url):
                reason = "link target" if name == "href" else f"URL in '{name}' attribute"
                self._items.append(Segment(text=url, location=location, hidden=reason))
        if tag == "input":
            kind = attributes.get("type", "").strip().lower()
            value = attributes.get("value", "")
            label = (attributes.get("name") or attributes.get("id") or kind or "input").strip()
            if not value.strip():
                return
            if kind == "hidden":
                self._items.append(Segment(text=f"{label}: {value}", location=location, hidden="hidden form field"))
            elif kind == "password":
                self._items.append(Segment(text=f"password: {value}", location=location,
                                           hidden="masked password field"))
            elif kind in _VALUE_INPUTS:
                own = _hidden_reason(tag, attributes, self._hiding_classes)
                self._items.append(Segment(text=f"{label}: {value}", location=location,
                                           hidden=own or self._hidden()))
        elif tag == "meta":
            key = (attributes.get("name") or attributes.get("property") or attributes.get("http-equiv") or "")
            content = attributes.get("content", "").strip()
            if key.strip() and content and key.strip().lower() not in _IGNORED_META:
                self._items.append(Segment(text=f"{key.strip()}: {content}", location=location,
                                           hidden=f"meta tag '{key.strip()}'"))

    # --- tables ----------------------------------------------------------------------------

    def _open_row(self, table: _TableState, line: int) -> None:
        table.rows += 1
        table.row_open = True
        table.row_line = line
        table.row_hidden = self._hidden()
        table.cells = []
        table.next_column = 1
        for column, (_left, text, hidden, _width) in table.spans.items():
            self._charge()  # a span costs its bookkeeping on every row, text or not
            if text:
                table.cells.append(Cell(text=text, column=column, hidden=hidden))

    def _open_cell(self, table: _TableState, attributes: dict[str, str]) -> None:
        while table.next_column in table.spans:
            table.next_column += table.spans[table.next_column][3]
        colspan = _span(attributes.get("colspan"), _MAX_COLSPAN)
        rowspan = _span(attributes.get("rowspan"), _MAX_ROWSPAN)
        hidden = self._hidden()
        table.cell = _CellState(column=table.next_column, colspan=colspan, rowspan=rowspan,
                                hidden=hidden if hidden != table.row_hidden else None)
        table.next_column += colspan

    def _close_cell(self, table: _TableState) -> None:
        cell, table.cell = table.cell, None
        if cell is None:
            return
        lines = (" ".join(line.split()) for line in "".join(t for t, _h in cell.text.pieces).split("\n"))
        text = "\n".join(line for line in lines if line)
        inner = cell.text.hidden()
        hidden = cell.hidden or (inner if inner != table.row_hidden else None)
        if text:
            self._charge()
            table.cells.append(Cell(text=text, column=cell.column, hidden=hidden))
        if cell.rowspan > 1:
            table.new_spans[cell.column] = (cell.rowspan - 1, text, hidden, cell.colspan)

    def _charge(self) -> None:
        self._cell_count += 1
        if self._cell_count > self._max_cells:
            raise LimitExceeded(f"more than {self._max_cells:,} table cells")

    def _close_row(self, table: _TableState) -> None:
        self._close_cell(table)
        if not table.row_open:
            return
        table.row_open = False
        if table.cells:
            cells = tuple(sorted(table.cells, key=lambda c: c.column))
            self._items.append(Row(cells=cells, location=Location(part=table.name, row=table.rows,
                                                                  line=table.row_line),
                                   table=table.name, hidden=table.row_hidden))
        table.cells = []
        spans = {column: (left - 1, text, hidden, width)
                 for column, (left, text, hidden, width) in table.spans.items() if left > 1}
        spans.update(table.new_spans)
        table.spans, table.new_spans = spans, {}

    def _close_table(self) -> None:
        table = self._tables.pop()
        self._close_row(table)


def _span(value: str | None, limit: int) -> int:
    try:
        span = int((value or "1").strip().rstrip(";"))
    except ValueError:
        return 1
    return min(max(span, 1), limit)  # rowspan=0 ("to the end of the group") is read as 1


def _hidden_reason(tag: str, attributes: dict[str, str], hiding_classes: dict[str, str]) -> str | None:
    if "hidden" in attributes:
        return "hidden element (hidden attribute)"
    if tag == "template":
        return "template content (not rendered)"
    style = "".join(attributes.get("style", "").lower().split())
    if style:
        if "display:none" in style:
            return "hidden element (display:none)"
        if "visibility:hidden" in style or "visibility:collapse" in style:
            return "hidden element (visibility:hidden)"
        if _ZERO_SIZE.search(style) or _ZERO_OPACITY.search(style):
            return "invisible text (zero size or opacity)"
        if _WHITE_TEXT.search(style):
            return "white text"
    if tag == "font" and "".join(attributes.get("color", "").lower().split()) in ("#fff", "#ffffff", "white"):
        return "white text"
    for name in attributes.get("class", "").split():
        if name in hiding_classes:
            return hiding_classes[name]
    return None


def _css_hiding_classes(css: str) -> dict[str, str]:
    """`.secret { display: none }` -> {"secret": reason}; only plain class selectors."""
    found: dict[str, str] = {}
    for selectors, body in _CSS_RULE.findall(css):
        declarations = "".join(body.lower().split())
        if "display:none" in declarations:
            how = "display:none"
        elif "visibility:hidden" in declarations:
            how = "visibility:hidden"
        else:
            continue
        for selector in selectors.split(","):
            match = _CSS_CLASS.match(selector.strip())
            if match:
                found[match.group(1)] = f"hidden element (CSS class '{match.group(1)}', {how})"
    return found

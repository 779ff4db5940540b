"""OpenDocument: ods, odt, odp/odg packages and their flat XML forms (fods, fodt, fodp).

Read straight from the XML (through SafeZip and the hardened `_xml` parser), not with
odfpy, which builds whole DOMs without our limits. One event handler serves every XML
stream of a document: styles.xml, meta.xml and content.xml of a package, a flat document,
or an embedded sub-document. Spreadsheet rows are handled as they end and then cleared,
other body content one top-level block at a time, so memory follows the largest block
rather than the whole part.
"""

from __future__ import annotations

import dataclasses
import io
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO

from lxml import etree

from docsecrets.extract import _xml
from docsecrets.extract._cells import column_letters
from docsecrets.extract._zip import SafeZip
from docsecrets.extract.context import Context
from docsecrets.types import (
    Cell,
    EncryptedError,
    ExtractError,
    Item,
    LimitExceeded,
    Location,
    Member,
    Row,
    Segment,
)
from docsecrets.extract._reason import reason

_NS = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "draw": "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0",
    "presentation": "urn:oasis:names:tc:opendocument:xmlns:presentation:1.0",
    "svg": "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0",
    "form": "urn:oasis:names:tc:opendocument:xmlns:form:1.0",
    "meta": "urn:oasis:names:tc:opendocument:xmlns:meta:1.0",
    "manifest": "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0",
    "script": "urn:oasis:names:tc:opendocument:xmlns:script:1.0",
    "anim": "urn:oasis:names:tc:opendocument:xmlns:animation:1.0",
    "dc": "http://purl.org/dc/elements/1.1/",
    "xlink": "http://www.w3.org/1999/xlink",
    "ooo": "http://openoffice.org/2004/office",
    "officeooo": "http://openoffice.org/2009/office",
    "calcext": "urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0",
}


def _q(prefix: str, name: str) -> str:
    return f"{{{_NS[prefix]}}}{name}"


# Elements
_P, _H, _SPAN, _A = _q("text", "p"), _q("text", "h"), _q("text", "span"), _q("text", "a")
_S, _TAB, _LINE_BREAK = _q("text", "s"), _q("text", "tab"), _q("text", "line-break")
_NOTE, _NOTE_BODY = _q("text", "note"), _q("text", "note-body")
_HIDDEN_TEXT, _HIDDEN_PARAGRAPH = _q("text", "hidden-text"), _q("text", "hidden-paragraph")
_SECTION, _TRACKED_CHANGES = _q("text", "section"), _q("text", "tracked-changes")
_DELETION, _USER_FIELD_DECLS = _q("text", "deletion"), _q("text", "user-field-decls")
_INDEX_BODY = _q("text", "index-body")
_ANNOTATIONS = frozenset({_q("office", "annotation"), _q("officeooo", "annotation")})
_FORMS, _CHANGE_INFO = _q("office", "forms"), _q("office", "change-info")
_TABLE, _ROW, _CELL = _q("table", "table"), _q("table", "table-row"), _q("table", "table-cell")
_COVERED, _COLUMN = _q("table", "covered-table-cell"), _q("table", "table-column")
_ROW_GROUPS = frozenset(_q("table", n) for n in ("table-header-rows", "table-rows", "table-row-group"))
_COLUMN_GROUPS = frozenset(_q("table", n) for n in ("table-header-columns", "table-columns",
                                                     "table-column-group"))
_NAMED_EXPRESSIONS, _TABLE_CHANGES = _q("table", "named-expressions"), _q("table", "tracked-changes")
_CHANGE_TRACK_CELL = _q("table", "change-track-table-cell")
_PAGE, _TEXT_BOX, _OBJECT = _q("draw", "page"), _q("draw", "text-box"), _q("draw", "object")
_NOTES = _q("presentation", "notes")
_DECLS = {_q("presentation", "footer-decl"): "slide footer", _q("presentation", "header-decl"): "slide header"}
_TITLE, _DESC = _q("svg", "title"), _q("svg", "desc")
_STYLE, _MASTER_PAGE = _q("style", "style"), _q("style", "master-page")
_MASTER_PARTS = {_q("style", n): n.split("-")[0] for n in (
    "header", "header-left", "header-first", "footer", "footer-left", "footer-first")}
_OFFICE_BODY = _q("office", "body")
_BODY_KINDS = frozenset(_q("office", n) for n in ("text", "spreadsheet", "presentation", "drawing",
                                                  "chart", "image", "formula"))
_ROOTS = frozenset(_q("office", n) for n in ("document", "document-content", "document-styles",
                                             "document-meta"))
_SKIPPED_TOP = frozenset(_q("office", n) for n in ("settings", "font-face-decls"))
_TOP_LEVEL = frozenset(_q("office", n) for n in ("meta", "settings", "scripts", "font-face-decls", "styles",
                                                 "automatic-styles", "master-styles", "body"))
_STYLE_CONTAINERS = frozenset(_q("office", n) for n in ("styles", "automatic-styles"))

# Every element a spreadsheet's events are needed for (see _stream).
_SPREADSHEET_EVENTS = tuple(_ROOTS | _TOP_LEVEL | {
    _q("office", "spreadsheet"), _TABLE, _ROW, _COLUMN, _NAMED_EXPRESSIONS, _TABLE_CHANGES, _FORMS,
    _q("table", "shapes")})

# Elements whose content is not part of the text a reader sees (or is handled elsewhere).
_INLINE_SKIP = frozenset({
    _q("text", "note-citation"), _q("text", "bookmark"), _q("text", "bookmark-start"),
    _q("text", "bookmark-end"), _q("text", "reference-mark"), _q("text", "reference-mark-start"),
    _q("text", "reference-mark-end"), _q("text", "change"), _q("text", "change-start"),
    _q("text", "change-end"), _q("text", "soft-page-break"), _q("office", "annotation-end"),
    _q("text", "toc-mark"), _q("text", "toc-mark-start"), _q("text", "toc-mark-end"),
    _q("text", "alphabetical-index-mark"), _q("text", "user-index-mark"),
})
_BLOCK_SKIP = frozenset({
    _q("text", "sequence-decls"), _q("text", "variable-decls"), _q("text", "soft-page-break"),
    _q("text", "table-of-content-source"), _q("text", "alphabetical-index-source"),
    _q("text", "illustration-index-source"), _q("text", "table-index-source"),
    _q("text", "object-index-source"), _q("text", "user-index-source"),
    _q("text", "bibliography-source"), _q("text", "index-title-template"),
    _q("office", "event-listeners"), _q("draw", "page-thumbnail"), _q("table", "calculation-settings"),
    _q("table", "content-validations"), _q("table", "database-ranges"),
    _q("table", "data-pilot-tables"), _q("table", "dde-links"), _q("table", "table-source"),
    _q("presentation", "date-time-decl"), _q("presentation", "settings"),
    _q("text", "dde-connection-decls"), _q("text", "change"), _q("text", "change-start"),
    _q("text", "change-end"),
})

# Attributes
_TEXT_STYLE, _TABLE_STYLE, _DRAW_STYLE = _q("text", "style-name"), _q("table", "style-name"), \
    _q("draw", "style-name")
_TABLE_NAME, _VISIBILITY = _q("table", "name"), _q("table", "visibility")
_COLS_REPEATED, _ROWS_REPEATED = _q("table", "number-columns-repeated"), _q("table", "number-rows-repeated")
_VALUE_TYPE, _CALC_VALUE_TYPE = _q("office", "value-type"), _q("calcext", "value-type")
_HREF = _q("xlink", "href")
_IS_HIDDEN, _TEXT_DISPLAY = _q("text", "is-hidden"), _q("text", "display")

_MAX_REPEAT = 100  # copies of a repeated non-empty cell or row worth scanning
_MAX_COLUMNS = 16384  # LibreOffice's and Excel's widest sheet
_MAX_DEPTH = 200  # XML nesting walked recursively; deeper content is read flat
_MAX_SPACES = 1000
_WHITE = frozenset({"#ffffff", "#fff", "white"})
_IMAGE_SUFFIXES = frozenset({
    "png", "jpg", "jpeg", "gif", "bmp", "tif", "tiff", "svg", "svm", "wmf", "emf", "webp", "ico", "pct",
    "pict", "mp3", "mp4", "wav", "avi", "mov", "ogg", "ttf", "otf", "woff", "woff2", "eot",
})
_SKIPPED_MEMBERS = frozenset({"mimetype", "content.xml", "styles.xml", "meta.xml", "settings.xml",
                              "manifest.rdf", "layout-cache"})
_SKIPPED_DIRS = ("META-INF/", "Thumbnails/", "Pictures/", "ObjectReplacements/", "Configurations2/",
                 "Dialogs/", "Fonts/", "Basic/")
_BASIC_INDEXES = frozenset({"script-lc.xml", "script-lb.xml", "dialog-lc.xml", "dialog-lb.xml"})
_META_NAMES = {_q("dc", "title"): "title", _q("dc", "subject"): "subject",
               _q("dc", "description"): "description"}
_FLAT_ROOT = re.compile(rb'<office:document\s[^>]*?office:mimetype="([^"]{1,100})"')
_STRING_LITERAL = re.compile(r'^"((?:[^"]|"")*)"$')


def extract(data: bytes, ctx: Context) -> Iterator[Item]:
    if data[:2] == b"PK":
        yield from _package(data, ctx)
    elif data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        yield from _flat(data, ctx)
    else:
        raise ExtractError("neither an OpenDocument package (zip) nor a flat OpenDocument XML file")


# --------------------------------------------------------------------------- containers

def _flat(data: bytes, ctx: Context) -> Iterator[Item]:
    root = _FLAT_ROOT.search(data[:65536])
    doc = _Doc(_Shared(ctx), kind=_kind(root.group(1).decode("ascii", "replace")) if root else "")
    yield from _stream(doc, io.BytesIO(data))
    if not doc.saw_body:
        raise ExtractError("flat OpenDocument without office:body")


def _package(data: bytes, ctx: Context) -> Iterator[Item]:
    archive = SafeZip(data, ctx)
    problems: list[str] = []
    encrypted = _encrypted_parts(archive, problems)
    if "content.xml" in encrypted or (encrypted and not archive.has("content.xml")):
        raise EncryptedError("password-protected OpenDocument (content.xml is encrypted)")
    if not archive.has("content.xml"):
        raise ExtractError("no content.xml: not an OpenDocument package")
    shared = _Shared(ctx)
    kind = _kind(archive.read("mimetype")[:100].decode("ascii", "replace")) if archive.has("mimetype") else ""
    if archive.has("meta.xml") and "meta.xml" not in encrypted:
        yield from _part(archive, "meta.xml", _Doc(shared), problems)
    objects = sorted(name[: -len("content.xml")] for name in archive.names()
                     if name.endswith("/content.xml") and name not in encrypted)
    for prefix in ["", *objects]:
        doc = _Doc(shared, prefix=prefix, hidden="embedded object" if prefix else None,
                   kind="" if prefix else kind)
        if archive.has(prefix + "styles.xml") and prefix + "styles.xml" not in encrypted:
            yield from _part(archive, prefix + "styles.xml", doc, problems)
        if prefix:
            yield from _part(archive, prefix + "content.xml", doc, problems)
        else:
            # The document's own content must be readable: its errors are not partial damage.
            yield from _stream(doc, archive.open("content.xml"))
            if not doc.saw_body:
                raise ExtractError("content.xml has no office:body")
    yield from _package_files(archive, objects, encrypted, problems)
    if encrypted:
        raise EncryptedError(f"encrypted parts left unread: {', '.join(sorted(encrypted))}")
    if problems:
        raise ExtractError("; ".join(problems))


def _stream(doc: _Doc, source: IO[bytes]) -> Iterator[Item]:
    # lxml builds every element either way; asking only for the events a spreadsheet needs
    # halves the time spent on big sheets, whose cells are read from their row.
    tags = _SPREADSHEET_EVENTS if doc.kind == "spreadsheet" else None
    return doc.feed(_xml.iterparse(source, events=("start", "end"), tags=tags), prune=True)


def _part(archive: SafeZip, name: str, doc: _Doc, problems: list[str]) -> Iterator[Item]:
    """A part whose damage should not hide the rest of the document."""
    try:
        yield from _stream(doc, archive.open(name))
    except LimitExceeded:
        raise
    except ExtractError as exc:
        problems.append(f"{name} unreadable: {reason(exc)}")


def _encrypted_parts(archive: SafeZip, problems: list[str]) -> set[str]:
    name = "META-INF/manifest.xml"
    if not archive.has(name):
        return set()
    try:
        root = _xml.parse(archive.read(name))
    except LimitExceeded:
        raise
    except ExtractError as exc:
        problems.append(f"{name} unreadable: {reason(exc)}")
        return set()
    path_attr = _q("manifest", "full-path")
    return {entry.get(path_attr) or "" for entry in root.iter(_q("manifest", "file-entry"))
            if entry.find(_q("manifest", "encryption-data")) is not None}


def _package_files(archive: SafeZip, objects: list[str], encrypted: set[str],
                   problems: list[str]) -> Iterator[Item]:
    """Macros and embedded files beside the XML parts: macro source, OLE objects, scripts."""
    for name in archive.names():
        base = name.rsplit("/", 1)[-1]
        if (name.endswith("/") or name in encrypted or name in _SKIPPED_MEMBERS
                or any(name.startswith(obj) for obj in objects)
                or base.rsplit(".", 1)[-1].lower() in _IMAGE_SUFFIXES):
            continue
        if name.startswith("Basic/"):
            if name.endswith(".xml") and base not in _BASIC_INDEXES:
                yield from _basic_module(archive, name, problems)
            continue
        if name.startswith(_SKIPPED_DIRS):
            continue
        if name.startswith("Scripts/"):
            hidden = "macro script"
        elif base.startswith("Object "):
            hidden = "embedded object"
        else:
            hidden = "embedded file"
        yield Member(name=name, data=archive.read(name), hidden=hidden)


def _basic_module(archive: SafeZip, name: str, problems: list[str]) -> Iterator[Item]:
    try:
        root = _xml.parse(archive.read(name))
    except LimitExceeded:
        raise
    except ExtractError as exc:
        problems.append(f"{name} unreadable: {reason(exc)}")
        return
    source = _itertext(root).strip()
    module = name[len("Basic/"):].removesuffix(".xml")
    if source:
        yield Segment(text=source, location=Location(part=name, line=1), hidden=f"macro module '{module}'")


# --------------------------------------------------------------------------- one document

@dataclass(slots=True)
class _Shared:
    """State shared by a package's own document and its embedded objects."""

    ctx: Context
    cells: int = 0

    def count_cells(self, n: int) -> None:
        self.cells += n
        if self.cells > self.ctx.limits.max_cells:
            raise LimitExceeded(f"more than {self.ctx.limits.max_cells:,} cells")


@dataclass(frozen=True, slots=True)
class _Where:
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

    def hide(self, reason: str | None) -> _Where:
        return dataclasses.replace(self, hidden=_join(self.hidden, reason))


@dataclass(slots=True)
class _Style:
    parent: str | None
    props: dict[str, str]  # local attribute name -> value, from every *-properties child


@dataclass(slots=True)
class _Para:
    """What reading one paragraph gathers besides its text."""

    pieces: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)


class _Doc:
    """One OpenDocument (the package's own, or an embedded object): styles, counters, walkers."""

    def __init__(self, shared: _Shared, *, prefix: str = "", hidden: str | None = None,
                 kind: str = "") -> None:
        self.shared = shared
        self.prefix = prefix  # "Object 1/" for embedded objects
        self.hidden = hidden  # "embedded object"
        self.styles: dict[tuple[str, str], _Style] = {}
        self.reasons: dict[tuple[str, str], str | None] = {}  # text_reason, memoised
        self.lines: dict[str, int] = {}
        # Local name of the office:body child (text, spreadsheet, presentation...); known from the
        # mimetype before the body starts, so that styles.xml is read with the right eyes.
        self.kind = kind
        self.tables = 0
        self.pages = 0
        self.objects = 0
        self.saw_body = False

    # ----------------------------------------------------------------- event dispatch

    def feed(self, events: Iterable[tuple[str, etree._Element]], *, prune: bool) -> Iterator[Item]:
        """Handle start/end events of a whole document, part or embedded sub-document."""
        sheet: _Sheet | None = None
        open_tables = 0  # tables open inside the spreadsheet body (> 1: a table in a cell)
        roots = 0  # > 1 inside a sub-document written inline (flat files): read when its object ends
        in_body = False
        for event, el in events:
            tag = el.tag
            if event == "start":
                if tag in _ROOTS:
                    roots += 1
                    if roots == 1 and not self.kind:
                        self.kind = _kind(el.get(_q("office", "mimetype")) or "")
                if roots > 1:
                    continue
                if tag == _OFFICE_BODY:
                    self.saw_body = in_body = True
                elif tag in _BODY_KINDS and _parent_tag(el) == _OFFICE_BODY:
                    self.kind = _xml.local(tag)
                elif tag == _TABLE and in_body and self.kind == "spreadsheet":
                    open_tables += 1
                    if open_tables == 1:
                        sheet = self.sheet(el)
                continue
            if tag in _ROOTS:
                roots -= 1
                if roots:
                    continue  # the end of an inline sub-document
            if roots > 1:
                continue
            if sheet is not None and open_tables == 1 and tag in (_ROW, _COLUMN):
                if tag == _ROW:
                    yield from sheet.row(el)
                else:
                    sheet.column(el)
                _release(el, prune)
                continue
            if tag == _TABLE and open_tables:
                open_tables -= 1
                if open_tables == 0:
                    sheet = None
                    _release(el, prune)
                continue
            parent_tag = _parent_tag(el)
            if sheet is not None and open_tables == 1 and parent_tag == _TABLE:  # shapes, forms of a sheet
                yield from self.block_items(el, _Where(part=sheet.part, hidden=sheet.hidden))
                _release(el, prune)
            elif parent_tag in _BODY_KINDS:
                yield from self.body_child(el)
                _release(el, prune)
            elif parent_tag in _ROOTS:
                in_body = in_body and tag != _OFFICE_BODY
                yield from self.top_child(el)
                _release(el, prune)

    def top_child(self, el: etree._Element) -> Iterator[Item]:
        tag = el.tag
        if tag in _STYLE_CONTAINERS:
            self.add_styles(el)
        elif tag == _q("office", "master-styles"):
            yield from self.master_styles(el)
        elif tag == _q("office", "meta"):
            yield from self.meta(el)
        elif tag == _q("office", "scripts"):
            yield from self.scripts(el)

    def body_child(self, el: etree._Element) -> Iterator[Item]:
        if el.tag == _PAGE:
            yield from self.page(el)
        elif el.tag in _DECLS:
            text = _itertext(el).strip()
            if text:
                reason = _DECLS[el.tag]  # "slide footer" / "slide header"
                yield Segment(text=text, location=Location(part=self.part(reason.split()[-1])),
                              hidden=_join(self.hidden, reason))
        else:
            yield from self.block_items(el, _Where(part=self.part("body"), hidden=self.hidden))

    def block_items(self, el: etree._Element, where: _Where) -> list[Item]:
        out: list[Item] = []
        self.block(el, where, out, None, [])
        return out

    def part(self, name: str) -> str:
        return self.prefix + name

    def next_line(self, part: str) -> int:
        self.lines[part] = self.lines.get(part, 0) + 1
        return self.lines[part]

    # ----------------------------------------------------------------- styles

    def add_styles(self, container: etree._Element) -> None:
        family_attr, name_attr = _q("style", "family"), _q("style", "name")
        parent_attr = _q("style", "parent-style-name")
        for st in container.iter(_STYLE):
            name = st.get(name_attr)
            if not name:
                continue
            props: dict[str, str] = {}
            for child in st:
                if _xml.local(child.tag).endswith("-properties"):
                    props.update((_xml.local(k), str(v)) for k, v in child.attrib.items())
            self.styles[(st.get(family_attr) or "", name)] = _Style(st.get(parent_attr), props)
        self.reasons.clear()

    def prop(self, family: str, name: str | None, key: str) -> str | None:
        seen = 0
        while name and seen < 16:  # parent chains are short; a cycle must not hang us
            style = self.styles.get((family, name))
            if style is None:
                return None
            if key in style.props:
                return style.props[key]
            name, seen = style.parent, seen + 1
        return None

    def text_reason(self, family: str, name: str | None) -> str | None:
        """Why text in this style is invisible: display none, white on white, tiny."""
        if not name:
            return None
        key = (family, name)
        if key not in self.reasons:
            self.reasons[key] = self._text_reason(family, name)
        return self.reasons[key]

    def _text_reason(self, family: str, name: str) -> str | None:
        if self.prop(family, name, "display") == "none":
            return "hidden text (text:display)"
        color = (self.prop(family, name, "color") or "").lower()
        background = (self.prop(family, name, "background-color") or "transparent").lower()
        if color in _WHITE and (background in _WHITE or background == "transparent"):
            return "white text"
        size = self.prop(family, name, "font-size") or ""
        if size.endswith("pt"):
            try:
                if float(size[:-2]) < 3:
                    return f"tiny text ({size})"
            except ValueError:
                pass
        return None

    # ----------------------------------------------------------------- document-level parts

    def meta(self, el: etree._Element) -> Iterator[Item]:
        location = Location(part=self.part("meta.xml"))
        keywords: list[str] = []
        for child in el:
            value = _itertext(child).strip()
            if not value:
                continue
            if child.tag == _q("meta", "keyword"):
                keywords.append(value)
                continue
            if child.tag == _q("meta", "user-defined"):
                name = child.get(_q("meta", "name")) or "user-defined"
            elif child.tag in _META_NAMES:
                name = _META_NAMES[child.tag]
            else:
                continue
            yield Segment(text=f"{name}: {value}", location=location,
                          hidden=_join(self.hidden, f"document property '{name}'"))
        if keywords:
            yield Segment(text=f"keywords: {', '.join(keywords)}", location=location,
                          hidden=_join(self.hidden, "document property 'keywords'"))

    def scripts(self, el: etree._Element) -> Iterator[Item]:
        """Basic macros stored inline in a flat document."""
        name_attr = _q("ooo", "name")
        for library in el.iter(_q("ooo", "library-embedded")):
            for module in library.iter(_q("ooo", "module")):
                source = _itertext(module).strip()
                if source:
                    label = f"{library.get(name_attr) or 'Standard'}/{module.get(name_attr) or 'module'}"
                    yield Segment(text=source, location=Location(part=self.part(f"Basic/{label}"), line=1),
                                  hidden=_join(self.hidden, f"macro module '{label}'"))

    def master_styles(self, el: etree._Element) -> Iterator[Item]:
        """Headers and footers of every master page (many repeat each other: yielded once)."""
        out: list[Item] = []
        for master in el.iter(_MASTER_PAGE):
            name = master.get(_q("style", "name")) or "master"
            for child in master:
                if child.tag in _MASTER_PARTS:
                    kind = _MASTER_PARTS[child.tag]
                    where = _Where(part=self.part(kind), hidden=_join(self.hidden, f"page {kind}"))
                    self.block(child, where, out, None, [])
                elif child.tag != _NOTES:  # presentation master: shapes shown on every slide
                    self.shape(child, _Where(part=self.part(f"master page '{name}'"), hidden=self.hidden),
                               out)
        seen: set[tuple[str | None, str]] = set()
        for item in out:
            key = (item.location.part, item.text) if isinstance(item, Segment) else None
            if key is None or key not in seen:
                yield item
            if key is not None:
                seen.add(key)

    def page(self, el: etree._Element) -> Iterator[Item]:
        self.pages += 1
        n = self.pages
        label = "slide" if self.kind == "presentation" else "page"
        style = el.get(_DRAW_STYLE)
        hidden_slide = (self.prop("drawing-page", style, "visibility") == "hidden"
                        or el.get(_q("presentation", "visibility")) == "hidden")
        where = _Where(part=self.part(f"{label} {n}"), page=n,
                       hidden=_join(self.hidden, f"hidden {label} {n}" if hidden_slide else None))
        out: list[Item] = []
        for child in el:
            if child.tag == _NOTES:
                notes = where.hide(f"speaker notes, {label} {n}")
                for shape in child:
                    self.shape(shape, notes, out)
            else:
                self.block(child, where, out, None, [])
        yield from out

    def sheet(self, el: etree._Element) -> _Sheet:
        name = el.get(_TABLE_NAME) or f"table {self.tables + 1}"
        self.tables += 1
        hidden = None
        if self.prop("table", el.get(_TABLE_STYLE), "display") == "false":
            hidden = f"hidden sheet '{name}'"
        return _Sheet(self, part=self.part(name), hidden=_join(self.hidden, hidden))

    # ----------------------------------------------------------------- block level

    def block(self, el: etree._Element, where: _Where, out: list[Item], paras: list[str] | None,
              reasons: list[str], depth: int = 0) -> None:
        """Read one block element. Paragraphs become segments of their own (paras is None,
        "flow") or are appended to paras (a cell, a text box, a comment: "collect")."""
        tag = el.tag
        if not isinstance(tag, str) or tag in _BLOCK_SKIP:
            return
        if tag in (_P, _H):
            self.paragraph(el, where, out, paras, reasons)
        elif tag == _TABLE:
            self.table(el, where, out)
        elif tag == _SECTION:
            display = el.get(_TEXT_DISPLAY)
            if display in ("none", "condition"):
                where = where.hide(f"hidden section '{el.get(_q('text', 'name')) or ''}'")
            self.children(el, where, out, paras, reasons, depth)
        elif tag in _ANNOTATIONS:
            self.annotation(el, where, out)
        elif tag.startswith(f"{{{_NS['draw']}}}"):
            self.shape(el, where, out)
        elif tag == _TRACKED_CHANGES:
            self.tracked_deletions(el, where, out)
        elif tag == _TABLE_CHANGES:
            self.sheet_changes(el, where, out)
        elif tag == _NAMED_EXPRESSIONS:
            self.named_expressions(el, where, out)
        elif tag == _USER_FIELD_DECLS:
            self.user_fields(el, where, out)
        elif tag == _FORMS:
            self.forms(el, where, out)
        elif tag in _DECLS or tag == _NOTES or tag.startswith(f"{{{_NS['anim']}}}"):
            return
        elif _xml.local(tag).endswith("-index") or tag == _q("text", "table-of-content"):
            for body in el.iter(_INDEX_BODY):  # the generated index, not its templates
                self.children(body, where, out, paras, reasons, depth)
        else:
            self.children(el, where, out, paras, reasons, depth)

    def children(self, el: etree._Element, where: _Where, out: list[Item], paras: list[str] | None,
                 reasons: list[str], depth: int) -> None:
        if depth > _MAX_DEPTH:
            text = _itertext(el).strip()
            if text:
                out.append(Segment(text=text, location=where.loc(), hidden=where.hidden))
            return
        for child in el:
            self.block(child, where, out, paras, reasons, depth + 1)

    def collect(self, el: etree._Element, where: _Where, out: list[Item]) -> tuple[str, str | None]:
        """The paragraphs under el joined with newlines, and why they are hidden (if they are)."""
        paras: list[str] = []
        reasons: list[str] = []
        for child in el:
            self.block(child, where, out, paras, reasons)
        return "\n".join(paras).strip("\n"), (reasons[0] if reasons else None)

    def paragraph(self, el: etree._Element, where: _Where, out: list[Item], paras: list[str] | None,
                  reasons: list[str]) -> None:
        if paras is None:
            where = dataclasses.replace(where, line=self.next_line(where.part))
        para = _Para()
        side: list[Item] = []
        self.inline(el, where, para, side, 0)
        text = "".join(para.pieces)
        reason = self.text_reason("paragraph", el.get(_TEXT_STYLE))
        reason = reason or (para.reasons[0] if para.reasons else None)
        for href in para.links:
            if href and not href.startswith("#") and href not in text:
                side.append(Segment(text=href, location=where.loc(),
                                    hidden=_join(where.hidden, "hyperlink target")))
        if paras is None:
            if text.strip():
                out.append(Segment(text=text, location=where.loc(), hidden=_join(where.hidden, reason)))
        else:
            paras.append(text)
            if reason and text.strip():
                reasons.append(reason)
        out.extend(side)

    def inline(self, el: etree._Element, where: _Where, para: _Para, side: list[Item], depth: int) -> None:
        pieces = para.pieces
        if el.text:
            pieces.append(el.text)
        for child in el:
            tag = child.tag
            if not isinstance(tag, str):  # comments, processing instructions
                pass
            elif depth > _MAX_DEPTH:
                pieces.append(_itertext(child))
            elif tag == _SPAN:
                reason = self.text_reason("text", child.get(_TEXT_STYLE))
                start = len(pieces)
                self.inline(child, where, para, side, depth + 1)
                if reason and "".join(pieces[start:]).strip():
                    para.reasons.append(reason)
            elif tag == _S:
                pieces.append(" " * _count(child.get(_q("text", "c"))))
            elif tag == _TAB:
                pieces.append("\t")
            elif tag == _LINE_BREAK:
                pieces.append("\n")
            elif tag == _A:
                para.links.append(child.get(_HREF) or "")
                self.inline(child, where, para, side, depth + 1)
            elif tag == _NOTE:
                note_class = child.get(_q("text", "note-class")) or "footnote"
                body = child.find(_NOTE_BODY)
                if body is not None:
                    text, _ = self.collect(body, where, side)
                    if text.strip():
                        side.append(Segment(text=text, location=where.loc(),
                                            hidden=_join(where.hidden, note_class)))
            elif tag in _ANNOTATIONS:
                self.annotation(child, where, side)
            elif tag == _HIDDEN_TEXT:
                value = child.get(_q("text", "string-value")) or _itertext(child)
                if child.get(_IS_HIDDEN) == "false":
                    pieces.append(value)
                elif value.strip():
                    side.append(Segment(text=value, location=where.loc(),
                                        hidden=_join(where.hidden, "hidden text field")))
            elif tag == _HIDDEN_PARAGRAPH:
                if child.get(_IS_HIDDEN) != "false":
                    para.reasons.insert(0, "hidden paragraph")
            elif tag in _INLINE_SKIP:
                pass
            elif tag.startswith(f"{{{_NS['draw']}}}"):
                self.shape(child, where, side)
            elif child.get(_TEXT_DISPLAY) == "none":  # a field whose value is not shown
                value = _itertext(child)
                if value.strip():
                    side.append(Segment(text=value, location=where.loc(),
                                        hidden=_join(where.hidden, "hidden field")))
            else:  # fields, text:meta, ruby, ... show their content
                self.inline(child, where, para, side, depth + 1)
            if child.tail:
                pieces.append(child.tail)

    # ----------------------------------------------------------------- anchored things

    def annotation(self, el: etree._Element, where: _Where, out: list[Item]) -> None:
        creator = (el.findtext(_q("dc", "creator")) or "").strip()
        label = "cell comment" if self.kind == "spreadsheet" and where.cell else "comment"
        text, _ = self.collect(el, where, out)
        if text.strip():
            out.append(Segment(text=text, location=where.loc(),
                               hidden=_join(where.hidden, f"{label} by {creator}" if creator else label)))

    def shape(self, el: etree._Element, where: _Where, out: list[Item], depth: int = 0) -> None:
        """A drawing shape: text box, custom shape with text, group, table frame, object."""
        if not isinstance(el.tag, str) or depth > _MAX_DEPTH:
            return
        if el.get(_q("presentation", "placeholder")) == "true":
            return  # an empty layout placeholder ("Click to add text")
        for alt in (el.find(_TITLE), el.find(_DESC)):
            text = (alt.text or "").strip() if alt is not None else ""
            if text:
                out.append(Segment(text=text, location=where.loc(), hidden=_join(where.hidden, "alt text")))
        # Slides are made of text boxes; elsewhere a box floats outside the flow of text.
        box = None if self.kind in ("presentation", "drawing") else "text box"
        if el.tag == _OBJECT:
            self.inline_object(el, where, out)
            return
        if el.tag == _TEXT_BOX or el.find(_P) is not None or el.find(_q("text", "list")) is not None:
            text, reason = self.collect(el, where, out)
            if text.strip():
                out.append(Segment(text=text, location=where.loc(),
                                   hidden=_join(_join(where.hidden, box), reason)))
            return
        for child in el:
            if child.tag == _TABLE:
                self.table(child, where, out)
            elif child.tag in _ANNOTATIONS:
                self.annotation(child, where, out)
            elif child.tag not in (_TITLE, _DESC):
                self.shape(child, where, out, depth + 1)

    def inline_object(self, el: etree._Element, where: _Where, out: list[Item]) -> None:
        """A sub-document written inside a flat file (draw:object > office:document)."""
        root = el.find(_q("office", "document"))
        if root is None:
            return  # a package object ("./Object 1") is read from its own folder
        self.objects += 1
        sub = _Doc(self.shared, prefix=f"{self.prefix}Object {self.objects}/",
                   hidden=_join(where.hidden, "embedded object"))
        out.extend(sub.feed(etree.iterwalk(root, events=("start", "end")), prune=False))

    def tracked_deletions(self, el: etree._Element, where: _Where, out: list[Item]) -> None:
        where = _Where(part=self.part("tracked changes"), hidden=where.hidden)
        for deletion in el.iter(_DELETION):
            creator = (deletion.findtext(f"{_CHANGE_INFO}/{_q('dc', 'creator')}") or "").strip()
            text, _ = self.collect(deletion, where, out)
            if text.strip():
                label = f"tracked deletion by {creator}" if creator else "tracked deletion"
                out.append(Segment(text=text, location=where.loc(), hidden=_join(where.hidden, label)))

    def sheet_changes(self, el: etree._Element, where: _Where, out: list[Item]) -> None:
        """Spreadsheet change tracking keeps previous and deleted cell contents."""
        where = _Where(part=self.part("tracked changes"), hidden=where.hidden)
        for change in el:
            creator = (change.findtext(f"{_CHANGE_INFO}/{_q('dc', 'creator')}") or "").strip()
            label = f"tracked change by {creator}" if creator else "tracked change"
            for cell in change.iter(_CHANGE_TRACK_CELL):
                text, _ = self.collect(cell, where, out)
                text = text or _typed_value(cell)
                if text.strip():
                    out.append(Segment(text=text, location=where.loc(), hidden=_join(where.hidden, label)))

    def named_expressions(self, el: etree._Element, where: _Where, out: list[Item]) -> None:
        """Named expressions holding a literal (a password typed into a name) rather than a range."""
        location = Location(part=self.part("named expressions"))
        for expr in el.iter(_q("table", "named-expression")):
            name = expr.get(_q("table", "name")) or ""
            value = _literal(expr.get(_q("table", "expression")) or "")
            if value:
                out.append(Segment(text=f"{name}: {value}", location=location,
                                   hidden=_join(where.hidden, f"named expression '{name}'")))

    def user_fields(self, el: etree._Element, where: _Where, out: list[Item]) -> None:
        location = Location(part=self.part("user fields"))
        for decl in el.iter(_q("text", "user-field-decl")):
            name = decl.get(_q("text", "name")) or ""
            value = decl.get(_q("office", "string-value")) or decl.get(_q("office", "value")) or ""
            if value.strip():
                out.append(Segment(text=f"{name}: {value}", location=location,
                                   hidden=_join(where.hidden, f"user field '{name}'")))

    def forms(self, el: etree._Element, where: _Where, out: list[Item]) -> None:
        """Form controls keep typed values; forms keep database connections."""
        location = Location(part=self.part("forms"))
        for control in el.iter():
            if not isinstance(control.tag, str) or not control.tag.startswith(f"{{{_NS['form']}}}"):
                continue
            name = control.get(_q("form", "name")) or _xml.local(control.tag)
            if control.tag == _q("form", "connection-resource"):
                value = control.get(_HREF)
            else:
                value = control.get(_q("form", "current-value")) or control.get(_q("form", "value"))
            if value and value.strip():
                out.append(Segment(text=f"{name}: {value}", location=location,
                                   hidden=_join(where.hidden, f"form field '{name}'")))

    # ----------------------------------------------------------------- tables

    def table(self, el: etree._Element, where: _Where, out: list[Item]) -> None:
        """A table inside text, a slide or a cell: read from the tree, rows in order."""
        self.tables += 1
        name = el.get(_TABLE_NAME) or f"table {self.tables}"
        sheet = _Sheet(self, part=self.part(name), hidden=where.hidden, page=where.page)
        for child in _table_parts(el):
            if child.tag == _COLUMN:
                sheet.column(child)
            else:
                out.extend(sheet.row(child))


class _Sheet:
    """Rows of one table (a sheet, or a table in text), with repeats and hidden columns."""

    def __init__(self, doc: _Doc, *, part: str, hidden: str | None, page: int | None = None) -> None:
        self.doc = doc
        self.part = part
        self.hidden = hidden
        self.page = page
        self.hidden_columns: list[tuple[int, int]] = []  # inclusive spans
        self.next_column = 1
        self.last_row = 0

    def column(self, el: etree._Element) -> None:
        repeat = _count(el.get(_COLS_REPEATED), cap=None)
        if el.get(_VISIBILITY) in ("collapse", "filter"):
            self.hidden_columns.append((self.next_column, self.next_column + repeat - 1))
        self.next_column += repeat

    def column_hidden(self, column: int) -> bool:
        return any(start <= column <= end for start, end in self.hidden_columns)

    def row(self, el: etree._Element) -> Iterator[Item]:
        """The row's anchored items (comments...), then the row and its repeated copies."""
        repeat = _count(el.get(_ROWS_REPEATED), cap=None)
        first = self.last_row + 1
        self.last_row += repeat
        side: list[Item] = []
        cells = self.cells(el, first, side)
        yield from side
        hidden_row = el.get(_VISIBILITY) in ("collapse", "filter")
        for number in range(first, first + min(repeat, _MAX_REPEAT) if cells else first):
            self.doc.shared.count_cells(len(cells))
            yield Row(
                cells=tuple(Cell(text=text, column=col, ref=f"{letters}{number}", hidden=hidden)
                            for col, letters, text, hidden in cells),
                location=Location(part=self.part, page=self.page, row=number), table=self.part,
                hidden=_join(self.hidden, f"hidden row {number}" if hidden_row else None))

    def cells(self, row: etree._Element, number: int,
              side: list[Item]) -> list[tuple[int, str, str, str | None]]:
        """(column, column letters, text, hidden reason) of the non-empty cells."""
        doc = self.doc
        found: list[tuple[int, str, str, str | None]] = []
        column = 1
        for cell in row:
            if column > _MAX_COLUMNS:
                break  # past the widest sheet any office suite opens: padding or a bomb
            if cell.tag not in (_CELL, _COVERED):
                continue
            repeat = _count(cell.get(_COLS_REPEATED), cap=None)
            if len(cell) or cell.get(_VALUE_TYPE) or cell.get(_CALC_VALUE_TYPE):
                text, reason = _plain_text(cell), None
                if text is None:
                    where = _Where(part=self.part, hidden=self.hidden, page=self.page,
                                   cell=f"{column_letters(column)}{number}", row=number, column=column)
                    text, reason = doc.collect(cell, where, side)
                text = text or _typed_value(cell)
                if text:
                    if cell.tag == _COVERED:
                        reason = "covered by a merged cell"
                    reason = reason or doc.text_reason("table-cell", cell.get(_TABLE_STYLE))
                    for col in range(column, min(column + min(repeat, _MAX_REPEAT), _MAX_COLUMNS + 1)):
                        letters = column_letters(col)
                        hidden = f"hidden column {letters}" if self.column_hidden(col) else reason
                        found.append((col, letters, text, hidden))
            column += repeat
        return found


# --------------------------------------------------------------------------- helpers

def _kind(mimetype: str) -> str:
    """`application/vnd.oasis.opendocument.spreadsheet` -> `spreadsheet`, as office:body names it."""
    name = mimetype.strip().removeprefix("application/vnd.oasis.opendocument.").split("-")[0]
    return {"graphics": "drawing", "text": "text", "spreadsheet": "spreadsheet",
            "presentation": "presentation", "chart": "chart"}.get(name, "")


def _table_parts(el: etree._Element) -> Iterator[etree._Element]:
    """Columns and rows of this table (not of tables nested in its cells), in order."""
    for child in el:
        if child.tag in (_ROW, _COLUMN):
            yield child
        elif child.tag in _ROW_GROUPS or child.tag in _COLUMN_GROUPS:
            yield from _table_parts(child)


def _plain_text(cell: etree._Element) -> str | None:
    """A cell made only of unstyled plain paragraphs (most cells): its text, read cheaply.
    None when anything else is inside and the full reader must look."""
    lines = []
    for child in cell:
        if child.tag != _P or len(child) or child.get(_TEXT_STYLE) is not None:
            return None
        lines.append(child.text or "")
    return "\n".join(lines).strip("\n")


def _typed_value(cell: etree._Element) -> str:
    """The value of a cell that has no displayed text, written as the user would type it."""
    kind = cell.get(_VALUE_TYPE) or cell.get(_CALC_VALUE_TYPE) or ""
    if kind in ("float", "percentage", "currency"):
        return _number(cell.get(_q("office", "value")) or "")
    if kind == "boolean":
        value = (cell.get(_q("office", "boolean-value")) or "").lower()
        return {"true": "TRUE", "false": "FALSE"}.get(value, value)
    attr = {"date": "date-value", "time": "time-value", "string": "string-value"}.get(kind)
    return (cell.get(_q("office", attr)) or "") if attr else ""


def _number(value: str) -> str:
    try:
        number = float(value)
    except ValueError:
        return value
    if math.isfinite(number) and number.is_integer() and abs(number) < 1e16:
        return str(int(number))
    return repr(number)


def _literal(expression: str) -> str:
    """`of:="s3cret"` -> `s3cret`; `of:=42` -> `42`; a reference or formula -> ""."""
    body = expression.removeprefix("of:").lstrip("=").strip()
    match = _STRING_LITERAL.match(body)
    if match:
        return match.group(1).replace('""', '"')
    if re.fullmatch(r"-?\d+(\.\d+)?", body):
        return body
    return body if '"' in body else ""


def _count(value: str | None, cap: int | None = _MAX_SPACES) -> int:
    """A repeat / space count attribute: at least 1, at most cap."""
    try:
        number = max(1, int(value or 1))
    except ValueError:
        return 1
    return number if cap is None else min(number, cap)


def _join(outer: str | None, inner: str | None) -> str | None:
    if not outer or outer == inner:
        return inner
    if not inner:
        return outer
    return f"{outer}, {inner}"


def _itertext(el: etree._Element) -> str:
    return "".join(t for t in el.itertext() if isinstance(t, str))


def _parent_tag(el: etree._Element) -> str | None:
    parent = el.getparent()
    return parent.tag if parent is not None else None


def _release(el: etree._Element, prune: bool) -> None:
    """Free an element handled while streaming, and the empty shells before it."""
    if not prune:
        return
    el.clear()
    parent = el.getparent()
    if parent is not None:
        while el.getprevious() is not None:
            del parent[0]

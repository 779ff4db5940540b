"""OpenDocument namespaces and the qualified tag and attribute names the readers match."""

from __future__ import annotations

NS = {
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


def qname(prefix: str, name: str) -> str:
    return f"{{{NS[prefix]}}}{name}"


# Elements
P, H, SPAN, A = qname("text", "p"), qname("text", "h"), qname("text", "span"), qname("text", "a")
S, TAB, LINE_BREAK = qname("text", "s"), qname("text", "tab"), qname("text", "line-break")
NOTE, NOTE_BODY = qname("text", "note"), qname("text", "note-body")
HIDDEN_TEXT, HIDDEN_PARAGRAPH = qname("text", "hidden-text"), qname("text", "hidden-paragraph")
SECTION, TRACKED_CHANGES = qname("text", "section"), qname("text", "tracked-changes")
DELETION, USER_FIELD_DECLS = qname("text", "deletion"), qname("text", "user-field-decls")
INDEX_BODY = qname("text", "index-body")
ANNOTATIONS = frozenset({qname("office", "annotation"), qname("officeooo", "annotation")})
FORMS, CHANGE_INFO = qname("office", "forms"), qname("office", "change-info")
TABLE, ROW, CELL = qname("table", "table"), qname("table", "table-row"), qname("table", "table-cell")
COVERED, COLUMN = qname("table", "covered-table-cell"), qname("table", "table-column")
NAMED_EXPRESSIONS, TABLE_CHANGES = qname("table", "named-expressions"), qname("table", "tracked-changes")
CHANGE_TRACK_CELL = qname("table", "change-track-table-cell")
PAGE, TEXT_BOX, OBJECT = qname("draw", "page"), qname("draw", "text-box"), qname("draw", "object")
NOTES = qname("presentation", "notes")
DECLS = {qname("presentation", "footer-decl"): "slide footer", qname("presentation", "header-decl"): "slide header"}
TITLE, DESC = qname("svg", "title"), qname("svg", "desc")
STYLE, MASTER_PAGE = qname("style", "style"), qname("style", "master-page")
MASTER_PARTS = {qname("style", n): n.split("-")[0] for n in (
    "header", "header-left", "header-first", "footer", "footer-left", "footer-first")}
OFFICE_BODY = qname("office", "body")
BODY_KINDS = frozenset(qname("office", n) for n in ("text", "spreadsheet", "presentation", "drawing",
                                                    "chart", "image", "formula"))
ROOTS = frozenset(qname("office", n) for n in ("document", "document-content", "document-styles",
                                               "document-meta"))
SKIPPED_TOP = frozenset(qname("office", n) for n in ("settings", "font-face-decls"))
TOP_LEVEL = frozenset(qname("office", n) for n in ("meta", "settings", "scripts", "font-face-decls", "styles",
                                                   "automatic-styles", "master-styles", "body"))
STYLE_CONTAINERS = frozenset(qname("office", n) for n in ("styles", "automatic-styles"))
# Elements whose content is not part of the text a reader sees (or is handled elsewhere).
INLINE_SKIP = frozenset({
    qname("text", "note-citation"), qname("text", "bookmark"), qname("text", "bookmark-start"),
    qname("text", "bookmark-end"), qname("text", "reference-mark"), qname("text", "reference-mark-start"),
    qname("text", "reference-mark-end"), qname("text", "change"), qname("text", "change-start"),
    qname("text", "change-end"), qname("text", "soft-page-break"), qname("office", "annotation-end"),
    qname("text", "toc-mark"), qname("text", "toc-mark-start"), qname("text", "toc-mark-end"),
    qname("text", "alphabetical-index-mark"), qname("text", "user-index-mark"),
})
BLOCK_SKIP = frozenset({
    qname("text", "sequence-decls"), qname("text", "variable-decls"), qname("text", "soft-page-break"),
    qname("text", "table-of-content-source"), qname("text", "alphabetical-index-source"),
    qname("text", "illustration-index-source"), qname("text", "table-index-source"),
    qname("text", "object-index-source"), qname("text", "user-index-source"),
    qname("text", "bibliography-source"), qname("text", "index-title-template"),
    qname("office", "event-listeners"), qname("draw", "page-thumbnail"), qname("table", "calculation-settings"),
    qname("table", "content-validations"), qname("table", "database-ranges"),
    qname("table", "data-pilot-tables"), qname("table", "dde-links"), qname("table", "table-source"),
    qname("presentation", "date-time-decl"), qname("presentation", "settings"),
    qname("text", "dde-connection-decls"), qname("text", "change"), qname("text", "change-start"),
    qname("text", "change-end"),
})
# Attributes
TEXT_STYLE, TABLE_STYLE, DRAW_STYLE = qname("text", "style-name"), qname("table", "style-name"), \
    qname("draw", "style-name")
TABLE_NAME, VISIBILITY = qname("table", "name"), qname("table", "visibility")
COLS_REPEATED, ROWS_REPEATED = qname("table", "number-columns-repeated"), qname("table", "number-rows-repeated")
VALUE_TYPE, CALC_VALUE_TYPE = qname("office", "value-type"), qname("calcext", "value-type")
HREF = qname("xlink", "href")
IS_HIDDEN, TEXT_DISPLAY = qname("text", "is-hidden"), qname("text", "display")
WHITE = frozenset({"#ffffff", "#fff", "white"})
META_NAMES = {qname("dc", "title"): "title", qname("dc", "subject"): "subject",
              qname("dc", "description"): "description"}

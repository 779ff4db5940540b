"""One OpenDocument XML stream read as events: styles, metadata, body blocks, anchored things."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator

from lxml import etree

from docsecrets.extract.common import xml as _xml
from docsecrets.extract.common.reason import reason
from docsecrets.extract.odf.names import (qname, A, ANNOTATIONS, BLOCK_SKIP, BODY_KINDS, CHANGE_INFO, CHANGE_TRACK_CELL,
                                          COLUMN, DECLS, DELETION, DESC, DRAW_STYLE, FORMS, H, HIDDEN_PARAGRAPH,
                                          HIDDEN_TEXT, HREF, INDEX_BODY, INLINE_SKIP, IS_HIDDEN, LINE_BREAK,
                                          MASTER_PAGE, MASTER_PARTS, META_NAMES, NAMED_EXPRESSIONS, NOTE, NOTES,
                                          NOTE_BODY, NS, OBJECT, OFFICE_BODY, P, PAGE, ROOTS, ROW, S, SECTION, SPAN,
                                          STYLE, STYLE_CONTAINERS, TAB, TABLE, TABLE_CHANGES, TABLE_NAME, TABLE_STYLE,
                                          TEXT_BOX, TEXT_DISPLAY, TEXT_STYLE, TITLE, TRACKED_CHANGES, USER_FIELD_DECLS,
                                          WHITE)
from docsecrets.extract.odf.sheet import Sheet
from docsecrets.extract.odf.state import Para, Shared, Style, Where
from docsecrets.extract.odf.values import (all_text, document_kind, formula_literal, join_text, release, repeat_count,
                                           table_parts, tag_of_parent, typed_value)
from docsecrets.types import Item, Location, Segment

_MAX_DEPTH = 200  # XML nesting walked recursively; deeper content is read flat


class Doc:
    """One OpenDocument (the package's own, or an embedded object): styles, counters, walkers."""

    def __init__(self, shared: Shared, *, prefix: str = "", hidden: str | None = None,
                 kind: str = "") -> None:
        self.shared = shared
        self.prefix = prefix  # "Object 1/" for embedded objects
        self.hidden = hidden  # "embedded object"
        self.styles: dict[tuple[str, str], Style] = {}
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
        sheet: Sheet | None = None
        open_tables = 0  # tables open inside the spreadsheet body (> 1: a table in a cell)
        roots = 0  # > 1 inside a sub-document written inline (flat files): read when its object ends
        in_body = False
        for event, el in events:
            tag = el.tag
            if event == "start":
                if tag in ROOTS:
                    roots += 1
                    if roots == 1 and not self.kind:
                        self.kind = document_kind(el.get(qname("office", "mimetype")) or "")
                if roots > 1:
                    continue
                if tag == OFFICE_BODY:
                    self.saw_body = in_body = True
                elif tag in BODY_KINDS and tag_of_parent(el) == OFFICE_BODY:
                    self.kind = _xml.local(tag)
                elif tag == TABLE and in_body and self.kind == "spreadsheet":
                    open_tables += 1
                    if open_tables == 1:
                        sheet = self.sheet(el)
                continue
            if tag in ROOTS:
                roots -= 1
                if roots:
                    continue  # the end of an inline sub-document
            if roots > 1:
                continue
            if sheet is not None and open_tables == 1 and tag in (ROW, COLUMN):
                if tag == ROW:
                    yield from sheet.row(el)
                else:
                    sheet.column(el)
                release(el, prune)
                continue
            if tag == TABLE and open_tables:
                open_tables -= 1
                if open_tables == 0:
                    sheet = None
                    release(el, prune)
                continue
            parent_tag = tag_of_parent(el)
            if sheet is not None and open_tables == 1 and parent_tag == TABLE:  # shapes, forms of a sheet
                yield from self.block_items(el, Where(part=sheet.part, hidden=sheet.hidden))
                release(el, prune)
            elif parent_tag in BODY_KINDS:
                yield from self.body_child(el)
                release(el, prune)
            elif parent_tag in ROOTS:
                in_body = in_body and tag != OFFICE_BODY
                yield from self.top_child(el)
                release(el, prune)

    def top_child(self, el: etree._Element) -> Iterator[Item]:
        tag = el.tag
        if tag in STYLE_CONTAINERS:
            self.add_styles(el)
        elif tag == qname("office", "master-styles"):
            yield from self.master_styles(el)
        elif tag == qname("office", "meta"):
            yield from self.meta(el)
        elif tag == qname("office", "scripts"):
            yield from self.scripts(el)

    def body_child(self, el: etree._Element) -> Iterator[Item]:
        if el.tag == PAGE:
            yield from self.page(el)
        elif el.tag in DECLS:
            text = all_text(el).strip()
            if text:
                reason = DECLS[el.tag]  # "slide footer" / "slide header"
                yield Segment(text=text, location=Location(part=self.part(reason.split()[-1])),
                              hidden=join_text(self.hidden, reason))
        else:
            yield from self.block_items(el, Where(part=self.part("body"), hidden=self.hidden))

    def block_items(self, el: etree._Element, where: Where) -> list[Item]:
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
        family_attr, name_attr = qname("style", "family"), qname("style", "name")
        parent_attr = qname("style", "parent-style-name")
        for st in container.iter(STYLE):
            name = st.get(name_attr)
            if not name:
                continue
            props: dict[str, str] = {}
            for child in st:
                if _xml.local(child.tag).endswith("-properties"):
                    props.update((_xml.local(k), str(v)) for k, v in child.attrib.items())
            self.styles[(st.get(family_attr) or "", name)] = Style(st.get(parent_attr), props)
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
        if color in WHITE and (background in WHITE or background == "transparent"):
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
            value = all_text(child).strip()
            if not value:
                continue
            if child.tag == qname("meta", "keyword"):
                keywords.append(value)
                continue
            if child.tag == qname("meta", "user-defined"):
                name = child.get(qname("meta", "name")) or "user-defined"
            elif child.tag in META_NAMES:
                name = META_NAMES[child.tag]
            else:
                continue
            yield Segment(text=f"{name}: {value}", location=location,
                          hidden=join_text(self.hidden, f"document property '{name}'"))
        if keywords:
            yield Segment(text=f"keywords: {', '.join(keywords)}", location=location,
                          hidden=join_text(self.hidden, "document property 'keywords'"))

    def scripts(self, el: etree._Element) -> Iterator[Item]:
        """Basic macros stored inline in a flat document."""
        name_attr = qname("ooo", "name")
        for library in el.iter(qname("ooo", "library-embedded")):
            for module in library.iter(qname("ooo", "module")):
                source = all_text(module).strip()
                if source:
                    label = f"{library.get(name_attr) or 'Standard'}/{module.get(name_attr) or 'module'}"
                    yield Segment(text=source, location=Location(part=self.part(f"Basic/{label}"), line=1),
                                  hidden=join_text(self.hidden, f"macro module '{label}'"))

    def master_styles(self, el: etree._Element) -> Iterator[Item]:
        """Headers and footers of every master page (many repeat each other: yielded once)."""
        out: list[Item] = []
        for master in el.iter(MASTER_PAGE):
            name = master.get(qname("style", "name")) or "master"
            for child in master:
                if child.tag in MASTER_PARTS:
                    kind = MASTER_PARTS[child.tag]
                    where = Where(part=self.part(kind), hidden=join_text(self.hidden, f"page {kind}"))
                    self.block(child, where, out, None, [])
                elif child.tag != NOTES:  # presentation master: shapes shown on every slide
                    self.shape(child, Where(part=self.part(f"master page '{name}'"), hidden=self.hidden),
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
        style = el.get(DRAW_STYLE)
        hidden_slide = (self.prop("drawing-page", style, "visibility") == "hidden"
                        or el.get(qname("presentation", "visibility")) == "hidden")
        where = Where(part=self.part(f"{label} {n}"), page=n,
                      hidden=join_text(self.hidden, f"hidden {label} {n}" if hidden_slide else None))
        out: list[Item] = []
        for child in el:
            if child.tag == NOTES:
                notes = where.hide(f"speaker notes, {label} {n}")
                for shape in child:
                    self.shape(shape, notes, out)
            else:
                self.block(child, where, out, None, [])
        yield from out

    def sheet(self, el: etree._Element) -> Sheet:
        name = el.get(TABLE_NAME) or f"table {self.tables + 1}"
        self.tables += 1
        hidden = None
        if self.prop("table", el.get(TABLE_STYLE), "display") == "false":
            hidden = f"hidden sheet '{name}'"
        return Sheet(self, part=self.part(name), hidden=join_text(self.hidden, hidden))

    # ----------------------------------------------------------------- block level

    def block(self, el: etree._Element, where: Where, out: list[Item], paras: list[str] | None,
              reasons: list[str], depth: int = 0) -> None:
        """Read one block element. Paragraphs become segments of their own (paras is None,
        "flow") or are appended to paras (a cell, a text box, a comment: "collect")."""
        tag = el.tag
        if not isinstance(tag, str) or tag in BLOCK_SKIP:
            return
        if tag in (P, H):
            self.paragraph(el, where, out, paras, reasons)
        elif tag == TABLE:
            self.table(el, where, out)
        elif tag == SECTION:
            display = el.get(TEXT_DISPLAY)
            if display in ("none", "condition"):
                where = where.hide(f"hidden section '{el.get(qname('text', 'name')) or ''}'")
            self.children(el, where, out, paras, reasons, depth)
        elif tag in ANNOTATIONS:
            self.annotation(el, where, out)
        elif tag.startswith(f"{{{NS['draw']}}}"):
            self.shape(el, where, out)
        elif tag == TRACKED_CHANGES:
            self.tracked_deletions(el, where, out)
        elif tag == TABLE_CHANGES:
            self.sheet_changes(el, where, out)
        elif tag == NAMED_EXPRESSIONS:
            self.named_expressions(el, where, out)
        elif tag == USER_FIELD_DECLS:
            self.user_fields(el, where, out)
        elif tag == FORMS:
            self.forms(el, where, out)
        elif tag in DECLS or tag == NOTES or tag.startswith(f"{{{NS['anim']}}}"):
            return
        elif _xml.local(tag).endswith("-index") or tag == qname("text", "table-of-content"):
            for body in el.iter(INDEX_BODY):  # the generated index, not its templates
                self.children(body, where, out, paras, reasons, depth)
        else:
            self.children(el, where, out, paras, reasons, depth)

    def children(self, el: etree._Element, where: Where, out: list[Item], paras: list[str] | None,
                 reasons: list[str], depth: int) -> None:
        if depth > _MAX_DEPTH:
            text = all_text(el).strip()
            if text:
                out.append(Segment(text=text, location=where.loc(), hidden=where.hidden))
            return
        for child in el:
            self.block(child, where, out, paras, reasons, depth + 1)

    def collect(self, el: etree._Element, where: Where, out: list[Item]) -> tuple[str, str | None]:
        """The paragraphs under el joined with newlines, and why they are hidden (if they are)."""
        paras: list[str] = []
        reasons: list[str] = []
        for child in el:
            self.block(child, where, out, paras, reasons)
        return "\n".join(paras).strip("\n"), (reasons[0] if reasons else None)

    def paragraph(self, el: etree._Element, where: Where, out: list[Item], paras: list[str] | None,
                  reasons: list[str]) -> None:
        if paras is None:
            where = dataclasses.replace(where, line=self.next_line(where.part))
        para = Para()
        side: list[Item] = []
        self.inline(el, where, para, side, 0)
        text = "".join(para.pieces)
        reason = self.text_reason("paragraph", el.get(TEXT_STYLE))
        reason = reason or (para.reasons[0] if para.reasons else None)
        for href in para.links:
            if href and not href.startswith("#") and href not in text:
                side.append(Segment(text=href, location=where.loc(),
                                    hidden=join_text(where.hidden, "hyperlink target")))
        if paras is None:
            if text.strip():
                out.append(Segment(text=text, location=where.loc(), hidden=join_text(where.hidden, reason)))
        else:
            paras.append(text)
            if reason and text.strip():
                reasons.append(reason)
        out.extend(side)

    def inline(self, el: etree._Element, where: Where, para: Para, side: list[Item], depth: int) -> None:
        pieces = para.pieces
        if el.text:
            pieces.append(el.text)
        for child in el:
            tag = child.tag
            if not isinstance(tag, str):  # comments, processing instructions
                pass
            elif depth > _MAX_DEPTH:
                pieces.append(all_text(child))
            elif tag == SPAN:
                reason = self.text_reason("text", child.get(TEXT_STYLE))
                start = len(pieces)
                self.inline(child, where, para, side, depth + 1)
                if reason and "".join(pieces[start:]).strip():
                    para.reasons.append(reason)
            elif tag == S:
                pieces.append(" " * repeat_count(child.get(qname("text", "c"))))
            elif tag == TAB:
                pieces.append("\t")
            elif tag == LINE_BREAK:
                pieces.append("\n")
            elif tag == A:
                para.links.append(child.get(HREF) or "")
                self.inline(child, where, para, side, depth + 1)
            elif tag == NOTE:
                note_class = child.get(qname("text", "note-class")) or "footnote"
                body = child.find(NOTE_BODY)
                if body is not None:
                    text, _ = self.collect(body, where, side)
                    if text.strip():
                        side.append(Segment(text=text, location=where.loc(),
                                            hidden=join_text(where.hidden, note_class)))
            elif tag in ANNOTATIONS:
                self.annotation(child, where, side)
            elif tag == HIDDEN_TEXT:
                value = child.get(qname("text", "string-value")) or all_text(child)
                if child.get(IS_HIDDEN) == "false":
                    pieces.append(value)
                elif value.strip():
                    side.append(Segment(text=value, location=where.loc(),
                                        hidden=join_text(where.hidden, "hidden text field")))
            elif tag == HIDDEN_PARAGRAPH:
                if child.get(IS_HIDDEN) != "false":
                    para.reasons.insert(0, "hidden paragraph")
            elif tag in INLINE_SKIP:
                pass
            elif tag.startswith(f"{{{NS['draw']}}}"):
                self.shape(child, where, side)
            elif child.get(TEXT_DISPLAY) == "none":  # a field whose value is not shown
                value = all_text(child)
                if value.strip():
                    side.append(Segment(text=value, location=where.loc(),
                                        hidden=join_text(where.hidden, "hidden field")))
            else:  # fields, text:meta, ruby, ... show their content
                self.inline(child, where, para, side, depth + 1)
            if child.tail:
                pieces.append(child.tail)

    # ----------------------------------------------------------------- anchored things

    def annotation(self, el: etree._Element, where: Where, out: list[Item]) -> None:
        creator = (el.findtext(qname("dc", "creator")) or "").strip()
        label = "cell comment" if self.kind == "spreadsheet" and where.cell else "comment"
        text, _ = self.collect(el, where, out)
        if text.strip():
            out.append(Segment(text=text, location=where.loc(),
                               hidden=join_text(where.hidden, f"{label} by {creator}" if creator else label)))

    def shape(self, el: etree._Element, where: Where, out: list[Item], depth: int = 0) -> None:
        """A drawing shape: text box, custom shape with text, group, table frame, object."""
        if not isinstance(el.tag, str) or depth > _MAX_DEPTH:
            return
        if el.get(qname("presentation", "placeholder")) == "true":
            return  # an empty layout placeholder ("Click to add text")
        for alt in (el.find(TITLE), el.find(DESC)):
            text = (alt.text or "").strip() if alt is not None else ""
            if text:
                out.append(Segment(text=text, location=where.loc(), hidden=join_text(where.hidden, "alt text")))
        # Slides are made of text boxes; elsewhere a box floats outside the flow of text.
        box = None if self.kind in ("presentation", "drawing") else "text box"
        if el.tag == OBJECT:
            self.inline_object(el, where, out)
            return
        if el.tag == TEXT_BOX or el.find(P) is not None or el.find(qname("text", "list")) is not None:
            text, reason = self.collect(el, where, out)
            if text.strip():
                out.append(Segment(text=text, location=where.loc(),
                                   hidden=join_text(join_text(where.hidden, box), reason)))
            return
        for child in el:
            if child.tag == TABLE:
                self.table(child, where, out)
            elif child.tag in ANNOTATIONS:
                self.annotation(child, where, out)
            elif child.tag not in (TITLE, DESC):
                self.shape(child, where, out, depth + 1)

    def inline_object(self, el: etree._Element, where: Where, out: list[Item]) -> None:
        """A sub-document written inside a flat file (draw:object > office:document)."""
        root = el.find(qname("office", "document"))
        if root is None:
            return  # a package object ("./Object 1") is read from its own folder
        self.objects += 1
        sub = Doc(self.shared, prefix=f"{self.prefix}Object {self.objects}/",
                  hidden=join_text(where.hidden, "embedded object"))
        out.extend(sub.feed(etree.iterwalk(root, events=("start", "end")), prune=False))

    def tracked_deletions(self, el: etree._Element, where: Where, out: list[Item]) -> None:
        where = Where(part=self.part("tracked changes"), hidden=where.hidden)
        for deletion in el.iter(DELETION):
            creator = (deletion.findtext(f"{CHANGE_INFO}/{qname('dc', 'creator')}") or "").strip()
            text, _ = self.collect(deletion, where, out)
            if text.strip():
                label = f"tracked deletion by {creator}" if creator else "tracked deletion"
                out.append(Segment(text=text, location=where.loc(), hidden=join_text(where.hidden, label)))

    def sheet_changes(self, el: etree._Element, where: Where, out: list[Item]) -> None:
        """Spreadsheet change tracking keeps previous and deleted cell contents."""
        where = Where(part=self.part("tracked changes"), hidden=where.hidden)
        for change in el:
            creator = (change.findtext(f"{CHANGE_INFO}/{qname('dc', 'creator')}") or "").strip()
            label = f"tracked change by {creator}" if creator else "tracked change"
            for cell in change.iter(CHANGE_TRACK_CELL):
                text, _ = self.collect(cell, where, out)
                text = text or typed_value(cell)
                if text.strip():
                    out.append(Segment(text=text, location=where.loc(), hidden=join_text(where.hidden, label)))

    def named_expressions(self, el: etree._Element, where: Where, out: list[Item]) -> None:
        """Named expressions holding a literal (a password typed into a name) rather than a range."""
        location = Location(part=self.part("named expressions"))
        for expr in el.iter(qname("table", "named-expression")):
            name = expr.get(qname("table", "name")) or ""
            value = formula_literal(expr.get(qname("table", "expression")) or "")
            if value:
                out.append(Segment(text=f"{name}: {value}", location=location,
                                   hidden=join_text(where.hidden, f"named expression '{name}'")))

    def user_fields(self, el: etree._Element, where: Where, out: list[Item]) -> None:
        location = Location(part=self.part("user fields"))
        for decl in el.iter(qname("text", "user-field-decl")):
            name = decl.get(qname("text", "name")) or ""
            value = decl.get(qname("office", "string-value")) or decl.get(qname("office", "value")) or ""
            if value.strip():
                out.append(Segment(text=f"{name}: {value}", location=location,
                                   hidden=join_text(where.hidden, f"user field '{name}'")))

    def forms(self, el: etree._Element, where: Where, out: list[Item]) -> None:
        """Form controls keep typed values; forms keep database connections."""
        location = Location(part=self.part("forms"))
        for control in el.iter():
            if not isinstance(control.tag, str) or not control.tag.startswith(f"{{{NS['form']}}}"):
                continue
            name = control.get(qname("form", "name")) or _xml.local(control.tag)
            if control.tag == qname("form", "connection-resource"):
                value = control.get(HREF)
            else:
                value = control.get(qname("form", "current-value")) or control.get(qname("form", "value"))
            if value and value.strip():
                out.append(Segment(text=f"{name}: {value}", location=location,
                                   hidden=join_text(where.hidden, f"form field '{name}'")))

    # ----------------------------------------------------------------- tables

    def table(self, el: etree._Element, where: Where, out: list[Item]) -> None:
        """A table inside text, a slide or a cell: read from the tree, rows in order."""
        self.tables += 1
        name = el.get(TABLE_NAME) or f"table {self.tables}"
        sheet = Sheet(self, part=self.part(name), hidden=where.hidden, page=where.page)
        for child in table_parts(el):
            if child.tag == COLUMN:
                sheet.column(child)
            else:
                out.extend(sheet.row(child))

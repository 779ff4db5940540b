"""Word documents (.docx .docm .dotx .dotm) read part by part from the OOXML package.

The parts are read directly (no python-docx object model) so that nothing a reader could
miss is skipped: headers and footers, text boxes, tracked deletions, comments, notes,
hidden or white runs, field codes, link targets, alt text, building blocks, properties and
embedded files. Every part is reached through the package relationships, never by a fixed
name. The main document part is streamed one body element at a time.

The OOXML package plumbing (parts, relationships, namespaces) lives in package.py, shared
with pptx.py; run formatting and styles (what makes text hidden) in wordstyles.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from lxml import etree

from docsecrets.extract.common import xml as _xml
from docsecrets.extract.context import Context
from docsecrets.extract.ooxml import package as _ooxml
from docsecrets.extract.ooxml.package import (PREFIXES, Package, Rel, attr, child, deferred, embedded_members,
                                              external_links, join_reasons, open_package, pick_alternate, qname,
                                              raise_deferred, rel_id)
from docsecrets.extract.ooxml.wordstyles import is_filled, read_styles, run_props, RunProps, Styles
from docsecrets.types import Cell, ExtractError, Item, LimitExceeded, Location, Member, Row, Segment


# ---------------------------------------------------------------------------------------------
# Word

_MARKERS = ("wordprocessingml", "ms-word")
_BLOCKS = frozenset({"w:p", "w:tbl", "w:altChunk"})
_WRAPPERS = frozenset({"w:sdt", "w:sdtContent", "w:customXml", "w:smartTag", "mc:AlternateContent"})
_SKIPPED_INLINE = frozenset({"w:pPr", "w:rPr", "w:sdtPr", "w:sdtEndPr", "w:moveFrom", "w:customXmlPr",
                             "w:smartTagPr", "m:rPr", "m:ctrlPr"})
_NOTE_SEPARATORS = frozenset({"separator", "continuationSeparator", "continuationNotice"})
_MAX_NESTING = 40  # tables in cells in text boxes...: deeper than any real document
# Body-level elements worth an event while streaming (runs, properties... stay in C).
_BODY_EVENTS = tuple(f"{{{uri}}}{name}" for uri, prefix in PREFIXES.items() if prefix == "w"
                     for name in ("p", "tbl", "sdt", "customXml", "altChunk", "background")
                     ) + ("{http://schemas.openxmlformats.org/markup-compatibility/2006}AlternateContent",)


@dataclass(slots=True)
class _Story:
    """One flow of text: the body, a header, a footnote, a comment, the glossary."""

    label: str  # "body", "header 2", "footnote 3", ...
    rels: dict[str, Rel]
    paragraphs: int = 0
    tables: int = 0
    collected: list[str] | None = None  # comments: their paragraphs become one segment

    def table_id(self) -> str:
        self.tables += 1
        return f"table {self.tables}" if self.label == "body" else f"{self.label} table {self.tables}"


@dataclass(frozen=True, slots=True)
class _Frame:
    """Where blocks are being read: the story, why it is hidden, what sits behind the text."""

    story: _Story
    hidden: str | None = None
    shaded: bool = False  # a background colour, so white text may be readable
    anchor: Location | None = None  # text boxes, comments: every paragraph sits here


@dataclass(slots=True)
class _Field:
    """A field being read: its code runs from fldChar begin to separate (or end)."""

    code: list[str] = field(default_factory=list)
    in_code: bool = True


_DELETION_CONTEXT = 120  # characters of the paragraph kept before a deletion


@dataclass(slots=True)
class _Inline:
    """One paragraph read: its text pieces and what it holds besides flowing text."""

    pieces: list[tuple[str, str | None, bool]] = field(default_factory=list)  # text, hidden reason, deleted
    extras: list[tuple[str, str]] = field(default_factory=list)  # (text, reason): field codes, links, alt
    boxes: list[tuple[etree._Element, str]] = field(default_factory=list)  # w:txbxContent and why unseen
    comments: list[str] = field(default_factory=list)  # ids of comments anchored here
    fields: list[_Field] = field(default_factory=list)  # open fields, innermost last

    def text(self) -> str:
        return "".join(text for text, _reason, deleted in self.pieces if not deleted)

    def reason(self) -> str | None:
        """Why the whole paragraph is unseen, when every visible-text piece is hidden."""
        reasons = [reason for text, reason, deleted in self.pieces if not deleted and text.strip()]
        if not reasons or None in reasons:
            return None
        return join_reasons(*dict.fromkeys(reasons))

    def spans(self, whole_hidden: bool) -> Iterator[tuple[str, str]]:
        """Runs of hidden or deleted text, merged while the reason stays the same.

        A deletion comes with the paragraph's text before it, so it reads as it did before the
        change: "Mot de passe : <deleted value>" keeps its label.
        """
        text, current, prefix, before = "", None, "", ""
        for piece, reason, deleted in [*self.pieces, ("", None, False)]:
            if whole_hidden and not deleted:
                reason = None  # the paragraph segment already says so
            if reason != current:
                if current is not None and text.strip():
                    is_deletion = current.startswith("tracked deletion")
                    yield (prefix[-_DELETION_CONTEXT:].lstrip() + text if is_deletion else text), current
                text, current, prefix = "", reason, before
            text += piece
            if not deleted:
                before += piece

    def add_extra(self, text: str, reason: str) -> None:
        text = text.strip()
        if text and (text, reason) not in self.extras:
            self.extras.append((text, reason))

    def end_code(self, *, end_field: bool) -> None:
        """fldChar separate (the result follows) or end: the innermost field's code is complete."""
        if self.fields:
            current = self.fields[-1]
            if current.in_code:
                self.add_extra("".join(current.code), "field code")
                current.in_code = False
            if end_field:
                self.fields.pop()


class _Reader:
    def __init__(self, package: Package, ctx: Context) -> None:
        self.package = package
        self.ctx = ctx
        self.styles = Styles()
        self.cells = 0
        self.page_coloured = False
        self.anchors: dict[str, Location] = {}  # comment id -> where it is anchored

    # --- stories -------------------------------------------------------------------------

    def body(self, part: str, rels: dict[str, Rel]) -> Iterator[Item]:
        """Stream the main part: each child of w:body is read, then dropped."""
        story = _Story(label="body", rels=rels)
        checked = False
        with self.package.archive.open(part) as stream:
            for _event, el in _xml.iterparse(stream, tags=_BODY_EVENTS):
                if not checked:
                    root = el.getroottree().getroot()
                    if qname(root) != "w:document":
                        raise ExtractError(f"{part} is not a Word document body ({_xml.local(root.tag)})")
                    checked = True
                parent = el.getparent()
                if parent is None:
                    break
                parent_name = qname(parent)
                if parent_name == "w:body":
                    frame = _Frame(story, shaded=self.page_coloured)
                    for block in _flatten([el], _BLOCKS):
                        yield from self._block(block, frame, 0)
                    el.clear()
                    while el.getprevious() is not None:
                        del parent[0]
                elif parent_name == "w:document" and qname(el) == "w:background":
                    color = (attr(el, "color") or "auto").lower()
                    self.page_coloured = color not in ("auto", "ffffff") or bool(attr(el, "themeColor"))

    def flow(self, root: etree._Element, label: str, hidden: str, rels: dict[str, Rel]) -> Iterator[Item]:
        """A header or footer: blocks straight under the root."""
        frame = _Frame(_Story(label=label, rels=rels), hidden=hidden, shaded=self.page_coloured)
        for block in _flatten(root, _BLOCKS):
            yield from self._block(block, frame, 0)

    def notes(self, root: etree._Element, kind: str, rels: dict[str, Rel]) -> Iterator[Item]:
        number = 0
        for note in root:
            if qname(note) != f"w:{kind}" or attr(note, "type") in _NOTE_SEPARATORS:
                continue
            number += 1
            frame = _Frame(_Story(label=f"{kind} {number}", rels=rels), hidden=kind)
            for block in _flatten(note, _BLOCKS):
                yield from self._block(block, frame, 0)

    def comments(self, root: etree._Element, rels: dict[str, Rel]) -> Iterator[Item]:
        for comment in root:
            if qname(comment) != "w:comment":
                continue
            author = (attr(comment, "author") or "").strip()
            hidden = f"comment by {author}" if author else "comment"
            anchor = self.anchors.get(attr(comment, "id") or "", Location(part="comments"))
            story = _Story(label="comments", rels=rels, collected=[])
            frame = _Frame(story, hidden=hidden, anchor=anchor)
            for block in _flatten(comment, _BLOCKS):
                yield from self._block(block, frame, 0)
            if story.collected:
                yield Segment(text="\n".join(story.collected), location=anchor, hidden=hidden)

    def glossary(self, root: etree._Element, rels: dict[str, Rel]) -> Iterator[Item]:
        frame = _Frame(_Story(label="glossary", rels=rels), hidden="glossary (building blocks)")
        for part_body in root.iter():
            if qname(part_body) == "w:docPartBody":
                for block in _flatten(part_body, _BLOCKS):
                    yield from self._block(block, frame, 0)

    # --- blocks --------------------------------------------------------------------------

    def _block(self, el: etree._Element, frame: _Frame, depth: int) -> Iterator[Item]:
        if depth > _MAX_NESTING:
            raise ExtractError(f"tables or text boxes nested more than {_MAX_NESTING} deep")
        name = qname(el)
        if name == "w:p":
            location = frame.anchor or self._next_line(frame.story)
            inline = self._paragraph(el, frame)
            text, reason = inline.text(), inline.reason()
            if text.strip():
                if frame.story.collected is not None and not reason:
                    frame.story.collected.append(text)
                else:
                    yield Segment(text=text, location=location, hidden=join_reasons(frame.hidden, reason))
            yield from self._around(inline, location, frame, depth)
        elif name == "w:tbl":
            yield from self._table(el, frame, depth)
        elif name == "w:altChunk":
            rel = frame.story.rels.get(rel_id(el) or "")
            target = self.package.find(rel.target) if rel and not rel.external else None
            if target:  # imported HTML / RTF / docx content shown in the body
                yield Member(name=target, data=self.package.read(target), hidden=frame.hidden)

    def _next_line(self, story: _Story) -> Location:
        story.paragraphs += 1
        return Location(part=story.label, line=story.paragraphs)

    def _around(self, inline: _Inline, location: Location, frame: _Frame, depth: int) -> Iterator[Item]:
        """What a paragraph holds besides its visible text, all placed at the paragraph."""
        for comment_id in inline.comments:
            self.anchors.setdefault(comment_id, location)
        for text, reason in inline.spans(whole_hidden=inline.reason() is not None):
            yield Segment(text=text, location=location, hidden=join_reasons(frame.hidden, reason))
        for text, reason in inline.extras:
            yield Segment(text=text, location=location, hidden=join_reasons(frame.hidden, reason))
        for box, reason in inline.boxes:
            box_frame = _Frame(frame.story, hidden=join_reasons(frame.hidden, reason), shaded=True,
                               anchor=location)
            for block in _flatten(box, _BLOCKS):
                yield from self._block(block, box_frame, depth + 1)

    def _table(self, tbl: etree._Element, frame: _Frame, depth: int) -> Iterator[Item]:
        table = frame.story.table_id()
        tbl_pr = child(tbl, "w:tblPr")
        shaded = frame.shaded
        if tbl_pr is not None:
            style = child(tbl_pr, "w:tblStyle")
            shaded = (shaded or is_filled(child(tbl_pr, "w:shd"))
                      or (style is not None and attr(style, "val") in self.styles.filled))
        for number, tr in enumerate(_flatten(tbl, frozenset({"w:tr"})), 1):
            row_hidden = frame.hidden
            column = 1
            tr_pr = child(tr, "w:trPr")
            if tr_pr is not None:
                for prop in tr_pr:
                    if qname(prop) == "w:gridBefore":
                        column += _int(attr(prop, "val"), 0)
                    elif qname(prop) == "w:del":
                        row_hidden = join_reasons(row_hidden, f"tracked deletion by {attr(prop, 'author') or '?'}")
            cells: list[Cell] = []
            after: list[Item] = []  # side segments and nested tables follow the row itself
            for tc in _flatten(tr, frozenset({"w:tc"})):
                self.cells += 1
                if self.cells > self.ctx.limits.max_cells:
                    raise LimitExceeded(f"more than {self.ctx.limits.max_cells:,} table cells")
                span, merged, cell_shaded = 1, False, shaded
                tc_pr = child(tc, "w:tcPr")
                if tc_pr is not None:
                    for prop in tc_pr:
                        name = qname(prop)
                        if name == "w:gridSpan":
                            span = max(1, _int(attr(prop, "val"), 1))
                        elif name in ("w:vMerge", "w:hMerge"):
                            merged = (attr(prop, "val") or "continue") == "continue"
                        elif name == "w:shd":
                            cell_shaded = cell_shaded or is_filled(prop)
                location = Location(part=table, row=number, column=column)
                cell_frame = _Frame(frame.story, hidden=row_hidden, shaded=cell_shaded, anchor=location)
                text, reason = self._cell(tc, cell_frame, location, depth, after)
                if text and not merged:
                    cells.append(Cell(text=text, column=column, hidden=reason))
                column += span
            if cells:
                yield Row(cells=tuple(cells), location=Location(part=table, row=number), table=table,
                          hidden=row_hidden)
            yield from after

    def _cell(self, tc: etree._Element, frame: _Frame, location: Location, depth: int,
              after: list[Item]) -> tuple[str, str | None]:
        """The cell's text and why it is unseen; side items and nested tables go to `after`."""
        texts: list[str] = []
        reasons: list[str | None] = []
        for block in _flatten(tc, _BLOCKS):
            if qname(block) == "w:p":
                inline = self._paragraph(block, frame)
                text = inline.text()
                if text.strip():
                    texts.append(text)
                    reasons.append(inline.reason())
                after.extend(self._around(inline, location, frame, depth + 1))
            else:
                nested = _Frame(frame.story, hidden=frame.hidden, shaded=frame.shaded)
                after.extend(self._block(block, nested, depth + 1))
        hidden = None if not reasons or None in reasons else join_reasons(*dict.fromkeys(reasons))
        return "\n".join(texts), hidden

    # --- inline content ------------------------------------------------------------------

    def _paragraph(self, p: etree._Element, frame: _Frame) -> _Inline:
        ppr = child(p, "w:pPr")
        style = child(ppr, "w:pStyle") if ppr is not None else None
        style_id = attr(style, "val") if style is not None else self.styles.default_paragraph
        base = self.styles.defaults.under(self.styles.of(style_id))
        shaded = (frame.shaded or style_id in self.styles.filled
                  or (ppr is not None and is_filled(child(ppr, "w:shd"))))
        inline = _Inline()
        self._inline(p, inline, frame.story.rels, base, shaded, None)
        while inline.fields:  # a field left open at the paragraph's end
            inline.end_code(end_field=True)
        return inline

    def _inline(self, el: etree._Element, inline: _Inline, rels: dict[str, Rel], base: RunProps, shaded: bool,
                deleted_by: str | None) -> None:
        for sub in el:
            name = qname(sub)
            if name in ("w:r", "m:r"):
                self._run(sub, inline, rels, base, shaded, deleted_by)
            elif name in _SKIPPED_INLINE or not name:
                continue  # properties, and moved-away text that reappears at its w:moveTo
            elif name == "w:del":
                self._inline(sub, inline, rels, base, shaded, attr(sub, "author") or "?")
            elif name == "mc:AlternateContent":
                chosen = pick_alternate(sub)
                if chosen is not None:
                    self._inline(chosen, inline, rels, base, shaded, deleted_by)
            elif name in ("w:commentRangeStart", "w:commentReference"):
                inline.comments.append(attr(sub, "id") or "")
            else:  # w:ins, w:hyperlink, w:fldSimple, w:sdt, w:smartTag, m:oMath, ...: text inside
                if name == "w:hyperlink":
                    self._link(rel_id(sub), inline, rels)
                elif name == "w:fldSimple":
                    inline.add_extra(attr(sub, "instr") or "", "field code")
                self._inline(sub, inline, rels, base, shaded, deleted_by)

    def _run(self, run: etree._Element, inline: _Inline, rels: dict[str, Rel], base: RunProps, shaded: bool,
             deleted_by: str | None) -> None:
        rpr = child(run, "w:rPr")
        style = child(rpr, "w:rStyle") if rpr is not None else None
        props = base.under(self.styles.of(attr(style, "val") if style is not None else None)).under(run_props(rpr))
        reason = f"tracked deletion by {deleted_by}" if deleted_by else props.reason(shaded)
        for sub in run:
            name = qname(sub)
            text: str | None = None
            if name in ("w:t", "m:t", "w:delText"):
                text = sub.text or ""
            elif name in ("w:tab", "w:ptab"):
                text = "\t"
            elif name in ("w:br", "w:cr"):
                text = "\n"
            elif name == "w:noBreakHyphen":
                text = "-"
            elif name == "w:instrText":
                if not inline.fields:  # the field began in an earlier paragraph
                    inline.fields.append(_Field())
                inline.fields[-1].code.append(sub.text or "")
            elif name == "w:fldChar":
                kind = attr(sub, "fldCharType")
                if kind == "begin":
                    inline.fields.append(_Field())
                elif kind in ("separate", "end"):
                    inline.end_code(end_field=kind == "end")
            elif name in ("w:drawing", "w:pict", "w:object"):
                self._graphic(sub, inline, rels)
            elif name == "mc:AlternateContent":
                chosen = pick_alternate(sub)
                if chosen is not None:
                    self._graphic(chosen, inline, rels)
            elif name == "w:commentReference":
                inline.comments.append(attr(sub, "id") or "")
            if text:
                inline.pieces.append((text, reason, deleted_by is not None))

    def _graphic(self, el: etree._Element, inline: _Inline, rels: dict[str, Rel], hidden: bool = False) -> None:
        """Drawings and VML shapes: text boxes, alt text and link targets; the box text is kept
        out of the paragraph's own text. `hidden`: a shape marked invisible holds `el`."""
        for sub in el:
            name = qname(sub)
            if name == "w:txbxContent":
                inline.boxes.append((sub, "hidden text box" if hidden else "text box"))
                continue
            if name == "mc:AlternateContent":
                chosen = pick_alternate(sub)
                if chosen is not None:
                    self._graphic(chosen, inline, rels, hidden)
                continue
            inner_hidden = hidden
            if name in ("wp:anchor", "wp:inline"):
                doc_pr = child(sub, "wp:docPr")
                inner_hidden |= doc_pr is not None and (doc_pr.get("hidden") or "").lower() in ("1", "true")
            elif name.startswith("v:"):
                inner_hidden |= "visibility:hidden" in (sub.get("style") or "").replace(" ", "")
            if name == "wp:docPr":
                for key in ("descr", "title"):
                    inline.add_extra(sub.get(key) or "", "alt text")
            elif name.startswith("v:") and sub.get("alt"):
                inline.add_extra(sub.get("alt") or "", "alt text")
            elif name in ("a:hlinkClick", "a:hlinkMouseOver"):
                self._link(rel_id(sub), inline, rels)
            self._graphic(sub, inline, rels, inner_hidden)

    def _link(self, rid: str | None, inline: _Inline, rels: dict[str, Rel]) -> None:
        rel = rels.get(rid or "")
        if rel is not None and rel.external and rel.type == "hyperlink":
            inline.add_extra(rel.target, "hyperlink target")


def _flatten(children: Iterable[etree._Element], wanted: frozenset[str]) -> Iterator[etree._Element]:
    """The wanted elements, seen through content controls, custom XML and alternate content."""
    for el in children:
        name = qname(el)
        if name in wanted:
            yield el
        elif name == "mc:AlternateContent":
            chosen = pick_alternate(el)
            if chosen is not None:
                yield from _flatten(chosen, wanted)
        elif name in _WRAPPERS:
            yield from _flatten(el, wanted)


def _int(value: str | None, default: int) -> int:
    return int(value) if value and value.isdigit() else default


def extract(data: bytes, ctx: Context) -> Iterator[Item]:
    package = open_package(data, ctx)
    main = package.main_part(_MARKERS, "word/document.xml")
    if main is None:
        raise ExtractError("no Word main document part (word/document.xml) in the package")
    errors: list[ExtractError] = []
    reader = _Reader(package, ctx)
    rels: dict[str, Rel] = {}
    with deferred(errors, f"relationships of {main}"):
        rels = package.rels(main)
    for styles_part in package.targets(rels, "styles")[:1]:
        with deferred(errors, styles_part):
            reader.styles = read_styles(package.parse(styles_part))
    with deferred(errors, main):
        yield from reader.body(main, rels)
    for kind, hidden in (("header", "page header"), ("footer", "page footer")):
        parts = package.targets(rels, kind)
        for number, part in enumerate(parts, 1):
            label = kind if len(parts) == 1 else f"{kind} {number}"
            with deferred(errors, part):
                yield from reader.flow(package.parse(part), label, hidden, package.rels(part))
    for kind in ("footnote", "endnote"):
        for part in package.targets(rels, kind + "s"):
            with deferred(errors, part):
                yield from reader.notes(package.parse(part), kind, package.rels(part))
    for part in package.targets(rels, "comments"):
        with deferred(errors, part):
            yield from reader.comments(package.parse(part), package.rels(part))
    for part in package.targets(rels, "glossaryDocument"):
        with deferred(errors, part):
            yield from reader.glossary(package.parse(part), package.rels(part))
    # Hyperlinks were placed at their paragraphs; a linked template or OLE source has no place.
    yield from external_links(rels, Location(part=main), hyperlinks=False)
    for part in package.targets(rels, "settings"):
        with deferred(errors, f"relationships of {part}"):
            yield from external_links(package.rels(part), Location(part=part), hyperlinks=False)
    with deferred(errors, "document properties"):
        yield from _ooxml.properties(package.archive)
    yield from embedded_members(package, errors)
    raise_deferred(errors)

"""PowerPoint presentations (.pptx .pptm .ppsx .ppsm .potx .potm) read from the OOXML package.

Slides are read in show order (p:sldIdLst), each with its shapes' text frames, tables, alt
text, link targets, SmartArt text, speaker notes and comments (classic and modern). A slide
marked show="0" is hidden, and so is everything that hangs off it. Masters and layouts
are not read: their text is mostly placeholder prompts.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from lxml import etree

from docsecrets.extract.ooxml import package as _ooxml
from docsecrets.extract.context import Context
from docsecrets.extract.ooxml.package import (Package, Rel, child, deferred, embedded_members, external_links, join_reasons,
                                     open_package, pick_alternate, qname, raise_deferred, rel_id)
from docsecrets.types import Cell, ExtractError, Item, LimitExceeded, Location, Row, Segment

_MARKERS = ("presentationml", "ms-powerpoint")
# Placeholders on a notes page that only repeat the slide picture, its number or the date.
_NOTES_NOISE = frozenset({"sldImg", "sldNum", "dt"})


@dataclass(slots=True)
class _Slide:
    """What is being read: one slide (or its notes page) and its running counters."""

    number: int
    part: str  # Location.part: "slide 3", "notes, slide 3"
    hidden: str | None
    lines: int = 0
    tables: int = 0

    def where(self, lines: int = 1) -> Location:
        """The location of the next `lines` lines of text, which it then counts."""
        location = Location(part=self.part, page=self.number, line=self.lines + 1)
        self.lines += lines
        return location


class _Reader:
    def __init__(self, package: Package, ctx: Context) -> None:
        self.package = package
        self.ctx = ctx
        self.cells = 0
        self.authors: dict[str, str] = {}

    def slide(self, part: str, number: int, errors: list[ExtractError]) -> Iterator[Item]:
        root = self.package.parse(part)
        if qname(root) != "p:sld":
            raise ExtractError(f"{part} is not a slide ({qname(root)})")
        hidden = f"hidden slide {number}" if (root.get("show") or "1").lower() in ("0", "false") else None
        rels = self.package.rels(part)
        state = _Slide(number=number, part=f"slide {number}", hidden=hidden)
        yield from self._shapes(root, state, frozenset(), hidden)
        for data_part in self.package.targets(rels, "diagramData"):
            with deferred(errors, f"SmartArt of slide {number}"):
                yield from self._diagram(data_part, state)
        yield from external_links(rels, Location(part=state.part, page=number), hidden)
        for notes_part in self.package.targets(rels, "notesSlide"):
            with deferred(errors, f"notes of slide {number}"):
                yield from self._notes(notes_part, number, hidden)
        for comments_part in self.package.targets(rels, "comments"):
            with deferred(errors, f"comments of slide {number}"):
                yield from self._comments(comments_part, number, hidden)

    def _notes(self, part: str, number: int, slide_hidden: str | None) -> Iterator[Item]:
        root = self.package.parse(part)
        hidden = join_reasons(slide_hidden, f"speaker notes, slide {number}")
        state = _Slide(number=number, part=f"notes, slide {number}", hidden=hidden)
        yield from self._shapes(root, state, _NOTES_NOISE, hidden)
        yield from external_links(self.package.rels(part), Location(part=state.part, page=number), hidden)

    def _comments(self, part: str, number: int, slide_hidden: str | None) -> Iterator[Item]:
        """Classic (p:cm with p:text) and modern (p188:cm / p188:reply with a txBody) comments."""
        location = Location(part=f"comments, slide {number}", page=number)
        for el in self.package.parse(part).iter():
            if _local(el) not in ("cm", "reply"):
                continue
            texts = [sub.text or "" for sub in el if _local(sub) == "text"]
            texts += [_frame_text(sub) for sub in el if _local(sub) == "txBody"]
            text = "\n".join(t for t in texts if t.strip())
            if text.strip():
                author = self.authors.get(el.get("authorId") or "", "")
                reason = f"comment by {author}, slide {number}" if author else f"comment, slide {number}"
                yield Segment(text=text, location=location, hidden=join_reasons(slide_hidden, reason))

    def _diagram(self, part: str, state: _Slide) -> Iterator[Item]:
        for el in self.package.parse(part).iter():
            if qname(el) == "a:p":
                text = _paragraph_text(el)
                if text.strip():
                    yield Segment(text=text, location=state.where(text.count("\n") + 1), hidden=state.hidden)

    def _shapes(self, el: etree._Element, state: _Slide, skip: frozenset[str],
                hidden: str | None) -> Iterator[Item]:
        """Shapes in z-order, through groups and alternate content; `hidden` says why the
        shapes under `el` are unseen (hidden slide, notes, a group hidden in the selection pane)."""
        for sub in el:
            name = qname(sub)
            if name == "mc:AlternateContent":
                chosen = pick_alternate(sub)
                if chosen is not None:
                    yield from self._shapes(chosen, state, skip, hidden)
                continue
            if name not in ("p:cSld", "p:spTree", "p:grpSp", "p:sp", "p:graphicFrame", "p:pic", "p:cxnSp"):
                continue
            shape_hidden = join_reasons(hidden, "hidden shape") if _shape_hidden(sub) else hidden
            if name in ("p:cSld", "p:spTree", "p:grpSp"):
                yield from self._shapes(sub, state, skip, shape_hidden)
            elif _placeholder_type(sub) not in skip:
                body = child(sub, "p:txBody")
                if body is not None:
                    yield from self._text_frame(body, state, shape_hidden)
                for table in sub.iter():
                    if qname(table) == "a:tbl":
                        yield from self._table(table, state, shape_hidden)
            if name not in ("p:cSld", "p:spTree"):
                yield from self._alt_text(sub, state, shape_hidden)

    def _text_frame(self, body: etree._Element, state: _Slide, hidden: str | None) -> Iterator[Item]:
        lines = _frame_text(body).split("\n")
        while lines and not lines[0].strip():  # blank lines around a frame still count as lines
            lines.pop(0)
            state.lines += 1
        blank_tail = 0
        while lines and not lines[-1].strip():
            lines.pop()
            blank_tail += 1
        if lines:
            yield Segment(text="\n".join(lines), location=state.where(len(lines)), hidden=hidden)
        state.lines += blank_tail

    def _table(self, tbl: etree._Element, state: _Slide, hidden: str | None) -> Iterator[Item]:
        state.tables += 1
        table = f"{state.part} table {state.tables}"
        number = 0
        for tr in tbl:
            if qname(tr) != "a:tr":
                continue
            number += 1
            column, cells = 1, []
            for tc in tr:
                if qname(tc) != "a:tc":
                    continue
                self.cells += 1
                if self.cells > self.ctx.limits.max_cells:
                    raise LimitExceeded(f"more than {self.ctx.limits.max_cells:,} table cells")
                body = child(tc, "a:txBody")
                text = "\n".join(t for t in _frame_text(body).split("\n") if t.strip()) if body is not None else ""
                merged = (tc.get("hMerge") or tc.get("vMerge") or "0").lower() in ("1", "true")
                if text and not merged:
                    cells.append(Cell(text=text, column=column))
                column += 1
            if cells:
                yield Row(cells=tuple(cells), location=Location(part=table, page=state.number, row=number),
                          table=table, hidden=hidden)

    def _alt_text(self, shape: etree._Element, state: _Slide, hidden: str | None) -> Iterator[Item]:
        for props in shape:
            for c_nv_pr in props if qname(props).startswith("p:nv") else ():
                if qname(c_nv_pr) != "p:cNvPr":
                    continue
                for key in ("descr", "title"):
                    text = (c_nv_pr.get(key) or "").strip()
                    if text:
                        yield Segment(text=text, location=Location(part=state.part, page=state.number),
                                      hidden=join_reasons(hidden, "alt text"))


def _local(el: etree._Element) -> str:
    return qname(el).rpartition(":")[2]


def _shape_hidden(shape: etree._Element) -> bool:
    """Hidden in the selection pane: p:cNvPr hidden="1" in the shape's non-visual properties."""
    for props in shape:
        if qname(props).startswith("p:nv"):
            c_nv_pr = child(props, "p:cNvPr")
            return c_nv_pr is not None and (c_nv_pr.get("hidden") or "").lower() in ("1", "true")
    return False


def _placeholder_type(shape: etree._Element) -> str:
    for el in shape.iter():
        if qname(el) == "p:ph":
            return el.get("type") or "body"
    return ""


def _paragraph_text(p: etree._Element) -> str:
    parts: list[str] = []
    for sub in p:
        name = qname(sub)
        if name in ("a:r", "a:fld"):
            text = child(sub, "a:t")
            parts.append(text.text or "" if text is not None else "")
        elif name == "a:br":
            parts.append("\n")
    return "".join(parts)


def _frame_text(body: etree._Element) -> str:
    return "\n".join(_paragraph_text(p) for p in body if qname(p) == "a:p")


def _slide_parts(package: Package, root: etree._Element, rels: dict[str, Rel]) -> list[str]:
    """Slides in show order: p:sldIdLst, else every slide relationship by name."""
    ordered: list[str] = []
    for el in root.iter():
        if qname(el) == "p:sldId":
            rel = rels.get(rel_id(el) or "")
            name = package.find(rel.target) if rel is not None and not rel.external else None
            if name and name not in ordered:
                ordered.append(name)
    return ordered or package.targets(rels, "slide")


def _authors(package: Package, rels: dict[str, Rel]) -> dict[str, str]:
    """Comment author ids -> names, from commentAuthors.xml (classic) and authors.xml (modern)."""
    out: dict[str, str] = {}
    for part in package.targets(rels, "commentAuthors") + package.targets(rels, "authors"):
        for el in package.parse(part).iter():
            if _local(el) in ("cmAuthor", "author") and el.get("id") is not None:
                out[el.get("id") or ""] = (el.get("name") or "").strip()
    return out


def extract(data: bytes, ctx: Context) -> Iterator[Item]:
    package = open_package(data, ctx)
    main = package.main_part(_MARKERS, "ppt/presentation.xml")
    if main is None:
        raise ExtractError("no PowerPoint presentation part (ppt/presentation.xml) in the package")
    root = package.parse(main)
    if qname(root) != "p:presentation":
        raise ExtractError(f"{main} is not a presentation ({qname(root)})")
    rels = package.rels(main)
    errors: list[ExtractError] = []
    reader = _Reader(package, ctx)
    with deferred(errors, "comment authors"):
        reader.authors = _authors(package, rels)
    slides = _slide_parts(package, root, rels)
    for number, part in enumerate(slides, 1):
        if number > ctx.limits.max_pages:
            raise LimitExceeded(f"{len(slides)} slides (limit {ctx.limits.max_pages})")  # the rest unread
        with deferred(errors, f"slide {number} ({part})"):
            yield from reader.slide(part, number, errors)
    with deferred(errors, "document properties"):
        yield from _ooxml.properties(package.archive)
    yield from embedded_members(package, errors)
    raise_deferred(errors)


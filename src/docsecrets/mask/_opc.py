"""Rewrite the XML parts of an Office Open XML package (Word, PowerPoint) in place.

The package is opened and saved by the format's own library (python-docx, python-pptx), so
every part, relationship and content type it does not touch is written back as it was. In
each XML part:

- a paragraph's text is read across its runs (`w:t`, `w:instrText`, `a:t`), so a password
  split over three runs is found, and the mask goes into the run where it starts;
- tracked deletions (`w:del`, `w:moveFrom`) are removed: deleted text is still in the file;
- any other text and every attribute (alt text, authors, field data) is replaced in place;
- document properties (docProps core, app, custom) that hold a secret are emptied;
- external relationship targets (hyperlinks) are replaced;
- the preview picture (docProps/thumbnail), a rendering of the first page, is dropped.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from lxml import etree

from docsecrets.mask._replace import Replacer, rewrite, sub_tail_and_attributes

# python-docx and python-pptx give their element classes a `text` property of their own (a
# paragraph's text, read-only): the plain lxml text of the node is read and written here.
_TEXT = etree._Element.text

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_PARAGRAPHS = frozenset({f"{{{_W}}}p", f"{{{_A}}}p"})
_RUN_TEXT = frozenset({f"{{{_W}}}t", f"{{{_W}}}instrText", f"{{{_W}}}delText", f"{{{_A}}}t"})
_DELETIONS = frozenset({f"{{{_W}}}del", f"{{{_W}}}moveFrom"})
_RUN_LEVEL = frozenset({f"{{{_W}}}p", f"{{{_W}}}hyperlink", f"{{{_W}}}sdtContent", f"{{{_W}}}smartTag",
                        f"{{{_W}}}fldSimple", f"{{{_W}}}customXml", f"{{{_W}}}ins", f"{{{_W}}}body",
                        f"{{{_W}}}tc", f"{{{_W}}}tbl", f"{{{_W}}}tr", f"{{{_W}}}moveTo"})


def mask_package(data: bytes, replacer: Replacer, *, open_package: Callable[[io.BytesIO], Any]) -> bytes:
    package = open_package(io.BytesIO(data))
    _drop_thumbnail(package)
    for part in package.iter_parts():
        element = getattr(part, "_element", None)
        if element is not None:
            _mask_tree(element, replacer, properties=_is_properties(part))
        elif str(getattr(part, "content_type", "")).endswith("xml"):
            blob = part.blob
            parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
            root = etree.fromstring(blob, parser)
            before = replacer.changed
            replacer.changed = False
            _mask_tree(root, replacer, properties=_is_properties(part))
            if replacer.changed:
                part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            replacer.changed = replacer.changed or before
    for rel in package.iter_rels():
        if rel.is_external and isinstance(rel._target, str):
            rel._target = replacer.sub(rel._target)
    out = io.BytesIO()
    package.save(out)
    return out.getvalue()


def _drop_thumbnail(package: Any) -> None:
    """The preview picture (docProps/thumbnail.*) is a rendering of the first page, secrets
    included: the copy goes without it. Parts are saved by walking relationships, so dropping
    the package's relationship drops the part."""
    rels = package.rels if hasattr(package, "rels") else package._rels  # python-docx / python-pptx
    for rid, rel in list(rels.items()):
        if str(rel.reltype).endswith("/metadata/thumbnail"):
            rels.pop(rid)


def _is_properties(part: Any) -> bool:
    return str(part.partname).startswith("/docProps/")


def _mask_tree(root: etree._Element, replacer: Replacer, *, properties: bool) -> None:
    for deleted in [e for e in root.iter(*_DELETIONS) if e.getparent() is not None
                    and e.getparent().tag in _RUN_LEVEL]:
        deleted.getparent().remove(deleted)
    if properties:
        for element in root.iter():
            if isinstance(element.tag, str) and _text(element) and replacer.holds(_text(element)):
                _TEXT.__set__(element, "")  # a property that holds a secret is stripped, not half-kept
        return
    paragraphs: dict[etree._Element, list[etree._Element]] = {}
    loose: list[etree._Element] = []
    for node in root.iter(*_RUN_TEXT):
        paragraph = _paragraph_of(node)
        if paragraph is None:
            loose.append(node)
        else:
            paragraphs.setdefault(paragraph, []).append(node)
    for nodes in paragraphs.values():
        texts = [_text(n) for n in nodes]
        spans = replacer.spans("".join(texts))
        if spans:
            for node, text in zip(nodes, rewrite(texts, spans)):
                if text != _text(node):
                    _TEXT.__set__(node, text)
                    if node.tag == f"{{{_W}}}t":
                        node.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    loose_nodes = set(loose)
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        text = _text(element)
        if text and (element.tag not in _RUN_TEXT or element in loose_nodes):
            _TEXT.__set__(element, replacer.sub(text))
        sub_tail_and_attributes(element, replacer)


def _text(element: etree._Element) -> str:
    return _TEXT.__get__(element) or ""


def _paragraph_of(node: etree._Element) -> etree._Element | None:
    parent = node.getparent()
    while parent is not None:
        if parent.tag in _PARAGRAPHS:
            return parent
        parent = parent.getparent()
    return None

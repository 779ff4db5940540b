"""Word run formatting and styles: what makes a run hidden (vanish, white on white, tiny)."""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from docsecrets.extract.ooxml.package import attr, child, qname

_OFF = frozenset({"0", "false", "off"})
_VANISH = "hidden text (w:vanish)"


@dataclass(frozen=True, slots=True)
class RunProps:
    """The run properties that decide whether a reader can see the text; None = not set here."""

    vanish: bool | None = None
    white: bool | None = None
    size: int | None = None  # half-points
    backed: bool | None = None  # the run has its own highlight or shading behind it

    def under(self, top: RunProps) -> RunProps:
        """These properties overridden by `top` wherever top sets one."""
        if top is _UNSET:
            return self
        return RunProps(vanish=self.vanish if top.vanish is None else top.vanish,
                        white=self.white if top.white is None else top.white,
                        size=self.size if top.size is None else top.size,
                        backed=self.backed if top.backed is None else top.backed)

    def reason(self, shaded: bool) -> str | None:
        if self.vanish:
            return _VANISH
        if self.white and not (shaded or self.backed):
            return "white text"
        if self.size is not None and self.size <= 2:
            return "tiny text (1pt or less)"
        return None


_UNSET = RunProps()


def _on(el: etree._Element) -> bool:
    return (attr(el, "val") or "1").lower() not in _OFF


def _is_white(color: etree._Element) -> bool:
    theme = (attr(color, "themeColor") or "").lower()
    if theme:
        return theme in ("background1", "light1")
    value = (attr(color, "val") or "").lower()
    if len(value) != 6 or value == "auto":
        return False
    try:
        return all(int(value[i:i + 2], 16) >= 0xF0 for i in (0, 2, 4))
    except ValueError:
        return False


def is_filled(shd: etree._Element | None) -> bool:
    """Whether a w:shd paints a background (white text on it is readable)."""
    if shd is None:
        return False
    fill = (attr(shd, "fill") or "auto").lower()
    pattern = (attr(shd, "val") or "clear").lower()
    color = (attr(shd, "color") or "auto").lower()
    theme = (attr(shd, "themeFill") or "").lower()
    return (fill not in ("auto", "ffffff") or (theme not in ("", "background1", "light1"))
            or (pattern not in ("clear", "nil") and color not in ("auto", "ffffff")))


def run_props(rpr: etree._Element | None) -> RunProps:
    if rpr is None:
        return _UNSET
    vanish = white = size = backed = None
    for prop in rpr:
        name = qname(prop)
        if name == "w:vanish":
            vanish = _on(prop)
        elif name == "w:color":
            white = _is_white(prop)
        elif name == "w:sz":
            value = attr(prop, "val") or ""
            size = int(value) if value.isdigit() else None
        elif name == "w:highlight":
            backed = (attr(prop, "val") or "none").lower() not in ("none", "white")
        elif name == "w:shd":
            backed = is_filled(prop)
    if vanish is None and white is None and size is None and backed is None:
        return _UNSET
    return RunProps(vanish=vanish, white=white, size=size, backed=backed)


@dataclass(slots=True)
class Styles:
    defaults: RunProps = field(default_factory=RunProps)
    by_id: dict[str, RunProps] = field(default_factory=dict)
    filled: frozenset[str] = frozenset()  # styles (tables mostly) that paint a background
    default_paragraph: str | None = None

    def of(self, style_id: str | None) -> RunProps:
        return self.by_id.get(style_id or "", _UNSET)


def read_styles(root: etree._Element) -> Styles:
    raw: dict[str, tuple[str | None, RunProps, bool]] = {}
    defaults = RunProps()
    default_paragraph = None
    for el in root:
        name = qname(el)
        if name == "w:docDefaults":
            for rpr in el.iter():
                if qname(rpr) == "w:rPr":
                    defaults = run_props(rpr)
        elif name == "w:style":
            style_id = attr(el, "styleId") or ""
            based = child(el, "w:basedOn")
            fill = any(qname(s) == "w:shd" and is_filled(s) for s in el.iter())
            raw[style_id] = (attr(based, "val") if based is not None else None, run_props(child(el, "w:rPr")), fill)
            if attr(el, "type") == "paragraph" and (attr(el, "default") or "").lower() in ("1", "true", "on"):
                default_paragraph = style_id
    by_id: dict[str, RunProps] = {}
    filled: set[str] = set()
    for style_id in raw:
        chain: list[tuple[str | None, RunProps, bool]] = []
        seen: set[str] = set()
        current = style_id
        while current in raw and current not in seen and len(chain) < 32:  # basedOn loops exist
            seen.add(current)
            chain.append(raw[current])
            current = raw[current][0] or ""
        props = RunProps()
        for _based, own, _fill in reversed(chain):
            props = props.under(own)
        by_id[style_id] = props
        if any(fill for _b, _p, fill in chain):
            filled.add(style_id)
    return Styles(defaults=defaults, by_id=by_id, filled=frozenset(filled), default_paragraph=default_paragraph)

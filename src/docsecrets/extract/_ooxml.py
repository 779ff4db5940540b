"""Parts every OOXML package shares: document properties (core, app, custom)."""

from __future__ import annotations

from collections.abc import Iterator

from docsecrets.extract import _xml
from docsecrets.extract._zip import SafeZip
from docsecrets.types import Location, Segment

_PROPERTY_PARTS = (
    ("docProps/core.xml", "core properties"),
    ("docProps/app.xml", "app properties"),
    ("docProps/custom.xml", "custom properties"),
)


def properties(archive: SafeZip) -> Iterator[Segment]:
    """One segment per non-empty property, as `name: value` so key/value rules can read it.

    Properties are metadata a reader of the document never sees: they are marked hidden.
    """
    for part, label in _PROPERTY_PARTS:
        if not archive.has(part):
            continue
        root = _xml.parse(archive.read(part))
        if part.endswith("custom.xml"):
            for prop in root:
                name = prop.get("name") or "property"
                value = " ".join(t.strip() for t in prop.itertext() if t.strip())
                if value:
                    yield Segment(text=f"{name}: {value}", location=Location(part=part),
                                  hidden=f"custom document property '{name}'")
            continue
        for element in root:
            name = _xml.local(element.tag)
            value = " ".join(t.strip() for t in element.itertext() if t.strip())
            if value and name not in ("TotalTime", "DocSecurity", "ScaleCrop", "LinksUpToDate",
                                      "SharedDoc", "HyperlinksChanged", "AppVersion", "Pages",
                                      "Words", "Characters", "Lines", "Paragraphs",
                                      "CharactersWithSpaces", "HeadingPairs", "TitlesOfParts"):
                yield Segment(text=f"{name}: {value}", location=Location(part=part),
                              hidden=f"document property '{name}' ({label})")

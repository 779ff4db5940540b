"""Blocks that a document cut into pieces, put back together before the rules read them.

- A PEM or OpenSSH private key whose every line is its own paragraph (docx, odt) or cell: the
  segments from `-----BEGIN ... PRIVATE KEY-----` to `-----END`, of one part, are joined (bounded).
- A token cut by a PDF line break ("ghp_F1Q2...\\nnkwa..."): lines glued where a long token-like
  word ends one line and the next starts without a blank, for the token rules only.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from docsecrets.types import Location

_MAX_PIECES = 200
_MAX_CUTS = 8
_SPAN = 120  # characters either side of a cut: more than the longest token
_MAX_CHARS = 24_000
_KEY_LINE = re.compile(r"^[A-Za-z0-9+/=]{1,200}$|^(?:Proc-Type|DEK-Info|Comment):|^-----END ")
_CUT = re.compile(r"(?<=[A-Za-z0-9_\-]{12})\n(?=[A-Za-z0-9])")


@dataclass(slots=True)
class KeyJoiner:
    """Collects the pieces of one private key block across consecutive segments of one part."""

    pieces: list[str] = field(default_factory=list)
    location: Location | None = None
    hidden: str | None = None
    size: int = 0

    def feed(self, text: str, location: Location, hidden: str | None) -> Iterator[tuple[str, Location, str | None]]:
        """Joined key blocks completed by this piece: (text, location of its first piece, hidden)."""
        stripped = text.strip()
        if self.pieces:
            if location.part != self.location.part if self.location else True:
                yield from self.flush()
            elif _KEY_LINE.match(stripped) and len(self.pieces) < _MAX_PIECES and self.size < _MAX_CHARS:
                self.pieces.append(stripped)
                self.size += len(stripped)
                if stripped.startswith("-----END "):
                    yield from self.flush()
                return
            else:
                yield from self.flush()
        begin = stripped.rfind("-----BEGIN ")
        if begin >= 0 and "PRIVATE KEY" in stripped[begin:] and "-----END " not in stripped[begin:] and \
                len(re.sub(r"\s", "", stripped[begin:])) < 80:  # the header alone: its body follows
            self.pieces = [stripped[begin:]]
            self.location, self.hidden, self.size = location, hidden, len(stripped)

    def flush(self) -> Iterator[tuple[str, Location, str | None]]:
        if len(self.pieces) > 1 and self.location is not None:
            yield "\n".join(self.pieces), self.location, self.hidden
        self.pieces, self.location, self.hidden, self.size = [], None, None, 0


def unwrapped(text: str) -> list[tuple[int, str, int]] | None:
    """Around each line break a PDF put inside a word (a long token-like word ending a line, the
    next line going on without a space): (offset in `text` of the window, the window with that
    break removed, where in the window the break was); None when nothing was cut."""
    if "\n" not in text:
        return None
    cuts: list[int] = []
    for found in _CUT.finditer(text):
        cut = found.start()
        if any(c.isdigit() for c in text[cut - 12:cut]):
            cuts.append(cut)
            if len(cuts) > _MAX_CUTS:
                return None  # a wrapped blob (base64 of an image): not words a PDF cut
    if not cuts or len(cuts) > _MAX_CUTS:
        return None  # none, or a wrapped blob (base64 of an image): not words a PDF cut
    windows = []
    for cut in cuts:
        start, end = max(0, cut - _SPAN), min(len(text), cut + 1 + _SPAN)
        windows.append((start, text[start:cut] + text[cut + 1:end], cut - start))
    return windows


__all__ = ["KeyJoiner", "unwrapped"]

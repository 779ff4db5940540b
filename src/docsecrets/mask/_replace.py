"""Find the reported secret values in a piece of text and replace them with the mask.

A value is replaced as a whole word first (`sa` in "login sa" but not in "Vasari"); a value
that never occurs as a whole word anywhere in the document is then replaced wherever it
occurs. Whatever is still there after both passes is caught by the re-scan of the copy.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

Span = tuple[int, int, str]


class Replacer:
    """The secrets of one document, the mask, and which secrets were seen."""

    def __init__(self, secrets: Iterable[str], mask: str, *, whole_words: bool = True) -> None:
        self.secrets = tuple(sorted(_expand(secrets), key=lambda s: (-len(s), s)))
        self.mask = mask
        self.hits: set[str] = set()
        self.changed = False
        self._pattern = re.compile("|".join(_bounded(s) if whole_words else re.escape(s) for s in self.secrets)) \
            if self.secrets else None

    def spans(self, text: str) -> list[Span]:
        """(start, end, replacement) of every secret in text, left to right, not overlapping."""
        if self._pattern is None or not text:
            return []
        found: list[Span] = []
        for match in self._pattern.finditer(text):
            if match.end() > match.start():
                found.append((match.start(), match.end(), self.mask))
                self.hits.add(match.group())
        if found:
            self.changed = True
        return found

    def sub(self, text: str) -> str:
        spans = self.spans(text)
        if not spans:
            return text
        return rewrite([text], spans)[0]

    def equals(self, text: str) -> bool:
        """True when text is exactly one secret (a number cell, a whole value)."""
        if text in self.secrets:
            self.hits.add(text)
            self.changed = True
            return True
        return False

    def holds(self, text: str) -> bool:
        """True when text holds a secret (counted as a hit: the caller strips it)."""
        return bool(self.spans(text))


def sub_tail_and_attributes(element: Any, replacer: Replacer) -> None:
    """Mask the text after an XML element (its tail) and its attribute values, in place."""
    if element.tail and element.tail.strip():
        element.tail = replacer.sub(element.tail)
    for name, value in element.attrib.items():
        masked = replacer.sub(value)
        if masked != value:
            element.set(name, masked)


def _expand(secrets: Iterable[str]) -> set[str]:
    """The secrets and, for a multi-line one (a private key), each of its lines: a key spread
    over Word paragraphs or CRLF lines is masked line by line."""
    out: set[str] = set()
    for secret in secrets:
        if not secret:
            continue
        out.add(secret)
        if "\n" in secret:
            out.update(line.strip() for line in secret.splitlines() if len(line.strip()) >= 4)
    return out


def _bounded(secret: str) -> str:
    left = r"(?<!\w)" if re.match(r"\w", secret[0]) else ""
    right = r"(?!\w)" if re.match(r"\w", secret[-1]) else ""
    return f"{left}{re.escape(secret)}{right}"


def rewrite(texts: list[str], spans: list[Span]) -> list[str]:
    """Apply spans found on "".join(texts) to the pieces: each replacement goes into the piece
    where its match starts, and the matched characters leave every piece they covered (a
    password split over three Word runs becomes the mask in the first run)."""
    out: list[str] = []
    offset = 0
    for text in texts:
        start, end = offset, offset + len(text)
        pieces: list[str] = []
        position = start
        for span_start, span_end, replacement in spans:
            if span_end <= start or span_start >= end:
                continue
            if span_start >= start:
                pieces.append(text[position - start:span_start - start])
                pieces.append(replacement)
            position = max(position, min(span_end, end))
        pieces.append(text[position - start:])
        out.append("".join(pieces))
        offset = end
    return out

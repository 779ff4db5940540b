"""The plain data that flows through docsecrets.

extract -> Segment / Row / Member items -> rules -> Finding -> FileResult -> report.
Everything here is frozen, picklable and free of behaviour beyond small helpers, so worker
processes can hand results back to the parent as plain data.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from typing import Any, Literal, get_args


class Severity(enum.IntEnum):
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4

    @classmethod
    def parse(cls, name: str) -> Severity:
        try:
            return cls[name.strip().upper()]
        except KeyError:
            raise ValueError(f"unknown severity {name!r}; use low, medium, high or critical") from None

    def __str__(self) -> str:
        return self.name.lower()


@dataclass(frozen=True, slots=True, kw_only=True)
class Location:
    """Where inside one document a piece of text sits.

    The file path and the archive chain live on the Finding, not here: extractors do not
    know whether the bytes they read came from disk or from a zip member.
    """

    part: str | None = None  # sheet name, "header", "word/comments.xml", "slide 3", ...
    page: int | None = None  # 1-based PDF / slide page
    line: int | None = None  # 1-based line (text files) or paragraph number (Word, ODT)
    cell: str | None = None  # A1-style reference, "B7"
    row: int | None = None  # 1-based table row
    column: int | None = None  # 1-based column

    def with_line_offset(self, extra_lines: int) -> Location:
        """The same location moved down by extra_lines (a match inside a multi-line segment)."""
        if extra_lines == 0 or self.line is None:
            return self
        return Location(part=self.part, page=self.page, line=self.line + extra_lines,
                        cell=self.cell, row=self.row, column=self.column)

    def describe(self) -> str:
        bits: list[str] = []
        if self.part and self.cell:
            bits.append(f"{self.part}!{self.cell}")
        elif self.cell:
            bits.append(self.cell)
        elif self.part:
            bits.append(self.part)
        if self.page is not None and self.part != f"page {self.page}":
            bits.append(f"page {self.page}")
        if self.row is not None and not self.cell:
            bits.append(f"row {self.row}")
        if self.line is not None:
            bits.append(f"line {self.line}")
        return ", ".join(bits) or "-"

    def as_dict(self) -> dict[str, object]:
        return {k: getattr(self, k) for k in ("part", "page", "line", "cell", "row", "column")
                if getattr(self, k) is not None}


@dataclass(frozen=True, slots=True, kw_only=True)
class Segment:
    """A run of free text (a line, a paragraph, a page, a comment) and where it came from.

    `text` may span several lines; `location.line` is then the first one.
    `hidden` says why a reader would not see it ("hidden sheet 'Bases'"), or None.
    """

    text: str
    location: Location
    hidden: str | None = None
    code: bool = False  # source code: only string literals can be secret values


@dataclass(frozen=True, slots=True, kw_only=True)
class Cell:
    text: str
    column: int  # 1-based
    ref: str | None = None  # "B7" where the format has A1 references
    hidden: str | None = None  # hidden column, white font, ...


@dataclass(frozen=True, slots=True, kw_only=True)
class Row:
    """One row of a table, streamed in order; `table` identifies the table within the file.

    Only non-empty cells need to be present. Rows of one table arrive in ascending order,
    so table rules can keep the header they saw last.
    """

    cells: tuple[Cell, ...]
    location: Location  # part (sheet / "table 2"), row
    table: str
    hidden: str | None = None  # hidden row or hidden sheet


@dataclass(frozen=True, slots=True, kw_only=True)
class Member:
    """An embedded file (archive member, attachment, embedded workbook) to scan recursively."""

    name: str
    data: bytes
    hidden: str | None = None


Item = Segment | Row | Member


class DocsecretsError(Exception):
    """Base of every error docsecrets raises on purpose."""


class ExtractError(DocsecretsError):
    """A document that cannot be read: corrupt, truncated, unsupported. The message is the reason."""


class EncryptedError(ExtractError):
    """A document (or member) protected by a password: unscannable, and reported as a finding."""


class LimitExceeded(ExtractError):
    """A size, ratio, depth or count limit was hit: likely a bomb, reported as unscannable."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Finding:
    rule_id: str
    rule_name: str
    severity: Severity
    path: str
    location: Location
    chain: tuple[str, ...] = ()  # archive / attachment members from the file to the document
    redacted: str
    fingerprint: str
    description: str = ""  # "VNC access to 10.1.2.3", "column 'Mot de passe'"
    hidden: str | None = None
    confidence: str = "high"  # high / medium / low: how sure the rule is
    secret: str = field(default="", repr=False, compare=False)  # rendered only under --show-secrets

    def sort_key(self) -> tuple[object, ...]:
        loc = self.location
        return (self.path, self.chain, loc.part or "", loc.page or 0, loc.row or 0, loc.line or 0,
                loc.column or 0, loc.cell or "", self.rule_id, self.fingerprint)


# Why a file (or URL, or blob) ends as an error rather than findings. A closed set: reporters, the
# cache and the gate decide on it, so a new kind is added here first.
ErrorKind = Literal[
    "unreadable",  # corrupt, truncated, not the format its magic bytes claim, or a reader's ExtractError
    "encrypted",  # password-protected: also the finding DS000, so the gate leaves it to --fail-on
    "limit",  # over a size, page, cell, member, nesting or findings limit (limits.py)
    "timeout",  # the worker ran past its time limit
    "memory",  # the worker ran out of its memory budget
    "internal",  # a reader failed with an unexpected exception: a bug to report
    "unsupported",  # a format docsecrets recognises but has no reader for
    "unreachable",  # crawl: the address could not be fetched (DNS, connection, TLS, robots.txt)
    "http",  # crawl: the server answered with an error status
    "redirect",  # crawl: a redirect off the site or too many of them
]
ERROR_KINDS: frozenset[ErrorKind] = frozenset(get_args(ErrorKind))


@dataclass(frozen=True, slots=True, kw_only=True)
class FileError:
    path: str
    error: str
    chain: tuple[str, ...] = ()
    kind: ErrorKind = "unreadable"


@dataclass(frozen=True, slots=True, kw_only=True)
class FileResult:
    path: str
    findings: tuple[Finding, ...] = ()
    errors: tuple[FileError, ...] = ()
    format: str | None = None
    size: int = 0
    skipped: str | None = None  # why the file was not scanned at all (special file, excluded...)


# --- building items in hot loops ------------------------------------------------------------


def slot_setters(cls: type, names: tuple[str, ...]) -> tuple[Callable[[Any, Any], None], ...] | None:
    """The setters of a frozen, slotted dataclass's fields in `names` order, or None once its fields
    are not exactly `names` (callers then fall back to the constructor).

    A frozen dataclass's __init__ sets each field through object.__setattr__: 1.3 us for a Location or
    a Cell. Setting the slots of `object.__new__(cls)` builds the same object (equal, hashable, still
    frozen) in a third of that; readers and the engine do it once per cell or row of a big table."""
    if tuple(f.name for f in fields(cls)) != names or not hasattr(cls, "__slots__"):
        return None
    return tuple(cls.__dict__[name].__set__ for name in names)


LOCATION_FIELDS = ("part", "page", "line", "cell", "row", "column")


def _location_factory() -> Callable[[str | None, int | None, int | None, str | None, int | None, int | None],
                                    Location]:
    setters = slot_setters(Location, LOCATION_FIELDS)
    if setters is None:
        return lambda part, page, line, cell, row, column: Location(part=part, page=page, line=line, cell=cell,
                                                                    row=row, column=column)
    new = object.__new__
    set_part, set_page, set_line, set_cell, set_row, set_column = setters

    def new_location(part: str | None, page: int | None, line: int | None, cell: str | None, row: int | None,
                     column: int | None) -> Location:
        location: Location = new(Location)
        set_part(location, part)
        set_page(location, page)
        set_line(location, line)
        set_cell(location, cell)
        set_row(location, row)
        set_column(location, column)
        return location

    return new_location


new_location = _location_factory()  # Location(part, page, line, cell, row, column), positional, see slot_setters

"""Patient lists: one finding per table, never one per row.

A table is a patient list when its header row names people (a name column) and says they are
patients: a social-security (NIR/INS) or patient (IPP, MRN) number column, a medical column
(diagnosis, treatment, allergies...), or a birth-date column beside a first-name or address
column. A staff phone list, an address book or an invoice list has no such column and is not
one. The rows below the header that hold a name and one of those values are counted; the
finding is reported when the document ends, its severity set by the count.

A form laid out as label | value rows ("Nom | DUPONT", "Date de naissance | ...") is one
identity.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from docsecrets.packs import PackHit
from docsecrets.rules.health import PATIENT_LIST
from docsecrets.pii.vocabulary import column_kind, normalise
from docsecrets.types import Cell, Location, Row, Severity

_HEADER_SEARCH_ROWS = 50  # a header sits near the top of its table, under a title at most
_NAME_KINDS = frozenset({"full", "last"})
_PATIENT_KINDS = frozenset({"nir", "ipp", "medical"})
_EVIDENCE_KINDS = frozenset({"birth", "nir", "ipp", "medical", "first", "address"})
_SAMPLE_CHARS = 64
_LABEL_CHARS = 32


def is_patient_header(kinds: set[str]) -> bool:
    if not kinds & _NAME_KINDS:
        return False
    return bool(kinds & _PATIENT_KINDS) or ("birth" in kinds and bool(kinds & {"first", "address", "full"}))


def severity_for(rows: int) -> Severity:
    if rows >= 100:
        return Severity.CRITICAL
    if rows >= 10:
        return Severity.HIGH
    return Severity.MEDIUM


@dataclass(slots=True)
class _Header:
    location: Location
    hidden: str | None
    kinds: dict[int, str]  # column -> kind
    labels: dict[int, str]  # column -> header text
    texts: tuple[str, ...]  # the header row as read, to skip it when repeated
    rows: int = 0
    sample: str = ""
    pages: set[int] = field(default_factory=set)  # PDF pages of the header and counted rows

    def signature(self) -> str:
        return "|".join(f"{self.kinds[c]}={normalise(self.labels[c])}" for c in sorted(self.kinds))

    def describe(self) -> str:
        labels = ", ".join(self.labels[c].strip()[:_LABEL_CHARS] for c in sorted(self.kinds))
        return f"patient list: {self.rows} row{'s' if self.rows != 1 else ''} (columns {labels})"


@dataclass(slots=True)
class _Table:
    seen: int = 0
    headers: list[_Header] = field(default_factory=list)
    form: dict[str, tuple[str, str]] = field(default_factory=dict)  # kind -> (label, value)
    form_location: Location | None = None
    form_hidden: str | None = None


def _texts(row: Row) -> tuple[str, ...]:
    return tuple(c.text.strip() for c in row.cells if c.text.strip())


def _has_letter(text: str) -> bool:
    return any(ch.isalpha() for ch in text)


def _plausible(kind: str, value: str) -> bool:
    """A value that fits its column: a date or a number holds digits, a name letters."""
    if not value:
        return False
    if kind in ("birth", "nir", "ipp"):
        return any(ch.isdigit() for ch in value)
    if kind in _NAME_KINDS or kind == "first":
        return _has_letter(value) and len(value.split()) <= 6
    return True


@dataclass(slots=True)
class PatientTables:
    """The health pack's TableObserver: one per document."""

    tables: dict[str, _Table] = field(default_factory=dict)

    def row(self, row: Row) -> bool:
        table = self.tables.get(row.table)
        if table is None:
            table = self.tables[row.table] = _Table()
        table.seen += 1
        cells = [c for c in row.cells if c.text.strip()]
        if not cells:
            return False
        header = table.headers[-1] if table.headers else None
        if header is not None and _texts(row) == header.texts:
            return True  # the header repeated (a new page of the same list)
        if table.seen <= _HEADER_SEARCH_ROWS or header is not None:
            found = self._header(row, cells)
            if found is not None:
                table.headers.append(found)
                return True
        if header is None:
            if table.seen <= _HEADER_SEARCH_ROWS:
                self._form(table, row, cells)
            return False
        if self._count(header, cells) and row.location.page is not None:
            header.pages.add(row.location.page)
        return True

    @staticmethod
    def _header(row: Row, cells: list[Cell]) -> _Header | None:
        kinds: dict[int, str] = {}
        for cell in cells:
            kind = column_kind(cell.text)
            if kind is not None and kind not in kinds.values():
                kinds[cell.column] = kind
        if len(kinds) < 2 or not is_patient_header(set(kinds.values())):
            return None
        location = Location(part=row.location.part, page=row.location.page, row=row.location.row,
                            line=row.location.line)
        return _Header(location=location, hidden=row.hidden, kinds=kinds,
                       labels={c.column: c.text for c in cells if c.column in kinds}, texts=_texts(row))

    @staticmethod
    def _count(header: _Header, cells: list[Cell]) -> bool:
        values = {c.column: c.text.strip() for c in cells}
        names = [values[c] for c, kind in sorted(header.kinds.items())
                 if kind in _NAME_KINDS and _has_letter(values.get(c, ""))]
        if not names:
            return False
        if not any(kind in _EVIDENCE_KINDS and _plausible(kind, values.get(c, ""))
                   for c, kind in header.kinds.items()):
            return False
        header.rows += 1
        if not header.sample:
            first = [values[c] for c, kind in sorted(header.kinds.items()) if kind == "first" and values.get(c)]
            header.sample = " ".join(names + first)[:_SAMPLE_CHARS]
        return True

    @staticmethod
    def _form(table: _Table, row: Row, cells: list[Cell]) -> None:
        # label | value rows of a real table; PDF rows are rebuilt from positions and two columns
        # of prose ("Name. | Employee discounts,") would read as a form
        if len(cells) != 2 or row.location.page is not None:
            return
        kind = column_kind(cells[0].text)
        value = cells[1].text.strip()
        if kind is None or kind in table.form or column_kind(value) is not None or not _plausible(kind, value):
            return
        table.form[kind] = (cells[0].text.strip(), value)
        if table.form_location is None:
            table.form_location = Location(part=row.location.part, page=row.location.page, row=row.location.row,
                                           line=row.location.line)
            table.form_hidden = row.hidden

    def finish(self) -> Iterator[PackHit]:
        for table_id, table in self.tables.items():
            for header in table.headers:
                if header.rows:
                    yield PackHit(rule=PATIENT_LIST, secret=header.sample, identity=f"{table_id}\0{header.signature()}",
                                  location=header.location, description=header.describe(),
                                  severity=severity_for(header.rows), hidden=header.hidden,
                                  pages=frozenset(header.pages))
            if not table.headers and table.form_location is not None and is_patient_header(set(table.form)) \
                    and table.form.keys() & _EVIDENCE_KINDS:
                kinds = list(table.form)  # in row order
                names = [table.form[k][1] for k in ("full", "last", "first") if k in table.form]
                signature = "|".join(f"{k}={normalise(table.form[k][0])}" for k in kinds)
                labels = ", ".join(table.form[k][0][:_LABEL_CHARS] for k in kinds)
                yield PackHit(rule=PATIENT_LIST, secret=" ".join(names)[:_SAMPLE_CHARS],
                              identity=f"{table_id}\0form\0{signature}", location=table.form_location,
                              description=f"patient list: 1 row (form fields {labels})",
                              severity=severity_for(1), hidden=table.form_hidden)

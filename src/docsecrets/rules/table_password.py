"""Passwords read from the structure of a table, the way a person reads a spreadsheet.

Two layouts:
- a column whose header is a password label ("Mot de passe", "MDP VNC", "Kennwort"): every
  value below it is a password, whatever it looks like (`sa`, `urg2013`, 19730512). The header
  may sit a few rows down, under a title and a merged group header;
- a row whose first cell is a password label: the value to its right ("Mot de passe | X").

Rows of one table arrive in order; `TableReader` keeps the header it saw last.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from docsecrets import filters
from docsecrets.rules.base import Rule
from docsecrets.rules.kv_password import looks_like_key
from docsecrets.rules.vocabulary import (
    HEADER_WORDS,
    NOT_A_PASSWORD_COLUMN,
    PASSWORD_RE,
    SECRET_KEY_RE,
    fold,
    may_hold_label,
)
from docsecrets.types import Cell, Row, Severity

TABLE_PASSWORD = Rule(
    id="DS100", name="table-password", severity=Severity.MEDIUM,
    description="A password in a table: under a password column header, or beside a password row label",
    help="Remove the column (or the value) from the document and change every password it listed.")
TABLE_SECRET = Rule(
    id="DS103", name="table-secret", severity=Severity.HIGH,
    description="A key or token in a table column headed as one (API key, client secret, token)",
    help="Revoke the key and issue a new one; keep it in a secret store.")

_LABEL_MAX_WORDS = 5
_LABEL_MAX_CHARS = 48
_WORD = re.compile(r"[a-z0-9]+")
_DOTTED = re.compile(r"[a-z0-9]{2}\.[a-z0-9]")
_VALUE_LIKE = re.compile(r"://|@|\\\\|\d+\.\d+\.\d+|[A-Za-z]\d|\d[A-Za-z]|[!#$%*?+]\S")


@dataclass(frozen=True, slots=True, kw_only=True)
class TableHit:
    rule: Rule
    cell: Cell
    secret: str
    label: str  # the header or row label that says this is a password
    is_password: bool = True


@dataclass(slots=True)
class _Column:
    label: str  # header text
    group: str  # text of the header row above (merged group header), for context
    secret_kind: bool  # a key/token column rather than a password column


@dataclass(slots=True)
class TableReader:
    """State for one table: the password columns found in its latest header row."""

    extra_labels: re.Pattern[str] | None = None  # labels from the project's configuration
    columns: dict[int, _Column] = field(default_factory=dict)
    header_texts: dict[int, str] = field(default_factory=dict)  # every header cell, by column
    previous: tuple[Cell, ...] = ()

    def read(self, row: Row) -> Iterator[TableHit]:
        cells = [c for c in row.cells if c.text.strip()]
        if not cells:
            return
        labels = {c.column: _password_label(c.text, self.extra_labels) for c in cells}
        label_cells = [c for c in cells if labels[c.column] is not None]
        if label_cells:
            first = cells[0]
            if labels[first.column] is not None and len(cells) >= 2 and _is_row_label_value(cells[1]):
                # "Mot de passe | X": a form laid out in rows
                label, value_cell = first.text, cells[1]
                secret = _cell_secret(value_cell.text, label)
                if secret is not None:
                    yield TableHit(rule=_rule_for(labels[first.column]), cell=value_cell, secret=secret,
                                   label=label.strip(), is_password=labels[first.column] == "password")
                self.previous = row.cells
                return
            if _is_header_row(cells, labels):
                group = {c.column: c.text for c in self.previous if c.text.strip()}
                self.columns = {
                    c.column: _Column(label=c.text.strip(), group=_group_for(c.column, group),
                                      secret_kind=labels[c.column] == "secret")
                    for c in label_cells}
                self.header_texts = {c.column: c.text.strip() for c in cells}
                self.previous = row.cells
                return
        for cell in cells:
            column = self.columns.get(cell.column)
            if column is None:
                continue
            secret = _cell_secret(cell.text, column.label, allow_other_data=column.secret_kind)
            if secret is None:
                continue
            if column.secret_kind:
                if not looks_like_key(secret) or filters.not_a_secret(secret, allow_other_data=True):
                    continue
                yield TableHit(rule=TABLE_SECRET, cell=cell, secret=secret, label=column.label, is_password=False)
            else:
                yield TableHit(rule=TABLE_PASSWORD, cell=cell, secret=secret, label=column.label)
        self.previous = row.cells

    def context(self, row: Row, column: int | None = None) -> str:
        """Header words that describe a row (for the remote-access pairing): 'IP VNC', 'MDP BDD'."""
        bits = [self.header_texts.get(c.column, "") for c in row.cells if c.text.strip()]
        if column is not None and column in self.columns:
            bits.append(self.columns[column].group)
        return " ".join(b for b in bits if b)

    def group_context(self, row: Row, column: int) -> str:
        """The cells and headers of a password column's own group: the columns after the
        previous password column, up to this one ("IP BDD | Login BDD | MDP BDD")."""
        previous = max((c for c in self.columns if c < column), default=0)
        bits = [f"{self.header_texts.get(c.column, '')} {c.text}" for c in row.cells if previous < c.column <= column]
        return f"{' '.join(bits)} {self.column_label(column)}"

    def column_label(self, column: int) -> str:
        found = self.columns.get(column)
        return f"{found.group} {found.label}".strip() if found else ""


def _group_for(column: int, group: dict[int, str]) -> str:
    """The group header over a column: the nearest non-empty cell at or left of it, one row up."""
    for col in range(column, max(0, column - 4), -1):
        if col in group:
            return group[col].strip()
    return ""


def _password_label(text: str, extra: re.Pattern[str] | None = None) -> str | None:
    """'password' or 'secret' when a cell reads as a label of one, else None."""
    stripped = text.strip().rstrip(":：").strip()
    if not stripped or len(stripped) > _LABEL_MAX_CHARS or "\n" in stripped:
        return None
    if extra is None and not may_hold_label(stripped):
        return None
    folded = fold(stripped)
    words = _WORD.findall(folded)
    if not words or len(words) > _LABEL_MAX_WORDS:
        return None
    if NOT_A_PASSWORD_COLUMN.search(folded) or "?" in stripped or _DOTTED.search(folded):
        return None  # about passwords, a question, or a dotted name (MDPPRD.MDP.SAS)
    if PASSWORD_RE.search(folded.replace("_", " ")) or (extra is not None and extra.search(folded)):
        return "password"
    if (SECRET_KEY_RE.search(folded) or SECRET_KEY_RE.search(folded.replace(" ", "_"))) and ("key" in folded or "secret" in folded or "token" in folded
                                                           or "cle" in words):
        return "secret"
    return None


def _rule_for(kind: str | None) -> Rule:
    return TABLE_SECRET if kind == "secret" else TABLE_PASSWORD


def _is_header_like(text: str) -> bool:
    stripped = text.strip()
    if not stripped or len(stripped) > _LABEL_MAX_CHARS:
        return False
    folded = fold(stripped)
    if any(w in HEADER_WORDS for w in _WORD.findall(folded)):
        return True
    return bool(re.fullmatch(r"[^\W\d_][^\W\d_ '’.()/-]*(?:[ '’./()-]+[^\W\d_]+){0,4}[ :]*", stripped))


def _is_header_row(cells: list[Cell], labels: dict[int, str | None]) -> bool:
    """A header row: its other cells read as column names too (or it stands alone)."""
    others = [c for c in cells if labels[c.column] is None]
    if not others:
        return True
    if any(_VALUE_LIKE.search(c.text) for c in others):
        return False  # a URL, an address or a password-looking word: this row holds data
    header_like = sum(1 for c in others if _is_header_like(c.text))
    return header_like * 2 >= len(others)


def _is_row_label_value(cell: Cell) -> bool:
    """The cell right of a row label holds a value, not another column name."""
    text = cell.text.strip()
    if _password_label(text) is not None:
        return False
    folded = fold(text)
    words = _WORD.findall(folded)
    return not (words and all(w in HEADER_WORDS for w in words))


def _cell_secret(text: str, label: str, *, allow_other_data: bool = False) -> str | None:
    """The password inside a cell under (or beside) a password label, or None."""
    value = text.strip()
    if not value or "\n" in value.strip() and len(value.split()) > 3:
        return None
    if filters.not_a_secret(value, allow_other_data=allow_other_data):
        return None
    words = value.split()
    if len(words) > 1:
        # "admin / Azerty1" under "Login / Mot de passe"; "Azerty1 (changé)" -> "Azerty1"
        if "/" in label and "/" in value:
            value = value.rsplit("/", 1)[1].strip()
        elif len(words) <= 3 and not filters.is_pointer(value):
            value = words[0]
        else:
            return None
        if not value or filters.not_a_secret(value):
            return None
    return value

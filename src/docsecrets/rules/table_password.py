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
from docsecrets.rules.base import Priority, Rule
from docsecrets.rules.kv_password import looks_like_key, pair_label, pair_password
from docsecrets.rules.lexicon import (
    TABLE_ACCOUNT_WORDS,
    TABLE_CREDENTIAL_CUES,
    TABLE_OTHER_DATA_WORDS,
    TABLE_TARGET_WORDS,
)
from docsecrets.rules.vocabulary import (
    AMBIGUOUS_TERMS,
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
    help="Remove the column (or the value) from the document and change every password it listed.",
    priority=Priority.TABLE, keywords=None)  # a value is read from its column's header, not its own text
TABLE_SECRET = Rule(
    id="DS103", name="table-secret", severity=Severity.HIGH,
    description="A key or token in a table column headed as one (API key, client secret, token)",
    help="Revoke the key and issue a new one; keep it in a secret store.",
    priority=Priority.TABLE, is_password=False, keywords=None)  # read from its column's header, as DS100

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
    row: Row | None = None  # set when the hit belongs to an earlier, buffered row


# Column inference (a password column under a header that does not say "password"): the header
# words, by language, are in rules/lexicon (TABLE_*).
_WEAK_CUES = TABLE_CREDENTIAL_CUES
_LOGIN_WORDS = TABLE_ACCOUNT_WORDS
_TARGET_WORDS = TABLE_TARGET_WORDS
_NOT_CREDENTIAL_WORDS = TABLE_OTHER_DATA_WORDS
_INFER_ROWS = 4  # data rows buffered before a column is decided
_DIGIT = re.compile(r"\d")
_HOSTNAME = re.compile(r"^[a-z0-9]+(?:[-.][a-z0-9]+)+$")


def _header_words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


def _strict_password_shape(value: str) -> bool:
    """What people type as a password: letters and digits mixed with case or symbols ("Bebe2020",
    "Urg#7845"), not a word, a name, an ID in capitals, a host name or a number."""
    if not 4 <= len(value) <= 40 or " " in value or filters.is_other_data(value) or _HOSTNAME.match(value):
        return False
    lower = any(c.islower() for c in value)
    upper = any(c.isupper() for c in value)
    digit = any(c.isdigit() for c in value)
    symbol = any(not c.isalnum() for c in value)
    return lower and (digit or symbol) and (upper or symbol) or lower and upper and symbol


def _loose_password_shape(value: str) -> bool:
    """Under a header that names a credential ("PIN", "Code", "Clé"): also digits and plain
    letters-with-digits ("4711", "urg2013")."""
    if _strict_password_shape(value):
        return True
    if " " in value or not 4 <= len(value) <= 40:
        return False
    if value.isdigit():
        return len(value) <= 8
    return any(c.isdigit() for c in value) and any(c.isalpha() for c in value) and not _HOSTNAME.match(value) \
        and not filters.is_other_data(value) and not value.isupper()


@dataclass(slots=True)
class _Pending:
    """A header row that names accounts but no password column, and the data rows below it,
    buffered until a column's values say what it holds."""

    header: dict[int, str]
    rows: list[Row] = field(default_factory=list)


@dataclass(slots=True)
class _Column:
    label: str  # header text
    group: str  # text of the header row above (merged group header), for context
    secret_kind: bool  # a key/token column rather than a password column
    inferred: bool = False  # decided from its values and neighbours, not from a password header
    accounts: bool = True  # its table names accounts or machines (a login or target column)
    seen: int = 0  # values read, and how many of them were common passwords (awareness lists)
    common: int = 0


@dataclass(slots=True)
class TableReader:
    """State for one table: the password columns found in its latest header row."""

    extra_labels: re.Pattern[str] | None = None  # labels from the project's configuration
    columns: dict[int, _Column] = field(default_factory=dict)
    header_texts: dict[int, str] = field(default_factory=dict)  # every header cell, by column
    previous: tuple[Cell, ...] = ()
    pending: _Pending | None = None
    notes: list[str] = field(default_factory=list)  # why columns were (not) read as passwords: --explain
    login_row_seen: int = 0  # rows since a row labelled as a login ("Utilisateur | a | b"), 0 = none

    def read(self, row: Row) -> list[TableHit]:
        """The hits of one row. A data row of a table whose password columns are named, with no
        label stem, no "/" and no row label in it, only has column hits: read here without the
        generator below (the rows of a big export, one by one)."""
        if self.pending is None and self.extra_labels is None and self.header_texts and not self.login_row_seen:
            cells = [c for c in row.cells if c.text.strip()]
            if not cells:
                return []
            joined = "\n".join([c.text for c in cells])
            lead = cells[0].text
            if not may_hold_label(joined) and "/" not in joined and self._named_columns() and not (
                    len(cells) >= 2 and len(lead) <= _LABEL_MAX_CHARS and not _DIGIT.search(lead)):
                hits: list[TableHit] = []
                columns = self.columns
                for cell in cells:
                    if cell.column in columns:
                        hits.extend(self._column_hits(row, [cell]))
                self.previous = row.cells
                return hits
        return list(self._read(row))

    def _read(self, row: Row) -> Iterator[TableHit]:
        cells = [c for c in row.cells if c.text.strip()]
        if not cells:
            return
        if self.pending is not None:
            if not _account_header(cells):
                self.pending.rows.append(row)
                if len(self.pending.rows) >= _INFER_ROWS:
                    yield from self.flush()
                self.previous = row.cells
                return
            yield from self.flush()
        if self.login_row_seen:
            self.login_row_seen = self.login_row_seen + 1 if self.login_row_seen < 8 else 0
        joined = "\n".join([c.text for c in cells])  # tests on it are exact for every cell at once
        if self.extra_labels is None and not may_hold_label(joined):
            labels: dict[int, str | None] = {}  # no label stem in the row, so in none of its cells
            label_cells: list[Cell] = []
        else:
            labels = {c.column: _password_label(c.text, self.extra_labels) for c in cells}
            label_cells = [c for c in cells if labels[c.column] is not None]
        if label_cells:
            first = cells[0]
            if labels[first.column] is not None and len(cells) >= 2 and _is_row_label_value(cells[1]):
                # "Mot de passe | X": a form laid out in rows (or several, one record per column)
                label = first.text
                for value_cell in self._row_values(cells):
                    secret = _cell_secret(value_cell.text, label)
                    if secret is not None:
                        yield TableHit(rule=_rule_for(labels[first.column]), cell=value_cell, secret=secret,
                                       label=label.strip(), is_password=labels[first.column] == "password")
                self.previous = row.cells
                return
            if _is_header_row(cells, labels) and (not self.columns or _names_columns(cells, labels)):
                group = {c.column: c.text for c in self.previous if c.text.strip()}
                accounts = any(any(w in _LOGIN_WORDS or w in _TARGET_WORDS for w in _header_words(c.text))
                               for c in cells if labels[c.column] is None)
                self.notes.append(f"row {row.location.row}: header names password columns "
                                  + ", ".join(repr(c.text.strip()) for c in label_cells)
                                  + ("" if accounts else " (no account or machine column: common passwords "
                                                         "there are awareness material)"))
                self.columns = {
                    c.column: _Column(label=c.text.strip(), group=_group_for(c.column, group),
                                      secret_kind=labels[c.column] == "secret", accounts=accounts)
                    for c in label_cells}
                self.header_texts = {c.column: c.text.strip() for c in cells}
                self.previous = row.cells
                return
        elif not self._named_columns() and _account_header(cells):
            # "Poste | Utilisateur | Accès": an account table whose password column is not named
            self.pending = _Pending(header={c.column: c.text.strip() for c in cells})
            self.notes.append(f"row {row.location.row}: account table without a password header; "
                              f"deciding its columns from the next {_INFER_ROWS} rows")
            self.header_texts = dict(self.pending.header)
            self.columns = {}
            self.previous = row.cells
            return
        else:
            if not self.header_texts and len(cells) >= 2 and not self.columns and \
                    all(_is_header_like(c.text) and not _VALUE_LIKE.search(c.text) for c in cells):
                self.header_texts = {c.column: c.text.strip() for c in cells}  # the table's first header
                self.previous = row.cells
                return
            slash = "/" in joined  # both an access cell and a labelled pair need "user / password"
            if slash:
                yield from self._access_cells(cells)
            lead = cells[0].text
            if len(cells) >= 2 and len(lead) <= _LABEL_MAX_CHARS and not _DIGIT.search(lead):
                yield from self._transposed(cells)
            pair = self._labelled_pair(cells) if slash else None
            if pair is not None:
                yield pair
                self.previous = row.cells
                return
        columns = self.columns
        if columns:
            for cell in cells:  # most rows of a big table leave the password column empty: no generator
                if cell.column in columns:
                    yield from self._column_hits(row, [cell])
        self.previous = row.cells

    def _named_columns(self) -> bool:
        """Whether a header named a password column (not only columns decided from their values)."""
        for column in self.columns.values():
            if not column.inferred:
                return True
        return False

    def flush(self) -> Iterator[TableHit]:
        """Decide the columns of a buffered table and report its buffered rows (the engine calls
        this at the end of a document too)."""
        pending, self.pending = self.pending, None
        if pending is None:
            return
        for column, label in _infer_columns(pending, self.notes).items():
            self.columns[column] = _Column(label=label, group="", secret_kind=False, inferred=True)
        for row in pending.rows:
            cells = [c for c in row.cells if c.text.strip()]
            for hit in self._column_hits(row, cells):
                yield TableHit(rule=hit.rule, cell=hit.cell, secret=hit.secret, label=hit.label,
                               is_password=hit.is_password, row=row)

    def _row_values(self, cells: list[Cell]) -> list[Cell]:
        """The value cells of a row label: the next cell, or every cell of a transposed table
        (one record per column) when the row above had values in the same columns."""
        above = {c.column for c in self.previous if c.text.strip()}
        values = [cells[1]]
        for cell in cells[2:]:
            if cell.column not in above or not _is_row_label_value(cell):
                break
            values.append(cell)
        return values

    def _access_cells(self, cells: list[Cell]) -> Iterator[TableHit]:
        """Under a header naming access or credentials ("Acesso", "Zugang", "Identifiants"), a cell
        "Portal: user / password" or "user / password" holds the account and its password."""
        for cell in cells:
            header = self.header_texts.get(cell.column)
            if header is None or cell.column in self.columns or "/" not in cell.text:
                continue
            words = _header_words(header)
            if not any(w in _WEAK_CUES or w in _LOGIN_WORDS or w in ("infos", "info") for w in words):
                continue
            for line in cell.text.split("\n"):
                rest = re.split(r":| - ", line)[-1]
                pair = pair_password(rest)
                if pair is not None:
                    yield TableHit(rule=TABLE_PASSWORD, cell=cell, secret=pair[1], label=header)

    def _labelled_pair(self, cells: list[Cell]) -> TableHit | None:
        """"Base : | sa / sa (SQL Express)", "TeamViewer : | 331608742 / X": a row label naming an
        access, and the account and password of it in the next cell."""
        if len(cells) < 2 or cells[0].column in self.columns:
            return None
        label = cells[0].text.strip()
        if not pair_label(label):
            return None
        pair = pair_password(cells[1].text)
        if pair is None:
            return None
        return TableHit(rule=TABLE_PASSWORD, cell=cells[1], secret=pair[1], label=label)

    def _transposed(self, cells: list[Cell]) -> Iterator[TableHit]:
        """A transposed table: after a row labelled as logins, a row labelled "Code VPN", "PIN",
        "Clé" whose values look like passwords is a row of passwords."""
        first = cells[0]
        if len(cells) < 2 or len(first.text) > _LABEL_MAX_CHARS or _DIGIT.search(first.text):
            return
        words = _header_words(first.text)
        values = cells[1:]
        if not words or len(words) > 4 or not _is_header_like(first.text):
            return
        if any(w in _LOGIN_WORDS for w in words):
            self.login_row_seen = 1
            return
        if not self.login_row_seen or not any(w in _WEAK_CUES for w in words) or \
                any(w in _NOT_CREDENTIAL_WORDS for w in words):
            return
        texts = [c.text.strip() for c in values]
        real = [t for t in texts if not filters.not_a_secret(t, allow_other_data=True)]
        if not real or sum(map(_loose_password_shape, real)) < 0.6 * len(real):
            return
        for cell in values:
            secret = _cell_secret(cell.text, first.text)
            if secret is not None and _loose_password_shape(secret):
                yield TableHit(rule=TABLE_PASSWORD, cell=cell, secret=secret, label=first.text.strip())

    @staticmethod
    def _awareness(column: _Column, secret: str) -> bool:
        """In a table naming no account: a common password, or any value once most seen were common."""
        column.seen += 1
        if filters.is_common_password(secret):
            column.common += 1
            return True
        return column.common >= 2 and column.common * 2 >= column.seen

    def _column_hits(self, row: Row, cells: list[Cell]) -> Iterator[TableHit]:
        for cell in cells:
            column = self.columns.get(cell.column)
            if column is None:
                continue
            secret = _cell_secret(cell.text, column.label, allow_other_data=column.secret_kind)
            if secret is None and not column.secret_kind and not column.inferred and filters.is_date(cell.text) \
                    and column.accounts:
                secret = cell.text.strip()  # "14/07/1789" typed under "Mot de passe" beside a login: a password
            if secret is None:
                continue
            if column.secret_kind:
                if not looks_like_key(secret) or filters.not_a_secret(secret, allow_other_data=True):
                    continue
                yield TableHit(rule=TABLE_SECRET, cell=cell, secret=secret, label=column.label, is_password=False)
            elif not column.accounts and self._awareness(column, secret):
                continue  # "Rang | Mot de passe | 123456": a list of the worst passwords, nobody's account
            else:
                yield TableHit(rule=TABLE_PASSWORD, cell=cell, secret=secret, label=column.label)

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
    if not stripped or len(stripped) > _LABEL_MAX_CHARS or "\n" in stripped or re.search(r"[:：=]\s*\S", stripped):
        return None  # "Passwort: ********": a label with its value in one cell is not a header
    if " " not in stripped and _DIGIT.search(stripped) and re.search(r"[^\W\d_]{3}", stripped):
        return None  # "secret69", "Passw0rd": a value written like a label, not a header
    if "-----" in stripped:
        return None  # "-----BEGIN PRIVATE KEY-----": the armour of a key, read by the key rule
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
        # a lone "passe" is the end of a wrapped cell ("10 derniers mots de / passe"), not a header
        return len(cells) > 1 or fold(cells[0].text.strip().rstrip(":").strip()) not in AMBIGUOUS_TERMS
    if any(_VALUE_LIKE.search(c.text) for c in others):
        return False  # a URL, an address or a password-looking word: this row holds data
    header_like = sum(1 for c in others if _is_header_like(c.text))
    return header_like * 2 >= len(others)


def _names_columns(cells: list[Cell], labels: dict[int, str | None]) -> bool:
    """Below a header already read, a new header must name columns ("Usuario", "IP"), not hold
    data that happens to mention a password ("Impresora | Admin | Admin | contraseña de fábrica")."""
    known = _LOGIN_WORDS | _TARGET_WORDS | _NOT_CREDENTIAL_WORDS | HEADER_WORDS
    others = [c for c in cells if labels[c.column] is None]
    return not others or any(any(w in known for w in _header_words(c.text)) for c in others)


def _is_row_label_value(cell: Cell) -> bool:
    """The cell right of a row label holds a value, not another column name."""
    text = cell.text.strip()
    if filters.is_placeholder(text) or filters.is_masked(text):
        return True  # "Mot de passe | <mot de passe>": a blank form, a value to be filled in
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
    if "/" in label and "/" in value:
        pair = pair_password(value)
        if pair is not None:
            return pair[1]  # "resurg / provins" beside "Login / mdp appli"
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


def _account_header(cells: list[Cell]) -> bool:
    """A header row of an account table: three or more column names, one of them a login."""
    if len(cells) < 3 or any(_DIGIT.search(c.text) for c in cells):
        return False
    if len(cells) < 3 or any(_VALUE_LIKE.search(c.text) or "_" in c.text or _DOTTED.search(fold(c.text))
                             for c in cells) or \
            sum(1 for c in cells if _is_header_like(c.text)) * 3 < len(cells) * 2:
        return False
    known = _LOGIN_WORDS | _TARGET_WORDS | _WEAK_CUES | _NOT_CREDENTIAL_WORDS | HEADER_WORDS
    if sum(1 for c in cells if any(w in known for w in _header_words(c.text))) < 2:
        return False  # "Compte DICOM | pacsadm | orthanc": a row label and its values
    return any(any(w in _LOGIN_WORDS for w in _header_words(c.text)) for c in cells)


def _is_target_value(value: str) -> bool:
    return bool(filters.is_other_data(value) and ("." in value or "/" in value)) or bool(_HOSTNAME.match(value))


def _infer_columns(pending: _Pending, notes: list[str] | None = None) -> dict[int, str]:
    """The password columns of an account table whose header does not say "password": decided
    from the header word, the neighbouring columns and the values' shape together."""
    values: dict[int, list[str]] = {}
    for row in pending.rows:
        for cell in row.cells:
            if cell.text.strip():
                values.setdefault(cell.column, []).append(cell.text.strip())
    words = {column: _header_words(text) for column, text in pending.header.items()}
    logins = {c for c, ws in words.items() if any(w in _LOGIN_WORDS for w in ws)}
    targets = {c for c, ws in words.items() if any(w in _TARGET_WORDS for w in ws)}
    targets |= {c for c, vs in values.items() if c not in logins and sum(map(_is_target_value, vs)) * 2 > len(vs)}
    if not logins:
        return {}
    notes = notes if notes is not None else []
    login_values = {v for c in logins for v in values.get(c, [])}
    found: dict[int, str] = {}
    for column, ws in words.items():
        label = repr(pending.header[column])
        if column in logins or column in targets:
            notes.append(f"  column {label}: {'account' if column in logins else 'machine or service'} column")
            continue
        if not ws or any(w in _NOT_CREDENTIAL_WORDS for w in ws):
            notes.append(f"  column {label}: header names other data (names, numbers, dates, notes)")
            continue
        cue = any(w in _WEAK_CUES for w in ws)
        if not cue and any(w in HEADER_WORDS for w in ws):
            notes.append(f"  column {label}: header names something other than a credential")
            continue
        real = [v for v in values.get(column, []) if not filters.not_a_secret(v, allow_other_data=True)
                and v not in login_values]
        if not real or (not cue and (len(real) < 2 or not targets)):
            notes.append(f"  column {label}: too few values, or no machine column beside an unnamed header")
            continue
        if len(real) >= 3 and len(set(real)) * 2 < len(real):
            notes.append(f"  column {label}: the same value on most rows")
            continue
        shape = _loose_password_shape if cue else _strict_password_shape
        shaped = sum(map(shape, real))
        why = (f"header {'names a credential' if cue else 'is no known column name'}, "
               f"{shaped}/{len(real)} values shaped like passwords, beside an account column"
               + (" and a machine column" if targets else ""))
        if shaped >= 0.6 * len(real):
            found[column] = pending.header[column]
            notes.append(f"  column {label}: PASSWORD column ({why})")
        else:
            notes.append(f"  column {label}: not a password column ({why})")
    return found

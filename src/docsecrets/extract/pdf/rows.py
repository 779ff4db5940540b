"""Rows, columns and paragraphs from a page's lines (whichever backend produced them)."""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from statistics import median

from docsecrets.extract.pdf.lines import Line, Piece
from docsecrets.types import Cell, Item, Location, Row, Segment

_ROW_TOLERANCE = 0.4  # vertical centres within 40% of the line height: same visual row


# --- rows, columns, paragraphs (backend-neutral) ------------------------------------------------


def page_items(lines: Sequence[Line], page: int) -> Iterator[Item]:
    rows = _visual_rows(lines)
    line_numbers = _line_numbers(lines, rows)
    pieces = [_pieces(row) for row in rows]
    tabular = _tabular_rows(rows, pieces)
    # A one-line box that is a table cell is already scanned as that cell.
    cells = {id(line) for i in tabular for line in rows[i] if len(line.pieces) == 1}
    yield from _paragraphs(lines, line_numbers, page, skip=cells)
    yield from _table_rows(pieces, tabular, page)


def _visual_rows(lines: Sequence[Line]) -> list[list[Line]]:
    """Horizontal lines grouped top to bottom by vertical centre, each row sorted left to right."""
    ordered = sorted((line for line in lines if not line.vertical), key=lambda ln: (-ln.centre, ln.x0))
    rows: list[list[Line]] = []
    for line in ordered:
        if rows:
            first = rows[-1][0]
            if abs(first.centre - line.centre) <= _ROW_TOLERANCE * (first.height + line.height) / 2:
                rows[-1].append(line)
                continue
        rows.append([line])
    for row in rows:
        row.sort(key=lambda ln: ln.x0)
    return rows


def _line_numbers(lines: Sequence[Line], rows: Sequence[Sequence[Line]]) -> dict[int, int]:
    """id(line) -> 1-based visual row on the page; vertical lines take the row level with their top."""
    numbers = {id(line): index for index, row in enumerate(rows, 1) for line in row}
    tops = [-row[0].centre for row in rows]  # ascending
    for line in lines:
        if line.vertical:
            numbers[id(line)] = max(1, bisect.bisect_left(tops, -line.y1) + 1)
    return numbers


def _paragraphs(lines: Sequence[Line], line_numbers: dict[int, int], page: int, *,
                skip: set[int]) -> Iterator[Segment]:
    """One Segment per text box, split where the box changes from visible to hidden text."""
    box_sizes = Counter(line.box for line in lines)
    runs: list[list[Line]] = []
    for line in lines:
        if box_sizes[line.box] == 1 and id(line) in skip:
            continue
        last = runs[-1][-1] if runs else None
        if last is not None and last.box == line.box and last.hidden == line.hidden:
            runs[-1].append(line)
        else:
            runs.append([line])
    numbered = sorted(((line_numbers[id(run[0])], run[0].x0, index) for index, run in enumerate(runs)))
    for number, _x0, index in numbered:
        run = runs[index]
        yield Segment(text="\n".join(line.text.strip() for line in run), location=Location(page=page, line=number),
                      hidden=run[0].hidden)


def _table_rows(pieces: Sequence[Sequence[Piece]], tabular: Sequence[int], page: int) -> Iterator[Row]:
    columns = _columns([pieces[i] for i in tabular])
    part = f"page {page}"
    for index, row_columns in zip(tabular, columns):
        cells = tuple(Cell(text=piece.text, column=column, hidden=piece.hidden)
                      for piece, column in zip(pieces[index], row_columns))
        hidden = cells[0].hidden if all(c.hidden for c in cells) else None
        yield Row(cells=cells, location=Location(part=part, page=page, row=index + 1), table=part, hidden=hidden)


def _pieces(row: Sequence[Line]) -> list[Piece]:
    """The row's pieces left to right; pieces that overlap horizontally (overprint) are merged."""
    pieces: list[Piece] = []
    for piece in sorted((p for line in row for p in line.pieces), key=lambda p: p.x0):
        if pieces and piece.x0 < pieces[-1].x1 - 0.5:
            last = pieces[-1]
            pieces[-1] = Piece(text=f"{last.text} {piece.text}", x0=last.x0, x1=max(last.x1, piece.x1),
                               height=max(last.height, piece.height), hidden=last.hidden or piece.hidden)
        else:
            pieces.append(piece)
    return pieces


def _tabular_rows(rows: Sequence[Sequence[Line]], pieces: Sequence[Sequence[Piece]]) -> list[int]:
    """Indices of rows to yield as table rows.

    A row with two or more pieces is tabular. A one-piece row between two tabular rows, with
    no large vertical gap on the way, is a table row whose other cells are empty (the value
    under "Mot de passe" with no user name), so it is yielded too.
    """
    multi = [i for i, p in enumerate(pieces) if len(p) >= 2]
    chosen = set(multi)
    for start, end in zip(multi, multi[1:]):
        if end - start > 1 and all(_close(rows[i], rows[i + 1]) for i in range(start, end)):
            chosen.update(range(start + 1, end))
    return sorted(chosen)


def _close(upper: Sequence[Line], lower: Sequence[Line]) -> bool:
    height = max(line.height for line in (*upper, *lower))
    return upper[0].centre - lower[0].centre <= 3 * height


def _columns(rows: Sequence[Sequence[Piece]]) -> list[list[int]]:
    """Page-wide 1-based column numbers for the pieces of the table rows.

    Heuristic: pieces whose left edges are within a small tolerance (left-aligned cells) form
    a column; then two columns merge when their horizontal spans overlap (a centred header
    over left-aligned values, right-aligned numbers) and no row has pieces in both, which is
    what keeps two real columns apart. Columns are numbered left to right.
    """
    flat = [(piece.x0, piece.x1, row_index, piece_index)
            for row_index, row in enumerate(rows) for piece_index, piece in enumerate(row)]
    if not flat:
        return []
    tolerance = min(max(0.3 * median(p.height for row in rows for p in row), 1.0), 5.0)
    clusters: list[_Column] = []
    for x0, x1, row_index, piece_index in sorted(flat):
        current = clusters[-1] if clusters else None
        if current is None or x0 - current.last_x0 > tolerance or row_index in current.rows:
            current = _Column()
            clusters.append(current)
        current.add(x0, x1, row_index, piece_index)
    clusters = _merge_overlapping(clusters)
    clusters.sort(key=lambda c: c.x0)
    numbers = [[0] * len(row) for row in rows]
    for column_number, cluster in enumerate(clusters, 1):
        for row_index, piece_index in cluster.members:
            numbers[row_index][piece_index] = column_number
    return numbers


@dataclass
class _Column:
    x0: float = float("inf")
    x1: float = float("-inf")
    last_x0: float = float("-inf")
    rows: set[int] = field(default_factory=set)
    members: list[tuple[int, int]] = field(default_factory=list)

    def add(self, x0: float, x1: float, row_index: int, piece_index: int) -> None:
        self.x0, self.x1, self.last_x0 = min(self.x0, x0), max(self.x1, x1), x0
        self.rows.add(row_index)
        self.members.append((row_index, piece_index))

    def absorb(self, other: _Column) -> None:
        self.x0, self.x1 = min(self.x0, other.x0), max(self.x1, other.x1)
        self.rows |= other.rows
        self.members += other.members


def _merge_overlapping(clusters: list[_Column], *, max_clusters: int = 400) -> list[_Column]:
    """Merge overlapping clusters that never share a row, the most overlapping pairs first."""
    if len(clusters) > max_clusters:  # a page of scattered glyphs, not a table: keep x0 clusters
        return clusters
    pairs: list[tuple[float, int, int]] = []
    for i, left in enumerate(clusters):
        for j in range(i + 1, len(clusters)):
            right = clusters[j]
            overlap = min(left.x1, right.x1) - max(left.x0, right.x0)
            if overlap > 0:
                pairs.append((overlap / max(min(left.x1 - left.x0, right.x1 - right.x0), 0.1), i, j))
    owner = list(range(len(clusters)))  # index of the cluster each one was merged into

    def root(i: int) -> int:
        while owner[i] != i:
            i = owner[i]
        return i

    for _share, i, j in sorted(pairs, reverse=True):
        a, b = root(i), root(j)
        if a != b and not clusters[a].rows & clusters[b].rows:
            clusters[a].absorb(clusters[b])
            owner[b] = a
    return [c for index, c in enumerate(clusters) if owner[index] == index]

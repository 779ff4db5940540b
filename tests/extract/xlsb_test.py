"""xlsb extractor tests. No Python library writes xlsb, so the builders below write BIFF12
records by hand ([MS-XLSB] layouts); one test has python-calamine read what they write, so
the builders cannot drift into a private dialect the extractor alone understands."""

from __future__ import annotations

import datetime
import io
import struct
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from docsecrets.extract.context import Context
from docsecrets.extract.ooxml.xlsb import extract
from docsecrets.limits import Limits
from docsecrets.types import Cell, EncryptedError, ExtractError, LimitExceeded, Location, Member, Row, Segment
from tests.fixtures.xlsx_builders import flag_encrypted, relationships

PASSWORD = "Azerty" + "12!"
TOKEN = "ghp_" + "A" * 36

# --- builders: BIFF12 records --------------------------------------------------------------


def record(kind: int, payload: bytes = b"") -> bytes:
    """Record type (7 bits a byte, at most 2) and size (at most 4), then the payload."""
    def varint(value: int) -> bytes:
        out = bytearray()
        while True:
            out.append((value & 0x7F) | (0x80 if value > 0x7F else 0))
            value >>= 7
            if not value:
                return bytes(out)
    return varint(kind) + varint(len(payload)) + payload


def wide(text: str | None) -> bytes:
    """XLWideString; None writes the null XLNullableWideString."""
    if text is None:
        return struct.pack("<I", 0xFFFFFFFF)
    raw = text.encode("utf-16-le")
    return struct.pack("<I", len(raw) // 2) + raw


def cell(column: int, style: int = 0) -> bytes:
    """The Cell structure: 0-based column, 24-bit style index, flags."""
    return struct.pack("<I", column - 1) + style.to_bytes(3, "little") + b"\x00"


def sst(index: int, column: int, style: int = 0) -> bytes:
    return record(7, cell(column, style) + struct.pack("<I", index))


def text(value: str, column: int, style: int = 0) -> bytes:
    return record(6, cell(column, style) + wide(value))


def real(value: float, column: int, style: int = 0) -> bytes:
    return record(5, cell(column, style) + struct.pack("<d", value))


def rk(raw: int, column: int, style: int = 0) -> bytes:
    return record(2, cell(column, style) + struct.pack("<I", raw))


def boolean(value: bool, column: int) -> bytes:
    return record(4, cell(column) + bytes([value]))


def error(column: int) -> bytes:
    return record(3, cell(column) + b"\x07")  # #DIV/0!


def formula_text(value: str, column: int) -> bytes:
    """BrtFmlaString: the cached result, flags, then the parsed formula (here ="" & ...)."""
    return record(8, cell(column) + wide(value) + b"\x00\x00" + struct.pack("<I", 3) + b"\x17\x00\x00"
                  + struct.pack("<I", 0))


def row(number: int, *cells: bytes, hidden: bool = False) -> bytes:
    """BrtRowHdr (row, style, height, flags with fDyZero for hidden, no column spans) and cells."""
    header = struct.pack("<IIHHBI", number - 1, 0, 300, 0x1000 if hidden else 0, 0, 0)
    return record(0, header) + b"".join(cells)


def sheet_bin(*rows: bytes, hidden_columns: tuple[int, int] | None = None, header: str | None = None,
              footer: str | None = None, links: bytes = b"") -> bytes:
    cols = b""
    if hidden_columns:
        first, last = hidden_columns
        cols = record(390) + record(60, struct.pack("<IIIIH", first - 1, last - 1, 2560, 0, 1)) + record(391)
    header_footer = b""
    if header or footer:
        header_footer = record(479, b"\x00\x00" + wide(header) + wide(footer) + wide(None) * 4) + record(480)
    return (record(129) + record(148, struct.pack("<IIII", 0, 0, 0, 0)) + cols + record(145) + b"".join(rows)
            + record(146) + links + header_footer + record(130))


def hyperlink(ref_row: int, ref_column: int, rel_id: str | None, location: str = "") -> bytes:
    rfx = struct.pack("<IIII", ref_row - 1, ref_row - 1, ref_column - 1, ref_column - 1)
    return record(494, rfx + wide(rel_id) + wide(location) + wide("") + wide(""))


def workbook_bin(sheets: list[tuple[str, str, int]], *, date1904: bool = False,
                 names: tuple[tuple[str, str], ...] = (), padded_bundle: bool = False) -> bytes:
    """`sheets`: (name, relationship id, state 0 visible / 1 hidden / 2 very hidden)."""
    bundles = b"".join(
        record(156, struct.pack("<II", state, n) + (b"\x00" * 4 if padded_bundle else b"") + wide(rel) + wide(name))
        for n, (name, rel, state) in enumerate(sheets, 1))
    defined = b"".join(
        record(39, struct.pack("<IBI", 0, 0, 0xFFFFFFFF) + wide(name)
               + struct.pack("<I", 3 + 2 * len(value)) + b"\x17" + struct.pack("<H", len(value))
               + value.encode("utf-16-le") + struct.pack("<I", 0) + wide(None))
        for name, value in names)
    return (record(131) + record(153, struct.pack("<II", 1 if date1904 else 0, 0) + wide(""))
            + record(143) + bundles + record(144) + defined + record(132))


def sst_bin(*strings: str) -> bytes:
    items = b"".join(record(19, b"\x00" + wide(s)) for s in strings)
    return record(159, struct.pack("<II", len(strings), len(strings))) + items + record(160)


def font(white: bool = False) -> bytes:
    color = bytes([0x05, 0xFF, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF]) if white else bytes([0x01, 0, 0, 0, 0, 0, 0, 0xFF])
    return record(43, struct.pack("<HHHHBBBB", 220, 0, 400, 0, 0, 2, 0, 0) + color + b"\x02" + wide("Calibri"))


def xf(fmt: int = 0, font_index: int = 0) -> bytes:
    return record(47, struct.pack("<HHHHHBBHH", 0, fmt, font_index, 0, 0, 0, 0, 0, 0))


def styles_bin(*cell_xfs: tuple[int, int], formats: dict[int, str] | None = None) -> bytes:
    """`cell_xfs`: (number format id, font index); font 0 is black, font 1 white."""
    fmts = b"".join(record(44, struct.pack("<H", fid) + wide(code)) for fid, code in (formats or {}).items())
    return (record(278) + record(615, struct.pack("<I", len(formats or {}))) + fmts + record(616)
            + record(611, struct.pack("<I", 2)) + font() + font(white=True) + record(612)
            + record(603, struct.pack("<I", 0)) + record(604) + record(613, struct.pack("<I", 0)) + record(614)
            + record(626, struct.pack("<I", 1)) + xf() + record(627)
            + record(617, struct.pack("<I", len(cell_xfs))) + b"".join(xf(*spec) for spec in cell_xfs)
            + record(618) + record(279))


def comments_bin(authors: list[str], comments: list[tuple[int, int, int, str]]) -> bytes:
    """`comments`: (author index, row, column, text)."""
    body = b"".join(
        record(635, struct.pack("<IIIII", author, r - 1, r - 1, c - 1, c - 1) + b"\x00" * 16)
        + record(637, b"\x00" + wide(value)) + record(636)
        for author, r, c, value in comments)
    return (record(628) + record(630) + b"".join(record(632, wide(a)) for a in authors) + record(631)
            + record(633) + body + record(634) + record(629))


def make_xlsb(sheets: dict[str, bytes], *, states: dict[str, int] | None = None, strings: tuple[str, ...] = (),
              styles: bytes | None = None, sheet_rels: dict[str, str] | None = None,
              parts: dict[str, bytes | str] | None = None, skip: tuple[str, ...] = (), **book: object) -> bytes:
    """A package: sheet n is xl/worksheets/sheet{n}.bin; `book` goes to workbook_bin."""
    states = states or {}
    entries = [(name, f"rId{n}", states.get(name, 0)) for n, name in enumerate(sheets, 1)]
    book_rels = [(f"rId{n}", "worksheet", f"worksheets/sheet{n}.bin") for n in range(1, len(sheets) + 1)]
    files: dict[str, bytes | str] = {
        "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                               'content-types"><Default Extension="bin" ContentType="application/'
                               'vnd.ms-excel.sheet.binary.macroEnabled.main"/></Types>',
        "_rels/.rels": relationships(("rId1", "officeDocument", "xl/workbook.bin")),
        "xl/workbook.bin": workbook_bin(entries, **book),  # type: ignore[arg-type]
        "xl/sharedStrings.bin": sst_bin(*strings),
        "xl/styles.bin": styles if styles is not None else styles_bin((0, 0)),
    }
    book_rels += [("rIdS", "sharedStrings", "sharedStrings.bin"), ("rIdT", "styles", "styles.bin")]
    files["xl/_rels/workbook.bin.rels"] = relationships(*book_rels)
    for n, (name, data) in enumerate(sheets.items(), 1):
        files[f"xl/worksheets/sheet{n}.bin"] = data
        if sheet_rels and name in sheet_rels:
            files[f"xl/worksheets/_rels/sheet{n}.bin.rels"] = sheet_rels[name]
    files.update(parts or {})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            if name not in skip:
                archive.writestr(name, content)
    return buffer.getvalue()


# --- helpers -------------------------------------------------------------------------------


def items_of(data: bytes, limits: Limits | None = None) -> list:
    return list(extract(data, Context.for_file("book.xlsb", limits or Limits())))


def rows(items: list) -> list[Row]:
    return [item for item in items if isinstance(item, Row)]


def segments(items: list) -> list[Segment]:
    return [item for item in items if isinstance(item, Segment)]


def loc_row(sheet: str, number: int) -> Location:
    return Location(part=sheet, row=number)


DATE_STYLES = styles_bin((0, 0), (14, 0), (0, 1), (164, 0), formats={164: ";;;"})  # plain, date, white, hidden


def typed_workbook() -> bytes:
    return make_xlsb({"Comptes": sheet_bin(
        row(1, sst(0, 1), sst(1, 2), text("PIN", 3), text("Taux", 4), text("Né le", 5), text("Actif", 6),
            text("Total", 7)),
        row(2, sst(2, 1), text(PASSWORD, 2), rk(19730512 << 2 | 2, 3), real(3.14, 4), rk(26796 << 2 | 2, 5, style=1),
            boolean(True, 6), real(123456.0, 7), error(8)),
        row(4, rk(31415 << 2 | 3, 1), real(45366.4375, 2, style=1), formula_text(TOKEN, 3), record(1, cell(4))),
    )}, strings=("Login", "Mot de passe", "jmartin"), styles=DATE_STYLES)


# --- cells and rows ------------------------------------------------------------------------


def test_cells_come_out_as_typed():
    assert rows(items_of(typed_workbook())) == [
        Row(cells=(Cell(text="Login", column=1, ref="A1"), Cell(text="Mot de passe", column=2, ref="B1"),
                   Cell(text="PIN", column=3, ref="C1"), Cell(text="Taux", column=4, ref="D1"),
                   Cell(text="Né le", column=5, ref="E1"), Cell(text="Actif", column=6, ref="F1"),
                   Cell(text="Total", column=7, ref="G1")),
            location=loc_row("Comptes", 1), table="Comptes"),
        Row(cells=(Cell(text="jmartin", column=1, ref="A2"), Cell(text=PASSWORD, column=2, ref="B2"),
                   Cell(text="19730512", column=3, ref="C2"), Cell(text="3.14", column=4, ref="D2"),
                   Cell(text="1973-05-12", column=5, ref="E2"), Cell(text="TRUE", column=6, ref="F2"),
                   Cell(text="123456", column=7, ref="G2")),
            location=loc_row("Comptes", 2), table="Comptes"),
        # an RK number divided by 100, a date with a time, a formula's cached text; the blank goes
        Row(cells=(Cell(text="314.15", column=1, ref="A4"), Cell(text="2024-03-15T10:30:00", column=2, ref="B4"),
                   Cell(text=TOKEN, column=3, ref="C4")),
            location=loc_row("Comptes", 4), table="Comptes"),
    ]


def test_builders_write_what_calamine_reads():
    calamine = pytest.importorskip("python_calamine")
    book = calamine.CalamineWorkbook.from_filelike(io.BytesIO(typed_workbook()))
    # calamine leaves dates stored as RK integers as numbers, and errors as empty cells
    assert book.get_sheet_by_name("Comptes").to_python() == [
        ["Login", "Mot de passe", "PIN", "Taux", "Né le", "Actif", "Total", ""],
        ["jmartin", PASSWORD, 19730512, 3.14, 26796, True, 123456.0, ""],
        ["", "", "", "", "", "", "", ""],
        [314.15, datetime.datetime(2024, 3, 15, 10, 30), TOKEN, "", "", "", "", ""],
    ]
    states = make_xlsb({"Vue": sheet_bin(), "Bases": sheet_bin(), "Cachée": sheet_bin()},
                       states={"Bases": 1, "Cachée": 2})
    visible = calamine.SheetVisibleEnum
    assert [(sheet.name, sheet.visible) for sheet in
            calamine.CalamineWorkbook.from_filelike(io.BytesIO(states)).sheets_metadata] == [
        ("Vue", visible.Visible), ("Bases", visible.Hidden), ("Cachée", visible.VeryHidden)]


def test_date1904_workbooks_shift_dates():
    data = make_xlsb({"S": sheet_bin(row(1, rk(0 << 2 | 2, 1, style=1)))}, styles=DATE_STYLES, date1904=True)
    assert rows(items_of(data))[0].cells == (Cell(text="1904-01-01", column=1, ref="A1"),)


def test_short_cell_records_take_the_next_column():
    short_text = record(17, b"\x00\x00\x00\x00" + wide(PASSWORD))
    short_bool = record(15, b"\x00\x00\x00\x00\x01")
    data = make_xlsb({"S": sheet_bin(row(3, text("Mot de passe", 2), short_text, short_bool))})
    assert rows(items_of(data)) == [Row(cells=(
        Cell(text="Mot de passe", column=2, ref="B3"), Cell(text=PASSWORD, column=3, ref="C3"),
        Cell(text="TRUE", column=4, ref="D3")), location=loc_row("S", 3), table="S")]


def test_a_record_larger_than_one_inflated_chunk_is_read_whole():
    long_text = "x" * 70_000 + PASSWORD  # 140 kB of UTF-16: spans several 64 KiB chunks
    data = make_xlsb({"S": sheet_bin(row(1, text(long_text, 1)), row(2, text(TOKEN, 1)))})
    assert [c.text for r in rows(items_of(data)) for c in r.cells] == [long_text, TOKEN]


# --- hidden places -------------------------------------------------------------------------


def test_hidden_and_very_hidden_sheets():
    data = make_xlsb({"Vue": sheet_bin(row(1, text("ok", 1))), "Bases": sheet_bin(row(1, text(PASSWORD, 1))),
                      "Cachée": sheet_bin(row(2, text(TOKEN, 3)))}, states={"Bases": 1, "Cachée": 2})
    assert rows(items_of(data)) == [
        Row(cells=(Cell(text="ok", column=1, ref="A1"),), location=loc_row("Vue", 1), table="Vue"),
        Row(cells=(Cell(text=PASSWORD, column=1, ref="A1"),), location=loc_row("Bases", 1), table="Bases",
            hidden="hidden sheet 'Bases'"),
        Row(cells=(Cell(text=TOKEN, column=3, ref="C2"),), location=loc_row("Cachée", 2), table="Cachée",
            hidden="very hidden sheet 'Cachée'"),
    ]


def test_hidden_rows_columns_white_text_and_blank_formats():
    data = make_xlsb({"S": sheet_bin(
        row(1, text("Login", 1), text("Mot de passe", 5)),
        row(14, text("admin", 1), text(PASSWORD, 5), hidden=True),
        row(15, text("blanc", 1, style=2), text("rien", 2, style=3), text("caché", 5, style=2)),
        hidden_columns=(5, 6))}, styles=DATE_STYLES)
    assert rows(items_of(data)) == [
        Row(cells=(Cell(text="Login", column=1, ref="A1"),
                   Cell(text="Mot de passe", column=5, ref="E1", hidden="hidden column E")),
            location=loc_row("S", 1), table="S"),
        Row(cells=(Cell(text="admin", column=1, ref="A14"),
                   Cell(text=PASSWORD, column=5, ref="E14", hidden="hidden column E")),
            location=loc_row("S", 14), table="S", hidden="hidden row 14"),
        Row(cells=(Cell(text="blanc", column=1, ref="A15", hidden="white text"),
                   Cell(text="rien", column=2, ref="B15", hidden="number format ';;;'"),
                   Cell(text="caché", column=5, ref="E15", hidden="hidden column E, white text")),
            location=loc_row("S", 15), table="S"),
    ]


def test_comments_headers_hyperlinks_and_defined_names():
    sheet_rels = relationships(("rId1", "comments", "../comments1.bin"),
                               ("rId2", "hyperlink", f"https://admin:{PASSWORD}@intra.example", "External"))
    data = make_xlsb(
        {"S": sheet_bin(row(1, text("x", 1)), header=f'&L&"Arial,Bold"Login&RPwd {PASSWORD}', footer="&CPage &P",
                        links=hyperlink(1, 1, "rId2") + hyperlink(2, 2, None, "Bases!A1"))},
        sheet_rels={"S": sheet_rels},
        parts={"xl/comments1.bin": comments_bin(["J. Martin", ""], [(0, 3, 2, f"mdp : {PASSWORD}"), (1, 1, 1, "vu")])},
        names=(("cle_api", TOKEN),))
    assert segments(items_of(data)) == [
        Segment(text=f"cle_api: {TOKEN}", location=Location(part="xl/workbook.bin"), hidden="defined name 'cle_api'"),
        Segment(text=f"https://admin:{PASSWORD}@intra.example", location=Location(part="S", cell="A1"),
                hidden="hyperlink target"),
        Segment(text="Bases!A1", location=Location(part="S", cell="B2"), hidden="hyperlink target"),
        Segment(text=f"Login Pwd {PASSWORD}", location=Location(part="S"), hidden="page header"),
        Segment(text="Page", location=Location(part="S"), hidden="page footer"),
        Segment(text=f"mdp : {PASSWORD}", location=Location(part="S", cell="B3"), hidden="cell comment by J. Martin"),
        Segment(text="vu", location=Location(part="S", cell="A1"), hidden="cell comment"),
    ]


def test_properties_embeddings_and_macros():
    core = ('<?xml version="1.0"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
            'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">'
            f"<dc:description>mdp {PASSWORD}</dc:description></cp:coreProperties>")
    data = make_xlsb({"S": sheet_bin()}, parts={"docProps/core.xml": core, "xl/embeddings/oleObject1.bin": b"OLE",
                                                "xl/vbaProject.bin": b"VBA"})
    assert items_of(data) == [
        Segment(text=f"description: mdp {PASSWORD}", location=Location(part="docProps/core.xml"),
                hidden="document property 'description' (core properties)"),
        Member(name="xl/embeddings/oleObject1.bin", data=b"OLE", hidden="embedded object"),
        Member(name="xl/vbaProject.bin", data=b"VBA", hidden="VBA macro project"),
    ]


def test_sheet_entries_with_four_extra_bytes_still_resolve():
    # Seen in the wild: a writer that puts 4 more bytes ahead of BrtBundleSh's strings.
    data = make_xlsb({"Données": sheet_bin(row(1, text(PASSWORD, 1)))}, padded_bundle=True)
    assert rows(items_of(data)) == [
        Row(cells=(Cell(text=PASSWORD, column=1, ref="A1"),), location=loc_row("Données", 1), table="Données")]


def test_unlinked_sheet_part_is_read_as_hidden():
    data = make_xlsb({"S": sheet_bin()}, parts={"xl/worksheets/sheet9.bin": sheet_bin(row(2, text(PASSWORD, 2))),
                                                "xl/worksheets/binaryIndex1.bin": b"\x00" * 8})
    assert rows(items_of(data)) == [Row(
        cells=(Cell(text=PASSWORD, column=2, ref="B2"),), location=loc_row("xl/worksheets/sheet9.bin", 2),
        table="xl/worksheets/sheet9.bin", hidden="sheet part 'xl/worksheets/sheet9.bin' not linked from the workbook")]


# --- errors and limits ---------------------------------------------------------------------


def test_truncated_sheet_keeps_the_rows_before_the_damage():
    good = row(1, text("Login", 1), text(PASSWORD, 2))
    data = make_xlsb({"S": record(129) + record(145) + good + record(0, b"\x01\x00")})  # a row header cut short
    seen: list = []
    with pytest.raises(ExtractError, match=r"sheet 'S' \(xl/worksheets/sheet1.bin\): .*malformed record"):
        seen.extend(extract(data, Context.for_file("book.xlsb")))
    assert [c.text for r in rows(seen) for c in r.cells] == ["Login", PASSWORD]


def test_record_running_past_the_part_is_unreadable():
    data = make_xlsb({"S": record(145) + row(1, text(PASSWORD, 1))[:-3]})
    with pytest.raises(ExtractError, match="truncated"):
        items_of(data)


def test_missing_shared_string_is_reported():
    data = make_xlsb({"S": sheet_bin(row(1, sst(0, 1), sst(5, 2)))}, strings=("Login",))
    seen: list = []
    with pytest.raises(ExtractError, match="1 cells point past the shared strings table"):
        seen.extend(extract(data, Context.for_file("book.xlsb")))
    assert rows(seen) == [Row(cells=(Cell(text="Login", column=1, ref="A1"),), location=loc_row("S", 1), table="S")]


def test_package_without_workbook_is_unreadable():
    with pytest.raises(ExtractError, match="no workbook part"):
        items_of(make_xlsb({"S": sheet_bin()}, skip=("xl/workbook.bin",)))


def test_truncated_file_is_unreadable():
    data = make_xlsb({"S": sheet_bin(row(1, text(PASSWORD, 1)))})
    with pytest.raises(ExtractError):
        items_of(data[: len(data) // 2])


def test_encrypted_member_raises_encrypted_error():
    data = flag_encrypted(make_xlsb({"S": sheet_bin(row(1, text(PASSWORD, 1)))}), "xl/worksheets/sheet1.bin")
    with pytest.raises(EncryptedError):
        items_of(data)


def test_cell_limit():
    data = make_xlsb({"S": sheet_bin(*(row(n, text("v", 1), text("w", 2)) for n in range(1, 4)))})
    with pytest.raises(LimitExceeded, match="more than 5 cells"):
        items_of(data, Limits(max_cells=5))


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000))
def test_random_bytes_raise_only_extract_error(data):
    try:
        items_of(data)
    except ExtractError:
        pass


@settings(max_examples=200, deadline=None)
@given(st.binary(min_size=1, max_size=400), st.sampled_from(["xl/workbook.bin", "xl/worksheets/sheet1.bin",
                                                             "xl/sharedStrings.bin", "xl/styles.bin"]))
def test_random_records_raise_only_extract_error(noise, part):
    data = make_xlsb({"S": sheet_bin(row(1, sst(0, 1)))}, strings=("Login",), parts={part: noise})
    try:
        items_of(data)
    except ExtractError:
        pass


def test_damaged_workbook_part_keeps_the_sheets_listed_before_the_damage():
    book = workbook_bin([("S", "rId1", 0)]) + record(156, b"\x00" * 9)  # a second sheet entry cut short
    data = make_xlsb({"S": sheet_bin(row(1, text(PASSWORD, 1)))}, parts={"xl/workbook.bin": book})
    seen: list = []
    with pytest.raises(ExtractError, match=r"xl/workbook.bin: malformed record"):
        seen.extend(extract(data, Context.for_file("book.xlsb")))
    assert rows(seen) == [Row(cells=(Cell(text=PASSWORD, column=1, ref="A1"),), location=loc_row("S", 1), table="S")]

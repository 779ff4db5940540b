from __future__ import annotations

import datetime
import io
import zipfile

import pytest
import xlrd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from docsecrets.extract.context import Context
from docsecrets.extract.common.cells import float_text
from docsecrets.extract.ole.xls import _header_text, extract
from docsecrets.limits import Limits
from docsecrets.types import Cell, EncryptedError, ExtractError, LimitExceeded, Location, Row, Segment
from tests.fixtures.xls_builders import (DOC_SUMMARY_FMTID, SUMMARY_FMTID, USER_DEFINED_FMTID, SheetSpec,
                                         property_stream, write_xls, xls_bytes)

PASSWORD = "Azerty" + "12!"
VNC_PASSWORD = "Vnc" + "2016#"
TOKEN = "ghp_" + "A" * 36


def items_of(data: bytes, limits: Limits | None = None) -> list:
    return list(extract(data, Context.for_file("book.xls", limits or Limits())))


def rows(items: list) -> list[Row]:
    return [item for item in items if isinstance(item, Row)]


def segments(items: list) -> list[Segment]:
    return [item for item in items if isinstance(item, Segment)]


def row(sheet: str, number: int, *cells: tuple[str, str], hidden: str | None = None,
        cell_hidden: dict[str, str] | None = None) -> Row:
    """Expected Row from (ref, text) pairs."""
    built = tuple(Cell(text=text, column=_column(ref), ref=ref, hidden=(cell_hidden or {}).get(ref))
                  for ref, text in cells)
    return Row(cells=built, location=Location(part=sheet, row=number), table=sheet, hidden=hidden)


def _column(ref: str) -> int:
    letters = ref.rstrip("0123456789")
    value = 0
    for letter in letters:
        value = value * 26 + ord(letter) - 64
    return value


# --- rows ----------------------------------------------------------------------------------

def test_infos_et_contacts_like_sheet_keeps_title_header_and_values_at_their_cells(tmp_path):
    cells = {
        "A1": "Infos et contacts des établissements",
        "A3": "Établissement", "B3": "Identifiant", "C3": "Mot de passe", "D3": "IP serveur", "E3": "MDP VNC",
        "A4": "CH de Millau", "B4": "urg_millau", "C4": PASSWORD, "D4": "10.220.182.152", "E4": VNC_PASSWORD,
        "A5": "CHU de Poitiers", "B5": "urg_poitiers", "C5": 19730512, "E5": "Samu-41",
    }
    path = write_xls(tmp_path, "InfosEtContacts.xls", [SheetSpec("Contacts", cells)])

    assert items_of(path.read_bytes()) == [
        row("Contacts", 1, ("A1", "Infos et contacts des établissements")),
        row("Contacts", 3, ("A3", "Établissement"), ("B3", "Identifiant"), ("C3", "Mot de passe"),
            ("D3", "IP serveur"), ("E3", "MDP VNC")),
        row("Contacts", 4, ("A4", "CH de Millau"), ("B4", "urg_millau"), ("C4", PASSWORD),
            ("D4", "10.220.182.152"), ("E4", VNC_PASSWORD)),
        row("Contacts", 5, ("A5", "CHU de Poitiers"), ("B5", "urg_poitiers"), ("C5", "19730512"),
            ("E5", "Samu-41")),
    ]


@pytest.mark.parametrize(("value", "text"), [
    (19730512, "19730512"),
    (19730512.0, "19730512"),
    (-7, "-7"),
    (3.14, "3.14"),
    (0.1 + 0.2, "0.3"),  # displayed with Excel's 15 significant digits
    (1e20, "1e+20"),
    (True, "TRUE"),
    (False, "FALSE"),
    (datetime.date(2024, 1, 31), "2024-01-31"),
    (datetime.datetime(2024, 1, 31, 8, 30), "2024-01-31T08:30:00"),
    ("  spaced  ", "  spaced  "),
])
def test_values_come_out_as_typed(value, text):
    items = items_of(xls_bytes([SheetSpec("S", {"B2": value})]))
    assert items == [row("S", 2, ("B2", text))]


def test_blank_text_cells_are_left_out():
    items = items_of(xls_bytes([SheetSpec("S", {"A1": "   ", "B1": "x"})]))
    assert items == [row("S", 1, ("B1", "x"))]


def test_number_text_rules():
    assert float_text(123456.0) == "123456"
    assert float_text(0.30000000000000004) == "0.3"
    assert float_text(-0.5) == "-0.5"


# --- hidden places -------------------------------------------------------------------------

def test_hidden_and_very_hidden_sheets_mark_their_rows():
    data = xls_bytes([
        SheetSpec("Visible", {"A1": "Statistiques"}),
        SheetSpec("Bases", {"A1": "Mot de passe", "A2": PASSWORD}, visibility=1),
        SheetSpec("Macro", {"A1": TOKEN}, visibility=2),
    ])
    assert items_of(data) == [
        row("Visible", 1, ("A1", "Statistiques")),
        row("Bases", 1, ("A1", "Mot de passe"), hidden="hidden sheet 'Bases'"),
        row("Bases", 2, ("A2", PASSWORD), hidden="hidden sheet 'Bases'"),
        row("Macro", 1, ("A1", TOKEN), hidden="very hidden sheet 'Macro'"),
    ]


def test_hidden_rows_columns_white_text_and_hiding_format():
    spec = SheetSpec("S", {"A1": "Login", "B1": "Mot de passe", "C1": "Note", "D1": "Code",
                           "A2": "admin", "B2": PASSWORD, "C2": "blanc", "D2": "1234"},
                     hidden_rows=(2,), hidden_columns=("B",), white_cells=("C2",), hiding_format_cells=("D2",))
    assert items_of(xls_bytes([spec])) == [
        row("S", 1, ("A1", "Login"), ("B1", "Mot de passe"), ("C1", "Note"), ("D1", "Code"),
            cell_hidden={"B1": "hidden column B"}),
        row("S", 2, ("A2", "admin"), ("B2", PASSWORD), ("C2", "blanc"), ("D2", "1234"), hidden="hidden row 2",
            cell_hidden={"B2": "hidden column B", "C2": "white text", "D2": "number format ';;;'"}),
    ]


def test_white_text_in_a_hidden_column_gives_both_reasons():
    spec = SheetSpec("S", {"C3": PASSWORD}, hidden_columns=("C",), white_cells=("C3",))
    assert items_of(xls_bytes([spec])) == [
        row("S", 3, ("C3", PASSWORD), cell_hidden={"C3": "hidden column C, white text"})]


def test_cell_notes_become_segments_at_their_cell():
    spec = SheetSpec("Accès", {"A1": "serveur"}, notes={"B4": ("J. Martin", f"mdp : {PASSWORD}"), "A1": ("", "vu")})
    notes = segments(items_of(xls_bytes([spec])))
    assert notes == [
        Segment(text="vu", location=Location(part="Accès", cell="A1", row=1, column=1), hidden="cell comment"),
        Segment(text=f"mdp : {PASSWORD}", location=Location(part="Accès", cell="B4", row=4, column=2),
                hidden="cell comment by J. Martin"),
    ]


def test_defined_name_with_a_string_constant():
    items = items_of(xls_bytes([SheetSpec("S", {"A1": "x"})], names={"db_password": PASSWORD}))
    assert segments(items) == [Segment(text=f"db_password: {PASSWORD}", location=Location(part="defined names"),
                                       hidden="defined name 'db_password'")]


def test_page_header_and_footer_without_their_codes():
    spec = SheetSpec("S", {"A1": "x"}, header='&L&"Arial,Bold"&12Login: admin&RPage &P',
                     footer=f"&Cmdp {PASSWORD} && co")
    assert segments(items_of(xls_bytes([spec]))) == [
        Segment(text="Login: admin\nPage", location=Location(part="S"), hidden="page header"),
        Segment(text=f"mdp {PASSWORD} & co", location=Location(part="S"), hidden="page footer"),
    ]


def test_default_xlwt_header_and_footer_codes_yield_nothing():
    spec = SheetSpec("S", {"A1": "x"}, header="&P", footer="&F")
    assert segments(items_of(xls_bytes([spec]))) == []


def test_header_text_codes():
    assert _header_text("&KFF0000&B&ISecret&&Co&Z&D") == "Secret&Co"


def test_hyperlink_with_credentials_is_reported_plain_links_are_not():
    url = "ftp://backup:" + PASSWORD + "@10.0.0.5/"
    spec = SheetSpec("S", {"A1": "serveur", "A2": "site"}, links={"A1": url, "A2": "https://example.org/"})
    assert segments(items_of(xls_bytes([spec]))) == [
        Segment(text=url, location=Location(part="S", cell="A1", row=1, column=1), hidden="hyperlink target")]


@pytest.mark.parametrize("codepage", [1252, 1200])
def test_document_and_custom_properties(codepage):
    summary = property_stream([(SUMMARY_FMTID, {2: "Accès serveurs", 5: f"mdp={PASSWORD}", 4: "J. Martin"}, None)],
                              codepage=codepage)
    documents = property_stream([(DOC_SUMMARY_FMTID, {15: "CH Millau"}, None),
                                 (USER_DEFINED_FMTID, {2: PASSWORD, 3: "oui"}, {2: "Mot de passe", 3: "Validé"})],
                                codepage=codepage)
    items = items_of(xls_bytes([SheetSpec("S", {"A1": "x"})], properties=[summary, documents]))
    assert segments(items) == [
        Segment(text="Title: Accès serveurs", location=Location(part="SummaryInformation"),
                hidden="document property 'Title'"),
        Segment(text="Author: J. Martin", location=Location(part="SummaryInformation"),
                hidden="document property 'Author'"),
        Segment(text=f"Keywords: mdp={PASSWORD}", location=Location(part="SummaryInformation"),
                hidden="document property 'Keywords'"),
        Segment(text="Company: CH Millau", location=Location(part="DocumentSummaryInformation"),
                hidden="document property 'Company'"),
        Segment(text=f"Mot de passe: {PASSWORD}", location=Location(part="DocumentSummaryInformation"),
                hidden="custom document property 'Mot de passe'"),
        Segment(text="Validé: oui", location=Location(part="DocumentSummaryInformation"),
                hidden="custom document property 'Validé'"),
    ]


def test_damaged_property_stream_yields_the_cells_then_raises():
    summary = property_stream([(SUMMARY_FMTID, {2: "x"}, None)])
    broken = summary[:28] + summary[28:44] + (10_000).to_bytes(4, "little")  # set offset past the end
    got = []
    with pytest.raises(ExtractError, match="SummaryInformation"):
        for item in extract(xls_bytes([SheetSpec("S", {"A1": PASSWORD})], properties=[broken]), Context()):
            got.append(item)
    assert got == [row("S", 1, ("A1", PASSWORD))]


# --- formatting fallback and partial damage -------------------------------------------------

def test_formatting_failure_falls_back_to_values_for_that_sheet(monkeypatch):
    original = xlrd.sheet.Sheet.read

    def read(self, book):
        if self.formatting_info and self.name == "Bad":
            raise AssertionError  # what xlrd does on odd formatting records
        return original(self, book)

    monkeypatch.setattr(xlrd.sheet.Sheet, "read", read)
    data = xls_bytes([SheetSpec("Good", {"A1": "g"}, hidden_rows=(1,)),
                      SheetSpec("Bad", {"A1": PASSWORD}, hidden_rows=(1,))])
    assert items_of(data) == [row("Good", 1, ("A1", "g"), hidden="hidden row 1"),
                              row("Bad", 1, ("A1", PASSWORD))]  # the row is read, its hidden flag lost


def test_workbook_level_formatting_failure_reopens_without_formatting(monkeypatch):
    original = xlrd.open_workbook

    def open_workbook(*args, **kwargs):
        if kwargs.get("formatting_info"):
            raise NotImplementedError("formatting_info=True not yet implemented")
        return original(*args, **kwargs)

    monkeypatch.setattr(xlrd, "open_workbook", open_workbook)
    data = xls_bytes([SheetSpec("S", {"A1": PASSWORD}, hidden_rows=(1,))])
    assert items_of(data) == [row("S", 1, ("A1", PASSWORD))]


def test_unreadable_sheet_is_named_after_the_others_are_yielded(monkeypatch):
    original = xlrd.sheet.Sheet.read

    def read(self, book):
        if self.name == "Bad":
            raise struct_error()
        return original(self, book)

    def struct_error():
        import struct
        return struct.error("unpack requires a buffer of 4 bytes")

    monkeypatch.setattr(xlrd.sheet.Sheet, "read", read)
    data = xls_bytes([SheetSpec("Bad", {"A1": "x"}), SheetSpec("Good", {"A1": PASSWORD})])
    got = []
    with pytest.raises(ExtractError, match=r"sheet 1 \('Bad'\): struct.error: unpack requires"):
        for item in extract(data, Context()):
            got.append(item)
    assert got == [row("Good", 1, ("A1", PASSWORD))]


# --- errors and limits ---------------------------------------------------------------------

def test_filepass_record_raises_encrypted():
    data = xls_bytes([SheetSpec("S", {"A1": PASSWORD})], encrypted=True)
    with pytest.raises(EncryptedError, match="password-protected workbook"):
        items_of(data)


def test_truncated_workbook_raises_extract_error_and_prints_nothing(capsys):
    data = xls_bytes([SheetSpec("S", {f"A{n}": f"ligne {n}" for n in range(1, 400)})])
    with pytest.raises(ExtractError, match="truncated"):
        items_of(data[: len(data) // 2])
    assert capsys.readouterr() == ("", "")


def test_an_xlsx_named_xls_raises_extract_error():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(ExtractError, match="unreadable .xls workbook: XLRDError: Excel xlsx file; not supported$"):
        items_of(buffer.getvalue())


def test_cell_limit_raises_limit_exceeded():
    data = xls_bytes([SheetSpec("S", {f"A{n}": n for n in range(1, 30)})])
    with pytest.raises(LimitExceeded, match="more than 10 cells"):
        items_of(data, Limits(max_cells=10))


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=4096), st.sampled_from([b"", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"\x09\x08\x10\x00"]))
def test_random_bytes_raise_only_extract_error(noise, prefix):
    try:
        items_of(prefix + noise)
    except ExtractError:
        pass


_SAMPLE = xls_bytes([SheetSpec("S", {"A1": "Mot de passe", "A2": PASSWORD, "B2": 42}, notes={"A2": ("a", "b")})],
                    names={"n": "v"})


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(min_value=0, max_value=len(_SAMPLE) - 1), st.integers(0, 255)),
                min_size=1, max_size=12))
def test_corrupted_workbooks_raise_only_extract_error(changes):
    data = bytearray(_SAMPLE)
    for offset, value in changes:
        data[offset] = value
    try:
        items_of(bytes(data))
    except ExtractError:
        pass


@pytest.mark.shared
@pytest.mark.parametrize("folder", ["xls", "xlt"])
def test_real_documents_are_read_or_refused_cleanly(shared_dir, folder):
    for path in sorted((shared_dir / "realdocs" / folder).glob("*")):
        try:
            for _item in extract(path.read_bytes(), Context.for_file(str(path))):
                pass
        except ExtractError:
            pass

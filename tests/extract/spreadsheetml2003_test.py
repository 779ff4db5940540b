from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from docsecrets.extract.context import Context
from docsecrets.extract.web.spreadsheetml2003 import extract
from docsecrets.limits import Limits
from docsecrets.sniff import sniff
from docsecrets.types import Cell, ExtractError, LimitExceeded, Location, Row, Segment
from tests.fixtures.spreadsheetml2003_builders import cell, row, workbook, worksheet, write

PASSWORD = "Azerty" + "12!"
VNC_PASSWORD = "Vnc" + "2016#"

STYLES = ('<Style ss:ID="Default" ss:Name="Normal"><Font ss:FontName="Arial"/></Style>'
          '<Style ss:ID="white"><Font ss:Color="#FFFFFF"/></Style>'
          '<Style ss:ID="whiteOnBlack"><Font ss:Color="#FFFFFF"/>'
          '<Interior ss:Color="#000000" ss:Pattern="Solid"/></Style>'
          '<Style ss:ID="blank"><NumberFormat ss:Format=";;;"/></Style>')


def items_of(data: bytes, limits: Limits | None = None) -> list:
    return list(extract(data, Context.for_file("book.xml", limits or Limits())))


def rows(items: list) -> list[Row]:
    return [item for item in items if isinstance(item, Row)]


def segments(items: list) -> list[Segment]:
    return [item for item in items if isinstance(item, Segment)]


def xrow(sheet: str, number: int, *cells: tuple[str, str], hidden: str | None = None,
         cell_hidden: dict[str, str] | None = None) -> Row:
    built = tuple(Cell(text=text, column=_column(ref), ref=ref, hidden=(cell_hidden or {}).get(ref))
                  for ref, text in cells)
    return Row(cells=built, location=Location(part=sheet, row=number), table=sheet, hidden=hidden)


def _column(ref: str) -> int:
    value = 0
    for letter in ref.rstrip("0123456789"):
        value = value * 26 + ord(letter) - 64
    return value


def test_builder_output_is_sniffed_as_spreadsheetml2003():
    assert sniff(workbook(worksheet("S", [])), "export.xml") == "spreadsheetml2003"


def test_infos_et_contacts_like_sheet_with_index_skips(tmp_path):
    data = workbook(worksheet("Contacts", [
        row(cell("Infos et contacts")),
        row(cell("Établissement"), cell("Identifiant"), cell("Mot de passe"), cell("MDP VNC", index=5), index=3),
        row(cell("CH de Millau"), cell("urg_millau"), cell(PASSWORD), cell(VNC_PASSWORD, index=5)),
        row(cell("CHU de Poitiers"), cell(None), cell(19730512)),
    ]))
    path = write(tmp_path, "contacts.xml", data)
    assert items_of(path.read_bytes()) == [
        xrow("Contacts", 1, ("A1", "Infos et contacts")),
        xrow("Contacts", 3, ("A3", "Établissement"), ("B3", "Identifiant"), ("C3", "Mot de passe"), ("E3", "MDP VNC")),
        xrow("Contacts", 4, ("A4", "CH de Millau"), ("B4", "urg_millau"), ("C4", PASSWORD), ("E4", VNC_PASSWORD)),
        xrow("Contacts", 5, ("A5", "CHU de Poitiers"), ("C5", "19730512")),
    ]


@pytest.mark.parametrize(("value", "kind", "text"), [
    ("19730512", "Number", "19730512"),
    ("3.1400000000000001", "Number", "3.14"),
    ("-2.5E-3", "Number", "-0.0025"),
    ("1", "Boolean", "TRUE"),
    ("0", "Boolean", "FALSE"),
    ("2024-01-31T00:00:00.000", "DateTime", "2024-01-31"),
    ("2024-01-31T08:30:00.000", "DateTime", "2024-01-31T08:30:00"),
    ("1899-12-31T08:30:00.000", "DateTime", "08:30:00"),
    ("  spaced  ", "String", "  spaced  "),
    ("#N/A", "Error", None),
])
def test_values_come_out_as_typed(value, kind, text):
    items = items_of(workbook(worksheet("S", [row(cell(value, kind=kind))])))
    assert items == ([xrow("S", 1, ("A1", text))] if text is not None else [])


def test_merge_across_moves_the_next_cell_on():
    data = workbook(worksheet("S", [row(cell("Compte", merge_across=2), cell("Mot de passe"))]))
    assert items_of(data) == [xrow("S", 1, ("A1", "Compte"), ("D1", "Mot de passe"))]


def test_rich_text_runs_are_joined():
    data = workbook(worksheet("S", ['<Row><Cell><ss:Data ss:Type="String" xmlns="http://www.w3.org/TR/REC-html40">'
                                    '<B>Mot de </B><Font>passe</Font></ss:Data></Cell></Row>']))
    assert items_of(data) == [xrow("S", 1, ("A1", "Mot de passe"))]


def test_hidden_sheets_rows_columns_and_styles():
    data = workbook(
        worksheet("Visible", [
            row(cell("Login"), cell("Mot de passe"), cell("Note"), cell("Code"), cell("Contraste")),
            row(cell("admin"), cell(PASSWORD), cell("blanc", style="white"), cell("1234", style="blank"),
                cell("lisible", style="whiteOnBlack"), hidden=True),
        ], hidden_columns=(2,)),
        worksheet("Bases", [row(cell(PASSWORD))], visible="SheetHidden"),
        worksheet("Macro", [row(cell(VNC_PASSWORD))], visible="SheetVeryHidden"),
        styles=STYLES)
    assert items_of(data) == [
        xrow("Visible", 1, ("A1", "Login"), ("B1", "Mot de passe"), ("C1", "Note"), ("D1", "Code"), ("E1", "Contraste"),
             cell_hidden={"B1": "hidden column B"}),
        xrow("Visible", 2, ("A2", "admin"), ("B2", PASSWORD), ("C2", "blanc"), ("D2", "1234"), ("E2", "lisible"),
             hidden="hidden row 2",
             cell_hidden={"B2": "hidden column B", "C2": "white text", "D2": "number format ';;;'"}),
        xrow("Bases", 1, ("A1", PASSWORD), hidden="hidden sheet 'Bases'"),
        xrow("Macro", 1, ("A1", VNC_PASSWORD), hidden="very hidden sheet 'Macro'"),
    ]


def test_comments_and_credential_hyperlinks():
    url = "ftp://backup:" + PASSWORD + "@10.0.0.5/"
    data = workbook(worksheet("S", [row(cell("serveur", comment=("J. Martin", f"mdp {PASSWORD}")),
                                        cell("lien", href=url), cell("site", href="https://example.org/"))]))
    assert segments(items_of(data)) == [
        Segment(text=f"J. Martin:\nmdp {PASSWORD}", location=Location(part="S", cell="A1", row=1, column=1),
                hidden="cell comment by J. Martin"),
        Segment(text=url, location=Location(part="S", cell="B1", row=1, column=2), hidden="hyperlink target"),
    ]


def test_named_constants_properties_and_page_header():
    data = workbook(
        worksheet("S", [row(cell("x"))], names={"pin": "=1234", "plage": "=S!R1C1"},
                  header=f'&L&"Arial,Gras"mdp {PASSWORD}&RPage &P'),
        names={"db_password": f'="{PASSWORD}"', "quoted": '="say ""hi"""', "zone": "=S!R1C1:R2C2"},
        properties={"Title": "Accès", "Keywords": f"mdp={PASSWORD}", "Created": "2020-01-01T00:00:00Z"},
        custom={"Mot_x0020_de_x0020_passe": VNC_PASSWORD})
    assert segments(items_of(data)) == [
        Segment(text="Title: Accès", location=Location(part="DocumentProperties"), hidden="document property 'Title'"),
        Segment(text=f"Keywords: mdp={PASSWORD}", location=Location(part="DocumentProperties"),
                hidden="document property 'Keywords'"),
        Segment(text=f"Mot de passe: {VNC_PASSWORD}", location=Location(part="CustomDocumentProperties"),
                hidden="custom document property 'Mot de passe'"),
        Segment(text=f"db_password: {PASSWORD}", location=Location(part="defined names"),
                hidden="defined name 'db_password'"),
        Segment(text='quoted: say "hi"', location=Location(part="defined names"), hidden="defined name 'quoted'"),
        Segment(text="pin: 1234", location=Location(part="S"), hidden="defined name 'pin'"),
        Segment(text=f"mdp {PASSWORD}\nPage", location=Location(part="S"), hidden="page header"),
    ]


# --- errors and limits ---------------------------------------------------------------------

def test_truncated_file_yields_the_rows_before_the_damage_then_raises():
    data = workbook(worksheet("S", [row(cell(f"ligne {n}")) for n in range(1, 200)]))
    cut = data[: data.index(b"ligne 150")]
    got = []
    with pytest.raises(ExtractError, match="malformed XML"):
        for item in extract(cut, Context()):
            got.append(item)
    assert got == [xrow("S", n, (f"A{n}", f"ligne {n}")) for n in range(1, 150)]


def test_entity_declarations_are_refused():
    data = (b'<?xml version="1.0"?><!DOCTYPE Workbook [<!ENTITY a "aaaaaaaaaa">]>'
            b'<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet><Table><Row><Cell>'
            b'<Data ss:Type="String" xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">&a;</Data>'
            b"</Cell></Row></Table></Worksheet></Workbook>")
    with pytest.raises(LimitExceeded, match="entities"):
        items_of(data)


def test_cell_limit_raises_limit_exceeded():
    data = workbook(worksheet("S", [row(cell("a"), cell("b"), cell("c"))] * 3))
    with pytest.raises(LimitExceeded, match="more than 5 cells"):
        items_of(data, Limits(max_cells=5))


def test_part_size_limit():
    with pytest.raises(LimitExceeded, match="limit 100"):
        items_of(workbook(worksheet("S", [row(cell("x"))])), Limits(max_part_size=100))


def test_huge_column_span_is_bounded():
    data = workbook(worksheet("S", ['<Column ss:Index="1" ss:Span="2000000000" ss:Hidden="1"/>'
                                    '<Row><Cell><Data ss:Type="String">x</Data></Cell></Row>']))
    assert items_of(data) == [xrow("S", 1, ("A1", "x"), cell_hidden={"A1": "hidden column A"})]


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2048), st.sampled_from([b"", b'<?xml version="1.0"?><Workbook xmlns="urn:schemas-'
                                                       b'microsoft-com:office:spreadsheet">']))
def test_random_bytes_raise_only_extract_error(noise, prefix):
    try:
        items_of(prefix + noise)
    except ExtractError:
        pass


_SAMPLE = workbook(worksheet("S", [row(cell("Mot de passe"), cell(PASSWORD, comment=("a", "b")))],
                             visible="SheetHidden"), styles=STYLES, names={"n": '="v"'})


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(min_value=0, max_value=len(_SAMPLE) - 1), st.integers(0, 255)),
                min_size=1, max_size=8))
def test_corrupted_files_raise_only_extract_error(changes):
    data = bytearray(_SAMPLE)
    for offset, value in changes:
        data[offset] = value
    try:
        items_of(bytes(data))
    except ExtractError:
        pass


def test_attributes_without_the_ss_prefix_are_understood():
    data = (b'<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">'
            b'<Worksheet Name="Acc\xc3\xa8s"><Table><Row Index="2"><Cell Index="3"><Data Type="String">'
            + PASSWORD.encode() + b"</Data></Cell></Row></Table></Worksheet></Workbook>")
    assert items_of(data) == [xrow("Accès", 2, ("C2", PASSWORD))]

from __future__ import annotations

import datetime
import io
import time
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl.comments import Comment
from openpyxl.packaging.custom import StringProperty
from openpyxl.styles import Font
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

from docsecrets.extract.context import Context
from docsecrets.extract.ooxml.sheets import date_text, header_footer_text, is_date_format, number_text
from docsecrets.extract.ooxml.xlsx import extract
from docsecrets.limits import Limits
from docsecrets.types import Cell, EncryptedError, ExtractError, LimitExceeded, Location, Member, Row, Segment
from tests.fixtures.xlsx_builders import (MAIN, corrupt_member, flag_encrypted, inline_row, make_xlsx,
                                          minimal_inline_xlsx, raw_xlsx, relationships, shared_strings, worksheet)

PASSWORD = "Azerty" + "12!"
TOKEN = "ghp_" + "A" * 36


def items_of(data: bytes, limits: Limits | None = None) -> list:
    ctx = Context.for_file("book.xlsx", limits) if limits else Context.for_file("book.xlsx")
    return list(extract(data, ctx))


def read(path) -> list:
    return items_of(path.read_bytes())


def is_property(item) -> bool:
    return isinstance(item, Segment) and (item.location.part or "").startswith("docProps/")


def body(items: list) -> list:
    """Everything but the document properties every openpyxl workbook carries."""
    return [item for item in items if not is_property(item)]


def rows(items: list) -> list[Row]:
    return [item for item in items if isinstance(item, Row)]


def segments(items: list, hidden_prefix: str = "") -> list[Segment]:
    return [item for item in items if isinstance(item, Segment) and not is_property(item)
            and (item.hidden or "").startswith(hidden_prefix)]


def loc_row(sheet: str, number: int) -> Location:
    return Location(part=sheet, row=number)


# --- cells and rows ------------------------------------------------------------------------


def test_table_values_come_out_as_typed(tmp_path):
    path = make_xlsx(tmp_path, {
        "Sheet1!A1": "Login", "Sheet1!B1": "Mot de passe", "Sheet1!C1": "PIN", "Sheet1!D1": "Taux",
        "Sheet1!E1": "Né le", "Sheet1!F1": "Vu", "Sheet1!G1": "Actif",
        "Sheet1!A2": "jmartin", "Sheet1!B2": PASSWORD, "Sheet1!C2": 19730512, "Sheet1!D2": 3.14,
        "Sheet1!E2": datetime.date(1973, 5, 12), "Sheet1!F2": datetime.datetime(2024, 3, 15, 10, 30),
        "Sheet1!G2": True, "Sheet1!B4": 123456.0,
    })
    assert rows(read(path)) == [
        Row(cells=(Cell(text="Login", column=1, ref="A1"), Cell(text="Mot de passe", column=2, ref="B1"),
                   Cell(text="PIN", column=3, ref="C1"), Cell(text="Taux", column=4, ref="D1"),
                   Cell(text="Né le", column=5, ref="E1"), Cell(text="Vu", column=6, ref="F1"),
                   Cell(text="Actif", column=7, ref="G1")),
            location=loc_row("Sheet1", 1), table="Sheet1"),
        Row(cells=(Cell(text="jmartin", column=1, ref="A2"), Cell(text=PASSWORD, column=2, ref="B2"),
                   Cell(text="19730512", column=3, ref="C2"), Cell(text="3.14", column=4, ref="D2"),
                   Cell(text="1973-05-12", column=5, ref="E2"), Cell(text="2024-03-15T10:30:00", column=6, ref="F2"),
                   Cell(text="TRUE", column=7, ref="G2")),
            location=loc_row("Sheet1", 2), table="Sheet1"),
        Row(cells=(Cell(text="123456", column=2, ref="B4"),), location=loc_row("Sheet1", 4), table="Sheet1"),
    ]


def test_minimal_inline_workbook_without_shared_strings_or_properties(tmp_path):
    path = minimal_inline_xlsx(tmp_path, {1: {"A": "Compte", "B": "Mot de passe"}, 2: {"A": "admin", "B": PASSWORD}})
    assert read(path) == [
        Row(cells=(Cell(text="Compte", column=1, ref="A1"), Cell(text="Mot de passe", column=2, ref="B1")),
            location=loc_row("Export", 1), table="Export"),
        Row(cells=(Cell(text="admin", column=1, ref="A2"), Cell(text=PASSWORD, column=2, ref="B2")),
            location=loc_row("Export", 2), table="Export"),
    ]


def test_shared_strings_rich_runs_are_joined_and_phonetics_dropped():
    sst = shared_strings(
        "<t>Mot de passe</t>",
        f"<r><t>{PASSWORD[:4]}</t></r><r><rPr><b/></rPr><t>{PASSWORD[4:]}</t></r>",
        "<t>東京</t><rPh sb=\"0\" eb=\"2\"><t>トウキョウ</t></rPh>",
        "<t>line one_x000D_\nline two</t>",
    )
    sheet = worksheet('<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
                      '<row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2" t="s"><v>3</v></c></row>')
    assert items_of(raw_xlsx({"Data": sheet}, sst=sst)) == [
        Row(cells=(Cell(text="Mot de passe", column=1, ref="A1"), Cell(text=PASSWORD, column=2, ref="B1")),
            location=loc_row("Data", 1), table="Data"),
        Row(cells=(Cell(text="東京", column=1, ref="A2"), Cell(text="line one\r\nline two", column=2, ref="B2")),
            location=loc_row("Data", 2), table="Data"),
    ]


def test_formula_string_result_error_cells_and_positions_without_refs():
    sheet = worksheet(
        '<row r="3"><c r="A3" t="str"><f>CONCAT("Azer","ty")</f><v>Azerty</v></c>'
        '<c r="B3" t="e"><v>#N/A</v></c><c t="b"><v>0</v></c><c><v>1.5E3</v></c></row>'
        '<row><c t="inlineStr"><is><t>next</t></is></c></row>')
    assert items_of(raw_xlsx({"Calc": sheet})) == [
        Row(cells=(Cell(text="Azerty", column=1, ref="A3"), Cell(text="FALSE", column=3, ref="C3"),
                   Cell(text="1500", column=4, ref="D3")),
            location=loc_row("Calc", 3), table="Calc"),
        Segment(text='=CONCAT("Azer","ty")', location=Location(part="Calc", cell="A3", row=3, column=1),
                hidden="cell formula"),
        Row(cells=(Cell(text="next", column=1, ref="A4"),), location=loc_row("Calc", 4), table="Calc"),
    ]


def test_formula_without_string_literal_is_not_a_segment(tmp_path):
    path = make_xlsx(tmp_path, {"Sheet1!A1": 2, "Sheet1!A2": "=A1*2"})
    assert body(read(path)) == [Row(cells=(Cell(text="2", column=1, ref="A1"),), location=loc_row("Sheet1", 1),
                              table="Sheet1")]


def test_dates_in_the_1904_system():
    styles = (f'<styleSheet xmlns="{MAIN}"><fonts count="1"><font/></fonts>'
              '<cellXfs count="2"><xf numFmtId="0" fontId="0"/><xf numFmtId="14" fontId="0"/></cellXfs></styleSheet>')
    sheet = worksheet('<row r="1"><c r="A1" s="1"><v>0</v></c><c r="B1" s="1"><v>25568</v></c></row>')
    data = raw_xlsx({"S": sheet}, styles=styles, workbook_pr='<workbookPr date1904="1"/>')
    assert rows(items_of(data))[0].cells == (Cell(text="1904-01-01", column=1, ref="A1"),
                                             Cell(text="1974-01-01", column=2, ref="B1"))


@pytest.mark.parametrize(("raw", "expected"), [
    ("19730512", "19730512"), ("3.14", "3.14"), ("123456.0", "123456"), ("1E+3", "1000"),
    ("0.1", "0.1"), ("-42", "-42"), ("12345678901234567890", "12345678901234567890"),
    ("1.5E+20", "1.5e+20"), ("not a number", "not a number"),
])
def test_number_text(raw, expected):
    assert number_text(raw) == expected


@pytest.mark.parametrize(("serial", "expected"), [
    ("1", "1900-01-01"), ("59", "1900-02-28"), ("61", "1900-03-01"), ("26796", "1973-05-12"),
    ("45366.4375", "2024-03-15T10:30:00"), ("0.75", "18:00:00"), ("-1", None), ("3000000", None),
    ("2958465.9999999", None), ("nan", None), ("inf", None),
])
def test_date_text(serial, expected):
    assert date_text(serial, date1904=False) == expected


@pytest.mark.parametrize(("code", "is_date"), [
    ("yyyy-mm-dd", True), ("dd/mm/yyyy hh:mm", True), ("[h]:mm:ss", True), ("[$-40C]d mmmm yyyy", True),
    ("0.00", False), ("#,##0 \"days\"", False), ("[Red]0.00", False), ("General", False), ("0.00E+00", False),
    ("@", False),
])
def test_is_date_format(code, is_date):
    assert is_date_format(code) is is_date


# --- hidden places -------------------------------------------------------------------------


def test_hidden_and_very_hidden_sheets(tmp_path):
    def configure(wb):
        wb["Bases"].sheet_state = "hidden"
        wb["X"].sheet_state = "veryHidden"

    path = make_xlsx(tmp_path, {"Sheet1!A1": "visible", "Bases!B2": PASSWORD, "X!C3": TOKEN}, configure=configure)
    assert rows(read(path)) == [
        Row(cells=(Cell(text="visible", column=1, ref="A1"),), location=loc_row("Sheet1", 1), table="Sheet1"),
        Row(cells=(Cell(text=PASSWORD, column=2, ref="B2"),), location=loc_row("Bases", 2), table="Bases",
            hidden="hidden sheet 'Bases'"),
        Row(cells=(Cell(text=TOKEN, column=3, ref="C3"),), location=loc_row("X", 3), table="X",
            hidden="very hidden sheet 'X'"),
    ]


def test_hidden_row_and_sheet_state_wins(tmp_path):
    def configure(wb):
        wb["Sheet1"].row_dimensions[14].hidden = True
        wb["Cache"].row_dimensions[2].hidden = True
        wb["Cache"].sheet_state = "hidden"

    path = make_xlsx(tmp_path, {"Sheet1!A13": "shown", "Sheet1!E14": PASSWORD, "Cache!A2": "x"}, configure=configure)
    assert [(r.location, r.hidden) for r in rows(read(path))] == [
        (loc_row("Sheet1", 13), None), (loc_row("Sheet1", 14), "hidden row 14"),
        (loc_row("Cache", 2), "hidden sheet 'Cache'")]


def test_hidden_column(tmp_path):
    def configure(wb):
        wb["Sheet1"].column_dimensions["E"].hidden = True

    path = make_xlsx(tmp_path, {"Sheet1!D1": "Login", "Sheet1!E1": "Mot de passe", "Sheet1!E2": PASSWORD,
                                "Sheet1!F2": "after"}, configure=configure)
    assert [r.cells for r in rows(read(path))] == [
        (Cell(text="Login", column=4, ref="D1"),
         Cell(text="Mot de passe", column=5, ref="E1", hidden="hidden column E")),
        (Cell(text=PASSWORD, column=5, ref="E2", hidden="hidden column E"), Cell(text="after", column=6, ref="F2")),
    ]


def test_overlapping_hidden_column_spans():
    cols = ('<cols><col min="2" max="10" hidden="1"/><col min="3" max="4" hidden="1"/>'
            '<col min="12" max="12" hidden="0"/></cols>')
    sheet = worksheet(inline_row(1, {"A": "a", "B": "b", "J": "j", "K": "k", "L": "l"}), before=cols)
    assert [c.hidden for c in rows(items_of(raw_xlsx({"S": sheet})))[0].cells] == [
        None, "hidden column B", "hidden column J", None, None]


def test_white_font_and_white_rich_text(tmp_path):
    def configure(wb):
        wb["Sheet1"]["H30"].font = Font(color="FFFFFF")

    path = make_xlsx(tmp_path, {"Sheet1!A1": "Budget", "Sheet1!H30": PASSWORD}, configure=configure)
    assert rows(read(path))[1].cells == (Cell(text=PASSWORD, column=8, ref="H30", hidden="white text"),)

    sst = shared_strings(f'<r><rPr><color rgb="FFFFFFFF"/></rPr><t>{PASSWORD}</t></r>',
                         '<r><rPr><color rgb="FFFFFFFF"/></rPr><t>half</t></r><r><t> shown</t></r>')
    sheet = worksheet('<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>')
    assert rows(items_of(raw_xlsx({"S": sheet}, sst=sst)))[0].cells == (
        Cell(text=PASSWORD, column=1, ref="A1", hidden="white text"), Cell(text="half shown", column=2, ref="B1"))


def test_number_format_that_shows_nothing():
    styles = (f'<styleSheet xmlns="{MAIN}"><numFmts count="1"><numFmt numFmtId="164" formatCode=";;;"/></numFmts>'
              '<fonts count="1"><font/></fonts><cellXfs count="2"><xf numFmtId="0" fontId="0"/>'
              '<xf numFmtId="164" fontId="0"/></cellXfs></styleSheet>')
    sheet = worksheet('<row r="1"><c r="A1" s="1"><v>19730512</v></c></row>')
    assert rows(items_of(raw_xlsx({"S": sheet}, styles=styles)))[0].cells == (
        Cell(text="19730512", column=1, ref="A1", hidden="number format ';;;'"),)


def test_cell_comment_with_author(tmp_path):
    def configure(wb):
        wb["Inventaire"]["B4"].comment = Comment(f"mdp admin : {PASSWORD}", "J. Martin")

    path = make_xlsx(tmp_path, {"Inventaire!B4": "srv-01"}, configure=configure)
    assert segments(read(path)) == [Segment(text=f"mdp admin : {PASSWORD}",
                                            location=Location(part="Inventaire", cell="B4"),
                                            hidden="cell comment by J. Martin")]


def test_threaded_comments_replace_their_legacy_copies():
    persons = ('<personList xmlns="http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments">'
               '<person displayName="Anne Roux" id="{P1}"/></personList>')
    threaded = ('<ThreadedComments xmlns="http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments">'
                '<threadedComment ref="C2" personId="{P1}" id="{T1}">'
                f'<text>code : {PASSWORD}</text></threadedComment>'
                '</ThreadedComments>')
    legacy = (f'<comments xmlns="{MAIN}"><authors><author>tc={{T1}}</author><author>Paul</author></authors>'
              '<commentList>'
              '<comment ref="C2" authorId="0"><text><t>[Threaded comment] copy</t></text></comment>'
              '<comment ref="D5" authorId="1"><text><r><rPr><b/></rPr><t>Paul:</t></r><r><t>\nnote</t></r></text>'
              '</comment></commentList></comments>')
    data = raw_xlsx(
        {"S": worksheet(inline_row(2, {"C": "x"}))},
        workbook_rels=(("rIdP", "http://schemas.microsoft.com/office/2017/10/relationships/person",
                        "persons/person.xml"),),
        sheet_rels={"S": relationships(
            ("rId1", "comments", "../comments1.xml"),
            ("rId2", "http://schemas.microsoft.com/office/2017/10/relationships/threadedComment",
             "/xl/threadedComments/threadedComment1.xml"))},
        parts={"xl/persons/person.xml": persons, "xl/threadedComments/threadedComment1.xml": threaded,
               "xl/comments1.xml": legacy})
    assert segments(items_of(data)) == [
        Segment(text="Paul:\nnote", location=Location(part="S", cell="D5"), hidden="cell comment by Paul"),
        Segment(text=f"code : {PASSWORD}", location=Location(part="S", cell="C2"), hidden="cell comment by Anne Roux"),
    ]


def test_defined_names(tmp_path):
    def configure(wb):
        wb.defined_names["MotDePasseBDD"] = DefinedName("MotDePasseBDD", attr_text=f'"{PASSWORD}"')
        wb.defined_names["Serveurs"] = DefinedName("Serveurs", attr_text="Sheet1!$A$1:$A$3")
        wb.defined_names["Quote"] = DefinedName("Quote", attr_text='"say ""hi"""')
        wb["Sheet1"].print_area = "A1:B2"

    path = make_xlsx(tmp_path, {"Sheet1!A1": "x"}, configure=configure)
    assert segments(read(path), "defined name") == [
        Segment(text=f"MotDePasseBDD: {PASSWORD}", location=Location(part="xl/workbook.xml"),
                hidden="defined name 'MotDePasseBDD'"),
        Segment(text="Serveurs: Sheet1!$A$1:$A$3", location=Location(part="xl/workbook.xml"),
                hidden="defined name 'Serveurs'"),
        Segment(text='Quote: say "hi"', location=Location(part="xl/workbook.xml"), hidden="defined name 'Quote'"),
    ]


def test_custom_document_property(tmp_path):
    def configure(wb):
        wb.custom_doc_props.append(StringProperty(name="MotDePasseBDD", value=PASSWORD))

    items = read(make_xlsx(tmp_path, {"Sheet1!A1": "x"}, configure=configure))
    assert Segment(text=f"MotDePasseBDD: {PASSWORD}", location=Location(part="docProps/custom.xml"),
                   hidden="custom document property 'MotDePasseBDD'") in items


def test_header_and_footer(tmp_path):
    def configure(wb):
        ws = wb["Sheet1"]
        ws.oddHeader.center.text = f"VPN {PASSWORD}"
        ws.oddHeader.center.font = "Arial,Bold"
        ws.oddHeader.center.size = 14
        ws.oddFooter.left.text = "Confidentiel"
        ws.oddFooter.right.text = "Page &P"

    assert segments(read(make_xlsx(tmp_path, {"Sheet1!A1": "x"}, configure=configure)), "page") == [
        Segment(text=f"VPN {PASSWORD}", location=Location(part="Sheet1"), hidden="page header"),
        Segment(text="Confidentiel Page", location=Location(part="Sheet1"), hidden="page footer"),
    ]


@pytest.mark.parametrize(("raw", "text"), [
    ('&L&"Arial,Bold"&12Login&RPwd && co', "Login Pwd & co"),
    ("&CR&D &T&K00FF00x&K01+033y", "R xy"),
    ("&CAT&T & Co", "AT & Co"),
    ("&L&P/&N", "/"),
])
def test_header_footer_codes(raw, text):
    assert header_footer_text(raw) == text


def test_data_validation_list_and_hyperlink(tmp_path):
    def configure(wb):
        ws = wb["Sheet1"]
        validation = DataValidation(type="list", formula1=f'"admin,{PASSWORD}"', prompt="Choisir", promptTitle="Compte")
        ws.add_data_validation(validation)
        validation.add("B2:B10")
        ws["A1"].hyperlink = f"https://user:{PASSWORD}@intranet.example/x"

    items = read(make_xlsx(tmp_path, {"Sheet1!A1": "lien"}, configure=configure))
    assert segments(items, "data validation") + segments(items, "hyperlink") == [
        Segment(text=f"admin,{PASSWORD}", location=Location(part="Sheet1", cell="B2"), hidden="data validation list"),
        Segment(text="Compte: Choisir", location=Location(part="Sheet1", cell="B2"), hidden="data validation message"),
        Segment(text=f"https://user:{PASSWORD}@intranet.example/x", location=Location(part="Sheet1", cell="A1"),
                hidden="hyperlink target"),
    ]


def test_text_box_drawn_over_the_sheet():
    anchor = ('<xdr:twoCellAnchor><xdr:from><xdr:col>3</xdr:col><xdr:row>9</xdr:row></xdr:from><xdr:sp>'
              '<xdr:nvSpPr><xdr:cNvPr id="2" name="TextBox 1"/></xdr:nvSpPr><xdr:txBody>'
              f'<a:p><a:r><a:t>Wifi :</a:t></a:r><a:r><a:t> {PASSWORD}</a:t></a:r></a:p>'
              '<a:p><a:r><a:t>second</a:t></a:r></a:p></xdr:txBody></xdr:sp></xdr:twoCellAnchor>')
    # Excel wraps newer shapes in mc:AlternateContent, the fallback repeating the choice.
    drawing = ('<xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" '
               'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
               'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">'
               f'<mc:AlternateContent><mc:Choice Requires="a14">{anchor}</mc:Choice>'
               f'<mc:Fallback>{anchor}</mc:Fallback></mc:AlternateContent></xdr:wsDr>')
    data = raw_xlsx({"S": worksheet("")},
                    sheet_rels={"S": relationships(("rId1", "drawing", "../drawings/drawing1.xml"))},
                    parts={"xl/drawings/drawing1.xml": drawing})
    assert items_of(data) == [Segment(text=f"Wifi : {PASSWORD}\nsecond", location=Location(part="S", cell="D10"))]


def test_data_connection_string():
    connections = (f'<connections xmlns="{MAIN}"><connection id="1" name="CRM" type="1">'
                   f'<dbPr connection="DSN=crm;UID=sa;PWD={PASSWORD}" command="SELECT 1"/></connection></connections>')
    data = raw_xlsx({"S": worksheet("")}, workbook_rels=(("rIdC", "connections", "connections.xml"),),
                    parts={"xl/connections.xml": connections})
    assert items_of(data) == [
        Segment(text=f"DSN=crm;UID=sa;PWD={PASSWORD}", location=Location(part="xl/connections.xml"),
                hidden="data connection 'CRM'"),
        Segment(text="SELECT 1", location=Location(part="xl/connections.xml"), hidden="data connection 'CRM'"),
    ]


def test_sheet_part_the_workbook_does_not_link():
    data = raw_xlsx({"S": worksheet(inline_row(1, {"A": "listed"}))},
                    parts={"xl/worksheets/sheet9.xml": worksheet(inline_row(2, {"B": PASSWORD}))})
    assert items_of(data) == [
        Row(cells=(Cell(text="listed", column=1, ref="A1"),), location=loc_row("S", 1), table="S"),
        Row(cells=(Cell(text=PASSWORD, column=2, ref="B2"),), location=loc_row("xl/worksheets/sheet9.xml", 2),
            table="xl/worksheets/sheet9.xml",
            hidden="sheet part 'xl/worksheets/sheet9.xml' not linked from the workbook"),
    ]


def test_embedded_objects_and_macros_are_members():
    data = raw_xlsx({"S": worksheet("")}, parts={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0vba",
                                                 "xl/embeddings/Microsoft_Excel_Worksheet1.xlsx": b"PK\x03\x04inner"})
    assert items_of(data) == [
        Member(name="xl/vbaProject.bin", data=b"\xd0\xcf\x11\xe0vba", hidden="VBA macro project"),
        Member(name="xl/embeddings/Microsoft_Excel_Worksheet1.xlsx", data=b"PK\x03\x04inner", hidden="embedded object"),
    ]


# --- size and shape ------------------------------------------------------------------------


def test_declared_dimension_is_ignored():
    sheet = worksheet('<row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c></row>'
                      '<row r="1048576"><c r="XFD1048576"><v>7</v></c></row>',
                      before='<dimension ref="A1:XFD1048576"/>')
    started = time.perf_counter()
    assert items_of(raw_xlsx({"S": sheet})) == [
        Row(cells=(Cell(text="a", column=1, ref="A1"),), location=loc_row("S", 1), table="S"),
        Row(cells=(Cell(text="7", column=16384, ref="XFD1048576"),), location=loc_row("S", 1048576), table="S"),
    ]
    assert time.perf_counter() - started < 1.0


def test_ten_thousand_rows():
    body = "".join(f'<row r="{n}"><c r="A{n}"><v>{n}</v></c><c r="C{n}" t="s"><v>{n % 2}</v></c></row>'
                   for n in range(1, 10_001))
    found = rows(items_of(raw_xlsx({"Big": worksheet(body)}, sst=shared_strings("<t>even</t>", "<t>odd</t>"))))
    assert len(found) == 10_000
    assert [r.location.row for r in found] == list(range(1, 10_001))
    assert found[-1] == Row(cells=(Cell(text="10000", column=1, ref="A10000"),
                                   Cell(text="even", column=3, ref="C10000")),
                            location=loc_row("Big", 10_000), table="Big")


def test_cell_limit():
    sheet = worksheet(inline_row(1, {c: "x" for c in "ABCDEF"}))
    with pytest.raises(LimitExceeded, match="more than 5 cells"):
        items_of(raw_xlsx({"S": sheet}), Limits(max_cells=5))


def test_a_sheet_bigger_than_a_whole_part_is_streamed_within_the_budget():
    sheet = worksheet(inline_row(1, {"A": "x" * 5000}) + inline_row(2, {"A": "mot de passe", "B": "Tulle" + "2012"}))
    rows = [i for i in items_of(raw_xlsx({"S": sheet}), Limits(max_part_size=2000)) if isinstance(i, Row)]
    assert [c.text for c in rows[-1].cells] == ["mot de passe", "Tulle" + "2012"]
    with pytest.raises(LimitExceeded, match="decompressed more than 0 MiB"):
        items_of(raw_xlsx({"S": sheet}), Limits(max_total_bytes=4000))


def test_a_shared_strings_table_is_kept_whole_so_it_must_fit_a_whole_part():
    strings = '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' + "<si><t>A</t></si>" * 500 + "</sst>"
    buffer = io.BytesIO()
    source = io.BytesIO(raw_xlsx({"S": worksheet(inline_row(1, {"A": "x"}))}))
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            out.writestr(info.filename, src.read(info.filename))
        out.writestr("xl/sharedStrings.xml", strings)
    with pytest.raises(LimitExceeded, match=r"'xl/sharedStrings.xml' declares 8,577 bytes uncompressed "
                                            r"\(limit 2,000 for a part read whole\)"):
        items_of(buffer.getvalue(), Limits(max_part_size=2000))


def test_a_bomb_is_told_by_its_ratio_over_a_window_not_its_declared_size():
    padding = '<c r="A1" s="1"/>' * 200_000  # an ordinary run of styled empty cells: a few 100x
    sheet = worksheet(f"<row r=\"1\">{padding}</row>" + inline_row(2, {"A": "x"}))
    assert any(isinstance(i, Row) for i in items_of(raw_xlsx({"S": sheet}), Limits(ratio_floor=1 << 20)))
    zeros = worksheet(f'<row r="1"><c r="A1" t="inlineStr"><is><t>{" " * (8 << 20)}</t></is></c></row>')
    with pytest.raises(LimitExceeded, match=r"sheet1.xml' inflates more than 1000x .* in one window"):
        items_of(raw_xlsx({"S": zeros}), Limits(ratio_floor=1 << 20))


# --- damage --------------------------------------------------------------------------------


def test_random_bytes_truncated_zip_and_missing_workbook(tmp_path):
    with pytest.raises(ExtractError, match="not a readable zip"):
        items_of(b"\x00garbage" * 50)
    data = minimal_inline_xlsx(tmp_path, {1: {"A": "x"}}).read_bytes()
    with pytest.raises(ExtractError):
        items_of(data[: len(data) // 2])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    with pytest.raises(ExtractError, match="no workbook part"):
        items_of(buffer.getvalue())
    future = bytearray(data)
    future[future.find(b"PK\x01\x02") + 6] = 0xFF  # "version needed to extract" zipfile refuses
    with pytest.raises(ExtractError, match="zip file version"):
        items_of(bytes(future))


def test_corrupt_sheet_yields_the_rest_then_names_the_part():
    data = raw_xlsx({"Good": worksheet(inline_row(1, {"A": PASSWORD})),
                     "Bad": worksheet("".join(inline_row(n, {"A": f"value {n * 7919 % 104729}"})
                                              for n in range(1, 400))),
                     "After": worksheet(inline_row(1, {"B": TOKEN}))})
    found: list = []
    named = r"sheet 'Bad' \(xl/worksheets/sheet2.xml\).*xl/worksheets/sheet2.xml"
    with pytest.raises(ExtractError, match=named) as error:
        found.extend(extract(corrupt_member(data, "xl/worksheets/sheet2.xml"), Context()))
    assert not isinstance(error.value, LimitExceeded)
    good = [r for r in found if r.table in ("Good", "After")]
    assert good == [Row(cells=(Cell(text=PASSWORD, column=1, ref="A1"),), location=loc_row("Good", 1), table="Good"),
                    Row(cells=(Cell(text=TOKEN, column=2, ref="B1"),), location=loc_row("After", 1), table="After")]


def test_malformed_sheet_xml_and_missing_shared_strings():
    data = raw_xlsx({"A": worksheet('<row r="1"><c r="A1" t="s"><v>5</v></c><c r="B1"><v>1</v></c></row>'),
                     "B": "<worksheet><sheetData><row>"})
    with pytest.raises(ExtractError) as error:
        items_of(data)
    assert "sheet 'B' (xl/worksheets/sheet2.xml): malformed XML" in str(error.value)
    assert "1 cells point past the shared strings table" in str(error.value)


def test_encrypted_member():
    data = flag_encrypted(raw_xlsx({"S": worksheet(inline_row(1, {"A": "x"}))}), "xl/worksheets/sheet1.xml")
    with pytest.raises(EncryptedError):
        items_of(data)


def test_entity_declarations_are_refused():
    bomb = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><worksheet><sheetData/></worksheet>'
    with pytest.raises(LimitExceeded, match="entities"):
        items_of(raw_xlsx({"S": bomb}))


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000))
def test_random_bytes_raise_only_extract_error(data):
    try:
        items_of(data)
    except ExtractError:
        pass


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_damaged_package_raises_only_extract_error(draw):
    data = bytearray(raw_xlsx({"S": worksheet(inline_row(1, {"A": PASSWORD, "B": "x"}))},
                              sst=shared_strings("<t>a</t>")))
    for _ in range(draw.draw(st.integers(1, 5))):
        position = draw.draw(st.integers(0, len(data) - 1))
        data[position] = draw.draw(st.integers(0, 255))
    try:
        items_of(bytes(data))
    except ExtractError:
        pass


def test_cells_built_by_the_reader_equal_constructed_ones_and_stay_frozen(tmp_path):
    import dataclasses

    path = minimal_inline_xlsx(tmp_path, {1: {"A": "login", "C": PASSWORD}})
    (row,) = rows(read(path))
    expected = (Cell(text="login", column=1, ref="A1"), Cell(text=PASSWORD, column=3, ref="C1"))
    assert row.cells == expected and hash(row.cells) == hash(expected)
    assert [repr(cell) for cell in row.cells] == [repr(cell) for cell in expected]
    with pytest.raises(dataclasses.FrozenInstanceError):
        row.cells[0].text = "x"  # type: ignore[misc]

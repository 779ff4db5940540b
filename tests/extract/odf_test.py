from __future__ import annotations

import io
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from docsecrets.extract.context import Context
from docsecrets.extract.odf.reader import extract
from docsecrets.limits import Limits
from docsecrets.types import Cell, EncryptedError, ExtractError, LimitExceeded, Location, Member, Row, Segment
from tests.fixtures.odf_builders import (content_xml, flat_bytes, meta_xml, odf_bytes, odfpy_spreadsheet,
                                         styles_xml)

PASSWORD = "Azerty" + "12!"
TOKEN = "ghp_" + "A" * 36


def run(data: bytes, name: str = "doc.ods", **limits: int) -> list[object]:
    return list(extract(data, Context.for_file(name, Limits(**limits))))


def rows(items: list[object]) -> list[Row]:
    return [i for i in items if isinstance(i, Row)]


def segments(items: list[object]) -> list[Segment]:
    return [i for i in items if isinstance(i, Segment)]


def cell(text: str) -> str:
    return f'<table:table-cell office:value-type="string"><text:p>{text}</text:p></table:table-cell>'


def row(*texts: str, attrs: str = "") -> str:
    return f"<table:table-row {attrs}>" + "".join(cell(t) for t in texts) + "</table:table-row>"


def sheet(name: str, body: str, attrs: str = "") -> str:
    return f'<table:table table:name="{name}" {attrs}>{body}</table:table>'


def ods(body: str, **kwargs: object) -> list[object]:
    return run(odf_bytes("spreadsheet", body, **kwargs))  # type: ignore[arg-type]


# ----------------------------------------------------------------------------- spreadsheets

def test_ods_header_and_values_become_rows():
    items = ods(sheet("Comptes", row("Utilisateur", "Mot de passe") + row("jdupont", PASSWORD)))
    assert items == [
        Row(cells=(Cell(text="Utilisateur", column=1, ref="A1"), Cell(text="Mot de passe", column=2, ref="B1")),
            location=Location(part="Comptes", row=1), table="Comptes"),
        Row(cells=(Cell(text="jdupont", column=1, ref="A2"), Cell(text=PASSWORD, column=2, ref="B2")),
            location=Location(part="Comptes", row=2), table="Comptes"),
    ]


def test_cell_text_joins_paragraphs_spans_and_spaces():
    body = sheet("S", '<table:table-row><table:table-cell><text:p>Mot de passe :<text:s text:c="2"/>'
                      '<text:span>Azerty</text:span>12!</text:p><text:p>ligne<text:tab/>2<text:line-break/>fin'
                      '</text:p></table:table-cell></table:table-row>')
    assert rows(ods(body))[0].cells == (Cell(text="Mot de passe :  Azerty12!\nligne\t2\nfin", column=1, ref="A1"),)


def test_odfpy_number_cells_read_as_typed(tmp_path):
    path = odfpy_spreadsheet(tmp_path, [["PIN", 123456, 3.14, True]])
    [only] = rows(run(path.read_bytes()))
    assert [c.text for c in only.cells] == ["PIN", "123456", "3.14", "TRUE"]
    assert [c.ref for c in only.cells] == ["A1", "B1", "C1", "D1"]


def test_displayed_text_wins_over_office_value_and_dates_are_iso():
    body = sheet("S", '<table:table-row>'
                      '<table:table-cell office:value-type="float" office:value="0.5"><text:p>50 %</text:p>'
                      '</table:table-cell>'
                      '<table:table-cell office:value-type="date" office:date-value="2024-03-01"/>'
                      '<table:table-cell office:value-type="float" office:value="1E+20"/>'
                      '</table:table-row>')
    assert [c.text for c in rows(ods(body))[0].cells] == ["50 %", "2024-03-01", "1e+20"]


def test_repeated_empty_rows_and_cells_only_advance_counters():
    body = sheet("S", row("avant")
                 + '<table:table-row table:number-rows-repeated="1048000">'
                   '<table:table-cell table:number-columns-repeated="16384"/></table:table-row>'
                 + '<table:table-row><table:table-cell table:number-columns-repeated="3"/>'
                 + cell(PASSWORD) + "</table:table-row>")
    assert rows(ods(body)) == [
        Row(cells=(Cell(text="avant", column=1, ref="A1"),), location=Location(part="S", row=1), table="S"),
        Row(cells=(Cell(text=PASSWORD, column=4, ref="D1048002"),), location=Location(part="S", row=1048002),
            table="S"),
    ]


def test_repeated_non_empty_cells_and_rows_are_capped():
    repeated_cell = ('<table:table-cell table:number-columns-repeated="5000" office:value-type="string">'
                     '<text:p>x</text:p></table:table-cell>')
    body = sheet("S", f'<table:table-row table:number-rows-repeated="100000">{repeated_cell}</table:table-row>'
                 + row("after"))
    found = rows(ods(body))
    assert len(found) == 101
    assert len(found[0].cells) == 100
    assert found[99].location == Location(part="S", row=100)
    assert found[100] == Row(cells=(Cell(text="after", column=1, ref="A100001"),),
                             location=Location(part="S", row=100001), table="S")


def test_hidden_sheet_through_automatic_style():
    styles = ('<style:style style:name="ta2" style:family="table">'
              '<style:table-properties table:display="false"/></style:style>')
    items = ods(sheet("Visible", row("a")) + sheet("Bases", row(PASSWORD), 'table:style-name="ta2"'),
                automatic_styles=styles)
    assert [(r.table, r.hidden) for r in rows(items)] == [("Visible", None), ("Bases", "hidden sheet 'Bases'")]


def test_hidden_sheet_through_styles_xml_parent_style():
    common = ('<style:style style:name="Cachee" style:family="table">'
              '<style:table-properties table:display="false"/></style:style>')
    automatic = '<style:style style:name="ta1" style:family="table" style:parent-style-name="Cachee"/>'
    items = ods(sheet("X", row(PASSWORD), 'table:style-name="ta1"'), automatic_styles=automatic,
                styles=styles_xml(styles=common))
    assert [r.hidden for r in rows(items)] == ["hidden sheet 'X'"]


def test_hidden_rows_collapsed_or_filtered():
    body = sheet("S", row("a") + row(PASSWORD, attrs='table:visibility="collapse"')
                 + row(TOKEN, attrs='table:visibility="filter"'))
    assert [(r.location.row, r.hidden) for r in rows(ods(body))] == [
        (1, None), (2, "hidden row 2"), (3, "hidden row 3")]


def test_hidden_columns_with_repeats():
    columns = ('<table:table-column table:number-columns-repeated="2"/>'
               '<table:table-column table:number-columns-repeated="2" table:visibility="collapse"/>'
               '<table:table-column/>')
    [only] = rows(ods(sheet("S", columns + row("a", "b", "c", PASSWORD, "e"))))
    assert [(c.ref, c.hidden) for c in only.cells] == [
        ("A1", None), ("B1", None), ("C1", "hidden column C"), ("D1", "hidden column D"), ("E1", None)]


def test_cell_annotation_is_a_separate_hidden_segment():
    body = sheet("S", '<table:table-row>' + cell("login") + '<table:table-cell office:value-type="string">'
                      '<office:annotation><dc:creator>J. Martin</dc:creator><dc:date>2024-01-01T00:00:00</dc:date>'
                      f'<text:p>mdp : {PASSWORD}</text:p></office:annotation><text:p>valeur</text:p>'
                      '</table:table-cell></table:table-row>')
    items = ods(body)
    assert items == [
        Segment(text=f"mdp : {PASSWORD}", location=Location(part="S", cell="B1", row=1, column=2),
                hidden="cell comment by J. Martin"),
        Row(cells=(Cell(text="login", column=1, ref="A1"), Cell(text="valeur", column=2, ref="B1")),
            location=Location(part="S", row=1), table="S"),
    ]


def test_named_expression_with_literal_value():
    body = (sheet("S", row("a")) + '<table:named-expressions>'
            '<table:named-range table:name="Zone" table:cell-range-address="$S.$A$1"/>'
            f'<table:named-expression table:name="DB_PASS" table:expression="of:=&quot;{PASSWORD}&quot;"/>'
            '<table:named-expression table:name="Calc" table:expression="of:=[.A1]*2"/>'
            '</table:named-expressions>')
    assert segments(ods(body)) == [Segment(text=f"DB_PASS: {PASSWORD}", location=Location(part="named expressions"),
                                           hidden="named expression 'DB_PASS'")]


def test_white_cell_text_and_covered_cells():
    styles = ('<style:style style:name="ce1" style:family="table-cell">'
              '<style:text-properties fo:color="#FFFFFF"/></style:style>')
    body = sheet("S", '<table:table-row><table:table-cell table:style-name="ce1" office:value-type="string">'
                      f'<text:p>{PASSWORD}</text:p></table:table-cell><table:covered-table-cell '
                      f'office:value-type="string"><text:p>{TOKEN}</text:p></table:covered-table-cell>'
                      '</table:table-row>')
    [only] = rows(ods(body, automatic_styles=styles))
    assert [(c.text, c.hidden) for c in only.cells] == [(PASSWORD, "white text"),
                                                        (TOKEN, "covered by a merged cell")]


def test_sheet_text_box_form_and_local_names():
    shapes = ('<table:shapes><draw:frame><draw:text-box><text:p>Wi-Fi</text:p><text:p>'
              f'{PASSWORD}</text:p></draw:text-box></draw:frame></table:shapes>')
    forms = f'<office:forms><form:form><form:text form:name="cle" form:value="{TOKEN}"/></form:form></office:forms>'
    names = ('<table:named-expressions><table:named-expression table:name="pw" '
             f'table:expression="of:=&quot;{PASSWORD}&quot;"/></table:named-expressions>')
    items = ods(sheet("S", forms + shapes + '<table:table-row-group>' + row("a") + '</table:table-row-group>' + names))
    assert items == [
        Segment(text=f"cle: {TOKEN}", location=Location(part="forms"), hidden="form field 'cle'"),
        Segment(text=f"Wi-Fi\n{PASSWORD}", location=Location(part="S"), hidden="text box"),
        Row(cells=(Cell(text="a", column=1, ref="A1"),), location=Location(part="S", row=1), table="S"),
        Segment(text=f"pw: {PASSWORD}", location=Location(part="named expressions"), hidden="named expression 'pw'"),
    ]


def test_header_footer_of_spreadsheet_master_page():
    master = ('<style:master-page style:name="Default"><style:header><style:region-left>'
              f'<text:p>admin / {PASSWORD}</text:p></style:region-left></style:header></style:master-page>')
    items = ods(sheet("S", row("a")), styles=styles_xml(master_styles=master))
    assert items[0] == Segment(text=f"admin / {PASSWORD}", location=Location(part="header", line=1),
                               hidden="page header")


def test_cell_limit():
    body = sheet("S", "".join(row("a", "b") for _ in range(10)))
    with pytest.raises(LimitExceeded):
        run(odf_bytes("spreadsheet", body), max_cells=5)


def test_large_spreadsheet_is_streamed():
    body = sheet("S", "".join(row(f"user{i}", f"pw{i}") for i in range(20000)))
    found = rows(ods(body))
    assert len(found) == 20000
    assert found[-1].cells[1] == Cell(text="pw19999", column=2, ref="B20000")


# ----------------------------------------------------------------------------- text documents

def odt(body: str, **kwargs: object) -> list[object]:
    return run(odf_bytes("text", body, **kwargs), "doc.odt")  # type: ignore[arg-type]


def body_segment(text: str, line: int, hidden: str | None = None) -> Segment:
    return Segment(text=text, location=Location(part="body", line=line), hidden=hidden)


def test_odt_paragraphs_headings_and_lists_in_order():
    body = ('<text:sequence-decls/><text:h text:outline-level="1">Accès</text:h>'
            '<text:p>Mot de passe : <text:span text:style-name="T1">Azerty</text:span>'
            '<text:span>12!</text:span></text:p><text:p/>'
            '<text:list><text:list-item><text:p>premier</text:p></text:list-item>'
            '<text:list-item><text:list><text:list-item><text:p>imbriqué</text:p></text:list-item></text:list>'
            '</text:list-item></text:list>'
            '<text:section text:name="S1"><text:p>dans une section</text:p></text:section>')
    assert odt(body) == [
        body_segment("Accès", 1), body_segment(f"Mot de passe : {PASSWORD}", 2), body_segment("premier", 4),
        body_segment("imbriqué", 5), body_segment("dans une section", 6)]


def test_odt_table_rows():
    table = ('<table:table table:name="Comptes"><table:table-column table:number-columns-repeated="2"/>'
             '<table:table-header-rows>' + row("Compte", "Mot de passe") + '</table:table-header-rows>'
             + row("admin", PASSWORD) + '</table:table><text:p>après</text:p>')
    assert odt(table) == [
        Row(cells=(Cell(text="Compte", column=1, ref="A1"), Cell(text="Mot de passe", column=2, ref="B1")),
            location=Location(part="Comptes", row=1), table="Comptes"),
        Row(cells=(Cell(text="admin", column=1, ref="A2"), Cell(text=PASSWORD, column=2, ref="B2")),
            location=Location(part="Comptes", row=2), table="Comptes"),
        body_segment("après", 1),
    ]


def test_odt_unnamed_tables_are_numbered():
    table = '<table:table>' + row("x") + '</table:table>'
    assert [r.table for r in rows(odt(table + table))] == ["table 1", "table 2"]


def test_odt_hidden_text_kinds():
    styles = ('<style:style style:name="T1" style:family="text"><style:text-properties fo:color="#ffffff"/>'
              '</style:style><style:style style:name="T2" style:family="text">'
              '<style:text-properties text:display="none"/></style:style>'
              '<style:style style:name="T3" style:family="text"><style:text-properties fo:color="#ffffff" '
              'fo:background-color="#000000"/></style:style>')
    body = (f'<text:p>Mot de passe : <text:span text:style-name="T1">{PASSWORD}</text:span></text:p>'
            f'<text:p>jeton <text:span text:style-name="T2">{TOKEN}</text:span></text:p>'
            f'<text:p>visible <text:span text:style-name="T3">blanc sur noir</text:span></text:p>'
            f'<text:p><text:hidden-paragraph text:condition="ooow:1" text:is-hidden="true"/>cachée</text:p>'
            f'<text:p>champ <text:hidden-text text:condition="ooow:1" text:string-value="{PASSWORD}" '
            f'text:is-hidden="true"/></text:p>'
            f'<text:section text:name="Secret" text:display="none"><text:p>{TOKEN}</text:p></text:section>')
    assert odt(body, automatic_styles=styles) == [
        body_segment(f"Mot de passe : {PASSWORD}", 1, "white text"),
        body_segment(f"jeton {TOKEN}", 2, "hidden text (text:display)"),
        body_segment("visible blanc sur noir", 3),
        body_segment("cachée", 4, "hidden paragraph"),
        body_segment("champ ", 5),
        body_segment(PASSWORD, 5, "hidden text field"),
        body_segment(TOKEN, 6, "hidden section 'Secret'"),
    ]


def test_odt_annotation_footnote_text_box_and_link():
    body = ('<text:p>Voir<office:annotation><dc:creator>J. Martin</dc:creator>'
            f'<text:p>mdp {PASSWORD}</text:p></office:annotation> ici<text:note text:note-class="footnote">'
            '<text:note-citation>1</text:note-citation><text:note-body><text:p>note secrète</text:p>'
            '</text:note-body></text:note></text:p>'
            '<text:p><draw:frame draw:name="Cadre"><svg:title>titre alt</svg:title><draw:text-box>'
            f'<text:p>Mot de passe :</text:p><text:p>{PASSWORD}</text:p></draw:text-box></draw:frame></text:p>'
            f'<text:p><text:a xlink:href="https://u:{PASSWORD}@example.org/">le portail</text:a></text:p>')
    assert odt(body) == [
        body_segment("Voir ici", 1),
        body_segment(f"mdp {PASSWORD}", 1, "comment by J. Martin"),
        body_segment("note secrète", 1, "footnote"),
        body_segment("titre alt", 2, "alt text"),
        body_segment(f"Mot de passe :\n{PASSWORD}", 2, "text box"),
        body_segment("le portail", 3),
        body_segment(f"https://u:{PASSWORD}@example.org/", 3, "hyperlink target"),
    ]


def test_odt_tracked_deletion():
    body = ('<text:tracked-changes><text:changed-region text:id="ct1"><text:deletion><office:change-info>'
            '<dc:creator>J. Martin</dc:creator><dc:date>2024-01-01T10:00:00</dc:date></office:change-info>'
            f'<text:p>ancien mot de passe : {PASSWORD}</text:p></text:deletion></text:changed-region>'
            '</text:tracked-changes><text:p>Texte<text:change text:change-id="ct1"/> final</text:p>')
    assert odt(body) == [
        Segment(text=f"ancien mot de passe : {PASSWORD}", location=Location(part="tracked changes"),
                hidden="tracked deletion by J. Martin"),
        body_segment("Texte final", 1),
    ]


def test_odt_header_and_footer_from_styles():
    master = ('<style:master-page style:name="Standard"><style:header><text:p>Wi-Fi : '
              f'{PASSWORD}</text:p></style:header><style:footer><text:p>Page <text:page-number>1'
              '</text:page-number></text:p></style:footer></style:master-page>')
    items = odt("<text:p>corps</text:p>", styles=styles_xml(master_styles=master))
    assert items == [
        Segment(text=f"Wi-Fi : {PASSWORD}", location=Location(part="header", line=1), hidden="page header"),
        Segment(text="Page 1", location=Location(part="footer", line=1), hidden="page footer"),
        body_segment("corps", 1),
    ]


def test_odt_user_fields_and_form_values():
    body = ('<text:user-field-decls><text:user-field-decl office:value-type="string" '
            f'text:name="motdepasse" office:string-value="{PASSWORD}"/></text:user-field-decls>'
            '<office:forms><form:form form:name="F"><form:password form:name="pw" '
            f'form:current-value="{PASSWORD}"/></form:form></office:forms>')
    assert odt(body) == [
        Segment(text=f"motdepasse: {PASSWORD}", location=Location(part="user fields"),
                hidden="user field 'motdepasse'"),
        Segment(text=f"pw: {PASSWORD}", location=Location(part="forms"), hidden="form field 'pw'"),
    ]


def test_meta_properties():
    meta = meta_xml(f'<dc:title>Accès</dc:title><meta:keyword>vpn</meta:keyword><meta:keyword>{PASSWORD}'
                    '</meta:keyword><meta:user-defined meta:name="Jeton" meta:value-type="string">'
                    f'{TOKEN}</meta:user-defined><meta:generator>LibreOffice</meta:generator>')
    assert odt("", meta=meta) == [
        Segment(text="title: Accès", location=Location(part="meta.xml"), hidden="document property 'title'"),
        Segment(text=f"Jeton: {TOKEN}", location=Location(part="meta.xml"), hidden="document property 'Jeton'"),
        Segment(text=f"keywords: vpn, {PASSWORD}", location=Location(part="meta.xml"),
                hidden="document property 'keywords'"),
    ]


def test_embedded_object_and_macro_and_ole_member():
    sub = content_xml("spreadsheet", sheet("Feuille1", row("mdp", PASSWORD)))
    macro = ('<?xml version="1.0" encoding="UTF-8"?><script:module xmlns:script='
             '"http://openoffice.org/2000/script" script:name="Module1" script:language="StarBasic">'
             f'Sub Main\n  pw = "{PASSWORD}"\nEnd Sub</script:module>')
    items = odt("<text:p>voir objet</text:p>", extra={
        "Object 1/content.xml": sub, "Object 1/settings.xml": "<x/>", "ObjectReplacements/Object 1": b"\x01",
        "Basic/Standard/Module1.xml": macro, "Basic/script-lc.xml": "<x/>", "Pictures/a.png": b"\x89PNG",
        "Object 2": b"\xd0\xcf\x11\xe0rest"})
    assert items == [
        body_segment("voir objet", 1),
        Row(cells=(Cell(text="mdp", column=1, ref="A1"), Cell(text=PASSWORD, column=2, ref="B1")),
            location=Location(part="Object 1/Feuille1", row=1), table="Object 1/Feuille1",
            hidden="embedded object"),
        Segment(text=f'Sub Main\n  pw = "{PASSWORD}"\nEnd Sub',
                location=Location(part="Basic/Standard/Module1.xml", line=1), hidden="macro module 'Standard/Module1'"),
        Member(name="Object 2", data=b"\xd0\xcf\x11\xe0rest", hidden="embedded object"),
    ]


# ----------------------------------------------------------------------------- presentations

def test_odp_slides_notes_hidden_slide_and_table():
    styles = ('<style:style style:name="dp2" style:family="drawing-page">'
              '<style:drawing-page-properties presentation:visibility="hidden"/></style:style>')
    frame = '<draw:frame><draw:text-box><text:p>{}</text:p></draw:text-box></draw:frame>'
    notes = '<presentation:notes><draw:page-thumbnail/>' + frame.format(f"mdp {PASSWORD}") + '</presentation:notes>'
    body = ('<draw:page draw:name="p1">' + frame.format("Titre") + notes
            + '<draw:custom-shape><text:p>forme</text:p></draw:custom-shape>'
              '<draw:frame presentation:placeholder="true" presentation:class="outline"/></draw:page>'
            + '<draw:page draw:name="p2" draw:style-name="dp2">' + frame.format(TOKEN)
            + '<draw:frame><table:table>' + row("login", PASSWORD) + '</table:table></draw:frame></draw:page>')
    items = run(odf_bytes("presentation", body, automatic_styles=styles), "doc.odp")
    slide1, slide2 = Location(part="slide 1", page=1), Location(part="slide 2", page=2)
    assert items == [
        Segment(text="Titre", location=slide1),
        Segment(text=f"mdp {PASSWORD}", location=slide1, hidden="speaker notes, slide 1"),
        Segment(text="forme", location=slide1),
        Segment(text=TOKEN, location=slide2, hidden="hidden slide 2"),
        Row(cells=(Cell(text="login", column=1, ref="A1"), Cell(text=PASSWORD, column=2, ref="B1")),
            location=Location(part="table 1", page=2, row=1), table="table 1", hidden="hidden slide 2"),
    ]


# ----------------------------------------------------------------------------- flat documents

def test_flat_spreadsheet_with_inline_styles_meta_and_macro():
    styles = ('<style:style style:name="ta1" style:family="table">'
              '<style:table-properties table:display="false"/></style:style>')
    scripts = ('<office:script script:language="ooo:Basic"><ooo:libraries><ooo:library-embedded ooo:name="Lib">'
               f'<ooo:module ooo:name="M"><ooo:source-code>pw = "{PASSWORD}"</ooo:source-code></ooo:module>'
               '</ooo:library-embedded></ooo:libraries></office:script>')
    data = flat_bytes("spreadsheet", sheet("Cachee", row("mdp", PASSWORD), 'table:style-name="ta1"'),
                      meta=f"<dc:subject>{TOKEN}</dc:subject>", automatic_styles=styles, scripts=scripts)
    assert run(data, "doc.fods") == [
        Segment(text=f"subject: {TOKEN}", location=Location(part="meta.xml"), hidden="document property 'subject'"),
        Segment(text=f'pw = "{PASSWORD}"', location=Location(part="Basic/Lib/M", line=1),
                hidden="macro module 'Lib/M'"),
        Row(cells=(Cell(text="mdp", column=1, ref="A1"), Cell(text=PASSWORD, column=2, ref="B1")),
            location=Location(part="Cachee", row=1), table="Cachee", hidden="hidden sheet 'Cachee'"),
    ]


def test_flat_text_with_inline_embedded_document():
    inner = ('<office:document office:mimetype="application/vnd.oasis.opendocument.spreadsheet">'
             f'<office:body><office:spreadsheet>{sheet("T", row(PASSWORD))}</office:spreadsheet></office:body>'
             '</office:document>')
    body = f'<text:p>avant<draw:frame><draw:object>{inner}</draw:object></draw:frame></text:p><text:p>après</text:p>'
    assert run(flat_bytes("text", body), "doc.fodt") == [
        body_segment("avant", 1),
        Row(cells=(Cell(text=PASSWORD, column=1, ref="A1"),), location=Location(part="Object 1/T", row=1),
            table="Object 1/T", hidden="embedded object"),
        body_segment("après", 2),
    ]


# ----------------------------------------------------------------------------- errors

def test_encrypted_manifest_raises_encrypted_error():
    with pytest.raises(EncryptedError):
        run(odf_bytes("text", "", encrypted=("content.xml", "styles.xml")), "doc.odt")


def test_truncated_package_raises_extract_error():
    data = odf_bytes("spreadsheet", sheet("S", "".join(row(f"v{i}") for i in range(2000))))
    with pytest.raises(ExtractError):
        run(data[: len(data) // 2])


def test_malformed_content_raises_after_what_was_read():
    data = odf_bytes("text", "<text:p>ok</text:p>")
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(buffer, "w") as dst:
        for info in src.infolist():
            payload = src.read(info)
            dst.writestr(info, payload.replace(b"</office:text>", b"") if info.filename == "content.xml" else payload)
    with pytest.raises(ExtractError, match="malformed XML"):
        run(buffer.getvalue(), "doc.odt")


def test_package_without_content_and_flat_without_body():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
    with pytest.raises(ExtractError, match="no content.xml"):
        run(buffer.getvalue(), "doc.odt")
    with pytest.raises(ExtractError):
        run(b'<?xml version="1.0"?><office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"/>',
            "doc.fodt")


def test_entity_declarations_are_refused():
    data = (b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa">]>'
            + flat_bytes("text", "<text:p>&a;</text:p>").split(b"?>", 1)[1])
    with pytest.raises(LimitExceeded):
        run(data, "doc.fodt")


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=512))
def test_random_bytes_raise_only_extract_error(data):
    for payload in (data, b"PK\x03\x04" + data, b"<?xml version='1.0'?>" + data):
        try:
            run(payload)
        except ExtractError:
            pass


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=0, max_value=3000))
def test_truncation_anywhere_raises_only_extract_error(cut):
    data = odf_bytes("text", "<text:p>un</text:p>" * 50, meta=meta_xml("<dc:title>t</dc:title>"))
    try:
        run(data[:cut], "doc.odt")
    except ExtractError:
        pass

"""The one OOXML package layer (ooxml/package.py) that docx, pptx, xlsx and xlsb read through:
forgiving part names (backslashes, %-escapes, case) and TargetMode compared case-insensitively."""

from __future__ import annotations

import io
import zipfile

import pytest

from docsecrets.extract.containers.zip import SafeZip
from docsecrets.extract.context import Context
from docsecrets.extract.ooxml.package import Package, Rel
from docsecrets.extract.ooxml.xlsx import extract
from docsecrets.types import ExtractError, Location, Row, Segment
from tests.fixtures.xlsx_builders import MAIN, REL, inline_row, raw_xlsx, relationships, worksheet

PASSWORD = "Azerty" + "12!"


def package(files: dict[str, str]) -> Package:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return Package(SafeZip(buffer.getvalue(), Context.for_file("p.zip")))


def test_backslash_member_names_and_targets_resolve():
    pkg = package({"xl\\worksheets\\Sheet1.xml": "<a/>",
                   "xl\\_rels\\workbook.xml.rels": relationships(("rId1", "worksheet", "worksheets\\sheet1.xml"))})
    assert pkg.find("/XL/worksheets/sheet1.xml") == "xl\\worksheets\\Sheet1.xml"
    assert pkg.rels("xl/workbook.xml") == {"rId1": Rel(type="worksheet", target="xl\\worksheets\\Sheet1.xml",
                                                       external=False)}


def test_percent_escaped_targets_resolve_and_a_literal_percent_name_still_does():
    pkg = package({"xl/worksheets/my sheet.xml": "<a/>", "xl/worksheets/100%25.xml": "<a/>",
                   "xl/_rels/workbook.xml.rels": relationships(("rId1", "worksheet", "worksheets/my%20sheet.xml"),
                                                               ("rId2", "worksheet", "/xl/worksheets/100%25.xml"))})
    assert pkg.find("xl/worksheets/my%20sheet.xml") == "xl/worksheets/my sheet.xml"
    assert {rid: rel.target for rid, rel in pkg.rels("xl/workbook.xml").items()} == {
        "rId1": "xl/worksheets/my sheet.xml", "rId2": "xl/worksheets/100%25.xml"}


@pytest.mark.parametrize("mode", ["External", "external", "EXTERNAL"])
def test_target_mode_external_in_any_case_keeps_the_url(mode):
    url = "https://intranet.example/a%20b?x=1#top"
    pkg = package({"xl/_rels/workbook.xml.rels": relationships(("rId1", "hyperlink", url, mode))})
    assert pkg.rels("xl/workbook.xml") == {"rId1": Rel(type="hyperlink", target=url, external=True)}


def test_a_malformed_part_is_named_in_the_error():
    pkg = package({"xl/styles.xml": "<styleSheet><unclosed></styleSheet>"})
    with pytest.raises(ExtractError, match=r"^xl/styles\.xml: malformed XML"):
        pkg.parse("xl/styles.xml")


@pytest.mark.parametrize("mode", ["External", "external"])
def test_xlsx_hyperlink_with_lowercase_target_mode_is_read(mode):
    url = f"https://admin:{PASSWORD}@intranet.example/"
    sheet = worksheet(inline_row(1, {"A": "lien"}), after='<hyperlinks><hyperlink ref="A1" r:id="rIdL"/></hyperlinks>')
    data = raw_xlsx({"Liens": sheet}, sheet_rels={"Liens": relationships(("rIdL", "hyperlink", url, mode))})
    items = list(extract(data, Context.for_file("book.xlsx")))
    assert [item for item in items if isinstance(item, Segment)] == [
        Segment(text=url, location=Location(part="Liens", cell="A1"), hidden="hyperlink target")]


def test_xlsx_sheet_named_by_a_backslash_and_percent_escaped_target_is_read():
    sheet = worksheet(inline_row(1, {"A": "mot de passe", "B": PASSWORD}))
    book = (f'<?xml version="1.0"?><workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>'
            '<sheet name="Comptes" sheetId="1" r:id="rIdX"/></sheets></workbook>')
    data = raw_xlsx({}, parts={"xl/workbook.xml": book, "xl\\worksheets\\mes comptes.xml": sheet,
                               "xl/_rels/workbook.xml.rels": relationships(
                                   ("rIdX", "worksheet", "worksheets\\mes%20comptes.xml"))})
    rows = [item for item in extract(data, Context.for_file("book.xlsx")) if isinstance(item, Row)]
    assert [(row.location, [cell.text for cell in row.cells], row.hidden) for row in rows] == [
        (Location(part="Comptes", row=1), ["mot de passe", PASSWORD], None)]

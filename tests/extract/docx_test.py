from __future__ import annotations

import io
import time
import zipfile

import pytest
from docx.enum.style import WD_STYLE_TYPE
from docx.shared import Inches, RGBColor
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from docsecrets.extract.context import Context
from docsecrets.extract.ooxml.docx import extract
from docsecrets.limits import Limits
from docsecrets.types import Cell, EncryptedError, ExtractError, LimitExceeded, Location, Member, Row, Segment
from tests.fixtures.docx_builders import (BILLION_LAUGHS, REL_HYPERLINK, add_relationship, docx_bytes,
                                          drawing_text_box, field_code, make_docx, paragraph, rewrite, run,
                                          set_zip_encrypted_flag, table, tracked_deletion, vml_text_box,
                                          xlsx_bytes)

PASSWORD = "Azer" + "ty12!"
TOKEN = "ghp_" + "A" * 36


def read(data: bytes, ctx: Context | None = None) -> list[object]:
    return list(extract(data, ctx or Context.for_file("fixture.docx")))


def body(items: list[object]) -> list[object]:
    """Items other than document properties."""
    return [i for i in items if not (isinstance(i, Segment) and (i.location.part or "").startswith("docProps/"))]


def at(part: str, line: int | None = None) -> Location:
    return Location(part=part, line=line)


def test_paragraph_split_across_three_runs_comes_out_whole(tmp_path):
    def build(document):
        document.add_paragraph("Accès au serveur")
        p = document.add_paragraph("Mot de passe : ")
        p.add_run(PASSWORD[:4]).bold = True
        p.add_run(PASSWORD[4:6]).italic = True
        p.add_run(PASSWORD[6:]).underline = True

    items = body(read(make_docx(tmp_path, build).read_bytes()))
    assert items == [
        Segment(text="Accès au serveur", location=at("body", 1)),
        Segment(text="Mot de passe : " + PASSWORD, location=at("body", 2)),
    ]


def test_tabs_breaks_and_hyphens_inside_a_paragraph(tmp_path):
    xml = paragraph(run("login"), "<w:r><w:tab/></w:r>", run("admin"), "<w:r><w:br/></w:r>", run("pass"),
                    "<w:r><w:noBreakHyphen/></w:r>", run("word"), '<w:r><w:sym w:char="F04A"/></w:r>')
    items = body(read(make_docx(tmp_path, body_xml=(xml,)).read_bytes()))
    assert items == [Segment(text="login\tadmin\npass-word", location=at("body", 1))]


def test_table_rows_with_header_and_no_duplicate_segments(tmp_path):
    def build(document):
        document.add_paragraph("Comptes")
        grid = document.add_table(rows=2, cols=2)
        grid.cell(0, 0).text, grid.cell(0, 1).text = "Identifiant", "Mot de passe"
        grid.cell(1, 0).text, grid.cell(1, 1).text = "admin", PASSWORD
        document.add_paragraph("Fin")

    items = body(read(make_docx(tmp_path, build).read_bytes()))
    assert items == [
        Segment(text="Comptes", location=at("body", 1)),
        Row(cells=(Cell(text="Identifiant", column=1), Cell(text="Mot de passe", column=2)),
            location=Location(part="table 1", row=1), table="table 1"),
        Row(cells=(Cell(text="admin", column=1), Cell(text=PASSWORD, column=2)),
            location=Location(part="table 1", row=2), table="table 1"),
        Segment(text="Fin", location=at("body", 2)),
    ]


def test_table_columns_follow_grid_span_and_skip_merged_continuations(tmp_path):
    xml = table([["Serveurs", "Mot de passe"], ["srv-db", PASSWORD], ["", "second"]],
                span_first=True, merged_continuation=(2, 0))
    items = body(read(make_docx(tmp_path, body_xml=(xml,)).read_bytes()))
    assert items == [
        Row(cells=(Cell(text="Serveurs", column=1), Cell(text="Mot de passe", column=3)),
            location=Location(part="table 1", row=1), table="table 1"),
        Row(cells=(Cell(text="srv-db", column=1), Cell(text=PASSWORD, column=2)),
            location=Location(part="table 1", row=2), table="table 1"),
        Row(cells=(Cell(text="second", column=2),), location=Location(part="table 1", row=3), table="table 1"),
    ]


def test_nested_table_gets_its_own_id_after_the_outer_row(tmp_path):
    inner = table([["mdp", PASSWORD]])
    outer = f"<w:tbl><w:tr><w:tc>{paragraph(run('Site A'))}</w:tc><w:tc>{inner}<w:p/></w:tc></w:tr></w:tbl>"
    items = body(read(make_docx(tmp_path, body_xml=(outer,)).read_bytes()))
    assert items == [
        Row(cells=(Cell(text="Site A", column=1),), location=Location(part="table 1", row=1), table="table 1"),
        Row(cells=(Cell(text="mdp", column=1), Cell(text=PASSWORD, column=2)),
            location=Location(part="table 2", row=1), table="table 2"),
    ]


def test_header_and_footer_are_hidden_places(tmp_path):
    def build(document):
        document.add_paragraph("Corps")
        document.sections[0].header.paragraphs[0].text = "admin / " + PASSWORD
        document.sections[0].footer.paragraphs[0].text = "Jeton : " + TOKEN

    items = body(read(make_docx(tmp_path, build).read_bytes()))
    assert items == [
        Segment(text="Corps", location=at("body", 1)),
        Segment(text="admin / " + PASSWORD, location=at("header", 1), hidden="page header"),
        Segment(text="Jeton : " + TOKEN, location=at("footer", 1), hidden="page footer"),
    ]


def test_comment_with_author_is_placed_at_its_anchor(tmp_path):
    def build(document):
        document.add_paragraph("Introduction")
        anchored = document.add_paragraph("Compte de supervision créé.")
        document.add_comment(anchored.runs, text="mot de passe provisoire : " + PASSWORD,
                             author="J. Martin", initials="JM")

    items = body(read(make_docx(tmp_path, build).read_bytes()))
    assert items == [
        Segment(text="Introduction", location=at("body", 1)),
        Segment(text="Compte de supervision créé.", location=at("body", 2)),
        Segment(text="mot de passe provisoire : " + PASSWORD, location=at("body", 2),
                hidden="comment by J. Martin"),
    ]


def test_tracked_deletion_is_kept_apart_from_the_paragraph(tmp_path):
    xml = tracked_deletion("Mot de passe : ", PASSWORD, "voir le coffre-fort", "J. Martin")
    items = body(read(make_docx(tmp_path, body_xml=(xml,)).read_bytes()))
    assert items == [
        Segment(text="Mot de passe : voir le coffre-fort", location=at("body", 1)),
        # read with the text before it, as the paragraph was before the change
        Segment(text="Mot de passe : " + PASSWORD, location=at("body", 1), hidden="tracked deletion by J. Martin"),
    ]


def test_vanished_runs_are_repeated_as_hidden_text(tmp_path):
    def build(document):
        p = document.add_paragraph("Compte géré par la DSI.")
        p.add_run(" (mdp : " + PASSWORD + ")").font.hidden = True
        document.add_paragraph().add_run("jeton " + TOKEN).font.hidden = True

    items = body(read(make_docx(tmp_path, build).read_bytes()))
    assert items == [
        Segment(text="Compte géré par la DSI. (mdp : " + PASSWORD + ")", location=at("body", 1)),
        Segment(text=" (mdp : " + PASSWORD + ")", location=at("body", 1), hidden="hidden text (w:vanish)"),
        Segment(text="jeton " + TOKEN, location=at("body", 2), hidden="hidden text (w:vanish)"),
    ]


def test_white_text_is_hidden_unless_drawn_on_a_coloured_cell(tmp_path):
    def build(document):
        document.add_paragraph().add_run("mot de passe : " + PASSWORD).font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)

    shaded_cell = ('<w:tbl><w:tr><w:tc><w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="1F4E79"/></w:tcPr>'
                   + paragraph(run("Mot de passe", '<w:color w:val="FFFFFF"/>')) + "</w:tc></w:tr></w:tbl>")
    items = body(read(make_docx(tmp_path, build, body_xml=(shaded_cell,)).read_bytes()))
    assert items == [
        Segment(text="mot de passe : " + PASSWORD, location=at("body", 1), hidden="white text"),
        Row(cells=(Cell(text="Mot de passe", column=1),), location=Location(part="table 1", row=1),
            table="table 1"),
    ]


def test_hidden_character_style_counts_as_vanished(tmp_path):
    def build(document):
        document.styles.add_style("Secret", WD_STYLE_TYPE.CHARACTER).font.hidden = True
        p = document.add_paragraph("Compte : admin")
        p.add_run(" / " + PASSWORD, style="Secret")

    assert body(read(make_docx(tmp_path, build).read_bytes())) == [
        Segment(text="Compte : admin / " + PASSWORD, location=at("body", 1)),
        Segment(text=" / " + PASSWORD, location=at("body", 1), hidden="hidden text (w:vanish)"),
    ]


def test_header_table_rows_are_hidden(tmp_path):
    def build(document):
        grid = document.sections[0].header.add_table(rows=1, cols=2, width=Inches(4))
        grid.cell(0, 0).text, grid.cell(0, 1).text = "Mot de passe", PASSWORD

    assert [i for i in body(read(make_docx(tmp_path, build).read_bytes())) if isinstance(i, Row)] == [
        Row(cells=(Cell(text="Mot de passe", column=1), Cell(text=PASSWORD, column=2)),
            location=Location(part="header table 1", row=1), table="header table 1", hidden="page header")]


def test_linked_template_target_is_reported(tmp_path):
    url = f"https://deploy:{PASSWORD}@templates.example/normal.dotm"
    data = add_relationship(docx_bytes(), rid="rId77", external=True, target=url,
                            rel_type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
                                     "attachedTemplate", rels_part="word/_rels/settings.xml.rels")
    assert body(read(data)) == [Segment(text=url, location=Location(part="word/settings.xml"),
                                        hidden="external attachedTemplate link")]


def test_vml_text_box_is_read_apart_from_its_paragraph(tmp_path):
    xml = vml_text_box("Plan du service", "Post-it : mdp = " + PASSWORD)
    items = body(read(make_docx(tmp_path, body_xml=(paragraph(run("Intro")), xml)).read_bytes()))
    assert items == [
        Segment(text="Intro", location=at("body", 1)),
        Segment(text="Plan du service", location=at("body", 2)),
        Segment(text="Post-it : mdp = " + PASSWORD, location=at("body", 2), hidden="text box"),
    ]


def test_drawingml_text_box_is_read_once_with_its_alt_text(tmp_path):
    xml = drawing_text_box("Schéma", "compte admin / " + PASSWORD, alt="Note du technicien")
    items = body(read(make_docx(tmp_path, body_xml=(xml,)).read_bytes()))
    assert items == [
        Segment(text="Schéma", location=at("body", 1)),
        Segment(text="Note du technicien", location=at("body", 1), hidden="alt text"),
        Segment(text="compte admin / " + PASSWORD, location=at("body", 1), hidden="text box"),
    ]


def test_text_box_of_a_hidden_shape(tmp_path):
    xml = drawing_text_box("Schéma", "compte admin / " + PASSWORD, hidden=True)
    assert body(read(make_docx(tmp_path, body_xml=(xml,)).read_bytes())) == [
        Segment(text="Schéma", location=at("body", 1)),
        Segment(text="compte admin / " + PASSWORD, location=at("body", 1), hidden="hidden text box"),
    ]


def test_hyperlink_target_with_credentials(tmp_path):
    url = f"https://admin:{PASSWORD}@intranet.example/"
    path = make_docx(tmp_path, body_xml=('<w:p><w:r><w:t>Portail : </w:t></w:r><w:hyperlink r:id="rId99">'
                                         "<w:r><w:t>intranet</w:t></w:r></w:hyperlink></w:p>",))
    data = add_relationship(path.read_bytes(), rid="rId99", rel_type=REL_HYPERLINK, target=url, external=True)
    assert body(read(data)) == [
        Segment(text="Portail : intranet", location=at("body", 1)),
        Segment(text=url, location=at("body", 1), hidden="hyperlink target"),
    ]


def test_field_code_is_reported_and_its_result_stays_in_the_text(tmp_path):
    instruction = f' HYPERLINK "ftp://backup:{PASSWORD}@10.0.0.5/" '
    items = body(read(make_docx(tmp_path, body_xml=(field_code(instruction, "sauvegardes"),)).read_bytes()))
    assert items == [
        Segment(text="sauvegardes", location=at("body", 1)),
        Segment(text=instruction.strip(), location=at("body", 1), hidden="field code"),
    ]


def test_content_control_text_is_body_text(tmp_path):
    xml = ('<w:sdt><w:sdtPr><w:alias w:val="Mot de passe"/></w:sdtPr><w:sdtContent>'
           + paragraph(run("Mot de passe : "), run(PASSWORD)) + "</w:sdtContent></w:sdt>")
    assert body(read(make_docx(tmp_path, body_xml=(xml,)).read_bytes())) == [
        Segment(text="Mot de passe : " + PASSWORD, location=at("body", 1))]


def test_core_property_comments(tmp_path):
    def build(document):
        document.add_paragraph("Rapport")
        document.core_properties.comments = "accès GED, mot de passe " + PASSWORD

    items = read(make_docx(tmp_path, build).read_bytes())
    assert Segment(text="description: accès GED, mot de passe " + PASSWORD,
                   location=Location(part="docProps/core.xml"),
                   hidden="document property 'description' (core properties)") in items


def test_embedded_workbook_is_handed_back_as_a_member(tmp_path):
    workbook = xlsx_bytes({"A1": "Mot de passe", "A2": PASSWORD})
    name = "word/embeddings/Microsoft_Excel_Worksheet.xlsx"
    items = read(make_docx(tmp_path, parts={name: workbook}).read_bytes())
    assert [i for i in items if isinstance(i, Member)] == [Member(name=name, data=workbook, hidden="embedded object")]


def test_footnotes_skip_separators(tmp_path):
    notes = ('<w:footnotes xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
             '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
             '<w:footnote w:id="1"><w:p><w:r><w:t>mdp : ' + PASSWORD + "</w:t></w:r></w:p></w:footnote>"
             "</w:footnotes>").encode()
    path = make_docx(tmp_path, body_xml=(paragraph(run("Texte")),), parts={"word/footnotes.xml": notes})
    data = add_relationship(path.read_bytes(), rid="rId98", external=False, target="footnotes.xml",
                            rel_type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes")
    assert body(read(data)) == [
        Segment(text="Texte", location=at("body", 1)),
        Segment(text="mdp : " + PASSWORD, location=at("footnote 1", 1), hidden="footnote"),
    ]


def test_main_part_is_found_through_relationships_not_its_name(tmp_path):
    data = docx_bytes(lambda document: document.add_paragraph("mdp " + PASSWORD))
    package = zipfile.ZipFile(io.BytesIO(data))
    renamed = rewrite(data, {
        "_rels/.rels": lambda xml: xml.replace(b"word/document.xml", b"word/document2.xml"),
        "[Content_Types].xml": lambda xml: xml.replace(b"/word/document.xml", b"/word/document2.xml"),
    }, drop=frozenset({"word/document.xml", "word/_rels/document.xml.rels"}),
        add={"word/document2.xml": package.read("word/document.xml"),
             "word/_rels/document2.xml.rels": package.read("word/_rels/document.xml.rels")})
    assert body(read(renamed)) == [Segment(text="mdp " + PASSWORD, location=at("body", 1))]


def test_damaged_header_is_reported_after_the_rest_is_read(tmp_path):
    def build(document):
        document.add_paragraph("mdp " + PASSWORD)
        document.sections[0].header.paragraphs[0].text = "entête"

    data = make_docx(tmp_path, build).read_bytes()
    header = next(n for n in zipfile.ZipFile(io.BytesIO(data)).namelist() if "header" in n)
    broken = rewrite(data, {header: lambda xml: xml[: len(xml) // 2]})
    seen = []
    with pytest.raises(ExtractError, match="could not read word/header"):
        for item in extract(broken, Context.for_file("x.docx")):
            seen.append(item)
    assert Segment(text="mdp " + PASSWORD, location=at("body", 1)) in seen


def test_truncated_docx_is_unreadable(tmp_path):
    data = make_docx(tmp_path, lambda d: d.add_paragraph("x")).read_bytes()
    with pytest.raises(ExtractError):
        read(data[: len(data) * 45 // 100])


def test_zip_without_document_part_is_unreadable():
    data = rewrite(docx_bytes(), {}, drop=frozenset({"word/document.xml"}))
    with pytest.raises(ExtractError, match="no Word main document part"):
        read(data)


def test_billion_laughs_is_refused_quickly():
    data = rewrite(docx_bytes(), {"word/document.xml": lambda _xml: BILLION_LAUGHS})
    started = time.monotonic()
    with pytest.raises(LimitExceeded):
        read(data)
    assert time.monotonic() - started < 2


def test_password_protected_docx_is_encrypted():
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    OOXMLFile(io.BytesIO(docx_bytes())).encrypt("secret", out)
    with pytest.raises(EncryptedError):
        read(out.getvalue())


def test_encrypted_zip_member_is_encrypted():
    data = set_zip_encrypted_flag(docx_bytes(lambda d: d.add_paragraph("x")), "word/document.xml")
    with pytest.raises(EncryptedError):
        read(data)


def test_cell_limit(tmp_path):
    xml = table([["a", "b"], ["c", "d"]])
    ctx = Context.for_file("x.docx", Limits(max_cells=3))
    with pytest.raises(LimitExceeded):
        read(make_docx(tmp_path, body_xml=(xml,)).read_bytes(), ctx)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2048))
def test_random_bytes_raise_only_extract_error(data):
    try:
        read(data)
    except ExtractError:
        pass


_SAMPLE = docx_bytes(lambda d: (d.add_paragraph("mdp " + PASSWORD), d.add_table(rows=1, cols=2)))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.integers(min_value=0, max_value=len(_SAMPLE) - 1), st.integers(0, 255)),
                min_size=1, max_size=8))
def test_corrupted_docx_raises_only_extract_error(flips):
    data = bytearray(_SAMPLE)
    for position, value in flips:
        data[position] = value
    try:
        read(bytes(data))
    except ExtractError:
        pass

from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from pptx.util import Inches

from docsecrets.extract.context import Context
from docsecrets.extract.ooxml.pptx import extract
from docsecrets.limits import Limits
from docsecrets.types import Cell, EncryptedError, ExtractError, LimitExceeded, Location, Member, Row, Segment
from tests.fixtures.docx_builders import BILLION_LAUGHS, rewrite, xlsx_bytes
from tests.fixtures.pptx_builders import (P_NS, add_classic_comment, add_modern_comment, hide_slide, pptx_bytes,
                                          save, text_slide)

PASSWORD = "Cham" + "ois?2016"
TOKEN = "xoxb-" + "1" * 12 + "-" + "2" * 13 + "-" + "A" * 24


def read(data: bytes, ctx: Context | None = None) -> list[object]:
    return list(extract(data, ctx or Context.for_file("fixture.pptx")))


def content(items: list[object]) -> list[object]:
    return [i for i in items if not (isinstance(i, Segment) and (i.location.part or "").startswith("docProps/"))]


def slide_at(number: int, line: int | None = None, part: str | None = None) -> Location:
    return Location(part=part or f"slide {number}", page=number, line=line)


def two_slides(presentation) -> None:
    text_slide(presentation, "Comité", "Avancement", "Planning")
    text_slide(presentation, "Accès recette", "Identifiant : recette", "Mot de passe : " + PASSWORD)


def test_slide_text_one_segment_per_frame_with_running_lines(tmp_path):
    data = save(tmp_path, pptx_bytes(two_slides)).read_bytes()
    assert content(read(data)) == [
        Segment(text="Comité", location=slide_at(1, 1)),
        Segment(text="Avancement\nPlanning", location=slide_at(1, 2)),
        Segment(text="Accès recette", location=slide_at(2, 1)),
        Segment(text="Identifiant : recette\nMot de passe : " + PASSWORD, location=slide_at(2, 2)),
    ]


def test_table_rows(tmp_path):
    def build(presentation):
        slide = presentation.slides.add_slide(presentation.slide_layouts[5])
        slide.shapes.title.text = "Comptes"
        grid = slide.shapes.add_table(3, 2, Inches(1), Inches(2), Inches(6), Inches(2)).table
        for r, (login, password) in enumerate([("Identifiant", "Mot de passe"), ("admin", PASSWORD), ("", "")]):
            grid.cell(r, 0).text, grid.cell(r, 1).text = login, password

    items = content(read(save(tmp_path, pptx_bytes(build)).read_bytes()))
    table = "slide 1 table 1"
    assert items == [
        Segment(text="Comptes", location=slide_at(1, 1)),
        Row(cells=(Cell(text="Identifiant", column=1), Cell(text="Mot de passe", column=2)),
            location=Location(part=table, page=1, row=1), table=table),
        Row(cells=(Cell(text="admin", column=1), Cell(text=PASSWORD, column=2)),
            location=Location(part=table, page=1, row=2), table=table),
    ]


def test_speaker_notes(tmp_path):
    def build(presentation):
        text_slide(presentation, "Bilan", "Déploiement terminé")
        slide = text_slide(presentation, "Démonstration", "Module urgences")
        slide.notes_slide.notes_text_frame.text = "se connecter avec demo_urg / " + PASSWORD

    items = content(read(save(tmp_path, pptx_bytes(build)).read_bytes()))
    assert items[-1] == Segment(text="se connecter avec demo_urg / " + PASSWORD,
                                location=slide_at(2, 1, part="notes, slide 2"),
                                hidden="speaker notes, slide 2")
    assert len(items) == 5


def test_hidden_slide_hides_everything_on_it(tmp_path):
    def build(presentation):
        two_slides(presentation)
        presentation.slides[1].notes_slide.notes_text_frame.text = "jeton " + TOKEN

    items = content(read(hide_slide(pptx_bytes(build), 2)))
    assert items == [
        Segment(text="Comité", location=slide_at(1, 1)),
        Segment(text="Avancement\nPlanning", location=slide_at(1, 2)),
        Segment(text="Accès recette", location=slide_at(2, 1), hidden="hidden slide 2"),
        Segment(text="Identifiant : recette\nMot de passe : " + PASSWORD, location=slide_at(2, 2),
                hidden="hidden slide 2"),
        Segment(text="jeton " + TOKEN, location=slide_at(2, 1, part="notes, slide 2"),
                hidden="hidden slide 2; speaker notes, slide 2"),
    ]


def test_classic_comment_with_author(tmp_path):
    data = add_classic_comment(pptx_bytes(two_slides), slide=1, author="J. Martin", text="mdp : " + PASSWORD)
    assert content(read(data))[2] == Segment(text="mdp : " + PASSWORD, location=slide_at(1, part="comments, slide 1"),
                                             hidden="comment by J. Martin, slide 1")


def test_modern_comment_and_reply(tmp_path):
    data = add_modern_comment(pptx_bytes(two_slides), slide=2, author="J. Martin", text="le mot de passe ?",
                              reply_author="A. Durand", reply="c'est " + PASSWORD)
    comments = [i for i in content(read(data)) if i.location.part == "comments, slide 2"]
    where = slide_at(2, part="comments, slide 2")
    assert comments == [
        Segment(text="le mot de passe ?", location=where, hidden="comment by J. Martin, slide 2"),
        Segment(text="c'est " + PASSWORD, location=where, hidden="comment by A. Durand, slide 2"),
    ]


def test_hyperlink_target_and_alt_text(tmp_path):
    url = f"https://admin:{PASSWORD}@intranet.example/"

    def build(presentation):
        slide = presentation.slides.add_slide(presentation.slide_layouts[6])  # blank
        box = slide.shapes.add_textbox(Inches(1), Inches(1), Inches(4), Inches(1))
        text_run = box.text_frame.paragraphs[0].add_run()
        text_run.text = "Intranet"
        text_run.hyperlink.address = url
        box._element.nvSpPr.cNvPr.set("descr", "mot de passe wifi " + PASSWORD)

    assert content(read(pptx_bytes(build))) == [
        Segment(text="Intranet", location=slide_at(1, 1)),
        Segment(text="mot de passe wifi " + PASSWORD, location=slide_at(1), hidden="alt text"),
        Segment(text=url, location=slide_at(1), hidden="hyperlink target"),
    ]


def test_shape_hidden_in_the_selection_pane(tmp_path):
    def build(presentation):
        slide = presentation.slides.add_slide(presentation.slide_layouts[6])  # blank
        box = slide.shapes.add_textbox(Inches(1), Inches(1), Inches(4), Inches(1))
        box.text_frame.text = "mdp : " + PASSWORD
        box._element.nvSpPr.cNvPr.set("hidden", "1")

    assert content(read(pptx_bytes(build))) == [
        Segment(text="mdp : " + PASSWORD, location=slide_at(1, 1), hidden="hidden shape")]


def test_slides_come_in_show_order(tmp_path):
    def swap(xml: bytes) -> bytes:
        root = etree.fromstring(xml)
        id_list = root.find(f"{{{P_NS}}}sldIdLst")
        first, second = list(id_list)
        id_list.remove(first)
        second.addnext(first)
        return etree.tostring(root)

    data = rewrite(pptx_bytes(two_slides), {"ppt/presentation.xml": swap})
    assert [(i.text, i.location.page) for i in content(read(data))][::2] == [("Accès recette", 1), ("Comité", 2)]


def test_embedded_workbook_is_a_member(tmp_path):
    workbook = xlsx_bytes({"A1": "Mot de passe", "A2": PASSWORD})
    data = rewrite(pptx_bytes(two_slides), {}, add={"ppt/embeddings/Microsoft_Excel_Worksheet1.xlsx": workbook})
    assert [i for i in read(data) if isinstance(i, Member)] == [
        Member(name="ppt/embeddings/Microsoft_Excel_Worksheet1.xlsx", data=workbook, hidden="embedded object")]


def test_slide_limit_reads_the_first_slides_then_raises(tmp_path):
    seen = []
    with pytest.raises(LimitExceeded, match="2 slides"):
        for item in extract(pptx_bytes(two_slides), Context.for_file("x.pptx", Limits(max_pages=1))):
            seen.append(item)
    assert [i.location.page for i in content(seen)] == [1, 1]


def test_bomb_in_one_slide_stops_the_presentation(tmp_path):
    data = rewrite(pptx_bytes(two_slides), {"ppt/slides/slide1.xml": lambda _xml: BILLION_LAUGHS})
    seen = []
    with pytest.raises(LimitExceeded, match=r"^could not read slide 1 .*declares entities"):
        for item in extract(data, Context.for_file("x.pptx")):
            seen.append(item)
    # a limit stops the file at once (common.partial): slide 2 is not read
    assert Segment(text="Accès recette", location=slide_at(2, 1)) not in seen


def test_truncated_pptx_is_unreadable():
    data = pptx_bytes(two_slides)
    with pytest.raises(ExtractError):
        read(data[: len(data) // 2])


def test_zip_without_presentation_part_is_unreadable():
    with pytest.raises(ExtractError, match="no PowerPoint presentation part"):
        read(rewrite(pptx_bytes(), {}, drop=frozenset({"ppt/presentation.xml"})))


def test_password_protected_pptx_is_encrypted():
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    OOXMLFile(io.BytesIO(pptx_bytes(two_slides))).encrypt("secret", out)
    with pytest.raises(EncryptedError):
        read(out.getvalue())


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=2048))
def test_random_bytes_raise_only_extract_error(data):
    try:
        read(data)
    except ExtractError:
        pass


_SAMPLE = pptx_bytes(two_slides)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(min_value=0, max_value=len(_SAMPLE) - 1), st.integers(0, 255)),
                min_size=1, max_size=8))
def test_corrupted_pptx_raises_only_extract_error(flips):
    data = bytearray(_SAMPLE)
    for position, value in flips:
        data[position] = value
    try:
        read(bytes(data))
    except ExtractError:
        pass

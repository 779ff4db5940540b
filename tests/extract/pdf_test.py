from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from docsecrets.extract.context import Budget, Context
from docsecrets.extract.pdf.reader import extract
from docsecrets.limits import Limits
from docsecrets.types import Cell, EncryptedError, ExtractError, LimitExceeded, Location, Member, Row, Segment
from tests.fixtures.pdf_builders import (HELVETICA, Fill, Picture, Rule, Text, add_annotation, add_attachment,
                                         add_file_annotation, add_info, add_xmp, encrypt, make_flow_pdf, make_form_pdf,
                                         make_pdf, make_raw_pdf, stream, text_page, xmp_packet)

PASSWORD = "Azerty" + "12!"
OTHER = "Soleil" + "2024"


def items(path, limits: Limits | None = None):
    return list(extract(path.read_bytes(), Context.for_file(str(path), limits or Limits())))


def body(found):
    """What the pages say: text and rows, without document properties."""
    return [i for i in found if isinstance(i, Row) or (isinstance(i, Segment) and i.location.part in (None, "page 1"))]


def rows(found):
    return [[(c.text, c.column) for c in i.cells] for i in found if isinstance(i, Row)]


def test_paragraph_keeps_label_and_value_together(tmp_path):
    path = make_flow_pdf(tmp_path / "p.pdf", [f"Bonjour. Mot de passe : {PASSWORD} pour le compte admin."])
    assert body(items(path)) == [
        Segment(text=f"Bonjour. Mot de passe : {PASSWORD} pour le compte admin.", location=Location(page=1, line=1)),
    ]


def test_wrapped_paragraph_is_one_segment_with_its_first_line(tmp_path):
    words = " ".join(f"mot{i}" for i in range(40))
    path = make_flow_pdf(tmp_path / "p.pdf", ["Titre", f"{words} mot de passe : {PASSWORD}"])
    [title, paragraph] = body(items(path))
    assert title == Segment(text="Titre", location=Location(page=1, line=1))
    assert paragraph.location == Location(page=1, line=2)
    assert paragraph.text.count("\n") >= 1
    assert paragraph.text.replace("\n", " ") == f"{words} mot de passe : {PASSWORD}"


def test_table_rows_put_the_password_column_under_its_header(tmp_path):
    table = [["Identifiant", "Mot de passe", "Serveur"], ["admin", PASSWORD, "srv1"], ["jdoe", OTHER, "srv2"],
             ["root", "Secret" + "99", "srv3"]]
    found = items(make_flow_pdf(tmp_path / "t.pdf", ["Comptes"], [table]))
    table_rows = [i for i in found if isinstance(i, Row)]
    assert rows(found) == [[(text, column) for column, text in enumerate(row, 1)] for row in table]
    assert [(r.location, r.table, r.hidden) for r in table_rows] == [
        (Location(part="page 1", page=1, row=n), "page 1", None) for n in (2, 3, 4, 5)]
    # Cells are scanned as cells: they do not come back as segments, the header line (one
    # piece of text to pdfminer) and the title do.
    assert [s.text for s in found if isinstance(s, Segment) and s.location.part is None] == [
        "Comptes", "Identifiant Mot de passe Serveur"]


def test_centred_header_and_right_aligned_numbers_share_their_values_column(tmp_path):
    path = make_pdf(tmp_path / "c.pdf", [[
        Text(72, 700, "Identifiant"), Text(310, 700, "Mot de passe"), Text(450, 700, "Port"),
        Text(72, 680, "admin"), Text(290, 680, PASSWORD), Text(470, 680, "22"),
        Text(290, 660, OTHER),  # a row with only the password filled in
        Text(72, 640, "root"), Text(290, 640, "x"), Text(465, 640, "3389"),
    ]])
    assert rows(items(path)) == [
        [("Identifiant", 1), ("Mot de passe", 2), ("Port", 3)],
        [("admin", 1), (PASSWORD, 2), ("22", 3)],
        [(OTHER, 2)],
        [("root", 1), ("x", 2), ("3389", 3)],
    ]


def test_label_and_value_far_apart_on_one_line_form_a_row(tmp_path):
    found = items(make_pdf(tmp_path / "g.pdf", [[Text(72, 700, "Mot de passe :"), Text(300, 700, PASSWORD)]]))
    assert body(found) == [Row(cells=(Cell(text="Mot de passe :", column=1), Cell(text=PASSWORD, column=2)),
                               location=Location(part="page 1", page=1, row=1), table="page 1")]


@pytest.mark.parametrize("bordered", [True, False])
def test_a_border_between_close_cells_separates_them(tmp_path, bordered):
    # 'Identifiant' ends near x=115; 'Mot de passe' starts 6pt later: closer than a cell gap.
    drawings = [Text(72, 700, "Identifiant"), Text(121, 700, "Mot de passe"),
                Text(72, 680, "admin"), Text(121, 680, PASSWORD), Text(72, 660, "x"), Text(300, 660, "y")]
    if bordered:
        drawings += [Rule(118, 655, 712)]
    found = items(make_pdf(tmp_path / "r.pdf", [drawings]))
    data_rows = [[("admin", 1), (PASSWORD, 2)], [("x", 1), ("y", 3)]]
    if bordered:
        assert rows(found) == [[("Identifiant", 1), ("Mot de passe", 2)], *data_rows]
    else:  # one run of text: no header row, the line stays a paragraph
        assert rows(found) == data_rows
        assert Segment(text="Identifiant Mot de passe", location=Location(page=1, line=1)) in found


def test_text_keeps_its_page(tmp_path):
    path = make_pdf(tmp_path / "3.pdf", [[Text(72, 700, "Un")], [Text(72, 700, "Deux"), Text(72, 688, f"mdp {PASSWORD}")],
                                         [Text(72, 700, "Trois")]])
    assert [i for i in items(path) if isinstance(i, Segment) and i.location.part is None] == [
        Segment(text="Un", location=Location(page=1, line=1)),
        Segment(text=f"Deux\nmdp {PASSWORD}", location=Location(page=2, line=1)),
        Segment(text="Trois", location=Location(page=3, line=1)),
    ]


def test_hidden_text_is_marked_with_why(tmp_path):
    path = make_pdf(tmp_path / "h.pdf", [[
        Text(72, 700, "Visible"),
        Text(72, 660, f"mdp : {PASSWORD}", rgb=(1, 1, 1)),
        Text(72, 620, f"invisible {PASSWORD}", render_mode=3),
        Text(-400, 580, f"dehors {PASSWORD}"),
        Fill(60, 530, 300, 30, (0, 0, 0.5)), Text(72, 540, "Blanc sur bleu", rgb=(1, 1, 1)),
        Picture(60, 460, 300, 40), Text(72, 470, "Couche OCR", render_mode=3),
    ]])
    assert [(s.text, s.hidden) for s in body(items(path))] == [
        ("Visible", None),
        (f"mdp : {PASSWORD}", "white text"),
        (f"invisible {PASSWORD}", "invisible text"),
        (f"dehors {PASSWORD}", "text outside the page"),
        ("Blanc sur bleu", None),  # white on a dark band: a reader sees it
        ("Couche OCR", None),  # invisible text over an image: the OCR layer of a scan
    ]


def test_white_cell_in_a_table_row(tmp_path):
    path = make_pdf(tmp_path / "w.pdf", [[
        Text(72, 700, "Identifiant"), Text(300, 700, "Mot de passe"),
        Text(72, 680, "admin"), Text(300, 680, PASSWORD, rgb=(1, 1, 1)),
    ]])
    assert [i for i in items(path) if isinstance(i, Row)][1] == Row(
        cells=(Cell(text="admin", column=1), Cell(text=PASSWORD, column=2, hidden="white text")),
        location=Location(part="page 1", page=1, row=2), table="page 1")


def test_annotation_with_author_and_rich_text(tmp_path):
    path = add_annotation(make_pdf(tmp_path / "a.pdf", [[Text(72, 700, "Corps")]]), subtype="Text",
                          contents=f"mot de passe {PASSWORD}", author="J. Martin",
                          rich=f"<body><p>mot de passe <b>{PASSWORD[:3]}</b>{PASSWORD[3:]}</p><p>(copie)</p></body>")
    where = Location(page=1, part="annotation")
    hidden = "PDF annotation (Text) by J. Martin"
    assert [i for i in items(path) if isinstance(i, Segment) and i.location.part == "annotation"] == [
        Segment(text=f"mot de passe {PASSWORD}", location=where, hidden=hidden),
        Segment(text=f"mot de passe {PASSWORD}\n(copie)", location=where, hidden=hidden),
    ]


def test_annotation_without_author_and_link_target(tmp_path):
    path = make_pdf(tmp_path / "l.pdf", [[Text(72, 700, "Corps")]])
    add_annotation(path, subtype="FreeText", contents="note")
    add_annotation(path, subtype="Link", uri=f"https://svc:{PASSWORD}@example.org/")
    where = Location(page=1, part="annotation")
    assert [i for i in items(path) if isinstance(i, Segment) and i.location.part == "annotation"] == [
        Segment(text="note", location=where, hidden="PDF annotation (FreeText)"),
        Segment(text=f"https://svc:{PASSWORD}@example.org/", location=where, hidden="link target"),
    ]


def test_form_field_values_keep_the_field_name(tmp_path):
    path = make_form_pdf(tmp_path / "f.pdf", {"identifiant": "admin", "mot_de_passe": PASSWORD, "vide": ""})
    where = Location(page=1, part="form field")
    assert [i for i in items(path) if isinstance(i, Segment) and i.location.part == "form field"] == [
        Segment(text="identifiant: admin", location=where, hidden="PDF form field 'identifiant'"),
        Segment(text=f"mot_de_passe: {PASSWORD}", location=where, hidden="PDF form field 'mot_de_passe'"),
    ]


def test_form_field_loop_is_read_once(tmp_path):
    path = make_raw_pdf(tmp_path / "loop.pdf", {
        1: b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [4 0 R] >> >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: text_page(2, 5, 6),
        4: b"<< /T (pwd) /V (%s) /Kids [4 0 R 7 0 R] >>" % OTHER.encode(),
        5: stream(b"BT /F1 12 Tf 72 700 Td (Page) Tj ET"),
        6: HELVETICA,
        7: b"<< /T (sub) /V (v) /Parent 4 0 R /Kids [4 0 R] >>",
    })
    assert [(i.text, i.hidden) for i in items(path) if isinstance(i, Segment) and i.location.part == "form field"] == [
        (f"pwd: {OTHER}", "PDF form field 'pwd'"), ("sub: v", "PDF form field 'pwd.sub'")]


@pytest.mark.parametrize("catalog", [
    b"<< /Type /Catalog /Pages 9 0 R >>",  # the page tree is an object that refers to itself
    b"<< /Type /Catalog /Pages 2 0 R /AcroForm 8 0 R >>",  # 8 -> 9 -> 8
])
def test_reference_loops_do_not_hang(tmp_path, catalog):
    path = make_raw_pdf(tmp_path / "loop.pdf", {
        1: catalog,
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: text_page(2, 5, 6),
        5: stream(b"BT /F1 12 Tf 72 700 Td (Page) Tj ET"),
        6: HELVETICA,
        8: b"9 0 R",
        9: b"9 0 R" if b"9 0 R >>" in catalog else b"8 0 R",
    })
    assert items(path) == [Segment(text="Page", location=Location(page=1, line=1))]


def test_document_info_properties(tmp_path):
    path = make_pdf(tmp_path / "m.pdf", [[Text(72, 700, "Corps")]], title="Stats", keywords=f"stats, mdp : {PASSWORD}")
    add_info(path, {"Projet": OTHER})
    found = {i.text: i.hidden for i in items(path) if isinstance(i, Segment) and i.location.part == "document info"}
    assert found[f"Keywords: stats, mdp : {PASSWORD}"] == "document property 'Keywords'"
    assert found[f"Projet: {OTHER}"] == "document property 'Projet'"
    assert found["Title: Stats"] == "document property 'Title'"
    assert not any(text.startswith(("CreationDate", "ModDate")) for text in found)


def test_xmp_metadata(tmp_path):
    path = make_pdf(tmp_path / "x.pdf", [[Text(72, 700, "Corps")]], title="Stats")
    add_xmp(path, xmp_packet(description=f"mdp {PASSWORD}", keywords="Stats"))
    assert [i for i in items(path) if isinstance(i, Segment) and i.location.part == "XMP metadata"] == [
        # Keywords repeats the info Title: said once; dates and dc:format are bookkeeping.
        Segment(text=f"description: mdp {PASSWORD}", location=Location(part="XMP metadata"), hidden="XMP metadata"),
    ]


def test_embedded_files_come_out_as_members(tmp_path):
    data = b"user=admin\npassword=" + PASSWORD.encode() + b"\n"
    path = add_attachment(make_pdf(tmp_path / "e.pdf", [[Text(72, 700, "Corps")]]), "acces.txt", data)
    add_file_annotation(path, name="note.csv", data=b"login;mdp\nadmin;" + OTHER.encode())
    ctx = Context.for_file(str(path))
    members = [i for i in extract(path.read_bytes(), ctx) if isinstance(i, Member)]
    assert members == [
        Member(name="note.csv", data=b"login;mdp\nadmin;" + OTHER.encode(), hidden="PDF attachment"),
        Member(name="acces.txt", data=data, hidden="PDF attachment"),
    ]
    assert ctx.budget.used == sum(len(m.data) for m in members)


@pytest.mark.parametrize(("compress", "reason"), [
    (True, "attachment 'bombe.txt' inflates past 1,000 bytes"),  # refused before pdfminer inflates it
    (False, "attachment 'bombe.txt' is 100,000 bytes (limit 1,000)"),
])
def test_oversized_attachment_stops_the_file(tmp_path, compress, reason):
    path = add_attachment(make_pdf(tmp_path / "e.pdf", [[Text(72, 700, "Corps")]]), "petit.txt", b"x" * 10)
    add_file_annotation(path, name="bombe.txt", data=b"a" * 100_000, compress=compress)
    produced = []
    with pytest.raises(LimitExceeded) as raised:
        for item in extract(path.read_bytes(), Context.for_file("e.pdf", Limits(max_part_size=1000))):
            produced.append(item)
    assert str(raised.value) == reason
    assert Segment(text="Corps", location=Location(page=1, line=1)) in produced  # read before the bomb
    # a limit stops the file at once (common.partial): the embedded file after it is not read
    assert [i for i in produced if isinstance(i, Member)] == []


def test_attachments_are_charged_to_the_shared_budget(tmp_path):
    path = add_attachment(make_pdf(tmp_path / "e.pdf", [[Text(72, 700, "Corps")]]), "a.bin", b"z" * 5000)
    ctx = Context(budget=Budget(limit=1000))
    with pytest.raises(LimitExceeded, match="decompressed more than"):
        list(extract(path.read_bytes(), ctx))


@pytest.mark.parametrize("algorithm", ["RC4-128", "AES-128", "AES-256"])
def test_user_password_is_unscannable(tmp_path, algorithm):
    path = encrypt(make_pdf(tmp_path / "u.pdf", [[Text(72, 700, PASSWORD)]]), user="ouvrir", owner="o",
                   algorithm=algorithm)
    with pytest.raises(EncryptedError, match="^PDF encrypted with a user password$"):
        items(path)


@pytest.mark.parametrize("algorithm", ["RC4-128", "AES-256"])
def test_owner_password_only_is_read(tmp_path, algorithm):
    path = make_pdf(tmp_path / "o.pdf", [[Text(72, 700, f"Mot de passe : {PASSWORD}")]], keywords=OTHER)
    encrypt(path, user="", owner="proprietaire", algorithm=algorithm)
    found = items(path)
    assert Segment(text=f"Mot de passe : {PASSWORD}", location=Location(page=1, line=1)) in found
    assert Segment(text=f"Keywords: {OTHER}", location=Location(part="document info"),
                   hidden="document property 'Keywords'") in found


def test_truncated_pdf_yields_what_object_scanning_recovers_then_fails(tmp_path):
    data = make_pdf(tmp_path / "t.pdf", [[Text(72, 700, "Un")], [Text(72, 700, "Deux")],
                                         [Text(72, 700, "Trois")]]).read_bytes()
    produced = []
    with pytest.raises(ExtractError) as raised:
        produced.extend(extract(data[: int(len(data) * 0.7)], Context()))
    assert type(raised.value) is ExtractError
    assert str(raised.value) == ("truncated or corrupt PDF: PSEOF: Unexpected EOF "
                                 "(read what object scanning could recover)")
    assert produced == [Segment(text="Un", location=Location(page=1, line=1))]


def test_truncated_before_any_page_reads_nothing(tmp_path):
    data = make_pdf(tmp_path / "t.pdf", [[Text(72, 700, "Un")]]).read_bytes()
    with pytest.raises(ExtractError, match="^truncated or corrupt PDF: "):
        list(extract(data[:200], Context()))


@pytest.mark.parametrize("backend", ["pdfium", "pdfminer"])
def test_a_broken_page_does_not_hide_the_others(tmp_path, monkeypatch, backend):
    monkeypatch.setenv("DOCSECRETS_PDF_BACKEND", backend)
    path = make_raw_pdf(tmp_path / "b.pdf", {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>",
        3: text_page(2, 5, 7),
        4: text_page(2, 6, 7),
        5: stream(b"not ascii85 {{{", b"/Filter /ASCII85Decode"),
        6: stream(b"BT /F1 12 Tf 72 700 Td (Page deux) Tj ET"),
        7: HELVETICA,
    })
    produced = []
    if backend == "pdfium":  # PDFium reads the undecodable content stream as an empty page
        produced.extend(extract(path.read_bytes(), Context()))
    else:
        with pytest.raises(ExtractError, match=r"^page 1: ValueError: ") as raised:
            produced.extend(extract(path.read_bytes(), Context()))
        assert type(raised.value) is ExtractError
    assert produced == [Segment(text="Page deux", location=Location(page=2, line=1))]


def test_page_limit(tmp_path):
    path = make_pdf(tmp_path / "p.pdf", [[Text(72, 700, "Un")], [Text(72, 700, "Deux")], [Text(72, 700, "Trois")]],
                    keywords=OTHER)
    produced = []
    with pytest.raises(LimitExceeded, match=r"^PDF has 3 pages \(limit 2\)$"):
        for item in extract(path.read_bytes(), Context.for_file("p.pdf", Limits(max_pages=2))):
            produced.append(item)
    assert [i.text for i in produced if i.location.part is None] == ["Un", "Deux"]
    # a limit stops the file at once (common.partial): document-level parts are not read
    assert f"Keywords: {OTHER}" not in [i.text for i in produced]


def test_not_a_pdf():
    with pytest.raises(ExtractError, match=r"^not a PDF \(no %PDF- header\)$"):
        list(extract(b"PK\x03\x04 this is a zip", Context()))


def test_unsupported_encryption_handler(tmp_path):
    path = make_raw_pdf(tmp_path / "pk.pdf", {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [] /Count 0 >>",
        3: b"<< /Filter /Adobe.PubSec /V 4 /R 4 >>",
    }, trailer=b"/Encrypt 3 0 R /ID [<00> <00>]")
    with pytest.raises(EncryptedError, match="^PDF encryption not supported: "):
        items(path)


def test_nothing_is_printed_on_damaged_input(tmp_path):
    # In a fresh interpreter, as the engine's workers run: pytest's own log capture would
    # hide what Python's last-resort handler prints to stderr.
    data = make_pdf(tmp_path / "t.pdf", [[Text(72, 700, "Un")]]).read_bytes()
    damaged = tmp_path / "d.pdf"
    damaged.write_bytes(data.replace(b"/Helvetica", b"/Nonexistent").replace(b"/Length", b"/Lenght"))
    script = ("import sys; from docsecrets.extract.pdf.reader import extract; from docsecrets.extract.context import Context; "
              "print(len(list(extract(open(sys.argv[1], 'rb').read(), Context()))), file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", script, str(damaged)], capture_output=True, text=True, check=True)
    assert (done.stdout, done.stderr) == ("", "6\n")


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=2000))
def test_random_bytes_raise_only_extract_error(data):
    for candidate in (data, b"%PDF-1.7\n" + data):
        try:
            list(extract(candidate, Context()))
        except ExtractError:
            pass


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_mangled_pdf_raises_only_extract_error(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("m") / "m.pdf"
    original = make_form_pdf(path, {"mot_de_passe": PASSWORD}).read_bytes()
    cut = data.draw(st.integers(min_value=0, max_value=len(original)))
    noise = data.draw(st.binary(max_size=40))
    try:
        list(extract(original[:cut] + noise + original[cut + len(noise):], Context()))
    except ExtractError:
        pass


@settings(max_examples=30, deadline=None)
@given(st.data())
def test_a_password_planted_in_a_random_cell_comes_out_at_that_cell(tmp_path_factory, data):
    n_rows = data.draw(st.integers(min_value=2, max_value=6))
    n_columns = data.draw(st.integers(min_value=2, max_value=5))
    word = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=12)
    table = [[data.draw(word) for _ in range(n_columns)] for _ in range(n_rows)]
    row, column = data.draw(st.integers(0, n_rows - 1)), data.draw(st.integers(0, n_columns - 1))
    table[row][column] = PASSWORD
    path = make_flow_pdf(tmp_path_factory.mktemp("t") / "t.pdf", tables=[table])
    found = [i for i in items(path) if isinstance(i, Row)]
    assert [[c.text for c in r.cells] for r in found] == table
    assert [[c.column for c in r.cells] for r in found] == [list(range(1, n_columns + 1))] * n_rows
    assert [r.location.row for r in found] == list(range(1, n_rows + 1))


def _parity_cases(tmp_path):
    table = [["Identifiant", "Mot de passe", "Serveur"], ["admin", PASSWORD, "srv1"], ["jdoe", OTHER, "srv2"]]
    yield make_flow_pdf(tmp_path / "t.pdf", ["Comptes", " ".join(f"mot{i}" for i in range(40))], [table])
    yield make_pdf(tmp_path / "h.pdf", [[
        Text(72, 700, "Visible"), Text(72, 660, f"mdp : {PASSWORD}", rgb=(1, 1, 1)),
        Text(72, 620, f"invisible {PASSWORD}", render_mode=3), Text(-400, 580, f"dehors {PASSWORD}"),
        Fill(60, 530, 300, 30, (0, 0, 0.5)), Text(72, 540, "Blanc sur bleu", rgb=(1, 1, 1)),
        Picture(60, 460, 300, 40), Text(72, 470, "Couche OCR", render_mode=3),
        Text(72, 400, "Identifiant"), Text(121, 400, "Mot de passe"), Rule(118, 380, 412),
        Text(72, 388, "admin"), Text(121, 388, PASSWORD),
    ]])


def test_pdfium_and_pdfminer_backends_agree(tmp_path, monkeypatch):
    for path in _parity_cases(tmp_path):
        monkeypatch.setenv("DOCSECRETS_PDF_BACKEND", "pdfminer")
        expected = items(path)
        monkeypatch.setenv("DOCSECRETS_PDF_BACKEND", "pdfium")
        assert items(path) == expected, path.name


def test_page_text_comes_from_pdfium_when_it_opens_the_file(tmp_path, monkeypatch):
    # The fallback to pdfminer's layout must not hide a failing PDFium path.
    import docsecrets.extract.pdf.pages as pages_module

    def no_layout(*_args):
        raise AssertionError("pdfminer layout used")

    monkeypatch.setattr(pages_module, "_lt_layout", no_layout)
    path = make_pdf(tmp_path / "p.pdf", [[Text(72, 700, "Mot de passe :"), Text(300, 700, PASSWORD)],
                                         [Text(72, 700, f"mdp {OTHER}", rgb=(1, 1, 1))]])
    found = items(path)
    assert rows(found) == [[("Mot de passe :", 1), (PASSWORD, 2)]]
    assert Segment(text=f"mdp {OTHER}", location=Location(page=2, line=1), hidden="white text") in found


def test_pdfminer_layout_reads_what_pdfium_cannot_open(tmp_path, monkeypatch):
    import docsecrets.extract.pdf.reader as pdf_module

    monkeypatch.setattr(pdf_module, "pdfium_open", lambda _data: None)
    path = make_pdf(tmp_path / "p.pdf", [[Text(72, 700, f"Mot de passe : {PASSWORD}")]])
    assert body(items(path)) == [Segment(text=f"Mot de passe : {PASSWORD}", location=Location(page=1, line=1))]


class _CreatesMarker:
    """Unpickling this calls open(marker, 'w'): the file appearing proves a pickle was loaded."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (open, (self.marker, "w"))


def _pdf_name(text: str) -> bytes:
    return b"/" + "".join(c if c.isalnum() else f"#{ord(c):02X}" for c in text).encode("ascii")


@pytest.mark.parametrize("backend", ["", "pdfminer"])
def test_font_encoding_naming_a_path_unpickles_nothing(tmp_path, monkeypatch, backend):
    """CVE-2025-64512: pdfminer.six < 20251107 loaded `<Encoding>.pickle.gz` from any path a PDF named."""
    import gzip
    import pickle

    from docsecrets.engine import scan_bytes

    marker = tmp_path / "unpickled"
    (tmp_path / "evil.pickle.gz").write_bytes(gzip.compress(pickle.dumps(_CreatesMarker(marker))))
    font = (b"<< /Type /Font /Subtype /Type0 /BaseFont /Evil /Encoding %s /DescendantFonts [5 0 R] >>"
            % _pdf_name(str(tmp_path / "evil")))
    path = make_raw_pdf(tmp_path / "cmap.pdf", {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: text_page(2, 4, 6),
        4: stream(b"BT /F1 12 Tf 72 720 Td (Mot de passe : " + PASSWORD.encode() + b") Tj ET"),
        5: b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /Evil /CIDSystemInfo "
           b"<< /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> >>",
        6: font,
    })
    monkeypatch.setenv("DOCSECRETS_PDF_BACKEND", backend)
    result = scan_bytes(path.read_bytes(), path=str(path))
    assert not marker.exists()
    assert result.format == "pdf"
    assert all(e.kind in ("unreadable", "internal") for e in result.errors)

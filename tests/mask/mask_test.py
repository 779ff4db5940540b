"""docsecrets mask: a copy of each document with findings, every secret replaced, the rest kept."""

from __future__ import annotations

import hashlib
import io
import json
import os
import pathlib
import shutil
import subprocess
import zipfile

import pytest
from click.testing import CliRunner

from docsecrets import mask as mask_module
from docsecrets.cli import cli
from docsecrets.extract import get_extractor
from docsecrets.extract.context import Context
from docsecrets.mask._replace import Replacer, rewrite
from docsecrets.types import Segment
from tests.fixtures.mask_builders import SECRETS, make_web_root

MASK = "********"
XLS_REFUSAL = ("legacy .xls workbooks are not rewritten; convert it (soffice --headless --convert-to xlsx) and mask "
               "the .xlsx, or remove it from where it is published (quarantine it)")


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def findings(path: pathlib.Path) -> list[dict[str, object]]:
    code, out = run("scan", "--format", "json", "--show-secrets", "--jobs", "1", str(path))
    return json.loads(out)["findings"]


@pytest.fixture
def masked(tmp_path: pathlib.Path) -> tuple[pathlib.Path, pathlib.Path, int, str]:
    www = make_web_root(tmp_path)
    out = tmp_path / "out"
    code, output = run("mask", "--jobs", "1", str(www), "-o", str(out))
    return www, out / "www", code, output


def segments(path: pathlib.Path) -> list[tuple[str, str]]:
    extractor = get_extractor({"docx": "docx", "pptx": "pptx"}[path.suffix[1:]])
    assert extractor is not None
    return [(item.location.describe(), item.text) for item in extractor(path.read_bytes(), Context.for_file(str(path)))
            if isinstance(item, Segment) and not item.location.describe().startswith("docProps")]


def test_mask_writes_a_copy_of_each_document_with_findings_and_refuses_the_rest(masked) -> None:
    www, out, code, output = masked
    assert code == 1  # the legacy .xls is refused
    lines = output.splitlines()
    assert f"{www}/.env: masked 1 finding -> {out}/.env" in lines
    assert f"{www}/InfosEtContacts.xlsx: masked 6 findings -> {out}/InfosEtContacts.xlsx" in lines
    assert f"{www}/procedure.docx: masked 4 findings -> {out}/procedure.docx" in lines
    assert f"{www}/acces.pptx: masked 3 findings -> {out}/acces.pptx" in lines
    assert f"{www}/comptes.csv: masked 1 finding -> {out}/comptes.csv" in lines
    assert f"{www}/InfosEtContacts.xls: refused: {XLS_REFUSAL}" in lines
    assert lines[-1] == "5 masked, 1 refused, 1 with nothing to mask, 0 skipped"
    assert sorted(p.name for p in out.iterdir()) == [".env", "InfosEtContacts.xlsx", "acces.pptx", "comptes.csv",
                                                     "procedure.docx"]
    assert findings(out) == []
    for secret in SECRETS.values():
        assert str(secret) not in output


def test_originals_are_never_modified(tmp_path: pathlib.Path) -> None:
    www = make_web_root(tmp_path)
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in www.iterdir()}
    run("mask", "--jobs", "1", str(www), "-o", str(tmp_path / "out"))
    assert {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in www.iterdir()} == before


def test_xlsx_keeps_every_other_cell_and_strips_the_property(masked) -> None:
    import openpyxl

    www, out, _, _ = masked
    before = openpyxl.load_workbook(www / "InfosEtContacts.xlsx")
    after = openpyxl.load_workbook(out / "InfosEtContacts.xlsx")
    assert after.sheetnames == before.sheetnames == ["Contacts", "Bases"]
    assert after["Bases"].sheet_state == "hidden"
    changed = {}
    for name in before.sheetnames:
        cells_before = {c.coordinate: c.value for row in before[name].iter_rows() for c in row}
        cells_after = {c.coordinate: c.value for row in after[name].iter_rows() for c in row}
        assert cells_after.keys() == cells_before.keys()
        changed.update({f"{name}!{ref}": cells_after[ref] for ref in cells_before
                        if cells_before[ref] != cells_after[ref]})
    assert changed == {"Contacts!D4": MASK, "Contacts!D5": MASK, "Bases!A1": f"mot de passe : {MASK} (base de test)"}
    assert after["Contacts"]["E6"].comment.text == f"mdp admin = {MASK}"
    assert after["Contacts"]["E6"].comment.author == "moi"
    assert after["Contacts"].oddFooter.center.text == f"password: {MASK}"
    assert after.properties.keywords is None
    assert after.properties.title == "Contacts des établissements"


def test_docx_keeps_every_other_paragraph_and_drops_tracked_deletions(masked) -> None:
    www, out, _, _ = masked
    before, after = segments(www / "procedure.docx"), segments(out / "procedure.docx")
    expected = [(where, text.replace(SECRETS["docx_split"], MASK).replace(SECRETS["docx_table"], MASK)
                 .replace(SECRETS["docx_footer"], MASK)) for where, text in before
                if SECRETS["docx_deleted"] not in text]
    assert ("body, line 2", f"Le mot de passe est {MASK} pour le compte ged, à changer en 2025.") in after
    assert after == expected
    assert b"delText" not in zipfile.ZipFile(out / "procedure.docx").read("word/document.xml")


def test_pptx_keeps_slides_tables_and_notes(masked) -> None:
    www, out, _, _ = masked
    before, after = segments(www / "acces.pptx"), segments(out / "acces.pptx")
    expected = [(where, text.replace(SECRETS["pptx_slide"], MASK).replace(SECRETS["pptx_notes"], MASK)
                 .replace(SECRETS["pptx_table"], MASK)) for where, text in before]
    assert after == expected
    assert ("notes, slide 1, page 1, line 1", f"password={MASK}") in after
    assert "docProps/thumbnail.jpeg" in zipfile.ZipFile(www / "acces.pptx").namelist()
    assert not [n for n in zipfile.ZipFile(out / "acces.pptx").namelist() if "thumbnail" in n]
    assert b"thumbnail" not in zipfile.ZipFile(out / "acces.pptx").read("_rels/.rels")


def test_text_files_keep_their_encoding_and_line_ends(masked) -> None:
    www, out, _, _ = masked
    original = (www / "comptes.csv").read_bytes()
    assert (out / "comptes.csv").read_bytes() == original.replace(SECRETS["csv"].encode(), MASK.encode())
    assert b"caf\xe9\r\n" in (out / "comptes.csv").read_bytes()
    assert (out / ".env").read_text() == f"DB_HOST=db\nDB_PASSWORD={MASK}\n"


def test_mask_text_is_configurable(tmp_path: pathlib.Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / ".env").write_text("DB_PASSWORD=" + SECRETS["env"] + "\n")
    code, output = run("mask", "--jobs", "1", "--mask", "xxxxxx", str(tmp_path / "in"), "-o", str(tmp_path / "out"))
    assert code == 0, output
    assert (tmp_path / "out" / "in" / ".env").read_text() == "DB_PASSWORD=xxxxxx\n"


def test_nothing_to_mask_exits_0_and_writes_nothing(tmp_path: pathlib.Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "notes.txt").write_text("Rien à signaler.\n")
    code, output = run("mask", "--jobs", "1", str(tmp_path / "in"), "-o", str(tmp_path / "out"))
    assert (code, output) == (0, "0 masked, 0 refused, 1 with nothing to mask, 0 skipped\n")
    assert list((tmp_path / "out").iterdir()) == []


def test_formats_that_cannot_be_rewritten_are_refused_with_the_reason(tmp_path: pathlib.Path) -> None:
    from tests.fixtures.corpus_builders import build

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "doc.pdf").write_bytes(build("pdf"))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("site/.env", "DB_PASSWORD=" + SECRETS["env"] + "\n")
    (folder / "backup.zip").write_bytes(buffer.getvalue())
    (folder / "vide.docx").write_bytes(b"")
    code, output = run("mask", "--jobs", "1", str(folder), "-o", str(tmp_path / "out"))
    assert code == 1
    reasons = {line.split(": refused: ")[0].rsplit("/", 1)[-1]: line.split(": refused: ")[1]
               for line in output.splitlines() if ": refused: " in line}
    assert reasons["backup.zip"].startswith("a secret is inside the embedded file site/.env, which is not rewritten")
    assert reasons["doc.pdf"].startswith("PDF is not rewritten")
    assert reasons["vide.docx"].startswith("not read completely (empty file: a .docx document cannot be 0 bytes)")
    assert list((tmp_path / "out").iterdir()) == []


def test_a_copy_with_a_finding_left_is_deleted_and_refused(tmp_path: pathlib.Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / ".env").write_text("DB_PASSWORD=" + SECRETS["env"] + "\n")
    from docsecrets.mask import text as text_masker

    monkeypatch.setattr(text_masker, "mask", lambda data, replacer, *, suffix: data)  # a masker that misses
    code, output = run("mask", "--jobs", "1", str(tmp_path / "in"), "-o", str(tmp_path / "out"))
    assert code == 1
    assert f"{tmp_path}/in/.env: refused: could not mask every finding (1 left in the copy, which was not written)" \
        in output
    assert list((tmp_path / "out").rglob("*")) == []


def test_output_inside_a_scanned_folder_is_a_usage_error(tmp_path: pathlib.Path) -> None:
    www = make_web_root(tmp_path)
    code, output = run("mask", str(www), "-o", str(www / "masked"))
    assert code == 2
    assert "is inside the scanned folder" in output
    assert not (www / "masked").exists()
    code, output = run("mask", str(www / "procedure.docx"), "-o", str(tmp_path))
    assert code == 2 and "is inside the output folder" in output


def test_a_symlink_at_the_target_is_refused_and_left_alone(tmp_path: pathlib.Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / ".env").write_text("DB_PASSWORD=" + SECRETS["env"] + "\n")
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text("keep me\n")
    (tmp_path / "out" / "in").mkdir(parents=True)
    os.symlink(elsewhere, tmp_path / "out" / "in" / ".env")
    code, output = run("mask", "--jobs", "1", str(tmp_path / "in"), "-o", str(tmp_path / "out"))
    assert code == 1
    assert f"refused: cannot write the copy: {tmp_path}/out/in/.env is a symlink" in output
    assert elsewhere.read_text() == "keep me\n"
    assert os.path.islink(tmp_path / "out" / "in" / ".env")
    assert [p.name for p in (tmp_path / "out" / "in").iterdir()] == [".env"]  # no temp file left


def test_relative_names_never_leave_the_output_folder() -> None:
    with pytest.raises(mask_module.MaskRefused):
        mask_module._write("/nonexistent-out", "../escape.txt", b"x", source="/dev/null")


def test_secrets_are_replaced_as_whole_words_first() -> None:
    replacer = Replacer(["sa"], MASK)
    assert replacer.sub("login sa / Vasari") == f"login {MASK} / Vasari"
    assert Replacer(["sa"], MASK, whole_words=False).sub("Vasari") == f"Va{MASK}ri"
    assert Replacer(["p@ss"], MASK).sub("user:p@ss@host") == f"user:{MASK}@host"


def test_a_secret_split_over_runs_goes_into_the_first_run() -> None:
    texts = ["mot de passe : Ged", "Urg", "2013! fin"]
    spans = Replacer(["GedUrg2013!"], MASK).spans("".join(texts))
    assert rewrite(texts, spans) == [f"mot de passe : {MASK}", "", " fin"]


def test_a_private_key_is_masked_line_by_line() -> None:
    key = "-----BEGIN RSA PRIVATE KEY-----\n" + "QUJD" * 10 + "\n" + "-----END RSA PRIVATE KEY-----"
    replacer = Replacer([key], MASK)
    assert replacer.sub(key.replace("\n", "\r\n")) == f"{MASK}\r\n{MASK}\r\n{MASK}"


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_masked_copies_open_in_libreoffice(masked, tmp_path: pathlib.Path) -> None:
    _, out, _, _ = masked
    for name in ("InfosEtContacts.xlsx", "procedure.docx", "acces.pptx"):
        result = subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo-profile",
                                 "--convert-to", "pdf", "--outdir", str(tmp_path / "pdf"), str(out / name)],
                                capture_output=True, timeout=180, check=False)
        assert result.returncode == 0, result.stderr
        assert (tmp_path / "pdf" / (name.rsplit(".", 1)[0] + ".pdf")).stat().st_size > 1000


@pytest.mark.shared
@pytest.mark.parametrize("corpus", ["eval", "eval2"])
def test_masked_copies_of_the_corpora_have_no_finding(corpus: str, shared_dir: pathlib.Path,
                                                      tmp_path: pathlib.Path) -> None:
    outcomes = mask_module.mask_paths([str(shared_dir / corpus / "corpus")], out_dir=str(tmp_path / "out"))
    masked = [o for o in outcomes if o.status == "masked"]
    assert len(masked) >= 10
    assert all(o.reason for o in outcomes if o.status == "refused")
    assert findings(tmp_path / "out") == []
    for outcome in masked:  # everything but the secrets (and tracked deletions) reads the same
        assert outcome.output is not None
        assert _content(pathlib.Path(outcome.output)) == _content(pathlib.Path(outcome.path), masked_from=True), \
            outcome.path


def _content(path: pathlib.Path, *, masked_from: bool = False) -> list[tuple[str, str]]:
    """What the scanner reads in a document, with the secrets of the original replaced the
    way `mask` does (whole words first), runs of masks folded into one, properties left out."""
    import re

    from docsecrets.scan import scan_file
    from docsecrets.sniff import sniff
    from docsecrets.types import Row

    data = path.read_bytes()
    extractor = get_extractor(sniff(data, path.name))
    assert extractor is not None
    items = []
    for item in extractor(data, Context.for_file(path.name)):
        if isinstance(item, Segment) and not (item.hidden or "").startswith("tracked deletion"):
            items.append((item.location.describe(), item.text))
        elif isinstance(item, Row):
            items.append((item.location.describe(), " | ".join(c.text for c in item.cells)))
    items = [(where, text) for where, text in items if not where.startswith(("docProps", "meta"))]
    if masked_from:
        replacer = Replacer([f.secret for f in scan_file(str(path)).findings], MASK)
        items = [(where, replacer.sub(text)) for where, text in items]
        rest = Replacer([s for s in replacer.secrets if s not in replacer.hits], MASK, whole_words=False)
        items = [(where, rest.sub(text)) for where, text in items]
    return [(where, re.sub(r"\*{8}(?:\s*\*{8})*", MASK, text)) for where, text in items]


def _odf_rows(tmp_path: pathlib.Path) -> pathlib.Path:
    from tests.fixtures.odf_builders import odfpy_spreadsheet

    number = 20 * 1_000_000 + 122_013
    return odfpy_spreadsheet(tmp_path, [["Serveur", "Identifiant", "Mot de passe", "Remarque"],
                                        ["10.1.2.3", "admin", SECRETS["xlsx_cell"], "VNC"],
                                        ["10.1.2.4", "root", number, "SSH, depuis 2013"]], name="Comptes")


def test_ods_cells_are_masked_and_numbers_become_text(tmp_path: pathlib.Path) -> None:
    path = _odf_rows(tmp_path)
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("Thumbnails/thumbnail.png", b"\x89PNG preview of the first page")
    out = tmp_path / "out"
    code, output = run("mask", "--jobs", "1", str(path), "-o", str(out))
    assert (code, output.splitlines()[0]) == (0, f"{path}: masked 2 findings -> {out}/odfpy.ods")
    assert findings(out) == []
    extractor = get_extractor("ods")
    rows = [(item.location.describe(), " | ".join(c.text for c in item.cells))
            for item in extractor((out / "odfpy.ods").read_bytes(), Context.for_file("odfpy.ods"))
            if hasattr(item, "cells")]
    assert rows == [("Comptes, row 1", "Serveur | Identifiant | Mot de passe | Remarque"),
                    ("Comptes, row 2", f"10.1.2.3 | admin | {MASK} | VNC"),
                    ("Comptes, row 3", f"10.1.2.4 | root | {MASK} | SSH, depuis 2013")]
    masked = zipfile.ZipFile(out / "odfpy.ods")
    assert masked.infolist()[0].filename == "mimetype"
    assert masked.infolist()[0].compress_type == zipfile.ZIP_STORED
    assert not [n for n in masked.namelist() if n.startswith("Thumbnails/")]
    assert b"Thumbnails" not in masked.read("META-INF/manifest.xml")
    assert b"20122013" not in masked.read("content.xml")


def test_odt_paragraphs_split_by_spans_are_masked(tmp_path: pathlib.Path) -> None:
    from tests.fixtures.odf_builders import write_odf

    body = ('<text:p>Le mot de passe est <text:span>Ged</text:span>Urg<text:span>2013!</text:span> pour ged.</text:p>'
            "<text:p>Une ligne sans secret.</text:p>")
    path = write_odf(tmp_path, "text", body)
    out = tmp_path / "out"
    code, _ = run("mask", "--jobs", "1", str(path), "-o", str(out))
    assert code == 0
    extractor = get_extractor("odt")
    texts = [item.text for item in extractor((out / path.name).read_bytes(), Context.for_file(path.name))
             if isinstance(item, Segment)]
    assert texts == [f"Le mot de passe est {MASK} pour ged.", "Une ligne sans secret."]


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_masked_ods_opens_in_libreoffice(tmp_path: pathlib.Path) -> None:
    path = _odf_rows(tmp_path)
    run("mask", "--jobs", "1", str(path), "-o", str(tmp_path / "out"))
    result = subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo-profile",
                             "--convert-to", "csv", "--outdir", str(tmp_path / "csv"), str(tmp_path / "out" / path.name)],
                            capture_output=True, timeout=180, check=False)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "csv" / "odfpy.csv").read_text().splitlines() == [
        "Serveur,Identifiant,Mot de passe,Remarque", f"10.1.2.3,admin,{MASK},VNC",
        f'10.1.2.4,root,{MASK},"SSH, depuis 2013"']


def test_a_writer_that_hangs_is_killed_and_the_file_refused(tmp_path: pathlib.Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / ".env").write_text("DB_PASSWORD=" + SECRETS["env"] + "\n")
    from docsecrets.mask import text as text_masker

    monkeypatch.setattr(text_masker, "mask", lambda data, replacer, *, suffix: time.sleep(30) or data)
    started = time.monotonic()
    code, output = run("mask", "--jobs", "1", "--timeout", "1", str(tmp_path / "in"), "-o", str(tmp_path / "out"))
    assert time.monotonic() - started < 20
    assert code == 1
    assert f"{tmp_path}/in/.env: refused: timed out after 1 s while rewriting (writer killed; see --timeout)" in output
    assert list((tmp_path / "out").rglob("*")) == []

"""Never print what we protect: secrets planted in every place a document can hold them, then
every output docsecrets writes (text, json, sarif, github, the cache's rows, a baseline) is
searched for each raw value. Absent without --show-secrets; present in json with it."""

from __future__ import annotations

import json
import pathlib
import sqlite3

import openpyxl
import pytest
from click.testing import CliRunner
from openpyxl.comments import Comment

from docsecrets.cli import cli
from tests.fixtures.archive_builders import make_zip, make_zip_raw
from tests.fixtures.pdf_builders import HELVETICA, make_raw_pdf, stream, text_page
from tests.fixtures.xlsx_builders import make_xlsx

URL_USER_PW = "Url9" + "pass"
URL_QUERY_PW = "Intra" + "77k"
PDF_PW = "Tulle" + "2012"
CELL_PW = "Cellule" + "88!"
COMMENT_PW = "Commente" + "55"
HIDDEN_PW = "Cache" + "Sheet31"
MEMBER_PW = "Membre" + "2020x"
HEADER_NAME = "Zr8" + "kq2Mwx"  # only in a zip member's local header: quoted by zipfile's own error
FOUND = (URL_USER_PW, CELL_PW, COMMENT_PW, HIDDEN_PW, MEMBER_PW)
ALL = (*FOUND, URL_QUERY_PW, PDF_PW, HEADER_NAME)


def _tree(root: pathlib.Path) -> pathlib.Path:
    www = root / "www"
    www.mkdir()
    (www / "acces.txt").write_text(
        f"Accès web https://admin:{URL_USER_PW}@intra.hopital.fr/dpu/login?user=admin&pwd={URL_QUERY_PW}#top\n")
    make_raw_pdf(www / "broken.pdf", {  # pdfminer's PSSyntaxError quotes the dictionary it could not build
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: text_page(2, 4, 5),
        4: stream(b"BT /F1 12 Tf 72 720 Td (Bonjour) Tj ET"),
        5: HELVETICA,
        6: b"<< /Title (mot de passe : " + PDF_PW.encode() + b") /Author >>",
    }, trailer=b"/Info 6 0 R")

    def hide(wb: openpyxl.Workbook) -> None:
        wb["Sheet1"]["D1"].comment = Comment(f"mot de passe : {COMMENT_PW}", "admin")
        wb["Bases"].sheet_state = "hidden"

    make_xlsx(www, {"Sheet1!A1": "Login", "Sheet1!B1": "Mot de passe", "Sheet1!A2": "admin",
                    "Sheet1!B2": CELL_PW, "Bases!A1": f"mot de passe : {HIDDEN_PW}"}, configure=hide)
    (www / "backup.zip").write_bytes(make_zip({"site/.env": f"DB_PASSWORD={MEMBER_PW}\n".encode()}))
    damaged = make_zip_raw([("notes1234.txt", b"hello\n")])
    (www / "damaged.zip").write_bytes(damaged.replace(b"notes1234.txt", HEADER_NAME.encode() + b".txt", 1))
    return www


def _run(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 1, result.output
    return result.output


@pytest.fixture
def www(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> pathlib.Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DOCSECRETS_CACHE_DIR", str(tmp_path / "cache"))
    return _tree(tmp_path)


def test_every_planted_secret_is_found(www: pathlib.Path) -> None:
    document = json.loads(_run("scan", "--format", "json", "--show-secrets", "--jobs", "1", "www"))
    secrets = {f["secret"] for f in document["findings"]}
    assert set(FOUND) <= secrets
    described = [f["description"] for f in document["findings"] if f["path"] == "www/acces.txt"]
    assert "web access to https://intra.hopital.fr/dpu/login" in described
    errors = {e["path"]: e["error"] for e in document["errors"]}
    assert errors["www/broken.pdf"] == "unscannable: truncated or corrupt PDF: PSSyntaxError: PDF syntax error"
    assert errors["www/damaged.zip"] == ("unscannable: part 'notes1234.txt' is corrupt: "
                                         "BadZipFile: damaged zip structure")


def test_no_output_holds_a_raw_secret_without_show_secrets(www: pathlib.Path, tmp_path: pathlib.Path) -> None:
    outputs = {fmt: _run("scan", "--format", fmt, "--jobs", "1", "www") for fmt in ("text", "json", "sarif", "github")}
    outputs["cached text"] = _run("scan", "--cache", "--jobs", "1", "www")
    outputs["cached json"] = _run("scan", "--cache", "--format", "json", "--jobs", "1", "www")  # read from the cache
    [database] = (tmp_path / "cache").glob("*.sqlite3")
    with sqlite3.connect(database) as db:
        rows = [row for table in ("files", "meta") for row in db.execute(f"SELECT * FROM {table}")]  # noqa: S608
    assert rows
    outputs["cache rows"] = "\n".join(repr(row) for row in rows)
    outputs["cache bytes"] = database.read_bytes().decode("latin-1")
    result = CliRunner().invoke(cli, ["baseline", "create", "--jobs", "1", "www", "-o", "base.json"])
    assert result.exit_code == 1, result.output  # written, then the unscannable files fail the run
    assert "wrote 6 findings" in result.output
    outputs["baseline"] = (tmp_path / "base.json").read_text() + result.output
    leaks = [(name, secret) for name, text in outputs.items() for secret in ALL if secret in text]
    assert leaks == []


def test_library_reasons_keep_known_safe_messages_and_drop_the_rest() -> None:
    import zipfile

    from docsecrets.extract.common.reason import reason

    assert reason(zipfile.BadZipFile(f"Bad CRC-32 for file '{CELL_PW}.txt'")) == "BadZipFile: Bad CRC-32"
    assert reason(zipfile.BadZipFile(f"File name in directory 'a' and header b'{CELL_PW}' differ.")) == \
        "BadZipFile: damaged zip structure"
    assert reason(ValueError(f"could not convert string to float: '{CELL_PW}'")) == "ValueError: invalid value"
    assert reason(NotImplementedError("zip file version 6.3")) == "NotImplementedError: zip file version 6.3"

    class PSSyntaxError(Exception):
        pass

    assert reason(PSSyntaxError(f"Invalid dictionary construct: [b'mot de passe : {PDF_PW}']")) == \
        "PSSyntaxError: PDF syntax error"

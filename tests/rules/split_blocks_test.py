"""Blocks a document cut into pieces: private keys with one paragraph or cell per line, tokens
cut by a PDF line break, HTTP Basic credentials in base64."""

from __future__ import annotations

import base64

from docsecrets.engine import scan_bytes, scan_text
from docsecrets.rules.split_blocks import KeyJoiner, unwrapped
from docsecrets.types import Location
from tests.fixtures.docx_builders import make_docx
from tests.fixtures.xlsx_builders import make_xlsx

BODY = ["MIIEvAIBADANBgkqhkiG9w0BAQEFAASCBKYwggSiAgEAAoIBAQDZ" + "A" * 12, "hycDSvMPUDBdz" + "B" * 51,
        "xL" + "C" * 40 + "==",]
KEY = ["-----BEGIN " + "PRIVATE KEY-----", *BODY, "-----END " + "PRIVATE KEY-----"]


def test_key_with_one_paragraph_per_line_in_docx(tmp_path) -> None:
    def build(document) -> None:
        document.add_paragraph("Clé privée du certificat (ne pas diffuser) :")
        for line in KEY:
            document.add_paragraph(line)
        document.add_paragraph("Fin de la procédure.")
    path = make_docx(tmp_path, build)
    findings = [f for f in scan_bytes(path.read_bytes(), path=str(path)).findings]
    assert [(f.rule_id, f.location.line, f.secret) for f in findings] == [("DS210", 2, "\n".join(KEY))]


def test_key_with_one_cell_per_line_in_xlsx(tmp_path) -> None:
    path = make_xlsx(tmp_path, {f"Sheet1!A{i}": line for i, line in enumerate(["Schlüssel"] + KEY, start=1)})
    findings = scan_bytes(path.read_bytes(), path=str(path)).findings
    assert [(f.rule_id, f.location.cell, f.secret) for f in findings] == [("DS210", "A2", "\n".join(KEY))]


def test_a_key_header_in_prose_without_body_is_not_a_key() -> None:
    joiner = KeyJoiner()
    loc = Location(part="body", line=1)
    pieces = ["-----BEGIN " + "PRIVATE KEY----- marks the start of a key.", "Then comes its body.", "Done."]
    assert [b for text in pieces for b in joiner.feed(text, loc, None)] + list(joiner.flush()) == []


def test_other_part_ends_the_block() -> None:
    joiner = KeyJoiner()
    assert list(joiner.feed(KEY[0], Location(part="body", line=1), None)) == []
    assert list(joiner.feed(BODY[0], Location(part="body", line=2), None)) == []
    (block,) = joiner.feed(BODY[1], Location(part="header", line=1), None)
    assert block == ("\n".join(KEY[:2]), Location(part="body", line=1), None)


def test_token_cut_by_a_pdf_line_break() -> None:
    token = "ghp_" + "F1Q2W2wis4pPr6BrEZ" + "nkwaJ9rPt7voNPfIUt"
    text = f"use this personal token (expires in May): {token[:22]}\n{token[22:]} - keep it private"
    result = scan_bytes(text.encode(), path="licence.txt")
    assert [(f.rule_id, f.secret, f.location.line) for f in result.findings] == [("DS200", token, 1)]


def test_ordinary_line_breaks_are_not_glued() -> None:
    assert unwrapped("Le serveur redémarre à 22h\net la sauvegarde suit.") is None
    assert unwrapped("one line") is None


def test_http_basic_credentials_are_decoded_and_checked() -> None:
    encoded = base64.b64encode(b"integracion:" + b"Integra2024$").decode()
    assert [(m.rule.id, m.secret) for m in scan_text(f"Authorization: Basic {encoded}")] == [("DS110", encoded)]
    placeholder = base64.b64encode(b"user:<password>").decode()
    assert scan_text(f"Authorization: Basic {placeholder}") == []
    assert scan_text("Authorization: Basic dGhpcyBpcyBub3QgYSBwYWly") == []  # "this is not a pair"


def test_a_token_whole_at_the_end_of_its_line_is_not_glued_to_the_next_word() -> None:
    from docsecrets.engine import scan_bytes

    key = "AKIA" + "CM7QJAH2CRGM" + "PDOV"
    text = f"[default]\naws_access_key_id = {key}\naws_secret_access_key = x\n"
    found = {f.secret for f in scan_bytes(text.encode(), path="notes.txt").findings if f.rule_id == "DS200"}
    assert found == {key}

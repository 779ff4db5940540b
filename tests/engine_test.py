from __future__ import annotations

import io
import re
import zipfile

from hypothesis import given, settings
from hypothesis import strategies as st

from docsecrets.engine import may_match, scan_bytes, scan_text
from docsecrets.identity import fingerprint, redact
from docsecrets.types import Severity

PW = "Labo" + "2019$"


@given(st.text(min_size=1, max_size=80))
def test_redacted_never_contains_the_secret_nor_its_length(secret: str) -> None:
    shown = redact(secret)
    if len(secret) < 12:
        assert shown == "********"  # no character, and the same mask for every length
    else:
        assert secret not in shown
        assert sum(1 for c in shown if c not in "*…") <= 4 or "\n" in secret
        assert str(len(secret)) not in shown.replace(secret[:2], "").replace(secret[-2:], "")


def test_redaction_shape() -> None:
    assert redact("Urgences2013!") == "Ur…3!"
    assert redact("sa") == redact("vnc123") == redact("Brive" + "19!") == redact("Urgences201") == "********"
    assert redact("") == ""
    key = "-----BEGIN RSA PRIVATE KEY-----\n" + "MIIEow" + "A" * 60 + "\n-----END RSA PRIVATE KEY-----"
    assert redact(key) == "-----BEGIN RSA PRIVATE KEY-----…"
    assert redact("line one of" + "x" * 5 + "\nsecond") == "li…"


def test_fingerprint_ignores_location_but_not_the_secret() -> None:
    a = scan_bytes(f"\nmdp = {PW}\n".encode(), path="notes.txt").findings[0]
    b = scan_bytes(f"\n\n\n\nmdp = {PW}\n".encode(), path="notes.txt").findings[0]
    c = scan_bytes(f"\nmdp = {PW}x\n".encode(), path="notes.txt").findings[0]
    assert a.location.line == 2 and b.location.line == 5
    assert a.fingerprint == b.fingerprint != c.fingerprint
    assert a.fingerprint == fingerprint("DS101", "notes.txt", (), PW)


def test_overlapping_rules_report_once() -> None:
    found = scan_text(f"postgresql://app:{PW}@db/prod?password={PW}")
    assert [m.rule.id for m in found] == ["DS110"]


def test_remote_access_pairs_credential_with_target_and_kind() -> None:
    result = scan_bytes(f"Serveur PACS 10.20.30.40 accès VNC, mdp : {PW}\n".encode(), path="n.txt")
    (finding,) = result.findings
    assert (finding.rule_id, finding.severity) == ("DS130", Severity.CRITICAL)
    assert finding.description == "VNC access to 10.20.30.40"


def test_members_of_archives_carry_their_chain() -> None:
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as archive:
        archive.writestr("site/config.php", f"<?php\n$db_password = '{PW}';\n")
    outer = io.BytesIO()
    with zipfile.ZipFile(outer, "w") as archive:
        archive.writestr("backup.zip", inner.getvalue())
    (finding,) = scan_bytes(outer.getvalue(), path="www.zip").findings
    assert finding.chain == ("backup.zip", "site/config.php")
    assert finding.location.line == 2 and finding.secret == PW


def test_encrypted_document_is_an_unscannable_finding_and_an_error() -> None:
    import olefile  # noqa: F401  (the sniffer reads OLE directories)

    from tests.fixtures.mail_builders import make_ole

    data = make_ole({"EncryptionInfo": b"\x04\x00\x04\x00" + b"\x00" * 64, "EncryptedPackage": b"\x00" * 64})
    result = scan_bytes(data, path="classeur.xlsx")
    assert [(f.rule_id, f.severity) for f in result.findings] == [("DS000", Severity.MEDIUM)]
    assert result.errors[0].kind == "encrypted" and "encrypted" in result.errors[0].error


def test_empty_document_and_random_bytes_are_errors() -> None:
    assert scan_bytes(b"", path="vide.docx").errors[0].error.startswith("empty file")
    assert scan_bytes(b"", path="vide.txt").errors == ()
    assert "matches no known format" in scan_bytes(bytes(range(256)) * 4, path="x.pdf").errors[0].error


def test_text_file_with_pdf_magic_is_read_as_text_when_the_pdf_reader_fails() -> None:
    text = "Notes de migration\nLe fichier commence par %PDF-1.4 dans les exports\n\n" + "x\n" * 40 + f"mdp = {PW}\n"
    result = scan_bytes(text.encode(), path="notes.txt")
    assert [(f.rule_id, f.secret, f.location.line) for f in result.findings] == [("DS101", PW, 44)]
    assert result.errors == () and result.format == "text"


def test_binary_that_fails_as_pdf_keeps_its_parse_error() -> None:
    result = scan_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 4, path="broken.bin")
    assert result.findings == ()
    assert [(e.kind, e.error.startswith("unscannable: ")) for e in result.errors] == [("unreadable", True)]


def test_text_named_as_a_document_keeps_its_parse_error() -> None:
    """A .pdf that is all ASCII but no PDF is a damaged document: fail closed, even if read as text."""
    result = scan_bytes(f"%PDF-1.4\nmdp = {PW}\n".encode(), path="broken.pdf")
    assert [e.kind for e in result.errors] == ["unreadable"]


_FRAGMENTS = [
    "password", "Mot de passe", "mdp", "PW", "Kennwort", "secret", "token", "api_key", "=", ":", " ", "\n", "/",
    "@", "://", "https", "user", "admin", "root", "host.example", "-p", "-P", "--password", "Tulle" + "2012!",
    "ghp_" + "A" * 36, "AKIA" + "B" * 16, "xoxb-" + "1" * 12, "AIza" + "x" * 35, "github_pat_" + "1" * 82,
    "-----BEGIN RSA PRIVATE KEY-----\n" + "M" * 64 + "\n-----END RSA PRIVATE KEY-----", "KeePass database",
    "PKCS#12 key store", "51:b:" + "01000000D08C9DDF" * 8, "Password=" + "a1b2c3d4e5f6a7b8", "12345", "2024-01-02",
]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_FRAGMENTS) | st.text(max_size=6), max_size=8).map("".join))
def test_the_cell_prefilter_never_hides_a_match(text):
    assert may_match(text) or not scan_text(text)


def test_the_cell_prefilter_passes_over_numbers_and_plain_words():
    assert [may_match(t) for t in ("12345678", "2024-01-02 10:00", "1 234,56", "Dupont", " Inventaire ")] == \
        [False] * 5
    assert [may_match(t) for t in ("mdp Tulle2012", "ghp_" + "A" * 36, "x=y", "a/b")] == [True] * 4

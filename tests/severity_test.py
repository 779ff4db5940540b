"""The severity scale: a password alone is medium; with the host, IP or URL it opens, in the same
row, line or paragraph, high; with a named kind of access (VNC, RDP, SSH, database...), critical."""

from __future__ import annotations

import io

from docsecrets.engine import scan_bytes
from docsecrets.types import Severity

PW = "Tulle" + "2012"


def xlsx(rows: list[list[str]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def only(data: bytes, path: str) -> tuple[str, Severity, str]:
    findings = scan_bytes(data, path=path).findings
    assert len(findings) == 1, findings
    return findings[0].rule_id, findings[0].severity, findings[0].description


def test_a_password_alone_is_medium() -> None:
    assert only(xlsx([["Site", "Mot de passe"], ["CH Nord", PW]]), "a.xlsx") == (
        "DS100", Severity.MEDIUM, "column 'Mot de passe'")


def test_a_password_with_its_server_ip_in_the_row_is_high() -> None:
    data = xlsx([["Serveur", "IP", "Login", "Mot de passe"], ["srv-app", "10.1.2.3", "admin", PW]])
    assert only(data, "a.xlsx") == ("DS100", Severity.HIGH, "password for 10.1.2.3 (column 'Mot de passe')")


def test_a_password_with_a_named_access_is_critical() -> None:
    data = xlsx([["Serveur", "IP VNC", "Login", "Mot de passe"], ["srv-pacs", "10.1.2.3", "admin", PW]])
    rule, severity, description = only(data, "a.xlsx")
    assert (rule, severity) == ("DS130", Severity.CRITICAL) and description.startswith("VNC access to 10.1.2.3")


def test_a_password_next_to_a_host_name_is_high() -> None:
    text = f"Serveur : srv01.hopital.local\nmot de passe : {PW}\n".encode()
    rule, severity, description = only(text, "notes.txt")
    assert (rule, severity) == ("DS101", Severity.HIGH)
    assert description.endswith("; password for srv01.hopital.local")


def test_a_password_next_to_a_url_is_critical_web_access() -> None:
    text = f"Portail https://portail.example.org/login\nmot de passe : {PW}\n".encode()
    assert only(text, "notes.txt") == ("DS130", Severity.CRITICAL, "web access to https://portail.example.org/login")

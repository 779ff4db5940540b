from __future__ import annotations

from docsecrets.rules.table_password import TableReader
from docsecrets.types import Cell, Location, Row


def row(number: int, *texts: str) -> Row:
    cells = tuple(Cell(text=t, column=i, ref=f"{chr(64 + i)}{number}") for i, t in enumerate(texts, start=1) if t)
    return Row(cells=cells, location=Location(part="S", row=number), table="S")


def read(rows: list[Row]) -> list[tuple[str, str]]:
    reader = TableReader()
    return [(hit.cell.ref or "", hit.secret) for r in rows for hit in reader.read(r)]


def test_values_under_a_password_header_a_few_rows_down() -> None:
    rows = [row(1, "Liste des accès"), row(2), row(3, "Site", "Login", "Mot de passe", "MDP VNC"),
            row(4, "CH Nord", "urg", "sa", "vnc" + "123"), row(5, "CH Sud", "urg", "19730512", "")]
    assert read(rows) == [("C4", "sa"), ("D4", "vnc123"), ("C5", "19730512")]


def test_row_label_layout() -> None:
    rows = [row(1, "Serveur", "10.0.0.1"), row(2, "Mot de passe", "Tulle" + "#19"), row(3, "Identifiant BDD", "x")]
    assert read(rows) == [("B2", "Tulle#19")]


def test_masked_and_pointer_values_are_not_secrets() -> None:
    rows = [row(1, "Login", "Mot de passe"), row(2, "a", "********"), row(3, "b", "voir KeePass"),
            row(4, "c", "(masqué)"), row(5, "d", "")]
    assert read(rows) == []


def test_columns_about_passwords_are_not_password_columns() -> None:
    rows = [row(1, "Login", "Date changement mot de passe", "Longueur mot de passe"),
            row(2, "bob", "2020-01-01", "12")]
    assert read(rows) == []


def test_a_data_row_is_not_taken_for_a_new_header() -> None:
    rows = [row(1, "Application", "URL", "Identifiant", "Mot de passe"),
            row(2, "GED", "http://10.1.2.3/ged", "secretariat6", "Azer" + "ty430!"),
            row(3, "RH", "http://10.1.2.4/rh", "cadre", "Hiver" + "2011?")]
    assert read(rows) == [("D2", "Azerty430!"), ("D3", "Hiver2011?")]


def test_key_column_keeps_hex_keys() -> None:
    key = "fd9434f0a534316a" + "70d6890350d368f9"
    rows = [row(1, "Partenaire", "Clé API"), row(2, "Labo", key)]
    assert read(rows) == [("B2", key)]

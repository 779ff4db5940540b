"""Patient lists: one finding per table, from header columns in seven languages (health pack)."""

from __future__ import annotations

import random

import pytest

from docsecrets.config import Config
from docsecrets.engine import scan_bytes
from docsecrets.pii.tables import PatientTables
from docsecrets.pii.vocabulary import column_kind
from docsecrets.types import Cell, Location, Row
from tests.fixtures.pii_builders import FIRST, LAST, birth, nir

PII = Config(packs=("health",))
RNG = random.Random(18)


def rows_of(table: list[list[str]], *, table_id: str = "t1") -> list[Row]:
    return [Row(cells=tuple(Cell(text=text, column=c) for c, text in enumerate(values, start=1) if text),
                location=Location(part="Feuil1", row=r), table=table_id)
            for r, values in enumerate(table, start=1)]


def observe(table: list[list[str]]) -> list[tuple[str, str, str]]:
    observer = PatientTables()
    for row in rows_of(table):
        observer.row(row)
    return [(h.rule.id, str(h.severity), h.description) for h in observer.finish()]


def people(count: int) -> list[list[str]]:
    return [[RNG.choice(LAST), RNG.choice(FIRST), birth(RNG), nir(RNG, spaced=True)] for _ in range(count)]


@pytest.mark.parametrize(("count", "severity"), [(1, "medium"), (9, "medium"), (10, "high"), (99, "high"),
                                                 (100, "critical")])
def test_one_finding_per_table_with_severity_by_volume(count: int, severity: str) -> None:
    table = [["Nom", "Prénom", "Date de naissance", "NIR"], *people(count)]
    rows = "row" if count == 1 else "rows"
    assert observe(table) == [("DS310", severity,
                               f"patient list: {count} {rows} (columns Nom, Prénom, Date de naissance, NIR)")]


@pytest.mark.parametrize("header", [
    ["Nom", "Prénom", "DDN", "IPP"],
    ["Last name", "First name", "Date of birth", "MRN"],
    ["Name", "Vorname", "Geburtsdatum", "Diagnose"],
    ["Apellidos", "Nombre", "Fecha de nacimiento", "Diagnóstico"],
    ["Cognome", "Nome", "Data di nascita", "Codice fiscale"],
    ["Achternaam", "Voornaam", "Geboortedatum", "BSN"],
    ["Apelido", "Nome próprio", "Data de nascimento", "Número de utente"],
])
def test_headers_in_seven_languages(header: list[str]) -> None:
    table = [header] + [[RNG.choice(LAST), RNG.choice(FIRST), birth(RNG), str(RNG.randint(10**6, 10**7))]
                        for _ in range(3)]
    assert observe(table) == [("DS310", "medium", f"patient list: 3 rows (columns {', '.join(header)})")]


@pytest.mark.parametrize("table", [
    # staff phone list
    [["Nom", "Prénom", "Service", "Téléphone", "Poste"], ["MARTIN", "Paul", "DSI", "01 02 03 04 05", "412"]],
    # address book
    [["Name", "First name", "Address", "City", "Phone"], ["SMITH", "Ann", "1 High Street", "Leeds", "0113"]],
    # invoices
    [["Client", "N° facture", "Date", "Montant"], ["DURAND", "F1024", "01/02/2024", "120,00"]],
    # a name and a birth date only (no first name, no other column)
    [["Nom", "Date de naissance"], ["MARTIN", "01/02/1950"]],
    # the header of a template, no row under it
    [["Nom", "Prénom", "Date de naissance", "NIR"]],
])
def test_lists_that_are_not_patient_lists(table: list[list[str]]) -> None:
    assert observe(table) == []


def test_header_under_a_title_and_repeated_on_a_new_page() -> None:
    header = ["Patient", "DDN", "Pathologie"]
    table = [["Liste des patients - service de pneumologie"], [], header,
             ["DUBOIS Marie", "01/02/1950", "BPCO"], header, ["PETIT Jean", "03/04/1960", "Asthme"]]
    assert observe(table) == [("DS310", "medium", "patient list: 2 rows (columns Patient, DDN, Pathologie)")]


def test_a_form_of_label_value_rows_is_one_identity() -> None:
    table = [["Nom", "DUPONT"], ["Prénom", "Jeanne"], ["Date de naissance", "12/03/1961"], ["Motif", "suivi"]]
    assert observe(table) == [("DS310", "medium", "patient list: 1 row (form fields Nom, Prénom, "
                                                  "Date de naissance)")]


def test_a_staff_form_is_not_one() -> None:
    assert observe([["Nom", "MARTIN"], ["Prénom", "Paul"], ["Service", "DSI"]]) == []


@pytest.mark.parametrize(("text", "kind"), [
    ("Nom", "last"), ("Prénom", "first"), ("Nom et prénom", "full"), ("Date de naissance :", "birth"),
    ("N° Sécu", "nir"), ("N° de sécurité sociale", "nir"), ("Matricule INS", "nir"), ("IPP", "ipp"),
    ("N° dossier patient", "ipp"), ("Adresse", "address"), ("Diagnostic", "medical"), ("D.O.B.", "birth"),
    ("Nom du serveur", None), ("Service", None), ("Téléphone", None), ("Code NAF", None), ("Séjour", None),
])
def test_column_kinds(text: str, kind: str | None) -> None:
    assert column_kind(text) == kind


def csv_of(table: list[list[str]]) -> bytes:
    return "\n".join(";".join(r) for r in table).encode() + b"\n"


def test_engine_reports_the_table_once_and_not_each_nir() -> None:
    table = [["Nom", "Prénom", "Date de naissance", "NIR"], *people(12)]
    result = scan_bytes(csv_of(table), path="patients.csv", config=PII)
    assert [(f.rule_id, str(f.severity), f.location.row) for f in result.findings] == [("DS310", "high", 1)]
    assert result.findings[0].secret == f"{table[1][0]} {table[1][1]}"


def test_the_fingerprint_stays_when_rows_are_added() -> None:
    table = [["Nom", "Prénom", "Date de naissance", "NIR"], *people(3)]
    before = scan_bytes(csv_of(table), path="patients.csv", config=PII).findings
    after = scan_bytes(csv_of([table[0], *people(5), *table[1:]]), path="patients.csv", config=PII).findings
    assert [f.description for f in before] != [f.description for f in after]
    assert [f.fingerprint for f in before] == [f.fingerprint for f in after]
    renamed = scan_bytes(csv_of([["Nom", "Prénom", "DDN", "NIR"], *table[1:]]), path="patients.csv", config=PII)
    assert [f.fingerprint for f in renamed.findings] != [f.fingerprint for f in before]


def test_without_the_pack_a_patient_list_yields_nothing() -> None:
    table = [["Nom", "Prénom", "Date de naissance", "NIR"], *people(12)]
    assert scan_bytes(csv_of(table), path="patients.csv").findings == ()


def test_two_columns_of_pdf_prose_are_not_a_form() -> None:
    # found in a real PDF (an IRS guide): rows rebuilt from positions on a page
    lines = [["Name.", "Employee discounts,"], ["SSN.", "Group-term life insurance,"],
             ["Date of birth.", "Health savings accounts,"]]
    observer = PatientTables()
    for r, values in enumerate(lines, start=1):
        observer.row(Row(cells=(Cell(text=values[0], column=2), Cell(text=values[1], column=6)),
                         location=Location(part="page 14", page=14, row=r), table="page 14"))
    assert list(observer.finish()) == []

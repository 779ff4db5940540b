"""Table shapes read by meaning: a password column whose header does not say "password" (decided
from the header word, the account and target columns beside it and the values' shape), transposed
tables, row labels naming an access with "user / password" beside them, and the tables that must
stay silent (awareness lists, blank forms). Through the real engine, on xlsx and ods built here."""

from __future__ import annotations

import pytest

from docsecrets.engine import scan_bytes
from tests.fixtures.odf_builders import odfpy_spreadsheet
from tests.fixtures.xlsx_builders import make_xlsx


def _xlsx(tmp_path, rows: list[list[object]]):
    cells = {f"Sheet1!{chr(65 + c)}{r}": v for r, row in enumerate(rows, start=1)
             for c, v in enumerate(row) if v is not None}
    return make_xlsx(tmp_path, cells)


def _found(path) -> list[tuple[str, str]]:
    result = scan_bytes(path.read_bytes(), path=str(path))
    return sorted((f.location.cell or f"row {f.location.row}", f.secret) for f in result.findings
                  if f.rule_id != "DS000")


def _rules(path) -> set[str]:
    return {f.rule_id for f in scan_bytes(path.read_bytes(), path=str(path)).findings}


# Headers in several languages that name a password column without a password word.
@pytest.mark.parametrize("header, login", [
    ("Zugang", "Benutzer"),  # de
    ("Acceso", "Usuario"),  # es
    ("Code", "Compte"),  # fr
    ("Sleutel", "Gebruiker"),  # nl
    ("Chave", "Utilizador"),  # pt
    ("Valore", "Utente"),  # it
])
def test_weak_header_beside_account_and_host_columns_is_a_password_column(tmp_path, header, login) -> None:
    rows = [["Inventaire"], [], ["Host", "IP", login, header, "Note"],
            ["srv-a", "10.9.0.1", "ops", "Kart" + "offel7", "x"],
            ["srv-b", "10.9.0.2", "root", "Wint" + "er#22", None],
            ["srv-c", "10.9.0.3", "svc", "Pomm" + "e2000", "y"]]
    assert _found(_xlsx(tmp_path, rows)) == [("D4", "Kartoffel7"), ("D5", "Winter#22"), ("D6", "Pomme2000")]
    assert _rules(_xlsx(tmp_path, rows)) == {"DS100"}  # no kind of access named: a table password


def test_pin_column_typed_as_numbers_in_ods(tmp_path) -> None:
    rows = [["Apparato", "IP", "Utente", "PIN"], ["Centrifuga", "172.20.1.5", "lab", 4711 + 1],
            ["Frigo", "172.20.1.6", "admin", 260781]]
    path = odfpy_spreadsheet(tmp_path, rows)
    assert [s for _, s in _found(path)] == ["4712", "260781"]


def test_column_named_after_an_account_with_password_values(tmp_path) -> None:
    rows = [["Modality", "AE Title", "IP", "User", "root"], ["CT", "CT_ONE", "10.2.0.1", "svc", "Ct" + "Scan!9"],
            ["MR", "MR_TWO", "10.2.0.2", "svc", "Mag" + "net2017"]]
    assert _found(_xlsx(tmp_path, rows)) == [("E2", "CtScan!9"), ("E3", "Magnet2017")]


@pytest.mark.parametrize("header, values", [
    ("Name", ["Marie Curie", "Ada Lovelace", "Alan Turing"]),
    ("Telefon", ["+49 30 1234 5678", "+49 30 1234 5679", "+49 30 1234 5670"]),
    ("Asset tag", ["PC-2019-0042", "PC-2019-0043", "PC-2020-0001"]),
    ("Event date", ["12/03/2024", "13/03/2024", "01/04/2024"]),
    ("Hostname", ["lib-kiosk-01", "gym-pc-02", "office-pc-03"]),
    ("Code", ["Oui", "Oui", "Oui"]),
])
def test_columns_of_names_phones_ids_dates_hosts_are_not_passwords(tmp_path, header, values) -> None:
    rows = [["Poste", "IP", "Utilisateur", header]] + [
        [f"p{i}", f"10.0.0.{i}", f"user{i}", v] for i, v in enumerate(values, start=1)]
    assert _found(_xlsx(tmp_path, rows)) == []


def test_password_looking_column_without_account_column_is_not_inferred(tmp_path) -> None:
    rows = [["Produit", "Serveur", "Ref"], ["A", "10.0.0.1", "Abc" + "Def12"], ["B", "10.0.0.2", "Ghi" + "Jkl34"]]
    assert _found(_xlsx(tmp_path, rows)) == []


def test_transposed_table_one_site_per_column(tmp_path) -> None:
    rows = [["Sede", "Roma", "Milano"], ["Utente", "roma.adm", "mi_adm"],
            ["Codice VPN", "Roma" + "Vpn#1", "Mil" + "ano2022"], ["Password", "Colos" + "seo9", "Duo" + "mo!33"],
            ["Ultima visita", "12/02/2024", "03/03/2024"]]
    assert _found(_xlsx(tmp_path, rows)) == [("B3", "RomaVpn#1"), ("B4", "Colosseo9"),
                                             ("C3", "Milano2022"), ("C4", "Duomo!33")]


def test_row_label_naming_an_access_with_user_and_password(tmp_path) -> None:
    rows = [["Klinik Nord"], ["Datenbank :", "sa / " + "sa (SQL Express)"],
            ["TeamViewer :", "331 608 742 / " + "nord" + "klinik"], ["Login / PW Anwendung :", "app / " + "Nord2019"],
            ["Kontakt :", "Herr Maier / Frau Schulz"], ["Konsole :", "admin / siehe KeePass"]]
    assert _found(_xlsx(tmp_path, rows)) == [("B2", "sa"), ("B4", "Nord2019")]


def test_awareness_table_of_worst_passwords_is_silent(tmp_path) -> None:
    rows = [["Platz", "Passwort"], [1, "123456"], [2, "passwort"], [3, "hallo"], [4, "qwertz"], [5, "schatz"]]
    assert _found(_xlsx(tmp_path, rows)) == []


def test_common_password_in_an_account_table_is_still_reported(tmp_path) -> None:
    rows = [["Login", "Passwort"], ["kasse", "123456"]]
    assert _found(_xlsx(tmp_path, rows)) == [("B2", "123456")]


def test_blank_form_rows_are_not_a_header(tmp_path) -> None:
    rows = [["Nombre"], ["Usuario", "<usuario>"], ["Contraseña", "<contraseña>"], ["Correo", "idem"],
            ["Aplicación", "Contabilidad"]]
    assert _found(_xlsx(tmp_path, rows)) == []


def test_label_and_masked_value_in_one_cell_is_not_a_header(tmp_path) -> None:
    rows = [["Étape", "Menu", "Saisie"], ["1", "Service", "Mot de passe : ********"], ["2", "Réglage", "Consigne 50"],
            ["3", "Journal", "Numéro de série"]]
    assert _found(_xlsx(tmp_path, rows)) == []


def test_data_row_mentioning_a_password_does_not_replace_the_header(tmp_path) -> None:
    rows = [["Apparecchio", "Utente", "Password", "Note"], ["PC reception", "recept", "Recep" + "tion1", None],
            ["Stampante Kyocera", "Admin", "Admin", "password di fabbrica"], ["NAS backup", "admin", "Nas#" + "Roma20", "x"]]
    assert _found(_xlsx(tmp_path, rows)) == [("C2", "Reception1"), ("C3", "Admin"), ("C4", "Nas#Roma20")]


def test_a_value_written_like_a_label_is_not_a_header(tmp_path) -> None:
    rows = [["Profil", "Kennung", "Kennwort", "Bemerkung"], ["Sekretariat", "sekr", "kennwort" + "69", "Planung"],
            ["Admin", "admin", "Xpl0re-" + "Adm1n", "geheim"]]
    assert _found(_xlsx(tmp_path, rows)) == [("C2", "kennwort69"), ("C3", "Xpl0re-Adm1n")]


def test_dates_typed_under_a_password_header_beside_logins(tmp_path) -> None:
    rows = [["Nombre", "Nº socio", "Usuario", "Contraseña", "Fecha alta"],
            ["Ana", 40512378, "aruiz", "01/05/1886", "12/03/2021"], ["Luis", 40598841, "lgil", "Luis" + "2010", "02/05/2022"]]
    assert _found(_xlsx(tmp_path, rows)) == [("D2", "01/05/1886"), ("D3", "Luis2010")]


def test_access_column_cells_holding_portal_user_and_password(tmp_path) -> None:
    rows = [["Cliente", "Accesso", "Telefono"], ["Bar Roma", "INPS: rossi.m / Caf" + "fe#88", "06 1234 5678"],
            ["Ditta Neri", "Entratel - neri.amm / vedi KeePass", "06 8765 4321"]]
    assert _found(_xlsx(tmp_path, rows)) == [("B2", "Caffe#88")]


def test_credential_cell_with_an_email_login(tmp_path) -> None:
    rows = [["Sistema", "Credenziali"], ["PEC", "mario@pec.example.it / Pec#" + "2020"], ["Data", "12 / 03"]]
    assert _found(_xlsx(tmp_path, rows)) == [("B2", "Pec#2020")]

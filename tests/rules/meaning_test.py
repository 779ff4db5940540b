"""Free-text cues read by meaning: one cell holding several facts ("SQL : sa / sa"), and the hard
negatives that must stay silent (examples of forbidden passwords, shell variables, PowerShell
that reads a password). Positives and negatives in several languages."""

from __future__ import annotations

import pytest

from docsecrets.engine import scan_bytes, scan_text


def _secrets(text: str) -> list[tuple[str, str]]:
    return [(m.rule.id, m.secret) for m in scan_text(text)]


@pytest.mark.parametrize("text, secret", [
    ("SQL : sa / " + "sa", "sa"),
    ("Datenbank - dbo / " + "Lager" + "2019", "Lager2019"),
    ("session : accueil / " + "Accueil" + "01", "Accueil01"),
    ("Citrix - DOM\\jdoe / " + "Citr1x" + "2020", "Citr1x2020"),
    ("Portale : studio.rossi / " + "Rossi" + "_22 (rinnovo)", "Rossi_22"),
    ("VPN: vpn_user / " + "Sud" + "Vpn!8", "SudVpn!8"),
])
def test_access_label_then_account_and_password_in_one_cell(text, secret) -> None:
    assert [s for _, s in _secrets(text)] == [secret]


@pytest.mark.parametrize("text", [
    "Serveur : Administrateur / voir coffre-fort",
    "Contact : Herr Maier / Frau Schulz",
    "Console - admin / siehe KeePass",
    "Datum : 12 / 03",
    "Lien : http://host/a / b",
])
def test_pairs_that_are_not_credentials(text) -> None:
    assert _secrets(text) == []


@pytest.mark.parametrize("text", [
    "Examples of forbidden passwords: Password1, Welcome123, the name of the school.",
    "Exemples de mots de passe interdits : Soleil2024, Azerty1",
    "Beispiele verbotener Passwörter: Sommer2024!",
    "Never send a password by e-mail; use the vault.",
    ': "${DB_PASS:?missing}"',
    'mysql -u app -p"$DB_PASS" portail',
    '$pw = Read-Host -Prompt "Initial password" -AsSecureString',
    "Set-ADAccountPassword -Identity $Name -Reset -NewPassword $pw",
])
def test_hard_negatives_stay_silent(text) -> None:
    assert _secrets(text) == []


def test_cli_password_in_quotes_is_reported_without_them() -> None:
    assert _secrets('mysql -u app -p"' + "Db" + 'Pass_77" portail') == [("DS112", "DbPass_77")]


def test_real_password_after_a_colon_still_found_in_every_language() -> None:
    assert _secrets("Passwort ist " + "Winter" + "2024!") == [("DS101", "Winter2024!")]
    result = scan_bytes(("Contraseña: " + "Playa" + "#2023\n").encode(), path="n.txt")
    assert [f.secret for f in result.findings] == ["Playa#2023"]


def test_a_phrase_naming_the_account_before_a_colon_then_user_and_password() -> None:
    text = "Techniker-Konto für die Wartungskonsole des Gerätes: technik / Wart" + "ung#9 (nicht drucken)"
    assert [s for _, s in _secrets(text)] == ["Wartung#9"]
    assert _secrets("Ansprechpartner für die Konsole: Herr Maier / Frau Schulz") == []

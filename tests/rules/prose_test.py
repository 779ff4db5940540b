"""Passwords written in sentences, away from their label, in seven languages; and prose about
passwords (policies, awareness, examples, code) that must stay silent."""

from __future__ import annotations

import pytest

from docsecrets.engine import scan_bytes
from docsecrets.rules.prose import ProsePasswords, password_shaped


def _prose(text: str) -> list[str]:
    return [m.secret for m in ProsePasswords().scan(text)]


def _all(text: str) -> list[str]:
    return [f.secret for f in scan_bytes(text.encode(), path="notes.txt").findings]


@pytest.mark.parametrize("text, secret", [
    ("the admin password was reset to Spring" + "Tide24 last Friday", "SpringTide24"),
    ("the password (they asked us not to write it down) is Lab" + "Vendor!9", "LabVendor!9"),
    ("Guest Wi-Fi key this month: Guest" + "Mar2024 - it rotates", "GuestMar2024"),
    ("saisir le mot de passe\ncommun à tous les postes (voir annexe) :\nGe" + "Echo2019", "GeEcho2019"),
    ("j'ai réinitialisé à Accueil!" + "24 comme demandé", "Accueil!24"),
    ("pour le portail, le code est Presta" + "7733 (valable jusqu'en juin)", "Presta7733"),
    ("Das Passwort lautet jetzt Winter" + "Berg7 bis Ende Mai", "WinterBerg7"),
    ("el acceso al portal: la contraseña es Playa" + "Sol22 para todos", "PlayaSol22"),
    ("la password è\nCollaudo" + "Lab#24 e va cambiata", "CollaudoLab#24"),
    ("credenziali aggiornate, nuova: Nuova" + "Pwd88", "NuovaPwd88"),
    ("het wachtwoord van de server is nu Zomer" + "Tijd9", "ZomerTijd9"),
    ("a senha foi redefinida para Praia" + "Azul5", "PraiaAzul5"),
    ("Das WLAN wurde zurückgesetzt auf Gast" + "Netz24", "GastNetz24"),
])
def test_password_away_from_its_label(text, secret) -> None:
    assert _prose(text) == [secret]


@pytest.mark.parametrize("text", [
    "Ein sicheres Kennwort hat mindestens 12 Zeichen. Schlechte Beispiele: „Sommer2023“, „Passwort123“.",
    "Examples of forbidden passwords: Password1, Welcome123.",
    "Le mot de passe a été modifié le 12/03/2024 par M. Blanc.",
    "Das Service-Passwort erhalten Sie beim Hersteller-Support nach Angabe der Seriennummer.",
    "$pw = Read-Host; New-ADUser -AccountPassword $pw -ChangePasswordAtLogon $true",
    "postgresql://user:password@localhost:5432/dbname",
    "login user=ide0 password=****** result=OK",
    'tar czf - build | 7z a -si -p"$ARCHIVE_PASSWORD" release.7z',
    "Le mot de passe doit contenir au moins 12 caractères, dont une majuscule.",
    "Votre nouveau mot de passe vous sera envoyé par SMS.",
    "the password for your Office account is in the vault",
])
def test_prose_about_passwords_stays_silent(text) -> None:
    assert _all(text) == []


@pytest.mark.parametrize("value, shaped", [
    ("Presta7733", True), ("Accueil!24", True), ("Hersteller-Support", False), ("New-ADUser", False),
    ("release.7z", False), ("12/03/2024", False), ("soleil", False), ("ABC-1234", False),
])
def test_password_shape(value, shaped) -> None:
    assert password_shaped(value) is shaped


@pytest.mark.parametrize("text, found", [
    ("Printer 2e verd.: gebr. beheer - ww Beh" + "eer#7", ["Beheer#7"]),
    ("Router: pw Rou" + "ter2024!", ["Router2024!"]),
    ("ww 12 uur per week", []),
    ("WW2 history lesson, pw 40", []),
])
def test_short_abbreviations_need_their_value_right_after(text, found) -> None:
    assert _prose(text) == found


@pytest.mark.parametrize("text, found", [
    ("New: Office" + "365 licences for the school", []),
    ("Neu: Windows" + "11 auf allen Rechnern", []),
    ("le code client est Dupont" + "2020", []),
    ("WLAN im Lehrerzimmer geändert, neu: Lehrer" + "Wlan24", ["LehrerWlan24"]),
    ("der Code der Alarmanlage ist Alarm" + "Code9", ["AlarmCode9"]),
])
def test_generic_cues_need_a_credential_named(text, found) -> None:
    assert _prose(text) == found


@pytest.mark.parametrize("text", [
    "La password di Office" + "365 va cambiata ogni 90 giorni.",
    "Das Passwort muss 12 Zeichen lang sein, z.B. Sommer" + "2024! ist nicht erlaubt.",
    "The password for Windows" + "11 machines is managed by Intune.",
])
def test_the_system_a_password_opens_is_not_the_password(text) -> None:
    assert _prose(text) == []


@pytest.mark.parametrize("text, found", [
    ("Das Initialpasswort ist Start" + "123!", ["Start123!"]),
    ("Administratorkennwort: Adm1n" + "#2020", ["Adm1n#2020"]),
    ("Het beheerderswachtwoord is Beheer" + "#77", ["Beheer#77"]),
    ("Passwortrichtlinie: mindestens 12 Zeichen, z.B. Abc" + "123!x", []),
    ("Das Einmalpasswort wird per SMS gesendet", []),
])
def test_german_and_dutch_compounds(text, found) -> None:
    assert _all(text) == found


@pytest.mark.parametrize("text, found", [
    ("changement mdp sa demandé : ancien = resurg, nouveau = Niort" + "!sql79", ["resurg", "Niort!sql79"]),
    ("Kennwort des Routers geändert, alt: router, neu: Rout" + "er#2024", ["router", "Router#2024"]),
    ("old = 1, new = 2 in the counter table", []),
])
def test_old_and_new_values_after_a_password_word(text, found) -> None:
    assert sorted(_prose(text)) == sorted(found)


def test_a_path_on_the_line_after_a_password_word_is_no_password() -> None:
    """A hook's description mentions passwords; the next line runs /tmp/tmp.GIqL54d2CD/venv/bin/python."""
    from docsecrets.engine import scan_bytes

    for path in ("/tmp/tmp.GIqL54d2CD/venv/bin/python", r"C:\Users\Jd2x\AppData\Tool.exe", "opt/Ab3x/bin/run"):
        text = f"description: Find passwords, keys and credentials.\nentry: {path} -m docsecrets hook\n"
        assert scan_bytes(text.encode(), path="config.yaml").findings == (), path

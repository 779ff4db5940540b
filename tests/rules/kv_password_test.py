from __future__ import annotations

import pytest

from docsecrets.rules.kv_password import PasswordAssignment, UserSlashPassword

# Secrets are assembled at run time so the repository itself holds no credential-looking text.
PW = "Urg" + "ences2013!"


def secrets(text: str) -> list[str]:
    return [m.secret for m in PasswordAssignment().scan(text)] + [m.secret for m in UserSlashPassword().scan(text)]


@pytest.mark.parametrize("text", [
    f"Mot de passe : {PW}",
    f"mot de pass: {PW}",
    f"mdp={PW}",
    f"MDP {PW}",
    f"M.D.P. : {PW}",
    f"(mdp admin: {PW})",
    f"MDP messagerie : {PW}",
    f"Mot de passe du compte de supervision : {PW}",
    f"Mot de passe TeamViewer : {PW}",
    f"Le mot de passe est {PW}",
    f"the password is {PW}",
    f"pwd: {PW}",
    f"passwd={PW}",
    f"Passwort: {PW}",
    f"Datenbank-Passwort: {PW}",
    f"Kennwort = {PW}",
    f"Contraseña: {PW}",
    f"clave: {PW}",
    f"parola d'ordine: {PW}",
    f"Wachtwoord: {PW}",
    f"senha: {PW}",
    f"palavra-passe: {PW}",
    f"DB_PASSWORD={PW}",
    f"PGPASSWORD={PW} psql -h db",
    f"  'password' => '{PW}',",
    f"$cfg['Servers'][$i]['password'] = '{PW}';",
    f"define( 'DB_PASSWORD', '{PW}' );",
    f'"bindPassword": "{PW}"',
    f"bindpw {PW}",
    f"enable secret {PW}",
    f"Server=db;User Id=sa;Password={PW};",
    f"jdbc:mysql://h/db?user=a&password={PW}&ssl=1",
    f'<add key="SmtpPassword" value="{PW}" />',
    f"MotDePasseBDD: {PW}",
    f"Clé WPA2 : {PW}",
    f"compte / mot de passe : root / {PW}",
    f"accès GED : ged_urg / {PW}",
    f"se connecter avec demo_urg / {PW}",
])
def test_password_after_label_is_found(text: str) -> None:
    assert secrets(text)[0] == PW


@pytest.mark.parametrize("text", [
    "Le mot de passe doit contenir au moins 12 caractères",
    "Mot de passe : voir KeePass",
    "Mot de passe : idem",
    "Mot de passe: envoyé par SMS",
    "Mot de passe : ********",
    "Mot de passe : xxxx",
    "Mot de passe : <mot de passe>",
    "Mot de passe : (voir le coffre-fort)",
    "password: ${DB_PASSWORD}",
    "password = os.environ['DB_PASS']",
    "db_password = os.getenv('DB_PASSWORD')",
    "password_hash = bcrypt(x)",
    "mot de passe oublié ? cliquez ici",
    "Password: 12",
    "Passwort: wird bei der ersten Anmeldung gewählt.",
    '"password": "Saisissez votre mot de passe"',
    '"password_label": "Mot de passe VNC"',
    "les 5 derniers mots de passe utilisés.",
    "le 12/2020 nous avons changé",
    "Password found",
    "password reset: click here",
    'LABELS = ("senha", "parola", "clave")',
])
def test_no_password_in_prose_placeholders_and_code(text: str) -> None:
    assert secrets(text) == []


def test_secret_key_needs_key_material() -> None:
    key = "2m3N6tSvNt3" + "IpO6GZmTocO46Z4mU0vCf"
    found = list(PasswordAssignment().scan(f"client_secret = {key}"))
    assert [(m.rule.id, m.secret) for m in found] == [("DS102", key)]
    assert list(PasswordAssignment().scan("api_key = your-api-key-here")) == []
    assert list(PasswordAssignment().scan("secret = hello")) == []


def test_match_span_points_at_the_value() -> None:
    text = f"x mdp : {PW} y"
    (match,) = PasswordAssignment().scan(text)
    assert text[match.start:match.end] == PW

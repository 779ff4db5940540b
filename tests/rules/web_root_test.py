"""Configuration, data and script files of a dumped web root, read by their syntax."""

from __future__ import annotations

import pytest

from docsecrets.engine import scan_bytes, scan_text

PW = "Peer" + "Nord42"


def _secrets(text: str) -> list[tuple[str, str]]:
    return [(m.rule.id, m.secret) for m in scan_text(text)]


def test_json_user_map_and_positional_peer() -> None:
    text = ('{\n  "RegisteredUsers": {\n    "alice": "Al1ce' + '#pw",\n    "bob": "' + PW + '"\n  },\n'
            '  "OrthancPeers": { "nord": [ "http://10.0.0.5:8042/", "orthanc", "Pac' + 's!Peer9" ] },\n'
            '  "DicomModalities": { "ct": [ "CT_A", "10.1.8.11", 104 ] }\n}')
    assert _secrets(text) == [("DS101", "Al1ce#pw"), ("DS101", PW), ("DS101", "Pacs!Peer9")]


def test_json_record_with_login_and_variable_is_not_a_user_map() -> None:
    assert _secrets('{"credentials": {"login": "portail", "pwd": "${DB_PASSWORD}"}}') == []


def test_sql_dump_reads_insert_rows_against_create_table_in_an_earlier_block() -> None:
    dump = ("CREATE TABLE `benutzer` (\n  `id` int(11) NOT NULL,\n  `name` varchar(50),\n  `kennwort` varchar(64),\n"
            "  PRIMARY KEY (`id`)\n) ENGINE=InnoDB;\n\n"
            "INSERT INTO `benutzer` VALUES (1,'anna','Anna" + "2019!'),(2,'jo','$2y$10$" + "a" * 53 + "'),"
            "(3,'kim','5f4dcc3b5aa765d61d8327deb882cf99'),(4,'eva',NULL);\n")
    result = scan_bytes(dump.encode(), path="dump.sql")
    assert [(f.rule_id, f.secret, f.location.line) for f in result.findings] == [("DS101", "Anna2019!", 8)]


def test_sql_insert_with_column_list() -> None:
    text = "INSERT INTO users (login, password, email) VALUES ('root', 'Toor" + "2020', 'r@x.example');"
    assert _secrets(text) == [("DS101", "Toor2020")]


def test_machine_key_and_wordpress_salts() -> None:
    key = "D30FF1BD06B2F06C" * 4
    assert _secrets(f'<machineKey validationKey="{key}" decryptionKey="AutoGenerate,IsolateApps" />') == \
        [("DS102", key)]
    salt = "3{%{zQWHh<002n#Ct(oM<zQ0[>6,=:-?][PJ" + "=_bB(#7<rxA8NKPf"
    assert _secrets(f"define( 'SECURE_AUTH_SALT', '{salt}' );") == [("DS102", salt)]
    assert _secrets("define( 'AUTH_KEY', 'put your unique phrase here' );") == []


@pytest.mark.parametrize("line, secret", [
    ('$p = ConvertTo-SecureString "Svc' + 'Share22" -AsPlainText -Force', "SvcShare22"),
    ("net use Z: \\\\srv\\scans /user:DOM\\scan Scan" + "Folder#3 /persistent:no", "ScanFolder#3"),
    ('7z a -p"Arch' + 'ive7z!" -mhe=on out.7z in', "Archive7z!"),
    ("docker login -u ci -p Regis" + "tryCi1 registry.example.net", "RegistryCi1"),
    ("curl -T f -u backup:Back" + "upDav9 https://dav.example.net/", "BackupDav9"),
    ("mysqldump -uroot -pRoot" + "Sql55 --all-databases", "RootSql55"),
])
def test_commands_given_a_literal_password_in_scripts(line, secret) -> None:
    result = scan_bytes((line + "\n").encode(), path="job.ps1")
    assert [f.secret for f in result.findings] == [secret]


@pytest.mark.parametrize("line", [
    '$p = Read-Host -AsSecureString',
    'echo "$T" | docker login -u "$CI_USER" --password-stdin registry.example.net',
    'curl -fsS -u "$DAV_USER:$DAV_PASS" -T b.tgz https://dav.example.net/',
    '7z a -p"$ARCHIVE_PASSWORD" release.7z build/',
    'net use Z: \\\\srv\\share /user:DOM\\u /persistent:no',
    'subprocess.run(["mysql", "-p" + password])',
])
def test_commands_reading_the_password_from_elsewhere_stay_silent(line) -> None:
    assert scan_bytes((line + "\n").encode(), path="job.sh").findings == ()


@pytest.mark.parametrize("name, text, secret", [
    (".pgpass", "db.example.lan:5432:gestion:gestion:Pg" + "Gestion#7\n", "PgGestion#7"),
    (".netrc", "machine ftp.example.net login deploy password Ftp" + "Deploy42\n", "FtpDeploy42"),
    ("b.sh", "smbclient //nas/backup -U admin%Smb" + "Admin22 -c 'put x'\n", "SmbAdmin22"),
    ("b.sh", "lftp -u ftpuser,Lftp" + "Pass33 ftp.example.net\n", "LftpPass33"),
    ("config.php", "<?php\n$dbpass = \"Intra" + "2019!\";\n", "Intra2019!"),
    ("conf.ini", "ftppwd = Ftp" + "Pwd#8\n", "FtpPwd#8"),
])
def test_more_web_root_and_script_shapes(name, text, secret) -> None:
    assert [f.secret for f in scan_bytes(text.encode(), path=name).findings] == [secret]


@pytest.mark.parametrize("text", [
    "db.example.lan:5432:gestion:gestion:*\n",  # a wildcard, not a password
    "$compass = \"North" + "2019\";\n",  # a glued word that is not a service name
    "smbclient //nas/share -U \"$SMB_USER%$SMB_PASS\"\n",
])
def test_more_shapes_that_are_not_credentials(text) -> None:
    assert scan_bytes(text.encode(), path="x.sh").findings == ()


def test_our_own_sources_are_clean() -> None:
    """Docstrings quoting `7z -pX`, a PEM header in prose, a dict of file names ("pgpass": "text"):
    the scanner's own sources hold no finding (the README's first command scans them)."""
    import pathlib

    from docsecrets.engine import scan_bytes

    src = pathlib.Path(__file__).resolve().parents[2] / "src" / "docsecrets"
    found = [(str(p.relative_to(src)), f.rule_id) for p in sorted(src.rglob("*.py"))
             for f in scan_bytes(p.read_bytes(), path=str(p)).findings]
    assert found == []

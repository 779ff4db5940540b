"""find_access: what a credential opens, read from the text around it."""

from __future__ import annotations

import pytest

from docsecrets.rules.remote_access import Access, find_access

PW = "Tul" + "le2012x"


@pytest.mark.parametrize(("text", "near", "expected"), [
    ("Accès VNC 10.1.2.3", "", Access(kind="VNC", target="10.1.2.3")),
    ("Bureau à distance srv-app01.chu.local", "", Access(kind="RDP", target="srv-app01.chu.local")),
    ("TeamViewer 123 456 789", "", Access(kind="TeamViewer", target="ID 123 456 789")),
    ("portail https://admin:x@portal.example.net/app?pwd=y#k", "",
     Access(kind="web", target="https://portal.example.net/app")),
    ("ftp://files.example.net/in", "", Access(kind="FTP", target="ftp://files.example.net/in")),
    ("10.9.9.9 base de données", "", Access(kind="database", target="10.9.9.9")),
    (r"\\nas01\partage", "", Access(kind="", target=r"\\nas01")),  # the server, not the share
    # the credential's own line wins over the wider context
    ("VNC 10.1.1.1\nSSH 10.2.2.2", "SSH 10.2.2.2", Access(kind="SSH", target="10.2.2.2")),
    ("Serveur VNC", "10.3.3.3", Access(kind="VNC", target="10.3.3.3")),
])
def test_access_is_found(text, near, expected):
    assert find_access(text, near=near) == expected


@pytest.mark.parametrize("text", [
    "Accès VNC",  # a kind but no target
    f"mot de passe : {PW}",
    "TeamViewer",
    "",
])
def test_no_target_no_access(text):
    assert find_access(text) is None


def test_description_names_kind_and_target_never_the_credential():
    access = find_access(f"https://admin:{PW}@portal.example.net/")
    assert access is not None and access.describe() == "web access to https://portal.example.net/"
    assert PW not in access.describe()
    assert Access(kind="", target="10.0.0.1").describe() == "password for 10.0.0.1"

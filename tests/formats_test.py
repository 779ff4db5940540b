"""One table of formats (sniff.FORMATS) drives sniffing, the extractors and the hook manifest."""

from __future__ import annotations

import pathlib
import re

import yaml

from docsecrets.extract import EXTRACTORS
from docsecrets.sniff import DOCUMENT_SUFFIXES, FORMATS, hook_files_pattern, sniff

MANIFEST = pathlib.Path(__file__).resolve().parent.parent / ".pre-commit-hooks.yaml"


def test_the_hook_manifest_takes_exactly_the_table_s_names() -> None:
    hooks = {hook["id"]: hook for hook in yaml.safe_load(MANIFEST.read_text())}
    assert hooks["docsecrets"]["files"] == hook_files_pattern()
    assert hooks["docsecrets-baseline"]["files"] == hook_files_pattern()
    assert hooks["docsecrets-baseline"]["stages"] == ["manual"]
    assert "files" not in hooks["docsecrets-all"]


def test_every_format_of_the_table_has_a_reader() -> None:
    assert sorted(fmt for fmt in set(FORMATS.values()) if fmt not in EXTRACTORS) == []


def test_the_names_the_issue_listed_reach_the_scanner() -> None:
    pattern = re.compile(hook_files_pattern())
    for name in ("vault.kdbx", "cert.p12", "cert.PFX", "store.jks", "app.toml", "my.cnf", "app.jar", "app.war",
                 "modele.dot", "deck.pot", "show.pps", "book.xlt", ".ssh/id_rsa", "id_ed25519", ".env.local",
                 "a/.netrc"):
        assert pattern.search(name), name
    for name in ("photo.jpg", "main.py", "id_rsa.pub", "README"):
        assert not pattern.search(name), name
    assert {"jks", "dot", "pot", "pps", "xlt", "jar", "war", "p12", "pfx", "kdbx"} <= DOCUMENT_SUFFIXES
    assert "toml" not in DOCUMENT_SUFFIXES


def test_java_key_stores_are_sniffed_by_content_whatever_their_name() -> None:
    data = b"\xfe\xed\xfe\xed" + b"\x00\x00\x00\x02" + b"\x00" * 40
    assert sniff(data, "store.jks") == sniff(data, "app.keystore") == sniff(data, "noname") == "jks"
    assert sniff(b"\x30\x82\x01\x00" + b"\x00" * 40, "app.keystore") == "pkcs12"  # keytool's default type
    assert sniff(b"\x30\x82\x01\x00" + b"\x00" * 40, "app.bin") == "binary"


def test_a_truncated_template_is_explained_by_the_reader_its_name_promises() -> None:
    assert sniff(b"PK\x03\x04 truncated", "modele.dotx") == "docx"
    assert sniff(b"PK\x03\x04 truncated", "deck.potx") == "pptx"
    assert sniff(b"PK\x03\x04 truncated", "data.zip") == "zip"

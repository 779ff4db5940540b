from __future__ import annotations

from docsecrets.engine import scan_text
from docsecrets.rules import des
from docsecrets.rules.remote_files import _VNC_KEY, decrypt_vnc


def vnc_obfuscate(password: str) -> str:
    return des.encrypt_block(des.vnc_key(_VNC_KEY), password.encode().ljust(8, b"\0")).hex()


def test_des_matches_the_fips_test_vector() -> None:
    key, plain = bytes.fromhex("133457799BBCDFF1"), bytes.fromhex("0123456789ABCDEF")
    assert des.encrypt_block(key, plain).hex() == "85e813540f0ab405"
    assert des.decrypt_block(key, bytes.fromhex("85e813540f0ab405")) == plain


def test_vnc_password_is_decrypted() -> None:
    hidden = vnc_obfuscate("pacs" + "2015")
    assert decrypt_vnc(hidden) == "pacs2015"
    text = f"[connection]\nhost=10.1.2.3\npassword={hidden}\n"
    found = [(m.rule.id, m.secret) for m in scan_text(text)]
    assert found == [("DS120", "pacs2015")]


def test_ultravnc_ini_with_two_extra_hex_digits() -> None:
    text = f"[ultravnc]\npasswd={vnc_obfuscate('Bloc' + '*20').upper()}1B\n"
    assert [m.secret for m in scan_text(text)] == ["Bloc*20"]


def test_rdp_blob() -> None:
    blob = "01000000D08C9DDF0115D111" * 4
    found = [(m.rule.id, m.secret) for m in scan_text(f"full address:s:10.0.0.1\npassword 51:b:{blob}\n")]
    assert found == [("DS121", blob)]


def test_vnc_file_without_password_is_clean() -> None:
    assert scan_text("[connection]\nhost=10.1.2.3\nport=5900\n") == []

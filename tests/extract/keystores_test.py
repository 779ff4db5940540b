from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from docsecrets.extract.keys import keystores
from docsecrets.extract.context import Context
from docsecrets.extract.keys.keystores import extract
from docsecrets.types import ExtractError, Location, Segment
from tests.fixtures.keystore_builders import KDBX_MAGIC, jks_store, kdbx, pkcs12_store

pytest.importorskip("cryptography")

PASSWORD = "Azerty" + "12!"
FILE = Location(part="file")


def items_of(data: bytes, name: str = "store.p12") -> list:
    return list(extract(data, Context.for_file(name)))


# --- KeePass -------------------------------------------------------------------------------


def test_kdbx_yields_the_vault_marker_with_its_version():
    assert items_of(kdbx(major=4, minor=1), "vault.kdbx") == [
        Segment(text="KeePass database (kdbx): password vault file (KDBX 4.1)", location=FILE)]


def test_keepass_1_database_yields_the_marker():
    assert items_of(kdbx(signature=0xB54BFB65), "old.kdb") == [
        Segment(text="KeePass database (kdbx): password vault file (KeePass 1.x)", location=FILE)]


@pytest.mark.parametrize("data", [
    KDBX_MAGIC + b"\x67\xfb",  # cut inside the second signature
    kdbx(signature=0x12345678),  # KeePass magic, then something else
])
def test_broken_kdbx_header_is_unreadable(data):
    with pytest.raises(ExtractError):
        items_of(data, "vault.kdbx")


# --- PKCS#12 -------------------------------------------------------------------------------


def test_password_protected_pkcs12_yields_the_bare_marker():
    assert items_of(pkcs12_store(password=PASSWORD.encode())) == [
        Segment(text="PKCS#12 key store (.p12/.pfx): private key container", location=FILE)]


def test_pkcs12_without_password_says_it_is_unprotected():
    assert items_of(pkcs12_store(password=None)) == [
        Segment(text="PKCS#12 key store (.p12/.pfx): private key container, unprotected (empty password), "
                     "holding a private key and 1 certificate", location=FILE)]


def test_certificate_only_store_does_not_claim_a_private_key():
    assert items_of(pkcs12_store(password=None, with_key=False)) == [
        Segment(text="PKCS#12 key store (.p12/.pfx): certificates only, no private key, "
                     "unprotected (empty password), 1 certificate", location=FILE)]


def test_huge_mac_iteration_count_skips_the_password_check(monkeypatch):
    data = pkcs12_store(password=None)
    assert keystores._pfx_mac_iterations(data) == 2048  # what cryptography writes
    monkeypatch.setattr(keystores, "_MAX_MAC_ITERATIONS", 2047)
    assert [item.text for item in items_of(data)] == ["PKCS#12 key store (.p12/.pfx): private key container"]


def test_pkcs12_marker_survives_without_cryptography(monkeypatch):
    import builtins

    data = pkcs12_store(password=None)
    real_import = builtins.__import__

    def no_cryptography(name, *args, **kwargs):
        if name.startswith("cryptography"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_cryptography)
    assert [item.text for item in items_of(data)] == ["PKCS#12 key store (.p12/.pfx): private key container"]


@pytest.mark.parametrize("mangle", [
    lambda data: data[: len(data) // 2],  # truncated
    lambda data: data[:4] + b"\x02\x01\x02" + data[7:],  # version 2
    lambda data: b"\x30\x03\x02\x01\x03",  # no authSafe at all
    lambda data: b"\x30\x89" + data[2:],  # a 9-byte length field
])
def test_damaged_pkcs12_is_unreadable(mangle):
    data = pkcs12_store(password=None)
    assert data[4:7] == b"\x02\x01\x03"  # outer sequence with a 2-byte length, then version 3
    with pytest.raises(ExtractError):
        items_of(mangle(data))


def test_bytes_of_neither_kind_are_unreadable():
    with pytest.raises(ExtractError, match="neither a KeePass database nor a PKCS#12"):
        items_of(b"PK\x03\x04 not a key store")


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.binary(max_size=300), st.binary(max_size=300).map(lambda tail: b"\x30" + tail),
                 st.binary(max_size=300).map(lambda tail: KDBX_MAGIC + tail)))
def test_random_bytes_raise_only_extract_error(data):
    try:
        items = items_of(data)
    except ExtractError:
        return
    assert len(items) == 1 and items[0].location == FILE


# --- default passwords, Java key stores ----------------------------------------------------


def test_pkcs12_with_a_default_password_names_it():
    assert items_of(pkcs12_store(password=b"changeit")) == [
        Segment(text="PKCS#12 key store (.p12/.pfx): private key container, opens with the well-known password "
                     "'changeit', holding a private key and 1 certificate", location=FILE)]


def test_pkcs12_default_passwords_are_not_tried_past_the_iteration_cap(monkeypatch):
    monkeypatch.setattr(keystores, "_MAX_DEFAULT_TRY_ITERATIONS", 2047)
    assert [i.text for i in items_of(pkcs12_store(password=b"changeme"))] == [
        "PKCS#12 key store (.p12/.pfx): private key container"]


@pytest.mark.parametrize(("password", "expected"), [
    ("changeit", ", opens with the well-known password 'changeit', holding 1 private or secret key and 1 certificate"),
    ("changeme", ", opens with the well-known password 'changeme', holding 1 private or secret key and 1 certificate"),
    ("", ", unprotected (empty password), holding 1 private or secret key and 1 certificate"),
    (PASSWORD, " (1 private or secret key and 1 certificate)"),
])
def test_jks_is_opened_with_default_passwords_only(password, expected):
    assert items_of(jks_store(password=password), "server.jks") == [
        Segment(text="Java key store (JKS): private key container" + expected, location=FILE)]


def test_jceks_secret_key_entry_counts_as_key_material():
    data = jks_store(password="secret", keys=0, trusted=1, secret_keys=1, magic=b"\xce\xce\xce\xce")
    assert [i.text for i in items_of(data, "app.jceks")] == [
        "Java key store (JCEKS): private key container, opens with the well-known password 'secret', "
        "holding 1 private or secret key and 1 certificate"]


def test_trust_store_of_certificates_alone_is_no_key_container():
    data = jks_store(password="changeit", keys=0, trusted=3)  # the JDK's cacerts opens with changeit
    assert [i.text for i in items_of(data, "cacerts")] == [
        "Java key store (JKS): certificates only, no private key, 3 certificates"]


@pytest.mark.parametrize("mangle", [
    lambda data: data[:30],  # cut inside the first entry
    lambda data: data[:4] + b"\x00\x00\x00\x07" + data[8:],  # version 7
    lambda data: data[:8] + b"\x7f\xff\xff\xff" + data[12:],  # absurd entry count
    lambda data: data[:12] + b"\x00\x00\x00\x09" + data[16:],  # unknown entry kind
])
def test_damaged_jks_is_unreadable(mangle):
    with pytest.raises(ExtractError):
        items_of(mangle(jks_store(password="changeit")), "server.jks")


def test_jks_findings_through_the_engine():
    from docsecrets.engine import scan_bytes

    (opened,) = scan_bytes(jks_store(password="changeit"), path="tomcat.keystore").findings
    assert (opened.rule_id, opened.severity) == ("DS220", 3)
    assert "well-known password 'changeit'" in opened.description
    (locked,) = scan_bytes(jks_store(password=PASSWORD), path="server.jks").findings
    assert (locked.rule_id, locked.description) == ("DS220", "Java key store (JKS)")
    assert scan_bytes(jks_store(password="changeit", keys=0, trusted=2), path="cacerts").findings == ()
    (p12,) = scan_bytes(pkcs12_store(password=b"password"), path="client.p12").findings
    assert (p12.rule_id, p12.severity) == ("DS220", 3) and "'password'" in p12.description


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300).map(lambda tail: b"\xfe\xed\xfe\xed" + tail))
def test_random_jks_bytes_raise_only_extract_error(data):
    try:
        items = items_of(data, "x.jks")
    except ExtractError:
        return
    assert len(items) == 1 and items[0].location == FILE

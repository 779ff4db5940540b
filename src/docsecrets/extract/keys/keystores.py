"""Key stores: KeePass databases (kdbx), PKCS#12 files (.p12/.pfx) and Java key stores
(JKS, JCEKS).

Their content is encrypted key material, and finding one in a web root or a document share
is the finding. Extractors yield text, not findings, so each file yields one segment with a
fixed marker text that a rule matches. A store that opens with an empty password is said to
be so, and one that opens with a well-known default password (`changeit`, `changeme`, ...)
names it: anyone who copies either holds the private key. Nothing is written.

A JKS/JCEKS store ends with SHA-1(password as UTF-16BE, "Mighty Aphrodite", the bytes
before the digest): checking a password costs one hash over the file. Its entry list is
readable without a password, so a trust store of certificates alone (the JDK's `cacerts`,
which opens with `changeit`) is told apart from a store holding private keys.
"""

from __future__ import annotations

import hashlib
import struct
import warnings
from collections.abc import Iterator

from docsecrets.extract.context import Context
from docsecrets.types import ExtractError, Item, Location, Segment

KDBX_MARKER = "KeePass database (kdbx): password vault file"
PKCS12_MARKER = "PKCS#12 key store (.p12/.pfx): private key container"
PKCS12_CERTIFICATES = "PKCS#12 key store (.p12/.pfx): certificates only, no private key"
UNPROTECTED = "unprotected (empty password)"
JKS_MARKER = "Java key store ({kind}): private key container"
JKS_CERTIFICATES = "Java key store ({kind}): certificates only, no private key"
DEFAULT_PASSWORD = "opens with the well-known password '{password}'"

# Passwords that tools, vendors and tutorials ship as defaults; tried on every store.
DEFAULT_PASSWORDS: tuple[str, ...] = (
    "changeit", "changeme", "password", "secret", "123456", "12345678", "keystore", "storepass",
    "keypass", "test", "admin", "passwd", "Password1", "DemoIdentityKeyStorePassPhrase",
    "DemoTrustKeyStorePassPhrase",
)
_JKS_MAGIC = {b"\xfe\xed\xfe\xed": "JKS", b"\xce\xce\xce\xce": "JCEKS"}
_JKS_WHITENER = b"Mighty Aphrodite"
# Past this size no password is tried on a Java key store (each try hashes the whole file).
_MAX_JKS_BYTES = 8 * 1024 * 1024
# PKCS#12 MAC rounds past which the default passwords are not tried (each try derives a key).
_MAX_DEFAULT_TRY_ITERATIONS = 200_000

_KDBX_MAGIC = b"\x03\xd9\xa2\x9a"
_KDBX_SIGNATURES = {0xB54BFB65: "KeePass 1.x", 0xB54BFB66: "KeePass 2.x pre-release", 0xB54BFB67: "KDBX"}
_OID_PKCS7_DATA = bytes.fromhex("06092a864886f70d010701")
_OID_PKCS7_SIGNED = bytes.fromhex("06092a864886f70d010702")
# The PKCS#12 MAC key is derived with this many hash rounds before any password is refused:
# past the cap, trying the empty password would spend the file's time budget on a hostile count.
_MAX_MAC_ITERATIONS = 1_000_000
_LOCATION = Location(part="file")


def extract(data: bytes, ctx: Context) -> Iterator[Item]:
    if data.startswith(_KDBX_MAGIC):
        yield Segment(text=_kdbx_text(data), location=_LOCATION)
    elif data[:4] in _JKS_MAGIC:
        yield Segment(text=_jks_text(data), location=_LOCATION)
    elif data[:1] == b"\x30":
        yield Segment(text=_pkcs12_text(data), location=_LOCATION)
    else:
        raise ExtractError("neither a KeePass database nor a PKCS#12 or Java key store")


def _kdbx_text(data: bytes) -> str:
    if len(data) < 12:
        raise ExtractError("truncated KeePass database header")
    signature, minor, major = struct.unpack_from("<IHH", data, 4)
    kind = _KDBX_SIGNATURES.get(signature)
    if kind is None:
        raise ExtractError(f"KeePass magic with an unknown second signature {signature:#010x}")
    detail = f"KDBX {major}.{minor}" if kind == "KDBX" else kind
    return f"{KDBX_MARKER} ({detail})"


def _pkcs12_text(data: bytes) -> str:
    iterations = _pfx_mac_iterations(data)
    if iterations is not None and iterations > _MAX_MAC_ITERATIONS:
        return PKCS12_MARKER
    opened = _open_without_password(data)
    how = UNPROTECTED
    if opened is None and (iterations or 1) <= _MAX_DEFAULT_TRY_ITERATIONS:
        for password in DEFAULT_PASSWORDS:
            opened = _open_pkcs12(data, password.encode())
            if opened is not None:
                how = DEFAULT_PASSWORD.format(password=password)
                break
    if opened is None:
        return PKCS12_MARKER
    has_key, certificates = opened
    plural = "s" if certificates != 1 else ""
    if has_key:
        return f"{PKCS12_MARKER}, {how}, holding a private key and {certificates} certificate{plural}"
    return f"{PKCS12_CERTIFICATES}, {how}, {certificates} certificate{plural}"


def _jks_text(data: bytes) -> str:
    kind = _JKS_MAGIC[data[:4]]
    keys, certificates = _jks_entries(data)
    plural = "s" if certificates != 1 else ""
    if not keys:
        return f"{JKS_CERTIFICATES.format(kind=kind)}, {certificates} certificate{plural}"
    marker = JKS_MARKER.format(kind=kind)
    contents = f"{keys} private or secret key{'s' if keys != 1 else ''} and {certificates} certificate{plural}"
    password = _jks_password(data)
    if password is None:
        return f"{marker} ({contents})"
    how = UNPROTECTED if password == "" else DEFAULT_PASSWORD.format(password=password)
    return f"{marker}, {how}, holding {contents}"


def _jks_entries(data: bytes) -> tuple[int, int]:
    """(key entries, certificates) of a JKS/JCEKS store, read from its clear-text outline.

    A JCEKS secret-key entry is a serialised Java object that cannot be skipped without a
    Java parser: counting stops there (it is key material, so the store is one).
    Raises ExtractError for a truncated or inconsistent outline.
    """
    if len(data) < 12 + 20:
        raise ExtractError("truncated Java key store")
    version, count = struct.unpack_from(">II", data, 4)
    if version not in (1, 2):
        raise ExtractError(f"Java key store version {version} is unknown")
    end = len(data) - 20
    at = 12
    keys = certificates = 0

    def take(size: int) -> int:
        nonlocal at
        if size < 0 or at + size > end:
            raise ExtractError("truncated Java key store entry")
        start = at
        at += size
        return start

    def u32() -> int:
        value: int = struct.unpack_from(">I", data, take(4))[0]
        return value

    def utf() -> None:
        (length,) = struct.unpack_from(">H", data, take(2))
        take(length)

    def certificate() -> None:
        if version == 2:
            utf()  # certificate type, "X.509"
        take(u32())

    if count > end // 8:
        raise ExtractError(f"Java key store claims {count} entries in {len(data)} bytes")
    for _ in range(count):
        tag = u32()
        utf()  # alias
        take(8)  # creation date
        if tag == 1:  # private key: encrypted key, then its certificate chain
            take(u32())
            keys += 1
            for _chain in range(u32()):
                certificate()
                certificates += 1
        elif tag == 2:
            certificate()
            certificates += 1
        elif tag == 3:
            return keys + 1, certificates
        else:
            raise ExtractError(f"Java key store entry of unknown kind {tag}")
    return keys, certificates


def _jks_password(data: bytes) -> str | None:
    """The empty or default password whose keyed SHA-1 matches the store's digest, if any."""
    if len(data) > _MAX_JKS_BYTES:
        return None
    body, digest = data[:-20], data[-20:]
    for password in ("", *DEFAULT_PASSWORDS):
        check = hashlib.sha1(password.encode("utf-16-be") + _JKS_WHITENER, usedforsecurity=False)
        check.update(body)
        if check.digest() == digest:
            return password
    return None


def _pfx_mac_iterations(data: bytes) -> int | None:
    """Check the PFX outline (version 3, authSafe content info, optional MacData) and return
    the MAC iteration count (1 when the MacData leaves it out); None when there is no MacData
    or it cannot be found (BER indefinite lengths, which some Java and Windows writers use).

    Raises ExtractError for anything that is no PKCS#12 structure.
    """
    outer_tag, start, end = _der_element(data, 0)
    if outer_tag != 0x30:
        raise ExtractError("not a PKCS#12 key store: no outer DER sequence")
    version_tag, version_start, version_end = _der_element(data, start)
    if version_tag != 0x02 or version_end is None or data[version_start:version_end] != b"\x03":
        raise ExtractError("not a PKCS#12 key store: version is not 3")
    auth_tag, auth_start, auth_end = _der_element(data, version_end)
    oid = data[auth_start:auth_start + len(_OID_PKCS7_DATA)]
    if auth_tag != 0x30 or oid not in (_OID_PKCS7_DATA, _OID_PKCS7_SIGNED):
        raise ExtractError("not a PKCS#12 key store: authSafe is no PKCS#7 content")
    if auth_end is None or auth_end >= (end or len(data)) or data[auth_end] != 0x30:
        return None
    _mac_tag, mac_start, mac_end = _der_element(data, auth_end)
    _digest_tag, _digest_start, digest_end = _der_element(data, mac_start)
    if mac_end is None or digest_end is None:
        return None
    _salt_tag, _salt_start, salt_end = _der_element(data, digest_end)
    if salt_end is None or salt_end >= mac_end:
        return 1
    count_tag, count_start, count_end = _der_element(data, salt_end)
    if count_tag != 0x02 or count_end is None or count_end - count_start > 8:
        return _MAX_MAC_ITERATIONS + 1  # no sane count: do not try it
    return int.from_bytes(data[count_start:count_end], "big", signed=True)


def _der_element(data: bytes, at: int) -> tuple[int, int, int | None]:
    """(tag, content start, content end) of the DER/BER element at `at`; the end is None
    for a BER indefinite length."""
    if at + 2 > len(data):
        raise ExtractError("truncated PKCS#12 key store")
    tag, first = data[at], data[at + 1]
    start = at + 2
    if first == 0x80:
        return tag, start, None
    if first < 0x80:
        length = first
    elif first <= 0x84:
        count = first & 0x7F
        length = int.from_bytes(data[start:start + count], "big")
        start += count
    else:
        raise ExtractError("not a PKCS#12 key store: DER length field longer than 4 bytes")
    if start + length > len(data):
        raise ExtractError("truncated PKCS#12 key store")
    return tag, start, start + length


def _open_without_password(data: bytes) -> tuple[bool, int] | None:
    """(holds a private key, number of certificates) when the store opens without a
    password; None when it needs one or cannot be checked (cryptography missing)."""
    try:
        from cryptography.hazmat.primitives.serialization import pkcs12
    except ImportError:
        return None
    for password in (None, b""):  # writers disagree on "no password": absent or empty
        opened = _open_pkcs12(data, password)
        if opened is not None:
            return opened
    return None


def _open_pkcs12(data: bytes, password: bytes | None) -> tuple[bool, int] | None:
    try:
        from cryptography.hazmat.primitives.serialization import pkcs12
    except ImportError:
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            key, certificate, extra = pkcs12.load_key_and_certificates(data, password)
    except Exception:  # wrong password, unsupported cipher, damage: all mean "not opened"
        return None
    return key is not None, (certificate is not None) + len(extra)

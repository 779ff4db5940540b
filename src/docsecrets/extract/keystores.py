"""Key stores: KeePass databases (kdbx), PKCS#12 files (.p12/.pfx) and Java key stores (.jks).

Their content is encrypted key material, and finding one in a web root or a document share
is the finding. Extractors yield text, not findings, so each file yields one segment with a
fixed marker text that a rule matches. A PKCS#12 file that opens with an empty password is
said to be so: anyone who copies it holds the private key.
"""

from __future__ import annotations

import struct
import warnings
from collections.abc import Iterator

from docsecrets.extract.context import Context
from docsecrets.types import ExtractError, Item, Location, Segment

KDBX_MARKER = "KeePass database (kdbx): password vault file"
PKCS12_MARKER = "PKCS#12 key store (.p12/.pfx): private key container"
JKS_MARKER = "Java key store (jks): private key container"
PKCS12_CERTIFICATES = "PKCS#12 key store (.p12/.pfx): certificates only, no private key"
UNPROTECTED = "unprotected (empty password)"

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
    elif data.startswith((b"\xfe\xed\xfe\xed", b"\xce\xce\xce\xce")):
        yield Segment(text=JKS_MARKER, location=_LOCATION)
    elif data[:1] == b"\x30":
        yield Segment(text=_pkcs12_text(data), location=_LOCATION)
    else:
        raise ExtractError("neither a KeePass database nor a PKCS#12 key store")


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
    if opened is None:
        return PKCS12_MARKER
    has_key, certificates = opened
    plural = "s" if certificates != 1 else ""
    if has_key:
        return f"{PKCS12_MARKER}, {UNPROTECTED}, holding a private key and {certificates} certificate{plural}"
    return f"{PKCS12_CERTIFICATES}, {UNPROTECTED}, {certificates} certificate{plural}"


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
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                key, certificate, extra = pkcs12.load_key_and_certificates(data, password)
        except Exception:  # wrong password, unsupported cipher, damage: all mean "not opened"
            continue
        return key is not None, (certificate is not None) + len(extra)
    return None

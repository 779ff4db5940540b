"""Passwords that remote-access clients save in their files.

VNC viewers and servers (.vnc, ultravnc.ini, TightVNC/RealVNC exports) store the password
DES-encrypted with a fixed key published with the VNC source: docsecrets decrypts it and
reports the plaintext. Remote Desktop (.rdp) files keep a DPAPI blob (`password 51:b:`) that
only the saving Windows account can decrypt: reported as it is.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from docsecrets.rules import des
from docsecrets.rules.base import Match, Priority, Rule
from docsecrets.types import Severity

VNC_PASSWORD = Rule(
    id="DS120", name="vnc-saved-password", severity=Severity.HIGH,
    description="A VNC password saved in a viewer or server file (DES-obfuscated; decrypted here)",
    help="The obfuscation is public: treat the password as known, change it on the VNC server.",
    priority=Priority.DECRYPTED, keywords=("passw", "pwd"))
RDP_PASSWORD = Rule(
    id="DS121", name="rdp-saved-password", severity=Severity.HIGH,
    description="A Remote Desktop file with a saved password blob (password 51:b:)",
    help="Remove the saved password from the .rdp file and change the account's password.",
    priority=Priority.DECRYPTED, keywords=("51:b:",))

# The fixed key every VNC implementation uses to obfuscate stored passwords.
_VNC_KEY = bytes([23, 82, 107, 6, 35, 78, 88, 7])
_VNC_ENTRY = re.compile(r"(?im)^[ \t]*(?P<key>password|passwd2?|pwd|viewonlypassword|password2)[ \t]*=[ \t]*"
                        r"(?P<hex>[0-9a-f]{16})(?P<extra>[0-9a-f]{2})?[ \t]*$")
_RDP_BLOB = re.compile(r"(?im)^[ \t]*password 51:b:(?P<blob>[0-9a-f]{32,})[ \t]*$")


def decrypt_vnc(hex_value: str) -> str | None:
    """The plaintext of a VNC-obfuscated password, or None when it does not decrypt to text."""
    plain = des.decrypt_block(des.vnc_key(_VNC_KEY), bytes.fromhex(hex_value[:16]))
    plain = plain.rstrip(b"\x00")
    if not plain or any(b < 0x20 or b > 0x7E for b in plain):
        return None
    return plain.decode("ascii")


class VncPasswords:
    rule = VNC_PASSWORD
    keywords = VNC_PASSWORD.keywords

    def scan(self, text: str) -> Iterator[Match]:
        if "=" not in text:
            return
        for found in _VNC_ENTRY.finditer(text):
            plain = decrypt_vnc(found.group("hex"))
            if plain is None:
                continue
            kind = "view-only " if found.group("key").lower() in ("passwd2", "viewonlypassword", "password2") else ""
            yield Match(rule=VNC_PASSWORD, secret=plain, start=found.start("hex"), end=found.end("hex"),
                        priority=Priority.DECRYPTED, description=f"{kind}VNC password (decrypted from '{found.group('key')}')")


class RdpPasswords:
    rule = RDP_PASSWORD
    keywords = RDP_PASSWORD.keywords

    def scan(self, text: str) -> Iterator[Match]:
        if "51:b:" not in text:
            return
        for found in _RDP_BLOB.finditer(text):
            yield Match(rule=RDP_PASSWORD, secret=found.group("blob"), start=found.start("blob"),
                        end=found.end("blob"), priority=Priority.DECRYPTED, description="RDP saved password (DPAPI blob)")

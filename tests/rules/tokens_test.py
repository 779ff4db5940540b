from __future__ import annotations

import pytest

from docsecrets.engine import scan_text

GITHUB = "ghp_" + "bul7TpjtFMXrWe4rF1wjMoZnLdcE3p24LLit"
SLACK = "xoxb-" + "645117059684-2215580797590-GSKWWDJTSHE3lTSgjE6Dv51V"
STRIPE = "sk_live_" + "51QwSjMs3FmarJckVJ0A5xUkFLrZed2ZwshiG11qr7sUS7Ti5akEYz"
GOOGLE = "AIza" + "QEvugI4W8rjUE-i1iG8eETYNm1QRsVdV5F1"
JWT = ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9." + "eyJzdWIiOiJ4In0." + "nTYQ2_CQYWi_58QpVEC0clryQKCwCOPdnDS5r4wzkCI")
KEY_BODY = "\n".join(["MIIEogIBAAKCAQEAqcMfMVOaw8TXNr1dhQXT0mvTvbYkO7b4gK3QZl+dm8UY8s7E"] * 4)
PEM = "-----BEGIN RSA " + "PRIVATE KEY-----\n" + KEY_BODY + "\n-----END RSA " + "PRIVATE KEY-----"


@pytest.mark.parametrize(("text", "rule", "secret"), [
    (f"export GITHUB_TOKEN={GITHUB}", "DS200", GITHUB),
    (f"bot: {SLACK}", "DS200", SLACK),
    (f"stripe {STRIPE}", "DS200", STRIPE),  # widened past detect-secrets' 24 characters
    (f"Clé API Google Maps : {GOOGLE}", "DS211", GOOGLE),
    (f"Authorization: Bearer {JWT}", "DS200", JWT),
    (f"clé de déploiement :\n{PEM}\nfin", "DS210", PEM),
])
def test_known_formats(text: str, rule: str, secret: str) -> None:
    found = [(m.rule.id, m.secret) for m in scan_text(text)]
    assert (rule, secret) in found


@pytest.mark.parametrize("text", [
    "AKIAIOSFODNN7EXAMPLE",
    "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "-----BEGIN RSA PRIVATE KEY----- is the marker of a key",
    "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7 user@host",
])
def test_examples_and_public_material_are_not_tokens(text: str) -> None:
    assert scan_text(text) == []


def test_key_store_markers() -> None:
    from docsecrets.engine import scan_bytes
    from tests.fixtures import keystore_builders

    found = scan_text("PKCS#12 key store (.p12/.pfx): private key container, unprotected (empty password), x")
    assert [(m.rule.id, m.severity) for m in found] == [("DS220", 4)]
    assert [m.rule.id for m in scan_text("KeePass database (kdbx): password vault file (KDBX 4.1)")] == ["DS220"]
    assert scan_text("PKCS#12 key store (.p12/.pfx): certificates only, no private key") == []
    (vault,) = scan_bytes(keystore_builders.kdbx(), path="vault.kdbx").findings
    assert vault.rule_id == "DS220"
    (store,) = scan_bytes(keystore_builders.pkcs12_store(password=None), path="cert.p12").findings
    assert (store.rule_id, store.severity) == ("DS220", 4)

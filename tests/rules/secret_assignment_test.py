"""DS102: key material assigned to a secret-ish name, in every config syntax."""

from __future__ import annotations

import pytest

from docsecrets.engine import scan_text

KEY = "Xq7" + "pL2" + "mN9vR4tK8wZ3yB6c"
HEX = "3f9a1c7b" + "e2d45f80a6c3e1b97d2f04a8c6e5b13d79f0a2c4"


@pytest.mark.parametrize("text", [
    f"client_secret={KEY}",
    f"api_key: {KEY}",
    f'"apikey": "{KEY}"',
    f"access_token: '{KEY}'",
    f"auth_token={KEY}",
    f'<add key="ApiKey" value="{KEY}"/>',
    f'<connector apiKey="{KEY}" />',
    f"<apiKey>{KEY}</apiKey>",
    f"<client_secret>{KEY}</client_secret>",
    f'<entry key="client.secret">{KEY}</entry>',
])
def test_key_material_under_a_secret_name_is_found(text: str) -> None:
    assert [(m.rule.id, m.secret) for m in scan_text(text)] == [("DS102", KEY)]


def test_private_key_id_is_a_secret_name() -> None:
    assert [(m.rule.id, m.secret) for m in scan_text(f'private_key_id = "{HEX}"')] == [("DS102", HEX)]


@pytest.mark.parametrize("text", [
    "<monkey>Bananas are yellow fruit</monkey>",
    f"<keyboard>{KEY}</keyboard>",
    f"<publicKey>{KEY}</publicKey>",
    "<token>${TOKEN_FROM_ENV_VARIABLE}</token>",
    "<tokenUrl>https://login.example.org/oauth2/token</tokenUrl>",
    "<KeyName>AzureStorageAccountKey2</KeyName>",
    f"<apiKey>{KEY}</apiKeys>",
    "client_id_key_name = your_api_key_here",
])
def test_names_values_and_placeholders_are_not_secrets(text: str) -> None:
    assert scan_text(text) == []

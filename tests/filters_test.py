from __future__ import annotations

import pytest

from docsecrets import filters


@pytest.mark.parametrize("value", [
    "", "  ", "********", "xxxx", "•••••", "<mot de passe>", "{password}", "${DB_PASS}", "%PASSWORD%", "[REDACTED]",
    "voir KeePass", "idem", "cf. coffre", "N/A", "néant", "identique", "voir ci-dessus", "changeme", "<CHANGE_ME>",
    "doit contenir au moins 12 caractères", "os.environ['DB_PASS']", "getenv('PWD')", "AKIAIOSFODNN7EXAMPLE",
    "2020-03-01", "01 23 45 67 89", "10.0.0.1", "1.2.3", "123e4567-e89b-12d3-a456-426614174000",
    "d41d8cd98f00b204e9800998ecf8427e", "rapport.pdf", "12", "(masqué)", "db_password",
])
def test_not_secrets(value: str) -> None:
    assert filters.not_a_secret(value)


@pytest.mark.parametrize("value", ["sa", "urg2013", "vnc123", "Labo2019$", "19730512", "Radio.10", "soleil"])
def test_weak_real_passwords_pass(value: str) -> None:
    assert not filters.not_a_secret(value)

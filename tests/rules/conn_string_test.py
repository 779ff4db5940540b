from __future__ import annotations

import pytest

from docsecrets.engine import scan_text

PW = "Garde" + "$2008"


@pytest.mark.parametrize(("text", "rule"), [
    (f"postgresql://app:{PW}@db.local:5432/prod", "DS110"),
    (f"redis://:{PW}@10.0.0.5:6379/0", "DS110"),
    (f"jdbc:oracle:thin:scott/{PW}@//db:1521/ORCL", "DS111"),
    (f"sqlplus system/{PW}@PROD", "DS111"),
    (f"mysql -u root -p{PW} prod", "DS112"),
    (f"Data Source=srv;Initial Catalog=x;User ID=sa;Password={PW};", "DS101"),
    (f"Driver={{SQL Server}};Server=srv;Uid=sa;Pwd={PW};", "DS101"),
])
def test_connection_string_passwords(text: str, rule: str) -> None:
    found = [(m.rule.id, m.secret) for m in scan_text(text)]
    assert found[0] == (rule, PW)


@pytest.mark.parametrize("text", [
    "postgresql://user:password@localhost/db",
    "mysql://root:<password>@db/x",
    "Server=srv;Database=x;Integrated Security=SSPI;",
    "https://example.org/path?q=1",
    "postgresql://app:${DB_PASS}@db/prod",
])
def test_placeholders_in_connection_strings(text: str) -> None:
    assert scan_text(text) == []

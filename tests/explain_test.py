"""`docsecrets extract --explain FILE`: how each table column was read, and why each finding
was reported, with secrets redacted."""

from __future__ import annotations

from click.testing import CliRunner

from docsecrets.cli import cli
from tests.fixtures.xlsx_builders import make_xlsx


def test_explain_says_why_a_column_is_a_password_column(tmp_path) -> None:
    secret = "Bebe" + "2020"
    rows = [["Poste", "IP", "Utilisateur", "Accès", "Remarque"], ["Mater", "10.1.1.4", "mater", secret, "x"],
            ["Labo", "10.1.1.5", "labo", "Lab#" + "77", "y"]]
    path = make_xlsx(tmp_path, {f"Sheet1!{chr(65 + c)}{r}": v for r, row in enumerate(rows, start=1)
                                for c, v in enumerate(row)})
    result = CliRunner().invoke(cli, ["extract", "--explain", str(path)])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "? row 1: account table without a password header" in out
    assert ("column 'Accès': PASSWORD column (header names a credential, 2/2 values shaped like passwords, "
            "beside an account column and a machine column)") in out
    assert "column 'Remarque': header names other data" in out
    assert "Sheet1!D2: DS100 table-password ******** [high]: password for 10.1.1.4 (column 'Accès')" in out
    assert out.count(secret) == 1  # in the extracted text only, never in the explanation

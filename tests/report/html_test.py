"""scan --format html: self-contained, escaped, redacted, counts that match the JSON."""

from __future__ import annotations

import base64
import hashlib
import json
import pathlib
import re

from click.testing import CliRunner

from docsecrets.cli import cli
from docsecrets.report import Report
from docsecrets.report import html as html_report
from docsecrets.types import FileError, FileResult, Finding, Location, Severity

SECRET = "Hunter" + "2024!"


def _finding(path: str, *, severity: Severity = Severity.CRITICAL, hidden: str | None = None,
             description: str = "VNC access to 10.1.2.3") -> Finding:
    return Finding(rule_id="DS130", rule_name="remote-access-credential", severity=severity, path=path,
                   location=Location(part="Contacts", cell="G4", row=4, column=7), redacted="Hu*******4!",
                   fingerprint="f" * 64, description=description, hidden=hidden, secret=SECRET)


def _report(**kwargs: object) -> Report:
    results = (
        FileResult(path="www/<script>alert(1)</script>.xlsx", format="xlsx",
                   findings=(_finding("www/<script>alert(1)</script>.xlsx", hidden="hidden sheet 'Bases'"),
                             _finding("www/<script>alert(1)</script>.xlsx", severity=Severity.LOW,
                                      description='"><img src=x onerror=alert(1)>'))),
        FileResult(path="www/broken.pdf", format="pdf",
                   errors=(FileError(path="www/broken.pdf", error="unscannable: truncated <PDF>\x1b[31m"),)),
        FileResult(path="www/notes.txt", format="text"),
        FileResult(path="www/\u202egpj.exe", format="binary",
                   errors=(FileError(path="www/\u202egpj.exe", error="not a document", kind="unsupported"),)),
    )
    return Report(results=results, **kwargs)  # type: ignore[arg-type]


def test_the_page_is_self_contained_under_a_hash_based_policy() -> None:
    page = html_report.render(_report())
    policy = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', page).group(1)
    style = re.search(r"<style>(.*?)</style>", page, re.S).group(1)
    script = re.search(r"<script>(.*?)</script>", page, re.S).group(1)

    def digest(block: str) -> str:
        return "'sha256-" + base64.b64encode(hashlib.sha256(block.encode()).digest()).decode() + "'"

    assert policy == (f"default-src 'none'; style-src {digest(style)}; script-src {digest(script)}; "
                      "img-src data:; base-uri 'none'; form-action 'none'")
    assert page.count("<script") == 1 and page.count("<style") == 1
    for fetches in ("src=", "href=", "<link", "url(", "@import", " style="):
        assert fetches not in page.replace("&quot;&gt;&lt;img src=x", "")


def test_everything_is_escaped_and_secrets_are_redacted() -> None:
    page = html_report.render(_report())
    assert "<script>alert(1)</script>" not in page
    assert "www/&lt;script&gt;alert(1)&lt;/script&gt;.xlsx" in page
    assert "<img" not in page
    assert "truncated &lt;PDF&gt;\\x1b[31m" in page
    assert "www/\\u202egpj.exe" in page
    assert SECRET not in page and "Hu*******4!" in page
    assert "secrets-banner" not in page
    assert "hidden: hidden sheet &#x27;Bases&#x27;" in page


def test_show_secrets_shows_them_under_a_banner() -> None:
    page = html_report.render(_report(show_secrets=True))
    assert f'<code class="value">{SECRET}</code>' in page
    assert 'id="secrets-banner"' in page


def test_summary_counts() -> None:
    page = html_report.render(_report())
    counts = dict(re.findall(r'id="count-([a-z-]+)" data-count="(\d+)"', page))
    assert counts == {"findings": "2", "files-with-findings": "1", "files-scanned": "4", "unscannable": "2",
                      "skipped": "0", "critical": "1", "high": "0", "medium": "0", "low": "1"}
    assert re.findall(r'data-bar="([^"]+)">(\d+)<', page) == [("critical", "1"), ("high", "0"), ("medium", "0"),
                                                              ("low", "1"), ("xlsx", "2")]


def test_cli_writes_the_html_report(tmp_path: pathlib.Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / ".env").write_text("DB_PASSWORD=" + SECRET + "\n")
    runner = CliRunner()
    result = runner.invoke(cli, ["scan", "--jobs", "1", "--format", "html", "-o", str(tmp_path / "r.html"),
                                 str(tmp_path / "in")])
    assert result.exit_code == 1 and result.output == ""
    page = (tmp_path / "r.html").read_text()
    summary = json.loads(runner.invoke(cli, ["scan", "--jobs", "1", "--format", "json",
                                             str(tmp_path / "in")]).output)["summary"]
    assert f'id="count-findings" data-count="{summary["findings"]}"' in page
    assert SECRET not in page

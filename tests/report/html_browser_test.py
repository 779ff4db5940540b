"""The HTML report in a real browser: headless Chromium (Debian's package) driven by Playwright.

Checks that the counts shown match the JSON, that the severity and text filters hide rows,
and that the page makes no request but its own file. A screenshot is left in tmp_path.
Skipped, with the reason, where Chromium or Playwright is missing.
"""

from __future__ import annotations

import json
import pathlib
import shutil
from collections import Counter

import pytest
from click.testing import CliRunner

from docsecrets.cli import cli
from tests.fixtures.mask_builders import make_web_root

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture
def browser_page(tmp_path: pathlib.Path):
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (the test extra)")
    with sync_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"), executable_path=executable, headless=True, args=CHROMIUM_ARGS,
            viewport={"width": 1280, "height": 900})
        try:
            yield context.new_page()
        finally:
            context.close()


def _reports(folder: pathlib.Path, tmp_path: pathlib.Path) -> tuple[pathlib.Path, dict]:
    runner = CliRunner()
    page = tmp_path / "report.html"
    result = runner.invoke(cli, ["scan", "--format", "html", "-o", str(page), str(folder)])
    assert result.exit_code == 1, result.output
    document = json.loads(runner.invoke(cli, ["scan", "--format", "json", str(folder)]).output)
    return page, document


def _check_in_browser(page, report: pathlib.Path, document: dict, tmp_path: pathlib.Path) -> None:
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(report.as_uri())
    summary = document["summary"]
    findings = document["findings"]
    assert page.text_content("#count-findings") == str(summary["findings"]) == str(len(findings))
    assert page.text_content("#count-files-scanned") == str(summary["files_scanned"])
    assert page.text_content("#count-unscannable") == str(summary["files_unscannable"])
    by_severity = Counter(f["severity"] for f in findings)
    for severity in ("critical", "high", "medium", "low"):
        assert page.text_content(f"#count-{severity}") == str(by_severity[severity])
    rows = page.locator("tr.finding")
    assert rows.count() == len(findings)
    assert page.text_content("#shown-count") == str(len(findings))  # the script ran under the policy

    page.uncheck("#filter-critical")
    visible = len(findings) - by_severity["critical"]
    assert page.locator("tr.finding:visible").count() == visible
    assert page.text_content("#shown-count") == str(visible)
    assert page.locator("tr.finding[data-severity=critical]:visible").count() == 0
    page.check("#filter-critical")

    name = findings[0]["path"].rsplit("/", 1)[-1]
    page.fill("#filter-text", name.lower())
    assert page.locator("tr.finding:visible").count() == sum(1 for f in findings if f["path"].endswith("/" + name))
    page.fill("#filter-text", "")

    page.screenshot(path=str(tmp_path / "report.png"), full_page=False)
    assert (tmp_path / "report.png").stat().st_size > 10_000
    assert requests == [report.as_uri()]
    assert errors == []


def test_report_of_a_small_sweep_in_chromium(browser_page, tmp_path: pathlib.Path) -> None:
    www = make_web_root(tmp_path / "site")
    report, document = _reports(www, tmp_path)
    assert document["summary"]["findings"] >= 20
    _check_in_browser(browser_page, report, document, tmp_path)


@pytest.mark.shared
def test_report_of_the_eval_corpus_in_chromium(browser_page, shared_dir: pathlib.Path,
                                               tmp_path: pathlib.Path) -> None:
    report, document = _reports(shared_dir / "eval" / "corpus", tmp_path)
    _check_in_browser(browser_page, report, document, tmp_path)

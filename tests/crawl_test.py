"""`docsecrets crawl` against a real HTTP server on 127.0.0.1, started by the tests.

The site has a directory listing with documents of several formats, a nested archive, a link
and a redirect to a host that must never be contacted, a 404, a slow response, an oversize
file, a path robots.txt disallows and a form. Nothing but 127.0.0.1 is ever requested.
"""

from __future__ import annotations

import http.server
import json
import threading
import time
from collections.abc import Callable, Iterator

import httpx
import pytest
from click.testing import CliRunner

from docsecrets import crawl as crawl_module
from docsecrets.cli import cli
from tests.fixtures.corpus_builders import PASSWORD, build

OFFSITE = "offsite.invalid"
ROBOT_SECRET = "Priv" + "Ate!77x"
PROXY_SECRET = "Prox" + "Yed!99z"

Route = tuple[int, dict[str, str], bytes, float]  # status, headers, body, delay before answering


def listing(title: str, names: list[str]) -> bytes:
    """An Apache-style autoindex page: sort links, a parent link, one link per file."""
    rows = "".join(f'<tr><td><a href="{n}">{n}</a></td><td align="right">2024-01-01 10:00</td></tr>'
                   for n in names)
    return (f"<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 3.2 Final//EN\"><html><head><title>Index of {title}"
            f"</title></head><body><h1>Index of {title}</h1><table><tr><th><a href=\"?C=N;O=D\">Name</a></th>"
            f"<th><a href=\"?C=M;O=A\">Last modified</a></th></tr><tr><td><a href=\"/\">Parent Directory</a>"
            f"</td></tr>{rows}</table></body></html>").encode()


def html(body: str) -> Route:
    return 200, {"Content-Type": "text/html; charset=utf-8"}, f"<html><body>{body}</body></html>".encode(), 0.0


def document(data: bytes, kind: str = "application/octet-stream") -> Route:
    return 200, {"Content-Type": kind, "Content-Length": str(len(data))}, data, 0.0


def site_routes() -> dict[str, Route]:
    big = b"A" * 120_000
    return {
        "/": html('<a href="/files/">files</a> <a href="/moved">old link</a> <a href="/missing.xlsx">gone</a>'
                  '<a href="/slow.pdf">slow</a> <a href="/private/secret.txt">private</a>'
                  f'<a href="http://{OFFSITE}/leak.xlsx">elsewhere</a> <img src="/logo.png">'
                  '<!-- <a href="/commented.xlsx">old</a> -->'
                  '<form action="/search" method="get"><input name="q"></form>'
                  '<script>var u = "<a href=\'/from-script.xlsx\'>";</script>'),
        "/robots.txt": (200, {"Content-Type": "text/plain"}, b"User-agent: *\nDisallow: /private/\n", 0.0),
        "/files/": (200, {"Content-Type": "text/html"},
                    listing("/files", ["comptes.xlsx", "procedure.docx", "rapport.pdf", "backup.zip",
                                       "huge.xlsx", "huge-chunked.bin"]), 0.0),
        "/files/comptes.xlsx": document(build("xlsx")),
        "/files/procedure.docx": document(build("docx")),
        "/files/rapport.pdf": document(build("pdf"), "application/pdf"),
        "/files/backup.zip": document(build("zip"), "application/zip"),
        "/files/huge.xlsx": document(big),
        "/files/huge-chunked.bin": (200, {"Content-Type": "application/octet-stream"}, big, 0.0),
        "/moved": (302, {"Location": f"http://{OFFSITE}/leak.xlsx"}, b"", 0.0),
        "/slow.pdf": (200, {"Content-Type": "application/pdf"}, build("pdf"), 3.0),
        "/private/secret.txt": (200, {"Content-Type": "text/plain"}, f"mdp : {ROBOT_SECRET}\n".encode(), 0.0),
        "/logo.png": (200, {"Content-Type": "image/png"}, b"\x89PNG\r\n\x1a\n", 0.0),
    }


class Server:
    def __init__(self, routes: dict[str, Route], *, proxy: bool = False, port: int = 0) -> None:
        self.routes = routes
        self.requests: list[tuple[str, str]] = []  # (method, path as sent)
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                server.requests.append(("GET", self.path))
                key = self.path.split("://", 1)[-1].split("/", 1)[-1] if proxy else self.path
                status, headers, body, delay = server.routes.get("/" + key.lstrip("/") if proxy else key,
                                                                 (404, {}, b"not here", 0.0))
                time.sleep(delay)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                try:
                    self.wfile.write(body)
                except OSError:
                    pass

            def do_POST(self) -> None:  # noqa: N802
                server.requests.append(("POST", self.path))
                self.send_response(405)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> Server:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def paths(self) -> set[str]:
        return {path for _, path in self.requests}


@pytest.fixture(autouse=True)
def no_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


@pytest.fixture
def contacted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every host the HTTP client opened a request to (recorded below the redirect logic)."""
    hosts: list[str] = []
    original: Callable[..., httpx.Response] = httpx.HTTPTransport.handle_request

    def recording(self: httpx.HTTPTransport, request: httpx.Request) -> httpx.Response:
        hosts.append(request.url.host)
        return original(self, request)

    monkeypatch.setattr(httpx.HTTPTransport, "handle_request", recording)
    return hosts


@pytest.fixture
def site() -> Iterator[Server]:
    with Server(site_routes()) as server:
        yield server


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["crawl", "--rate", "200", "--jobs", "1", *args])
    return result.exit_code, result.output


def test_crawl_scans_every_document_of_the_listing_and_reports_what_it_could_not_fetch(
        site: Server, contacted: list[str]) -> None:
    code, out = run("--format", "json", "--request-timeout", "0.5", "--max-file-size", "0.1", site.url + "/")
    assert code == 1
    report = json.loads(out)
    files = site.url + "/files/"
    found = {(f["path"], f["rule"], tuple(f["archive_chain"]), f["where"], f["secret"]) for f in report["findings"]}
    assert found == {
        (files + "comptes.xlsx", "DS100", (), "Sheet1!C2", "********"),
        (files + "procedure.docx", "DS101", (), "body, line 2", "********"),
        (files + "rapport.pdf", "DS101", (), "page 1, line 2", "********"),
        (files + "backup.zip", "DS100", ("docs/comptes.xlsx",), "Comptes!B2", "au…t9"),
        (files + "backup.zip", "DS101", ("site/.env",), "line 2", "********"),
    }
    errors = {e["path"]: e["error"] for e in report["errors"]}
    assert errors == {
        site.url + "/moved": f"redirect off the site to http://{OFFSITE}/leak.xlsx: not followed",
        site.url + "/missing.xlsx": "HTTP 404 Not Found",
        site.url + "/slow.pdf": "timed out after 0.5 s (see --request-timeout)",
        files + "huge.xlsx": "unscannable: 120,000 bytes is over the size limit (104,857; see --max-file-size): "
                             "not downloaded",
        files + "huge-chunked.bin": "unscannable: more than 104,857 bytes, over the size limit "
                                    "(see --max-file-size): download stopped",
    }
    skipped = {s["path"]: s["reason"] for s in report["skipped"]}
    assert skipped == {site.url + "/private/secret.txt": "disallowed by robots.txt (see --ignore-robots)",
                       site.url + "/logo.png": "not fetched: an image, style sheet, font or media file"}
    # GET only, each URL once, never the form, a sort order, a commented or scripted link, nor another host
    assert all(method == "GET" for method, _ in site.requests)
    assert sorted(path for _, path in site.requests) == sorted([
        "/robots.txt", "/", "/files/", "/moved", "/missing.xlsx", "/slow.pdf", "/files/comptes.xlsx",
        "/files/procedure.docx", "/files/rapport.pdf", "/files/backup.zip", "/files/huge.xlsx",
        "/files/huge-chunked.bin"])
    assert set(contacted) == {"127.0.0.1"}
    assert PASSWORD not in out


def test_text_report_names_the_url_and_archive_chain(site: Server) -> None:
    code, out = run("--request-timeout", "0.5", site.url + "/files/backup.zip")
    assert code == 1
    assert out.splitlines() == [
        f"{site.url}/files/backup.zip › docs/comptes.xlsx: Comptes!B2: MEDIUM DS100 table-password: au…t9"
        "  (column 'Mot de passe')",
        f"{site.url}/files/backup.zip › site/.env: line 2: MEDIUM DS101 password-assignment: ********"
        "  (after 'DB_PASSWORD')",
        out.splitlines()[-1],
    ]
    assert out.splitlines()[-1].startswith("2 findings (2 medium) in 1 file; 1 scanned, 0 unscannable, 0 skipped")


def test_unscannable_fails_the_gate_unless_allowed(site: Server) -> None:
    assert run("--fail-on", "critical", site.url + "/missing.xlsx")[0] == 1
    assert run("--fail-on", "critical", "--allow-unscannable", site.url + "/missing.xlsx")[0] == 0
    assert run(site.url + "/robots.txt")[0] == 0  # fetched, clean, nothing failed


def test_ignore_robots_fetches_what_robots_txt_disallows(site: Server) -> None:
    code, out = run("--format", "json", "--show-secrets", "--ignore-robots", site.url + "/private/secret.txt")
    assert code == 1
    assert [(f["path"], f["secret"]) for f in json.loads(out)["findings"]] == [
        (site.url + "/private/secret.txt", ROBOT_SECRET)]
    assert site.paths() == {"/private/secret.txt"}  # robots.txt not even asked for


def test_budgets_stop_the_crawl_with_an_error(site: Server) -> None:
    code, out = run("--format", "json", "--max-pages", "2", site.url + "/")
    assert code == 1
    errors = {e["path"]: e["error"] for e in json.loads(out)["errors"]}
    assert errors[site.url + "/"].startswith("crawl incomplete: the request budget (2, see --max-pages) is spent; ")
    assert len(site.paths() - {"/robots.txt"}) == 2


def test_max_depth_leaves_deeper_links_reported_as_skipped(site: Server) -> None:
    code, out = run("--format", "json", "--max-depth", "0", site.url + "/")
    skipped = {s["path"]: s["reason"] for s in json.loads(out)["skipped"]}
    assert skipped[site.url + "/files/"] == "not fetched: deeper than --max-depth 0"
    assert site.paths() == {"/robots.txt", "/"}
    assert code == 0


def test_a_robots_txt_that_cannot_be_read_keeps_the_site_uncrawled() -> None:
    routes = {"/": html('<a href="/a.txt">a</a>'), "/robots.txt": (500, {}, b"boom", 0.0)}
    with Server(routes) as server:
        code, out = run("--format", "json", server.url + "/")
        report = json.loads(out)
    assert code == 1
    assert [e["path"] for e in report["errors"]] == [server.url + "/robots.txt"]
    assert "HTTP 500" in report["errors"][0]["error"] and "--ignore-robots" in report["errors"][0]["error"]
    assert server.paths() == {"/robots.txt"}


def test_a_proxy_from_the_environment_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    routes = {"/notes.txt": (200, {"Content-Type": "text/plain"}, f"mdp : {PROXY_SECRET}\n".encode(), 0.0)}
    with Server(routes, proxy=True) as proxy:
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        # the site itself is not listening: only the proxy can answer
        code, out = run("--format", "json", "--show-secrets", "--ignore-robots", "http://127.0.0.1:9/notes.txt")
    assert code == 1
    assert [f["secret"] for f in json.loads(out)["findings"]] == [PROXY_SECRET]
    assert proxy.requests == [("GET", "http://127.0.0.1:9/notes.txt")]


def test_a_redirect_to_https_on_the_same_host_says_where_to_start(contacted: list[str]) -> None:
    routes = {"/": (301, {"Location": "https://127.0.0.1/"}, b"", 0.0)}
    with Server(routes) as server:
        code, out = run("--format", "json", "--ignore-robots", server.url + "/")
    assert code == 1
    assert json.loads(out)["errors"] == [{
        "path": server.url + "/", "kind": "redirect", "archive_chain": [],
        "error": "redirect to another scheme or port of the site to https://127.0.0.1/: not followed; "
                 "start the crawl there"}]
    assert set(contacted) == {"127.0.0.1"} and server.paths() == {"/"}


def test_missing_httpx_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "httpx", None)
    result = CliRunner().invoke(cli, ["crawl", "http://127.0.0.1:9/"])
    assert result.exit_code == 2
    assert "pip install 'docsecrets[crawl]'" in result.output


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/", "file:///etc/passwd", "http://user:pw@127.0.0.1/"])
def test_only_public_http_urls_are_crawled(url: str) -> None:
    result = CliRunner().invoke(cli, ["crawl", url])
    assert result.exit_code == 2
    assert "pw" not in result.output


def test_links_come_from_tags_not_comments_scripts_or_forms() -> None:
    page = crawl_module._Body(
        b'<html><head><base href="/docs/"><meta http-equiv="refresh" content="5; url=next.html"></head>'
        b'<body><!-- <a href="hidden.xls"> --><a href=plain.pdf>x</a><a href=\'q.xlsx?id=1&amp;v=2\'>y</a>'
        b'<img src="pic.png"><form action="/post"><input src="btn.png"></form>'
        b'<script>document.write("<a href=\\"js.xls\\">")</script><iframe src="//other.example/f"></iframe>'
        b'<a href="#top">top</a></body></html>', "text/html")
    assert crawl_module._links(page, "http://127.0.0.1:8000/index.html") == [
        "http://127.0.0.1:8000/docs/next.html", "http://127.0.0.1:8000/docs/plain.pdf",
        "http://127.0.0.1:8000/docs/q.xlsx?id=1&v=2", "http://127.0.0.1:8000/docs/pic.png",
        "http://other.example/f", "http://127.0.0.1:8000/docs/#top"]


def test_scope_is_the_start_origin_plus_documents_on_its_host() -> None:
    origin = crawl_module._Origin("http", "127.0.0.1", 8000)
    assert crawl_module._scope("http://127.0.0.1:8000/a/", origin) is False
    assert crawl_module._scope("https://127.0.0.1/a.xlsx", origin) is True
    assert crawl_module._scope("https://127.0.0.1/a/", origin) is None
    assert crawl_module._scope("http://127.0.0.2:8000/a.xlsx", origin) is None
    assert crawl_module.normalise("HTTP://Host:80/a#frag") == "http://host/a"
    assert crawl_module.normalise("https://u:p@host:443") == "https://host/"
    assert crawl_module.normalise("mailto:x@y") is None


def test_a_written_baseline_accepts_the_findings_of_the_next_crawl(site: Server, tmp_path) -> None:
    base = str(tmp_path / "site-baseline.json")
    url = site.url + "/files/backup.zip"
    assert run("--write-baseline", base, url)[0] == 1
    entries = json.loads((tmp_path / "site-baseline.json").read_text())["findings"]
    assert sorted((e["path"], e["rule"]) for e in entries.values()) == [(url, "DS100"), (url, "DS101")]
    assert PASSWORD not in (tmp_path / "site-baseline.json").read_text()
    code, out = run("--baseline", base, url)
    assert code == 0 and out.startswith("0 findings")


def test_robots_crawl_delay_slows_the_requests_to_its_site() -> None:
    routes = {"/": html('<a href="/a.txt">a</a><a href="/b.txt">b</a>'),
              "/robots.txt": (200, {"Content-Type": "text/plain"}, b"User-agent: *\nCrawl-delay: 1\n", 0.0),
              "/a.txt": (200, {}, b"a\n", 0.0), "/b.txt": (200, {}, b"b\n", 0.0)}
    with Server(routes) as server:
        started = time.monotonic()
        code, _ = run(server.url + "/")
        elapsed = time.monotonic() - started
    assert code == 0
    assert server.paths() == {"/robots.txt", "/", "/a.txt", "/b.txt"}
    assert elapsed >= 2.0  # three requests after robots.txt, one second apart


def test_a_url_is_filed_and_printed_without_its_query_values_or_user_info() -> None:
    from docsecrets.crawl import _shown

    token = "tk_" + "9f" * 10
    shown = _shown(f"http://admin:pw@127.0.0.1:8000/export.xlsx?token={token}&lang=fr&raw#top")
    assert shown == "http://127.0.0.1:8000/export.xlsx?token=…&lang=…&raw"
    assert token not in shown

"""Crawl a web site as a visitor sees it and hand every body to the scanner, never to the disk.

The leak that started docsecrets was a spreadsheet on a vendor's public web site, found by a
search engine: whoever has the disk can sweep the web root, everyone else sees only what the
site serves. The crawler does what a visitor's browser does and no more: GET requests for the
links (href, src, meta refresh) of HTML pages, including directory listings (Apache, nginx
and IIS autoindex pages are HTML with links), within the start URL's scheme, host and port,
plus links to documents on the same host. It never submits a form, never invents a query,
never follows a redirect off the site (the redirect is reported before any request to the
other host), honours robots.txt unless told otherwise, and stays inside budgets of depth,
requests, bytes, time and requests per second.

Everything that could not be fetched is a reported error with its reason (unreachable, HTTP
status, redirect off-site, oversize, timed out, budget exhausted), so a partial crawl never
passes for a clean one.

httpx is the HTTP client (an optional extra: `pip install 'docsecrets[crawl]'`), imported
only here and only when a crawl starts: it verifies TLS by default, takes proxies from the
environment, and streams bodies so a size limit holds before the bytes are in memory.
urllib.request was not used: it follows redirects on its own and has no per-read deadline.
"""

from __future__ import annotations

import re
import time
import zlib
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from html import unescape
from typing import TYPE_CHECKING
from urllib.parse import SplitResult, urljoin, urlsplit, urlunsplit
from urllib.robotparser import RobotFileParser

from docsecrets import __version__
from docsecrets.limits import MiB
from docsecrets.scan import BytesTask
from docsecrets.sniff import DOCUMENT_SUFFIXES, suffix_of
from docsecrets.types import DocsecretsError, ErrorKind, FileError, FileResult

if TYPE_CHECKING:
    import httpx

USER_AGENT = f"docsecrets/{__version__} (+https://pypi.org/project/docsecrets/; crawl)"
ROBOTS_AGENT = "docsecrets"

# Followed even off the start URL's scheme or port, when on its host: what a leak looks like.
_LEAF_SUFFIXES = DOCUMENT_SUFFIXES | frozenset({"csv", "tsv", "txt", "eml", "ini", "conf", "cfg", "env", "sql",
                                                "bak", "old", "xml", "json", "yaml", "yml", "vnc", "rdp", "rdg",
                                                "key", "pem", "kdb", "fods", "fodt", "odg", "log"})
# Never fetched: nothing docsecrets reads, and most of a site's requests.
_MEDIA_SUFFIXES = frozenset({"png", "jpg", "jpeg", "gif", "webp", "avif", "bmp", "ico", "svg", "tif", "tiff",
                             "css", "woff", "woff2", "ttf", "otf", "eot", "mp3", "mp4", "m4a", "m4v", "ogg",
                             "oga", "ogv", "wav", "webm", "avi", "mov", "mkv", "flac"})
# Apache autoindex column sorting (?C=N;O=D): the same listing again, in another order.
_SORT_QUERY = re.compile(r"^C=[NMSD][;&]O=[AD]$", re.I)
_REDIRECTS = frozenset({301, 302, 303, 307, 308})


class CrawlError(DocsecretsError):
    """A crawl that cannot start: no HTTP client installed, a URL that is not http(s)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class CrawlOptions:
    max_depth: int = 10  # links followed from the start URL
    max_pages: int = 5_000  # requests (robots.txt not counted)
    max_file_size: int = 200 * MiB  # one body
    max_total: int = 2048 * MiB  # every body together
    max_time: float = 3600.0  # seconds for the whole crawl
    rate: float = 5.0  # requests per second
    request_timeout: float = 30.0  # seconds for one request, connection to last byte
    insecure: bool = False  # skip TLS certificate verification
    ignore_robots: bool = False  # an owner auditing their own site
    user_agent: str = USER_AGENT


@dataclass(frozen=True, slots=True)
class _Origin:
    scheme: str
    host: str
    port: int

    @classmethod
    def of(cls, parts: SplitResult) -> _Origin:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        return cls(parts.scheme, (parts.hostname or "").lower(), port)

    def url(self, path: str) -> str:
        default = 443 if self.scheme == "https" else 80
        netloc = _netloc(self.host, None if self.port == default else self.port)
        return urlunsplit((self.scheme, netloc, path, "", ""))


@dataclass(slots=True)
class _Queued:
    url: str
    depth: int
    origin: _Origin  # the site this URL was found on
    leaf: bool = False  # a document off the start scheme or port: fetched and scanned, links not followed


@dataclass(slots=True)
class _Body:
    data: bytes
    content_type: str


@dataclass(slots=True)
class _State:
    options: CrawlOptions
    started: float
    requests: int = 0
    total: int = 0
    last_request: float = 0.0
    robots: dict[_Origin, RobotFileParser | FileResult] = field(default_factory=dict)
    delays: dict[_Origin, float] = field(default_factory=dict)  # Crawl-delay of robots.txt, seconds
    robots_reported: set[_Origin] = field(default_factory=set)  # sites whose robots.txt failure was reported


def normalise(url: str) -> str | None:
    """The URL a visitor's browser would request: no fragment, no user info, lower-case host,
    no default port. None for what is not an http(s) URL."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    scheme = parts.scheme.lower()
    if port == (443 if scheme == "https" else 80):
        port = None
    return urlunsplit((scheme, _netloc(parts.hostname.lower(), port), parts.path or "/", parts.query, ""))


def _netloc(host: str, port: int | None) -> str:
    host = f"[{host}]" if ":" in host else host
    return host if port is None else f"{host}:{port}"


def crawl(urls: Sequence[str], *, options: CrawlOptions = CrawlOptions()) -> Iterator[BytesTask | FileResult]:
    """Every body the sites serve, as BytesTask(url, bytes), and every failure as an error FileResult."""
    starts: list[str] = []
    for url in urls:
        if urlsplit(url.strip()).username is not None:
            raise CrawlError(f"{url.split('@')[-1]}: a URL with a user name or password; the crawl sees what "
                             "the public sees")
        normal = normalise(url)
        if normal is None:
            raise CrawlError(f"not an http:// or https:// URL with a host: {url!r}")
        starts.append(normal)
    try:
        import httpx
    except ImportError:
        raise CrawlError("the crawl command needs httpx: pip install 'docsecrets[crawl]'") from None
    state = _State(options=options, started=time.monotonic())
    with httpx.Client(verify=not options.insecure, trust_env=True, follow_redirects=False,
                      headers={"User-Agent": options.user_agent, "Accept-Encoding": "identity"},
                      timeout=httpx.Timeout(options.request_timeout)) as client:
        yield from _crawl(client, starts, state)


def _crawl(client: httpx.Client, starts: list[str], state: _State) -> Iterator[BytesTask | FileResult]:
    options = state.options
    queue: deque[_Queued] = deque()
    seen: set[str] = set()
    for url in starts:
        if url not in seen:
            seen.add(url)
            queue.append(_Queued(url, 0, _Origin.of(urlsplit(url))))
    while queue:
        item = queue.popleft()
        parts = urlsplit(item.url)
        origin = _Origin.of(parts)
        if suffix_of(parts.path) in _MEDIA_SUFFIXES:
            yield FileResult(path=_shown(item.url), skipped="not fetched: an image, style sheet, font or media file")
            continue
        if not options.ignore_robots:
            robots = _robots(client, origin, state)
            if isinstance(robots, FileResult):
                if origin not in state.robots_reported:
                    state.robots_reported.add(origin)
                    yield robots
                yield FileResult(path=_shown(item.url), skipped="not fetched: robots.txt of its site could not be read")
                continue
            if not robots.can_fetch(ROBOTS_AGENT, item.url):
                yield FileResult(path=_shown(item.url), skipped="disallowed by robots.txt (see --ignore-robots)")
                continue
        stop = _budget_left(state)
        if stop:
            queue.appendleft(item)
            yield _stopped(starts[0], stop, len(queue))
            return
        fetched = _fetch(client, item.url, state)
        if isinstance(fetched, FileResult):
            yield fetched
            continue
        if isinstance(fetched, str):  # a redirect
            target = normalise(urljoin(item.url, fetched))
            scope = _scope(target, item.origin) if target else None
            if target is None or scope is None:
                same_host = target is not None and _Origin.of(urlsplit(target)).host == item.origin.host
                where = "to another scheme or port of the site" if same_host else "off the site"
                yield _error(item.url, f"redirect {where} to {_shown(fetched)}: not followed"
                             + ("; start the crawl there" if same_host else ""), "redirect")
            elif target not in seen:
                seen.add(target)
                queue.appendleft(_Queued(target, item.depth, item.origin, leaf=item.leaf or scope))
            continue
        state.total += len(fetched.data)
        if state.total > options.max_total:
            queue.appendleft(item)
            yield _stopped(starts[0], f"the byte budget ({options.max_total:,} bytes, see --max-total) is spent",
                           len(queue))
            return
        yield BytesTask(path=_shown(item.url), data=fetched.data)
        if item.leaf or not _is_html(fetched):
            continue
        for link in _links(fetched, item.url):
            target = normalise(link)
            if target is None or target in seen:
                continue
            target_parts = urlsplit(target)
            if _SORT_QUERY.match(target_parts.query):
                continue
            scope = _scope(target, item.origin)
            if scope is None:
                continue
            seen.add(target)
            if item.depth + 1 > options.max_depth:
                yield FileResult(path=_shown(target), skipped=f"not fetched: deeper than --max-depth {options.max_depth}")
                continue
            queue.append(_Queued(target, item.depth + 1, item.origin, leaf=scope))


def _scope(url: str, origin: _Origin) -> bool | None:
    """None: off the site, never requested. False: on the site. True: a document on the same host
    under another scheme or port, fetched and scanned but its links not followed."""
    target = _Origin.of(urlsplit(url))
    if target == origin:
        return False
    if target.host == origin.host and suffix_of(urlsplit(url).path) in _LEAF_SUFFIXES:
        return True
    return None


def _budget_left(state: _State) -> str | None:
    options = state.options
    if state.requests >= options.max_pages:
        return f"the request budget ({options.max_pages:,}, see --max-pages) is spent"
    if time.monotonic() - state.started >= options.max_time:
        return f"the time budget ({options.max_time:g} s, see --max-time) is spent"
    return None


def _stopped(start: str, why: str, left: int) -> FileResult:
    return _error(start, f"crawl incomplete: {why}; {left:,} URL{'s' if left != 1 else ''} not fetched", "limit")


def _error(url: str, reason: str, kind: ErrorKind) -> FileResult:
    shown = _shown(url)
    return FileResult(path=shown, errors=(FileError(path=shown, error=reason, kind=kind),))


def _shown(location: str) -> str:
    """A URL as printed and filed (a finding's path, an error, a redirect target): without the
    user info it may carry and with its query values masked (`?token=…`), since a link's query
    can hold a token or a password; the URL fetched keeps them."""
    try:
        parts = urlsplit(location)
    except ValueError:
        return "an invalid URL"
    if parts.username is not None or parts.password is not None:
        host = parts.hostname or ""
        parts = parts._replace(netloc=_netloc(host, parts.port) if parts.port else host)
    if parts.query:
        parts = parts._replace(query="&".join(
            pair.split("=", 1)[0] + "=…" if "=" in pair else pair for pair in parts.query.split("&")))
    return urlunsplit(parts._replace(fragment=""))[:300]


def _throttle(state: _State, origin: _Origin | None = None) -> None:
    """Wait for the next request slot: --rate, or the site's robots.txt Crawl-delay if longer."""
    interval = 1.0 / state.options.rate if state.options.rate > 0 else 0.0
    if origin is not None:
        interval = max(interval, state.delays.get(origin, 0.0))
    wait = state.last_request + interval - time.monotonic()
    if wait > 0:
        time.sleep(wait)
    state.last_request = time.monotonic()


def _fetch(client: httpx.Client, url: str, state: _State, *, counted: bool = True) -> _Body | str | FileResult:
    """GET one URL: its body, the Location of a redirect, or an error result."""
    import httpx

    options = state.options
    _throttle(state, _Origin.of(urlsplit(url)))
    if counted:
        state.requests += 1
    deadline = time.monotonic() + min(options.request_timeout,
                                      max(0.1, options.max_time - (time.monotonic() - state.started)))
    limit = options.max_file_size
    try:
        with client.stream("GET", url) as response:
            if response.status_code in _REDIRECTS and "location" in response.headers:
                return response.headers["location"]
            if not 200 <= response.status_code < 300:
                return _error(url, f"HTTP {response.status_code} {response.reason_phrase}".rstrip(), "http")
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > limit:
                return _error(url, f"unscannable: {int(declared):,} bytes is over the size limit ({limit:,}; "
                                   "see --max-file-size): not downloaded", "limit")
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_raw(64 * 1024):
                size += len(chunk)
                if size > limit:
                    return _error(url, f"unscannable: more than {limit:,} bytes, over the size limit "
                                       "(see --max-file-size): download stopped", "limit")
                if time.monotonic() > deadline:
                    return _timed_out(url, options)
                chunks.append(chunk)
            data = b"".join(chunks)
            encoding = response.headers.get("content-encoding", "identity").strip().lower()
            content_type = response.headers.get("content-type", "")
    except httpx.TimeoutException:
        return _timed_out(url, options)
    except httpx.HTTPError as exc:
        reason = str(exc) or type(exc).__name__
        if "CERTIFICATE_VERIFY_FAILED" in reason:
            reason += " (see --insecure)"
        return _error(url, f"unreachable: {reason}", "unreachable")
    if time.monotonic() > deadline:
        return _timed_out(url, options)
    if encoding not in ("identity", ""):
        decoded = _decode(data, encoding, limit)
        if isinstance(decoded, str):
            return _error(url, f"unscannable: {decoded}", "unreadable" if "over" not in decoded else "limit")
        data = decoded
    return _Body(data, content_type)


def _timed_out(url: str, options: CrawlOptions) -> FileResult:
    return _error(url, f"timed out after {options.request_timeout:g} s (see --request-timeout)", "timeout")


def _decode(data: bytes, encoding: str, limit: int) -> bytes | str:
    """A body the server compressed although asked for identity: gzip and deflate, bounded."""
    if encoding not in ("gzip", "x-gzip", "deflate"):
        return f"content encoding {encoding!r} is not read"
    try:
        inflater = zlib.decompressobj(47 if encoding != "deflate" else 15)
        out = inflater.decompress(data, limit + 1)
    except zlib.error as exc:
        if encoding != "deflate":
            return f"corrupt {encoding} body: {exc}"
        try:
            inflater = zlib.decompressobj(-15)
            out = inflater.decompress(data, limit + 1)
        except zlib.error as raw_exc:
            return f"corrupt deflate body: {raw_exc}"
    if len(out) > limit:
        return f"decompressed body over the size limit ({limit:,}; see --max-file-size)"
    return out


def _robots(client: httpx.Client, origin: _Origin, state: _State) -> RobotFileParser | FileResult:
    known = state.robots.get(origin)
    if known is not None:
        return known
    parser = RobotFileParser()
    url = origin.url("/robots.txt")
    fetched: _Body | str | FileResult = _fetch(client, url, state, counted=False)
    for _ in range(3):  # a redirect to robots.txt elsewhere on the same host
        if not isinstance(fetched, str):
            break
        target = normalise(urljoin(url, fetched))
        if target is None or _Origin.of(urlsplit(target)).host != origin.host:
            fetched = _error(url, f"robots.txt redirects off the site to {_shown(fetched)}", "redirect")
            break
        url = target
        fetched = _fetch(client, url, state, counted=False)
    result: RobotFileParser | FileResult
    if isinstance(fetched, _Body):
        parser.parse(fetched.data.decode("utf-8", "replace").splitlines())
        result = parser
    elif isinstance(fetched, str):
        result = _error(origin.url("/robots.txt"), "robots.txt redirects too many times", "redirect")
    elif fetched.errors and fetched.errors[0].kind == "http":
        status = int(fetched.errors[0].error.split()[1])
        if status in (401, 403):
            parser.parse(["User-agent: *", "Disallow: /"])  # as RobotFileParser.read(): crawlers kept out
            result = parser
        elif 400 <= status < 500:
            parser.parse([])  # no robots.txt: everything is allowed
            result = parser
        else:
            result = _robots_error(origin, fetched)
    else:
        result = _robots_error(origin, fetched)
    if isinstance(result, RobotFileParser):
        delay = result.crawl_delay(ROBOTS_AGENT)
        if delay:
            # honoured up to a minute: a longer one would stall the crawl, and --max-time still holds
            state.delays[origin] = min(float(delay), 60.0)
    state.robots[origin] = result
    return result


def _robots_error(origin: _Origin, fetched: FileResult) -> FileResult:
    reason = fetched.errors[0].error if fetched.errors else "not readable"
    url = origin.url("/robots.txt")
    return _error(url, f"robots.txt could not be read ({reason}): the site is not crawled "
                       "(an owner auditing their own site can pass --ignore-robots)", "unreachable")


def _is_html(body: _Body) -> bool:
    kind = body.content_type.split(";")[0].strip().lower()
    if kind in ("text/html", "application/xhtml+xml"):
        return True
    if kind and kind != "text/plain" and kind != "application/octet-stream":
        return False
    head = body.data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<!doctype html", b"<html"))


_ATTRIBUTE = re.compile(r"""([^\s=/>"']+)\s*(?:=\s*("[^"]*"|'[^']*'|[^\s>]*))?""")
_LINK_ATTRIBUTES = frozenset({"href", "src"})
_SKIPPED_TAGS = frozenset({"form", "input", "button"})  # GET only: never submit, never invent a query
_RAW_TEXT = ("script", "style", "textarea", "title")
_MAX_HTML = 8 * MiB


def _links(body: _Body, base: str) -> list[str]:
    """href and src of every tag, and meta refresh targets, in document order.

    A small linear scanner rather than html.parser (quadratic on some malformed input in the
    Python versions supported): each '<' is looked at once, comments and script bodies are
    skipped whole, and only the first 8 MiB of a page are read.
    """
    text = body.data[:_MAX_HTML].decode(_charset(body.content_type), "replace")
    lower = text.lower()
    links: list[str] = []
    position = 0
    while True:
        start = text.find("<", position)
        if start < 0:
            break
        if text.startswith("<!--", start):
            end = text.find("-->", start + 4)
            position = len(text) if end < 0 else end + 3
            continue
        end = text.find(">", start + 1)
        if end < 0:
            break
        position = end + 1
        tag = text[start + 1:end]
        match = re.match(r"[a-zA-Z][a-zA-Z0-9]*", tag)
        if match is None:
            continue
        name = match.group(0).lower()
        attributes = {key.lower(): unescape(value.strip("\"'")) if value else ""
                      for key, value in _ATTRIBUTE.findall(tag[match.end():])}
        if name == "base" and attributes.get("href"):
            base = urljoin(base, attributes["href"])
        elif name == "meta" and attributes.get("http-equiv", "").lower() == "refresh":
            refresh = re.search(r"url\s*=\s*['\"]?([^'\";]+)", attributes.get("content", ""), re.I)
            if refresh:
                links.append(urljoin(base, refresh.group(1).strip()))
        elif name not in _SKIPPED_TAGS:
            links.extend(urljoin(base, attributes[key]) for key in sorted(_LINK_ATTRIBUTES & attributes.keys())
                         if attributes[key].strip())
        if name in _RAW_TEXT:
            close = lower.find(f"</{name}", position)
            position = len(text) if close < 0 else close
    return links


def _charset(content_type: str) -> str:
    found = re.search(r"charset=[\"']?([A-Za-z0-9._-]+)", content_type)
    if found:
        import codecs

        try:
            return codecs.lookup(found.group(1)).name
        except LookupError:
            pass
    return "utf-8"

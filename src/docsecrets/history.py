"""Scan a git repository's whole history: every blob reachable from the refs, once.

A pre-commit hook only stops new leaks: the spreadsheet committed five years ago and deleted
since is still in every clone. gitleaks and trufflehog read history as text (diff lines) and
skip every office document; docsecrets reads each blob as the document it is.

How: `git rev-list --objects --all` lists what is reachable, `git log --raw` maps each blob to
the commits that introduced it (and where), `git cat-file --batch-check` gives types and sizes,
and `git cat-file --batch` streams the raw bytes, which go through the same readers, limits and
worker processes as `scan` (scan.scan_stream). Each blob is scanned once, whatever the number
of commits, paths or branches it appears in.

git runs with argument lists (never a shell) and with every setting that could run a program
of the repository's choosing turned off: no hooks, no fsmonitor, no signature verification (a
`gpg.program` of the repository's config), no pager, no transport (a partial clone never
fetches a missing blob), no replace refs. cat-file --batch reads raw blobs: no filter, no
textconv. Nothing is checked out and nothing is written.
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from docsecrets.limits import DEFAULT_LIMITS
from docsecrets.scan import BytesTask
from docsecrets.types import DocsecretsError, ErrorKind, FileError, FileResult, Finding

# Settings that would let a repository's own config run a program, or reach the network.
SAFE_CONFIG = (
    "-c", "core.fsmonitor=false",
    "-c", "core.hooksPath=/dev/null",
    "-c", "log.showSignature=false",
    "-c", "core.pager=cat",
    "-c", "protocol.allow=never",
    "-c", "diff.external=",
)
_ENV = {"GIT_NO_REPLACE_OBJECTS": "1", "GIT_TERMINAL_PROMPT": "0", "GIT_NO_LAZY_FETCH": "1", "GIT_PAGER": "cat",
        "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"}
_DROPPED_ENV = ("GIT_EXTERNAL_DIFF", "GIT_DIFF_OPTS")
SHORT = 7


class HistoryError(DocsecretsError):
    """The repository cannot be read: not a repository, git missing, git refused."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Introduction:
    """A commit that brought a blob in at a path (added, changed, renamed to, or merged)."""

    commit: str
    date: str  # author date, ISO 8601
    path: str


@dataclass(slots=True)
class Blob:
    blob: str
    introductions: list[Introduction] = field(default_factory=list)
    fallback_path: str = ""  # from rev-list, for a blob no commit introduced (a tagged blob)

    def path(self) -> str:
        """The path of its latest introduction: where a person would look for it."""
        if not self.introductions:
            return self.fallback_path or self.blob
        return max(self.introductions, key=lambda i: i.date).path

    def first_seen(self) -> str | None:
        return min((i.date for i in self.introductions), default=None)


@dataclass(slots=True)
class History:
    blobs: dict[str, Blob]
    head: dict[str, str]  # path -> blob at HEAD


def git(repo: str, *args: str, stdin: bytes | None = None) -> bytes:
    """Run one git command on `repo` with SAFE_CONFIG; its standard output, or HistoryError."""
    try:
        done = subprocess.run(["git", *SAFE_CONFIG, "-C", repo, *args], input=stdin, capture_output=True,
                              env=_environment(), check=False)
    except FileNotFoundError:
        raise HistoryError("git is not installed (or not on PATH)") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise HistoryError(f"git {args[0]} failed: {message[-1] if message else f'exit {done.returncode}'}")
    return done.stdout


def _environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _DROPPED_ENV}
    env.update(_ENV)
    return env


def map_history(repo: str, *, since: str | None = None, branches: Sequence[str] = ()) -> History:
    """Which blobs to scan and where each came from.

    Whole history (no `since`, no `branches`): every blob reachable from every ref. With a
    range: the blobs that the commits in it introduced.
    """
    for ref in branches:
        if not ref or ref.startswith("-"):
            raise HistoryError(f"not a branch or revision range: {ref!r}")
    git(repo, "rev-parse", "--git-dir")
    revisions = list(branches) or ["--all"]
    log_args = ["log", "--raw", "--no-renames", "-c", "--root", "-z", "--no-abbrev", "--no-ext-diff",
                "--no-textconv", "--no-color", "--format=%x01%H%x00%aI%x00"]
    if since:
        _check_date(repo, since)
        log_args.append(f"--since={since}")
    blobs: dict[str, Blob] = {}
    for intro, blob in _introductions(git(repo, *log_args, *revisions, "--")):
        blobs.setdefault(blob, Blob(blob)).introductions.append(intro)
    if not since and not branches:
        listed = git(repo, "rev-list", "--objects", "--all").decode("utf-8", "surrogateescape")
        candidates: dict[str, str] = {}
        for line in listed.splitlines():
            sha, _, name = line.partition(" ")
            if name and sha not in blobs:
                candidates[sha] = name
        for sha, kind, _ in _check(repo, candidates):
            if kind == "blob":
                blobs[sha] = Blob(sha, fallback_path=candidates[sha])
    return History(blobs=blobs, head=_head(repo))


def _check_date(repo: str, since: str) -> None:
    """git reads any text as a date (garbage means now): refuse what it did not understand."""
    parsed = git(repo, "rev-parse", f"--since={since}").decode("ascii", "replace").strip()
    stamp = parsed.partition("=")[2]
    if not stamp.isdigit() or (abs(int(stamp) - time.time()) < 5 and since.strip().lower() != "now"):
        raise HistoryError(f"not a date git understands: {since!r} (e.g. 2024-01-31, '2 weeks ago')")


def _introductions(raw: bytes) -> Iterator[tuple[Introduction, str]]:
    text = raw.decode("utf-8", "surrogateescape")
    for chunk in text.split("\x01"):
        if not chunk:
            continue
        tokens = chunk.split("\x00")
        if len(tokens) < 2:
            continue
        commit, date = tokens[0], tokens[1]
        rest = [t.lstrip("\n") for t in tokens[2:]]
        index = 0
        while index < len(rest):
            meta = rest[index]
            if not meta.startswith(":") or index + 1 >= len(rest):
                index += 1
                continue
            path = rest[index + 1]
            index += 2
            parents = len(meta) - len(meta.lstrip(":"))
            fields = meta.lstrip(":").split()
            if len(fields) < 2 * (parents + 1):
                continue
            mode, sha = fields[parents], fields[2 * parents + 1]
            if set(sha) == {"0"} or mode in ("160000", "000000"):  # deleted, or a submodule commit
                continue
            yield Introduction(commit=commit, date=date, path=path), sha


def _check(repo: str, shas: Iterable[str]) -> Iterator[tuple[str, str, int]]:
    """(sha, type, size) of each object, by `git cat-file --batch-check`."""
    wanted = "".join(f"{sha}\n" for sha in shas)
    if not wanted:
        return
    out = git(repo, "cat-file", "--batch-check=%(objectname) %(objecttype) %(objectsize)", stdin=wanted.encode())
    for line in out.decode("ascii", "replace").splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[2].isdigit():
            yield parts[0], parts[1], int(parts[2])
        elif len(parts) == 2 and parts[1] == "missing":
            yield parts[0], "missing", 0


def _head(repo: str) -> dict[str, str]:
    try:
        git(repo, "rev-parse", "--verify", "--quiet", "HEAD^{commit}")
    except HistoryError:
        return {}  # no commit yet
    out = git(repo, "ls-tree", "-r", "-z", "--full-tree", "HEAD").decode("utf-8", "surrogateescape")
    head: dict[str, str] = {}
    for entry in out.split("\x00"):
        meta, _, path = entry.partition("\t")
        fields = meta.split()
        if len(fields) == 3 and fields[1] == "blob":
            head[path] = fields[2]
    return head


def read_blobs(repo: str, history: History, *, max_file_size: int = DEFAULT_LIMITS.max_file_size,
               excludes: Sequence[str] = ()) -> Iterator[BytesTask | FileResult]:
    """Each blob's bytes as BytesTask(path=blob id, name=its path); failures as error results."""
    from docsecrets.walk import excluded

    wanted: dict[str, Blob] = {}
    for sha, blob in history.blobs.items():
        paths = {i.path for i in blob.introductions} or {blob.path()}
        if excludes and all(excluded(p, p.rsplit("/", 1)[-1], excludes) for p in paths):
            continue
        wanted[sha] = blob
    readable: list[str] = []
    for sha, kind, size in _check(repo, sorted(wanted)):
        blob = wanted[sha]
        if kind == "missing":
            yield _error(sha, blob, "blob missing from the repository (shallow or partial clone?)", "unreadable")
        elif kind != "blob":
            continue
        elif size > max_file_size:
            yield _error(sha, blob, f"unscannable: {size:,} bytes is over the size limit ({max_file_size:,}; "
                                    "see --max-file-size)", "limit")
        else:
            readable.append(sha)
    if not readable:
        return
    process = subprocess.Popen(["git", *SAFE_CONFIG, "-C", repo, "cat-file", "--batch"], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=_environment())
    assert process.stdin is not None and process.stdout is not None
    try:
        for sha in readable:
            data = _read_one(process.stdin, process.stdout, sha)
            if data is None:
                yield _error(sha, wanted[sha], "git cat-file could not read this blob", "unreadable")
                continue
            yield BytesTask(path=sha, data=data, name=wanted[sha].path())
    finally:
        process.stdin.close()
        process.kill()
        process.wait()
        process.stdout.close()


def _read_one(stdin: IO[bytes], stdout: IO[bytes], sha: str) -> bytes | None:
    stdin.write(sha.encode("ascii") + b"\n")
    stdin.flush()
    header = stdout.readline().split()
    if len(header) != 3 or header[1] != b"blob":
        return None
    size = int(header[2])
    data = stdout.read(size)
    stdout.read(1)  # the newline after each object
    return data if len(data) == size else None


def _error(sha: str, blob: Blob, reason: str, kind: ErrorKind) -> FileResult:
    return FileResult(path=sha, errors=(FileError(path=blob.path(), error=reason, kind=kind),))


# ---------------------------------------------------------------------------------------------
# from blob results to findings that name their commits


@dataclass(frozen=True, slots=True, kw_only=True)
class Provenance:
    """Where a finding lived in the history: the JSON `history` object of a finding."""

    blobs: tuple[str, ...]
    commits: tuple[str, ...]  # short ids, oldest first
    paths: tuple[str, ...]
    first_seen: str | None
    last_seen: str | None
    at_head: bool  # the file (its path) still exists at HEAD
    in_head: bool  # this very content is what HEAD holds: the secret is still in the current tree

    def as_dict(self) -> dict[str, Any]:
        return {"blobs": list(self.blobs), "commits": list(self.commits), "paths": list(self.paths),
                "first_seen": self.first_seen, "last_seen": self.last_seen, "at_head": self.at_head,
                "in_head": self.in_head}

    def label(self) -> str:
        """`a1b2c3d 2021-03-04, deleted since`: what the text report adds to the path."""
        first = f"{self.commits[0]} {(self.first_seen or '')[:10]}".strip() if self.commits else self.blobs[0][:SHORT]
        more = f" (+{len(self.commits) - 1} commit{'s' if len(self.commits) > 2 else ''})" \
            if len(self.commits) > 1 else ""
        state = "at HEAD" if self.in_head else ("changed since" if self.at_head else "deleted since")
        return f"{first}{more}, {state}"


@dataclass(frozen=True, slots=True)
class Attributed:
    results: list[FileResult]  # per blob, path = the file's path, findings deduplicated across blobs
    provenance: dict[tuple[object, ...], Provenance]  # by finding_key


def finding_key(finding: Finding) -> tuple[object, ...]:
    return (finding.path, finding.fingerprint, finding.chain, finding.location)


def attribute(results: Iterable[FileResult], history: History) -> Attributed:
    """Blob results (path = blob id) turned into file results with commits.

    The same finding (path, rule, secret, location) in several versions of a file is reported
    once, with every commit that carried it; a blob is scanned once whatever its paths.
    """
    def order(result: FileResult) -> tuple[str, str]:
        blob = history.blobs.get(result.path)
        return ((blob.first_seen() or "") if blob else "", result.path)

    blobs_of: dict[tuple[object, ...], list[str]] = {}
    kept: list[tuple[Blob | None, FileResult, list[Finding]]] = []
    for result in sorted(results, key=order):
        blob = history.blobs.get(result.path)
        findings: list[Finding] = []
        for finding in result.findings:
            key = finding_key(finding)
            if key not in blobs_of:
                blobs_of[key] = []
                findings.append(finding)
            blobs_of[key].append(result.path)
        kept.append((blob, result, findings))
    provenance = {key: _provenance(shas, history) for key, shas in blobs_of.items()}
    out: list[FileResult] = []
    kept.sort(key=lambda k: (k[0].path() if k[0] else k[1].path, (k[0].first_seen() or "") if k[0] else ""))
    for blob, result, findings in kept:
        path = blob.path() if blob else result.path
        where = f"{path} @ {_provenance([blob.blob], history).label()}" if blob else path
        errors = tuple(dataclasses.replace(e, path=where) for e in result.errors)
        out.append(dataclasses.replace(result, path=path, findings=tuple(findings), errors=errors))
    return Attributed(results=out, provenance=provenance)


def decorate(results: Iterable[FileResult], provenance: dict[tuple[object, ...], Provenance]) -> list[FileResult]:
    """Results whose findings' paths carry their provenance (`docs/a.xls @ a1b2c3d 2021-03-04,
    deleted since`): for the text report, where a finding is one line."""
    out: list[FileResult] = []
    for result in results:
        findings = tuple(dataclasses.replace(f, path=f"{f.path} @ {provenance[finding_key(f)].label()}")
                         if finding_key(f) in provenance else f for f in result.findings)
        out.append(dataclasses.replace(result, findings=findings))
    return out


def _provenance(shas: list[str], history: History) -> Provenance:
    intros = sorted((i for sha in shas if sha in history.blobs for i in history.blobs[sha].introductions),
                    key=lambda i: i.date)
    commits: list[str] = []
    for intro in intros:
        if intro.commit[:SHORT] not in commits:
            commits.append(intro.commit[:SHORT])
    paths = sorted({i.path for i in intros} | {history.blobs[s].path() for s in shas if s in history.blobs})
    return Provenance(
        blobs=tuple(s[:SHORT] for s in shas), commits=tuple(commits), paths=tuple(paths),
        first_seen=intros[0].date if intros else None, last_seen=intros[-1].date if intros else None,
        at_head=any(p in history.head for p in paths),
        in_head=any(history.head.get(p) in shas for p in paths))

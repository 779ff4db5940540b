"""Incremental cache for repeated sweeps: an unchanged file is not read again.

Like git's index, a file is trusted unchanged when its size, mtime_ns, ctime_ns and inode
match what they were when it was scanned, so a warm sweep only stats files. A blake2b digest
of the content is kept as well: when the stat data changed but the size did not (a `touch`,
a `git checkout`, a copy), the file is hashed, and an equal digest reuses the result at the
price of one read instead of a parse.

What is stored is what a redacted report shows: rule, severity, location, archive chain,
redacted value, fingerprint, description and hidden reason of each finding, and the errors.
The raw secret is never written: a result read back from the cache has `secret=""` in every
finding, so `--show-secrets` must bypass the cache. Results that depend on the moment (errors
of kind timeout, memory or internal, files that could not be opened, special files) are not
stored, nor is a file modified within two seconds of its scan (its mtime could still hide a
second write in the same clock tick: git's "racily clean" entries).

Storage is one SQLite file, `$DOCSECRETS_CACHE_DIR/cache.sqlite3`, else
`$XDG_CACHE_HOME/docsecrets/cache.sqlite3`, else `~/.cache/docsecrets/cache.sqlite3`; the folder
is created 0700 and the file 0600. A cache is written by one process (the parent of the scan
workers). The code key (docsecrets version, a hash of every source file of the package, the
installed distributions, the Python version) is stored in the file: when it changes the file
is deleted and rebuilt, so a new rule or reader never meets old results. The caller's
`version_key` (the limits and configuration) keys the rows, so two configurations do not
evict each other. A corrupt file is deleted and recreated; a cache that cannot be used is
turned off for the run with a warning, and the scan goes on without it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
import sqlite3
import stat
import sys
import time
from collections.abc import Iterable
from typing import Any

from docsecrets import __version__
from docsecrets.identity import normalise_path
from docsecrets.types import ERROR_KINDS, ErrorKind, FileError, FileResult, Finding, Location, Severity

log = logging.getLogger(__name__)

SCHEMA = 1
FILE_NAME = "cache.sqlite3"
RACY_NS = 2_000_000_000  # FAT and SMB keep mtimes to 2 s
DIGEST_MAX = 256 * 1024 * 1024  # larger files are trusted on stat data alone
KEEP_DAYS = 30  # rows unused for this long are dropped
UNCACHED_KINDS: frozenset[ErrorKind] = frozenset({"timeout", "memory", "internal"})
_FLUSH_EVERY = 256
_DAY = 86_400
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
_TABLES = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (
    config TEXT NOT NULL,
    path BLOB NOT NULL,
    norm BLOB NOT NULL,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    ctime_ns INTEGER NOT NULL,
    ino INTEGER NOT NULL,
    digest BLOB,
    result TEXT NOT NULL,
    used INTEGER NOT NULL,
    PRIMARY KEY (config, path)
);
"""


def default_dir() -> str:
    """`$DOCSECRETS_CACHE_DIR`, else `$XDG_CACHE_HOME/docsecrets`, else `~/.cache/docsecrets`."""
    explicit = os.environ.get("DOCSECRETS_CACHE_DIR")
    if explicit:
        return os.path.abspath(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = xdg if xdg and os.path.isabs(xdg) else os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "docsecrets")


def default_path() -> str:
    return os.path.join(default_dir(), FILE_NAME)


def config_key(*parts: object) -> str:
    """A stable text for the limits and configuration a result depends on.

    Dataclasses become their fields, sets are sorted: `repr` of a frozenset changes with
    the string hash seed, so it would miss on every run.
    """
    return json.dumps([_canonical(p) for p in parts], sort_keys=True, default=repr)


def _canonical(value: object) -> object:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _canonical(getattr(value, f.name)) for f in dataclasses.fields(value)
                if f.compare}  # Config.source (where it was read from) does not change results
    if isinstance(value, (set, frozenset)):
        return sorted((_canonical(v) for v in value), key=repr)
    if isinstance(value, (list, tuple)):
        return [_canonical(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _canonical(v) for k, v in value.items()}
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return repr(value)


def code_key() -> str:
    """What the results depend on besides the file and the configuration: our code and its libraries."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"{SCHEMA}\0{__version__}\0{sys.version_info[:2]}\0".encode())
    package = os.path.dirname(os.path.abspath(__file__))
    for name in _source_files(package):
        digest.update(os.path.relpath(name, package).encode("utf-8", "surrogateescape") + b"\0")
        try:
            with open(name, "rb") as handle:
                digest.update(handle.read())
        except OSError:
            digest.update(b"\1unreadable")
    for name in _distributions():  # "lxml-5.3.0.dist-info": any upgrade invalidates
        digest.update(name.encode("utf-8", "surrogateescape") + b"\0")
    return digest.hexdigest()


def _source_files(package: str) -> list[str]:
    found: list[str] = []
    for folder, subfolders, files in os.walk(package):
        subfolders[:] = sorted(d for d in subfolders if d != "__pycache__")
        found.extend(os.path.join(folder, f) for f in files if f.endswith(".py"))
    return sorted(found)


def _distributions() -> list[str]:
    names: set[str] = set()
    for entry in sys.path:
        try:
            with os.scandir(entry or ".") as listing:
                names.update(e.name for e in listing if e.name.endswith((".dist-info", ".egg-info")))
        except OSError:
            continue
    return sorted(names)


class Cache:
    """Scan results by file; see the module docstring. Never raises on a cache problem."""

    def __init__(self, db: sqlite3.Connection | None, *, path: str, config: str) -> None:
        self._db = db
        self.path = path
        self._config = config
        self._pending: list[tuple[Any, ...]] = []
        self._touched: list[bytes] = []
        self._today = int(time.time()) // _DAY
        self.hits = 0
        self.misses = 0

    @property
    def enabled(self) -> bool:
        return self._db is not None

    @classmethod
    def open(cls, path: str | None = None, *, version_key: str) -> Cache:
        """Open (or create) the cache file; a cache that cannot be used comes back disabled."""
        path = os.path.abspath(path or default_path())
        config = hashlib.blake2b(version_key.encode("utf-8", "surrogateescape"), digest_size=16).hexdigest()
        try:
            db = _connect(path, code_key())
        except (OSError, sqlite3.Error, _Unsafe) as exc:
            log.warning("docsecrets cache %s not used: %s", path, exc)
            db = None
        return cls(db, path=path, config=config)

    def get(self, path: str, info: os.stat_result) -> FileResult | None:
        """The cached result for `path` if the file is unchanged, else None. Never reads an unchanged file."""
        if self._db is None:
            return None
        key = _path_key(path)
        try:
            row = self._db.execute(
                "SELECT norm, size, mtime_ns, ctime_ns, ino, digest, result, used FROM files "
                "WHERE config = ? AND path = ?", (self._config, key)).fetchone()
        except sqlite3.Error as exc:
            self._failed(exc)
            return None
        if row is None or row[0] != _encode(normalise_path(path)) or row[1] != info.st_size:
            self.misses += 1
            return None
        norm, size, mtime_ns, ctime_ns, ino, digest, payload, used = row
        if (mtime_ns, ctime_ns, ino) != (info.st_mtime_ns, info.st_ctime_ns, info.st_ino):
            confirmed = _confirm(path, info, digest)  # same size, new stat data: same bytes?
            if confirmed is None:
                self.misses += 1
                return None
            self._pending.append((self._config, key, norm, *confirmed, digest, payload, self._today))
        elif used != self._today:
            self._touched.append(key)
        try:
            result = _loads(payload, path)
        except (ValueError, KeyError, TypeError) as exc:
            log.debug("unreadable cache entry for %s: %s", path, exc)
            self.misses += 1
            return None
        self.hits += 1
        self._maybe_flush()
        return result

    def put(self, path: str, info: os.stat_result, result: FileResult) -> None:
        """Remember `result` for `path` as it was when `info` was taken (before the scan)."""
        if self._db is None or not cacheable(result) or _racy(info):
            return
        unchanged, digest = _digest(path, info)
        if not unchanged:  # changed since `info` was taken: the result may describe older bytes
            return
        self._pending.append((self._config, _path_key(path), _encode(normalise_path(path)), info.st_size,
                              info.st_mtime_ns, info.st_ctime_ns, info.st_ino, digest, _dumps(result), self._today))
        self._maybe_flush()

    def close(self) -> None:
        if self._db is None:
            return
        self._flush()
        try:
            if self._db is not None and self._db.execute("SELECT value FROM meta WHERE key = 'pruned'").fetchone() \
                    != (str(self._today),):
                with self._db:  # once a day: rows of files gone or of configurations no longer used
                    self._db.execute("DELETE FROM files WHERE used < ?", (self._today - KEEP_DAYS,))
                    self._db.execute("INSERT OR REPLACE INTO meta VALUES ('pruned', ?)", (str(self._today),))
        except sqlite3.Error as exc:
            self._failed(exc)
        if self._db is not None:
            self._db.close()
            self._db = None

    def __enter__(self) -> Cache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _maybe_flush(self) -> None:
        if len(self._pending) + len(self._touched) >= _FLUSH_EVERY:
            self._flush()

    def _flush(self) -> None:
        if self._db is None or not (self._pending or self._touched):
            return
        pending, touched = self._pending, self._touched
        self._pending, self._touched = [], []
        try:
            with self._db:
                self._db.executemany("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", pending)
                self._db.executemany("UPDATE files SET used = ? WHERE config = ? AND path = ?",
                                     [(self._today, self._config, key) for key in touched])
        except sqlite3.Error as exc:
            self._failed(exc)

    def _failed(self, exc: sqlite3.Error) -> None:
        """A locked or full database costs this write; a corrupt one is deleted for the next run."""
        if isinstance(exc, sqlite3.OperationalError) and not _corrupt(exc):
            log.debug("docsecrets cache %s: %s", self.path, exc)
            return
        log.warning("docsecrets cache %s is damaged (%s): deleted, rebuilt on the next run", self.path, exc)
        if self._db is not None:
            try:
                self._db.close()
            except sqlite3.Error:
                pass
        self._db = None
        _unlink(self.path)


def cacheable(result: FileResult) -> bool:
    """Whether a result describes the file's bytes alone (not the moment, the machine or the reader's luck)."""
    if result.skipped is not None or result.format is None:  # never reached a reader: cheap to redo, or transient
        return False
    if any(error.kind in UNCACHED_KINDS for error in result.errors):
        return False
    for finding in result.findings:  # belt and braces: no stored text may hold the raw secret
        secret = finding.secret
        if len(secret) >= 4 and any(secret in text for text in _stored_texts(finding)):
            return False
    return True


def _stored_texts(finding: Finding) -> Iterable[str]:
    yield finding.redacted
    yield finding.description
    yield finding.hidden or ""
    yield finding.location.part or ""
    yield from finding.chain


# ---------------------------------------------------------------------------------------------
# the file


class _Unsafe(Exception):
    pass


def _connect(path: str, code: str) -> sqlite3.Connection:
    _prepare_dir(os.path.dirname(path))
    for attempt in (1, 2):
        _prepare_file(path)
        db = sqlite3.connect(path, timeout=2.0)
        try:
            db.execute("PRAGMA synchronous = NORMAL")
            db.executescript(_TABLES)
            stored = dict(db.execute("SELECT key, value FROM meta").fetchall())
            if stored.get("code") == code and stored.get("schema") == str(SCHEMA):
                return db
            if not stored:
                with db:
                    db.executemany("INSERT INTO meta VALUES (?, ?)", (("schema", str(SCHEMA)), ("code", code)))
                return db
            reason = "new docsecrets code or libraries"
        except sqlite3.OperationalError as exc:
            if not _corrupt(exc):
                db.close()
                raise
            reason = str(exc)
        except sqlite3.DatabaseError as exc:  # "file is not a database", "disk image is malformed"
            reason = str(exc)
        db.close()
        if attempt == 2:
            break
        log.info("docsecrets cache %s rebuilt: %s", path, reason)
        _unlink(path)
    raise _Unsafe(f"cannot rebuild the cache file: {reason}")


def _prepare_dir(folder: str) -> None:
    try:
        os.makedirs(folder, mode=0o700)
        os.chmod(folder, 0o700)  # makedirs' mode is filtered by the umask
    except FileExistsError:
        pass
    info = os.lstat(folder)
    if not stat.S_ISDIR(info.st_mode):
        raise _Unsafe(f"{folder} is not a folder")
    if hasattr(os, "geteuid") and info.st_uid != os.geteuid():
        raise _Unsafe(f"{folder} belongs to another user")
    if info.st_mode & 0o022:
        raise _Unsafe(f"{folder} is writable by other users")


def _prepare_file(path: str) -> None:
    fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise _Unsafe(f"{path} is not a regular file")
        if stat.S_IMODE(info.st_mode) != 0o600:
            os.fchmod(fd, 0o600)
    finally:
        os.close(fd)


def _unlink(path: str) -> None:
    for name in (path, path + "-journal", path + "-wal", path + "-shm"):
        try:
            os.unlink(name)
        except OSError:
            pass


def _corrupt(exc: sqlite3.Error) -> bool:
    code = getattr(exc, "sqlite_errorname", "")
    if code:
        return code in ("SQLITE_CORRUPT", "SQLITE_NOTADB")
    text = str(exc).lower()
    return "malformed" in text or "not a database" in text


# ---------------------------------------------------------------------------------------------
# stat data and content


def _racy(info: os.stat_result) -> bool:
    """Changed so recently that a second write could share its timestamps: do not trust."""
    return max(info.st_mtime_ns, info.st_ctime_ns) > time.time_ns() - RACY_NS


def _same(a: os.stat_result, b: os.stat_result) -> bool:
    return (a.st_size, a.st_mtime_ns, a.st_ctime_ns, a.st_ino) == (b.st_size, b.st_mtime_ns, b.st_ctime_ns, b.st_ino)


def _digest(path: str, info: os.stat_result) -> tuple[bool, bytes | None]:
    """(whether the file still matches `info`, blake2b of its bytes or None when not hashed).

    Opened like scan_file opens it (non-blocking, no controlling tty, regular files only).
    """
    if info.st_size > DIGEST_MAX:
        return True, None
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError:
        return False, None
    try:
        before = os.fstat(fd)
        if not stat.S_ISREG(before.st_mode) or not _same(before, info):
            return False, None
        digest = hashlib.blake2b(digest_size=16)
        while chunk := os.read(fd, 1 << 20):
            digest.update(chunk)
        return _same(os.fstat(fd), info), digest.digest()
    except OSError:
        return False, None
    finally:
        os.close(fd)


def _confirm(path: str, info: os.stat_result, digest: bytes | None) -> tuple[int, int, int, int] | None:
    """New stat data (size, mtime, ctime, inode) for an entry whose bytes are unchanged, else None."""
    if digest is None or _racy(info):
        return None
    unchanged, current = _digest(path, info)
    if not unchanged or current != digest:
        return None
    return info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino


# ---------------------------------------------------------------------------------------------
# rows


def _encode(text: str) -> bytes:
    return text.encode("utf-8", "surrogateescape")


def _path_key(path: str) -> bytes:
    return _encode(os.path.abspath(path))


def _dumps(result: FileResult) -> str:
    """The result without its path and without any raw secret (ASCII JSON: lone surrogates survive)."""
    return json.dumps({
        "format": result.format,
        "size": result.size,
        "findings": [[f.rule_id, f.rule_name, int(f.severity), f.location.as_dict(), list(f.chain), f.redacted,
                      f.fingerprint, f.description, f.hidden, f.confidence] for f in result.findings],
        "errors": [[e.error, list(e.chain), e.kind] for e in result.errors],
    }, separators=(",", ":"))


def _kind(value: object) -> ErrorKind:
    for kind in ERROR_KINDS:  # the stored string is only trusted as one of the closed set
        if value == kind:
            return kind
    raise ValueError(f"unknown error kind {value!r}")


def _loads(payload: str, path: str) -> FileResult:
    data = json.loads(payload)
    findings = tuple(
        Finding(rule_id=rule_id, rule_name=rule_name, severity=Severity(severity), path=path,
                location=Location(**location), chain=tuple(chain), redacted=redacted, fingerprint=fingerprint,
                description=description, hidden=hidden, confidence=confidence)
        for rule_id, rule_name, severity, location, chain, redacted, fingerprint, description, hidden, confidence
        in data["findings"])
    errors = tuple(FileError(path=path, error=error, chain=tuple(chain), kind=_kind(kind))
                   for error, chain, kind in data["errors"])
    return FileResult(path=path, findings=findings, errors=errors, format=data["format"], size=data["size"])

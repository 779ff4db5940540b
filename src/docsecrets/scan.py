"""Scan many files: a pool of worker processes, each file under a wall-clock and memory limit.

A parser that hangs or balloons is killed, its file reported with the reason, and the worker
replaced; nothing else is lost. Workers return plain data (FileResult), and results come
back sorted by path whatever the scheduling.

Workers die with the pool: they ignore SIGINT (the parent handles Ctrl-C and kills them),
hold no end of another worker's pipe, and on Linux get SIGKILL when the parent dies.
The path `-` reads one document from standard input, in a worker like any file.
"""

from __future__ import annotations

import dataclasses
import errno
import fnmatch
import multiprocessing
import os
import signal
import stat
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from multiprocessing.connection import Connection, wait
from typing import TYPE_CHECKING, Any

from docsecrets.config import Config
from docsecrets.limits import DEFAULT_LIMITS, Limits
from docsecrets.types import ErrorKind, FileError, FileResult
from docsecrets.walk import DEFAULT_EXCLUDES, iter_files

if TYPE_CHECKING:
    from docsecrets.cache import Cache
    from docsecrets.docwalk import Event

ResultCallback = Callable[[FileResult], None]
STDIN = "-"
_HEAD = 64 * 1024  # what is read of a file before its format is known
_SIGNALS = {signal.SIGINT, signal.SIGTERM}


@dataclass(frozen=True, slots=True, kw_only=True)
class ScanOptions:
    limits: Limits = DEFAULT_LIMITS
    jobs: int = 0  # 0: one per CPU
    excludes: tuple[str, ...] = DEFAULT_EXCLUDES
    isolate: bool = True  # run readers in worker processes (False: in this process, for tests)
    config: Config = field(default_factory=Config)
    # (st_dev, st_ino) of files never scanned: the report being written, the baseline
    own_files: frozenset[tuple[int, int]] = frozenset()


@dataclass(frozen=True, slots=True)
class _Task:
    path: str
    identity: tuple[int, int] | None = None  # what the walk saw; another file there is not read
    follow: bool = True  # False: the walk saw a regular file, so a symlink there now is refused
    extract: bool = False  # send back what was read too (an Extraction), for `docsecrets extract`


@dataclass(frozen=True, slots=True)
class Extraction:
    """What `docsecrets extract` shows: the walk's events and the scan made from them, in one pass."""

    events: tuple[Event, ...]
    result: FileResult


def extract_file(path: str, *, options: ScanOptions = ScanOptions()) -> Extraction:
    """Scan one file as `scan_paths` does (in a reader process under the timeout and memory cap,
    unless options.isolate is False) and keep every event of its walk."""
    if not options.isolate:
        return _extract_task(_Task(path, extract=True), options.limits, options.config)
    outcome: list[Extraction | FileResult] = []
    _Pool(dataclasses.replace(options, jobs=1)).run([_Task(path, extract=True)], outcome.append)
    (done,) = outcome
    return done if isinstance(done, Extraction) else Extraction(events=(), result=done)


def _extract_task(task: _Task, limits: Limits, config: Config) -> Extraction:
    events: list[Event] = []
    result = scan_file(task.path, limits, config, identity=task.identity, follow=task.follow, tap=events.append)
    return Extraction(events=tuple(events), result=result)


def scan_file(path: str, limits: Limits = DEFAULT_LIMITS, config: Config | None = None, *,
              identity: tuple[int, int] | None = None, follow: bool = True, stdin_fd: int = 0,
              tap: Callable[[Event], None] | None = None) -> FileResult:
    """Read one regular file (or `-`: standard input) and scan it, in the current process.

    `tap` sees every event of the document walk (docwalk.py) before the rules do."""
    from docsecrets.engine import scan_bytes  # the engine pulls in the rules: workers pay, not the CLI

    if path == STDIN:
        return _scan_stdin(stdin_fd, limits, config)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    if not follow:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno == errno.ENOENT:
            reason = "vanished before it could be read"
        elif exc.errno == errno.ELOOP and not follow:
            reason = "replaced by a symbolic link since the walk: not followed"
        else:
            reason = f"cannot open: {exc.strerror or exc}"
        return _error_result(path, reason, "unreadable")
    try:
        info = os.fstat(fd)
        if identity is not None and (info.st_dev, info.st_ino) != identity:
            return _error_result(path, "replaced by another file since the walk: not read", "unreadable")
        if not stat.S_ISREG(info.st_mode):  # swapped for a FIFO/device since the walk
            return FileResult(path=path, skipped="not a regular file: never read")
        with os.fdopen(fd, "rb", closefd=False) as handle:
            head = handle.read(_HEAD)
            if len(head) == _HEAD and info.st_size > _HEAD:
                # an image, a video, a database no reader handles: told from its first bytes
                # (sniff decides "binary" from the first 8 KiB alone), never read whole
                from docsecrets.sniff import sniff

                if sniff(head, path) == "binary":
                    return replace(scan_bytes(head, path=path, limits=limits, config=config, tap=tap),
                                   size=info.st_size)
            if info.st_size > limits.max_file_size:
                return _error_result(path, f"unscannable: {info.st_size:,} bytes is over the size limit "
                                           f"({limits.max_file_size:,}; see --max-file-size)", "limit")
            data = head + handle.read(limits.max_file_size + 1 - len(head))
    except OSError as exc:
        return _error_result(path, f"cannot read: {exc.strerror or exc}", "unreadable")
    finally:
        os.close(fd)
    return scan_bytes(data, path=path, limits=limits, config=config, tap=tap)


def _scan_stdin(fd: int, limits: Limits, config: Config | None) -> FileResult:
    from docsecrets.engine import scan_bytes

    chunks: list[bytes] = []
    size = 0
    try:
        while size <= limits.max_file_size:
            chunk = os.read(fd, min(1 << 20, limits.max_file_size + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        return _error_result(STDIN, f"cannot read standard input: {exc.strerror or exc}", "unreadable")
    if size > limits.max_file_size:
        return _error_result(STDIN, f"unscannable: standard input is over the size limit "
                                    f"({limits.max_file_size:,} bytes; see --max-file-size)", "limit")
    return scan_bytes(b"".join(chunks), path=STDIN, limits=limits, config=config)


@dataclass(frozen=True, slots=True)
class BytesTask:
    """A document already in memory (a fetched URL, a git blob), never written to disk.

    Its result is filed under `path`; it is read (format hints, fingerprints) as `name` when
    given: a git blob is filed under its id and read as the file it was committed as.
    """

    path: str
    data: bytes = field(repr=False)
    name: str | None = None


Task = _Task | BytesTask


def _scan_task(task: BytesTask, limits: Limits, config: Config) -> FileResult:
    from docsecrets.engine import scan_bytes

    result = scan_bytes(task.data, path=task.name or task.path, limits=limits, config=config)
    return result if task.name is None else replace(result, path=task.path)


def _error_result(path: str, reason: str, kind: ErrorKind) -> FileResult:
    return FileResult(path=path, errors=(FileError(path=path, error=reason, kind=kind),))


def scan_paths(paths: Iterable[str], *, options: ScanOptions = ScanOptions(),
               on_result: ResultCallback | None = None, cache: Cache | None = None,
               keep: bool = True) -> list[FileResult]:
    """Scan every file under `paths` (`-`: standard input); with a cache, unchanged files are not read again.

    keep=False: results go to `on_result` only, as files finish, and none is held (an empty list
    is returned), so memory stays flat however many files the sweep has.
    """
    results: list[FileResult] = []

    def collect(result: FileResult) -> None:
        if keep:
            results.append(result)
        if on_result:
            on_result(result)

    paths = list(paths)
    stats: dict[str, os.stat_result] = {}

    def tasks() -> Iterator[_Task]:
        """The walk, fed to the workers as it goes: the first file is read before the last is found."""
        if STDIN in paths:
            yield _Task(STDIN)
        for candidate in iter_files([p for p in paths if p != STDIN],
                                    excludes=options.excludes + options.config.exclude):
            if candidate.error:
                collect(_error_result(candidate.path, candidate.error, "unreadable"))
                continue
            if candidate.skipped is None and candidate.identity in options.own_files:
                candidate = dataclasses.replace(candidate, skipped="docsecrets' own report or baseline: not scanned")
            if candidate.skipped is None and _own_report(candidate.path):
                candidate = dataclasses.replace(candidate, skipped="a docsecrets report without raw secrets: not scanned")
            if candidate.skipped is None and _allowlisted(candidate.path, options.config.allow_paths):
                candidate = dataclasses.replace(candidate, skipped="allowlisted path (configuration)")
            if candidate.skipped:
                collect(FileResult(path=candidate.path, skipped=candidate.skipped))
                continue
            if cache is not None:
                try:
                    info = os.stat(candidate.path)
                except OSError:
                    info = None
                if info is not None:
                    hit = cache.get(candidate.path, info)
                    if hit is not None:
                        collect(hit)
                        continue
                    stats[candidate.path] = info
            yield _Task(candidate.path, candidate.identity, candidate.follow)

    def collect_and_remember(result: FileResult) -> None:
        collect(result)
        if cache is not None:
            info = stats.pop(result.path, None)
            if info is not None:
                cache.put(result.path, info, result)

    if not options.isolate:
        for task in tasks():
            collect_and_remember(scan_file(task.path, options.limits, options.config, identity=task.identity,
                                           follow=task.follow))
    else:
        _Pool(options).run(tasks(), collect_and_remember)
    results.sort(key=lambda r: r.path)
    return results


def scan_stream(items: Iterable[BytesTask | FileResult], *, options: ScanOptions = ScanOptions(),
                on_result: ResultCallback | None = None, batch_bytes: int = 64 * 1024 * 1024,
                batch_count: int = 256) -> list[FileResult]:
    """Scan documents held in memory as a producer yields them (a crawl, a git history).

    Each BytesTask goes through the same readers, limits and worker isolation as a file of
    `scan_paths`; a FileResult (an error the producer met: an unreachable URL, a missing blob)
    is passed through. Items are taken in batches of about `batch_bytes`, so memory stays
    bounded however much the producer has to give.
    """
    results: list[FileResult] = []

    def collect(result: FileResult) -> None:
        results.append(result)
        if on_result:
            on_result(result)

    batch: list[BytesTask] = []
    size = 0

    def flush() -> None:
        nonlocal size
        if options.isolate:
            _Pool(options).run(batch, collect)
        else:
            for task in batch:
                collect(_scan_task(task, options.limits, options.config))
        batch.clear()
        size = 0

    for item in items:
        if isinstance(item, FileResult):
            collect(item)
            continue
        if item.path and _allowlisted(item.path, options.config.allow_paths):
            collect(FileResult(path=item.path, skipped="allowlisted path (configuration)"))
            continue
        batch.append(item)
        size += len(item.data)
        if size >= batch_bytes or len(batch) >= batch_count:
            flush()
    if batch:
        flush()
    results.sort(key=lambda r: r.path)
    return results


# ---------------------------------------------------------------------------------------------
# worker processes


def _own_report(path: str) -> bool:
    """A .json or .sarif file that is a docsecrets report holding only redacted values
    (report.is_own_report); read here, in the parent, only for those two suffixes."""
    if not path.lower().endswith((".json", ".sarif")):
        return False
    from docsecrets.report import is_own_report

    try:
        with open(path, "rb") as handle:
            data = handle.read(64 * 1024 * 1024 + 1)
    except OSError:
        return False  # the worker reports why it cannot be read
    return len(data) <= 64 * 1024 * 1024 and is_own_report(data)


def _allowlisted(path: str, patterns: tuple[str, ...]) -> bool:
    if not patterns:
        return False
    from docsecrets.identity import normalise_path

    normal = normalise_path(path)
    return any(fnmatch.fnmatch(normal, p) or fnmatch.fnmatch(path, p) for p in patterns)


def _worker_main(conn: Connection, limits: Limits, config: Config, inherited: list[Connection], parent: int,
                 stdin_fd: int, root: str | None = None, base: str | None = None) -> None:
    # Ctrl-C reaches the whole process group: the parent alone handles it (and kills us), so no
    # worker prints a traceback. The parent's own handlers were copied by fork: drop them.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if hasattr(signal, "pthread_sigmask"):  # blocked by the parent around the fork (see _Pool._spawn)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _SIGNALS)
    _die_with_parent(parent)
    # a fork-server worker does not inherit the parent's globals: the folder fingerprints are relative to
    from docsecrets.paths import set_root

    set_root(root, base=base)
    for other in inherited:  # the parent's ends of our pipe and of earlier workers' pipes
        other.close()
    # Whatever a reader library prints must never reach the report on standard output
    # (one stray line breaks a JSON document): results travel back through the pipe only.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.close(devnull)
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - lives as long as the worker
    except OSError:
        pass
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (limits.memory, limits.memory))
    except (ImportError, ValueError, OSError):  # no rlimits on this platform: the timeout still holds
        pass
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        path = task.path
        try:
            result: FileResult | Extraction
            if isinstance(task, BytesTask):
                result = _scan_task(task, limits, config)
            elif task.extract:
                result = _extract_task(task, limits, config)
            else:
                result = scan_file(path, limits, config, identity=task.identity, follow=task.follow,
                                   stdin_fd=stdin_fd)
        except MemoryError:
            result = _error_result(path, "unscannable: memory limit exceeded", "memory")
        except BaseException as exc:  # noqa: BLE001 - e.g. a Rust panic from a native reader
            result = _error_result(path, f"unscannable: reader failed: {type(exc).__name__}", "internal")
        try:
            conn.send(result)
        except MemoryError:
            conn.send(_error_result(path, "unscannable: memory limit exceeded", "memory"))


def _die_with_parent(parent: int) -> None:
    """On Linux, the kernel kills this worker when the process that started it dies, even by SIGKILL.

    A forked worker's parent is the scan itself; a forkserver worker's is the fork server,
    which exits as soon as the scan does (it reads EOF on a pipe only the scan holds).
    """
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    if os.getppid() == 1:  # orphaned before prctl took effect
        os._exit(0)
    try:
        os.kill(parent, 0)  # the scan died before prctl took effect
    except ProcessLookupError:
        os._exit(0)
    except OSError:
        pass


class _InheritedFd:
    """A descriptor handed to a worker: the number itself under fork, a duplicate sent along otherwise."""

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def __reduce__(self) -> tuple[Callable[[Any], int], tuple[Any]]:
        from multiprocessing import reduction

        return _rebuild_fd, (reduction.DupFd(self.fd),)


def _rebuild_fd(duplicate: Any) -> int:
    return int(duplicate.detach())


# Readers start from a small fixed image: a fork server started once, with the engine and the
# rules imported, not the sweep's parent (whose results, walk and caches a forked worker would
# inherit, and whose address space RLIMIT_AS would count). "fork" where there is no fork server.
START_METHOD = "forkserver"
_PRELOAD = ["docsecrets.engine"]


@dataclass(slots=True)
class _Worker:
    process: Any
    conn: Connection
    path: str | None = None
    deadline: float = 0.0


@dataclass(slots=True)
class _Pool:
    options: ScanOptions
    workers: list[_Worker] = field(default_factory=list)
    stdin_fd: int = -1

    def _context(self) -> Any:
        methods = multiprocessing.get_all_start_methods()
        for method in (START_METHOD, "fork", "spawn"):
            if method in methods:
                ctx = multiprocessing.get_context(method)
                if method == "forkserver":
                    from multiprocessing import forkserver

                    ctx.set_forkserver_preload(_PRELOAD)
                    forkserver.ensure_running()  # before any signal mask: the server keeps none
                return ctx
        return multiprocessing.get_context()

    def _spawn(self) -> _Worker:
        from docsecrets.paths import current_base, current_root

        ctx = self._context()
        parent, child = ctx.Pipe()
        # a forked worker holds copies of the parent's ends of every pipe: it closes them, so it
        # sees EOF when the parent dies (spawned and forkserver workers hold none)
        inherited = [w.conn for w in self.workers] + [parent] if ctx.get_start_method() == "fork" else []
        stdin: Any = self.stdin_fd if self.stdin_fd < 0 or ctx.get_start_method() == "fork" \
            else _InheritedFd(self.stdin_fd)
        process = ctx.Process(target=_worker_main, daemon=True,
                              args=(child, self.options.limits, self.options.config, inherited, os.getpid(),
                                    stdin, current_root(), current_base()))
        # no signal between the fork and the worker's own handlers: it would run the parent's
        # handler in the child (a traceback on Ctrl-C)
        masked = signal.pthread_sigmask(signal.SIG_BLOCK, _SIGNALS) if hasattr(signal, "pthread_sigmask") else None
        try:
            process.start()
        finally:
            if masked is not None:
                signal.pthread_sigmask(signal.SIG_SETMASK, masked)
        child.close()
        return _Worker(process=process, conn=parent)

    def run(self, tasks: Iterable[Task], collect: Callable[[Any], None]) -> None:
        """Feed `tasks` to the workers as the iterator yields them; no worker starts before the first."""
        source = iter(tasks)
        first = next(source, None)
        if first is None:
            return
        pending: deque[Task] = deque([first])
        jobs = self.options.jobs or os.cpu_count() or 1
        if START_METHOD == "fork" and jobs > 1:
            import docsecrets.engine  # noqa: F401  (forked workers inherit it instead of each importing it)
        timeout = self.options.limits.timeout
        exhausted = False

        def fill() -> bool:
            """One task ahead per idle worker, and one more: the walk goes only as fast as the reading."""
            nonlocal exhausted
            while not exhausted and len(pending) < 1 + sum(w.path is None for w in self.workers):
                task = next(source, None)
                if task is None:
                    exhausted = True
                else:
                    pending.append(task)
            return bool(pending)

        try:
            while True:
                fill()
                if not pending and not any(w.path for w in self.workers):
                    break
                for index in range(len(self.workers)):
                    worker = self.workers[index]
                    if worker.path is None and pending:
                        self._assign(index, pending.popleft(), timeout)
                while len(self.workers) < jobs and fill():
                    task = pending.popleft()
                    if task.path == STDIN and self.stdin_fd < 0:
                        self.stdin_fd = os.dup(0)  # multiprocessing points a worker's own fd 0 at /dev/null
                    self.workers.append(self._spawn())
                    self._assign(len(self.workers) - 1, task, timeout)
                busy = [w for w in self.workers if w.path]
                if not busy:
                    continue
                wait_for = max(0.0, min(w.deadline for w in busy) - time.monotonic())
                ready = wait([w.conn for w in busy], timeout=wait_for)
                for index, worker in enumerate(self.workers):
                    if worker.path is None:
                        continue
                    if worker.conn in ready:
                        try:
                            collect(worker.conn.recv())
                            worker.path = None
                        except (EOFError, OSError):
                            worker.process.join(1)
                            code = worker.process.exitcode
                            collect(_error_result(worker.path or "", _death_reason(code),
                                                  "memory" if code in (-9, -6) else "internal"))
                            self._replace(index)
                    elif time.monotonic() >= worker.deadline:
                        collect(_error_result(worker.path, f"unscannable: timed out after {timeout:g} s "
                                                           "(reader killed; see --timeout)", "timeout"))
                        self._replace(index)
        except BaseException:  # a signal, an interrupt, a failing callback: no worker outlives the pool
            self._kill()
            raise
        else:
            self._shutdown()
        finally:
            if self.stdin_fd >= 0:
                os.close(self.stdin_fd)
                self.stdin_fd = -1

    def _assign(self, index: int, task: Task, timeout: float) -> None:
        worker = self.workers[index]
        try:
            worker.conn.send(task)
        except OSError:
            self._replace(index)
            worker = self.workers[index]
            worker.conn.send(task)
        worker.path, worker.deadline = task.path, time.monotonic() + timeout

    def _replace(self, index: int) -> None:
        old = self.workers[index]
        old.process.kill()
        old.process.join(5)
        old.conn.close()
        self.workers[index] = self._spawn()

    def _kill(self) -> None:
        for worker in self.workers:
            worker.process.kill()
        for worker in self.workers:
            worker.process.join(5)
            worker.conn.close()
        self.workers = []

    def _shutdown(self) -> None:
        for worker in self.workers:
            try:
                worker.conn.send(None)
            except OSError:
                pass
        for worker in self.workers:
            worker.process.join(2)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join(2)
            worker.conn.close()
        self.workers = []


def _death_reason(exit_code: int | None) -> str:
    if exit_code is not None and exit_code < 0:
        return f"unscannable: reader process killed by signal {-exit_code} (memory limit or crash)"
    return f"unscannable: reader process died (exit code {exit_code})"

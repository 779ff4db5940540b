"""Scan many files: a pool of worker processes, each file under a wall-clock and memory limit.

A parser that hangs or balloons is killed, its file reported with the reason, and the worker
replaced; nothing else is lost. Workers return plain data (FileResult), and results come
back sorted by path whatever the scheduling.
"""

from __future__ import annotations

import errno
import fnmatch
import multiprocessing
import os
import stat
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import TYPE_CHECKING, Any

from docsecrets.config import Config
from docsecrets.limits import DEFAULT_LIMITS, Limits
from docsecrets.types import FileError, FileResult
from docsecrets.walk import DEFAULT_EXCLUDES, iter_files

if TYPE_CHECKING:
    from docsecrets.cache import Cache

ResultCallback = Callable[[FileResult], None]


@dataclass(frozen=True, slots=True, kw_only=True)
class ScanOptions:
    limits: Limits = DEFAULT_LIMITS
    jobs: int = 0  # 0: one per CPU
    excludes: tuple[str, ...] = DEFAULT_EXCLUDES
    isolate: bool = True  # run readers in worker processes (False: in this process, for tests)
    config: Config = field(default_factory=Config)


def scan_file(path: str, limits: Limits = DEFAULT_LIMITS, config: Config | None = None) -> FileResult:
    """Read one regular file and scan it, in the current process."""
    from docsecrets.engine import scan_bytes  # the engine pulls in the rules: workers pay, not the CLI

    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        reason = "vanished before it could be read" if exc.errno == errno.ENOENT else \
            f"cannot open: {exc.strerror or exc}"
        return _error_result(path, reason, "unreadable")
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):  # swapped for a FIFO/device since the walk
            return FileResult(path=path, skipped="not a regular file: never read")
        if info.st_size > limits.max_file_size:
            return _error_result(path, f"unscannable: {info.st_size:,} bytes is over the size limit "
                                       f"({limits.max_file_size:,}; see --max-file-size)", "limit")
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read(limits.max_file_size + 1)
    except OSError as exc:
        return _error_result(path, f"cannot read: {exc.strerror or exc}", "unreadable")
    finally:
        os.close(fd)
    return scan_bytes(data, path=path, limits=limits, config=config)


def _error_result(path: str, reason: str, kind: str) -> FileResult:
    return FileResult(path=path, errors=(FileError(path=path, error=reason, kind=kind),))


def scan_paths(paths: Iterable[str], *, options: ScanOptions = ScanOptions(),
               on_result: ResultCallback | None = None, cache: Cache | None = None) -> list[FileResult]:
    """Scan every file under `paths`; with a cache, unchanged files are not read again."""
    results: list[FileResult] = []
    tasks: list[str] = []

    def collect(result: FileResult) -> None:
        results.append(result)
        if on_result:
            on_result(result)

    stats: dict[str, os.stat_result] = {}
    for candidate in iter_files(paths, excludes=options.excludes + options.config.exclude):
        if candidate.skipped is None and _allowlisted(candidate.path, options.config.allow_paths):
            candidate = type(candidate)(candidate.path, skipped="allowlisted path (configuration)")
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
        tasks.append(candidate.path)

    def collect_and_remember(result: FileResult) -> None:
        collect(result)
        if cache is not None and result.path in stats:
            cache.put(result.path, stats[result.path], result)

    if not options.isolate:
        for path in tasks:
            collect_and_remember(scan_file(path, options.limits, options.config))
    else:
        _Pool(options).run(tasks, collect_and_remember)
    results.sort(key=lambda r: r.path)
    return results


# ---------------------------------------------------------------------------------------------
# worker processes


def _allowlisted(path: str, patterns: tuple[str, ...]) -> bool:
    if not patterns:
        return False
    from docsecrets.engine import normalise_path

    normal = normalise_path(path)
    return any(fnmatch.fnmatch(normal, p) or fnmatch.fnmatch(path, p) for p in patterns)


def _worker_main(conn: Connection, limits: Limits, config: Config) -> None:
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
            path = conn.recv()
        except (EOFError, OSError):
            return
        if path is None:
            return
        try:
            result = scan_file(path, limits, config)
        except MemoryError:
            result = _error_result(path, "unscannable: memory limit exceeded", "memory")
        except BaseException as exc:  # noqa: BLE001 - e.g. a Rust panic from a native reader
            result = _error_result(path, f"unscannable: reader failed: {type(exc).__name__}", "internal")
        try:
            conn.send(result)
        except MemoryError:
            conn.send(_error_result(path, "unscannable: memory limit exceeded", "memory"))


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

    def _context(self) -> Any:
        methods = multiprocessing.get_all_start_methods()
        # fork starts a worker in milliseconds with everything already imported
        return multiprocessing.get_context("fork" if "fork" in methods else "spawn")

    def _spawn(self) -> _Worker:
        ctx = self._context()
        parent, child = ctx.Pipe()
        process = ctx.Process(target=_worker_main, args=(child, self.options.limits, self.options.config), daemon=True)
        process.start()
        child.close()
        return _Worker(process=process, conn=parent)

    def run(self, tasks: list[str], collect: ResultCallback) -> None:
        if not tasks:
            return
        jobs = self.options.jobs or os.cpu_count() or 1
        if jobs > 1 and len(tasks) > 1:
            import docsecrets.engine  # noqa: F401  (forked workers inherit it instead of each importing it)
        pending = deque(tasks)
        self.workers = [self._spawn() for _ in range(min(jobs, len(tasks)))]
        timeout = self.options.limits.timeout
        try:
            while pending or any(w.path for w in self.workers):
                for index, worker in enumerate(self.workers):
                    if worker.path is None and pending:
                        path = pending.popleft()
                        try:
                            worker.conn.send(path)
                        except OSError:
                            self._replace(index)
                            worker = self.workers[index]
                            worker.conn.send(path)
                        worker.path, worker.deadline = path, time.monotonic() + timeout
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
        finally:
            self._shutdown()

    def _replace(self, index: int) -> None:
        old = self.workers[index]
        old.process.kill()
        old.process.join(5)
        old.conn.close()
        self.workers[index] = self._spawn()

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


def _death_reason(exit_code: int | None) -> str:
    if exit_code is not None and exit_code < 0:
        return f"unscannable: reader process killed by signal {-exit_code} (memory limit or crash)"
    return f"unscannable: reader process died (exit code {exit_code})"

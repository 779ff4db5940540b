"""Past one machine: a sweep sent to an existing Dask distributed cluster (`scan --scheduler`).

The unit of work is a batch: some files and some folders, relative to one root. The client
submits batches as they come, never more than a bounded number at once, and reports results in
completion order. On a Dask worker a batch runs in a fresh `python -m docsecrets.distributed`
process (the request on standard input, the pickled outcome on standard output), which walks its
folders and scans with the normal local pool: each file in a forked reader under the same
timeout and memory cap as a local sweep. Why a subprocess: Dask workers are daemonic processes
(no multiprocessing children) and run tasks in threads (forking a threaded process is unsafe);
a subprocess is allowed from both, and a hostile file then kills a reader, never a Dask worker.

A batch walks at most `batch_files` files; the folders and files it did not reach go back to the
client as new units, so a huge subtree spreads over the cluster instead of one serial walk.
With `ship_bytes` (workers without the shared storage) the client walks and reads, and each
batch carries the bytes of up to `batch_files` files or `batch_bytes`.

Paths in results are relative to the root, the same on every node. Fingerprints are computed
against the client's identity root (its baseline's root, else its current folder: what a local
scan would use), sent with every batch, so a finding has the same fingerprint locally and through
the cluster, whichever node read it and whether its bytes were shipped.
Raw secrets leave a worker only when the user asked for them (`--show-secrets`).
A batch whose worker died is submitted once more; a second failure reports each of its files
(or folders) as unscannable with the reason. Losing the scheduler is fatal (DistributedError).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import dataclasses
import logging
import os
import pickle
import socket
import stat
import subprocess
import sys
import tempfile
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from docsecrets import __version__
from docsecrets.limits import MiB
from docsecrets.scan import ScanOptions
from docsecrets.types import DocsecretsError, FileError, FileResult

log = logging.getLogger(__name__)

BATCH_FILES = 1000  # files one batch walks and scans: a few seconds to minutes of work
BATCH_BYTES = 32 * MiB  # shipped bytes in one batch (--ship-bytes)
FOLDERS_PER_BATCH = 64  # folders handed to one batch to walk (it stops at BATCH_FILES files)
_CLIENT_LISTINGS = 256  # folders the client lists itself at the start, to give every slot a folder
_STDERR_TAIL = 300
_LAST_WORD = "docsecrets batch: "  # prefix of the one stderr line a failed batch process may pass on  # characters of a failed batch process's standard error kept in the reason

Folder = tuple[str, str]  # (top, folder): the walked PATH bounds where symlinks may lead, as locally
Shipped = tuple[str, int, bytes | None]  # (path, size, bytes; None when over the size limit)


class DistributedError(DocsecretsError):
    """The sweep cannot go on: no scheduler, no workers, scheduler lost, paths outside the root."""


class BatchFailed(DocsecretsError):
    """A batch process could not run or died; the message is the reason (no document content)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Batch:
    files: tuple[str, ...] = ()
    folders: tuple[Folder, ...] = ()
    shipped: tuple[Shipped, ...] = ()

    def units(self) -> list[tuple[str, bool]]:
        """(path, is_folder) of everything this batch was to cover: reported if it is lost."""
        return [(f, False) for f in self.files] + [(f or ".", True) for _, f in self.folders] + \
            [(p, False) for p, _, _ in self.shipped]


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    """What every batch needs besides its units; plain data pickled to the workers."""

    root: str  # absolute; the batch process runs there (shared storage at the same path on every node)
    options: ScanOptions
    # absolute; the folder fingerprint paths are relative to (None: root); see the module docstring
    identity_root: str | None = None
    show_secrets: bool = False
    batch_files: int = BATCH_FILES
    version: str = __version__  # the client's: a worker running another docsecrets refuses the batch


@dataclass(frozen=True, slots=True, kw_only=True)
class Outcome:
    results: tuple[FileResult, ...]
    files: tuple[str, ...] = ()  # not reached: to submit again
    folders: tuple[Folder, ...] = ()
    host: str = ""


# ---------------------------------------------------------------------------------------------
# on a Dask worker (a thread of a daemonic process): one batch in a fresh subprocess


def run_batch(batch: Batch, settings: Settings) -> Outcome:
    """The Dask task. Raises BatchFailed when the batch process fails, so the client retries it."""
    host = socket.gethostname()
    if settings.version != __version__:
        raise BatchFailed(f"worker host {host} runs docsecrets {__version__}, the client {settings.version}")
    request = pickle.dumps((batch, settings), protocol=pickle.HIGHEST_PROTOCOL)
    cwd = None if batch.shipped else settings.root
    units = len(batch.files) + len(batch.shipped) + settings.batch_files * bool(batch.folders)
    timeout = settings.options.limits.timeout * max(units, 1) + 300.0
    try:
        done = subprocess.run([sys.executable, "-m", "docsecrets.distributed"], input=request, cwd=cwd,
                              capture_output=True, timeout=timeout, check=False)
    except FileNotFoundError:
        raise BatchFailed(f"root folder {settings.root} not found on worker host {host}: workers need the "
                          "shared storage at the same path, or use --ship-bytes") from None
    except subprocess.TimeoutExpired:
        raise BatchFailed(f"batch process on {host} ran past {timeout:g} s and was killed") from None
    except OSError as exc:
        raise BatchFailed(f"cannot start a batch process on {host}: {exc.strerror or exc}") from None
    if done.returncode != 0:
        # only our own last word: a library's warning on standard error may quote a document
        tail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
        said = tail[0][len(_LAST_WORD):_STDERR_TAIL] if tail[0].startswith(_LAST_WORD) else "no reason given"
        raise BatchFailed(f"batch process on {host} failed (exit code {done.returncode}): {said}")
    outcome = pickle.loads(done.stdout)  # noqa: S301 - written by our own child process
    if not isinstance(outcome, Outcome):
        raise BatchFailed(f"batch process on {host} returned no outcome")
    return dataclasses.replace(outcome, host=host)


def _batch_main() -> int:
    """`python -m docsecrets.distributed`: one batch from standard input, its Outcome to standard output."""
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # whatever a library prints goes to standard error, never into the pickle
    sys.stdout = sys.stderr
    try:
        batch, settings = pickle.load(sys.stdin.buffer)  # noqa: S301 - written by run_batch in our parent
        if not isinstance(batch, Batch) or not isinstance(settings, Settings):
            raise BatchFailed("not a batch request")
        outcome = scan_batch(batch, settings)
    except BaseException as exc:  # noqa: BLE001 - one line the parent can pass on, nothing from a document
        said = str(exc) if isinstance(exc, DocsecretsError) else "(no message: not a docsecrets error)"
        print(f"{_LAST_WORD}{type(exc).__name__}: {said}", file=sys.stderr)
        return 1
    pickle.dump(outcome, out, protocol=pickle.HIGHEST_PROTOCOL)
    out.close()
    return 0


def scan_batch(batch: Batch, settings: Settings) -> Outcome:
    """Walk and scan one batch in this process (its readers are forked children, as locally)."""
    from docsecrets.paths import current_base, current_root, set_root

    before = current_root(), current_base()
    # root-relative paths, whatever the current folder (shipped bytes land in a temporary one)
    set_root(settings.identity_root or settings.root, base=settings.root)
    try:
        return _scan_batch(batch, settings)
    finally:
        set_root(before[0], base=before[1])


def _scan_batch(batch: Batch, settings: Settings) -> Outcome:
    if batch.shipped:
        with tempfile.TemporaryDirectory(prefix="docsecrets-batch-") as folder:
            here = os.getcwd()
            os.chdir(folder)
            try:
                files = [_unpack(path, size, data) for path, size, data in batch.shipped]
                return _scan_files(files, [], (), (), settings)
            finally:
                os.chdir(here)
    skipped: list[FileResult] = []
    files, spill, folders = _walk_budget(batch, settings, skipped)
    return _scan_files(files, skipped, tuple(spill), tuple(folders), settings)


def _walk_budget(batch: Batch, settings: Settings, skipped: list[FileResult]) -> \
        tuple[list[str], list[str], list[Folder]]:
    from docsecrets.walk import list_folder

    excludes = settings.options.excludes + settings.options.config.exclude
    files = list(batch.files)
    stack = list(reversed(batch.folders))
    while stack and len(files) < settings.batch_files:
        top, folder = stack.pop()
        candidates, subfolders = list_folder(folder, root_real=os.path.realpath(top or "."), patterns=excludes)
        for candidate in candidates:
            if candidate.error:
                skipped.append(_unreachable(candidate.path, candidate.error))
            elif candidate.skipped:
                skipped.append(FileResult(path=candidate.path, skipped=candidate.skipped))
            else:
                files.append(candidate.path)
        stack.extend((top, sub) for sub in reversed(subfolders))
    budget = settings.batch_files
    return files[:budget], files[budget:], list(reversed(stack))


def _unpack(path: str, size: int, data: bytes | None) -> str:
    """Write one shipped file under the current (temporary) folder, at its root-relative path."""
    parts = [p for p in path.replace("\\", "/").split("/") if p not in ("", ".")]
    if not parts or ".." in parts or os.path.isabs(path):
        raise BatchFailed(f"refusing a shipped path outside the batch folder: {path!r}")
    local = os.path.join(*parts)
    os.makedirs(os.path.dirname(local) or ".", exist_ok=True)
    with open(local, "wb") as handle:
        if data is None:
            handle.truncate(size)  # sparse: the reader reports it over the size limit, as locally
        else:
            handle.write(data)
    return local


def _scan_files(files: list[str], skipped: list[FileResult], spill: tuple[str, ...], folders: tuple[Folder, ...],
                settings: Settings) -> Outcome:
    from docsecrets.scan import scan_paths

    options = settings.options
    if options.jobs == 0:  # one reader per Dask thread: the cluster's threads are the parallelism
        options = dataclasses.replace(options, jobs=1)
    results = scan_paths(files, options=options) if files else []
    if not settings.show_secrets:  # raw secrets never cross the network unless asked for
        results = [dataclasses.replace(r, findings=tuple(dataclasses.replace(f, secret="") for f in r.findings))
                   for r in results]
    return Outcome(results=tuple(skipped + results), files=spill, folders=folders)


# ---------------------------------------------------------------------------------------------
# on the client: feed batches, collect outcomes


def default_root(paths: Sequence[str]) -> str:
    """The common folder of the paths given (a single file: its folder)."""
    absolute = [os.path.abspath(p) for p in paths]
    common = os.path.commonpath(absolute)
    if len(absolute) == 1 and not os.path.isdir(common):
        common = os.path.dirname(common)
    return common


def scan_cluster(paths: Sequence[str], *, scheduler: str | Any, options: ScanOptions = ScanOptions(),
                 root: str | None = None, ship_bytes: bool = False, show_secrets: bool = False,
                 on_result: Callable[[FileResult], None] | None = None, batch_files: int = BATCH_FILES,
                 batch_bytes: int = BATCH_BYTES, in_flight: int = 0, connect_timeout: float = 30.0,
                 timeout: float | None = None) -> list[FileResult]:
    """Scan `paths` on the Dask cluster at `scheduler` (an address, or a connected Client).

    Returns the results sorted by path, like scan.scan_paths; `on_result` sees them as they come.
    `in_flight` bounds the batches submitted at once (0: twice the cluster's threads);
    `timeout` bounds the whole sweep (None: no bound).
    """
    root_abs = os.path.abspath(root) if root is not None else default_root(paths)
    if not os.path.isdir(root_abs):
        raise DistributedError(f"--root {root_abs} is not a folder")
    from docsecrets.paths import current_root

    # the fingerprint root a local scan would use here: the baseline's (cli.options.use_baseline), else this folder
    settings = Settings(root=root_abs, options=options, show_secrets=show_secrets, batch_files=batch_files,
                        identity_root=current_root() or os.getcwd())
    results: list[FileResult] = []

    def collect(result: FileResult) -> None:
        results.append(result)
        if on_result:
            on_result(result)

    feeder: _Feeder
    if ship_bytes:
        feeder = _ShippingFeeder(paths, root=root_abs, options=options, collect=collect,
                                 batch_files=batch_files, batch_bytes=batch_bytes)
    else:
        feeder = _SharedFeeder(paths, root=root_abs, options=options, collect=collect, batch_files=batch_files)
    with _connect(scheduler, connect_timeout) as client:
        _drive(client, feeder, settings, collect, in_flight=in_flight, timeout=timeout)
    results.sort(key=lambda r: r.path)
    return results


class _Connection:
    def __init__(self, client: Any, owned: bool) -> None:
        self.client, self.owned = client, owned

    def __enter__(self) -> Any:
        return self.client

    def __exit__(self, *exc: object) -> None:
        if self.owned:
            self.client.close(timeout=10)


def _connect(scheduler: str | Any, connect_timeout: float) -> _Connection:
    Client = _dask().Client

    if not isinstance(scheduler, str):
        return _Connection(scheduler, owned=False)
    try:
        client = Client(scheduler, timeout=connect_timeout, set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise DistributedError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
    try:
        client.wait_for_workers(1, timeout=connect_timeout)
    except (OSError, TimeoutError):
        client.close(timeout=10)
        raise DistributedError(f"no Dask worker joined the scheduler at {scheduler} "
                               f"within {connect_timeout:g} s") from None
    return _Connection(client, owned=True)


def _drive(client: Any, feeder: _Feeder, settings: Settings, collect: Callable[[FileResult], None], *,
           in_flight: int, timeout: float | None) -> None:
    as_completed = _dask().as_completed

    if in_flight <= 0:
        workers = client.scheduler_info(n_workers=-1).get("workers", {})
        in_flight = 2 * max(1, sum(int(w.get("nthreads", 1)) for w in workers.values()))
    feeder.start(in_flight)
    running: dict[Any, tuple[Batch, int]] = {}
    completed = as_completed(loop=client.loop, timeout=timeout)

    def submit(batch: Batch, attempt: int) -> None:
        argument: Any = batch
        if batch.shipped:  # the bytes go straight to a worker, not through the scheduler's graph
            argument = _scatter(client, batch)
        future = client.submit(run_batch, argument, settings, pure=False,
                               key=f"docsecrets-batch-{uuid.uuid4().hex}")
        running[future] = (batch, attempt)
        completed.add(future)

    def fill() -> None:
        while len(running) < in_flight:
            batch = feeder.next_batch()
            if batch is None:
                return
            submit(batch, 0)

    fill()
    try:
        for future in completed:
            batch, attempt = running.pop(future)
            try:
                outcome: Outcome = future.result()
            except (Exception, concurrent.futures.CancelledError, asyncio.CancelledError) as exc:
                # KilledWorker, BatchFailed, CommClosedError, or cancelled: shipped bytes lost with their worker
                if client.status != "running":
                    raise DistributedError(f"lost the Dask scheduler: {type(exc).__name__}: {exc}") from None
                reason = f"{type(exc).__name__}: {exc}"
                if attempt == 0:
                    log.warning("batch failed (%s); retrying it once elsewhere", reason)
                    submit(batch, 1)
                else:
                    for path, is_folder in batch.units():
                        collect(_lost(path, is_folder, reason))
            else:
                for result in outcome.results:
                    collect(result)
                feeder.give_back(outcome)
            finally:
                future.release()
            fill()
    except TimeoutError:
        for future in list(running):
            future.cancel()
        raise DistributedError(f"the sweep ran past {timeout:g} s") from None
    if feeder.next_batch() is not None:  # every unit must end as a result or an error
        raise DistributedError("internal error: batches left unsubmitted")


def _scatter(client: Any, batch: Batch) -> Any:
    """Send a batch's bytes to a worker; a worker dying under us is retried on another."""
    for pause in (0.5, 1.0, 2.0, 4.0, 0.0):
        try:
            return client.scatter(batch, hash=False)
        except (OSError, TimeoutError) as exc:  # CommClosedError is an OSError
            if not pause:
                raise DistributedError(f"cannot send bytes to any Dask worker: {type(exc).__name__}: {exc}") from None
            log.warning("sending a batch failed (%s); trying again", type(exc).__name__)
            time.sleep(pause)
    raise AssertionError("unreachable")


def _dask() -> Any:
    """The `distributed` package, imported only for --scheduler (typed Any: it ships no stubs)."""
    import importlib

    try:
        return importlib.import_module("distributed")
    except ImportError:
        raise DistributedError("--scheduler needs Dask: pip install 'docsecrets[dask]'") from None


def _lost(path: str, is_folder: bool, reason: str) -> FileResult:
    what = "folder not walked" if is_folder else "file not scanned"
    error = f"unscannable: {what}: its batch failed twice on the cluster ({reason[:_STDERR_TAIL]})"
    return FileResult(path=path, errors=(FileError(path=path, error=error, kind="internal"),))


class _Feeder:
    slots = 1  # batches the client keeps in flight

    def start(self, slots: int) -> None:
        self.slots = slots

    def next_batch(self) -> Batch | None:
        raise NotImplementedError

    def give_back(self, outcome: Outcome) -> None:
        """Units a batch did not reach, to hand out again."""


class _SharedFeeder(_Feeder):
    """Workers see the files at the same path: the client hands out folders, workers walk them."""

    def __init__(self, paths: Sequence[str], *, root: str, options: ScanOptions,
                 collect: Callable[[FileResult], None], batch_files: int) -> None:
        self.collect, self.root = collect, root
        self.excludes = options.excludes + options.config.exclude
        self.files: deque[str] = deque()
        self.folders: deque[Folder] = deque()
        self.batch_files = batch_files
        for path in paths:
            relative = _relative(path, root)
            try:
                info = os.stat(path)
            except OSError as exc:
                collect(_unreachable(relative, f"cannot access: {exc.strerror or exc}"))
                continue
            if stat.S_ISDIR(info.st_mode):
                folder = "" if relative == "." else relative
                self.folders.append((folder, folder))
            elif stat.S_ISREG(info.st_mode):
                self.files.append(relative)
            else:
                collect(FileResult(path=relative, skipped="not a regular file (FIFO, device or socket): never opened"))

    def start(self, slots: int) -> None:
        """List the first folders here, breadth first, until every slot can get a folder of its own:
        a handful of listings, so that the cluster does not wait for one batch to hand back the tree."""
        from docsecrets.walk import list_folder

        super().start(slots)
        listings = 0
        while self.folders and len(self.folders) < slots and listings < _CLIENT_LISTINGS:
            top, folder = self.folders.popleft()
            # listed from here: absolute paths, made root-relative again
            candidates, subfolders = list_folder(os.path.join(self.root, folder),
                                                 root_real=os.path.realpath(os.path.join(self.root, top)),
                                                 patterns=self.excludes)
            listings += 1
            for candidate in candidates:
                relative = _relative(candidate.path, self.root)
                if candidate.error:
                    self.collect(_unreachable(relative, candidate.error))
                elif candidate.skipped:
                    self.collect(FileResult(path=relative, skipped=candidate.skipped))
                else:
                    self.files.append(relative)
            self.folders.extend((top, _relative(sub, self.root)) for sub in subfolders)

    def next_batch(self) -> Batch | None:
        files = [self.files.popleft() for _ in range(min(self.batch_files, len(self.files)))]
        folders: list[Folder] = []
        if len(files) < self.batch_files:  # spread few folders over the free slots, many in groups
            share = max(1, min(FOLDERS_PER_BATCH, len(self.folders) // max(1, self.slots)))
            folders = [self.folders.popleft() for _ in range(min(share, len(self.folders)))]
        if not files and not folders:
            return None
        return Batch(files=tuple(files), folders=tuple(folders))

    def give_back(self, outcome: Outcome) -> None:
        self.files.extend(outcome.files)
        self.folders.extend(outcome.folders)


class _ShippingFeeder(_Feeder):
    """Workers do not share the storage: the client walks, reads, and ships the bytes."""

    def __init__(self, paths: Sequence[str], *, root: str, options: ScanOptions,
                 collect: Callable[[FileResult], None], batch_files: int, batch_bytes: int) -> None:
        self.root, self.options, self.collect = root, options, collect
        self.batch_files, self.batch_bytes = batch_files, batch_bytes
        self.walk = self._files(paths)
        self.carry: Shipped | None = None

    def _files(self, paths: Sequence[str]) -> Iterator[Shipped]:
        from docsecrets.walk import iter_files

        limit = self.options.limits.max_file_size
        for candidate in iter_files(paths, excludes=self.options.excludes + self.options.config.exclude):
            relative = _relative(candidate.path, self.root)
            if candidate.error:
                self.collect(_unreachable(relative, candidate.error))
                continue
            if candidate.skipped:
                self.collect(FileResult(path=relative, skipped=candidate.skipped))
                continue
            try:
                fd = os.open(candidate.path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
                with os.fdopen(fd, "rb") as handle:
                    info = os.fstat(handle.fileno())
                    if not stat.S_ISREG(info.st_mode):  # swapped for a FIFO/device since the walk
                        self.collect(FileResult(path=relative, skipped="not a regular file: never read"))
                        continue
                    size = info.st_size
                    data = handle.read(limit + 1) if size <= limit else None
            except OSError as exc:
                self.collect(_unreachable(relative, f"cannot read: {exc.strerror or exc}"))
                continue
            yield relative, size, data

    def next_batch(self) -> Batch | None:
        shipped: list[Shipped] = []
        total = 0
        while len(shipped) < self.batch_files:
            item = self.carry or next(self.walk, None)
            self.carry = None
            if item is None:
                break
            size = len(item[2] or b"")
            if shipped and total + size > self.batch_bytes:
                self.carry = item
                break
            shipped.append(item)
            total += size
        return Batch(shipped=tuple(shipped)) if shipped else None


def _unreachable(path: str, reason: str) -> FileResult:
    """A file or folder the walk could not reach: an error, as in a local sweep."""
    return FileResult(path=path, errors=(FileError(path=path, error=reason, kind="unreadable"),))


def _relative(path: str, root: str) -> str:
    relative = os.path.relpath(os.path.abspath(path), root)
    if relative == os.pardir or relative.startswith(os.pardir + os.sep):
        raise DistributedError(f"{path} is not under the root {root} (see --root)")
    return relative.replace(os.sep, "/")


if __name__ == "__main__":  # run as a script the module is __main__: take the classes pickle knows
    from docsecrets.distributed import _batch_main as _main

    raise SystemExit(_main())

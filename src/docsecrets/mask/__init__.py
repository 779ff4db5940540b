"""From finding to fix: masked copies of documents, every reported secret replaced.

scan (the engine's findings, raw secrets kept in memory only) -> one masker per format ->
re-scan of the copy -> write into the output folder through a temp file and a rename.

A copy in which anything is still found is never written: the file is reported as refused.
Formats that cannot be rewritten safely (PDF, legacy binary Office, archives, mail...) are
refused with the reason and what to do instead. The original is never modified.

Each masker lives in its own module exposing

    def mask(data: bytes, replacer: Replacer, *, suffix: str) -> bytes

and is listed once in MASKERS; it raises MaskRefused for a document it will not rewrite.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import os
import stat
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from docsecrets.mask._replace import Replacer
from docsecrets.mask.errors import MaskRefused
from docsecrets.scan import ScanOptions
from docsecrets.types import DocsecretsError, FileResult

log = logging.getLogger(__name__)

DEFAULT_MASK = "********"

# format name (from sniff.sniff) -> module under docsecrets.mask
MASKERS: dict[str, str] = {
    "xlsx": "xlsx",
    "docx": "docx",
    "pptx": "pptx",
    "text": "text",
    "csv": "text",
    "html": "text",
    "ods": "odf",
    "odt": "odf",
    "odp": "odf",
}

_QUARANTINE = "remove it from where it is published (quarantine it)"
# format -> why it is not rewritten, and what to do instead
REFUSED_FORMATS: dict[str, str] = {
    "pdf": f"PDF is not rewritten: its text is drawn on pages, a masked copy cannot be checked to keep "
           f"everything else; {_QUARANTINE}, or mask the source document and export it again",
    "xls": "legacy .xls workbooks are not rewritten; convert it (soffice --headless --convert-to xlsx) "
           f"and mask the .xlsx, or {_QUARANTINE}",
    "xlsb": "binary .xlsb workbooks are not rewritten; save it as .xlsx and mask that, or " + _QUARANTINE,
    "doc": "legacy .doc documents are not rewritten; convert it (soffice --headless --convert-to docx) "
           f"and mask the .docx, or {_QUARANTINE}",
    "ppt": "legacy .ppt presentations are not rewritten; convert it (soffice --headless --convert-to pptx) "
           f"and mask the .pptx, or {_QUARANTINE}",
}
_OTHER_REFUSAL = "{fmt} files are not rewritten; " + _QUARANTINE + ", or convert it to a format docsecrets " \
                 "masks (.xlsx, .docx, .pptx, .ods, .odt, .odp, text, CSV)"


class MaskUsageError(DocsecretsError):
    """The command cannot run as asked (output folder inside a scanned folder...)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class MaskResult:
    path: str
    status: str  # masked / refused / clean / skipped
    output: str | None = None
    findings: int = 0  # findings in the original
    reason: str = ""


def check_output_dir(paths: Sequence[str], out_dir: str) -> None:
    """Refuse an output folder inside a scanned folder (or holding one): copies would be
    scanned by the next sweep, and could land on the files they were made from."""
    out_real = os.path.realpath(out_dir)
    for path in paths:
        real = os.path.realpath(path)
        if os.path.isdir(real) and _inside(out_real, real):
            raise MaskUsageError(f"the output folder {out_dir} is inside the scanned folder {path}: "
                                 "choose a folder outside what is scanned")
        if _inside(real, out_real):
            raise MaskUsageError(f"{path} is inside the output folder {out_dir}: choose another output folder")


def _inside(path: str, folder: str) -> bool:
    try:
        return os.path.commonpath([path, folder]) == folder
    except ValueError:
        return False


def mask_paths(paths: Sequence[str], *, out_dir: str, mask: str = DEFAULT_MASK,
               options: ScanOptions = ScanOptions()) -> list[MaskResult]:
    """Scan `paths`, and write a masked copy of every document with findings under `out_dir`."""
    from docsecrets.scan import scan_paths

    check_output_dir(paths, out_dir)
    os.makedirs(out_dir, exist_ok=True)
    results = scan_paths(paths, options=options)
    return [mask_result(result, out_dir=out_dir, relative=_relative(result.path, paths), mask=mask,
                        options=options) for result in results]


def _relative(path: str, tops: Sequence[str]) -> str:
    """Where the copy of `path` goes under the output folder: `www/a/b.xlsx` for a file found
    under the argument `www`, the bare name for a file given on its own."""
    for top in tops:
        if os.path.normpath(path) == os.path.normpath(top):
            return os.path.basename(os.path.normpath(path))
    for top in tops:
        top_norm = os.path.normpath(top)
        if _inside(os.path.abspath(path), os.path.abspath(top_norm)):
            base = os.path.basename(os.path.abspath(top_norm)) or "root"
            return os.path.join(base, os.path.relpath(path, top_norm))
    return os.path.basename(path)


def mask_result(result: FileResult, *, out_dir: str, relative: str, mask: str,
                options: ScanOptions = ScanOptions()) -> MaskResult:
    """Decide, mask, re-scan and write one scanned file."""
    path, count = result.path, len(result.findings)
    if result.skipped is not None:
        return MaskResult(path=path, status="skipped", reason=result.skipped)
    if result.errors:
        error = result.errors[0]
        where = f" in {' › '.join(error.chain)}" if error.chain else ""
        return MaskResult(path=path, status="refused", findings=count,
                          reason=f"not read completely{where} ({error.error}): a copy could keep what was "
                                 f"not read; {_QUARANTINE}")
    if not result.findings:
        return MaskResult(path=path, status="clean")
    nested = next((f for f in result.findings if f.chain), None)
    if nested is not None:
        return MaskResult(path=path, status="refused", findings=count,
                          reason=f"a secret is inside the embedded file {' › '.join(nested.chain)}, which is not "
                                 f"rewritten; extract it and mask it on its own, or {_QUARANTINE}")
    fmt = result.format or "unknown"
    if fmt not in MASKERS:
        return MaskResult(path=path, status="refused", findings=count,
                          reason=REFUSED_FORMATS.get(fmt, _OTHER_REFUSAL.format(fmt=fmt)))
    try:
        data = _read(path, options.limits.max_file_size)
        job = _Job(data=data, fmt=fmt, secrets=tuple(f.secret for f in result.findings), mask=mask,
                   suffix=_suffix(path), name=relative)
        masked = _isolated(job, options) if options.isolate else _mask_checked(job, options)
        output = _write(out_dir, relative, masked, source=path)
    except MaskRefused as exc:
        return MaskResult(path=path, status="refused", findings=count, reason=str(exc))
    except OSError as exc:
        return MaskResult(path=path, status="refused", findings=count,
                          reason=f"cannot write the copy: {exc.strerror or type(exc).__name__}")
    return MaskResult(path=path, status="masked", output=output, findings=count)


@dataclass(frozen=True, slots=True, kw_only=True)
class _Job:
    data: bytes
    fmt: str
    secrets: tuple[str, ...]
    mask: str
    suffix: str
    name: str


def _mask_checked(job: _Job, options: ScanOptions) -> bytes:
    """The masked copy, re-scanned: MaskRefused when anything is still found in it."""
    try:
        masked = mask_document(job.data, fmt=job.fmt, secrets=job.secrets, mask=job.mask, suffix=job.suffix)
    except MaskRefused:
        raise
    except MemoryError:
        raise MaskRefused(f"memory limit exceeded while rewriting the {job.fmt} document; {_QUARANTINE}") from None
    except Exception as exc:  # a writer library failing costs one file; its message may quote the text
        log.debug("masking failed for %s", job.name, exc_info=True)
        raise MaskRefused(f"the {job.fmt} writer failed ({type(exc).__name__}); {_QUARANTINE}") from None
    left = _rescan(masked, job.name, options)
    if left:
        raise MaskRefused(f"could not mask every finding ({left} left in the copy, which was not written); "
                          f"{_QUARANTINE}")
    return masked


def _isolated(job: _Job, options: ScanOptions) -> bytes:
    """_mask_checked in a child process under the scan's wall-clock and memory limits: a
    writer library that hangs or balloons on a hostile document costs that file only."""
    import multiprocessing

    if "fork" not in multiprocessing.get_all_start_methods():
        return _mask_checked(job, options)
    ctx = multiprocessing.get_context("fork")  # the child inherits the job: secrets never cross a pipe
    receiver, sender = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_child, args=(sender, job, options), daemon=True)
    process.start()
    sender.close()
    try:
        if not receiver.poll(options.limits.timeout):
            raise MaskRefused(f"timed out after {options.limits.timeout:g} s while rewriting (writer killed; see "
                              f"--timeout); {_QUARANTINE}")
        try:
            status, payload = receiver.recv()
        except (EOFError, OSError):
            raise MaskRefused(f"the writer process died (memory limit or crash); {_QUARANTINE}") from None
    finally:
        if process.is_alive():
            process.kill()
        process.join(5)
        receiver.close()
    if status != "ok":
        raise MaskRefused(str(payload))
    return bytes(payload)


def _child(sender: Any, job: _Job, options: ScanOptions) -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.close(devnull)
    except OSError:
        pass
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (options.limits.memory, options.limits.memory))
    except (ImportError, ValueError, OSError):
        pass
    try:
        sender.send(("ok", _mask_checked(job, options)))
    except MaskRefused as exc:
        sender.send(("refused", str(exc)))
    except MemoryError:
        sender.send(("refused", f"memory limit exceeded while rewriting; {_QUARANTINE}"))
    finally:
        sender.close()


def mask_document(data: bytes, *, fmt: str, secrets: Sequence[str], mask: str, suffix: str) -> bytes:
    """The masked bytes of one document: whole-word occurrences of each secret first, then,
    for a secret never seen as a whole word, every occurrence."""
    module = importlib.import_module(f"docsecrets.mask.{MASKERS[fmt]}")
    replacer = Replacer(secrets, mask)
    masked: bytes = module.mask(data, replacer, suffix=suffix)
    missing = [s for s in replacer.secrets if s not in replacer.hits]
    if missing:
        masked = module.mask(masked, Replacer(missing, mask, whole_words=False), suffix=suffix)
    return masked


def _suffix(path: str) -> str:
    from docsecrets.sniff import suffix_of

    return suffix_of(path)


def _read(path: str, limit: int) -> bytes:
    with open(path, "rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise MaskRefused("grew over the size limit since it was scanned")
    return data


def _rescan(data: bytes, name: str, options: ScanOptions) -> int:
    """Findings and read errors left in the masked copy: anything but 0 refuses it."""
    from docsecrets.engine import scan_bytes

    result = scan_bytes(data, path=name, limits=options.limits, config=options.config)
    return len(result.findings) + len(result.errors)


def _write(out_dir: str, relative: str, data: bytes, *, source: str) -> str:
    """Write through a temp file and a rename inside out_dir; never through a symlink, never
    over the source."""
    names = [n for n in relative.split(os.sep) if n]
    if not names or any(n in (".", "..") for n in names) or os.path.isabs(relative):
        raise MaskRefused(f"cannot place the copy: unexpected name {relative!r}")
    folder = out_dir
    for name in names[:-1]:
        folder = os.path.join(folder, name)
        try:
            os.mkdir(folder, 0o755)
        except FileExistsError:
            pass
        info = os.lstat(folder)
        if not stat.S_ISDIR(info.st_mode):
            raise MaskRefused(f"cannot write the copy: {folder} is a symlink or not a folder")
    target = os.path.join(folder, names[-1])
    existing: os.stat_result | None
    try:
        existing = os.lstat(target)
    except FileNotFoundError:
        existing = None
    if existing is not None:
        info = existing
        if stat.S_ISLNK(info.st_mode):
            raise MaskRefused(f"cannot write the copy: {target} is a symlink")
        if not stat.S_ISREG(info.st_mode):
            raise MaskRefused(f"cannot write the copy: {target} is not a regular file")
        if os.path.samefile(target, source):
            raise MaskRefused("the copy would overwrite the original")
    fd, temp = tempfile.mkstemp(dir=folder, prefix=".docsecrets-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, 0o644 & ~_umask())
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    return target


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current

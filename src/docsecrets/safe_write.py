"""Write a report or a baseline without ever following a link.

A committed `.docsecrets-baseline.json` that is a (dangling) symlink into a home directory, or a
`-o docsecrets.sarif` pointing out of the checkout, must not turn a scan into a write elsewhere.
The target is checked with lstat (a symlink, dangling or not, is refused; so are folders and
special files), the text goes to a new temporary file in the same folder, opened with
O_EXCL|O_NOFOLLOW, and `os.replace` puts it in place: readers see the old file or the new one,
never half of it, and a link planted at the target is replaced, not followed.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from collections.abc import Iterator
from typing import IO

from docsecrets.types import DocsecretsError

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


class UnsafeTarget(DocsecretsError):
    """The path cannot be written safely; the message says why."""


def check_target(path: str) -> os.stat_result | None:
    """Refuse what must not be written; the target's stat when it exists (None when new)."""
    if not path:
        raise UnsafeTarget("empty output path")
    parent = os.path.dirname(path) or "."
    try:
        parent_info = os.stat(parent)
    except OSError as exc:
        raise UnsafeTarget(f"cannot write {path}: folder {parent} {_reason(exc)}") from None
    if not stat.S_ISDIR(parent_info.st_mode):
        raise UnsafeTarget(f"cannot write {path}: {parent} is not a folder")
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise UnsafeTarget(f"cannot write {path}: {_reason(exc)}") from None
    if stat.S_ISLNK(info.st_mode):
        raise UnsafeTarget(f"refusing to write {path}: it is a symbolic link (links are never followed "
                           "when writing; remove it or name another file)")
    if stat.S_ISDIR(info.st_mode):
        raise UnsafeTarget(f"cannot write {path}: it is a folder")
    if not stat.S_ISREG(info.st_mode):
        raise UnsafeTarget(f"refusing to write {path}: not a regular file")
    return info


def write_text(path: str, text: str) -> None:
    """Replace `path` with `text` (UTF-8) through a temporary file in the same folder."""
    with open_stream(path) as handle:
        handle.write(text)


@contextlib.contextmanager
def open_stream(path: str) -> Iterator[IO[str]]:
    """A text file that replaces `path` when the block ends well; written as it goes (a report
    streamed line by line), through a temporary file in the same folder, never through a link."""
    existing = check_target(path)
    mode = stat.S_IMODE(existing.st_mode) if existing is not None else 0o644
    folder, name = os.path.split(path)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
    for _ in range(100):
        temporary = os.path.join(folder, f".{name}.{secrets.token_hex(6)}.tmp")
        try:
            fd = os.open(temporary, flags, mode)
            break
        except FileExistsError:
            continue
        except OSError as exc:
            raise UnsafeTarget(f"cannot write {path}: {_reason(exc)}") from None
    else:  # pragma: no cover - 100 random names taken
        raise UnsafeTarget(f"cannot write {path}: no free temporary name")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)  # renames over a link planted meanwhile: never follows it
    except BaseException as exc:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise UnsafeTarget(f"cannot write {path}: {_reason(exc)}") from None
        raise


def _reason(exc: OSError) -> str:
    if exc.errno == errno.ENOENT:
        return "does not exist"
    return str(exc.strerror or exc).lower()

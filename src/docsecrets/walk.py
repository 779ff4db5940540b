"""Find the files to scan under the paths a user gave.

Never follows a symlink out of the tree it walks (nor into a loop), never opens special
files (FIFOs, devices, sockets), and says why anything was passed over. What it cannot reach (a
folder it may not list, a file it may not stat) is an error, never a silent skip. Each file comes
with the (st_dev, st_ino) the walk saw, so the reader can refuse a file swapped in the meantime.
"""

from __future__ import annotations

import errno
import fnmatch
import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

DEFAULT_EXCLUDES: tuple[str, ...] = (".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv", ".tox",
                                     ".mypy_cache", ".pytest_cache", ".hypothesis", "*.egg-info")


@dataclass(frozen=True, slots=True)
class Candidate:
    path: str
    skipped: str | None = None  # why it is not scanned, on purpose
    error: str | None = None  # why it could not be reached: fails the gate
    identity: tuple[int, int] | None = None  # (st_dev, st_ino) of the regular file the walk saw
    follow: bool = False  # reached through a symlink: the reader follows it (else opens with O_NOFOLLOW)


def excluded(path: str, name: str, patterns: Iterable[str]) -> bool:
    normalised = path.replace(os.sep, "/")
    for pattern in patterns:
        if fnmatch.fnmatch(name, pattern) or fnmatch.fnmatch(normalised, pattern) or \
                fnmatch.fnmatch(normalised, f"*/{pattern}") or fnmatch.fnmatch(normalised, f"*/{pattern}/*"):
            return True
    return False


def iter_files(paths: Iterable[str], *, excludes: Iterable[str] = DEFAULT_EXCLUDES) -> Iterator[Candidate]:
    patterns = tuple(excludes)
    for top in paths:
        try:
            info = os.stat(top)  # follows a symlink given explicitly on the command line
            link = os.path.islink(top)
        except OSError as exc:
            yield Candidate(top, error=f"cannot access: {exc.strerror or exc}")
            continue
        if stat.S_ISDIR(info.st_mode):
            yield from _walk(top, patterns)
        elif stat.S_ISREG(info.st_mode):
            yield Candidate(top, identity=(info.st_dev, info.st_ino), follow=link)
        else:
            yield Candidate(top, skipped="not a regular file (FIFO, device or socket): never opened")


def _walk(top: str, patterns: tuple[str, ...]) -> Iterator[Candidate]:
    root_real = os.path.realpath(top)
    seen_dirs: set[tuple[int, int]] = set()
    stack = [top]
    while stack:
        directory = stack.pop()
        try:
            dir_info = os.stat(directory)
        except OSError as exc:
            yield Candidate(directory, error=f"cannot access folder: {exc.strerror or exc}")
            continue
        key = (dir_info.st_dev, dir_info.st_ino)
        if key in seen_dirs:
            continue
        seen_dirs.add(key)
        candidates, subdirs = list_folder(directory, root_real=root_real, patterns=patterns)
        yield from candidates
        stack.extend(reversed(subdirs))


def list_folder(directory: str, *, root_real: str, patterns: tuple[str, ...]) -> tuple[list[Candidate], list[str]]:
    """One level of a walk: the files of `directory` (or why each is passed over) and its subfolders.

    `directory` "" is the current folder, and its entries are then named without a "./" prefix.
    Symlinks are followed only inside `root_real`, and never to a folder (the real one is walked).
    """
    try:
        with os.scandir(directory or ".") as entries:
            listing = sorted(entries, key=lambda e: e.name)
    except OSError as exc:
        return [Candidate(directory or ".", error=f"cannot list folder: {exc.strerror or exc}")], []
    candidates: list[Candidate] = []
    subdirs: list[str] = []
    for entry in listing:
        path = os.path.join(directory, entry.name) if directory else entry.name
        if excluded(path, entry.name, patterns):
            continue
        link = False
        try:
            if entry.is_symlink():
                link = True
                target = os.path.realpath(path)
                if os.path.commonpath([root_real, target]) != root_real:
                    candidates.append(Candidate(path, skipped="symlink out of the scanned tree: not followed"))
                    continue
                if os.path.isdir(target):
                    continue  # the real folder is walked on its own; avoids loops
            info = entry.stat(follow_symlinks=True)
        except (OSError, ValueError) as exc:
            if link and getattr(exc, "errno", None) == errno.ENOENT:
                candidates.append(Candidate(path, skipped="dangling symlink: nothing to read"))
            else:
                candidates.append(Candidate(path, error=f"cannot access: {getattr(exc, 'strerror', None) or exc}"))
            continue
        if stat.S_ISDIR(info.st_mode):
            subdirs.append(path)
        elif stat.S_ISREG(info.st_mode):
            candidates.append(Candidate(path, identity=(info.st_dev, info.st_ino), follow=link))
        else:
            candidates.append(Candidate(path, skipped="not a regular file (FIFO, device or socket): never opened"))
    return candidates, subdirs

"""Partial damage: read every part that can be read, then raise one error for what could not.

One policy for every reader (archives, mail, OOXML, OLE, PDF, ODF):

- a limit (`LimitExceeded`: a bomb, a part over its size, too many cells or pages) stops the file
  at once: it says something about the whole file, and reading on would spend what the limit
  protects;
- encryption (`EncryptedError`) and damage (`ExtractError`) of one part are noted, and the other
  parts are still read, so the findings of the intact parts are reported;
- at the end one error is raised for everything noted; its kind is the most telling one noted:
  limit > encryption > damage (a limit is never noted, so in practice encryption > damage).

A reader keeps its own wording (what failed, how the message reads) through `word`, `prefix` and
`most`; the policy is here only. `problems` is a plain list a reader owns and may append damage
it found itself to (`ExtractError("...")`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from docsecrets.types import EncryptedError, ExtractError, Item, LimitExceeded

_T = TypeVar("_T")
Word = Callable[[ExtractError], str]


def keep_going(problems: list[ExtractError], exc: ExtractError, word: Word | None = None) -> None:
    """Note a part that could not be read (worded by `word`, default its message); a limit is raised at once."""
    if isinstance(exc, LimitExceeded):
        raise exc
    if word is not None:
        exc = EncryptedError(word(exc)) if isinstance(exc, EncryptedError) else ExtractError(word(exc))
    problems.append(exc)


def guarded(problems: list[ExtractError], items: Iterator[Item], word: Word | None = None) -> Iterator[Item]:
    """Yield what one part gives; its failure is noted (keep_going) and the next part runs."""
    try:
        yield from items
    except ExtractError as exc:
        keep_going(problems, exc, word)


def guarded_call(problems: list[ExtractError], read: Callable[[], _T], word: Word | None = None) -> _T | None:
    """`read()`, or None when it fails (noted by keep_going)."""
    try:
        return read()
    except ExtractError as exc:
        keep_going(problems, exc, word)
        return None


@contextmanager
def guarded_block(problems: list[ExtractError], word: Word | None = None) -> Iterator[None]:
    """A `with` block reading one part: its failure is noted (keep_going) and the code after it runs."""
    try:
        yield
    except ExtractError as exc:
        keep_going(problems, exc, word)


def raise_collected(problems: list[ExtractError], *, prefix: str = "", most: int | None = 5) -> None:
    """After yielding what could be read, raise one error naming everything that could not.

    The kind is the most telling one noted (limit > encryption > damage); the message lists the
    first `most` problems (None: all) after `prefix`.
    """
    if not problems:
        return
    kind: type[ExtractError] = ExtractError
    for candidate in (LimitExceeded, EncryptedError):
        if any(isinstance(p, candidate) for p in problems):
            kind = candidate
            break
    shown = problems if most is None else problems[:most]
    message = prefix + "; ".join(str(p) for p in shown)
    if len(problems) > len(shown):
        message += f"; and {len(problems) - len(shown)} more"
    raise kind(message)

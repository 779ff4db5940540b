"""Partial reads: yield what can be read, then raise one error naming everything that could not.

Containers (archives, mail) use this so one damaged member never hides the others.
"""

from __future__ import annotations

from docsecrets.extract.context import Context
from docsecrets.types import EncryptedError, ExtractError, LimitExceeded


def keep_going(exc: ExtractError, ctx: Context, problems: list[ExtractError]) -> None:
    """Note a part that could not be read; stop everything once the file's budget is spent."""
    if ctx.budget.used > ctx.budget.limit:
        raise exc
    problems.append(exc)


def raise_collected(problems: list[ExtractError]) -> None:
    """After yielding what could be read, raise one error naming everything that could not.

    A limit wins over encryption, which wins over plain damage: the most telling kind is kept.
    """
    if not problems:
        return
    kind: type[ExtractError] = ExtractError
    for candidate in (LimitExceeded, EncryptedError):
        if any(isinstance(p, candidate) for p in problems):
            kind = candidate
            break
    message = "; ".join(str(p) for p in problems[:5])
    if len(problems) > 5:
        message += f"; and {len(problems) - 5} more"
    raise kind(message)

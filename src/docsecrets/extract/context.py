"""What an extractor is given besides the bytes: the limits and a shared byte budget."""

from __future__ import annotations

from dataclasses import dataclass, field

from docsecrets.limits import DEFAULT_LIMITS, Limits
from docsecrets.types import LimitExceeded


@dataclass(slots=True)
class Budget:
    """Bytes decompressed so far for one top-level file, across every nesting level."""

    limit: int
    used: int = 0

    def charge(self, nbytes: int) -> None:
        self.used += nbytes
        if self.used > self.limit:
            raise LimitExceeded(
                f"decompressed more than {self.limit // (1024 * 1024)} MiB for one file "
                "(decompression bomb?)")


@dataclass(slots=True)
class Context:
    limits: Limits = DEFAULT_LIMITS
    budget: Budget = field(default_factory=lambda: Budget(DEFAULT_LIMITS.max_total_bytes))
    name: str = ""  # the file or member name, for suffix hints and messages

    @classmethod
    def for_file(cls, name: str, limits: Limits = DEFAULT_LIMITS) -> Context:
        return cls(limits=limits, budget=Budget(limits.max_total_bytes), name=name)

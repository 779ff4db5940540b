"""Plain text and configuration files (.env, .ini, .conf, .php, .yaml, .json, .xml, .vnc, .rdp...).

Yields blocks of consecutive non-blank lines (at most _BLOCK_LINES each) so a multi-line
private key stays whole, with `line` set to the block's first line.
"""

from __future__ import annotations

from collections.abc import Iterator

from docsecrets.extract.common.decode import decode
from docsecrets.extract.context import Context
from docsecrets.sniff import suffix_of
from docsecrets.types import Item, Location, Segment

_BLOCK_LINES = 200
# Programming languages, where an unquoted right-hand side is an expression, not a value.
# Shell, PHP, config and markup formats are not here: their bare words are literal values.
CODE_SUFFIXES = frozenset({
    "py", "pyi", "js", "mjs", "cjs", "ts", "tsx", "jsx", "java", "kt", "kts", "scala", "groovy", "go", "rs",
    "c", "h", "cc", "cpp", "hpp", "cxx", "cs", "vb", "fs", "swift", "m", "mm", "rb", "pl", "pm", "lua", "dart",
    "r", "jl", "ex", "exs", "erl", "clj", "hs", "ml", "elm", "vue", "svelte",
})


def extract(data: bytes, ctx: Context) -> Iterator[Item]:
    text = decode(data).replace("\r\n", "\n").replace("\r", "\n")
    yield from blocks(text, code=suffix_of(ctx.name) in CODE_SUFFIXES)


def blocks(text: str, *, first_line: int = 1, part: str | None = None, hidden: str | None = None,
           code: bool = False) -> Iterator[Segment]:
    """Split text into blocks of non-blank lines, each a Segment starting at its line number."""
    block: list[str] = []
    start = first_line
    for number, line in enumerate(text.split("\n"), start=first_line):
        if line.strip() and len(block) < _BLOCK_LINES:
            if not block:
                start = number
            block.append(line)
            continue
        if block:
            yield Segment(text="\n".join(block), location=Location(part=part, line=start), hidden=hidden, code=code)
            block = []
        if line.strip():
            start = number
            block.append(line)
    if block:
        yield Segment(text="\n".join(block), location=Location(part=part, line=start), hidden=hidden, code=code)

"""The `docsecrets` command: parse, scan, render, write, return an exit code.

Exit codes: 0 clean; 1 findings (at or above --fail-on) or a file that could not be scanned
(unless --allow-unscannable); 2 usage or internal error, checked before scanning where it can
be (a missing path, a folder that cannot be listed, an output that cannot be written safely);
130 / 143 on SIGINT / SIGTERM. Never a traceback: main() turns anything unexpected into one
line naming the exception type, never its message (it could quote a document).

One module per command family (`scan_cmd`, `hook_cmd`, `baseline_cmd`, `mask_cmd`, `inspect_cmd`,
`web_cmd`), each registering its commands on the group of `app`; `options` and `output` hold what
the scanning commands share. A new command is one module here plus its import below.
"""

from __future__ import annotations

# importing a command module registers its commands on the group
from docsecrets.cli import baseline_cmd, hook_cmd, inspect_cmd, mask_cmd, scan_cmd, web_cmd  # noqa: F401
from docsecrets.cli.app import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, cli, main

__all__ = ["EXIT_CLEAN", "EXIT_ERROR", "EXIT_FINDINGS", "cli", "main"]

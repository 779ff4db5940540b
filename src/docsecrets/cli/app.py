"""The `docsecrets` command group, its exit codes and the few helpers every command shares to speak
(notes, escaped output, the never-a-traceback `main`)."""

from __future__ import annotations

import sys
from collections.abc import Sequence

import click

from docsecrets import __version__
from docsecrets.types import Severity

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
STDIN = "-"


DEFAULT_BASELINE = ".docsecrets-baseline.json"
FORMATS = ("text", "json", "jsonl", "sarif", "github", "html")


SEVERITIES = click.Choice([str(s) for s in Severity], case_sensitive=False)


class Fatal(click.ClickException):
    """An error after the scan (the report cannot be delivered): exit 2, never 1 ("findings")."""

    exit_code = EXIT_ERROR


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="docsecrets")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Find credentials inside documents (spreadsheets, Word, PDF, ODF, mail, archives)."""
    from docsecrets.paths import set_root

    set_quiet(False)
    ctx.call_on_close(lambda: set_root(None))  # a command's baseline root ends with it


_quiet = False


def set_quiet(quiet: bool) -> None:
    """-q: silence the remarks of `note` for the rest of this command."""
    global _quiet
    _quiet = quiet


def note(line: str) -> None:
    """A remark on standard error, silenced by -q."""
    if not _quiet:
        click.echo(line, err=True)


def echo_lines(text: str, *, newlines: bool = False) -> None:
    """Text that quotes a file name or a document, control characters escaped (see report.safe);
    with `newlines`, line breaks are kept (the text of a document, in `extract`)."""
    from docsecrets.report import safe

    click.echo("\n".join(safe(line) for line in text.split("\n")) if newlines else safe(text))


def fatal(message: str) -> None:
    click.echo(f"docsecrets: {message}", err=True)
    sys.exit(EXIT_ERROR)


def plural(count: int, noun: str, plural: str | None = None) -> str:
    return f"{count} {noun if count == 1 else plural or noun + 's'}"


def shell_quote(text: str) -> str:
    import shlex

    return shlex.quote(text)


def main(argv: Sequence[str] | None = None) -> int:
    """The entry point: runs the command and returns its exit code; never lets a traceback out."""
    from docsecrets.interrupt import Interrupted, handled

    try:
        with handled():
            result = cli.main(args=list(argv) if argv is not None else None, prog_name="docsecrets",
                              standalone_mode=False)
    except SystemExit as exc:
        code = exc.code
        return code if isinstance(code, int) else (EXIT_ERROR if code else EXIT_CLEAN)
    except Interrupted as exc:
        _say(f"docsecrets: interrupted ({exc.name})")
        return exc.exit_code
    except click.exceptions.Abort:
        _say("docsecrets: aborted")
        return EXIT_ERROR
    except click.ClickException as exc:
        exc.show()
        return EXIT_ERROR
    except Exception as exc:  # noqa: BLE001 - the one place that turns a bug into exit 2, not a traceback
        # the type only: a message could quote a document or a secret
        _say(f"docsecrets: internal error ({type(exc).__name__}); please report it")
        return EXIT_ERROR
    return result if isinstance(result, int) else EXIT_CLEAN


def _say(line: str) -> None:
    try:
        sys.stderr.write(line + "\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass

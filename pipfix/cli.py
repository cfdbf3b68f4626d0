"""The pipfix command line: a thin typer layer over `pipfix.fix`.

Data (diffs, findings, fixed text) goes to stdout; messages for people go to stderr.
"""

from __future__ import annotations

import difflib
import enum
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Annotated

import typer

from . import __version__
from .engine import Result, fix
from .errors import PipfixError
from .files import decode_source, iter_dockerfiles, read_source, write_atomically
from .rules import RULES
from .settings import Settings, Strategy

STDIN = "-"

EXIT_OK = 0
EXIT_FINDINGS = 1  # --check: something would change, or a call keeps its cache
EXIT_ERROR = 2  # usage error, or a file that could not be read, fixed or written

HELP = """\
Find the pip and uv calls in Dockerfile RUN instructions that leave pip's (or uv's) download
cache in the image, and fix them by adding --no-cache-dir (--no-cache for uv).

By default pipfix writes nothing: it prints a unified diff of what it would change.

\b
Exit status:
  0  success
  1  --check: a file would change, or a call keeps its cache
  2  an error (the other files are still processed)
"""

EXAMPLES = """\
\b
Examples:
  pipfix Dockerfile           show the diff of what would change
  pipfix --write .            fix every Dockerfile under the current directory
  pipfix --check docker/      list the findings, exit 1 if anything would change (CI)
  pipfix -w --strategy env Dockerfile
                              prefix the calls with PIP_NO_CACHE_DIR=1 instead
  pipfix - < Dockerfile       read standard input, print the whole fixed text
"""


class Mode(enum.Enum):
    PREVIEW = "preview"  # print a diff, write nothing
    CHECK = "check"  # print the findings, write nothing
    WRITE = "write"  # fix the files in place


class Status(enum.Enum):
    CHANGED = "changed"  # fixed, or would be fixed
    UNCHANGED = "unchanged"
    FAILED = "failed"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with `argv` (default: sys.argv[1:]) and return the exit status."""
    try:
        app(args=None if argv is None else list(argv), prog_name="pipfix")
    except SystemExit as stop:
        return int(stop.code or 0)
    return EXIT_OK


def _print_version(value: bool) -> None:
    if value:
        print(f"pipfix {__version__}")
        raise typer.Exit()


app = typer.Typer(
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain click help and errors: examples keep their lines
    context_settings={"help_option_names": ["-h", "--help"]},
)


@app.command(help=HELP, epilog=EXAMPLES)
def pipfix(
    paths: Annotated[
        list[str],
        typer.Argument(
            metavar="PATH",
            help="Dockerfiles, or directories to search for them; '-' reads standard input.",
            show_default=False,
        ),
    ],
    write: Annotated[bool, typer.Option("--write", "-w", help="Fix the files in place.")] = False,
    check: Annotated[
        bool,
        typer.Option(
            "--check",
            help="Write nothing; print one line per finding, exit 1 if anything would change.",
        ),
    ] = False,
    strategy: Annotated[
        Strategy,
        typer.Option(
            case_sensitive=False,
            help="flag: add --no-cache-dir; env: prefix the call with PIP_NO_CACHE_DIR=1.",
        ),
    ] = Strategy.FLAG,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    if write and check:
        raise typer.BadParameter("cannot be combined with --write", param_hint="--check")
    if STDIN in paths and len(paths) > 1:
        raise typer.BadParameter("'-' (standard input) must be the only PATH", param_hint="PATH")
    mode = Mode.WRITE if write else Mode.CHECK if check else Mode.PREVIEW
    settings = Settings(strategy=strategy)
    if paths == [STDIN]:
        raise typer.Exit(run_stdin(mode, settings))
    raise typer.Exit(run_files(map(Path, paths), mode, settings))


def run_stdin(mode: Mode, settings: Settings) -> int:
    """Fix standard input. --check prints the findings; otherwise the whole resulting text goes
    to stdout, even when unchanged, so an editor can always replace its buffer with it."""
    result = fix_source(STDIN, lambda: decode_source(sys.stdin.buffer.read()), settings)
    if result is None:
        return EXIT_ERROR
    if mode is Mode.CHECK:
        print_findings(STDIN, result)
        return EXIT_FINDINGS if fails_check(result) else EXIT_OK
    write_stdout(result.text)
    return EXIT_OK


def run_files(paths: Iterable[Path], mode: Mode, settings: Settings) -> int:
    statuses: list[Status] = []
    failed_check = False
    for path in iter_dockerfiles(paths):
        status, result = process_file(path, mode, settings)
        statuses.append(status)
        failed_check = failed_check or (result is not None and fails_check(result))
    print(summarize(statuses, mode), file=sys.stderr)
    if Status.FAILED in statuses:
        return EXIT_ERROR
    if mode is Mode.CHECK and failed_check:
        return EXIT_FINDINGS
    return EXIT_OK


def process_file(path: Path, mode: Mode, settings: Settings) -> tuple[Status, Result | None]:
    result = fix_source(str(path), lambda: read_source(path), settings)
    if result is None:
        return Status.FAILED, None
    if mode is Mode.CHECK:
        print_findings(str(path), result)
    if not result.changed:
        return Status.UNCHANGED, result
    if mode is Mode.WRITE:
        try:
            write_atomically(path, result.text)
        except OSError as error:
            report_error(str(path), os_error_reason(error))
            return Status.FAILED, result
        print(f"fixed {path}", file=sys.stderr)
        return Status.CHANGED, result
    if mode is Mode.PREVIEW:
        write_stdout(unified_diff(str(path), result.source, result.text))
    print(f"would fix {path}", file=sys.stderr)
    return Status.CHANGED, result


CACHE_CODES = frozenset(rule.CODE for rule in RULES if rule.FIXABLE)


def fails_check(result: Result) -> bool:
    """--check fails when the file would change, or when a call keeps its cache even though
    pipfix could not fix it; advisory findings (PIP003, PIP004) are reported but do not fail."""
    return result.changed or any(finding.code in CACHE_CODES for finding in result.findings)


def fix_source(name: str, read: Callable[[], str], settings: Settings) -> Result | None:
    """Read and fix one source; on failure report the error and return None."""
    try:
        return fix(read(), settings)
    except PipfixError as error:
        report_error(name, str(error))
    except OSError as error:
        report_error(name, os_error_reason(error))
    except Exception as error:  # a bug in pipfix: report it and go on with the other files
        report_error(name, f"internal error, a bug in pipfix: {type(error).__name__}: {error}")
    return None


def os_error_reason(error: OSError) -> str:
    return error.strerror or str(error)


def report_error(name: str, reason: str) -> None:
    print(f"error: cannot fix {name}: {reason}", file=sys.stderr)


def print_findings(name: str, result: Result) -> None:
    write_stdout(
        "".join(
            f"{name}:{finding.line}:{finding.column}: {finding.code} {finding.message}\n"
            for finding in result.findings
        )
    )


def write_stdout(text: str) -> None:
    """Write text to stdout as UTF-8 with no newline translation (CRLF stays CRLF)."""
    sys.stdout.buffer.write(text.encode("utf-8", "surrogateescape"))
    sys.stdout.buffer.flush()


def unified_diff(name: str, before: str, after: str) -> str:
    diff = difflib.unified_diff(split_lines(before), split_lines(after), fromfile=name, tofile=name)
    return "".join(
        line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in diff
    )


def split_lines(text: str) -> list[str]:
    """Lines ending at each LF, the LF kept. Unlike str.splitlines, a CR, a form feed or a
    U+2028 stays inside its line, as in Docker's own reading of the file."""
    *complete, last = text.split("\n")
    return [line + "\n" for line in complete] + ([last] if last else [])


def summarize(statuses: Sequence[Status], mode: Mode) -> str:
    """E.g. `1 file fixed, 2 unchanged, 1 error`."""
    counts = Counter(statuses)
    changed_label = "fixed" if mode is Mode.WRITE else "would be fixed"
    parts = []
    if changed := counts[Status.CHANGED]:
        parts.append(f"{_count(changed, 'file')} {changed_label}")
    if unchanged := counts[Status.UNCHANGED]:
        parts.append(f"{unchanged if parts else _count(unchanged, 'file')} unchanged")
    if failed := counts[Status.FAILED]:
        parts.append(_count(failed, "error"))
    return ", ".join(parts) or "no Dockerfiles found"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"

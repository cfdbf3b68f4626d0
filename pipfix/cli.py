"""The pipfix command line: a thin typer layer over `pipfix.fix`.

Data (diffs, findings, reports, fixed text) goes to stdout or -o FILE; messages for people go
to stderr. The decisions live in small modules: discovery (which files), config (which
settings), runner (fixing and writing), render (output formats), console (streams, color).
"""

from __future__ import annotations

import os
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Optional

import typer

from . import __version__
from .config import (
    RULE_CODES,
    Config,
    ConfigError,
    Overrides,
    find_config,
    load_config,
    parse_codes,
    resolve,
)
from .console import ColorChoice, Console, Output, Verbosity, use_color
from .discovery import Filters, Gitignore, common_directory, discover, excluded
from .files import decode_source
from .render import FileReport, OutputFormat, render
from .render.diff import unified_diff
from .render.text import findings_lines
from .runner import Mode, Status, fails_check, fix_source, process_files
from .engine import Result
from .settings import Settings, Strategy

STDIN = "-"

EXIT_OK = 0
EXIT_FINDINGS = 1  # --check: something would change, or a call keeps its cache
EXIT_ERROR = 2  # usage, configuration, a file that could not be read, fixed or written

HELP = """\
Find the pip and uv calls in Dockerfile RUN instructions that leave pip's (or uv's) download
cache in the image, and fix them by adding --no-cache-dir (--no-cache for uv).

By default pipfix writes nothing: it prints a unified diff of what it would change. PATH
defaults to the current directory; directories are searched for Dockerfile, Dockerfile.*,
*.Dockerfile, Containerfile, Containerfile.* and *.containerfile (any case).

\b
Exit status:
  0  success (nothing to fix, or everything fixed)
  1  --check: a file would change, or a call keeps its cache;
     --write --exit-non-zero-on-fix: a file was fixed
  2  an error: usage, configuration, or a file that could not be read, fixed or written
     (the other files are still processed)
"""

EXAMPLES = """\
\b
Examples:
  pipfix                      show the diff of what would change under the current directory
  pipfix --write .            fix every Dockerfile under the current directory
  pipfix --check docker/      list the findings, exit 1 if anything would change (CI)
  pipfix --check --diff       the findings and the diff
  pipfix --check --output-format sarif -o pipfix.sarif
                              a SARIF report for GitHub code scanning
  pipfix -w --strategy env Dockerfile
                              prefix the calls with PIP_NO_CACHE_DIR=1 instead
  pipfix --stdin-filename Dockerfile - < Dockerfile
                              read standard input, print the whole fixed text (editors)
"""


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
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)

@app.command(help=HELP, epilog=EXAMPLES)
def pipfix(
    paths: Annotated[
        Optional[list[str]],
        typer.Argument(
            metavar="PATH",
            help="Dockerfiles, or directories to search for them (default: .); "
            "'-' reads standard input.",
            show_default=False,
        ),
    ] = None,
    write: Annotated[bool, typer.Option("--write", "-w", help="Fix the files in place.")] = False,
    check: Annotated[
        bool,
        typer.Option(
            "--check",
            help="Write nothing; print one line per finding, exit 1 if anything would change.",
        ),
    ] = False,
    diff: Annotated[
        bool, typer.Option("--diff", help="With --check: print the diff after the findings.")
    ] = False,
    exit_non_zero_on_fix: Annotated[
        bool,
        typer.Option(
            "--exit-non-zero-on-fix", help="With --write: exit 1 when a file was fixed."
        ),
    ] = False,
    strategy: Annotated[
        Optional[Strategy],
        typer.Option(
            case_sensitive=False,
            help="flag: add --no-cache-dir (the default); "
            "env: prefix the call with PIP_NO_CACHE_DIR=1.",
            show_default=False,
        ),
    ] = None,
    ignore: Annotated[
        Optional[list[str]],
        typer.Option(
            "--ignore",
            metavar="CODE",
            help="Do not report this rule (e.g. PIP002); repeat it or separate codes by commas.",
            show_default=False,
        ),
    ] = None,
    exclude: Annotated[
        Optional[list[str]],
        typer.Option(
            metavar="PATTERN",
            help="Leave out paths matching this gitignore-style pattern; replaces the default "
            "list (.venv, node_modules, ...). Repeatable.",
            show_default=False,
        ),
    ] = None,
    extend_exclude: Annotated[
        Optional[list[str]],
        typer.Option(
            metavar="PATTERN",
            help="Like --exclude, but adds to the excluded patterns. Repeatable.",
            show_default=False,
        ),
    ] = None,
    respect_gitignore: Annotated[
        Optional[bool],
        typer.Option(
            "--respect-gitignore/--no-respect-gitignore",
            help="Skip what .gitignore files and .git/info/exclude ignore (the default).",
            show_default=False,
        ),
    ] = None,
    force_exclude: Annotated[
        bool,
        typer.Option(
            "--force-exclude",
            help="Apply the excludes and .gitignore to files named on the command line too "
            "(and to --stdin-filename), as pre-commit and editors need.",
        ),
    ] = False,
    stdin_filename: Annotated[
        Optional[str],
        typer.Option(
            metavar="PATH",
            help="The name of standard input, for the configuration search, the excludes and "
            "the messages; implies '-' when no PATH is given.",
            show_default=False,
        ),
    ] = None,
    config: Annotated[
        Optional[Path],
        typer.Option(
            metavar="FILE",
            help="Use this configuration file (a pyproject.toml or a pipfix.toml) and no other.",
            show_default=False,
        ),
    ] = None,
    isolated: Annotated[
        bool, typer.Option("--isolated", help="Ignore every configuration file.")
    ] = False,
    output_format: Annotated[
        OutputFormat,
        typer.Option(
            case_sensitive=False,
            help="The report's format, with --check or in preview: text (findings lines, "
            "diffs), json, sarif, github (workflow annotations), gitlab (Code Quality).",
        ),
    ] = OutputFormat.TEXT,
    output_file: Annotated[
        Optional[Path],
        typer.Option(
            "--output-file",
            "-o",
            metavar="FILE",
            help="Write the data that would go to stdout to FILE.",
            show_default=False,
        ),
    ] = None,
    jobs: Annotated[
        Optional[int],
        typer.Option(
            "--jobs",
            "-j",
            min=1,
            metavar="N",
            help="Process many files in N processes (default: the number of CPUs).",
            show_default=False,
        ),
    ] = None,
    color: Annotated[
        ColorChoice,
        typer.Option(
            case_sensitive=False,
            help="Color the diff: auto (on a terminal, unless NO_COLOR is set or "
            "FORCE_COLOR is), always or never.",
        ),
    ] = ColorChoice.AUTO,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Print only errors on stderr.")
    ] = False,
    silent: Annotated[
        bool,
        typer.Option(
            "--silent", "-s", help="Print nothing (but standard input's text); exit status only."
        ),
    ] = False,
    verbose: Annotated[
        bool,
        typer.Option(
            "--verbose",
            "-v",
            help="Also print the configuration file used and why paths were skipped.",
        ),
    ] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    paths = paths or ([STDIN] if stdin_filename is not None else ["."])
    reading_stdin = STDIN in paths
    mode = Mode.WRITE if write else Mode.CHECK if check else Mode.PREVIEW
    machine_format = output_format is not OutputFormat.TEXT
    _check_usage(
        (write and check, "--check", "cannot be combined with --write"),
        (reading_stdin and len(paths) > 1, "PATH", "'-' (standard input) must be the only PATH"),
        (stdin_filename is not None and not reading_stdin, "--stdin-filename",
         "only with '-' (standard input)"),
        (diff and write, "--diff", "cannot be combined with --write"),
        (exit_non_zero_on_fix and not write, "--exit-non-zero-on-fix", "only with --write"),
        (machine_format and write, "--output-format", "only with --check or in preview"),
        (machine_format and reading_stdin and not check, "--output-format",
         "with standard input, only with --check"),
        (diff and machine_format, "--diff", "only with the text output format"),
        (config is not None and isolated, "--config", "cannot be combined with --isolated"),
    )
    console = Console(
        Verbosity.SILENT if silent else Verbosity.QUIET if quiet
        else Verbosity.VERBOSE if verbose else Verbosity.NORMAL,
        is_terminal=sys.stderr.isatty(),
    )
    overrides = Overrides(
        strategy=strategy,
        exclude=None if exclude is None else tuple(exclude),
        extend_exclude=tuple(extend_exclude or ()),
        ignore=_ignored_codes(ignore or []),
        respect_gitignore=respect_gitignore,
    )
    search_start = (
        Path(os.path.abspath(stdin_filename)).parent if stdin_filename
        else Path.cwd() if reading_stdin
        else common_directory([Path(path) for path in paths])
    )
    try:
        found = _configuration(config, isolated, search_start)
    except ConfigError as error:
        console.error(str(error))
        raise typer.Exit(EXIT_ERROR) from None
    if found.path is not None:
        console.detail(f"using configuration {found.path}")
    effective = resolve(overrides, found)
    filters = Filters(
        root=found.directory or Path.cwd(),
        exclude=effective.exclude,
        respect_gitignore=effective.respect_gitignore,
        force_exclude=force_exclude,
    )
    run = Run(mode, effective.settings, output_format, diff, exit_non_zero_on_fix, console)
    try:
        stream = output_file.open("wb") if output_file is not None else None
    except OSError as error:
        console.error(f"cannot write {output_file}: {error.strerror or error}")
        raise typer.Exit(EXIT_ERROR) from None
    document_out = reading_stdin and mode is not Mode.CHECK  # the text itself, even if silent
    run.output = Output(stream or (None if silent and not document_out else sys.stdout.buffer))
    run.color = use_color(color, stream is None and sys.stdout.isatty(), os.environ)
    try:
        if reading_stdin:
            raise typer.Exit(run.stdin(stdin_filename, filters))
        files = [Path(path) for path in paths]
        raise typer.Exit(run.files(files, filters, jobs or os.cpu_count() or 1))
    finally:
        if stream is not None:
            stream.close()


def _check_usage(*rules: tuple[bool, str, str]) -> None:
    for broken, hint, message in rules:
        if broken:
            raise typer.BadParameter(message, param_hint=hint)


def _ignored_codes(values: list[str]) -> frozenset[str]:
    try:
        return parse_codes(values)
    except (TypeError, ValueError):
        raise typer.BadParameter(
            f"{', '.join(values)}: not a rule code ({', '.join(RULE_CODES)})",
            param_hint="--ignore",
        ) from None


def _configuration(path: Path | None, isolated: bool, search_start: Path) -> Config:
    if isolated:
        return Config()
    if path is None:
        path = find_config(search_start)
    return Config() if path is None else load_config(path)


class Run:
    """One run over the files (or standard input) with its settings and its streams."""

    def __init__(
        self,
        mode: Mode,
        settings: Settings,
        output_format: OutputFormat,
        diff: bool,
        exit_non_zero_on_fix: bool,
        console: Console,
    ) -> None:
        self.mode = mode
        self.settings = settings
        self.output_format = output_format
        self.diff = diff
        self.exit_non_zero_on_fix = exit_non_zero_on_fix
        self.console = console
        self.output = Output(None)
        self.color = False

    def files(self, paths: Sequence[Path], filters: Filters, jobs: int) -> int:
        discovery = discover(paths, filters)
        for skipped in discovery.skipped:
            self.console.detail(f"skipped {skipped.path}: {skipped.reason}")
        statuses: list[Status] = []
        reports: list[FileReport] = []
        for done, outcome in enumerate(process_files(discovery.files, self.mode, self.settings, jobs), 1):
            self.console.progress(done, len(discovery.files))
            statuses.append(outcome.status)
            name = str(outcome.path)
            if outcome.error is not None:
                self.console.error(f"cannot fix {name}: {outcome.error}")
            if outcome.result is None:
                continue
            reports.append(FileReport(name, outcome.result))
            if self.output_format is OutputFormat.TEXT:
                self.report_text(name, outcome.result)
            if outcome.status is Status.CHANGED:
                self.console.info(f"fixed {name}" if self.mode is Mode.WRITE else f"would fix {name}")
        if self.output_format is not OutputFormat.TEXT:
            self.output.write(render(self.output_format, reports))
        self.console.info(summarize(statuses, self.mode))
        if Status.FAILED in statuses:
            return EXIT_ERROR
        return self.exit_status(any(fails_check(report.result) for report in reports), Status.CHANGED in statuses)

    def stdin(self, filename: str | None, filters: Filters) -> int:
        name = filename or STDIN
        data = sys.stdin.buffer.read()
        if filename is not None and filters.force_exclude:
            if reason := excluded(Path(filename), False, filters, Gitignore()):
                self.console.detail(f"skipped {name}: {reason}")
                if self.mode is not Mode.CHECK:
                    self.output.write(data.decode("utf-8", "surrogateescape"))
                return EXIT_OK
        result = fix_source(lambda: decode_source(data), self.settings)
        if isinstance(result, str):
            self.console.error(f"cannot fix {name}: {result}")
            return EXIT_ERROR
        if self.mode is not Mode.CHECK:
            self.output.write(result.text)
        elif self.output_format is OutputFormat.TEXT:
            self.report_text(name, result)
        else:
            self.output.write(render(self.output_format, [FileReport(name, result)]))
        return self.exit_status(fails_check(result), result.changed)

    def report_text(self, name: str, result: Result) -> None:
        if self.mode is Mode.CHECK:
            self.output.write(findings_lines(name, result))
        if result.changed and (self.mode is Mode.PREVIEW or self.diff):
            self.output.write(unified_diff(name, result.source, result.text, self.color))

    def exit_status(self, failed_check: bool, changed: bool) -> int:
        if self.mode is Mode.CHECK and failed_check:
            return EXIT_FINDINGS
        if self.mode is Mode.WRITE and self.exit_non_zero_on_fix and changed:
            return EXIT_FINDINGS
        return EXIT_OK


def summarize(statuses: Sequence[Status], mode: Mode) -> str:
    """E.g. `3 files fixed, 12 unchanged, 1 error` (`3 files would be fixed, ...`)."""
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

"""One run of the command line once its arguments are parsed (arguments.py): the
configuration, the streams, then the files or standard input, and what people are told.
"""

from __future__ import annotations

import os
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .config import Config, ConfigError, Overrides, find_config, load_config, resolve
from .console import ColorChoice, Console, Mode, Output, Status, Verbosity, use_color
from .discovery import Filters, Gitignore, common_directory, discover, excluded
from .errors import os_error_reason
from .files import MAX_SIZE, decode_source
from .render import FileError, FileReport, OutputFormat, render
from .render.text import (
    BY_CHARACTER,
    Columns,
    ColumnUnit,
    FindingCounts,
    columns_for,
    findings_lines,
    fix_line,
    statistics,
    summary,
    unfixable_line,
)
from .settings import Settings

if TYPE_CHECKING:
    from .engine import Finding, Result
    from .pragmas import PragmaWarning
    from .runner import Outcome

STDIN = "-"

EXIT_OK = 0
EXIT_FINDINGS = 1  # --check: something would change, or a call keeps its cache
EXIT_ERROR = 2  # usage, configuration, a file that could not be read, fixed or written
# The reader of stdout went away (`pipfix PATH | head -1`): stop, quietly, with the status a
# shell gives a process killed by SIGPIPE (128 + 13), as `cat` or `git log` end there.
EXIT_BROKEN_PIPE = 141


@dataclass(frozen=True)
class Invocation:
    """Everything the command line asked for, checked for usage errors already."""

    paths: Sequence[str]  # ["-"] for standard input
    mode: Mode = Mode.PREVIEW
    overrides: Overrides = field(default_factory=Overrides)
    force_exclude: bool = False
    stdin_filename: str | None = None
    config: Path | None = None
    isolated: bool = False
    output_format: OutputFormat = OutputFormat.TEXT
    output_file: Path | None = None
    diff: bool = False
    show_fixes: bool = False
    statistics: bool = False
    column_unit: ColumnUnit = ColumnUnit.CHARACTER
    exit_non_zero_on_fix: bool = False
    jobs: int | None = None
    max_size: int = MAX_SIZE  # bytes; 0: no limit
    color: ColorChoice = ColorChoice.AUTO
    verbosity: Verbosity = Verbosity.NORMAL

    @property
    def reading_stdin(self) -> bool:
        return STDIN in self.paths


def execute(invocation: Invocation, stdin_data: bytes | None = None) -> int:
    """Run; the exit status. `stdin_data`: standard input's bytes when the caller read them
    already (cli.main reads them before importing anything slow)."""
    reading_stdin = invocation.reading_stdin
    console = Console(invocation.verbosity, is_terminal=sys.stderr.isatty())
    stdin_filename = invocation.stdin_filename
    search_start = (
        Path(os.path.abspath(stdin_filename)).parent
        if stdin_filename
        else Path.cwd()
        if reading_stdin
        else common_directory([Path(path) for path in invocation.paths])
    )
    try:
        found = configuration(invocation.config, invocation.isolated, search_start)
    except ConfigError as error:
        console.error(str(error))
        return EXIT_ERROR
    if found.path is not None:
        console.detail(f"using configuration {found.path}")
    effective = resolve(invocation.overrides, found)
    filters = Filters(
        root=found.directory or Path.cwd(),
        exclude=effective.exclude,
        respect_gitignore=effective.respect_gitignore,
        force_exclude=invocation.force_exclude,
    )
    run = Run(
        invocation.mode,
        effective.settings,
        invocation.output_format,
        invocation.diff,
        invocation.exit_non_zero_on_fix,
        console,
        invocation.max_size or None,
        invocation.show_fixes,
        invocation.statistics,
        invocation.column_unit,
    )
    output_file = invocation.output_file
    try:
        stream = output_file.open("wb") if output_file is not None else None
    except OSError as error:
        console.error(f"cannot write {output_file}: {os_error_reason(error)}")
        return EXIT_ERROR
    silent = invocation.verbosity is Verbosity.SILENT
    document_out = reading_stdin and invocation.mode is not Mode.CHECK  # the text, even if silent
    run.output = Output(stream or (None if silent and not document_out else sys.stdout.buffer))
    run.color = use_color(invocation.color, stream is None and sys.stdout.isatty(), os.environ)
    try:
        if reading_stdin:
            data = sys.stdin.buffer.read() if stdin_data is None else stdin_data
            return run.stdin(data, stdin_filename, filters)
        files = [Path(path) for path in invocation.paths]
        return run.files(files, filters, invocation.jobs or os.cpu_count() or 1)
    except BrokenPipeError:
        # Python's recipe (the signal module's documentation): point the standard streams at
        # devnull, or flushing them at exit fails again and prints a traceback.
        devnull = os.open(os.devnull, os.O_WRONLY)
        for standard_stream in (sys.stdout, sys.stderr):
            os.dup2(devnull, standard_stream.fileno())
        return EXIT_BROKEN_PIPE
    finally:
        if stream is not None:
            stream.close()


def configuration(path: Path | None, isolated: bool, search_start: Path) -> Config:
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
        max_size: int | None = MAX_SIZE,
        show_fixes: bool = False,
        statistics: bool = False,
        column_unit: ColumnUnit = ColumnUnit.CHARACTER,
    ) -> None:
        self.mode = mode
        self.settings = settings
        self.output_format = output_format
        self.diff = diff
        self.exit_non_zero_on_fix = exit_non_zero_on_fix
        self.console = console
        self.max_size = max_size  # None: no limit
        self.show_fixes = show_fixes
        self.statistics = statistics  # a table of the counts instead of findings lines and diffs
        self.column_unit = column_unit  # of the columns in the text format's lines
        self.output = Output(None)
        self.color = False
        self.counts: FindingCounts = Counter()

    def files(self, paths: Sequence[Path], filters: Filters, jobs: int) -> int:
        discovery = discover(paths, filters)
        for skipped in discovery.skipped:
            self.console.detail(f"skipped {skipped.path}: {skipped.reason}")
        statuses: list[Status] = []
        errors = [FileError(unsearchable.path, unsearchable.reason) for unsearchable in discovery.errors]
        for error in errors:
            self.console.error(f"cannot fix {error.name}: {error.reason}")
            statuses.append(Status.FAILED)
        text_format = self.output_format is OutputFormat.TEXT
        reports: list[FileReport] = []
        failed_check = False
        for done, outcome in enumerate(self.outcomes(discovery.files, jobs), 1):
            self.console.progress(done, len(discovery.files))
            statuses.append(outcome.status)
            name = str(outcome.path)
            if outcome.error is not None:
                self.console.error(f"cannot fix {name}: {outcome.error}")
                errors.append(FileError(name, outcome.error))
                continue
            failed_check = failed_check or outcome.fails_check
            if not text_format:
                if outcome.result is not None:
                    reports.append(FileReport(name, outcome.result))
            elif not self.statistics:
                self.report_text(name, outcome.findings, outcome.result)
            if outcome.status is Status.CHANGED:
                self.console.info(f"fixed {name}" if self.mode is Mode.WRITE else f"would fix {name}")
            self.tell(name, outcome.findings, outcome.warnings, self.columns(outcome.result))
        if self.statistics:
            self.output.write(statistics(self.counts, self.mode))
        elif not text_format:
            self.output.write(render(self.output_format, reports, errors))
        self.console.info(summary(statuses, self.counts, self.mode))
        if Status.FAILED in statuses:
            return EXIT_ERROR
        return self.exit_status(failed_check, Status.CHANGED in statuses)

    def outcomes(self, files: Sequence[str], jobs: int) -> Iterator[Outcome]:
        if not files:
            return iter(())
        from .runner import process_files  # the engine: only once there is a file to fix

        # The texts, for the diffs and the machine formats' locations.
        keep_results = (
            self.mode is Mode.PREVIEW
            or self.diff
            or self.output_format is not OutputFormat.TEXT
            or self.column_unit is not ColumnUnit.CHARACTER
        )
        return process_files(files, self.mode, self.settings, jobs, self.max_size, keep_results)

    def stdin(self, data: bytes, filename: str | None, filters: Filters) -> int:
        """Standard input: the whole resulting text on stdout (unless --check), even when
        nothing changed; on an error nothing on stdout and exit 2, so an editor keeps its
        buffer. An excluded (--force-exclude) or skip-file'd text comes back as it was."""
        name = filename or STDIN
        if (
            filename is not None
            and filters.force_exclude
            and (reason := excluded(Path(filename), False, filters, Gitignore()))
        ):
            self.console.detail(f"skipped {name}: {reason}")
            if self.mode is not Mode.CHECK:
                self.output.write(data.decode("utf-8", "surrogateescape"))
            return EXIT_OK
        if self.max_size is not None and len(data) > self.max_size:
            self.console.error(f"cannot fix {name}: too large ({len(data)} bytes; the limit is {self.max_size})")
            return EXIT_ERROR
        from .runner import fails_check, fix_source

        result = fix_source(lambda: decode_source(data), self.settings)
        if isinstance(result, str):
            self.console.error(f"cannot fix {name}: {result}")
            return EXIT_ERROR
        self.tell(name, result.findings, result.warnings, self.columns(result))
        if self.mode is not Mode.CHECK:
            self.output.write(result.text)
        elif self.statistics:
            self.output.write(statistics(self.counts, self.mode))
        elif self.output_format is OutputFormat.TEXT:
            self.report_text(name, result.findings, result)
        else:
            self.output.write(render(self.output_format, [FileReport(name, result)]))
        return self.exit_status(fails_check(result), result.changed)

    def report_text(self, name: str, findings: Sequence[Finding], result: Result | None) -> None:
        """The findings lines (--check), then the diff (preview, --diff) from `result`, which
        is there whenever the file changed and the mode shows diffs."""
        if self.mode is Mode.CHECK:
            self.output.write(findings_lines(name, findings, self.columns(result)))
        if result is not None and result.changed and (self.mode is Mode.PREVIEW or self.diff):
            from .render.diff import unified_diff

            self.output.write(unified_diff(name, result.source, result.text, self.color))

    def columns(self, result: Result | None) -> Columns:
        """The columns of the text lines about `result`'s findings (kept for them unless the
        columns count characters)."""
        return columns_for(self.column_unit, None if result is None else result.source)

    def tell(
        self,
        name: str,
        findings: Sequence[Finding],
        warnings: Sequence[PragmaWarning] = (),
        column: Columns = BY_CHARACTER,
    ) -> None:
        """Count the findings; on stderr, the pragma warnings, each fix (--show-fixes) and,
        unless --check lists them all already, each finding pipfix leaves as it is."""
        for warning in warnings:
            self.console.warning(f"{name}:{warning.line}: {warning.message}")
        for finding in findings:
            self.counts[finding.code, finding.fix is not None] += 1
            if finding.fix is None:
                if self.mode is not Mode.CHECK:
                    self.console.info(unfixable_line(name, finding, column))
            elif self.show_fixes:
                self.console.info(fix_line(name, finding, self.mode, column))

    def exit_status(self, failed_check: bool, changed: bool) -> int:
        if self.mode is Mode.CHECK and failed_check:
            return EXIT_FINDINGS
        if self.mode is Mode.WRITE and self.exit_non_zero_on_fix and changed:
            return EXIT_FINDINGS
        return EXIT_OK

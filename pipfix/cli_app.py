"""The typer command: options, help and usage errors. Imported only when the command line is
not the fast path (cli.py), because importing typer costs more than fixing a file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from . import __version__
from .command import STDIN, Invocation, execute
from .config import Overrides, parse_codes, rule_codes
from .console import ColorChoice, Mode, Verbosity
from .files import MAX_SIZE
from .render import OutputFormat
from .settings import Strategy

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
  pipfix lsp                  the language server, on stdio (pip install 'pipfix[lsp]')
"""


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
        list[str] | None,
        typer.Argument(
            metavar="PATH",
            help="Dockerfiles, or directories to search for them (default: .); '-' reads standard input.",
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
    diff: Annotated[bool, typer.Option("--diff", help="With --check: print the diff after the findings.")] = False,
    exit_non_zero_on_fix: Annotated[
        bool,
        typer.Option("--exit-non-zero-on-fix", help="With --write: exit 1 when a file was fixed."),
    ] = False,
    strategy: Annotated[
        Strategy | None,
        typer.Option(
            case_sensitive=False,
            help="flag: add --no-cache-dir (the default); env: prefix the call with PIP_NO_CACHE_DIR=1.",
            show_default=False,
        ),
    ] = None,
    ignore: Annotated[
        list[str] | None,
        typer.Option(
            "--ignore",
            metavar="CODE",
            help="Do not report this rule (e.g. PIP002); repeat it or separate codes by commas.",
            show_default=False,
        ),
    ] = None,
    exclude: Annotated[
        list[str] | None,
        typer.Option(
            metavar="PATTERN",
            help="Leave out paths matching this gitignore-style pattern; replaces the default "
            "list (.venv, node_modules, ...). Repeatable.",
            show_default=False,
        ),
    ] = None,
    extend_exclude: Annotated[
        list[str] | None,
        typer.Option(
            metavar="PATTERN",
            help="Like --exclude, but adds to the excluded patterns. Repeatable.",
            show_default=False,
        ),
    ] = None,
    respect_gitignore: Annotated[
        bool | None,
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
        str | None,
        typer.Option(
            metavar="PATH",
            help="The name of standard input, for the configuration search, the excludes and "
            "the messages; implies '-' when no PATH is given.",
            show_default=False,
        ),
    ] = None,
    config: Annotated[
        Path | None,
        typer.Option(
            metavar="FILE",
            help="Use this configuration file (a pyproject.toml or a pipfix.toml) and no other.",
            show_default=False,
        ),
    ] = None,
    isolated: Annotated[bool, typer.Option("--isolated", help="Ignore every configuration file.")] = False,
    output_format: Annotated[
        OutputFormat,
        typer.Option(
            case_sensitive=False,
            help="The report's format, with --check or in preview: text (findings lines, "
            "diffs), json, sarif, github (workflow annotations), gitlab (Code Quality).",
        ),
    ] = OutputFormat.TEXT,
    output_file: Annotated[
        Path | None,
        typer.Option(
            "--output-file",
            "-o",
            metavar="FILE",
            help="Write the data that would go to stdout to FILE.",
            show_default=False,
        ),
    ] = None,
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs",
            "-j",
            min=1,
            metavar="N",
            help="Process many files in N processes (default: the number of CPUs).",
            show_default=False,
        ),
    ] = None,
    max_size: Annotated[
        int,
        typer.Option(
            "--max-size",
            min=0,
            metavar="BYTES",
            help="Refuse files larger than this many bytes (default 4 MiB; 0: no limit).",
        ),
    ] = MAX_SIZE,
    color: Annotated[
        ColorChoice,
        typer.Option(
            case_sensitive=False,
            help="Color the diff: auto (on a terminal, unless NO_COLOR is set or FORCE_COLOR is), always or never.",
        ),
    ] = ColorChoice.AUTO,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only errors on stderr.")] = False,
    silent: Annotated[
        bool,
        typer.Option("--silent", "-s", help="Print nothing (but standard input's text); exit status only."),
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
        typer.Option("--version", callback=_print_version, is_eager=True, help="Show the version and exit."),
    ] = False,
) -> None:
    paths = paths or ([STDIN] if stdin_filename is not None else ["."])
    reading_stdin = STDIN in paths
    mode = Mode.WRITE if write else Mode.CHECK if check else Mode.PREVIEW
    machine_format = output_format is not OutputFormat.TEXT
    _check_usage(
        (write and check, "--check", "cannot be combined with --write"),
        (reading_stdin and len(paths) > 1, "PATH", "'-' (standard input) must be the only PATH"),
        (stdin_filename is not None and not reading_stdin, "--stdin-filename", "only with '-' (standard input)"),
        (diff and write, "--diff", "cannot be combined with --write"),
        (exit_non_zero_on_fix and not write, "--exit-non-zero-on-fix", "only with --write"),
        (machine_format and write, "--output-format", "only with --check or in preview"),
        (machine_format and reading_stdin and not check, "--output-format", "with standard input, only with --check"),
        (diff and machine_format, "--diff", "only with the text output format"),
        (config is not None and isolated, "--config", "cannot be combined with --isolated"),
    )
    raise typer.Exit(
        execute(
            Invocation(
                paths=paths,
                mode=mode,
                overrides=Overrides(
                    strategy=strategy,
                    exclude=None if exclude is None else tuple(exclude),
                    extend_exclude=tuple(extend_exclude or ()),
                    ignore=_ignored_codes(ignore or []),
                    respect_gitignore=respect_gitignore,
                ),
                force_exclude=force_exclude,
                stdin_filename=stdin_filename,
                config=config,
                isolated=isolated,
                output_format=output_format,
                output_file=output_file,
                diff=diff,
                exit_non_zero_on_fix=exit_non_zero_on_fix,
                jobs=jobs,
                max_size=max_size,
                color=color,
                verbosity=Verbosity.SILENT
                if silent
                else Verbosity.QUIET
                if quiet
                else Verbosity.VERBOSE
                if verbose
                else Verbosity.NORMAL,
            )
        )
    )


def _check_usage(*rules: tuple[bool, str, str]) -> None:
    for broken, hint, message in rules:
        if broken:
            raise typer.BadParameter(message, param_hint=hint)


def _ignored_codes(values: list[str]) -> frozenset[str]:
    try:
        return parse_codes(values)
    except (TypeError, ValueError):
        raise typer.BadParameter(
            f"{', '.join(values)}: not a rule code ({', '.join(rule_codes())})",
            param_hint="--ignore",
        ) from None


def run_app(args: list[str]) -> int:
    """Run the typer command with `args`; the exit status."""
    try:
        app(args=args, prog_name="pipfix")
    except SystemExit as stop:
        return int(stop.code or 0)
    return 0

"""The command line's options: one table, the parser built from it (argparse: it costs ~2 ms
to import where typer cost ~40), the usage rules, and the Invocation they make.

Every run parses its arguments here, help and usage errors included; `docs/cli.md`'s option
table is generated from the same table (scripts/generate_docs.py).
"""

from __future__ import annotations

import argparse
import enum
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from . import __version__
from .command import STDIN, Invocation
from .config import Overrides
from .console import ColorChoice, Mode, Verbosity
from .files import MAX_SIZE
from .render import OutputFormat
from .render.text import ColumnUnit
from .settings import Strategy

if TYPE_CHECKING:
    from .render.rule_docs import RuleDoc

USAGE = "pipfix [OPTIONS] [PATH ...]\n       pipfix lsp [--stdio]"
DESCRIPTION = """\
Find the pip and uv calls in Dockerfile RUN instructions that leave pip's (or uv's) download
cache in the image, and fix them by adding --no-cache-dir (--no-cache for uv).

By default pipfix writes nothing: it prints a unified diff of what it would change. PATH
defaults to the current directory; directories are searched for Dockerfile, Dockerfile.*,
Dockerfile-*, Dockerfile_*, *.Dockerfile and the same with Containerfile (any case).

Exit status:
  0  success (nothing to fix, or everything fixed)
  1  --check: a file would change, or a call keeps its cache;
     --write --exit-non-zero-on-fix: a file was fixed
  2  an error: usage, configuration, or a file that could not be read, fixed or written
     (the other files are still processed)
"""

EXAMPLES = """\
Examples:
  pipfix                      show the diff of what would change under the current directory
  pipfix --write .            fix every Dockerfile under the current directory
  pipfix --check docker/      list the findings, exit 1 if anything would change (CI)
  pipfix --check --diff       the findings and the diff
  pipfix --check --statistics
                              how many findings each rule has, and how many are fixable
  pipfix --explain PIP001     a rule's documentation
  pipfix --check --output-format sarif -o pipfix.sarif
                              a SARIF report for GitHub code scanning
  pipfix -w --strategy env Dockerfile
                              prefix the calls with PIP_NO_CACHE_DIR=1 instead
  pipfix --stdin-filename Dockerfile - < Dockerfile
                              read standard input, print the whole fixed text (editors)
  pipfix lsp                  the language server, on stdio (needs the lsp extra)
"""


@dataclass(frozen=True)
class Option:
    """One option: its names (the first long one names its value in the Namespace), its help,
    and for an option that takes a value, the value's name and what it accepts."""

    names: tuple[str, ...]
    help: str
    metavar: str | None = None  # takes a value (named by its choices when it has some)
    choices: tuple[str, ...] = ()  # case-insensitive
    convert: Callable[[str], Any] | None = None  # raises argparse.ArgumentTypeError for a bad value
    repeat: bool = False  # each use adds to a list
    negatable: bool = False  # --name / --no-name, None when neither is given
    default: Any = None

    @property
    def dest(self) -> str:
        return next(name for name in self.names if name.startswith("--"))[2:].replace("-", "_")


def _at_least(minimum: int) -> Callable[[str], int]:
    def convert(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = None
        if value is None or value < minimum:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of at least {minimum}")
        return value

    return convert


def _codes(text: str) -> frozenset[str]:
    from .config import parse_codes, rule_codes  # the rules: only when a code is given

    try:
        return parse_codes([text])
    except (TypeError, ValueError):
        raise argparse.ArgumentTypeError(f"{text}: not a rule code ({', '.join(rule_codes())})") from None


def _rule_doc(text: str) -> RuleDoc:
    from .render.rule_docs import RULE_DOCS, find_rule_doc  # the rules: only when asked

    doc = find_rule_doc(text)
    if doc is None:
        known = ", ".join(f"{code} ({RULE_DOCS[code].name})" for code in sorted(RULE_DOCS))
        raise argparse.ArgumentTypeError(f"{text}: not a rule; the rules: {known}")
    return doc


def _values(members: type[enum.Enum]) -> tuple[str, ...]:
    return tuple(member.value for member in members)


PATHS_HELP = "Dockerfiles, or directories to search for them (default: .); '-' reads standard input."
OPTIONS: tuple[Option, ...] = (
    Option(("-w", "--write", "--fix"), "Fix the files in place (--fix: ruff's name for it)."),
    Option(("--check",), "Write nothing; print one line per finding, exit 1 if anything would change."),
    Option(("--diff",), "With --check: print the diff after the findings."),
    Option(("--exit-non-zero-on-fix",), "With --write: exit 1 when a file was fixed."),
    Option(("--show-fixes",), "Print each fix on stderr: where, and the text inserted (or that would be)."),
    Option(
        ("--statistics",),
        "Print how many findings each rule has, and how many are fixable, instead of the findings and diffs.",
    ),
    Option(
        ("--strategy",),
        "flag: add --no-cache-dir (the default); env: prefix the call with PIP_NO_CACHE_DIR=1.",
        metavar="STRATEGY",
        choices=_values(Strategy),
    ),
    Option(
        ("--select",),
        "Report only this rule (e.g. PIP001); repeat it or separate codes by commas. Replaces the "
        "configuration's select; --ignore still applies.",
        metavar="CODE",
        convert=_codes,
        repeat=True,
    ),
    Option(
        ("--ignore",),
        "Do not report this rule (e.g. PIP002); repeat it or separate codes by commas.",
        metavar="CODE",
        convert=_codes,
        repeat=True,
    ),
    Option(
        ("--exclude",),
        "Leave out paths matching this gitignore-style pattern; replaces the default list "
        "(.venv, node_modules, ...). Repeatable.",
        metavar="PATTERN",
        repeat=True,
    ),
    Option(
        ("--extend-exclude",),
        "Like --exclude, but adds to the excluded patterns. Repeatable.",
        metavar="PATTERN",
        repeat=True,
    ),
    Option(
        ("--respect-gitignore",),
        "Skip what .gitignore files and .git/info/exclude ignore (the default; --no-respect-gitignore: do not).",
        negatable=True,
    ),
    Option(
        ("--force-exclude",),
        "Apply the excludes and .gitignore to files named on the command line too "
        "(and to --stdin-filename), as pre-commit and editors need.",
    ),
    Option(
        ("--stdin-filename",),
        "The name of standard input, for the configuration search, the excludes and the "
        "messages; implies '-' when no PATH is given.",
        metavar="PATH",
    ),
    Option(
        ("--config",),
        "Use this configuration file (a pyproject.toml or a pipfix.toml) and no other.",
        metavar="FILE",
    ),
    Option(("--isolated",), "Ignore every configuration file."),
    Option(
        ("--output-format",),
        "The report's format, with --check or in preview: text (findings lines, diffs), json, "
        "sarif, github (workflow annotations), gitlab (Code Quality). Default: text.",
        metavar="FORMAT",
        choices=_values(OutputFormat),
        default=OutputFormat.TEXT.value,
    ),
    Option(
        ("--column-unit",),
        "What the text format's COLUMN counts: character (the default), utf-16 (the code units "
        "of LSP clients, VS Code, efm-langserver) or utf-8 (bytes, as Vim's quickfix).",
        metavar="UNIT",
        choices=_values(ColumnUnit),
        default=ColumnUnit.CHARACTER.value,
    ),
    Option(("-o", "--output-file"), "Write the data that would go to stdout to FILE.", metavar="FILE"),
    Option(
        ("-j", "--jobs"),
        "Process many files in N processes (default: the number of CPUs).",
        metavar="N",
        convert=_at_least(1),
    ),
    Option(
        ("--max-size",),
        "Refuse files larger than this many bytes (default 4 MiB; 0: no limit).",
        metavar="BYTES",
        convert=_at_least(0),
        default=MAX_SIZE,
    ),
    Option(
        ("--color",),
        "Color the diff: auto (on a terminal, unless NO_COLOR is set or FORCE_COLOR is), always or never.",
        metavar="WHEN",
        choices=_values(ColorChoice),
        default=ColorChoice.AUTO.value,
    ),
    Option(
        ("--explain",),
        "Print the documentation of this rule (a code such as PIP001, or a name) and exit.",
        metavar="CODE",
        convert=_rule_doc,
    ),
    Option(("-q", "--quiet"), "Print only errors on stderr."),
    Option(("-s", "--silent"), "Print nothing (but standard input's text); exit status only."),
    Option(("-v", "--verbose"), "Also print the configuration file used and why paths were skipped."),
)


def _lower_choice(option: Option) -> Callable[[str], str]:
    def convert(text: str) -> str:
        value = text.lower()
        if value not in option.choices:
            raise argparse.ArgumentTypeError(
                f"invalid choice: {text!r} (choose from {', '.join(map(repr, option.choices))})"
            )
        return value

    return convert


def parser() -> argparse.ArgumentParser:
    """The command line's parser, from OPTIONS."""
    built = _Parser(
        prog="pipfix",
        usage=USAGE,
        description=DESCRIPTION,
        epilog=EXAMPLES,
        formatter_class=_Formatter,
        allow_abbrev=False,
        add_help=False,
    )
    built.add_argument("paths", nargs="*", metavar="PATH", help=PATHS_HELP)
    for option in OPTIONS:
        settings: dict[str, Any] = {"help": option.help, "dest": option.dest, "default": option.default}
        if option.negatable:
            settings["action"] = argparse.BooleanOptionalAction
        elif option.metavar is None:
            settings["action"] = "store_true"
            settings["default"] = False
        else:
            settings["metavar"] = "|".join(option.choices) if option.choices else option.metavar
            settings["type"] = _lower_choice(option) if option.choices else option.convert or str
            if option.repeat:
                settings["action"] = "append"
        built.add_argument(*option.names, **settings)
    built.add_argument(
        "--version", action="version", version=f"pipfix {__version__}", help="Show the version and exit."
    )
    built.add_argument("-h", "--help", action="help", help="Show this help and exit.")
    return built


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        """`error: ...` first, as pipfix's other errors, then a short usage (not the whole list)."""
        self.exit(2, f"error: {message}\nusage: {USAGE}\nTry 'pipfix --help' for help.\n")


class _Formatter(argparse.RawDescriptionHelpFormatter):
    def __init__(self, prog: str) -> None:
        super().__init__(prog, max_help_position=32, width=100)


# (is broken, the option it is about, what is wrong), checked in order once the values are parsed
USAGE_RULES: tuple[tuple[Callable[[argparse.Namespace], bool], str, str], ...] = (
    (lambda o: o.write and o.check, "--check", "cannot be combined with --write"),
    (lambda o: STDIN in o.paths and len(o.paths) > 1, "PATH", "'-' (standard input) must be the only PATH"),
    (
        lambda o: o.stdin_filename is not None and STDIN not in o.paths,
        "--stdin-filename",
        "only with '-' (standard input)",
    ),
    (lambda o: o.diff and o.write, "--diff", "cannot be combined with --write"),
    (lambda o: o.exit_non_zero_on_fix and not o.write, "--exit-non-zero-on-fix", "only with --write"),
    (lambda o: _machine_format(o) and o.write, "--output-format", "only with --check or in preview"),
    (
        lambda o: _machine_format(o) and STDIN in o.paths and not o.check,
        "--output-format",
        "with standard input, only with --check",
    ),
    (lambda o: o.diff and _machine_format(o), "--diff", "only with the text output format"),
    (lambda o: o.statistics and _machine_format(o), "--statistics", "only with the text output format"),
    (
        lambda o: o.column_unit != ColumnUnit.CHARACTER.value and _machine_format(o),
        "--column-unit",
        "only with the text output format",
    ),
    (lambda o: o.statistics and o.diff, "--statistics", "cannot be combined with --diff"),
    (
        lambda o: o.statistics and STDIN in o.paths and not o.check,
        "--statistics",
        "with standard input, only with --check",
    ),
    (lambda o: o.config is not None and o.isolated, "--config", "cannot be combined with --isolated"),
)


def _machine_format(options: argparse.Namespace) -> bool:
    return bool(options.output_format != OutputFormat.TEXT.value)


def parse(args: Sequence[str]) -> argparse.Namespace:
    """The options of `args`, checked against the usage rules. Help, --version and usage
    errors print their text and raise SystemExit (0 or 2), as argparse does."""
    command_line = parser()
    # Everything after `--` is a PATH: parse_intermixed_args does not stop there on Python 3.11.
    end = args.index("--") if "--" in args else len(args)
    options = command_line.parse_intermixed_args(args[:end])
    options.paths += args[end + 1 :]
    if not options.paths:
        options.paths = [STDIN] if options.stdin_filename is not None else ["."]
    for broken, name, message in USAGE_RULES:
        if broken(options):
            command_line.error(f"argument {name}: {message}")
    return options


def invocation(options: argparse.Namespace) -> Invocation:
    """What `options` (from parse) ask for."""
    return Invocation(
        paths=options.paths,
        mode=Mode.WRITE if options.write else Mode.CHECK if options.check else Mode.PREVIEW,
        overrides=Overrides(
            strategy=None if options.strategy is None else Strategy(options.strategy),
            exclude=None if options.exclude is None else tuple(options.exclude),
            extend_exclude=tuple(options.extend_exclude or ()),
            select=None if options.select is None else frozenset().union(*options.select),
            ignore=frozenset().union(*(options.ignore or ())),
            respect_gitignore=options.respect_gitignore,
        ),
        force_exclude=options.force_exclude,
        stdin_filename=options.stdin_filename,
        config=None if options.config is None else Path(options.config),
        isolated=options.isolated,
        output_format=OutputFormat(options.output_format),
        output_file=None if options.output_file is None else Path(options.output_file),
        diff=options.diff,
        show_fixes=options.show_fixes,
        statistics=options.statistics,
        column_unit=ColumnUnit(options.column_unit),
        exit_non_zero_on_fix=options.exit_non_zero_on_fix,
        jobs=options.jobs,
        max_size=options.max_size,
        color=ColorChoice(options.color),
        verbosity=Verbosity.SILENT
        if options.silent
        else Verbosity.QUIET
        if options.quiet
        else Verbosity.VERBOSE
        if options.verbose
        else Verbosity.NORMAL,
    )

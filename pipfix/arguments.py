"""The command line's options: one table (OPTIONS) that both of its parsers are built from,
the usage rules, and the Invocation a command line makes.

- The typer command (cli_app.py) is the command line: its help, usage errors, --version,
  --explain, shell completion and `pipfix lsp`, and any command line at all.
- parse_plain, below, is its fast path for the runs that editors, pre-commit and CI start:
  importing typer costs more than fixing a file (~40 ms), so a plain run never does. It takes a
  command line only when it gives exactly what the typer command would, and leaves the rest
  (help, a usage error, a spelling such as `-wq`) to the typer command, which says what is wrong.

tests/test_arguments.py checks that the two give the same Invocation; docs/cli.md's option
table comes from OPTIONS too (scripts/generate_docs.py).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

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
    """One option: its names (the first long one names its value), its help, and for an option
    that takes a value, the value's name and what it accepts."""

    names: tuple[str, ...]
    help: str
    metavar: str | None = None  # takes a value (named by its choices when it has some)
    choices: tuple[str, ...] = ()  # case-insensitive
    convert: Callable[[str], Any] | None = None  # raises ValueError saying what is wrong
    repeat: bool = False  # each use adds to a list
    negatable: bool = False  # --name / --no-name, None when neither is given
    default: Any = None
    prints: Callable[[Any], str] | None = None  # prints this (from its value) and exits 0 instead of running

    @property
    def dest(self) -> str:
        return next(name for name in self.names if name.startswith("--"))[2:].replace("-", "_")

    @property
    def negative_names(self) -> tuple[str, ...]:
        return tuple(f"--no-{name[2:]}" for name in self.names if name.startswith("--")) if self.negatable else ()

    @property
    def absent(self) -> Any:
        """Its value when it is not given."""
        return False if self.metavar is None and not self.negatable else self.default

    def value(self, text: str) -> Any:
        """The value `text` gives it; ValueError saying what is wrong."""
        if self.choices:
            if text.lower() not in self.choices:
                raise ValueError(f"{text!r} is not one of {', '.join(map(repr, self.choices))}")
            return text.lower()
        return text if self.convert is None else self.convert(text)


def _at_least(minimum: int) -> Callable[[str], int]:
    def convert(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = None
        if value is None or value < minimum:
            raise ValueError(f"{text!r} is not a whole number of at least {minimum}")
        return value

    return convert


def _codes(text: str) -> frozenset[str]:
    from .config import parse_codes, rule_codes  # the rules: only when a code is given

    try:
        return parse_codes([text])
    except (TypeError, ValueError):
        raise ValueError(f"{text}: not a rule code ({', '.join(rule_codes())})") from None


def _rule_doc(text: str) -> RuleDoc:
    from .render.rule_docs import RULE_DOCS, find_rule_doc  # the rules: only when asked

    doc = find_rule_doc(text)
    if doc is None:
        known = ", ".join(f"{code} ({RULE_DOCS[code].name})" for code in sorted(RULE_DOCS))
        raise ValueError(f"{text}: not a rule; the rules: {known}")
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
        "flag: add --no-cache-dir (the default); env: prefix the call with PIP_NO_CACHE_DIR=1; "
        "mount: a BuildKit cache mount on the call's cache directory (docs/mount.md).",
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
        prints=lambda doc: doc.markdown,
    ),
    Option(("-q", "--quiet"), "Print only errors on stderr."),
    Option(("-s", "--silent"), "Print nothing (but standard input's text); exit status only."),
    Option(("-v", "--verbose"), "Also print the configuration file used and why paths were skipped."),
    Option(("--version",), "Print the version and exit.", prints=lambda _: f"pipfix {__version__}\n"),
)


# every name an option is given by (its --no- names included)
OPTION_NAMES = {name: option for option in OPTIONS for name in (*option.names, *option.negative_names)}


def parse_plain(args: Sequence[str]) -> SimpleNamespace | None:
    """The values of a command line that runs pipfix, the same as the typer command gives; None
    for any other (help, --version, --explain, a usage error) and for spellings left to the
    typer command: flags run together (`-wq`), a value stuck to a short option (`-j2`), a value
    that starts with `-`."""
    found: dict[str, Any] = {option.dest: option.absent for option in OPTIONS}
    texts: dict[Option, list[str]] = {}  # what each option that takes a value was given
    paths: list[str] = []
    index = 0
    while index < len(args):
        arg = args[index]
        index += 1
        if arg == "--":
            paths += args[index:]
            break
        if arg == STDIN or not arg.startswith("-"):
            paths.append(arg)
            continue
        name, equals, text = arg.partition("=") if arg.startswith("--") else (arg, "", "")
        option = OPTION_NAMES.get(name)
        if option is None or option.prints is not None:
            return None
        if option.metavar is None:  # a flag
            if equals:
                return None
            found[option.dest] = name not in option.negative_names
            continue
        if not equals:
            if index == len(args) or args[index].startswith("-"):
                return None
            text = args[index]
            index += 1
        texts.setdefault(option, []).append(text)
    try:
        for option, given in texts.items():
            # as click does: each value of a repeatable option, else only the last one given
            found[option.dest] = [option.value(text) for text in given] if option.repeat else option.value(given[-1])
    except ValueError:
        return None
    values = settle(paths, found)
    return None if problem(values) else values


def settle(paths: Sequence[str] | None, options: Mapping[str, Any]) -> SimpleNamespace:
    """A command line's values, from what a parser found: `options` by dest (a repeatable
    option's list of values, or None), and the PATHs (`.` when none is given, `-` with
    --stdin-filename)."""
    values = SimpleNamespace(**options)
    values.paths = list(paths or ([STDIN] if values.stdin_filename is not None else ["."]))
    return values


# (is broken, the option it is about, what is wrong), checked in order once the values are parsed
USAGE_RULES: tuple[tuple[Callable[[SimpleNamespace], bool], str, str], ...] = (
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


def _machine_format(values: SimpleNamespace) -> bool:
    return bool(values.output_format != OutputFormat.TEXT.value)


def problem(values: SimpleNamespace) -> str | None:
    """What is wrong with `values` (the first usage rule they break), or None."""
    return next((f"{name}: {message}" for broken, name, message in USAGE_RULES if broken(values)), None)


def invocation(values: SimpleNamespace) -> Invocation:
    """What `values` (from parse_plain, or the typer command and settle) ask for."""
    return Invocation(
        paths=values.paths,
        mode=Mode.WRITE if values.write else Mode.CHECK if values.check else Mode.PREVIEW,
        overrides=Overrides(
            strategy=None if values.strategy is None else Strategy(values.strategy),
            exclude=tuple(values.exclude) if values.exclude else None,  # a repeatable option: None or [] when absent
            extend_exclude=tuple(values.extend_exclude or ()),
            select=frozenset().union(*values.select) if values.select else None,
            ignore=frozenset().union(*(values.ignore or ())),
            respect_gitignore=values.respect_gitignore,
        ),
        force_exclude=values.force_exclude,
        stdin_filename=values.stdin_filename,
        config=None if values.config is None else Path(values.config),
        isolated=values.isolated,
        output_format=OutputFormat(values.output_format),
        output_file=None if values.output_file is None else Path(values.output_file),
        diff=values.diff,
        show_fixes=values.show_fixes,
        statistics=values.statistics,
        column_unit=ColumnUnit(values.column_unit),
        exit_non_zero_on_fix=values.exit_non_zero_on_fix,
        jobs=values.jobs,
        max_size=values.max_size,
        color=ColorChoice(values.color),
        verbosity=Verbosity.SILENT
        if values.silent
        else Verbosity.QUIET
        if values.quiet
        else Verbosity.VERBOSE
        if values.verbose
        else Verbosity.NORMAL,
    )

"""The command line's two parsers, in process: the typer command (pipfix/cli_app.py) and its fast
path (arguments.parse_plain), both built from the option table (arguments.OPTIONS). What a
command line asks for, the same from both; the usage errors, which only the typer command
reports. The real processes are in test_cli.py and test_stdin.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipfix.arguments import OPTIONS, invocation, parse_plain
from pipfix.command import Invocation
from pipfix.console import ColorChoice, Mode, Verbosity
from pipfix.render import OutputFormat
from pipfix.rules import RULES
from pipfix.settings import Strategy
from tests.cli_support import through_typer


def invoked(*args: str) -> Invocation:
    """What `args` ask for, the same from both parsers."""
    fast = parse_plain(list(args))
    typer, _, err = through_typer(list(args))
    assert isinstance(typer, Invocation), err
    assert fast is None or invocation(fast) == typer
    return typer


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ([], {"paths": ["."], "mode": Mode.PREVIEW}),
        (["-"], {"paths": ["-"]}),
        (["--stdin-filename", "a/Dockerfile"], {"paths": ["-"], "stdin_filename": "a/Dockerfile"}),
        (["--stdin-filename=a/Dockerfile", "-w", "-"], {"paths": ["-"], "mode": Mode.WRITE}),
        (["a", "--check", "b"], {"paths": ["a", "b"], "mode": Mode.CHECK}),
        (["--", "-w"], {"paths": ["-w"], "mode": Mode.PREVIEW}),
        (["-wq", "x"], {"mode": Mode.WRITE, "verbosity": Verbosity.QUIET}),
        (["-s", "-q", "-v"], {"verbosity": Verbosity.SILENT}),
        (["-v"], {"verbosity": Verbosity.VERBOSE}),
        (["--output-format", "SARIF", "-o", "r.sarif"], {"output_format": OutputFormat.SARIF}),
        (["--output-file=r.json"], {"output_file": Path("r.json")}),
        (["-j", "3", "--max-size", "0"], {"jobs": 3, "max_size": 0}),
        (["-j3"], {"jobs": 3}),
        (["--color=Always"], {"color": ColorChoice.ALWAYS}),
        (["--config", "ci/pipfix.toml"], {"config": Path("ci/pipfix.toml")}),
        (["--isolated", "--force-exclude"], {"isolated": True, "force_exclude": True}),
        (["--write", "--exit-non-zero-on-fix"], {"exit_non_zero_on_fix": True}),
        (["--check", "--diff"], {"diff": True}),
        (["--fix"], {"mode": Mode.WRITE}),
        (["--show-fixes", "--statistics"], {"show_fixes": True, "statistics": True}),
        (["--check", "--statistics", "-"], {"statistics": True, "paths": ["-"]}),
        (["--stdin-filename", "-"], {"stdin_filename": "-", "paths": ["-"]}),
    ],
)
def test_what_a_command_line_asks_for(args, expected):
    asked = invoked(*args)
    assert {name: getattr(asked, name) for name in expected} == expected


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ([], {}),
        (["--strategy", "ENV"], {"strategy": Strategy.ENV}),
        (["--ignore", "pip002", "--ignore=PIP003,PIP004"], {"ignore": frozenset({"PIP002", "PIP003", "PIP004"})}),
        (["--exclude", "a/", "--exclude", "b"], {"exclude": ("a/", "b")}),
        (["--extend-exclude", "c"], {"extend_exclude": ("c",), "exclude": None}),
        (["--select", "pip001", "--select=PIP003"], {"select": frozenset({"PIP001", "PIP003"})}),
        (["--no-respect-gitignore"], {"respect_gitignore": False}),
        (["--respect-gitignore"], {"respect_gitignore": True}),
        (["--no-respect-gitignore", "--respect-gitignore"], {"respect_gitignore": True}),
    ],
)
def test_what_a_command_line_overrides(args, expected):
    overrides = invoked(*args).overrides
    defaults = {
        "strategy": None,
        "select": None,
        "ignore": frozenset(),
        "exclude": None,
        "extend_exclude": (),
        "respect_gitignore": None,
    }
    assert {name: getattr(overrides, name) for name in defaults} == {**defaults, **expected}


# --- every option of the table, through both parsers -------------------------------------------

CODES = [rule.CODE for rule in RULES]
# a value each option that converts its value accepts (a new one must be added here)
EXAMPLE_VALUES = {"select": "PIP001", "ignore": "pip002,PIP003", "jobs": "2", "max_size": "0", "explain": "PIP001"}
# what an option needs beside it to be a command line without a usage error
COMPANIONS = {"exit_non_zero_on_fix": ["--write"]}
RUNS = [option for option in OPTIONS if option.prints is None]


def example_value(option) -> str:
    if option.choices:
        return option.choices[-1].upper()  # not the default, in another case
    return EXAMPLE_VALUES[option.dest] if option.convert is not None else "some/path"


def spellings(option) -> list[list[str]]:
    """Each way to give `option`: each of its names, a value apart or after `=`."""
    if option.metavar is None:
        return [[name] for name in (*option.names, *option.negative_names)]
    value = example_value(option)
    return [[name, value] for name in option.names] + [[f"{name}={value}"] for name in option.names if name[1] == "-"]


@pytest.mark.parametrize("option", RUNS, ids=lambda option: option.names[-1])
def test_every_option_is_taken_by_both_parsers_alike(option):
    companions = COMPANIONS.get(option.dest, [])
    without = invoked(*companions)
    for spelling in spellings(option):
        args = [*companions, *spelling]
        fast = parse_plain(args)
        assert fast is not None, args
        asked = invoked(*args)
        assert asked == invocation(fast)
        assert asked != without, f"{args} changes nothing"


@pytest.mark.parametrize("option", [option for option in OPTIONS if option.prints], ids=lambda option: option.names[-1])
def test_options_that_print_and_exit_are_left_to_the_typer_command(option):
    for spelling in spellings(option):
        args = ["--check", *spelling, "Dockerfile"]
        assert parse_plain(args) is None
        status, out, err = through_typer(args)
        assert (status, err) == (0, "")
        assert out == option.prints(option.value(spelling[-1].split("=")[-1]) if option.metavar else True)


# --- generated command lines: the fast path gives what typer gives, or leaves the line to it ----


VALUE_STRATEGIES = {
    "CODE": st.lists(st.sampled_from([*CODES, "pip-keeps-cache", "PIP999", "x"]), min_size=1, max_size=3).map(",".join),
    "N": st.integers(-1, 40).map(str) | st.just("two"),
    "BYTES": st.integers(-1, 10**7).map(str),
}
PATHS = st.sampled_from(["Dockerfile", "a/b.Dockerfile", "x y", "", "-", "é"])
WORDS = PATHS | st.sampled_from(["-x", "--", "=", "--check"])  # values and PATHs after `--`


@st.composite
def command_lines(draw) -> tuple[list[str], bool]:
    """A command line made of the table's options and PATHs; and whether it is spelled plainly
    (no value that starts with `-`, no option that prints and exits), which the fast path takes
    unless it is wrong."""
    args: list[str] = []
    plain = True
    for option in draw(st.lists(st.sampled_from(OPTIONS), max_size=6)):
        if draw(st.booleans()):
            args.append(draw(PATHS))
        plain = plain and option.prints is None
        if option.metavar is None:
            args.append(draw(st.sampled_from([*option.names, *option.negative_names])))
            continue
        if option.choices:
            choice = draw(st.sampled_from([*option.choices, "nope"]))
            value = draw(st.sampled_from([choice, choice.upper()]))
        else:
            value = draw(VALUE_STRATEGIES.get(option.metavar, WORDS))
        name = draw(st.sampled_from(option.names))
        if name.startswith("--") and draw(st.booleans()):
            args.append(f"{name}={value}")
        else:
            args += [name, value]
            plain = plain and not value.startswith("-")
    if draw(st.booleans()):
        args += ["--", *draw(st.lists(WORDS, max_size=2))]
    return args, plain


@settings(max_examples=min(settings.default.max_examples, 1000))  # each example runs typer: ~5 ms
@given(command_lines())
def test_the_fast_path_gives_what_the_typer_command_gives(command_line):
    args, plain = command_line
    fast = parse_plain(args)
    typer, _, err = through_typer(args)
    if fast is not None:
        assert invocation(fast) == typer
    elif plain:
        assert not isinstance(typer, Invocation), f"the fast path left a plain run to typer: {args}"
        assert typer == 2 and "Error: " in err


# --- usage errors: the typer command says what is wrong, exit 2; the fast path leaves them ------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--check", "--write"], "--check: cannot be combined with --write"),
        (["-", "Dockerfile"], "PATH: '-' (standard input) must be the only PATH"),
        (["--stdin-filename", "x", "Dockerfile"], "--stdin-filename: only with '-'"),
        (["--diff", "-w"], "--diff: cannot be combined with --write"),
        (["--exit-non-zero-on-fix"], "--exit-non-zero-on-fix: only with --write"),
        (["-w", "--output-format", "json"], "--output-format: only with --check or in preview"),
        (["--output-format", "json", "-"], "--output-format: with standard input, only with --check"),
        (["--check", "--diff", "--output-format", "gitlab"], "--diff: only with the text output format"),
        (["--config", "a.toml", "--isolated"], "--config: cannot be combined with --isolated"),
        (["--statistics", "--output-format", "json"], "--statistics: only with the text output format"),
        (["--check", "--diff", "--statistics"], "--statistics: cannot be combined with --diff"),
        (["--statistics", "-"], "--statistics: with standard input, only with --check"),
        (["--strategy", "both"], "Invalid value for '--strategy': 'both' is not one of 'flag', 'env'"),
        (["--ignore", "PIP999"], "Invalid value for '--ignore': PIP999: not a rule code (PIP001"),
        (["--select", "PIP1"], "Invalid value for '--select': PIP1: not a rule code (PIP001"),
        (["--jobs", "0"], "Invalid value for '-j' / '--jobs': '0' is not a whole number of at least 1"),
        (["--max-size", "lots"], "Invalid value for '--max-size': 'lots' is not a whole number of at least 0"),
        (["--color", "sometimes"], "Invalid value for '--color': 'sometimes' is not one of 'auto'"),
        (
            ["--explain", "PIP999"],
            "Invalid value for '--explain': PIP999: not a rule; the rules: PIP001 (pip-keeps-cache)",
        ),
        (["--stdin-filename"], "Option '--stdin-filename' requires an argument."),
        (["--check=yes"], "Option '--check' does not take a value."),
        (["--chek"], "No such option"),  # in click's words, which differ between its versions
        (["--che"], "No such option"),  # no abbreviations: a new option could make them ambiguous
    ],
)
def test_usage_errors_say_what_is_wrong_and_exit_2(args, message):
    assert parse_plain(args) is None
    status, out, err = through_typer(args)
    assert (status, out) == (2, "")
    assert f"Error: {message}" in err


def test_explain_takes_a_code_in_any_case_or_a_name():
    page = next(option for option in OPTIONS if option.dest == "explain").value("PIP001").markdown
    for name in ("PIP001", "pip001", "pip-keeps-cache"):
        assert through_typer(["--explain", name])[:2] == (0, page)

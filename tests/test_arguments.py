"""The command line's parser (pipfix/arguments.py), in process: what each command line asks for,
and the usage errors. The real processes are in test_cli.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipfix.arguments import invocation, parse
from pipfix.console import ColorChoice, Mode, Verbosity
from pipfix.render import OutputFormat
from pipfix.settings import Strategy


def invoked(*args: str):
    return invocation(parse(list(args)))


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
        (["--color=Always"], {"color": ColorChoice.ALWAYS}),
        (["--config", "ci/pipfix.toml"], {"config": Path("ci/pipfix.toml")}),
        (["--isolated", "--force-exclude"], {"isolated": True, "force_exclude": True}),
        (["--write", "--exit-non-zero-on-fix"], {"exit_non_zero_on_fix": True}),
        (["--check", "--diff"], {"diff": True}),
        (["--fix"], {"mode": Mode.WRITE}),
        (["--show-fixes", "--statistics"], {"show_fixes": True, "statistics": True}),
        (["--check", "--statistics", "-"], {"statistics": True, "paths": ["-"]}),
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


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--check", "--write"], "argument --check: cannot be combined with --write"),
        (["-", "Dockerfile"], "argument PATH: '-' (standard input) must be the only PATH"),
        (["--stdin-filename", "x", "Dockerfile"], "argument --stdin-filename: only with '-'"),
        (["--diff", "-w"], "argument --diff: cannot be combined with --write"),
        (["--exit-non-zero-on-fix"], "argument --exit-non-zero-on-fix: only with --write"),
        (["-w", "--output-format", "json"], "argument --output-format: only with --check or in preview"),
        (["--output-format", "json", "-"], "argument --output-format: with standard input, only with --check"),
        (["--check", "--diff", "--output-format", "gitlab"], "argument --diff: only with the text output format"),
        (["--config", "a.toml", "--isolated"], "argument --config: cannot be combined with --isolated"),
        (["--strategy", "both"], "argument --strategy: invalid choice: 'both'"),
        (["--ignore", "PIP999"], "argument --ignore: PIP999: not a rule code (PIP001"),
        (["--jobs", "0"], "argument -j/--jobs: '0' is not a whole number of at least 1"),
        (["--max-size", "lots"], "argument --max-size: 'lots' is not a whole number of at least 0"),
        (["--color", "sometimes"], "argument --color: invalid choice: 'sometimes'"),
        (["--stdin-filename"], "argument --stdin-filename: expected one argument"),
        (["--statistics", "--output-format", "json"], "argument --statistics: only with the text output format"),
        (["--check", "--diff", "--statistics"], "argument --statistics: cannot be combined with --diff"),
        (["--statistics", "-"], "argument --statistics: with standard input, only with --check"),
        (["--select", "PIP1"], "argument --select: PIP1: not a rule code (PIP001"),
        (["--explain", "PIP999"], "argument --explain: PIP999: not a rule; the rules: PIP001 (pip-keeps-cache)"),
        (["--chek"], "unrecognized arguments: --chek"),
        (["--che"], "unrecognized arguments: --che"),  # no abbreviations: a new option could make them ambiguous
    ],
)
def test_usage_errors_say_what_is_wrong_and_exit_2(capsys, args, message):
    with pytest.raises(SystemExit) as stop:
        parse(args)
    assert stop.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    first, usage = captured.err.splitlines()[:2]
    assert first.startswith(f"error: {message}")
    assert usage == "usage: pipfix [OPTIONS] [PATH ...]"


def test_explain_takes_a_code_in_any_case_or_a_name():
    for name in ("PIP001", "pip001", "pip-keeps-cache"):
        assert parse(["--explain", name]).explain.code == "PIP001"

"""What a run tells people, through real processes: the summary line in every mode (how many
findings, how many --write fixes), the findings pipfix will not fix (on stderr in preview and
--write too), and ruff's habits: --fix, --show-fixes, --statistics, --select."""

from __future__ import annotations

import pytest

from tests.cli_support import PYTHON_M_PIPFIX, run, stderr_lines, write  # noqa: F401 (run)

# PIP001 fixable, PIP002 fixable, PIP003 advisory (pip will abort), PIP001 that pipfix does not
# edit (the shell cannot parse the line: the call is found, the text around it is not sure)
MIXED = (
    "FROM python:3.12 AS base\n"
    "RUN pip install flask && uv pip install httpx\n"
    "RUN pip install x; case\n"
    "FROM base\n"
    "ARG PIP_NO_CACHE_DIR=bogus\n"
)
MIXED_FIXED = (
    "FROM python:3.12 AS base\n"
    "RUN pip install --no-cache-dir flask && uv pip install --no-cache httpx\n"
    "RUN pip install x; case\n"
    "FROM base\n"
    "ARG PIP_NO_CACHE_DIR=bogus\n"
)
PIP003_LINE = "Dockerfile:5:5: PIP003 PIP_NO_CACHE_DIR='bogus' is not a boolean pip accepts: pip will abort"
UNFIXED_PIP001_LINE = "Dockerfile:3:5: PIP001 `pip install` keeps its download cache in the image layer"
CLEAN = "FROM python:3.12\nRUN pip install --no-cache-dir flask\n"


@pytest.fixture
def command() -> list[str]:
    return PYTHON_M_PIPFIX


@pytest.fixture
def mixed(tmp_path):
    return write(tmp_path / "Dockerfile", MIXED)


def test_mixed_has_the_findings_these_tests_rely_on(run, mixed):
    process = run("--check", "Dockerfile")
    codes = [line.split()[1] for line in process.stdout.decode().splitlines()]
    assert codes == ["PIP001", "PIP002", "PIP001", "PIP003"], process.stdout


@pytest.mark.parametrize(
    ("args", "status", "summary"),
    [
        ([], 0, "1 file would be fixed; 4 findings, 2 fixable with pipfix --write"),
        (["--check"], 1, "1 file would be fixed; 4 findings, 2 fixable with pipfix --write"),
        (["--write"], 0, "1 file fixed; 4 findings, 2 fixed"),
        (["--fix"], 0, "1 file fixed; 4 findings, 2 fixed"),
        (["--check", "--select", "PIP001"], 1, "1 file would be fixed; 2 findings, 1 fixable with pipfix --write"),
        (["--check", "--select", "PIP003"], 0, "1 file unchanged; 1 finding, not fixable by pipfix"),
        (["--check", "--ignore", "PIP001,PIP002,PIP003"], 0, "1 file unchanged; no findings"),
    ],
)
def test_every_mode_counts_the_findings_and_the_fixes(run, mixed, args, status, summary):
    process = run(*args, "Dockerfile")
    assert process.returncode == status
    assert stderr_lines(process)[-1] == summary


def test_fix_is_another_name_for_write(run, mixed):
    assert run("--fix", "Dockerfile").returncode == 0
    assert mixed.read_text() == MIXED_FIXED


@pytest.mark.parametrize(
    "args",
    [[], ["--write"], ["--check", "--diff"]],
    ids=["preview", "write", "check"],
)
def test_findings_that_will_not_be_fixed_are_listed_on_stderr(run, mixed, args):
    process = run(*args, "Dockerfile")
    stderr = stderr_lines(process)
    unfixed = [line for line in stderr if "PIP00" in line]
    if args[:1] == ["--check"]:  # there, every finding is on stdout already
        assert unfixed == []
        assert f"{UNFIXED_PIP001_LINE}\n{PIP003_LINE}\n".encode() in process.stdout
    else:
        assert unfixed == [f"{UNFIXED_PIP001_LINE} (not fixable)", f"{PIP003_LINE} (not fixable)"]


def test_standard_input_lists_the_findings_it_will_not_fix_on_stderr(run):
    process = run("-", stdin=MIXED.encode())
    assert (process.returncode, process.stdout) == (0, MIXED_FIXED.encode())
    assert stderr_lines(process) == [
        f"-{line.removeprefix('Dockerfile')} (not fixable)" for line in (UNFIXED_PIP001_LINE, PIP003_LINE)
    ]


@pytest.mark.parametrize(
    ("args", "lines"),
    [
        (
            [],
            [
                'Dockerfile:2:5: PIP001 would insert " --no-cache-dir"',
                'Dockerfile:2:26: PIP002 would insert " --no-cache"',
            ],
        ),
        (
            ["--write", "--strategy", "env"],
            [
                'Dockerfile:2:5: PIP001 inserted "PIP_NO_CACHE_DIR=1 "',
                'Dockerfile:2:26: PIP002 inserted "UV_NO_CACHE=1 "',
            ],
        ),
    ],
    ids=["preview", "write env"],
)
def test_show_fixes_prints_each_fix(run, mixed, args, lines):
    process = run("--show-fixes", *args, "Dockerfile")
    shown = [line for line in stderr_lines(process) if "insert" in line]
    assert shown == lines


def test_statistics_counts_each_rule_instead_of_findings_and_diffs(run, mixed, tmp_path):
    write(tmp_path / "sub" / "Dockerfile", "FROM a\nRUN pip install x\nRUN pip3 install y\n")
    process = run("--check", "--statistics")
    assert process.returncode == 1
    assert process.stdout.decode() == (
        "4  PIP001  pip-keeps-cache         3 of 4 fixable\n"
        "1  PIP002  uv-keeps-cache          1 fixable\n"
        "1  PIP003  invalid-no-cache-value  not fixable\n"
    )
    preview = run("--statistics")
    assert (preview.returncode, preview.stdout) == (0, process.stdout)  # no diffs
    written = run("--write", "--statistics")
    assert written.stdout.decode().splitlines()[0] == "4  PIP001  pip-keeps-cache         3 of 4 fixed"
    assert (tmp_path / "Dockerfile").read_text() == MIXED_FIXED


def test_statistics_of_standard_input_and_of_nothing(run):
    process = run("--check", "--statistics", "-", stdin=MIXED.encode())
    assert process.stdout.decode().splitlines()[-1] == "1  PIP003  invalid-no-cache-value  not fixable"
    clean = run("--check", "--statistics", "-", stdin=CLEAN.encode())
    assert (clean.returncode, clean.stdout) == (0, b"")


def test_select_reports_only_the_selected_rules(run, mixed):
    process = run("--check", "--select", "pip002", "Dockerfile")
    assert [line.split()[1] for line in process.stdout.decode().splitlines()] == ["PIP002"]
    assert run("--write", "--select", "PIP002", "Dockerfile").returncode == 0
    assert mixed.read_text() == MIXED.replace("uv pip install", "uv pip install --no-cache")

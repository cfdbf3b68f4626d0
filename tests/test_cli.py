"""The command line as users run it: real processes, exit codes, stdout bytes, stderr, files."""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys

import pytest

import pipfix
from pipfix.arguments import OPTION_NAMES, OPTIONS
from pipfix.cli import main
from pipfix.runner import PARALLEL_THRESHOLD
from tests.cli_support import (  # noqa: F401 (command and run are fixtures)
    CLEAN_ENV,
    SOURCE_ROOT,
    command,
    run,
    stderr_lines,
    write,
)

FLASK = "FROM python:3.12\nRUN pip install flask\n"
FLASK_FLAG = "FROM python:3.12\nRUN pip install --no-cache-dir flask\n"
FLASK_ENV = "FROM python:3.12\nRUN PIP_NO_CACHE_DIR=1 pip install flask\n"
FLASK_FINDING = b"Dockerfile:2:5: PIP001 "  # the finding points at `pip`; the message may change
FLASK_DIFF = (
    b"--- Dockerfile\n"
    b"+++ Dockerfile\n"
    b"@@ -1,2 +1,2 @@\n"
    b" FROM python:3.12\n"
    b"-RUN pip install flask\n"
    b"+RUN pip install --no-cache-dir flask\n"
)
NOT_UTF8 = b"FROM python:3.12\nRUN echo \xff\n"  # the bad byte is at offset 26
STRATEGY = OPTION_NAMES["--strategy"]

# --- preview (the default): a diff on stdout, nothing written, exit 0 ---


def test_preview_prints_a_diff_and_writes_nothing(run, tmp_path):
    dockerfile = write(tmp_path / "Dockerfile", FLASK)
    process = run("Dockerfile")
    assert process.returncode == 0
    assert process.stdout == FLASK_DIFF
    assert stderr_lines(process) == [
        "would fix Dockerfile",
        "1 file would be fixed; 1 finding, 1 fixable with pipfix --write",
    ]
    assert dockerfile.read_text() == FLASK


def test_preview_diff_keeps_crlf_and_marks_a_missing_final_newline(run, tmp_path):
    write(tmp_path / "Dockerfile", "FROM python:3.12\r\nRUN pip install flask")
    process = run("Dockerfile")
    assert process.returncode == 0
    assert process.stdout == (
        b"--- Dockerfile\n"
        b"+++ Dockerfile\n"
        b"@@ -1,2 +1,2 @@\n"
        b" FROM python:3.12\r\n"
        b"-RUN pip install flask\n"
        b"\\ No newline at end of file\n"
        b"+RUN pip install --no-cache-dir flask\n"
        b"\\ No newline at end of file\n"
    )


def test_preview_of_a_clean_file_prints_nothing(run, tmp_path):
    write(tmp_path / "Dockerfile", FLASK_FLAG)
    process = run("Dockerfile")
    assert (process.returncode, process.stdout) == (0, b"")
    assert stderr_lines(process) == ["1 file unchanged; no findings"]


# --- check: findings on stdout, nothing written, exit 1 when anything would change ---


def test_check_lists_findings_and_exits_1(run, tmp_path):
    dockerfile = write(tmp_path / "Dockerfile", FLASK)
    process = run("--check", "Dockerfile")
    assert process.returncode == 1
    assert process.stdout.startswith(FLASK_FINDING)
    assert process.stdout.count(b"\n") == 1
    assert stderr_lines(process) == [
        "would fix Dockerfile",
        "1 file would be fixed; 1 finding, 1 fixable with pipfix --write",
    ]
    assert dockerfile.read_text() == FLASK


def test_check_of_a_clean_file_exits_0(run, tmp_path):
    write(tmp_path / "Dockerfile", FLASK_FLAG)
    process = run("--check", "Dockerfile")
    assert (process.returncode, process.stdout) == (0, b"")


def test_check_prints_advisory_findings_but_exits_0(run, tmp_path):
    text = "FROM python:3.12\nENV PIP_NO_CACHE_DIR=bogus\nRUN pip install flask\n"
    write(tmp_path / "Dockerfile", text)
    process = run("--check", "Dockerfile")
    assert process.returncode == 0
    assert process.stdout.startswith(b"Dockerfile:2:5: PIP003 ")
    assert process.stdout.count(b"\n") == 1


def test_check_reads_standard_input(run):
    process = run("--check", "-", stdin=FLASK.encode())
    assert process.returncode == 1
    assert process.stdout.startswith(b"-:2:5: PIP001 ")


# --- write: files fixed in place, stdout empty ---


def test_write_fixes_in_place_and_keeps_the_mode(run, tmp_path):
    dockerfile = write(tmp_path / "Dockerfile", FLASK)
    dockerfile.chmod(0o640)
    process = run("--write", "Dockerfile")
    assert (process.returncode, process.stdout) == (0, b"")
    assert stderr_lines(process) == ["fixed Dockerfile", "1 file fixed; 1 finding, 1 fixed"]
    assert dockerfile.read_text() == FLASK_FLAG
    assert stat.S_IMODE(dockerfile.stat().st_mode) == 0o640
    assert [path.name for path in tmp_path.iterdir()] == ["Dockerfile"]  # no temporary left


def test_write_keeps_bom_and_crlf(run, tmp_path):
    dockerfile = write(tmp_path / "Dockerfile", "\ufeffFROM python:3.12\r\nRUN pip install flask\r\n")
    assert run("-w", "Dockerfile").returncode == 0
    assert dockerfile.read_bytes() == "\ufeffFROM python:3.12\r\nRUN pip install --no-cache-dir flask\r\n".encode()


def test_write_leaves_an_unchanged_file_alone(run, tmp_path):
    dockerfile = write(tmp_path / "Dockerfile", FLASK_FLAG)
    before = dockerfile.stat()
    process = run("--write", "Dockerfile")
    assert process.returncode == 0
    assert stderr_lines(process) == ["1 file unchanged; no findings"]
    after = dockerfile.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


def test_write_through_a_symlink_fixes_its_target(run, tmp_path):
    target = write(tmp_path / "real" / "Dockerfile", FLASK)
    (tmp_path / "Dockerfile").symlink_to(target)
    assert run("--write", "Dockerfile").returncode == 0
    assert (tmp_path / "Dockerfile").is_symlink()
    assert target.read_text() == FLASK_FLAG


def test_env_strategy(run, tmp_path):
    dockerfile = write(tmp_path / "Dockerfile", FLASK)
    assert run("--write", "--strategy", "env", "Dockerfile").returncode == 0
    assert dockerfile.read_text() == FLASK_ENV


# --- standard input: the whole resulting text on stdout, nothing else ---


@pytest.mark.parametrize("args", [["-"], ["--write", "-"]], ids=["preview", "write"])
def test_stdin_prints_the_fixed_text(run, args):
    process = run(*args, stdin=FLASK.encode())
    assert (process.returncode, process.stdout, process.stderr) == (0, FLASK_FLAG.encode(), b"")


def test_stdin_env_strategy(run):
    process = run("--strategy", "env", "-", stdin=FLASK.encode())
    assert (process.returncode, process.stdout) == (0, FLASK_ENV.encode())


@pytest.mark.parametrize(
    "text",
    [
        "FROM alpine\r\nRUN echo hello\r\n",
        "\ufeffFROM alpine\nRUN echo hello\n",
        "FROM alpine\nRUN echo hello",
        "\ufeffFROM python:3.12\r\nRUN pip install --no-cache-dir flask",
        "",
    ],
    ids=["crlf", "bom", "no final newline", "clean pip call", "empty"],
)
def test_stdin_returns_unchanged_input_byte_for_byte(run, text):
    process = run("-", stdin=text.encode())
    assert (process.returncode, process.stdout, process.stderr) == (0, text.encode(), b"")


def test_stdin_that_is_not_utf8_is_an_error_with_nothing_on_stdout(run):
    process = run("-", stdin=NOT_UTF8)
    assert (process.returncode, process.stdout) == (2, b"")
    assert stderr_lines(process) == ["error: cannot fix -: not valid UTF-8 at byte 26"]


# --- errors: reported on stderr, the other files still processed, exit 2 ---


def test_a_file_that_is_not_utf8_does_not_stop_the_others(run, tmp_path):
    write(tmp_path / "bad" / "Dockerfile", NOT_UTF8)
    good = write(tmp_path / "good" / "Dockerfile", FLASK)
    process = run("--write", "bad/Dockerfile", "good/Dockerfile")
    assert process.returncode == 2
    assert stderr_lines(process) == [
        "error: cannot fix bad/Dockerfile: not valid UTF-8 at byte 26",
        "fixed good/Dockerfile",
        "1 file fixed, 1 error; 1 finding, 1 fixed",
    ]
    assert good.read_text() == FLASK_FLAG
    assert (tmp_path / "bad" / "Dockerfile").read_bytes() == NOT_UTF8


def test_an_error_wins_over_findings_in_check_mode(run, tmp_path):
    write(tmp_path / "Dockerfile", FLASK)
    process = run("--check", "missing.Dockerfile", "Dockerfile")
    assert process.returncode == 2
    assert process.stdout.startswith(FLASK_FINDING)
    assert stderr_lines(process) == [
        "would fix Dockerfile",  # files are processed in sorted order
        "error: cannot fix missing.Dockerfile: no such file or directory",
        "1 file would be fixed, 1 error; 1 finding, 1 fixable with pipfix --write",
    ]


# --- directories ---


DISCOVERED = [  # sorted as pipfix reports them
    ".devcontainer/Dockerfile",
    "CONTAINERFILE",
    "Containerfile.prod",
    "Dockerfile",
    "Dockerfile.dev",
    "api.Dockerfile",
    "sub/dockerfile",
    "web.dockerfile",
    "worker.containerfile",
]
NOT_DISCOVERED = [".git/Dockerfile", "Dockerfile.dockerignore", "notes.txt", "sub/fixed.txt"]


def test_a_directory_is_searched_for_dockerfile_names(run, tmp_path):
    for name in DISCOVERED + NOT_DISCOVERED:
        write(tmp_path / "tree" / name, FLASK)
    process = run("--check", "tree")
    reported = [line.split(b":")[0].decode() for line in process.stdout.splitlines()]
    assert reported == [f"tree/{name}" for name in DISCOVERED]
    assert process.returncode == 1


def test_a_named_file_is_processed_whatever_its_name(run, tmp_path):
    write(tmp_path / "notes.txt", FLASK)
    assert run("--check", "notes.txt").stdout.startswith(b"notes.txt:2:5: PIP001 ")


def test_a_directory_without_dockerfiles(run, tmp_path):
    (tmp_path / "empty").mkdir()
    process = run("empty")
    assert (process.returncode, process.stdout) == (0, b"")
    assert stderr_lines(process) == ["no Dockerfiles found"]


# --- options and usage errors ---


def test_version(run):
    process = run("--version")
    assert (process.returncode, process.stdout) == (0, f"pipfix {pipfix.__version__}\n".encode())


def test_help_has_examples(run):
    process = run("--help")
    assert process.returncode == 0
    assert b"Examples:" in process.stdout
    assert b"pipfix --check" in process.stdout


def test_help_lists_every_option_of_the_table_with_its_help(run):
    process = run("-h")
    assert (process.returncode, process.stderr) == (0, b"")
    # as read: help texts rewrapped, also after a hyphen
    shown = " ".join(re.sub(r"-\n\s+", "-", process.stdout.decode()).split())
    assert shown.startswith("Usage: pipfix [OPTIONS] ")
    for option in OPTIONS:
        assert " ".join(option.help.split()) in shown, option.names
        for name in (*option.names, *option.negative_names):
            assert re.search(rf"(^|[ /,]){re.escape(name)}([ /,]|$)", shown), name
    assert "--install-completion" in shown


def test_shell_completion_of_an_option_and_of_its_value(run):
    completing = {"_PIPFIX_COMPLETE": "complete_bash", "COMP_WORDS": "pipfix --strat", "COMP_CWORD": "1"}
    assert run(env=completing).stdout == b"--strategy\n"
    completing.update(COMP_WORDS="pipfix --strategy ", COMP_CWORD="2")
    assert run(env=completing).stdout.split() == [choice.encode() for choice in STRATEGY.choices]


@pytest.mark.parametrize(
    "args",
    [
        ["--check", "--write", "Dockerfile"],
        ["-", "Dockerfile"],
        ["--strategy", "both", "Dockerfile"],
        ["--stdin-filename", "Dockerfile", "Dockerfile"],
        ["--diff", "--write", "Dockerfile"],
        ["--exit-non-zero-on-fix", "Dockerfile"],
        ["--write", "--output-format", "json", "Dockerfile"],
        ["--output-format", "json", "-"],
        ["--output-format", "xml", "Dockerfile"],
        ["--check", "--diff", "--output-format", "sarif", "Dockerfile"],
        ["--config", "pipfix.toml", "--isolated", "Dockerfile"],
        ["--ignore", "PIP999", "Dockerfile"],
        ["--jobs", "0", "Dockerfile"],
        ["--color", "sometimes", "Dockerfile"],
    ],
    ids=[
        "check and write",
        "stdin and a file",
        "unknown strategy",
        "stdin-filename with a file",
        "diff and write",
        "exit-non-zero-on-fix without write",
        "a report format with write",
        "a report format with stdin preview",
        "unknown format",
        "diff with a report format",
        "config and isolated",
        "unknown rule code",
        "no jobs",
        "unknown color",
    ],
)
def test_usage_errors_exit_2_with_nothing_on_stdout(run, tmp_path, args):
    write(tmp_path / "Dockerfile", FLASK)
    process = run(*args)
    assert (process.returncode, process.stdout) == (2, b"")
    assert stderr_lines(process)[0].startswith("Usage: pipfix [OPTIONS] ")
    assert stderr_lines(process)[-1].startswith("Error: ")
    assert (tmp_path / "Dockerfile").read_text() == FLASK


def test_main_returns_the_exit_status(tmp_path, capsys):
    assert main(["--check", str(tmp_path / "missing")]) == 2
    assert "error: cannot fix" in capsys.readouterr().err


# --- the default PATH, --check --diff, --exit-non-zero-on-fix, --stdin-filename, -o ---


def test_the_default_path_is_the_current_directory(run, tmp_path):
    write(tmp_path / "Dockerfile", FLASK)
    write(tmp_path / "sub" / "api.Dockerfile", FLASK_FLAG)
    process = run()
    assert process.returncode == 0
    assert process.stdout == FLASK_DIFF
    assert stderr_lines(process) == [
        "would fix Dockerfile",
        "1 file would be fixed, 1 unchanged; 1 finding, 1 fixable with pipfix --write",
    ]


def test_check_with_diff_prints_the_findings_then_the_diff(run, tmp_path):
    dockerfile = write(tmp_path / "Dockerfile", FLASK)
    process = run("--check", "--diff", "Dockerfile")
    assert process.returncode == 1
    findings, _, diff = process.stdout.partition(b"\n")
    assert findings.startswith(FLASK_FINDING)
    assert diff == FLASK_DIFF
    assert dockerfile.read_text() == FLASK


def test_check_with_diff_of_a_clean_file_exits_0(run, tmp_path):
    write(tmp_path / "Dockerfile", FLASK_FLAG)
    assert (run("--check", "--diff").returncode, run("--check", "--diff").stdout) == (0, b"")


def test_write_exit_non_zero_on_fix(run, tmp_path):
    write(tmp_path / "Dockerfile", FLASK)
    first = run("--write", "--exit-non-zero-on-fix")
    assert (first.returncode, first.stdout) == (1, b"")
    assert stderr_lines(first) == ["fixed Dockerfile", "1 file fixed; 1 finding, 1 fixed"]
    second = run("--write", "--exit-non-zero-on-fix")
    assert second.returncode == 0  # nothing left to fix


def test_stdin_write_exit_non_zero_on_fix(run):
    changed = run("--write", "--exit-non-zero-on-fix", "-", stdin=FLASK.encode())
    assert (changed.returncode, changed.stdout) == (1, FLASK_FLAG.encode())
    clean = run("--write", "--exit-non-zero-on-fix", "-", stdin=FLASK_FLAG.encode())
    assert (clean.returncode, clean.stdout) == (0, FLASK_FLAG.encode())


def test_stdin_filename_names_standard_input(run):
    process = run("--check", "--stdin-filename", "docker/Dockerfile", "-", stdin=FLASK.encode())
    assert process.returncode == 1
    assert process.stdout.startswith(b"docker/Dockerfile:2:5: PIP001 ")


def test_stdin_filename_without_a_path_reads_standard_input(run, tmp_path):
    write(tmp_path / "Dockerfile", FLASK)  # not read: standard input is
    process = run("--stdin-filename", "Dockerfile", stdin=FLASK_FLAG.encode())
    assert (process.returncode, process.stdout, process.stderr) == (0, FLASK_FLAG.encode(), b"")


def test_output_file_gets_the_data_and_stdout_stays_empty(run, tmp_path):
    write(tmp_path / "Dockerfile", FLASK)
    process = run("--check", "--diff", "-o", "report.txt")
    assert (process.returncode, process.stdout) == (1, b"")
    report = (tmp_path / "report.txt").read_bytes()
    assert report.startswith(FLASK_FINDING) and report.endswith(FLASK_DIFF)


def test_an_output_file_that_cannot_be_written_is_an_error(run, tmp_path):
    write(tmp_path / "Dockerfile", FLASK)
    process = run("--check", "-o", "missing/report.txt")
    assert (process.returncode, process.stdout) == (2, b"")
    assert stderr_lines(process)[0].startswith("error: cannot write missing/report.txt: ")


# --- verbosity: -q errors only, -s nothing, -v why ---


def test_quiet_prints_only_errors(run, tmp_path):
    write(tmp_path / "bad" / "Dockerfile", NOT_UTF8)
    write(tmp_path / "good" / "Dockerfile", FLASK)
    process = run("-q", "--write")
    assert (process.returncode, process.stdout) == (2, b"")
    assert stderr_lines(process) == ["error: cannot fix bad/Dockerfile: not valid UTF-8 at byte 26"]
    assert (tmp_path / "good" / "Dockerfile").read_text() == FLASK_FLAG


def test_quiet_keeps_the_data_on_stdout(run, tmp_path):
    write(tmp_path / "Dockerfile", FLASK)
    process = run("--quiet", "--check")
    assert (process.returncode, process.stderr) == (1, b"")
    assert process.stdout.startswith(FLASK_FINDING)


@pytest.mark.parametrize("args", [["--check"], [], ["--write"]], ids=["check", "preview", "write"])
def test_silent_prints_nothing_and_keeps_the_exit_status(run, tmp_path, args):
    write(tmp_path / "Dockerfile", FLASK)
    write(tmp_path / "bad.Dockerfile", NOT_UTF8)
    process = run("--silent", *args)
    assert (process.returncode, process.stdout, process.stderr) == (2, b"", b"")
    write(tmp_path / "bad.Dockerfile", FLASK_FLAG)
    write(tmp_path / "Dockerfile", FLASK)
    expected = 1 if args == ["--check"] else 0
    process = run("-s", *args)
    assert (process.returncode, process.stdout, process.stderr) == (expected, b"", b"")


def test_silent_still_prints_the_text_of_standard_input(run):
    process = run("-s", "-", stdin=FLASK.encode())
    assert (process.returncode, process.stdout, process.stderr) == (0, FLASK_FLAG.encode(), b"")


def test_verbose_tells_why_a_path_was_skipped(run, tmp_path):
    write(tmp_path / "Dockerfile", FLASK_FLAG)
    write(tmp_path / "vendor" / "Dockerfile", FLASK)
    process = run("-v", "--extend-exclude", "vendor/")
    assert process.returncode == 0
    assert stderr_lines(process) == [
        "skipped vendor: matches the exclude pattern 'vendor/'",
        "1 file unchanged; no findings",
    ]


# --- color: only the diff, only on a terminal (or when asked) ---

RED_LINE = b"\x1b[31m-RUN pip install flask\x1b[0m\n"


@pytest.mark.parametrize(
    ("args", "env", "colored"),
    [
        ([], {}, False),  # a pipe
        (["--color", "always"], {}, True),
        (["--color", "never"], {"FORCE_COLOR": "1"}, False),
        ([], {"FORCE_COLOR": "1"}, True),
        ([], {"FORCE_COLOR": "1", "NO_COLOR": "1"}, False),
        (["--color", "always"], {"NO_COLOR": "1"}, True),
    ],
    ids=["pipe", "always", "never beats FORCE_COLOR", "FORCE_COLOR", "NO_COLOR wins", "always beats NO_COLOR"],
)
def test_color_of_the_diff(run, tmp_path, args, env, colored):
    write(tmp_path / "Dockerfile", FLASK)
    process = run(*args, env=env)
    assert (RED_LINE in process.stdout) is colored
    assert (b"\x1b[" in process.stdout) is colored
    assert b"\x1b[" not in process.stderr


@pytest.mark.parametrize("args", [["--check"], ["--check", "--output-format", "json"], ["-"]])
def test_findings_reports_and_standard_input_are_never_colored(run, tmp_path, args):
    write(tmp_path / "Dockerfile", FLASK)
    process = run("--color", "always", *args, stdin=FLASK.encode())
    assert process.stdout and b"\x1b[" not in process.stdout


def test_auto_colors_a_terminal(command, tmp_path):
    """stdout on a pseudo-terminal: the diff is colored; TERM=dumb or NO_COLOR turn it off."""
    pty = pytest.importorskip("pty")
    write(tmp_path / "Dockerfile", FLASK)

    def on_terminal(env: dict[str, str]) -> bytes:
        main_fd, terminal_fd = pty.openpty()
        try:
            subprocess.run(
                [*command, "Dockerfile"],
                stdout=terminal_fd,
                stderr=subprocess.DEVNULL,
                cwd=tmp_path,
                env={**CLEAN_ENV, "PYTHONPATH": str(SOURCE_ROOT), **env},
                timeout=60,
                check=True,
            )
            return os.read(main_fd, 65536)
        finally:
            os.close(main_fd)
            os.close(terminal_fd)

    assert b"\x1b[31m-RUN pip install flask" in on_terminal({})
    assert b"\x1b[" not in on_terminal({"TERM": "dumb"})
    assert b"\x1b[" not in on_terminal({"NO_COLOR": "1"})


# --- rules, jobs ---


def test_ignore_a_rule_on_the_command_line(run, tmp_path):
    write(tmp_path / "Dockerfile", FLASK + "ENV PIP_NO_CACHE_DIR=bogus\n")
    process = run("--check", "--ignore", "PIP001", "--ignore", "pip003,PIP004")
    assert (process.returncode, process.stdout) == (0, b"")


@pytest.mark.parametrize("mode", [["--check"], [], ["--check", "--diff"], ["--check", "--output-format", "json"]])
def test_many_files_in_parallel_give_the_same_sorted_output(run, tmp_path, mode):
    count = PARALLEL_THRESHOLD + 16
    for number in range(count):
        write(tmp_path / f"d{number:03}" / "Dockerfile", FLASK if number % 3 else FLASK_FLAG)
    write(tmp_path / "d040" / "Dockerfile", NOT_UTF8)
    serial = run(*mode, "--jobs", "1")
    parallel = run(*mode, "--jobs", "2")
    assert serial.returncode == parallel.returncode == 2
    assert serial.stdout == parallel.stdout
    assert serial.stderr == parallel.stderr
    if mode == ["--check"]:
        names = [line.split(b":")[0] for line in serial.stdout.splitlines()]
        assert names == sorted(names) and len(names) == count - (count + 2) // 3 - 1


def test_import_pipfix_loads_no_command_line_dependency():
    code = "import sys, pipfix; print(sorted({'typer', 'click', 'difflib', 'pathspec'} & set(sys.modules)))"
    process = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**CLEAN_ENV, "PYTHONPATH": str(SOURCE_ROOT)},
    )
    assert process.stdout == "[]\n"


def test_silent_check_of_standard_input_prints_nothing(run):
    process = run("-s", "--check", "-", stdin=FLASK.encode())
    assert (process.returncode, process.stdout, process.stderr) == (1, b"", b"")


# --- a reader that stops reading (`pipfix PATH | head -1`): exit 141, quietly ---

MANY_CALLS = "FROM python:3.12\n" + "RUN pip install flask\n" * 300  # a 30 KB diff, 300 findings


@pytest.mark.parametrize("unbuffered", ["", "1"])  # PYTHONUNBUFFERED=1: stdout is a raw file
@pytest.mark.parametrize("args", [["-q", "--jobs", "2", "."], ["-q", "--check", "--jobs", "1", "."], ["-"]])
def test_a_reader_that_goes_away_ends_the_run_with_141_and_no_traceback(command, tmp_path, args, unbuffered):
    """As a process killed by SIGPIPE ends (`cat`, `git log`): the shell's status for it, no
    traceback, no waiting for the files not started yet. The output is far larger than a pipe
    holds, so the reader closes it with most still unwritten."""
    for number in range(PARALLEL_THRESHOLD + 16):  # in parallel, but for --jobs 1
        write(tmp_path / f"d{number:03}" / "Dockerfile", MANY_CALLS)
    process = subprocess.Popen(
        [*command, *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
        env={**CLEAN_ENV, "PYTHONPATH": str(SOURCE_ROOT), "PYTHONUNBUFFERED": unbuffered},
    )
    if args == ["-"]:
        process.stdin.write(MANY_CALLS.encode() * 100)
    process.stdin.close()
    assert process.stdout.readline()
    process.stdout.close()
    stderr = process.stderr.read()
    process.stderr.close()
    assert (process.wait(timeout=60), stderr) == (141, b"")

"""The command line as users run it: real processes, exit codes, stdout bytes, stderr, files."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

import pipfix
from pipfix.cli import main

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

# The subprocesses import the pipfix under test, not a possibly older installed copy.
SOURCE_ROOT = Path(pipfix.__file__).resolve().parent.parent
INSTALLED_SCRIPT = shutil.which("pipfix", path=sysconfig.get_path("scripts"))


@pytest.fixture(params=["python -m pipfix", "pipfix script"])
def command(request) -> list[str]:
    if request.param == "pipfix script":
        if INSTALLED_SCRIPT is None:
            pytest.skip("the pipfix script is not installed for this interpreter")
        return [INSTALLED_SCRIPT]
    return [sys.executable, "-m", "pipfix"]


@pytest.fixture
def run(command, tmp_path):
    """Run pipfix in tmp_path with `args` and `stdin` bytes; returns the CompletedProcess."""
    env = {**os.environ, "PYTHONPATH": str(SOURCE_ROOT)}

    def run_pipfix(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(
            [*command, *args], input=stdin, capture_output=True, cwd=tmp_path, env=env, timeout=60
        )

    return run_pipfix


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


def stderr_lines(process: subprocess.CompletedProcess[bytes]) -> list[str]:
    return process.stderr.decode().splitlines()


# --- preview (the default): a diff on stdout, nothing written, exit 0 ---


def test_preview_prints_a_diff_and_writes_nothing(run, tmp_path):
    dockerfile = write(tmp_path / "Dockerfile", FLASK)
    process = run("Dockerfile")
    assert process.returncode == 0
    assert process.stdout == FLASK_DIFF
    assert stderr_lines(process) == ["would fix Dockerfile", "1 file would be fixed"]
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
    assert stderr_lines(process) == ["1 file unchanged"]


# --- check: findings on stdout, nothing written, exit 1 when anything would change ---


def test_check_lists_findings_and_exits_1(run, tmp_path):
    dockerfile = write(tmp_path / "Dockerfile", FLASK)
    process = run("--check", "Dockerfile")
    assert process.returncode == 1
    assert process.stdout.startswith(FLASK_FINDING)
    assert process.stdout.count(b"\n") == 1
    assert stderr_lines(process) == ["would fix Dockerfile", "1 file would be fixed"]
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
    assert stderr_lines(process) == ["fixed Dockerfile", "1 file fixed"]
    assert dockerfile.read_text() == FLASK_FLAG
    assert stat.S_IMODE(dockerfile.stat().st_mode) == 0o640
    assert [path.name for path in tmp_path.iterdir()] == ["Dockerfile"]  # no temporary left


def test_write_keeps_bom_and_crlf(run, tmp_path):
    dockerfile = write(
        tmp_path / "Dockerfile", "\ufeffFROM python:3.12\r\nRUN pip install flask\r\n"
    )
    assert run("-w", "Dockerfile").returncode == 0
    assert (
        dockerfile.read_bytes()
        == "\ufeffFROM python:3.12\r\nRUN pip install --no-cache-dir flask\r\n".encode()
    )


def test_write_leaves_an_unchanged_file_alone(run, tmp_path):
    dockerfile = write(tmp_path / "Dockerfile", FLASK_FLAG)
    before = dockerfile.stat()
    process = run("--write", "Dockerfile")
    assert process.returncode == 0
    assert stderr_lines(process) == ["1 file unchanged"]
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
        "1 file fixed, 1 error",
    ]
    assert good.read_text() == FLASK_FLAG
    assert (tmp_path / "bad" / "Dockerfile").read_bytes() == NOT_UTF8


def test_an_error_wins_over_findings_in_check_mode(run, tmp_path):
    write(tmp_path / "Dockerfile", FLASK)
    process = run("--check", "missing.Dockerfile", "Dockerfile")
    assert process.returncode == 2
    assert process.stdout.startswith(FLASK_FINDING)
    assert (
        stderr_lines(process)[0]
        == "error: cannot fix missing.Dockerfile: No such file or directory"
    )


# --- directories ---


DISCOVERED = [
    "CONTAINERFILE",
    "Containerfile.prod",
    "Dockerfile",
    "Dockerfile.dev",
    "api.Dockerfile",
    "web.dockerfile",
    "worker.containerfile",
    ".devcontainer/Dockerfile",
    "sub/dockerfile",
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


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["--check", "--write", "Dockerfile"],
        ["-", "Dockerfile"],
        ["--strategy", "both", "Dockerfile"],
    ],
    ids=["no path", "check and write", "stdin and a file", "unknown strategy"],
)
def test_usage_errors_exit_2_with_nothing_on_stdout(run, tmp_path, args):
    write(tmp_path / "Dockerfile", FLASK)
    process = run(*args)
    assert (process.returncode, process.stdout) == (2, b"")
    assert process.stderr
    assert (tmp_path / "Dockerfile").read_text() == FLASK


def test_main_returns_the_exit_status(tmp_path, capsys):
    assert main(["--check", str(tmp_path / "missing")]) == 2
    assert "error: cannot fix" in capsys.readouterr().err

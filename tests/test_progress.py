"""The progress line: on a terminal's stderr for long runs only, never in a pipe."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

FIXABLE = "FROM python:3.12\nRUN pip install flask\n"


def make_tree(root: Path, count: int) -> None:
    for index in range(count):
        directory = root / f"app{index:04d}"
        directory.mkdir()
        (directory / "Dockerfile").write_text(FIXABLE)


def run_with_terminal_stderr(args: list[str], cwd: Path) -> tuple[int, bytes, bytes]:
    """Run pipfix with stderr on a pseudo-terminal and stdout on a pipe."""
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "pipfix", *args], cwd=cwd, stdout=subprocess.PIPE, stderr=follower
    )
    os.close(follower)
    stderr = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closes when the process ends
            break
        if not chunk:
            break
        stderr += chunk
    stdout = process.stdout.read()
    os.close(leader)
    return process.wait(), stdout, stderr


def test_a_long_run_shows_progress_on_a_terminal_and_clears_it(tmp_path):
    make_tree(tmp_path, 250)
    status, stdout, stderr = run_with_terminal_stderr(["--check", "--jobs", "1", "."], tmp_path)
    assert status == 1
    assert b"[100/250] files" in stderr
    assert stderr.rstrip().endswith(b"250 files would be fixed; 250 findings, 250 fixable with pipfix --write")
    assert b"\x1b[K" not in stdout and b"files" not in stdout.replace(b"Dockerfile", b"")


def test_no_progress_in_a_pipe(tmp_path):
    make_tree(tmp_path, 250)
    process = subprocess.run([sys.executable, "-m", "pipfix", "--check", "."], cwd=tmp_path, capture_output=True)
    assert b"/250]" not in process.stderr and b"\x1b[K" not in process.stderr


def test_no_progress_for_a_short_run(tmp_path):
    make_tree(tmp_path, 20)
    _, _, stderr = run_with_terminal_stderr(["--check", "."], tmp_path)
    assert b"/20]" not in stderr


def test_no_progress_when_quiet(tmp_path):
    make_tree(tmp_path, 250)
    _, _, stderr = run_with_terminal_stderr(["--check", "-q", "."], tmp_path)
    assert b"/250]" not in stderr

"""Copies of this source tree and clean virtual environments, for the tests that install pipfix
the way its users do (test_packaging.py, test_action.py, test_readme.py). They need PyPI (for
the dependencies and the build back end) and take a few seconds each."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .cli_support import SOURCE_ROOT

INSTALL_TIMEOUT = 900  # seconds: a cold pip cache downloads tree-sitter and the build back end


def source_tree(destination: Path) -> Path:
    """A copy of the files git knows here, tracked or new and not ignored: what a clone of this
    commit holds, plus work not committed yet (never .venv, build outputs or caches)."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=SOURCE_ROOT,
            capture_output=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout: no list of the source files to copy")
    for name in listed.decode().split("\0"):
        source = SOURCE_ROOT / name
        if name and source.is_file():  # not a file deleted but still tracked
            target = destination / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return destination


def virtual_environment(path: Path, python: str = sys.executable) -> Path:
    """A new virtual environment with pip; its bin directory."""
    subprocess.run([python, "-m", "venv", str(path)], check=True, capture_output=True, timeout=INSTALL_TIMEOUT)
    return path / ("Scripts" if os.name == "nt" else "bin")


def run_checked(args: list[str], **kwargs) -> subprocess.CompletedProcess[str]:
    """Run a command that must succeed; its output in the failure message otherwise."""
    process = subprocess.run(args, capture_output=True, text=True, timeout=INSTALL_TIMEOUT, **kwargs)
    assert process.returncode == 0, f"{args} exited {process.returncode}\n{process.stdout}\n{process.stderr}"
    return process

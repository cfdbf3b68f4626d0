"""Running the installed pipfix as a real process, for the command-line tests."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

import pipfix

# The subprocesses import the pipfix under test, not a possibly older installed copy.
SOURCE_ROOT = Path(pipfix.__file__).resolve().parent.parent
INSTALLED_SCRIPT = shutil.which("pipfix", path=sysconfig.get_path("scripts"))
# No color and no configuration from the environment the tests run in.
CLEAN_ENV = {key: value for key, value in os.environ.items() if key not in ("NO_COLOR", "FORCE_COLOR", "TERM")}


PYTHON_M_PIPFIX = [sys.executable, "-m", "pipfix"]


@pytest.fixture(params=["python -m pipfix", "pipfix script"])
def command(request) -> list[str]:
    """Both ways to start pipfix (test_cli.py); the other modules use `python -m pipfix` only,
    by overriding this fixture."""
    if request.param == "pipfix script":
        if INSTALLED_SCRIPT is None:
            pytest.skip("the pipfix script is not installed for this interpreter")
        return [INSTALLED_SCRIPT]
    return PYTHON_M_PIPFIX


@pytest.fixture
def run(command, tmp_path):
    """Run pipfix in tmp_path (or `cwd`) with `args` and `stdin` bytes; the CompletedProcess."""

    def run_pipfix(
        *args: str, stdin: bytes = b"", cwd: Path | None = None, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(
            [*command, *args],
            input=stdin,
            capture_output=True,
            cwd=cwd or tmp_path,
            env={**CLEAN_ENV, "PYTHONPATH": str(SOURCE_ROOT), **(env or {})},
            timeout=120,
        )

    return run_pipfix


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


def stderr_lines(process: subprocess.CompletedProcess[bytes]) -> list[str]:
    return process.stderr.decode().splitlines()

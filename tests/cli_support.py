"""Running the installed pipfix as a real process, for the command-line tests; and the typer
command in process."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path
from unittest import mock

import pytest

import pipfix
from pipfix import cli_app
from pipfix.command import Invocation

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


NOBODY = 65534  # the uid and gid of `nobody` (and `nogroup`) on Debian and most Linux systems


@pytest.fixture(scope="session")
def unprivileged(tmp_path_factory):
    """Run pipfix (`python -m pipfix ARGS` in `cwd`) as a user permission bits apply to: the
    current user when it is not root, else `nobody` through setpriv (root ignores permission
    bits). The package is copied where nobody can read it; the interpreter (the test venv's)
    must be runnable by nobody, as .ci/run makes it, or the tests skip and say why."""
    env = {**CLEAN_ENV, "PYTHONPATH": str(SOURCE_ROOT), "PYTHONDONTWRITEBYTECODE": "1"}
    prefix: list[str] = []
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root without setpriv (util-linux): no unprivileged user to run as")
        source = Path(tempfile.mkdtemp(prefix="pipfix-source-"))
        shutil.copytree(SOURCE_ROOT / "pipfix", source / "pipfix", ignore=shutil.ignore_patterns("__pycache__"))
        for root, _, filenames in os.walk(source):
            os.chmod(root, 0o755)
            for name in filenames:
                os.chmod(os.path.join(root, name), 0o644)
        env["PYTHONPATH"] = str(source)
        prefix = [setpriv, f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]
        probe = subprocess.run(
            [*prefix, sys.executable, "-c", "import pipfix.cli, pipfix.engine, pathspec, tree_sitter_bash"],
            capture_output=True,
            cwd=source,
            env=env,
            timeout=60,
        )
        if probe.returncode != 0:
            shutil.rmtree(source)
            reason = (probe.stderr.decode(errors="replace").strip().splitlines() or ["?"])[-1]
            pytest.skip(f"nobody cannot run {sys.executable} with pipfix ({reason}); .ci/run makes its venv readable")

    def run_pipfix(*args: str, cwd: Path, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(
            [*prefix, sys.executable, "-m", "pipfix", *args],
            input=stdin,
            capture_output=True,
            cwd=cwd,
            env=env,
            timeout=120,
        )

    yield run_pipfix
    if prefix:
        shutil.rmtree(Path(env["PYTHONPATH"]))


def through_typer(args: list[str]) -> tuple[Invocation | int, str, str]:
    """What the typer command makes of `args`: the Invocation it would run (or, when it runs
    nothing, its exit status), and its stdout and stderr."""
    asked: list[Invocation] = []
    out, err = io.StringIO(), io.StringIO()
    with (
        mock.patch.object(cli_app, "execute", lambda invocation: asked.append(invocation) or 0),
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
    ):
        status = cli_app.run(args)
    return (asked[0] if asked else status), out.getvalue(), err.getvalue()

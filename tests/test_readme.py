"""The README's own commands, run as written: the quick start on the system's Python with no
`python` command (as on a fresh Debian or Ubuntu, where PEP 668 refuses `pip install` outside a
virtual environment), the test command that CI runs, and the everyday commands. A README that
drifts from the tool fails here. The quick start installs pipfix for real: it needs PyPI."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

import pytest

from tests.cli_support import CLEAN_ENV, PYTHON_M_PIPFIX, SOURCE_ROOT
from tests.install_support import INSTALL_TIMEOUT, source_tree

README = (SOURCE_ROOT / "README.md").read_text()
# a system's own directories only: no pyenv or virtual environment, so no `python` command
SYSTEM_PATH = "/usr/local/bin:/usr/bin:/bin"


def section_block(heading: str, number: int = 0) -> list[str]:
    """The lines of the `number`th sh code block under the `## heading` of the README."""
    section = README.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.*?)```", section, re.DOTALL)[number].splitlines()


QUICK_START = section_block("Quick start")
EVERYDAY = section_block("Everyday commands")


def test_the_quick_start_is_two_commands_and_the_second_is_what_ci_runs_last():
    assert len(QUICK_START) == 2
    ci_lines = (SOURCE_ROOT / ".ci" / "run").read_text().strip().splitlines()
    assert QUICK_START[1] == ci_lines[-1]


def system_python() -> str:
    python3 = shutil.which("python3", path=SYSTEM_PATH)
    if python3 is None:
        pytest.skip(f"no python3 in {SYSTEM_PATH}")
    version = subprocess.run(
        [python3, "-c", "import sys; print(sys.version_info >= (3, 10))"], capture_output=True, text=True
    )
    if version.stdout.strip() != "True":
        pytest.skip(f"{python3} is older than Python 3.10")
    return python3


def test_the_quick_start_works_with_the_systems_python3_and_no_python_command(tmp_path):
    system_python()
    clone = source_tree(tmp_path / "clone")
    env = {"PATH": SYSTEM_PATH, "HOME": os.environ.get("HOME", str(tmp_path)), "LANG": "C.UTF-8"}
    process = subprocess.run(
        ["sh", "-c", QUICK_START[0]], cwd=clone, env=env, capture_output=True, text=True, timeout=INSTALL_TIMEOUT
    )
    assert process.returncode == 0, process.stderr
    expected = subprocess.run(
        [*PYTHON_M_PIPFIX, "examples/"],
        cwd=clone,
        env={**CLEAN_ENV, "PYTHONPATH": str(SOURCE_ROOT)},
        capture_output=True,
        text=True,
    )
    assert process.stdout.endswith(expected.stdout)
    assert expected.stdout.startswith("--- examples/")
    assert (clone / ".venv" / "bin" / "pipfix").is_file()


@pytest.fixture
def pipfix_on_path(tmp_path) -> dict[str, str]:
    """An environment whose `pipfix` is the one under test."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    wrapper = bin_dir / "pipfix"
    wrapper.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m pipfix "$@"\n')
    wrapper.chmod(0o755)
    return {**CLEAN_ENV, "PYTHONPATH": str(SOURCE_ROOT), "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}


def test_the_everyday_commands_run_as_written(tmp_path, pipfix_on_path):
    project = tmp_path / "project"
    shutil.copytree(SOURCE_ROOT / "examples" / "webapp", project)
    original = (project / "Dockerfile").read_text()
    statuses = {}
    for line in EVERYDAY:
        command = line.split("  #", 1)[0].strip()
        process = subprocess.run(
            ["sh", "-c", command], cwd=project, env=pipfix_on_path, capture_output=True, text=True, timeout=120
        )
        assert process.returncode in (0, 1), f"{command}: {process.stderr}"
        assert "error:" not in process.stderr, command
        statuses[command] = process.returncode
    assert statuses["pipfix"] == 0
    assert statuses["pipfix --check"] == 0  # after `pipfix --write`
    assert (project / "Dockerfile").read_text() == (SOURCE_ROOT / "examples" / "webapp" / "fixed.txt").read_text()
    assert original != (project / "Dockerfile").read_text()


def test_the_readme_stays_a_front_page():
    lines = len(README.splitlines())
    assert lines <= 300, f"README.md has {lines} lines: move the details to docs/"

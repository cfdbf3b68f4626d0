"""--column-unit: the text format's COLUMN in characters, UTF-16 code units or UTF-8 bytes, so
that the tools that read the findings lines put their mark on the `pip` word whatever comes
before it on the line; and the efm-langserver set-up of docs/editors.md, run as efm-langserver
runs it."""

from __future__ import annotations

import re
import shlex
import subprocess
from pathlib import Path

import pytest
from lsprotocol import types

from pipfix.engine import fix
from pipfix.render.text import BY_CHARACTER, ColumnUnit, columns_for
from tests.cli_support import PYTHON_M_PIPFIX, run, stderr_lines, write  # noqa: F401 (run)
from tests.lsp_support import to_offset

EDITORS = Path(__file__).resolve().parent.parent / "docs" / "editors.md"

# An emoji (two UTF-16 code units, four UTF-8 bytes) and é (one unit, two bytes) before the call.
TEXT = "FROM python:3.12\nRUN echo '😀 é' && pip install flask\n"


@pytest.fixture
def command() -> list[str]:
    return PYTHON_M_PIPFIX


@pytest.mark.parametrize(
    ("text", "unit", "column"),
    [
        pytest.param(TEXT, ColumnUnit.CHARACTER, 19, id="characters"),
        pytest.param(TEXT, ColumnUnit.UTF16, 20, id="utf-16: the emoji is two"),
        pytest.param(TEXT, ColumnUnit.UTF8, 23, id="utf-8: four and two bytes"),
        pytest.param("\ufeff" + TEXT.replace("\n", "\r\n"), ColumnUnit.UTF16, 20, id="a BOM and CRLF"),
        pytest.param("FROM a\nRUN pip install x\n", ColumnUnit.UTF8, 5, id="ascii: all the same"),
    ],
)
def test_columns_for(text, unit, column):
    [finding] = fix(text).findings
    assert columns_for(unit, text)(finding) == column
    assert text[finding.offset : finding.offset + 3] == "pip"


def test_characters_need_no_text():
    assert columns_for(ColumnUnit.CHARACTER, None) is BY_CHARACTER


@pytest.mark.parametrize(("unit", "column"), [("character", 19), ("utf-16", 20), ("utf-8", 23)])
def test_findings_lines_of_files_and_standard_input(run, tmp_path, unit, column):
    write(tmp_path / "Dockerfile", TEXT)
    write(tmp_path / "clean.Dockerfile", "FROM python:3.12\n")
    expected = f"Dockerfile:2:{column}: PIP001 `pip install` keeps its download cache in the image layer\n"
    files = run("--check", "--column-unit", unit, "Dockerfile", "clean.Dockerfile")
    assert (files.returncode, files.stdout.decode()) == (1, expected)
    stdin = run("--check", "--column-unit", unit, "--stdin-filename", "Dockerfile", "-", stdin=TEXT.encode())
    assert (stdin.returncode, stdin.stdout.decode()) == (1, expected)


def test_the_lines_on_stderr_count_the_same_unit(run, tmp_path):
    write(tmp_path / "Dockerfile", TEXT)
    process = run("--show-fixes", "--column-unit", "utf-16", "Dockerfile")
    assert 'Dockerfile:2:20: PIP001 would insert " --no-cache-dir"' in stderr_lines(process)


def test_only_with_the_text_format(run):
    process = run("--check", "--column-unit", "utf-16", "--output-format", "json", "-", stdin=TEXT.encode())
    assert process.returncode == 2
    assert stderr_lines(process)[-1] == "Error: --column-unit: only with the text output format"


def efm_lint_command() -> tuple[str, str]:
    """The lint command and the lint format of docs/editors.md's efm-langserver set-up."""
    text = EDITORS.read_text()
    command = re.search(r'lint-command: "(.*)"', text)
    lint_format = re.search(r'lint-formats:\n\s+- "(.*)"', text)
    assert command and lint_format
    return command.group(1), lint_format.group(1)


def test_the_efm_langserver_example_marks_the_pip_word(tmp_path):
    command, lint_format = efm_lint_command()
    assert lint_format == "%f:%l:%c: %m"
    # efm-langserver: ${INPUT} is the file's path, the buffer on stdin (lint-stdin), the output
    # read with the lint format, and the mark at LSP position (line - 1, column - 1)
    argv = shlex.split(command.replace("${INPUT}", str(tmp_path / "Dockerfile")))
    assert argv[0] == "pipfix"
    process = subprocess.run([*PYTHON_M_PIPFIX, *argv[1:]], input=TEXT.encode(), capture_output=True, cwd=tmp_path)
    [line] = process.stdout.decode().splitlines()
    match = re.fullmatch(r"(.*):(\d+):(\d+): (.*)", line)
    assert match and match.group(1) == str(tmp_path / "Dockerfile")
    position = types.Position(line=int(match.group(2)) - 1, character=int(match.group(3)) - 1)
    offset = to_offset(TEXT, position, "utf-16")
    assert TEXT[offset : offset + 3] == "pip"

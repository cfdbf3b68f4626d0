"""The editors' standard-input contract (issue 4), through a real `pipfix` process:

- `pipfix -` (with or without --write, with --stdin-filename) prints the whole resulting text,
  even when nothing changed, and nothing else on stdout; exit 0;
- an error: exit 2, stdout empty (the editor keeps its buffer);
- an excluded or suppressed text comes back unchanged, exit 0;
- a run imports only what it needs (typer only for the command lines the fast path leaves).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from .cli_support import CLEAN_ENV, PYTHON_M_PIPFIX, SOURCE_ROOT, run, write  # noqa: F401

FIXABLE = "FROM python:3.12\r\nRUN pip install flask\r\n"
FIXED = "FROM python:3.12\r\nRUN pip install --no-cache-dir flask\r\n"

MODES = [
    ["-"],
    ["--write", "-"],
    ["--stdin-filename", "docker/Dockerfile"],
    ["--write", "--stdin-filename", "docker/Dockerfile", "-"],
    ["--stdin-filename=docker/Dockerfile", "-w", "-"],
]
MODE_IDS = ["dash", "write", "stdin-filename", "write stdin-filename", "equals form"]


@pytest.fixture
def command():
    return PYTHON_M_PIPFIX


@pytest.mark.parametrize("args", MODES, ids=MODE_IDS)
@pytest.mark.parametrize(
    "text",
    [
        "FROM alpine\r\nRUN echo hello\r\n",
        "\ufeffFROM alpine\nRUN echo hello\n",
        "FROM alpine\nRUN echo hello",
        "\ufeffFROM python:3.12\r\nRUN pip install --no-cache-dir flask",
        "FROM python:3.12\r\nRUN pip install --no-cache-dir flask\rRUN echo\n",  # a lone CR
    ],
    ids=["crlf", "bom", "no final newline", "bom crlf clean call", "lone cr"],
)
def test_unchanged_input_round_trips_byte_for_byte(run, args, text):
    process = run(*args, stdin=text.encode())
    assert (process.returncode, process.stdout, process.stderr) == (0, text.encode(), b"")


@pytest.mark.parametrize("args", MODES, ids=MODE_IDS)
@pytest.mark.parametrize(
    "before, after",
    [
        (FIXABLE, FIXED),
        ("\ufeff" + FIXABLE.rstrip("\r\n"), "\ufeff" + FIXED.rstrip("\r\n")),
        (
            "FROM python:3.12\nRUN echo 😀 é && pip install flask",
            "FROM python:3.12\nRUN echo 😀 é && pip install --no-cache-dir flask",
        ),
    ],
    ids=["crlf", "bom no final newline", "non-ascii"],
)
def test_fixable_input_comes_back_fixed(run, args, before, after):
    process = run(*args, stdin=before.encode())
    assert (process.returncode, process.stdout, process.stderr) == (0, after.encode(), b"")


@pytest.mark.parametrize(
    "text",
    [
        "# pipfix: skip-file\nFROM python:3.12\nRUN pip install flask\n",
        "FROM python:3.12\n# hadolint ignore=DL3042\nRUN pip install flask\n",
        "FROM python:3.12\n# pipfix: ignore\nRUN pip install flask\n",
    ],
    ids=["skip-file", "hadolint ignore", "pipfix ignore"],
)
@pytest.mark.parametrize("args", [["-"], ["--write", "-"]], ids=["preview", "write"])
def test_suppressed_input_comes_back_unchanged(run, args, text):
    process = run(*args, stdin=text.encode())
    assert (process.returncode, process.stdout) == (0, text.encode())


@pytest.mark.parametrize("args", [["-"], ["--write", "-"]], ids=["preview", "write"])
def test_excluded_input_comes_back_unchanged(run, tmp_path, args):
    (tmp_path / ".git").mkdir()
    write(tmp_path / "pipfix.toml", 'extend-exclude = ["vendor/"]\n')
    process = run("--force-exclude", "--stdin-filename", "vendor/Dockerfile", *args, stdin=FIXABLE.encode())
    assert (process.returncode, process.stdout) == (0, FIXABLE.encode())
    # not excluded: fixed
    process = run("--force-exclude", "--stdin-filename", "app/Dockerfile", *args, stdin=FIXABLE.encode())
    assert (process.returncode, process.stdout) == (0, FIXED.encode())


def test_settings_come_from_the_configuration_next_to_the_stdin_filename(run, tmp_path):
    (tmp_path / ".git").mkdir()
    write(tmp_path / "docker" / "pipfix.toml", 'strategy = "env"\n')
    process = run("--stdin-filename", "docker/Dockerfile", "-", stdin=FIXABLE.encode())
    assert process.stdout == FIXABLE.replace("pip install", "PIP_NO_CACHE_DIR=1 pip install").encode()
    process = run("--stdin-filename", "Dockerfile", "-", stdin=FIXABLE.encode())
    assert process.stdout == FIXED.encode()


@pytest.mark.parametrize(
    "stdin, reason",
    [
        (b"FROM python:3.12\nRUN echo \xff\n", "not valid UTF-8 at byte 26"),
        (b"FROM python:3.12\nRUN <<EOF\npip install flask\n", None),
        (b"FROM python:3.12\nRUN pip install \0flask\n", "binary file"),
    ],
    ids=["not utf-8", "unterminated heredoc", "nul byte"],
)
@pytest.mark.parametrize(
    "args", [["-"], ["--write", "-"], ["--stdin-filename", "Dockerfile"]], ids=["dash", "write", "name"]
)
def test_an_error_leaves_stdout_empty_and_exits_2(run, args, stdin, reason):
    process = run(*args, stdin=stdin)
    assert (process.returncode, process.stdout) == (2, b"")
    name = "Dockerfile" if "--stdin-filename" in args else "-"
    assert process.stderr.decode().startswith(f"error: cannot fix {name}: ")
    if reason:
        assert reason in process.stderr.decode()


def test_a_broken_configuration_file_is_an_error_with_stdout_empty(run, tmp_path):
    (tmp_path / ".git").mkdir()
    write(tmp_path / "pipfix.toml", "strategy = 3\n")
    process = run("--stdin-filename", "Dockerfile", "-", stdin=FIXABLE.encode())
    assert (process.returncode, process.stdout) == (2, b"")
    assert b"bad value for 'strategy'" in process.stderr


# --- what a run imports -----------------------------------------------------------------


def imported_modules(*args: str, stdin: bytes, cwd: Path) -> tuple[subprocess.CompletedProcess[bytes], set[str]]:
    """Run pipfix under -X importtime: the process, and the modules it imported."""
    process = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "pipfix", *args],
        input=stdin,
        capture_output=True,
        cwd=cwd,
        env={**CLEAN_ENV, "PYTHONPATH": str(SOURCE_ROOT)},
        timeout=60,
    )
    lines = process.stderr.decode().splitlines()
    return process, {line.rsplit("|", 1)[-1].strip() for line in lines if "|" in line}


def test_the_stdin_path_imports_no_command_line_framework(tmp_path):
    process, modules = imported_modules("-", stdin=FIXABLE.encode(), cwd=tmp_path)
    assert (process.returncode, process.stdout) == (0, FIXED.encode())
    assert "pipfix.engine" in modules
    assert not {m for m in modules if m.split(".")[0] in ("typer", "click", "pydantic", "rich")}


# What a run imports only when it needs it: typer for a command line the fast path leaves (here
# flags run together), the engine for a file to fix, a process pool for many files, difflib for
# diffs, tomllib for a configuration file, pathspec for a pattern that is more than a name (the
# default ones are names) or a .gitignore.
TOML = "tomllib" if sys.version_info >= (3, 11) else "tomli"
LAZY = {"typer", "pipfix.engine", "concurrent.futures", "difflib", TOML, "pathspec"}
EXCLUDING_A_GLOB = 'extend-exclude = ["*.dev.Dockerfile"]\n'


@pytest.mark.parametrize(
    ("files", "args", "imported"),
    [
        ({}, ["--check", "."], set()),
        ({"Dockerfile": FIXABLE}, ["--check", "Dockerfile"], {"pipfix.engine"}),
        ({"Dockerfile": FIXABLE, "pipfix.toml": ""}, ["--check", "Dockerfile"], {"pipfix.engine", TOML}),
        ({"Dockerfile": FIXABLE}, ["Dockerfile"], {"pipfix.engine", "difflib"}),
        ({"pipfix.toml": EXCLUDING_A_GLOB}, ["--check", "."], {TOML, "pathspec"}),
        ({"Dockerfile": FIXABLE, ".gitignore": "*.dev.Dockerfile\n"}, ["--check", "."], {"pipfix.engine", "pathspec"}),
        ({"Dockerfile": FIXABLE}, ["--check", "--jobs", "1", "."], {"pipfix.engine"}),
        # typer's parser imports difflib (to suggest an option for a misspelled one)
        ({"Dockerfile": FIXABLE}, ["--check", "-qj1", "."], {"typer", "difflib", "pipfix.engine"}),
    ],
)
def test_runs_import_only_what_they_need(tmp_path, files, args, imported):
    (tmp_path / ".git").mkdir()  # no configuration file from above
    for name, content in files.items():
        write(tmp_path / name, content)
    process, modules = imported_modules(*args, stdin=b"", cwd=tmp_path)
    assert process.returncode in (0, 1), process.stderr
    assert LAZY & modules == imported


# --- `pipfix lsp` dispatch -------------------------------------------------------------------


def test_lsp_without_pygls_says_how_to_install_it(monkeypatch, capsys):
    from pipfix.cli import main

    monkeypatch.delitem(sys.modules, "pipfix.lsp", raising=False)
    monkeypatch.setitem(sys.modules, "pygls", None)
    monkeypatch.setitem(sys.modules, "pygls.lsp", None)
    monkeypatch.setitem(sys.modules, "pygls.lsp.server", None)
    assert main(["lsp"]) == 2
    assert "the lsp extra (pip install '.[lsp]' in a clone of pipfix)" in capsys.readouterr().err


def test_lsp_help_and_unknown_arguments(capsys):
    from pipfix.cli import main

    assert main(["lsp", "--help"]) == 0
    assert capsys.readouterr().out.startswith("Usage: pipfix lsp [OPTIONS]")
    assert main(["lsp", "--stdio", "--tcp"]) == 2
    err = capsys.readouterr().err
    assert "Error: No such option" in err
    assert "--tcp" in err

"""End to end in a real editor: Neovim (headless) formats a Dockerfile through `pipfix lsp`
and saves it, types in it, formats and saves again (tests/data/neovim/init.lua); the file on
disk must be the CLI's fix each time. Skipped where `nvim` is not installed (.ci/run installs
Debian's neovim)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .cli_support import CLEAN_ENV, SOURCE_ROOT
from .lsp_support import cli_output

pytest.importorskip("pygls.lsp.server")  # the lsp extra

NVIM = shutil.which("nvim")
INIT = Path(__file__).parent / "data" / "neovim" / "init.lua"

pytestmark = pytest.mark.skipif(NVIM is None, reason="Neovim (nvim) is not installed")

BEFORE = (
    "FROM python:3.12\n"
    "RUN echo '😀 é' && pip install flask\n"
    "RUN python -m pip install gunicorn \\\n"
    "    && uv pip install --system requests\n"
)
AFTER = (
    "FROM python:3.12\n"
    "RUN echo '😀 é' && pip install --no-cache-dir flask\n"
    "RUN python -m pip install --no-cache-dir gunicorn \\\n"
    "    && uv pip install --no-cache --system requests\n"
)


def save_twice(tmp_path: Path, text: str, insert: str, append: str) -> tuple[str, str]:
    """Neovim opens `text`, formats and saves it, inserts `insert` at the end of line 2 and
    appends the line `append`, formats and saves again: the file after each save."""
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_bytes(text.encode())
    process = subprocess.run(
        [NVIM, "--headless", "--clean", "-u", str(INIT)],
        capture_output=True,
        stdin=subprocess.DEVNULL,
        cwd=tmp_path,
        env={
            **CLEAN_ENV,
            "PYTHONPATH": str(SOURCE_ROOT),
            "PIPFIX_FILE": str(dockerfile),
            "PIPFIX_PYTHON": sys.executable,
            "PIPFIX_INSERT": insert,
            "PIPFIX_APPEND": append,
            "HOME": str(tmp_path),  # no user configuration, no shada in the real home
        },
        timeout=120,
    )
    assert process.returncode == 0, process.stderr.decode(errors="replace")
    return (tmp_path / "Dockerfile.first").read_bytes().decode(), dockerfile.read_bytes().decode()


def typed(text: str, insert: str, append: str) -> str:
    """`text` after what save_twice types into it."""
    lines = text.split("\n")
    lines[1] += insert
    return "\n".join([*lines[:-1], append, ""])


def test_neovim_formats_and_saves_through_pipfix_lsp(tmp_path):
    insert, append = " && pip install six", "RUN pip install seven"
    first, second = save_twice(tmp_path, BEFORE, insert, append)
    assert first == AFTER
    assert second == cli_output(typed(AFTER, insert, append))
    assert second.count("--no-cache-dir") == 4 and second.count("--no-cache ") == 1


# Line breaks for Python's str.splitlines(), ordinary characters for Neovim and the LSP
# specification: a server that splits lines there inserts fixes twice or inside words.
NOT_LINE_BREAKS = "\f\v\x1c\x1d\x1e\x85\u2028\u2029"


def test_characters_splitlines_breaks_at_survive_two_saves(tmp_path):
    text = (
        "FROM python:3.12\n"
        f"RUN echo '{NOT_LINE_BREAKS}' && pip install flask\n"
        f"RUN echo {NOT_LINE_BREAKS} && python -m pip install gunicorn\n"
    )
    insert = f" && echo '{NOT_LINE_BREAKS}' && pip install six"
    append = f"RUN echo '{NOT_LINE_BREAKS}' && uv pip install --system seven"
    first, second = save_twice(tmp_path, text, insert, append)
    assert first == cli_output(text)
    assert second == cli_output(typed(first, insert, append))
    assert second.count("--no-cache-dir") == 3 and second.count("--no-cache ") == 1


def test_a_lone_cr_gets_no_fix_after_it(tmp_path):
    # Neovim keeps a CR inside a line (^M) and counts lines after it as LF alone ends them
    text = "FROM python:3.12\nRUN pip install a && echo 'x\ry' && pip install b\nRUN pip install c\n"
    first, second = save_twice(tmp_path, text, " && pip install d", "RUN pip install e")
    fixed = text.replace("pip install a", "pip install --no-cache-dir a")
    assert first == fixed
    assert second == typed(fixed, " && pip install d", "RUN pip install e")

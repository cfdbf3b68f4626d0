"""End to end in a real editor: Neovim (headless) formats a Dockerfile through `pipfix lsp`
and saves it; the file on disk must be the CLI's fix. Skipped where `nvim` is not installed
(.ci/run installs Debian's neovim)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .cli_support import CLEAN_ENV, SOURCE_ROOT

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


def test_neovim_formats_and_saves_through_pipfix_lsp(tmp_path):
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_bytes(BEFORE.encode())
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
            "HOME": str(tmp_path),  # no user configuration, no shada in the real home
        },
        timeout=120,
    )
    assert process.returncode == 0, process.stderr.decode(errors="replace")
    assert dockerfile.read_bytes().decode() == AFTER

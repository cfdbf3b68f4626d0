"""PIP007 pip-sync-keeps-cache

## What it does
Finds pip-sync calls whose pip keeps its download cache (no `--no-cache-dir` in `--pip-args`,
no `PIP_NO_CACHE_DIR`, no cache mount on `~/.cache/pip`), also as `python -m piptools sync`.

## Why is this bad?
pip-sync installs with pip, which keeps every wheel it downloads or builds in `~/.cache/pip`:
in an image layer that is dead weight.

## Example
    RUN pip-sync requirements.txt

## Fixed
    RUN pip-sync --pip-args=--no-cache-dir requirements.txt
(or `RUN PIP_NO_CACHE_DIR=1 pip-sync requirements.txt` with `--strategy env`). When
`--pip-args` is already given, the flag goes into its value (`--pip-args="--no-cache-dir -q"`):
a second `--pip-args` would replace the first.

With `--strategy mount` (docs/mount.md):
    RUN --mount=type=cache,target=/root/.cache/pip pip-sync requirements.txt
"""

from __future__ import annotations

from .keeps_cache import keeps_cache_check

CODE = "PIP007"
NAME = "pip-sync-keeps-cache"
FIXABLE = True
TOOL = "pip-tools"

check = keeps_cache_check(CODE, TOOL)

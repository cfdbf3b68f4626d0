"""PIP001 pip-keeps-cache (hadolint DL3042)

## What it does
Finds `pip install`, `pip download` and `pip wheel` calls (also `python -m pip`, any path,
behind wrappers such as `sudo`, `env`, `xargs`) that keep pip's download cache.

## Why is this bad?
pip stores every downloaded wheel in `~/.cache/pip`; in a Docker layer that is megabytes to
gigabytes nobody uses again.

## Example
    RUN pip install -r requirements.txt

## Fixed
    RUN pip install --no-cache-dir -r requirements.txt
(or `RUN PIP_NO_CACHE_DIR=1 pip install -r requirements.txt` with `--strategy env`)

A RUN that reads pip's cache after the call (`cp -r ~/.cache/pip/wheels /wheels`, `pip cache
list`) is reported without a fix: it needs the cache.

With `--strategy mount`, a cache mount on the directory the call uses (docs/mount.md):
    RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt
"""

from __future__ import annotations

from .keeps_cache import keeps_cache_check

CODE = "PIP001"
NAME = "pip-keeps-cache"
FIXABLE = True
TOOL = "pip"

check = keeps_cache_check(CODE, TOOL)

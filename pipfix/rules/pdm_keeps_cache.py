"""PIP005 pdm-keeps-cache

## What it does
Finds pdm calls that keep pdm's cache (no `--no-cache`, no `PDM_NO_CACHE`, no cache mount on
`~/.cache/pdm` or `PDM_CACHE_DIR`). The calls that fill it: `pdm install`, `sync`, `add`,
`update`, `lock`, `remove` and `build`, also as `python -m pdm`.

## Why is this bad?
pdm keeps the downloaded wheels, their metadata and hashes in `~/.cache/pdm`: in an image layer
that is dead weight (flask alone left 5.8 MB). pdm turns the cache off for any non-empty
`PDM_NO_CACHE`, `0` and `false` included.

## Example
    RUN pdm install --prod --frozen-lockfile

## Fixed
    RUN pdm --no-cache install --prod --frozen-lockfile
(or `RUN PDM_NO_CACHE=1 pdm install --prod --frozen-lockfile` with `--strategy env`).
`--no-cache` is one of pdm's global options: it must stand before the command
(`pdm install --no-cache` is a usage error).

With `--strategy mount` (docs/mount.md):
    RUN --mount=type=cache,target=/root/.cache/pdm pdm install --prod --frozen-lockfile
"""

from __future__ import annotations

from .keeps_cache import keeps_cache_check

CODE = "PIP005"
NAME = "pdm-keeps-cache"
FIXABLE = True
TOOL = "pdm"

check = keeps_cache_check(CODE, TOOL)

"""PIP004 no-cache-defeats-mount (advisory, never fixed)

## What it does
Finds `--no-cache-dir` (`--no-cache` for uv and pdm, `--pip-args=--no-cache-dir` for pipx and
pip-sync) in a RUN whose `--mount=type=cache` (or tmpfs) holds the cache directory.

## Why is this bad?
The cache mount keeps the cache out of the image and reuses it across builds; turning the
cache off throws that away and makes every build download everything again.

## Example
    RUN --mount=type=cache,target=/root/.cache/pip pip install --no-cache-dir -r requirements.txt

## Fixed
Remove `--no-cache-dir` by hand (pipfix only ever inserts text).
"""

from __future__ import annotations

from ..cache import CacheUse
from ..settings import Strategy
from .violation import Violation

CODE = "PIP004"
NAME = "no-cache-defeats-mount"
FIXABLE = False


def check(use: CacheUse, strategy: Strategy) -> Violation | None:
    no_cache = use.invocation.no_cache
    if no_cache is None or use.mount is None:
        return None
    message = f"`{no_cache.text or no_cache.raw}` defeats the cache mount on {use.mount}"
    return Violation(CODE, message, no_cache.start, None)

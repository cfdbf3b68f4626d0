"""PIP002 uv-keeps-cache

## What it does
Finds uv calls that keep uv's cache (no `--no-cache`, no `UV_NO_CACHE`, no cache mount on
`~/.cache/uv`). The calls that fill it: `uv pip install|sync|compile`, `uv sync`, `uv add`,
`uv remove`, `uv lock`, `uv run`, `uv build`, `uv venv --seed`, `uv tool install|upgrade|run` and
`uvx`, also as `python -m uv`. `uv run pip install x` is two calls, uv's and pip's, and both are
fixed.

## Why is this bad?
uv keeps every downloaded and built distribution in `~/.cache/uv`; in an image layer that is
dead weight. uv reads `UV_NO_CACHE` as a real boolean: `UV_NO_CACHE=false` keeps the cache.

Calls in uv's symlink link mode (`--link-mode symlink`, `UV_LINK_MODE=symlink`) are left alone:
their environment links into the cache, and uv refuses `--no-cache` there. So are the uv calls
before them in the same RUN, which fill the cache they link into. A RUN that reads uv's cache
after the call (`cp -r ~/.cache/uv/wheels-v5 /w`) is reported without a fix.

## Example
    RUN uv pip install --system -r requirements.txt

## Fixed
    RUN uv pip install --no-cache --system -r requirements.txt
(or `RUN UV_NO_CACHE=1 uv pip install --system -r requirements.txt` with `--strategy env`).
The flag goes right after the command: `uvx --no-cache ruff`, `uv run --no-cache app`.

With `--strategy mount` (docs/mount.md):
    RUN --mount=type=cache,target=/root/.cache/uv uv pip install --system -r requirements.txt
"""

from __future__ import annotations

from ..cache import CacheUse
from ..reuse import links_into_cache
from ..settings import Strategy
from .keeps_cache import keeps_cache
from .violation import Violation

CODE = "PIP002"
NAME = "uv-keeps-cache"
FIXABLE = True
TOOL = "uv"


def check(use: CacheUse, strategy: Strategy) -> Violation | None:
    if use.invocation.tool != TOOL or links_into_cache(use):
        return None
    if use.reuse is not None and use.reuse.links:
        return None  # the cache it fills is the one a later call links into
    return keeps_cache(use, strategy, CODE, TOOL)

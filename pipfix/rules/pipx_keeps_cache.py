"""PIP006 pipx-keeps-cache

## What it does
Finds pipx calls whose installs keep pip's (or uv's) download cache (no `--no-cache-dir` in
`--pip-args`, no `PIP_NO_CACHE_DIR`, no cache mount on `~/.cache/pip`). The calls: `pipx install`,
`install-all`, `inject`, `upgrade`, `upgrade-all`, `upgrade-shared` and `run` (the commands that
take `--pip-args`), also as `python -m pipx`.

## Why is this bad?
pipx installs each app with pip (or with uv, when uv is installed), which keeps every download
in its cache: in an image layer that is dead weight. `PIP_NO_CACHE_DIR` does not reach uv, so
with `--backend uv` (or `PIPX_DEFAULT_BACKEND=uv`) it does not count.

## Example
    RUN pipx install poetry

## Fixed
    RUN pipx install --pip-args=--no-cache-dir poetry
in every strategy: `--pip-args` reaches pip and uv alike. When `--pip-args` is already
given, the flag goes into its value (`--pip-args="--no-cache-dir --pre"`): a second
`--pip-args` would replace the first.

`--strategy mount` keeps the flag: pipx runs pip or uv, whichever it finds (docs/mount.md).
"""

from __future__ import annotations

from ..cache import CacheUse
from ..settings import Strategy
from .keeps_cache import keeps_cache
from .violation import Violation

CODE = "PIP006"
NAME = "pipx-keeps-cache"
FIXABLE = True
TOOL = "pipx"


def check(use: CacheUse, strategy: Strategy) -> Violation | None:
    if use.invocation.tool != TOOL:
        return None
    if use.off and use.invocation.no_cache is None and _backend_is_uv(use):
        use = use._replace(off=False)  # the variable turned it off, but it does not reach uv
    return keeps_cache(use, strategy, CODE, TOOL)


def _backend_is_uv(use: CacheUse) -> bool:
    words = [word.text for word in use.invocation.arguments]
    for position, word in enumerate(words):
        if word == "--backend=uv" or (word == "--backend" and words[position + 1 : position + 2] == ["uv"]):
            return True
    return use.env.get("PIPX_DEFAULT_BACKEND") == "uv"

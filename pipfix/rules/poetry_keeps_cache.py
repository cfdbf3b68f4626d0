"""PIP009 poetry-keeps-cache

## What it does
Finds Poetry calls whose downloads stay in the image (the RUN does not remove them, no cache
mount holds them). The calls: `poetry install`, `sync`, `add`, `update`, `lock` and `remove`,
also as `python -m poetry`. Poetry's cache directory is `POETRY_CACHE_DIR`, else
`$XDG_CACHE_HOME/pypoetry`, else `~/.cache/pypoetry`.

## Why is this bad?
Poetry keeps every wheel it downloads in `artifacts/` and the index pages in `cache/`. Neither
`--no-cache` nor `poetry cache clear --all PyPI` removes the wheels (measured with Poetry 2.5).

## Example
    RUN poetry install --no-root

## Fixed
    RUN poetry install --no-root && rm -rf /root/.cache/pypoetry/cache /root/.cache/pypoetry/artifacts
with the flag and env strategies, at the end of the RUN so that it runs last (in a heredoc
under `set -e`, a line of its own). `virtualenvs/`, where Poetry puts its environments by
default, stays. No fix where the directory is not known (a user without a known home), and none
in exec form; the finding is reported. A removal in a later RUN saves nothing: the layer keeps
the files.

With `--strategy mount`, cache mounts on what the removal would remove, so that `virtualenvs/`
stays in the image (docs/mount.md):
    RUN --mount=type=cache,target=/root/.cache/pypoetry/cache \\
        --mount=type=cache,target=/root/.cache/pypoetry/artifacts poetry install --no-root
"""

from __future__ import annotations

from .keeps_cache import keeps_cache_check

CODE = "PIP009"
NAME = "poetry-keeps-cache"
FIXABLE = True
TOOL = "poetry"

check = keeps_cache_check(CODE, TOOL)

"""PIP008 pipenv-keeps-cache

## What it does
Finds pipenv calls whose caches stay in the image (no `pipenv --clear` later in the same RUN,
no cache mount on `~/.cache/pipenv` or `PIPENV_CACHE_DIR`). The calls: `pipenv install`, `sync`,
`lock`, `update` and `upgrade`, also as `python -m pipenv`.

## Why is this bad?
pipenv points pip's cache at its own directory, `~/.cache/pipenv`, and its resolver caches
there too when it locks. `PIP_NO_CACHE_DIR` (or `--extra-pip-args=--no-cache-dir`) empties pip's
part when pipenv only installs from the lock file (`sync`, `install --deploy`,
`install --ignore-pipfile`), so those calls are left alone; a call that may lock is not.

Creating a virtualenv (not with `--system`) also leaves virtualenv's seed data in
`~/.cache/virtualenv` (6-13 MB); that is virtualenv's, and stays.

## Example
    RUN pipenv install --system --deploy

## Fixed
    RUN pipenv install --system --deploy && pipenv --clear
in every strategy (`--strategy mount` keeps it: docs/mount.md): `pipenv --clear` empties
pipenv's and pip's caches. It goes at the end of the RUN so that it runs last; in a heredoc
under `set -e` it is a line of its own.
"""

from __future__ import annotations

from ..cache import CacheUse
from ..settings import Strategy
from .keeps_cache import keeps_cache
from .violation import Violation

CODE = "PIP008"
NAME = "pipenv-keeps-cache"
FIXABLE = True
TOOL = "pipenv"
_FROM_THE_LOCK_FILE = frozenset({"--deploy", "--ignore-pipfile"})


def check(use: CacheUse, strategy: Strategy) -> Violation | None:
    if use.invocation.tool != TOOL:
        return None
    if use.off and _may_lock(use):
        use = use._replace(off=False)  # pip's settings do not reach pipenv's resolver
    return keeps_cache(use, strategy, CODE, TOOL)


def _may_lock(use: CacheUse) -> bool:
    invocation = use.invocation
    command = invocation.subcommand.text
    if command == "sync":
        return False
    return command != "install" or not any(word.text in _FROM_THE_LOCK_FILE for word in invocation.arguments)

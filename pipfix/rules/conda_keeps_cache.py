"""PIP010 conda-keeps-cache

## What it does
Finds conda, mamba and micromamba calls whose package cache stays in the image (no `clean
--all` or `-a` after them in the RUN, no cache mount on the pkgs directory). The calls: `install`,
`create`, `update`, `upgrade`, `env create` and `env update`; `--download-only` and `--dry-run`
calls are left alone.

## Why is this bad?
conda keeps every package it downloads, as a tarball and unpacked, in the pkgs directory of its
prefix (`/opt/conda/pkgs`): conda images lose 0.7-7 GB to it. A clean-up in a later RUN saves
nothing: the layer keeps the files.

## Example
    RUN conda install -y numpy

## Fixed
    RUN conda install -y numpy && conda clean --all --yes
in every strategy (`--strategy mount` keeps it: docs/mount.md), with the call's own program
word (`/opt/conda/bin/mamba clean --all --yes`). It goes at the end of the RUN so that it runs
last; in a heredoc under `set -e` it is a line of its own. Never `--force-pkgs-dirs` (`-f`):
environments may link back into pkgs.
"""

from __future__ import annotations

from .keeps_cache import keeps_cache_check

CODE = "PIP010"
NAME = "conda-keeps-cache"
FIXABLE = True
TOOL = "conda"

check = keeps_cache_check(CODE, TOOL)

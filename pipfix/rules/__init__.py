"""Stage 3b: the rules. Each module holds CODE, NAME, FIXABLE, its documentation and `check`.

Call rules check one installer call (`check(use: CacheUse, strategy) -> Violation | None`);
setting rules check one variable set by ENV, ARG or an inline prefix (`check(setting)`).
"""

from __future__ import annotations

from . import (
    conda_keeps_cache,
    invalid_no_cache_value,
    no_cache_defeats_mount,
    pdm_keeps_cache,
    pip_keeps_cache,
    pip_sync_keeps_cache,
    pipenv_keeps_cache,
    pipx_keeps_cache,
    poetry_keeps_cache,
    uv_keeps_cache,
)
from .violation import Violation

CALL_RULES = (
    pip_keeps_cache,
    uv_keeps_cache,
    pdm_keeps_cache,
    pipx_keeps_cache,
    pip_sync_keeps_cache,
    pipenv_keeps_cache,
    poetry_keeps_cache,
    conda_keeps_cache,
    no_cache_defeats_mount,
)
SETTING_RULES = (invalid_no_cache_value,)
RULES = CALL_RULES + SETTING_RULES

__all__ = ["CALL_RULES", "RULES", "SETTING_RULES", "Violation"]

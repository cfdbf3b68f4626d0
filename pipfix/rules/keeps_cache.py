"""What the rules about one installer's cache share: a call that keeps its cache in the image
layer is a finding at the call's program word, with the edit that turns the cache off."""

from __future__ import annotations

from collections.abc import Callable

from ..cache import CacheUse
from ..fixes import NoFix, cache_off_edit
from ..settings import Strategy
from .violation import Violation


def keeps_cache(use: CacheUse, strategy: Strategy, code: str, tool: str) -> Violation | None:
    """The violation of a call of `tool` that keeps its cache: nothing turns it off or empties
    it later in the RUN, and no cache mount holds it. Not fixed when a later command of the RUN
    reads the cache."""
    invocation = use.invocation
    if invocation.tool != tool or use.off or use.cleaned or use.mount is not None:
        return None
    message = f"`{invocation.name}` keeps its download cache in the image layer"
    if use.reuse is not None:
        message += f"; not fixed: `{use.reuse.by}` reads the cache later in this RUN"
        return Violation(code, message, invocation.program.start, None)
    fix = cache_off_edit(use, strategy)
    if isinstance(fix, NoFix):
        return Violation(code, f"{message}; not fixed: {fix.reason}", invocation.program.start, None)
    return Violation(code, message, invocation.program.start, fix)


def keeps_cache_check(code: str, tool: str) -> Callable[[CacheUse, Strategy], Violation | None]:
    """The `check` of the rule `code` about `tool`'s cache."""

    def check(use: CacheUse, strategy: Strategy) -> Violation | None:
        return keeps_cache(use, strategy, code, tool)

    return check

"""The edits that turn a call's cache off: a flag in the call, or a variable before it."""

from __future__ import annotations

from .cache import CacheUse
from .edits import Edit
from .settings import Strategy
from .wrappers import expands_in_cmd


def cache_off_edit(use: CacheUse, strategy: Strategy) -> Edit | None:
    """The edit for a call that keeps its cache, or None when it cannot be placed safely."""
    invocation = use.invocation
    installer = invocation.installer
    command = invocation.command
    if not command.confident:
        return None
    if strategy is Strategy.ENV and installer.no_cache_variable is not None and _prefix_reaches(use):
        return Edit(command.words[0].start, f"{installer.no_cache_variable}=1 ")
    flag = installer.fix_text
    if command.exec_form:
        return Edit(invocation.flag_after.end, f'{command.separator}"{flag}"')
    return Edit(invocation.flag_after.end, f" {flag}")


def _prefix_reaches(use: CacheUse) -> bool:
    """A `VAR=1 ` prefix reaches the call: no sudo, `env -i` or `time` in between, a POSIX
    shell (no word that only cmd expands, `%PYTHON%`: a Windows image's default shell), and no
    pip --cache-dir on the command line (which beats pip's variable)."""
    invocation = use.invocation
    return (
        use.context.dialect == "posix"
        and not any(expands_in_cmd(word) for word in invocation.command.words)
        and not invocation.command.exec_form
        and invocation.env_reachable
        and invocation.env_prefixable
        and not (invocation.installer.last_cache_option_wins and invocation.cache_dir is not None)
    )

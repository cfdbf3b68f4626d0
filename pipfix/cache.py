"""Where an installer call puts its download cache, and whether anything already turns it off."""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from typing import NamedTuple

from .installers import Truth
from .invocation import Invocation
from .stages import RunContext
from .wrappers import static_value

# pip reads these as booleans, and every one of them turns the cache off ("false" included).
PIP_BOOLEANS = frozenset({"1", "0", "true", "false", "on", "off", "yes", "no", "y", "n", "t", "f"})
FALSE_VALUES = frozenset({"0", "false", "off", "no", "n", "f"})


class Reuse(NamedTuple):
    """How a later command of the RUN needs a call's cache (see reuse.py)."""

    by: str  # that command, as a message shows it
    links: bool  # a uv call in symlink mode links into the cache (else the command reads it)


class CacheUse(NamedTuple):
    invocation: Invocation
    context: RunContext
    env: Mapping[str, str | None]  # the variables the call sees (None: set, value unknown)
    off: bool  # the command line or a variable already turns the cache off (or pip aborts)
    directory: str | None  # where the cache would go; None when unknown
    mount: str | None  # the cache or tmpfs mount target that holds `directory`, if any
    reuse: Reuse | None = None  # a later command of the RUN needs the cache


def cache_use(invocation: Invocation, context: RunContext) -> CacheUse:
    env: dict[str, str | None] = {}
    if invocation.env_reachable:
        env.update(invocation.command.exported)  # the stage's ENV and ARG, as the RUN left them
        env.update(invocation.command.assignments)
    for name in invocation.wrapper_unset:
        env.pop(name, None)
    env.update(invocation.wrapper_env)
    installer = invocation.installer
    if invocation.no_cache is not None:
        off = True
    elif installer.last_cache_option_wins and invocation.cache_dir is not None:
        off = False  # pip: a --cache-dir on the command line beats the variable (uv: it does not)
    else:
        off = _variable_turns_off(invocation, env)
    directory = _directory(invocation, env, context)
    return CacheUse(invocation, context, env, off, directory, _covering_mount(invocation, directory, context))


def _variable_turns_off(invocation: Invocation, env: Mapping[str, str | None]) -> bool:
    name = invocation.installer.no_cache_variable
    if name is None or name not in env:
        return False
    value = env[name]
    if value is None:
        return True  # set to something we cannot see: leave the call alone
    if invocation.installer.truth is Truth.NON_EMPTY:
        return value != ""  # any non-empty value: off, or pip aborts on it (PIP003)
    return value.strip().lower() not in FALSE_VALUES and value != ""


def _directory(invocation: Invocation, env: Mapping[str, str | None], context: RunContext) -> str | None:
    installer = invocation.installer
    if invocation.cache_dir is not None:
        value = static_value(invocation.cache_dir, env)
        if value is not None and value.startswith("--cache-dir="):
            value = value.partition("=")[2]
        return posixpath.normpath(value) if value and value.startswith("/") else None
    if installer.cache_dir_variable is not None and installer.cache_dir_variable in env:
        value = env[installer.cache_dir_variable]
        return posixpath.normpath(value) if value and value.startswith("/") else None
    if installer.cache_name is None:
        return None
    base = env.get("XDG_CACHE_HOME") or (env.get("HOME") if "HOME" in env else context.home)
    if not base:
        return None
    if not env.get("XDG_CACHE_HOME"):
        base = posixpath.join(base, ".cache")
    return posixpath.join(posixpath.normpath(base), installer.cache_name)


def _covering_mount(invocation: Invocation, directory: str | None, context: RunContext) -> str | None:
    name = invocation.installer.cache_name
    for target in context.cache_mounts:
        if directory is None:
            if name is not None and target.endswith(("/.cache", f"/.cache/{name}")):
                return target
        elif directory == target or directory.startswith(target.rstrip("/") + "/"):
            return target
    return None

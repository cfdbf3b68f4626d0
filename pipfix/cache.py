"""Where an installer call puts its download cache, and whether anything already turns it off."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping, Sequence
from typing import NamedTuple

from .dockerfile import Instruction
from .installers import Installer, Truth
from .invocation import Invocation
from .shell import Command, ScriptEnd, Word, script_end
from .stages import RunContext, home_of
from .wrappers import base_name, program_name, static_value, unwrap

# pip reads these as booleans, and every one of them turns the cache off ("false" included).
PIP_BOOLEANS = frozenset({"1", "0", "true", "false", "on", "off", "yes", "no", "y", "n", "t", "f"})
FALSE_VALUES = frozenset({"0", "false", "off", "no", "n", "f"})


class Reuse(NamedTuple):
    """How a later command of the RUN needs a call's cache (see reuse.py)."""

    by: str  # that command, as a message shows it
    links: bool  # a uv call in symlink mode links into the cache (else the command reads it)


class Run:
    """One RUN instruction: its commands in order (what runs after a call), and where a command
    appended to it runs last (found once, when a fix asks)."""

    __slots__ = ("_end", "_end_found", "commands", "instruction", "text")

    def __init__(self, instruction: Instruction, text: str, commands: Sequence[Command]) -> None:
        self.instruction = instruction
        self.text = text  # the whole file: heredoc bodies are read in it
        self.commands = commands
        self._end: ScriptEnd | None = None
        self._end_found = False

    def after(self, position: int) -> list[Command]:
        """The commands that run after commands[position]: those that follow it, where a
        heredoc body's commands run at the place of its marker in the RUN's line."""
        order = self._order
        start = order(self.commands[position])
        return [command for command in self.commands[position + 1 :] if order(command) > start] + [
            command for command in self.commands[:position] if order(command) > start
        ]

    def _order(self, command: Command) -> tuple[int, int]:
        offset = command.words[0].start
        for heredoc in self.instruction.heredocs:
            if heredoc.body_start <= offset < heredoc.body_end:
                return self.instruction.script_map.before(heredoc.marker_start), offset
        return offset, offset

    def end(self) -> ScriptEnd | None:
        if not self._end_found:
            self._end = script_end(self.instruction, self.text)
            self._end_found = True
        return self._end


class CacheUse(NamedTuple):
    invocation: Invocation
    context: RunContext
    env: Mapping[str, str | None]  # the variables the call sees (None: set, value unknown)
    off: bool  # the command line or a variable already turns the cache off (or pip aborts)
    directory: str | None  # where the cache would go; None when unknown
    mount: str | None  # the cache or tmpfs mount target that holds `directory`, if any
    reuse: Reuse | None = None  # a later command of the RUN needs the cache
    cleaned: bool = False  # a later command of the RUN empties the cache (`conda clean --all`)
    run: Run | None = None  # the RUN, for fixes that append a command to it


def cache_use(invocation: Invocation, context: RunContext, run: Run | None = None, position: int = 0) -> CacheUse:
    """What `invocation`, the call of run.commands[position], does with its cache."""
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
    mount = _covering_mount(invocation, directory, context)
    cleaned = run is not None and _cleaned_later(installer, directory, run, position, context)
    return CacheUse(invocation, context, env, off, directory, mount, cleaned=cleaned, run=run)


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
        return _absolute(value)
    if installer.cache_dir_variable is not None and installer.cache_dir_variable in env:
        value = env[installer.cache_dir_variable]
        return _absolute(value.split(",")[0] if value else value)  # CONDA_PKGS_DIRS is a list
    if installer.prefix_cache is not None:
        return _prefix_cache(invocation, env)
    if installer.cache_name is None:
        return None
    if invocation.run_as is not None:
        home = home_of(invocation.run_as)  # sudo and gosu set HOME to the user's
    else:
        home = env.get("HOME") if "HOME" in env else context.home
    base = env.get("XDG_CACHE_HOME") or home
    if not base:
        return None
    if not env.get("XDG_CACHE_HOME"):
        base = posixpath.join(base, ".cache")
    return posixpath.join(posixpath.normpath(base), installer.cache_name)


def _absolute(path: str | None) -> str | None:
    return posixpath.normpath(path) if path and path.startswith("/") else None


def _prefix_cache(invocation: Invocation, env: Mapping[str, str | None]) -> str | None:
    """A cache in the tool's prefix (conda's pkgs): PREFIX/bin/conda puts it in PREFIX/pkgs."""
    installer = invocation.installer
    program = static_value(invocation.program, env)
    if program is not None and program.startswith("/") and posixpath.dirname(program).endswith(("/bin", "/condabin")):
        prefix: str | None = posixpath.dirname(posixpath.dirname(program))
    else:
        prefix = env.get(installer.root_prefix_variable) if installer.root_prefix_variable else None
    return _absolute(f"{prefix}/{installer.prefix_cache}" if prefix else None)


def _covering_mount(invocation: Invocation, directory: str | None, context: RunContext) -> str | None:
    installer = invocation.installer
    if directory is None:  # a mount where such a cache usually is
        name = installer.cache_name
        suffixes = (f"/{installer.prefix_cache}",) if name is None else ("/.cache", f"/.cache/{name}")
        return next((target for target in context.cache_mounts if target.endswith(suffixes)), None)
    # Poetry's directory also holds what must stay (virtualenvs/): mounts on what its fix removes
    # cover it
    paths = [f"{directory}/{name}" for name in installer.removed] or [directory]
    held = [next((target for target in context.cache_mounts if _holds(target, path)), None) for path in paths]
    return held[0] if all(held) else None


def _holds(path: str, directory: str) -> bool:
    """`path` is `directory` or one of its parents (`DIR/*`: its contents)."""
    path = path.removesuffix("/*") if path.endswith("/*") else path
    return directory == path or directory.startswith(path.rstrip("/") + "/")


def _cleaned_later(installer: Installer, directory: str | None, run: Run, position: int, context: RunContext) -> bool:
    """A command after the call in the same RUN empties its cache: the tool's clean-up
    (`conda clean --all`, `pipenv --clear`), or an `rm -r` of the cache directory, a parent, or
    (Poetry) of every subdirectory the fix would remove."""
    if installer.clean_up is None and not installer.removed:
        return False
    targets = [f"{directory}/{name}" for name in installer.removed] if directory else []
    if directory and not targets:
        targets = [directory]
    removed: list[str] = []
    for command in run.after(position):
        variables = {**command.exported, **command.assignments}
        unwrapped = unwrap(command.words, variables, lambda word: True)
        if unwrapped is None:
            continue
        words = command.words[unwrapped[0] :]
        name = program_name(words[0], variables)
        if name in installer.programs and _is_clean_up(installer, words[1:]):
            return True
        if name == "rm" and any(_is_cache_dir_query(installer, word) for word in words[1:]):
            return True
        if name == "rm" and targets:
            removed.extend(_removed_paths(words[1:], variables, context.home))
            if all(any(_holds(path, target) for path in removed) for target in targets):
                return True
    return False


def _is_cache_dir_query(installer: Installer, word: Word) -> bool:
    """The word is `$(TOOL config cache-dir)`: the tool's own answer for its cache directory."""
    raw = word.raw.removeprefix('"').removesuffix('"')
    if not installer.cache_dir_query or not (raw.startswith("$(") and raw.endswith(")")):
        return False
    program, *rest = raw[2:-1].split() or [""]
    return base_name(program) in installer.programs and tuple(rest) == installer.cache_dir_query


def _is_clean_up(installer: Installer, arguments: Sequence[Word]) -> bool:
    clean = installer.clean_up
    if clean is None:
        return False
    texts = [word.text or "" for word in arguments]
    options = [text for text in texts if text.startswith("-")]
    positionals = [text for text in texts if not text.startswith("-")]
    if positionals[:1] != ([clean.command] if clean.command else []):
        return False
    return any(
        option in clean.options
        or (clean.letters and not option.startswith("--") and any(letter in option for letter in clean.letters))
        for option in options
    )


_RECURSIVE = re.compile(r"-[a-zA-Z]*[rR][a-zA-Z]*|--recursive")
_EXPANSION = re.compile(r"\$(?:\{(\w+)\}|(\w+))")


def expanded(raw: str, variables: Mapping[str, str | None], home: str | None) -> str | None:
    """A word made of text and `$NAME` / `${NAME}` of known variables (HOME: the user's home),
    in double quotes or none: its value; None for anything else."""
    if any(char in raw for char in "'\\`") or "$(" in raw:
        return None
    unknown = False

    def value(match: re.Match[str]) -> str:
        nonlocal unknown
        name = match.group(1) or match.group(2)
        found = variables.get(name) or (home if name == "HOME" else None)
        unknown = unknown or found is None
        return found or ""

    expanded = _EXPANSION.sub(value, raw).replace('"', "")
    return None if unknown else expanded


def _removed_paths(arguments: Sequence[Word], variables: Mapping[str, str | None], home: str | None) -> list[str]:
    """The absolute paths an `rm` removes, when it removes directories (-r)."""
    home = variables.get("HOME") or home
    values = [word.text if word.text is not None else expanded(word.raw, variables, home) for word in arguments]
    if not any(value and _RECURSIVE.fullmatch(value) for value in values):
        return []
    paths = []
    for value in values:
        if value is None or value.startswith("-"):
            continue
        if home and (value == "~" or value.startswith("~/")):
            value = home + value[1:]
        contents = value.endswith("/*")
        if (path := _absolute(value[:-2] if contents else value)) is not None:
            paths.append(path.rstrip("/") + "/*" if contents else path)
    return paths

"""Wrapper commands that run another command (sudo, env, exec, nice, timeout, xargs, find -exec,
conda run, ...): one grammar for the shell stage, which looks for `sh -c` behind them, and the
invocation stage, which looks for pip behind them."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .shell import Word

SIMPLE_EXPANSION = re.compile(r'"?\$(?:\{(\w+)(?::?-([^}"$]*))?\}|(\w+))"?')


def static_value(word: Word, variables: Mapping[str, str | None]) -> str | None:
    """The word's value when it is static or a single known variable (`$PIP`, `${PY:-python3}`)."""
    if word.text is not None:
        return word.text
    match = SIMPLE_EXPANSION.fullmatch(word.raw)
    if match is None:
        return None
    name = match.group(1) or match.group(3)
    value = variables.get(name)
    if value:
        return value
    return match.group(2) or None


_NAME_MAX = 256


def program_name(word: Word, variables: Mapping[str, str | None]) -> str | None:
    """The last path component of a program word, lower case, without `.exe`; it may be static
    even when the directory is not (`$VENV/bin/pip`)."""
    value = static_value(word, variables)
    if value is None:
        # only the end of a word can be a file name (at most NAME_MAX long): looking further
        # would make a deeply nested `$(` quadratic
        tail = word.raw[-_NAME_MAX:].strip("\"'").rsplit("/", 1)
        if len(tail) != 2 or any(c in tail[1] for c in "$`\"'\\"):
            return None
        value = tail[1]
    return base_name(value)


def base_name(path: str) -> str:
    """The file name of a program's path (`/` or `\\` separated), lower case, without `.exe`."""
    return path[-_NAME_MAX:].rsplit("/", 1)[-1].rsplit("\\", 1)[-1].lower().removesuffix(".exe")


_SUDO_VALUE_OPTIONS = frozenset("ugCDhprtUT")
_SUDO_LONG_VALUE_OPTIONS = frozenset(
    {
        "--user", "--group", "--chdir", "--chroot", "--close-from", "--host", "--prompt", "--role",
        "--type", "--other-user", "--command-timeout",
    }
)  # fmt: skip
_XARGS_VALUE_OPTIONS = frozenset("adEeIiLlnPs")
_XARGS_LONG_VALUE_OPTIONS = frozenset(
    {"--arg-file", "--delimiter", "--max-args", "--max-procs", "--max-chars", "--process-slot-var"}
)
_FIND_EXEC = frozenset({"-exec", "-execdir", "-ok", "-okdir"})
_CONDA_VALUE_OPTIONS = frozenset({"-n", "--name", "-p", "--prefix", "--cwd", "-a", "--attach", "-r", "--root-prefix"})
_UV_RUN_VALUE_OPTIONS = frozenset(
    {
        "--with", "--with-editable", "--with-requirements", "--python", "-p", "--directory",
        "--project", "--env-file", "--extra", "--group", "--only-group", "--no-group", "--package",
        "--index", "--index-url", "--extra-index-url", "--default-index", "--find-links", "-f",
        "--cache-dir", "--config-file", "--script", "--module", "-m",
    }
)  # fmt: skip
_ASSIGNMENT = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)=(.*)", re.DOTALL)


@dataclass(slots=True)
class Wrapping:
    """What the wrappers in front of a program do to its environment."""

    env_reachable: bool = True
    env_prefixable: bool = True
    env: dict[str, str | None] = field(default_factory=dict)
    unset: set[str] = field(default_factory=set)

    def fields(self) -> tuple[bool, bool, Mapping[str, str | None], frozenset[str]]:
        return self.env_reachable, self.env_prefixable, self.env, frozenset(self.unset)


def unwrap(
    words: Sequence[Word], variables: Mapping[str, str | None], is_wanted: Callable[[Word], bool]
) -> tuple[int, Wrapping] | None:
    """Skip the wrapper commands at the start of `words`. Returns the index of the wrapped
    program and what the wrappers do to its environment, or None when the command runs no
    other program. Of several `find -exec` commands, the first `is_wanted` one is taken."""
    wrapping = Wrapping()
    index = 0
    while index < len(words):
        name = program_name(words[index], variables)
        index += 1
        if name in ("sudo", "doas"):
            preserve = False
            while index < len(words) and (words[index].text or "").startswith("-"):
                option = words[index].text
                index += 1
                if option == "--":
                    break
                if option in ("-E", "--preserve-env") or option.startswith("--preserve-env="):
                    preserve = True
                elif option in _SUDO_LONG_VALUE_OPTIONS or (
                    not option.startswith("--") and option[-1] in _SUDO_VALUE_OPTIONS
                ):
                    index += 1
            index = _take_assignments(words, index, wrapping.env)
            wrapping.env_reachable = wrapping.env_reachable and preserve
            wrapping.env_prefixable = False
        elif name == "env":
            while index < len(words) and (words[index].text or "").startswith("-"):
                option = words[index].text
                index += 1
                if option in ("-i", "-", "--ignore-environment"):
                    wrapping.env_reachable = False
                    wrapping.env_prefixable = False
                elif option in ("-u", "--unset") and index < len(words):
                    wrapping.unset.add(words[index].text or "")
                    wrapping.env_prefixable = False  # it would remove a prefix too
                    index += 1
                elif option.startswith("--unset="):
                    wrapping.unset.add(option.partition("=")[2])
                    wrapping.env_prefixable = False
                elif option in ("-C", "-S", "--chdir", "--split-string"):
                    index += 1
                elif option == "--":
                    break
            index = _take_assignments(words, index, wrapping.env)
        elif name == "exec":
            index = _skip_options(words, index, {"-a"})
        elif name == "command":
            while index < len(words) and (words[index].text or "").startswith("-"):
                if words[index].text in ("-v", "-V"):
                    return None
                index += 1
        elif name == "time":
            wrapping.env_prefixable = False
            while index < len(words) and words[index].text in ("-p", "--"):
                index += 1
        elif name == "nice":
            index = _skip_options(words, index, {"-n"})
        elif name == "nohup":
            pass
        elif name in ("gosu", "su-exec"):
            index += 1  # the user
        elif name == "timeout":
            index = _skip_options(words, index, {"-s", "-k", "--signal", "--kill-after"}) + 1  # the duration
        elif name == "xargs":
            while index < len(words) and (words[index].text or "").startswith("-"):
                option = words[index].text
                index += 1
                if (len(option) == 2 and option[1] in _XARGS_VALUE_OPTIONS) or option in _XARGS_LONG_VALUE_OPTIONS:
                    index += 1
        elif name == "find":
            commands = [k + 1 for k in range(index, len(words)) if words[k].text in _FIND_EXEC]
            index = next((k for k in commands if is_wanted(words[k])), commands[0] if commands else len(words))
        elif name in ("conda", "mamba", "micromamba"):
            index = _skip_options(words, index, _CONDA_VALUE_OPTIONS)
            if index >= len(words) or words[index].text != "run":
                return None
            index = _skip_options(words, index + 1, _CONDA_VALUE_OPTIONS)
        elif name in ("pipenv", "poetry"):
            if index >= len(words) or words[index].text != "run":
                return None
            index += 1
            if index < len(words) and words[index].text == "--":
                index += 1
        elif name == "uv" and index < len(words) and words[index].text == "run":
            index = _skip_options(words, index + 1, _UV_RUN_VALUE_OPTIONS)
        else:
            return index - 1, wrapping
    return None


def _skip_options(words: Sequence[Word], index: int, value_options) -> int:
    """The index of the first word after a wrapper's options (and after a `--` that ends them);
    options in `value_options` take the next word as their value."""
    while index < len(words) and (words[index].text or "").startswith("-"):
        option = words[index].text
        index += 1
        if option == "--":
            break
        if option in value_options:
            index += 1
    return index


def _take_assignments(words: Sequence[Word], index: int, into: dict[str, str | None]) -> int:
    while index < len(words):
        match = _ASSIGNMENT.fullmatch(words[index].text or words[index].raw)
        if match is None:
            break
        into[match.group(1)] = match.group(2) if words[index].text is not None else None
        index += 1
    return index

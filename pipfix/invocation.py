"""Stage 3a: recognise a pip, `python -m pip` or uv call in a simple command, behind wrappers."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import NamedTuple

from .shell import Command, Word
from .wrappers import Wrapping, program_name, static_value, unwrap, variable_name

PIP_SUBCOMMANDS = frozenset({"install", "download", "wheel"})
UV_PIP_SUBCOMMANDS = frozenset({"install", "sync", "compile"})
UV_SUBCOMMANDS = frozenset({"sync"})  # top-level uv commands that fill uv's cache
UV_TOOL_SUBCOMMANDS = frozenset({"install"})

# pip's general options that take a separate value (`--timeout 60`).
PIP_VALUE_OPTIONS = frozenset(
    {
        "--python", "--log", "--log-file", "--local-log", "--keyring-provider", "--proxy",
        "--retries", "--timeout", "--exists-action", "--trusted-host", "--cert", "--client-cert",
        "--cache-dir", "--use-feature", "--use-deprecated", "--resume-retries",
    }
)  # fmt: skip
UV_VALUE_OPTIONS = frozenset(
    {
        "--cache-dir", "--color", "--directory", "--project", "--config-file",
        "--allow-insecure-host", "--python-preference", "--python-fetch",
    }
)  # fmt: skip

_PIP_NAME = re.compile(r"pip(\d+(\.\d+)*)?")
_PYTHON_NAME = re.compile(r"(python|pypy)(\d+(\.\d+)*)?[dmu]?|py")
_PIP_VARIABLE = re.compile(r"PIP\d*(\.\d+)?(_?(CMD|BIN|EXE|EXECUTABLE|COMMAND|PATH))?", re.IGNORECASE)
_PYTHON_NO_VALUE_FLAGS = frozenset("bBdEiIOPqRsSuvx")
_VARIABLE_VERSION = re.compile(r"-(?:%\w+%|\$\w+|\$\{\w+\})")  # the py launcher's version: -%V%, -$V, -${V}


class PipInvocation(NamedTuple):
    tool: str  # "pip" or "uv"
    command: Command
    program: Word  # pip, python or uv: where findings point
    subcommand: Word  # install, download, wheel; for uv: pip install, sync, tool install ...
    flag_after: Word  # the word after which the no-cache flag goes
    arguments: tuple[Word, ...]  # the words after `program`, up to the end of the call
    no_cache: Word | None  # the option that turns the cache off, when the command line does
    cache_dir: Word | None  # the value of the --cache-dir that wins, when it sets the cache on
    env_reachable: bool  # False behind sudo (without -E) or `env -i`: outer variables are lost
    env_prefixable: bool  # an assignment before the command's first word reaches the call
    wrapper_env: Mapping[str, str | None]  # variables set by wrappers (`env VAR=x pip ...`)
    wrapper_unset: frozenset[str]  # variables removed by wrappers (`env -u VAR pip ...`)


def _may_be_pip(word: Word, variables: Mapping[str, str | None]) -> bool:
    """The word may start a pip, python or uv call (the first word of one of find's -exec)."""
    name = program_name(word, variables)
    return name is None or name == "uv" or bool(_PIP_NAME.fullmatch(name) or _PYTHON_NAME.fullmatch(name))


def _is_pip_variable(word: Word) -> bool:
    name = variable_name(word)
    return name is not None and bool(_PIP_VARIABLE.fullmatch(name))


def find_invocation(command: Command, variables: Mapping[str, str | None] = {}) -> PipInvocation | None:
    """The pip or uv call that `command` makes, if it makes one that can fill a cache."""
    words = command.words
    unwrapped = unwrap(words, variables, lambda word: _may_be_pip(word, variables))
    if unwrapped is None:
        return None
    index, wrapping = unwrapped
    program = words[index]
    name = program_name(program, variables)
    if (name is not None and _PIP_NAME.fullmatch(name)) or (name is None and _is_pip_variable(program)):
        return _pip_call(command, program, index + 1, wrapping)
    if name == "uv":
        return _uv_call(command, program, index + 1, wrapping)
    if name is None or _PYTHON_NAME.fullmatch(name):
        module_index = _python_module_pip(words, index + 1, variables)
        if module_index is not None:
            return _pip_call(command, program, module_index, wrapping)
    return None


def _python_module_pip(words: tuple[Word, ...], index: int, variables) -> int | None:
    """Index of the first word after `-m pip` when the interpreter options lead to it."""
    while index < len(words):
        if _VARIABLE_VERSION.fullmatch(words[index].raw):  # py -%V%
            index += 1
            continue
        value = static_value(words[index], variables)
        if value is None or not value.startswith("-") or value == "-":
            return None
        index += 1
        if value[1:2].isdigit():  # py -3.12
            continue
        for position, flag in enumerate(value[1:], 1):
            if flag in _PYTHON_NO_VALUE_FLAGS:
                continue
            rest: str | None = value[position + 1 :]
            if flag in "WX":
                if not rest:
                    index += 1
                break
            if flag == "m":
                if not rest:
                    if index >= len(words):
                        return None
                    rest = static_value(words[index], variables)
                    index += 1
                return index if rest == "pip" else None
            return None  # -c, --version, an unknown option: not a pip call
    return None


def _pip_call(command, program, index, wrapping: Wrapping) -> PipInvocation | None:
    words = command.words
    double_dash = None
    while index < len(words):
        value = words[index].text
        if value == "--" and double_dash is None:
            double_dash = index
            index += 1
            continue
        if value is not None and not value.startswith("-"):
            break
        index += 2 if value in PIP_VALUE_OPTIONS else 1  # a dynamic word is taken for an option
    else:
        return None
    if words[index].text not in PIP_SUBCOMMANDS:
        return None
    no_cache, cache_dir = _pip_cache_options(words, program, index)
    if double_dash is not None:
        # pip hands the `--` on to the subcommand, which takes all that follows for requirements
        flag_after = words[double_dash - 1]
    elif cache_dir is not None and cache_dir.start > words[index].start:
        flag_after = cache_dir  # pip's last option wins
    else:
        flag_after = words[index]
    return PipInvocation(
        "pip", command, program, words[index], flag_after, _arguments(words, program),
        no_cache, cache_dir, *wrapping.fields(),
    )  # fmt: skip


def _arguments(words: tuple[Word, ...], program: Word) -> tuple[Word, ...]:
    start = words.index(program) + 1
    for end in range(start, len(words)):
        if words[end].text in (";", "+"):
            return words[start:end]  # the end of a `find -exec` command
    return words[start:]


def _is_no_cache_dir(option: str) -> bool:
    """`--no-cache-dir` or an abbreviation pip's option parser accepts (`--no-cache`)."""
    name = option.split("=", 1)[0]
    return len(name) >= len("--no-ca") and "--no-cache-dir".startswith(name)


def _pip_cache_options(words, program, subcommand_index) -> tuple[Word | None, Word | None]:
    """The command line's last say on the cache: (--no-cache-dir word, None) when it turns the
    cache off, (None, DIR word) when a --cache-dir wins, (None, None) when it says nothing."""
    state: tuple[Word | None, Word | None] = (None, None)
    arguments = _arguments(words, program)
    for position, word in enumerate(arguments):
        value = word.text
        if value is None:
            continue
        if value == "--":
            break
        if _is_no_cache_dir(value):
            state = (word, None)
        elif value == "--cache-dir" and position + 1 < len(arguments):
            state = (None, arguments[position + 1])
        elif value.startswith("--cache-dir="):
            state = (None, word)
    return state


def _uv_call(command, program, index, wrapping: Wrapping) -> PipInvocation | None:
    words = command.words
    chain: list[str] = []
    subcommand = None
    while index < len(words) and subcommand is None:
        value = words[index].text
        if value is None:
            return None
        if value.startswith("-"):
            index += 2 if value in UV_VALUE_OPTIONS else 1
            continue
        chain.append(value)
        if chain == ["pip"] or chain == ["tool"]:
            index += 1
            continue
        if (
            (chain[:1] == ["pip"] and value in UV_PIP_SUBCOMMANDS)
            or (chain[:1] == ["tool"] and value in UV_TOOL_SUBCOMMANDS)
            or (len(chain) == 1 and value in UV_SUBCOMMANDS)
        ):
            subcommand = words[index]
        else:
            return None
    if subcommand is None:
        return None
    arguments = _arguments(words, program)
    no_cache = cache_dir = None
    for position, word in enumerate(arguments):
        value = word.text
        if value in ("--no-cache", "--no-cache-dir") or (value is not None and _is_short_no_cache(value)):
            no_cache = word
        elif value == "--cache-dir" and position + 1 < len(arguments):
            cache_dir = arguments[position + 1]
        elif value is not None and value.startswith("--cache-dir="):
            cache_dir = word
    return PipInvocation(
        "uv", command, program, subcommand, subcommand, arguments,
        no_cache, None if no_cache else cache_dir, *wrapping.fields(),
    )  # fmt: skip


def _is_short_no_cache(option: str) -> bool:
    """uv's -n, also in a cluster of short flags (-qn)."""
    return option.startswith("-") and option[1:].isalpha() and option[1:].isascii() and "n" in option

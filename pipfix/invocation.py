"""Stage 3a: recognise an installer call (pip, `python -m pip`, uv, ...) in a simple command,
behind wrappers. How each installer's command line looks is data, in installers.py."""

from __future__ import annotations

import re
import shlex
from collections.abc import Mapping
from typing import NamedTuple

from .installers import PIP, FixKind, Installer, installer_of_module, installer_of_program
from .shell import Command, Word
from .wrappers import Wrapping, program_name, static_value, unwrap, variable_name

_PYTHON_NAME = re.compile(r"(python|pypy)(\d+(\.\d+)*)?[dmu]?|py")
_PIP_VARIABLE = re.compile(r"PIP\d*(\.\d+)?(_?(CMD|BIN|EXE|EXECUTABLE|COMMAND|PATH))?", re.IGNORECASE)
_PYTHON_NO_VALUE_FLAGS = frozenset("bBdEiIOPqRsSuvx")
_VARIABLE_VERSION = re.compile(r"-(?:%\w+%|\$\w+|\$\{\w+\})")  # the py launcher's version: -%V%, -$V, -${V}


class Invocation(NamedTuple):
    installer: Installer
    command: Command
    program: Word  # pip, python, uv ...: where findings point
    name: str  # what messages call the call: `pip install`, `uv tool run`, `uvx`
    subcommand: Word  # the command's last word (`install` of `uv pip install`; uvx itself)
    flag_after: Word  # the word after which the no-cache flag goes
    arguments: tuple[Word, ...]  # the words after `program` that belong to the call
    no_cache: Word | None  # the option that turns the cache off, when the command line does
    cache_dir: Word | None  # the value of the --cache-dir that wins, when it sets the cache on
    env_reachable: bool  # False behind sudo (without -E) or `env -i`: outer variables are lost
    env_prefixable: bool  # an assignment before the command's first word reaches the call
    wrapper_env: Mapping[str, str | None]  # variables set by wrappers (`env VAR=x pip ...`)
    wrapper_unset: frozenset[str]  # variables removed by wrappers (`env -u VAR pip ...`)
    run_as: str | None  # the user a wrapper (sudo, gosu...) runs the call as; None: the RUN's user

    @property
    def tool(self) -> str:
        return self.installer.name


def _may_call(word: Word, variables: Mapping[str, str | None]) -> bool:
    """The word may start an installer or python call (the first word of one of find's -exec)."""
    name = program_name(word, variables)
    return name is None or installer_of_program(name) is not None or bool(_PYTHON_NAME.fullmatch(name))


def _is_pip_variable(word: Word) -> bool:
    name = variable_name(word)
    return name is not None and bool(_PIP_VARIABLE.fullmatch(name))


def find_invocations(command: Command, variables: Mapping[str, str | None] = {}) -> tuple[Invocation, ...]:
    """The installer calls that `command` makes that can fill a cache: the call behind its
    wrappers, and before it any wrapper that is an installer call itself (`uv run pip ...`)."""
    words = command.words
    unwrapped = unwrap(words, variables, lambda word: _may_call(word, variables))
    wrapped = len(words) if unwrapped is None else unwrapped[0]
    found = [
        invocation
        for index in range(wrapped - 1)
        if words[index + 1].text == "run" and (invocation := _running_call(command, index, variables)) is not None
    ]
    if unwrapped is not None and (invocation := _wrapped_call(command, *unwrapped, variables)) is not None:
        found.append(invocation)
    return tuple(found)


def _running_call(command: Command, index: int, variables: Mapping[str, str | None]) -> Invocation | None:
    """The call at words[index] when it is an installer's `run` that wrappers.unwrap skips
    (`uv run`) and the wrappers before it lead to it."""
    words = command.words
    name = program_name(words[index], variables)
    installer = None if name is None else installer_of_program(name)
    if installer is None or ("run",) not in installer.runners:
        return None
    unwrapped = unwrap(words[: index + 1], variables, lambda word: True)
    if unwrapped is None or unwrapped[0] != index:
        return None
    return _call(installer, command, words[index], index + 1, unwrapped[1])


def _wrapped_call(
    command: Command, index: int, wrapping: Wrapping, variables: Mapping[str, str | None]
) -> Invocation | None:
    words = command.words
    program = words[index]
    name = program_name(program, variables)
    installer = installer_of_program(name) if name is not None else PIP if _is_pip_variable(program) else None
    if installer is not None:
        return _call(installer, command, program, index + 1, wrapping, name if name in installer.aliases else None)
    if name is None or _PYTHON_NAME.fullmatch(name):
        module = _python_module(words, index + 1, variables)
        if module is not None and (installer := installer_of_module(module[1])) is not None:
            return _call(installer, command, program, module[0], wrapping)
    return None


def _python_module(words: tuple[Word, ...], index: int, variables) -> tuple[int, str | None] | None:
    """For `python -m MODULE`: the index of the first word after MODULE, and MODULE."""
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
                return index, rest
            return None  # -c, --version, an unknown option: not a module
    return None


def _call(
    installer: Installer,
    command: Command,
    program: Word,
    index: int,
    wrapping: Wrapping,
    alias: str | None = None,
) -> Invocation | None:
    """The call of `installer` whose options or command words start at words[index] (`alias`:
    a program name that stands for a command, uvx), if it runs a command that fills the cache."""
    words = command.words
    chain = installer.aliases[alias] if alias else ()
    double_dash = None
    subcommand = before_command = program
    while chain not in installer.commands:
        if index >= len(words):
            return None
        value = words[index].text
        if value == "--" and double_dash is None and not chain:
            double_dash = index
            index += 1
            continue
        if value is None or value.startswith("-"):  # a dynamic word is taken for an option
            index += 2 if value in installer.value_options else 1
            continue
        if not chain:
            before_command = words[index - 1]
        chain += (value,)
        if not any(known[: len(chain)] == chain for known in installer.commands):
            return None
        subcommand = words[index]
        index += 1
    arguments = _arguments(words, program, index if chain in installer.runners else None, installer)
    if arguments is None:
        return None
    option = installer.needs_option.get(chain)
    if option is not None and not any(word.text == option for word in arguments):
        return None
    if installer.exempt_options and any(word.text in installer.exempt_options for word in arguments):
        return None
    no_cache, cache_dir = _cache_options(installer, arguments)
    if installer.fix is FixKind.GLOBAL_FLAG:
        flag_after = before_command
    elif double_dash is not None:
        # pip hands the `--` on to the subcommand, which takes all that follows for requirements
        flag_after = words[double_dash - 1]
    elif installer.last_cache_option_wins and cache_dir is not None and cache_dir.start > subcommand.start:
        flag_after = cache_dir  # pip's last option wins
    else:
        flag_after = subcommand
    title = alias or " ".join((installer.name, *chain))
    return Invocation(
        installer, command, program, title, subcommand, flag_after, arguments, no_cache, cache_dir, *wrapping.fields()
    )


def _arguments(
    words: tuple[Word, ...], program: Word, runner_options: int | None, installer: Installer
) -> tuple[Word, ...] | None:
    """The words of the call after `program`: up to the end of a `find -exec` command, or, for
    a command that runs another (`uv run`, its options from words[runner_options]), up to that
    one; None when there is none to run (`uvx` alone prints its usage)."""
    start = words.index(program) + 1
    end = start
    while end < len(words) and words[end].text not in (";", "+"):  # the end of a `find -exec` command
        end += 1
    if runner_options is not None:
        index = runner_options
        while index < end:
            value = words[index].text
            if value == "--" or (value is not None and not value.startswith("-")):
                return words[start:index]
            index += 2 if value in installer.runner_value_options else 1
        return None
    return words[start:end]


def _cache_options(installer: Installer, arguments: tuple[Word, ...]) -> tuple[Word | None, Word | None]:
    """The command line's say on the cache: (the option that turns it off, None), or (None, the
    --cache-dir word or value that sets it), or (None, None). With pip the last option wins;
    otherwise a no-cache option beats any --cache-dir."""
    no_cache = cache_dir = None
    option = installer.cache_dir_option
    for position, word in enumerate(arguments):
        value = word.text
        if value is None:
            continue
        if value == "--":
            break
        if (
            value.split("=", 1)[0] in installer.no_cache_options
            or _has_letter(value, installer.no_cache_letters)
            or _pip_args_turn_off(installer, arguments, position)
        ):
            no_cache = word
            if installer.last_cache_option_wins:
                cache_dir = None
        elif option is not None and value == option and position + 1 < len(arguments):
            cache_dir = arguments[position + 1]
        elif option is not None and value.startswith(option + "="):
            cache_dir = word
        else:
            continue
        if installer.last_cache_option_wins and word is not no_cache:
            no_cache = None
    return no_cache, None if no_cache else cache_dir


def _pip_args_turn_off(installer: Installer, arguments: tuple[Word, ...], position: int) -> bool:
    """arguments[position] is the value of the tool's --pip-args and holds --no-cache-dir."""
    option = installer.pip_args_option
    if option is None:
        return False
    value = arguments[position].text or ""
    if value.startswith(option + "="):
        value = value[len(option) + 1 :]
    elif position == 0 or arguments[position - 1].text != option:
        return False
    try:
        pip_arguments = shlex.split(value)
    except ValueError:  # unbalanced quotes: the tool fails too
        return False
    return any(argument.split("=", 1)[0] in PIP.no_cache_options for argument in pip_arguments)


def _has_letter(option: str, letters: str) -> bool:
    """A short option (also in a cluster, `-qn`) among `letters`."""
    return (
        bool(letters)
        and option.startswith("-")
        and option[1:].isalpha()
        and option[1:].isascii()
        and any(letter in option for letter in letters)
    )

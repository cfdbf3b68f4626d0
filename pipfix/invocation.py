"""Stage 3a: recognise a pip, `python -m pip` or uv call in a simple command, behind wrappers."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from .shell import Command, Word

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
_SIMPLE_EXPANSION = re.compile(r'"?\$(?:\{(\w+)(?::?-([^}"$]*))?\}|(\w+))"?')


@dataclass(frozen=True, slots=True)
class PipInvocation:
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


def static_value(word: Word, variables: Mapping[str, str | None]) -> str | None:
    """The word's value when it is static or a single known variable (`$PIP`, `${PY:-python3}`)."""
    if word.text is not None:
        return word.text
    match = _SIMPLE_EXPANSION.fullmatch(word.raw)
    if match is None:
        return None
    name = match.group(1) or match.group(3)
    value = variables.get(name)
    if value:
        return value
    return match.group(2) or None


_NAME_MAX = 256


def _basename(word: Word, variables: Mapping[str, str | None]) -> str | None:
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
    name = value[-_NAME_MAX:].rsplit("/", 1)[-1].rsplit("\\", 1)[-1].lower()
    return name[:-4] if name.endswith(".exe") else name


def _may_be_pip(word: Word, variables: Mapping[str, str | None]) -> bool:
    """The word may start a pip, python or uv call (the first word of one of find's -exec)."""
    name = _basename(word, variables)
    return name is None or name == "uv" or bool(_PIP_NAME.fullmatch(name) or _PYTHON_NAME.fullmatch(name))


def _is_pip_variable(word: Word) -> bool:
    match = _SIMPLE_EXPANSION.fullmatch(word.raw)
    return match is not None and bool(_PIP_VARIABLE.fullmatch(match.group(1) or match.group(3)))


def find_invocation(command: Command, variables: Mapping[str, str | None] = {}) -> PipInvocation | None:
    """The pip or uv call that `command` makes, if it makes one that can fill a cache."""
    words = command.words
    unwrapped = _unwrap(words, 0, variables)
    if unwrapped is None:
        return None
    index, wrapping = unwrapped
    program = words[index]
    name = _basename(program, variables)
    if name is not None and _PIP_NAME.fullmatch(name) or name is None and _is_pip_variable(program):
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
        value = static_value(words[index], variables)
        if value is None or not value.startswith("-") or value == "-":
            return None
        index += 1
        if value[1:2].isdigit():  # py -3.12
            continue
        for position, flag in enumerate(value[1:], 1):
            if flag in _PYTHON_NO_VALUE_FLAGS:
                continue
            rest = value[position + 1 :]
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


def _pip_call(command, program, index, wrapping: _Wrapping) -> PipInvocation | None:
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


def _uv_call(command, program, index, wrapping: _Wrapping) -> PipInvocation | None:
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
            chain[:1] == ["pip"] and value in UV_PIP_SUBCOMMANDS
            or chain[:1] == ["tool"] and value in UV_TOOL_SUBCOMMANDS
            or len(chain) == 1 and value in UV_SUBCOMMANDS
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
        if value in ("--no-cache", "--no-cache-dir") or value is not None and _is_short_no_cache(value):
            no_cache = word
        elif value == "--cache-dir" and position + 1 < len(arguments):
            cache_dir = arguments[position + 1]
        elif value is not None and value.startswith("--cache-dir="):
            cache_dir = word
    return PipInvocation(
        "uv", command, program, subcommand, subcommand, arguments,
        no_cache, None if no_cache else cache_dir, *wrapping.fields(),
    )  # fmt: skip


# --- wrappers -------------------------------------------------------------------------------

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
class _Wrapping:
    """What the wrappers in front of a program do to its environment."""

    env_reachable: bool = True
    env_prefixable: bool = True
    env: dict[str, str | None] = field(default_factory=dict)
    unset: set[str] = field(default_factory=set)

    def fields(self) -> tuple[bool, bool, Mapping[str, str | None], frozenset[str]]:
        return self.env_reachable, self.env_prefixable, self.env, frozenset(self.unset)


def _unwrap(words: tuple[Word, ...], index: int, variables) -> tuple[int, _Wrapping] | None:
    """Skip wrapper commands. Returns the index of the wrapped program and what the wrappers do
    to its environment, or None when the command runs nothing that could be pip."""
    wrapping = _Wrapping()
    while index < len(words):
        name = _basename(words[index], variables)
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
                elif option in _SUDO_LONG_VALUE_OPTIONS or not option.startswith("--") and option[-1] in _SUDO_VALUE_OPTIONS:
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
        elif name == "timeout":
            index = _skip_options(words, index, {"-s", "-k", "--signal", "--kill-after"}) + 1  # the duration
        elif name == "xargs":
            while index < len(words) and (words[index].text or "").startswith("-"):
                option = words[index].text
                index += 1
                if len(option) == 2 and option[1] in _XARGS_VALUE_OPTIONS or option in _XARGS_LONG_VALUE_OPTIONS:
                    index += 1
        elif name == "find":
            commands = [k + 1 for k in range(index, len(words)) if words[k].text in _FIND_EXEC]
            index = next((k for k in commands if _may_be_pip(words[k], variables)), commands[0] if commands else len(words))
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


def _is_short_no_cache(option: str) -> bool:
    """uv's -n, also in a cluster of short flags (-qn)."""
    return option.startswith("-") and option[1:].isalpha() and option[1:].isascii() and "n" in option


def _skip_options(words: tuple[Word, ...], index: int, value_options) -> int:
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


def _take_assignments(words: tuple[Word, ...], index: int, into: dict[str, str | None]) -> int:
    while index < len(words):
        match = _ASSIGNMENT.fullmatch(words[index].text or words[index].raw)
        if match is None:
            break
        into[match.group(1)] = match.group(2) if words[index].text is not None else None
        index += 1
    return index

"""Wrapper commands that run another command (sudo, env, exec, nice, timeout, xargs, find -exec,
conda run, pyenv exec, scl enable, ...): one grammar for the shell stage, which looks for `sh -c`
behind them, and the invocation stage, which looks for pip behind them."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from .options import Options, read_options

if TYPE_CHECKING:
    from .shell import Word

SIMPLE_EXPANSION = re.compile(r'"?\$(?:\{(\w+)(?::?-([^}"$]*))?\}|(\w+))"?')
_CMD_VARIABLE = re.compile(r'"?%(\w+)%"?')  # cmd's `%PYTHON%`, written alone as a word
_CMD_EXPANSION = re.compile(r"%[A-Za-z_]\w*%")  # not `%20b%` of a URL


def variable_name(word: Word) -> str | None:
    """The variable a word is, written alone: `$PIP`, `"${PIP:-pip3}"`, cmd's `%PIP%`."""
    match = SIMPLE_EXPANSION.fullmatch(word.raw)
    if match is not None:
        return match.group(1) or match.group(3)
    match = _CMD_VARIABLE.fullmatch(word.raw)
    return None if match is None else match.group(1)


def expands_in_cmd(word: Word) -> bool:
    """The word holds a `%NAME%` that only cmd expands (a POSIX shell keeps it as it is)."""
    return "%" in word.raw and _CMD_EXPANSION.search(word.raw) is not None


def static_value(word: Word, variables: Mapping[str, str | None]) -> str | None:
    """The word's value when it is static or a single known variable (`$PIP`, `${PY:-python3}`,
    `%PYTHON%`)."""
    cmd_variable = _CMD_VARIABLE.fullmatch(word.raw)
    if cmd_variable is not None:
        return variables.get(cmd_variable.group(1)) or None
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


_SUDO_VALUE_OPTIONS = frozenset(
    {
        "-u", "-g", "-C", "-D", "-h", "-p", "-r", "-t", "-U", "-T",
        "--user", "--group", "--chdir", "--chroot", "--close-from", "--host", "--prompt", "--role",
        "--type", "--other-user", "--command-timeout",
    }
)  # fmt: skip
_XARGS_VALUE_OPTIONS = frozenset(
    {
        "-a", "-d", "-E", "-I", "-L", "-n", "-P", "-s",  # not -e, -i, -l: their value is optional, attached
        "--arg-file", "--delimiter", "--max-args", "--max-procs", "--max-chars", "--process-slot-var",
    }
)  # fmt: skip
_RUNUSER_VALUE_OPTIONS = frozenset(
    {
        "-c", "--command", "-g", "--group", "-G", "--supp-group", "-s", "--shell",
        "-u", "--user", "-w", "--whitelist-environment",
    }
)  # fmt: skip
_SETPRIV_VALUE_OPTIONS = frozenset(
    {
        "--ruid", "--euid", "--reuid", "--rgid", "--egid", "--regid", "--groups", "--inh-caps", "--ambient-caps",
        "--bounding-set", "--securebits", "--pdeathsig", "--selinux-label", "--apparmor-profile",
        "--landlock-access", "--landlock-rule", "--seccomp-filter",
    }
)  # fmt: skip
_CHROOT_VALUE_OPTIONS = frozenset({"--userspec", "--groups"})
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
    names: list[str] = field(default_factory=list)  # the wrappers' program names, in order
    user: str | None = None  # the user sudo, gosu... run the program as (`name[:group]`); None: no switch

    def fields(self) -> tuple[bool, bool, Mapping[str, str | None], frozenset[str], str | None]:
        return self.env_reachable, self.env_prefixable, self.env, frozenset(self.unset), self.user


def unwrap(
    words: Sequence[Word], variables: Mapping[str, str | None], is_wanted: Callable[[Word], bool]
) -> tuple[int, Wrapping] | None:
    """Skip the wrapper commands at the start of `words`. Returns the index of the wrapped
    program and what the wrappers do to its environment, or None when the command runs no
    program (`command -v pip`, `sudo` alone). Of several `find -exec` commands, the first
    `is_wanted` one is taken."""
    wrapping = Wrapping()
    index = 0
    while index < len(words):
        name = program_name(words[index], variables) or ""
        handler = _WRAPPERS.get(name)
        wrapped = index if handler is None else handler(words, index, wrapping, is_wanted)
        if wrapped is None:
            return None
        if wrapped == index:
            return index, wrapping
        wrapping.names.append(name)
        index = wrapped
    return None


class _Handler(Protocol):
    """The wrapper named by `words[index]`: reads its options and operands, notes in `wrapping`
    what they do to the environment, and returns the index of the command it runs; None when
    it runs none (`command -v pip`), `index` itself when the word is no wrapper here but the
    program (`uv pip install`, `conda install`)."""

    def __call__(
        self, words: Sequence[Word], index: int, wrapping: Wrapping, is_wanted: Callable[[Word], bool]
    ) -> int | None: ...


def _sudo(words: Sequence[Word], index: int, wrapping: Wrapping, is_wanted: Callable[[Word], bool]) -> int:
    """sudo and doas: a clean environment unless -E, and `VAR=x` arguments before the command;
    the command runs as root unless -u names another user."""
    options = _read_options(words, index + 1, _SUDO_VALUE_OPTIONS)
    wrapping.user = options.value("-u", "--user") or "root"
    wrapping.env_reachable = wrapping.env_reachable and bool(options.named & {"-E", "--preserve-env"})
    wrapping.env_prefixable = False
    return _take_assignments(words, options.end, wrapping.env)


def _env(words: Sequence[Word], index: int, wrapping: Wrapping, is_wanted: Callable[[Word], bool]) -> int:
    """env: -i empties the environment, -u removes a variable, `VAR=x` arguments set one."""
    index += 1
    while index < len(words) and (option := words[index].text or "").startswith("-"):
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
    return _take_assignments(words, index, wrapping.env)


def _command(words: Sequence[Word], index: int, wrapping: Wrapping, is_wanted: Callable[[Word], bool]) -> int | None:
    """command: -v and -V only print where the program is."""
    index += 1
    while index < len(words) and (option := words[index].text or "").startswith("-"):
        if option in ("-v", "-V"):
            return None
        index += 1
    return index


def _time(words: Sequence[Word], index: int, wrapping: Wrapping, is_wanted: Callable[[Word], bool]) -> int:
    """time: a keyword before a pipeline, so `VAR=x` cannot be put in front of it."""
    wrapping.env_prefixable = False
    index += 1
    while index < len(words) and words[index].text in ("-p", "--"):
        index += 1
    return index


def _with_options(value_options: frozenset[str], operands: int = 0) -> _Handler:
    """A wrapper that has only options (those in `value_options` take a value) and then
    `operands` words of its own before the command it runs."""

    def handler(words: Sequence[Word], index: int, wrapping: Wrapping, is_wanted: Callable[[Word], bool]) -> int:
        return _read_options(words, index + 1, value_options).end + operands

    return handler


def _user_first(words: Sequence[Word], index: int, wrapping: Wrapping, is_wanted: Callable[[Word], bool]) -> int:
    """gosu and su-exec: the user, then the command."""
    if index + 1 < len(words):
        wrapping.user = words[index + 1].text or "?"
    return index + 2


def _runuser(words: Sequence[Word], index: int, wrapping: Wrapping, is_wanted: Callable[[Word], bool]) -> int:
    """runuser -u USER [--] COMMAND: the command as USER, with the user's HOME (unless -m) and
    the rest of the environment (none with -l). Without -u it takes su's form (`runuser USER
    -c SCRIPT`), a script the shell stage reads: the word is then the program."""
    options = _read_options(words, index + 1, _RUNUSER_VALUE_OPTIONS)
    user = options.value("-u", "--user")
    if user is None:
        return index
    if options.named & {"-l", "--login", "-"}:
        wrapping.env_reachable = wrapping.env_prefixable = False
    if not options.named & {"-m", "-p", "--preserve-environment"}:
        wrapping.user = user
    return options.end


def _setpriv(words: Sequence[Word], index: int, wrapping: Wrapping, is_wanted: Callable[[Word], bool]) -> int:
    """setpriv [options] COMMAND: the environment and HOME kept, unless --reset-env (which sets
    the new user's HOME)."""
    options = _read_options(words, index + 1, _SETPRIV_VALUE_OPTIONS)
    if "--reset-env" in options.named:
        wrapping.env_reachable = wrapping.env_prefixable = False
        wrapping.user = options.value("--reuid", "--ruid") or "?"
    return options.end


def _chroot(words: Sequence[Word], index: int, wrapping: Wrapping, is_wanted: Callable[[Word], bool]) -> int | None:
    """chroot [options] NEWROOT COMMAND: the cache is under NEWROOT, where pipfix does not look."""
    end = _read_options(words, index + 1, _CHROOT_VALUE_OPTIONS).end + 1
    if end >= len(words):
        return None  # an interactive shell
    wrapping.user = "?"
    return end


def _read_options(words: Sequence[Word], index: int, value_options: frozenset[str]) -> Options:
    return read_options([word.text for word in words], index, value_options)


def _xargs(words: Sequence[Word], index: int, wrapping: Wrapping, is_wanted: Callable[[Word], bool]) -> int:
    return _read_options(words, index + 1, _XARGS_VALUE_OPTIONS).end


def _find(words: Sequence[Word], index: int, wrapping: Wrapping, is_wanted: Callable[[Word], bool]) -> int:
    """find: the first wanted command of its -exec actions (else the first; else none)."""
    commands = [k + 1 for k in range(index + 1, len(words) - 1) if words[k].text in _FIND_EXEC]
    return next((k for k in commands if is_wanted(words[k])), commands[0] if commands else len(words))


def _conda_run(words: Sequence[Word], index: int, wrapping: Wrapping, is_wanted: Callable[[Word], bool]) -> int:
    """conda, mamba and micromamba: `run` (options may stand before and after it)."""
    run = _read_options(words, index + 1, _CONDA_VALUE_OPTIONS).end
    if run >= len(words) or words[run].text != "run":
        return index
    return _read_options(words, run + 1, _CONDA_VALUE_OPTIONS).end


def _runs_after(subcommand: str) -> _Handler:
    """`TOOL SUBCOMMAND [--] COMMAND` (pipenv run, poetry run, pyenv exec); with any other
    subcommand TOOL is the program."""

    def handler(words: Sequence[Word], index: int, wrapping: Wrapping, is_wanted: Callable[[Word], bool]) -> int:
        if index + 1 >= len(words) or words[index + 1].text != subcommand:
            return index
        return index + 3 if index + 2 < len(words) and words[index + 2].text == "--" else index + 2

    return handler


def _scl(words: Sequence[Word], index: int, wrapping: Wrapping, is_wanted: Callable[[Word], bool]) -> int:
    """`scl enable COLLECTION... -- COMMAND`. Without `--`, scl runs its last argument as a
    shell script, which the shell stage reads as it reads `sh -c`: scl is the program here."""
    if index + 1 < len(words) and words[index + 1].text == "enable":
        for k in range(index + 2, len(words)):
            if words[k].text == "--":
                return k + 1
    return index


def _uv_run(words: Sequence[Word], index: int, wrapping: Wrapping, is_wanted: Callable[[Word], bool]) -> int:
    if index + 1 >= len(words) or words[index + 1].text != "run":
        return index
    return _read_options(words, index + 2, _UV_RUN_VALUE_OPTIONS).end


_WRAPPERS: dict[str, _Handler] = {
    "sudo": _sudo,
    "doas": _sudo,
    "env": _env,
    "exec": _with_options(frozenset({"-a"})),
    "command": _command,
    "time": _time,
    "nice": _with_options(frozenset({"-n"})),
    "nohup": _with_options(frozenset()),
    "gosu": _user_first,
    "su-exec": _user_first,
    "runuser": _runuser,
    "setpriv": _setpriv,
    "chroot": _chroot,
    "timeout": _with_options(frozenset({"-s", "-k", "--signal", "--kill-after"}), operands=1),  # the duration
    "xargs": _xargs,
    "find": _find,
    "conda": _conda_run,
    "mamba": _conda_run,
    "micromamba": _conda_run,
    "pipenv": _runs_after("run"),
    "poetry": _runs_after("run"),
    "pyenv": _runs_after("exec"),
    "scl": _scl,
    "uv": _uv_run,
    "&": _with_options(frozenset()),  # PowerShell's call operator (a separator in the other shells)
}


def _take_assignments(words: Sequence[Word], index: int, into: dict[str, str | None]) -> int:
    while index < len(words):
        match = _ASSIGNMENT.fullmatch(words[index].text or words[index].raw)
        if match is None:
            break
        into[match.group(1)] = match.group(2) if words[index].text is not None else None
        index += 1
    return index

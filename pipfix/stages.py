"""What each RUN sees: the variables set by ENV and ARG (inherited across stages built FROM an
earlier stage), its cache mounts, the user and their home, the SHELL's dialect, whether the stage
is a Windows one, and the `# syntax=` frontend."""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

from .accounts import Account, created_accounts
from .dockerfile import Dockerfile, Instruction
from .wrappers import base_name


class Setting(NamedTuple):
    """A variable set by ENV or ARG, with the file offset of its name (for findings)."""

    name: str
    value: str
    offset: int
    start_line: int  # of the instruction that sets it (pragmas apply per instruction)


class RunContext(NamedTuple):
    env: Mapping[str, str]  # the ENV and ARG values this RUN sees (the first field: engine's memory key)
    cache_mounts: tuple[str, ...]  # targets of its `type=cache` and `type=tmpfs` mounts (its own flags)
    home: str | None  # the home of the user the RUN runs as; None when unknown
    dialect: str  # "posix", "powershell" or "cmd"
    user: str | None  # USER as BuildKit expands it ("root", "app", "1000:1000"); None when unknown
    windows: bool  # a Windows base image (Windows containers have no mounts)
    syntax: str | None  # the `# syntax=` directive: the Dockerfile frontend that reads the RUN
    account: Account | None  # the account an earlier RUN created for USER (by name or uid)


@dataclass(slots=True)
class _Stage:
    env: dict[str, str] = field(default_factory=dict)  # ENV: passed on to stages built FROM this one
    args: dict[str, str] = field(default_factory=dict)  # ARG: ends with the stage
    user: str | None = "root"
    dialect: str = "posix"
    windows: bool = False
    # the accounts the stage's RUNs (and its parent's) created, by name and by uid: the last wins
    accounts: dict[str, Account] = field(default_factory=dict)

    def inherit(self) -> _Stage:
        return _Stage(dict(self.env), {}, self.user, self.dialect, self.windows, dict(self.accounts))

    def add_account(self, account: Account) -> None:
        self.accounts[account.name] = account
        if account.uid is not None:
            self.accounts[f"#{account.uid}"] = account

    def account(self) -> Account | None:
        """The account created for USER: by name, or by uid for `USER 1000`."""
        if not self.accounts or not self.user:
            return None
        name = self.user.partition(":")[0]
        return self.accounts.get(f"#{name}" if name.isdigit() else name)

    def variables(self) -> dict[str, str]:
        return {**self.args, **self.env}  # an ENV beats an ARG of the same name


def run_contexts(dockerfile: Dockerfile) -> tuple[list[tuple[Instruction, RunContext]], list[Setting]]:
    """Walk the instructions in order. Returns each RUN with its context, and every ENV or ARG
    setting of a variable (so rules can check the values)."""
    runs: list[tuple[Instruction, RunContext]] = []
    settings: list[Setting] = []
    global_args: dict[str, str] = {}
    stages: list[_Stage] = []
    names: dict[str, int] = {}
    stage: _Stage | None = None
    syntax = dockerfile.directives.get("syntax")
    triggers: list[tuple[int, _Stage]] = []  # ONBUILD RUNs: their index in runs, their stage
    for instruction in dockerfile.instructions:
        keyword = instruction.keyword
        if instruction.onbuild and keyword != "RUN":
            continue
        if keyword == "FROM":
            stage = _from(instruction, stage, stages, names, global_args)
            continue
        if keyword in ("ENV", "ARG"):
            if stage is None:
                scope = global_args
            else:
                scope = stage.env if keyword == "ENV" else stage.args
            visible = global_args if stage is None else stage.variables()
            for name, value, offset in _pairs(instruction, keyword, visible):
                if value is None:  # ARG without a default: only a global default reaches
                    if stage is None or name not in global_args:
                        continue
                    value = global_args[name]
                scope[name] = visible[name] = value
                settings.append(Setting(name, value, offset, instruction.start_line))
        elif stage is None:
            continue
        elif keyword == "USER":
            stage.user = _expand_known(instruction.script.strip(), stage.variables()) or None
        elif keyword == "SHELL" and instruction.exec_form:
            stage.dialect = _dialect(instruction.script)
        elif keyword == "RUN":
            if instruction.onbuild:
                triggers.append((len(runs), stage))
            runs.append((instruction, _context(instruction, stage, stage.variables(), syntax)))
            if not instruction.onbuild and ("useradd" in instruction.script or "adduser" in instruction.script):
                for account in created_accounts(instruction.script):
                    stage.add_account(account)
    # An ONBUILD RUN runs at the start of a build FROM this stage's image: with the stage's last
    # ENV (no ARG: they are not in the image), USER and SHELL.
    for index, owner in triggers:
        instruction = runs[index][0]
        runs[index] = (instruction, _context(instruction, owner, dict(owner.env), syntax))
    return runs, settings


def _context(instruction: Instruction, stage: _Stage, env: dict[str, str], syntax: str | None) -> RunContext:
    mounts = _cache_mounts(instruction, env)
    account = stage.account()
    return RunContext(env, mounts, _home(stage, account), stage.dialect, stage.user, stage.windows, syntax, account)


def with_flags(context: RunContext, instruction: Instruction) -> RunContext:
    """The context of `instruction` standing where the RUN of `context` stood: the same stage
    state, and what its own flags decide read again (a fix may add a cache mount)."""
    return context._replace(cache_mounts=_cache_mounts(instruction, context.env))


def _from(instruction, previous, stages, names, global_args) -> _Stage:
    words = _expand(instruction.script, global_args).split()
    image = words[0].lower() if words else ""
    parent_index = names.get(image, int(image) if image.isdigit() else None)
    if parent_index is not None and parent_index < len(stages):
        stage = stages[parent_index].inherit()
    else:
        platforms = [_expand(f.value or "", global_args) for f in instruction.flags if f.name == "platform"]
        stage = _Stage(windows=any(map(_WINDOWS_IMAGE.search, [image, *platforms])))
    if len(words) >= 3 and words[1].lower() == "as":
        names[words[2].lower()] = len(stages)
    stages.append(stage)
    return stage


# Windows base images (servercore, nanoserver, the images built on them) and `--platform=windows/...`
_WINDOWS_IMAGE = re.compile(r"windows|nanoserver|servercore")


def _home(stage: _Stage, account: Account | None) -> str | None:
    if "HOME" in stage.env:
        return stage.env["HOME"]  # an ARG named HOME does not move the home
    if account is not None:
        return account.home
    return home_of(stage.user)


def home_of(user: str | None) -> str | None:
    """The home of a user given as `name[:group]`: /root for root, /home/NAME for a name (what
    useradd -m makes); None for a uid or an unknown user, whose home is not known."""
    name = user.partition(":")[0] if user else None
    if name in ("root", "0"):
        return "/root"
    if not name or name.isdigit() or name == "?":
        return None
    return f"/home/{name}"


def _dialect(script: str) -> str:
    try:
        program = json.loads(script)[0]
    except (ValueError, IndexError, TypeError):
        return "posix"
    name = base_name(str(program))
    if name in ("powershell", "pwsh"):
        return "powershell"
    return "cmd" if name == "cmd" else "posix"


def _cache_mounts(instruction: Instruction, env: Mapping[str, str]) -> tuple[str, ...]:
    if not instruction.flags:
        return ()
    return tuple(target for kind, target in _mounts(instruction, env) if kind in ("cache", "tmpfs"))


def mount_targets(instruction: Instruction, env: Mapping[str, str]) -> tuple[str, ...]:
    """The targets of all the mounts of a RUN, whatever their type."""
    return tuple(target for _, target in _mounts(instruction, env))


def _mounts(instruction: Instruction, env: Mapping[str, str]) -> Iterator[tuple[str, str]]:
    """(type, target) of each `--mount` flag that has a target."""
    for flag in instruction.flags:
        if flag.name != "mount" or not flag.value:
            continue
        options = {name: value for name, _, value in (part.partition("=") for part in _csv(flag.value))}
        target = options.get("target") or options.get("dst") or options.get("destination")
        if target:
            yield options.get("type", "bind"), posixpath.normpath(_expand(target, env))


_CSV_FIELD = re.compile(r'"((?:[^"]|"")*)"|([^,]+)')


def _csv(value: str) -> list[str]:
    """Split `type=cache,"target=/a,b"` like BuildKit's CSV reader."""
    return [quoted.replace('""', '"') if quoted else plain.strip() for quoted, plain in _CSV_FIELD.findall(value)]


_VARIABLE = re.compile(r"\$(?:\{(\w+)(?::?([-+])([^}]*))?\}|(\w+))")


def _expand(value: str, env: Mapping[str, str]) -> str:
    """Expand `$X`, `${X}`, `${X:-default}` and `${X:+alt}` as BuildKit does for ENV, ARG,
    USER and mount options; unknown variables are empty."""

    def replace(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(4)
        current = env.get(name, "")
        if match.group(2) == "-":
            return current or match.group(3)
        if match.group(2) == "+":
            return match.group(3) if current else ""
        return current

    return _VARIABLE.sub(replace, value) if "$" in value else value


def _expand_known(value: str, env: Mapping[str, str]) -> str | None:
    """`_expand`, or None when the value uses a variable that is not set here (a build argument
    given only on the command line) and not replaced by a default."""
    for match in _VARIABLE.finditer(value):
        if (match.group(1) or match.group(4)) not in env and match.group(2) != "-" and match.group(2) != "+":
            return None
    return _expand(value, env)


_PAIR_WORD = re.compile(r"""(?:[^\s"'\\]|\\.|"(?:[^"\\]|\\.)*"|'[^']*')+""", re.DOTALL)


def _pairs(instruction: Instruction, keyword: str, env: Mapping[str, str]):
    """(name, value or None, file offset of the name) for each variable of an ENV or ARG."""
    script = instruction.script
    words = list(_PAIR_WORD.finditer(script))
    if not words:
        return
    if keyword == "ENV" and "=" not in words[0].group():
        # legacy `ENV NAME value with spaces`
        rest = script[words[0].end() :].strip()
        yield words[0].group(), _word_value(rest, env), instruction.script_map.before(words[0].start())
        return
    for word in words:
        name, equals, value = word.group().partition("=")
        if not name:
            continue
        offset = instruction.script_map.before(word.start())
        yield name, _word_value(value, env) if equals else None, offset


def _word_value(word: str, env: Mapping[str, str]) -> str:
    """An ENV or ARG value as BuildKit reads it: quotes removed, backslash escapes outside
    single quotes, variables expanded except inside single quotes."""
    if "\\" not in word and '"' not in word and "'" not in word:
        return _expand(word, env)
    out = []
    quote = None
    plain_start = 0  # where the text still to expand starts (outside single quotes)
    index = 0
    while index < len(word):
        char = word[index]
        if quote != "'" and char == "\\" and index + 1 < len(word):
            out.append(_expand(word[plain_start:index], env))
            out.append(word[index + 1])
            index += 2
            plain_start = index
            continue
        if (quote is None and char in "\"'") or char == quote:
            segment = word[plain_start:index]
            out.append(segment if quote == "'" else _expand(segment, env))
            quote = None if char == quote else char
            plain_start = index + 1
        index += 1
    segment = word[plain_start:]
    out.append(segment if quote == "'" else _expand(segment, env))
    return "".join(out)

"""What each RUN sees: the variables set by ENV and ARG (inherited across stages built FROM an
earlier stage), its cache mounts, the user's home and the SHELL's dialect."""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

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


@dataclass(slots=True)
class _Stage:
    env: dict[str, str] = field(default_factory=dict)  # ENV: passed on to stages built FROM this one
    args: dict[str, str] = field(default_factory=dict)  # ARG: ends with the stage
    user: str = "root"
    dialect: str = "posix"

    def inherit(self) -> _Stage:
        return _Stage(dict(self.env), {}, self.user, self.dialect)

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
            stage.user = _expand(instruction.script.strip(), stage.variables()).split(":", 1)[0] or "root"
        elif keyword == "SHELL" and instruction.exec_form:
            stage.dialect = _dialect(instruction.script)
        elif keyword == "RUN":
            env = stage.variables()
            runs.append((instruction, RunContext(env, _cache_mounts(instruction, env), _home(stage), stage.dialect)))
    return runs, settings


def with_flags(context: RunContext, instruction: Instruction) -> RunContext:
    """The context of `instruction` standing where the RUN of `context` stood: the same stage
    state, and what its own flags decide read again (a fix may add a cache mount)."""
    return context._replace(cache_mounts=_cache_mounts(instruction, context.env))


def _from(instruction, previous, stages, names, global_args) -> _Stage:
    words = _expand(instruction.script, global_args).split()
    image = words[0].lower() if words else ""
    parent_index = names.get(image, int(image) if image.isdigit() else None)
    stage = stages[parent_index].inherit() if parent_index is not None and parent_index < len(stages) else _Stage()
    if len(words) >= 3 and words[1].lower() == "as":
        names[words[2].lower()] = len(stages)
    stages.append(stage)
    return stage


def _home(stage: _Stage) -> str | None:
    if "HOME" in stage.env:
        return stage.env["HOME"]  # an ARG named HOME does not move the home
    if stage.user in ("root", "0"):
        return "/root"
    if stage.user.isdigit() or "$" in stage.user:
        return None
    return f"/home/{stage.user}"


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
    targets = []
    for flag in instruction.flags:
        if flag.name != "mount" or not flag.value:
            continue
        options = {name: value for name, _, value in (part.partition("=") for part in _csv(flag.value))}
        target = options.get("target") or options.get("dst") or options.get("destination")
        if options.get("type") in ("cache", "tmpfs") and target:
            targets.append(posixpath.normpath(_expand(target, env)))
    return tuple(targets)


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

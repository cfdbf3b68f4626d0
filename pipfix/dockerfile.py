"""Stage 1: scan a Dockerfile into instructions with exact offsets, following BuildKit's rules."""

from __future__ import annotations

from dataclasses import dataclass

from .source import OffsetMap


@dataclass(frozen=True, slots=True)
class Flag:
    """A flag of an instruction, e.g. `--mount=type=cache,target=/root/.cache/pip`."""

    name: str  # "mount", lower case
    value: str | None  # "type=cache,target=/root/.cache/pip"; None for a bare `--flag`
    start: int  # file offsets of the whole flag word
    end: int


@dataclass(frozen=True, slots=True)
class Heredoc:
    """One heredoc of an instruction: `<<EOF`, `<<-EOF`, `<<"EOF"`, `<<'EOF'`."""

    delimiter: str  # EOF
    strip_tabs: bool  # `<<-`
    quoted: bool  # `<<"EOF"` or `<<'EOF'`
    marker_start: int  # script indices of the marker (`<<-"EOF"`) in Instruction.script
    marker_end: int
    body_start: int  # file offsets of the body: the lines after the instruction's line,
    body_end: int  #   up to (not including) the delimiter line


@dataclass(frozen=True, slots=True)
class Instruction:
    keyword: str  # upper case; for `ONBUILD RUN x` this is "RUN" and onbuild is True
    onbuild: bool
    start: int  # file offsets: from the keyword (or ONBUILD) to the end of its last line,
    end: int  #   line break excluded, heredoc bodies and delimiter lines included
    start_line: int  # 1-based, as BuildKit reports them
    end_line: int
    flags: tuple[Flag, ...]
    script: str  # the joined text after the flags, as BuildKit builds it (its `value`)
    script_map: OffsetMap  # script index -> file offset
    exec_form: bool  # the script is a JSON array of strings
    heredocs: tuple[Heredoc, ...]


@dataclass(frozen=True, slots=True)
class Comment:
    """A comment line outside any instruction (pragmas live here)."""

    line: int  # 1-based
    text: str  # after the `#`, stripped


@dataclass(frozen=True, slots=True)
class Dockerfile:
    escape: str  # "\\" or "`"
    directives: dict[str, str]  # lower-case name -> value, from the leading comment block
    instructions: tuple[Instruction, ...]
    comments: tuple[Comment, ...]


def scan(text: str) -> Dockerfile:
    raise NotImplementedError

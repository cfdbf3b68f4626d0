"""Stage 2: the simple commands of a RUN instruction, found with tree-sitter-bash."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from .dockerfile import Instruction


@dataclass(frozen=True, slots=True)
class Word:
    text: str | None  # the static value after unquoting; None when it holds an expansion
    raw: str  # the word as written in its script, quotes included
    start: int  # file offset to insert right before the word
    end: int  # file offset to insert right after the word


@dataclass(frozen=True, slots=True)
class Command:
    """One simple command, e.g. `FOO=1 sudo -H pip install x`."""

    words: tuple[Word, ...]  # the command name and its arguments, without the assignments
    assignments: Mapping[str, str | None]  # the inline `VAR=value` prefix (None: dynamic value)
    assignment_words: tuple[Word, ...]  # the same prefix as words, for positions
    exported: Mapping[str, str | None]  # variables `export`ed earlier in the same RUN
    exec_form: bool  # words are JSON array elements: insert `, "x"` after a word
    separator: str  # exec form: the separator to use between two elements, e.g. ", "
    confident: bool  # False when found by the fallback splitter in text that did not parse


def commands(instruction: Instruction, dialect: str = "posix") -> Iterator[Command]:
    raise NotImplementedError

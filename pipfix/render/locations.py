"""Where a finding and its fix are, in the terms the output formats use.

Lines and columns are 1-based and count code points (a BOM on line 1 is not counted), as in
`pipfix.source.LineIndex`; an end column is the column just after the last character.

Paths: GitHub code scanning, GitHub annotations and GitLab Code Quality read a file's path
from the repository's root, whatever directory pipfix ran in: `source_root` and `root_path`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ..edits import Edit
from ..engine import Finding
from ..source import LineIndex, word_end


@dataclass(frozen=True)
class Span:
    line: int
    column: int
    end_line: int
    end_column: int


def finding_span(text: str, index: LineIndex, finding: Finding) -> Span:
    end_line, end_column = index.line_column(word_end(text, finding.offset))
    return Span(finding.line, finding.column, end_line, end_column)


def edit_position(index: LineIndex, edit: Edit) -> tuple[int, int]:
    """The (line, column) of the character the insertion goes before."""
    return index.line_column(edit.offset)


def source_root() -> Path:
    """The root of the git repository holding the current directory (the nearest directory
    with a `.git`, a directory or a worktree's file), else the current directory."""
    current = Path.cwd()
    for directory in (current, *current.parents):
        if os.path.exists(directory / ".git"):
            return directory
    return current


def root_path(name: str, root: Path) -> str | None:
    """`name` (a path as shown, relative to the current directory or absolute) relative to
    `root`, with forward slashes; None when it is not under `root`, or is standard input."""
    if name == "-":
        return None
    try:
        return Path(os.path.abspath(name)).relative_to(root).as_posix()
    except ValueError:
        return None

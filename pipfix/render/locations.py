"""Where a finding and its fix are, in the line/column terms the output formats use.

Lines and columns are 1-based and count code points (a BOM on line 1 is not counted), as in
`pipfix.source.LineIndex`; an end column is the column just after the last character.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..edits import Edit
from ..engine import Finding
from ..source import LineIndex

# A finding points at a word (pip, python, uv, --no-cache-dir, PIP_NO_CACHE_DIR=...): it ends
# at the first character that ends a shell word or a JSON string.
WORD_ENDS = frozenset(" \t\r\n\"';&|()<>`")


@dataclass(frozen=True)
class Span:
    line: int
    column: int
    end_line: int
    end_column: int


def finding_span(text: str, index: LineIndex, finding: Finding) -> Span:
    end = finding.offset
    while end < len(text) and text[end] not in WORD_ENDS:
        end += 1
    if end == finding.offset and end < len(text):
        end += 1  # at least one character
    end_line, end_column = index.line_column(end)
    return Span(finding.line, finding.column, end_line, end_column)


def edit_position(index: LineIndex, edit: Edit) -> tuple[int, int]:
    """The (line, column) of the character the insertion goes before."""
    return index.line_column(edit.offset)

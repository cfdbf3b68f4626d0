"""Where a finding and its fix are, in the line/column terms the output formats use.

Lines and columns are 1-based and count code points (a BOM on line 1 is not counted), as in
`pipfix.source.LineIndex`; an end column is the column just after the last character.
"""

from __future__ import annotations

from dataclasses import dataclass

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

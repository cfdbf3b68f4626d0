"""Positions in a Dockerfile's text: line/column lookup and maps from joined scripts back to the file.

All offsets are code-point indices into the decoded file text, BOM included (a BOM is kept as
U+FEFF at offset 0, so every byte around the edits is written back as it was read).
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

BOM = "\ufeff"


class LineIndex:
    """Maps file offsets to 1-based (line, column), counting lines the way BuildKit does.

    BuildKit splits lines on LF only (a CRLF ends a line at its LF, a lone CR is an ordinary
    character). Columns count code points; on line 1 a BOM is not counted.
    """

    __slots__ = ("_line_starts", "_bom")

    def __init__(self, text: str) -> None:
        starts = [0]
        find = text.find
        i = find("\n")
        while i != -1:
            starts.append(i + 1)
            i = find("\n", i + 1)
        self._line_starts = starts
        self._bom = text.startswith(BOM)

    def line_column(self, offset: int) -> tuple[int, int]:
        line = bisect_right(self._line_starts, offset)
        column = offset - self._line_starts[line - 1] + 1
        if line == 1 and self._bom and offset > 0:
            column -= 1
        return line, column

    def line_start(self, line: int) -> int:
        """Offset of the first character of 1-based `line`."""
        return self._line_starts[line - 1]


@dataclass(frozen=True, slots=True)
class OffsetMap:
    """Maps each index of a script (a RUN's joined shell text, or a decoded nested string) to
    the file offset of that character.

    The script is made of runs of characters that are contiguous in the file: run k starts at
    script index `script_starts[k]` and file offset `file_starts[k]`; `length` is the script's
    length. `before(i)` is where to insert in the file to land before script character i;
    `after(i)` is where to insert to land right after script character i - 1. The two differ
    only where a run ends, e.g. at a line continuation: `after` keeps an insertion on the line
    of the word it follows.
    """

    script_starts: tuple[int, ...]
    file_starts: tuple[int, ...]
    length: int

    @classmethod
    def identity(cls, file_start: int, length: int) -> OffsetMap:
        return cls((0,), (file_start,), length)

    def before(self, script_index: int) -> int:
        if script_index >= self.length and script_index > 0:
            return self.after(self.length)
        run = bisect_right(self.script_starts, script_index) - 1
        return self.file_starts[run] + script_index - self.script_starts[run]

    def after(self, script_index: int) -> int:
        if script_index <= 0:
            return self.before(0)
        return self.before(script_index - 1) + 1

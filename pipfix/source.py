"""Positions in a Dockerfile's text: line/column lookup and maps from joined scripts back to the file.

All offsets are code-point indices into the decoded file text, BOM included (a BOM is kept as
U+FEFF at offset 0, so every byte around the edits is written back as it was read).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import NamedTuple

BOM = "\ufeff"


class LineIndex:
    """Maps file offsets to 1-based (line, column), counting lines the way BuildKit does.

    BuildKit splits lines on LF only (a CRLF ends a line at its LF, a lone CR is an ordinary
    character). Columns count code points; on line 1 a BOM is not counted.
    """

    __slots__ = ("_bom", "_line_starts")

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


class OffsetMap(NamedTuple):
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

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Where the text script[start:end] begins and ends in the file: `before(start)` and
        `after(end)`."""
        file_starts = self.file_starts
        if 0 < end <= self.length and start < self.length:  # inside the script (every word)
            if len(file_starts) == 1:  # one run (most scripts): a shift
                return start + file_starts[0], end + file_starts[0]
            script_starts = self.script_starts
            run = bisect_right(script_starts, start) - 1
            last = bisect_right(script_starts, end - 1) - 1
            return file_starts[run] + start - script_starts[run], file_starts[last] + end - script_starts[last]
        return self.before(start), self.after(end)


# --- Language Server Protocol positions --------------------------------------------------------

UTF8 = "utf-8"
UTF16 = "utf-16"  # the LSP default
UTF32 = "utf-32"


def code_units(text: str, encoding: str = UTF16) -> int:
    """Length of `text` in the code units of an LSP position encoding."""
    if encoding == UTF32 or text.isascii():
        return len(text)
    if encoding == UTF8:
        return len(text.encode("utf-8", "surrogatepass"))
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


_LSP_LINE_BREAK = re.compile(r"\r\n?|\n")


class LspIndex:
    """Maps file offsets (code points) to LSP positions and back.

    LSP lines end at LF, CRLF or a lone CR (unlike LineIndex, which follows BuildKit); lines and
    characters are 0-based, characters count code units of the negotiated position encoding
    (UTF-16 unless the client offered another)."""

    __slots__ = ("_line_starts", "_text")

    def __init__(self, text: str) -> None:
        self._text = text
        self._line_starts = [0, *(match.end() for match in _LSP_LINE_BREAK.finditer(text))]

    def position(self, offset: int, encoding: str = UTF16) -> tuple[int, int]:
        """(line, character) of the file offset."""
        line = bisect_right(self._line_starts, offset) - 1
        start = self._line_starts[line]
        return line, code_units(self._text[start:offset], encoding)

    def offset(self, line: int, character: int, encoding: str = UTF16) -> int:
        """The file offset of an LSP position; out-of-range positions are clamped to the line
        (or the text), as the protocol asks."""
        if line < 0:
            return 0
        if line >= len(self._line_starts):
            return len(self._text)
        start = self._line_starts[line]
        end = self._line_starts[line + 1] if line + 1 < len(self._line_starts) else len(self._text)
        while end > start and self._text[end - 1] in "\r\n":
            end -= 1
        units = 0
        offset = start
        while offset < end and units < character:
            units += code_units(self._text[offset], encoding)
            offset += 1
        return offset


def lsp_position(text: str, offset: int, encoding: str = UTF16) -> tuple[int, int]:
    """The 0-based LSP (line, character) of a file offset; characters in UTF-16 code units
    by default. For many lookups in one text, build an LspIndex once."""
    return LspIndex(text).position(offset, encoding)


# A finding points at a word (pip, python, uv, --no-cache-dir, PIP_NO_CACHE_DIR=...): it ends at
# the first character that ends a shell word or a JSON string. A backslash does not: it stands in
# Windows paths (C:\Python312\python.exe).
_WORD_ENDS = frozenset(" \t\r\n\"';&|()<>`")


def word_end(text: str, offset: int) -> int:
    """The end offset of the word a finding at `offset` points at (at least one character)."""
    end = offset
    while end < len(text) and text[end] not in _WORD_ENDS:
        end += 1
    return max(end, min(offset + 1, len(text)))

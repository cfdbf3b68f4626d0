"""What the engine remembers of the texts it has seen, so that an editor, which sends the same
file again and again with one change, pays only for the change.

It keeps three things:

- `runs`: the violations of a RUN instruction, their offsets relative to its start, keyed by
  all that decides them: the instruction's text (heredoc bodies included), the escape
  character, its whole context and the settings. At most RUN_ENTRIES instructions of at most
  RUN_TEXT characters each (32 MB of text at the worst).
- `lines`: what BuildKit's line parsers make of an instruction's joined line, keyed by the line
  and the escape character. At most LINE_ENTRIES lines of at most LINE_TEXT characters.
- `last_scan`: the lines of the last text `scan` read and what it found, for a text of at most
  SCAN_TEXT characters (a larger one would stay in memory after its fix). The next scan takes
  the instructions that end before the first line that differs as they are.

A table that is full is emptied before it takes a new entry: no bookkeeping on a hit, and an
editor fills it again with one pass over its file. Nothing is ever out of date, so nothing is
invalidated: an entry is keyed by the whole of what its value is computed from (texts, not
hashes of them), by functions that read nothing else, so it is what computing it again would
give; and `last_scan` serves only lines equal to the ones it was read from. That is why no
result can differ, which tests/test_remembered_runs.py, test_dockerfile.py and
test_properties.py check against results computed after `forget()`.

There is one Memory per process (fix() runs in one thread; the CLI's workers are processes).
`engine.forget()` empties it: benchmarks use it to time a first sight of each text.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .dockerfile import Dockerfile, _Command
    from .rules import Violation


class Memory:
    RUN_ENTRIES = 4096
    RUN_TEXT = 8192
    LINE_ENTRIES = 4096
    LINE_TEXT = 1024
    SCAN_TEXT = 1 << 20

    __slots__ = ("last_scan", "lines", "runs")

    def __init__(self) -> None:
        self.runs: dict[Hashable, tuple[Violation, ...]] = {}
        self.lines: dict[tuple[str, str], _Command] = {}
        self.last_scan: tuple[list[str], Dockerfile] | None = None

    def keep_run(self, key: Hashable, text: str, violations: tuple[Violation, ...]) -> None:
        """Remember the violations of the RUN instruction `text` (part of `key`)."""
        if len(text) <= self.RUN_TEXT:
            _put(self.runs, key, violations, self.RUN_ENTRIES)

    def keep_line(self, line: str, escape: str, command: _Command) -> None:
        if len(line) <= self.LINE_TEXT:
            _put(self.lines, (line, escape), command, self.LINE_ENTRIES)

    def keep_scan(self, text: str, lines: list[str], dockerfile: Dockerfile) -> None:
        self.last_scan = (lines, dockerfile) if len(text) <= self.SCAN_TEXT else None

    def forget(self) -> None:
        self.runs.clear()
        self.lines.clear()
        self.last_scan = None


def _put(table: dict, key: Hashable, value: object, entries: int) -> None:
    if len(table) >= entries:
        table.clear()
    table[key] = value


MEMORY = Memory()

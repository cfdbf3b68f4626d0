"""Where output goes: into the files or into a report (the mode), data to stdout (or -o FILE),
messages for people to stderr by verbosity, and whether to color; and each file's status."""

from __future__ import annotations

import enum
import sys
from collections.abc import Mapping
from typing import BinaryIO


class Mode(enum.Enum):
    PREVIEW = "preview"  # report what would change, write nothing
    CHECK = "check"  # print the findings, write nothing
    WRITE = "write"  # fix the files in place


class Status(enum.Enum):
    CHANGED = "changed"  # fixed, or would be fixed
    UNCHANGED = "unchanged"
    FAILED = "failed"


class Verbosity(enum.IntEnum):
    SILENT = 0  # nothing: the exit status only
    QUIET = 1  # errors only
    NORMAL = 2  # per-file lines and the summary
    VERBOSE = 3  # also the configuration used and why paths were skipped


class ColorChoice(str, enum.Enum):
    AUTO = "auto"
    ALWAYS = "always"
    NEVER = "never"


def use_color(choice: ColorChoice, is_terminal: bool, environ: Mapping[str, str]) -> bool:
    """--color always/never wins; for auto, NO_COLOR turns color off, FORCE_COLOR on, and
    otherwise only a terminal (not TERM=dumb) gets color."""
    if choice is not ColorChoice.AUTO:
        return choice is ColorChoice.ALWAYS
    if environ.get("NO_COLOR"):
        return False
    if environ.get("FORCE_COLOR", "") not in ("", "0", "false"):
        return True
    return is_terminal and environ.get("TERM") != "dumb"


PROGRESS_MIN_FILES = 200  # a shorter run is over before a progress line would help
_CLEAR_LINE = "\r\x1b[K"


class Console:
    """Messages for people, on stderr, as the verbosity allows; on a terminal, a progress line
    for long runs, rewritten in place and cleared before any other message."""

    def __init__(self, verbosity: Verbosity, is_terminal: bool = False) -> None:
        self.verbosity = verbosity
        self._show_progress = is_terminal and verbosity >= Verbosity.NORMAL
        self._progress_shown = False

    def error(self, message: str) -> None:
        self._print(Verbosity.QUIET, f"error: {message}")

    def warning(self, message: str) -> None:
        self._print(Verbosity.NORMAL, f"warning: {message}")

    def info(self, message: str) -> None:
        self._print(Verbosity.NORMAL, message)

    def detail(self, message: str) -> None:
        self._print(Verbosity.VERBOSE, message)

    def progress(self, done: int, total: int) -> None:
        """`[done/total]` after each file of a long run; cleared once all are done."""
        if not self._show_progress or total < PROGRESS_MIN_FILES:
            return
        if done >= total:
            self._clear_progress()
        elif done % max(1, total // 100) == 0:
            sys.stderr.write(f"{_CLEAR_LINE}[{done}/{total}] files")
            sys.stderr.flush()
            self._progress_shown = True

    def _clear_progress(self) -> None:
        if self._progress_shown:
            sys.stderr.write(_CLEAR_LINE)
            self._progress_shown = False

    def _print(self, level: Verbosity, message: str) -> None:
        if self.verbosity >= level:
            self._clear_progress()
            print(message, file=sys.stderr, flush=True)


class Output:
    """Data: stdout, or the -o file; `None` stream writes nothing (--silent)."""

    def __init__(self, stream: BinaryIO | None) -> None:
        self.stream = stream

    def write(self, text: str) -> None:
        """As UTF-8 with no newline translation (CRLF stays CRLF)."""
        if self.stream is not None and text:
            data = memoryview(text.encode("utf-8", "surrogateescape"))
            while data:  # an unbuffered stdout (python -u) may take only part of it at once
                data = data[self.stream.write(data) :]
            self.stream.flush()

"""Unified diffs, byte-faithful (a CR stays in its line), optionally colored."""

from __future__ import annotations

import difflib

RED, GREEN, CYAN, BOLD, RESET = "\x1b[31m", "\x1b[32m", "\x1b[36m", "\x1b[1m", "\x1b[0m"
NO_NEWLINE = "\\ No newline at end of file\n"


def unified_diff(name: str, before: str, after: str, color: bool = False) -> str:
    diff = difflib.unified_diff(split_lines(before), split_lines(after), fromfile=name, tofile=name)
    lines = (line if line.endswith("\n") else line + "\n" + NO_NEWLINE for line in diff)
    return "".join(map(colorize, lines) if color else lines)


def colorize(line: str) -> str:
    """Color one diff line (which may carry its `No newline` marker)."""
    if line.startswith(("---", "+++")):
        style = BOLD
    elif line.startswith("@@"):
        style = CYAN
    elif line.startswith("-"):
        style = RED
    elif line.startswith("+"):
        style = GREEN
    else:
        return line
    body, newline, rest = line.partition("\n")
    return f"{style}{body}{RESET}{newline}{rest}"


def split_lines(text: str) -> list[str]:
    """Lines ending at each LF, the LF kept. Unlike str.splitlines, a CR, a form feed or a
    U+2028 stays inside its line, as in Docker's own reading of the file."""
    *complete, last = text.split("\n")
    return [line + "\n" for line in complete] + ([last] if last else [])

"""Quoted strings decoded with a map back to their source, and a quote-aware command splitter.

A `Decoded` string keeps, for each of its characters, the span of source text it came from, so
a position in the decoded text (a nested script) can be carried back into the text it was
quoted in.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple


class Decoded(NamedTuple):
    text: str
    starts: Sequence[int]  # source index where decoded character i begins
    ends: Sequence[int]  # source index just past decoded character i
    content_start: int  # source index just after the opening quote
    content_end: int  # source index of the closing quote
    dynamic: tuple[tuple[int, int], ...] = ()  # decoded ranges copied verbatim from an expansion


def single_quoted(source: str, start: int, end: int) -> Decoded:
    """The shell string `'…'` at source[start:end]: its content, as is."""
    return Decoded(
        source[start + 1 : end - 1],
        range(start + 1, end - 1),
        range(start + 2, end),
        start + 1,
        end - 1,
    )


def double_quoted(source: str, start: int, end: int, expansions: Sequence[tuple[int, int]]) -> Decoded:
    """The shell string `"…"` at source[start:end]. `expansions` are the source spans of its
    `$…` and backtick parts: the outer shell replaces them, so they are copied as they are and
    reported as dynamic."""
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    dynamic: list[tuple[int, int]] = []
    pending = sorted(expansions, reverse=True)
    i, stop = start + 1, end - 1
    while i < stop:
        if pending and i >= pending[-1][0]:
            expansion_end = min(pending.pop()[1], stop)
            if i < expansion_end:
                dynamic.append((len(chars), len(chars) + expansion_end - i))
                chars.append(source[i:expansion_end])
                starts.extend(range(i, expansion_end))
                ends.extend(range(i + 1, expansion_end + 1))
                i = expansion_end
            continue
        char = source[i]
        if char == "\\" and i + 1 < stop and source[i + 1] in '$`"\\\n':
            if source[i + 1] != "\n":  # a backslash-newline is removed
                chars.append(source[i + 1])
                starts.append(i)
                ends.append(i + 2)
            i += 2
            continue
        chars.append(char)
        starts.append(i)
        ends.append(i + 1)
        i += 1
    return Decoded("".join(chars), starts, ends, start + 1, stop, tuple(dynamic))


_JSON_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}
_HEX4 = re.compile(r"[0-9a-fA-F]{4}")
_JSON_SPACE = " \t\n\r"


def json_string(source: str, start: int) -> tuple[Decoded, int] | None:
    """The JSON string that opens at source[start] (a `"`) and the index just past it."""
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    i, n = start + 1, len(source)
    while i < n:
        char = source[i]
        if char == '"':
            return Decoded("".join(chars), starts, ends, start + 1, i), i + 1
        if char < " ":
            return None
        if char != "\\":
            chars.append(char)
            starts.append(i)
            ends.append(i + 1)
            i += 1
            continue
        escape = source[i + 1 : i + 2]
        if escape in _JSON_ESCAPES:
            chars.append(_JSON_ESCAPES[escape])
            end = i + 2
        elif escape == "u" and _HEX4.fullmatch(source, i + 2, i + 6):
            code, end = int(source[i + 2 : i + 6], 16), i + 6
            if (
                0xD800 <= code < 0xDC00
                and source.startswith("\\u", end)
                and _HEX4.fullmatch(source, end + 2, end + 6)
                and 0xDC00 <= (low := int(source[end + 2 : end + 6], 16)) < 0xE000
            ):
                code, end = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00), end + 6
            chars.append(chr(code))
        else:
            return None
        starts.append(i)
        ends.append(end)
        i = end
    return None


def json_array(source: str) -> list[tuple[int, int, Decoded]] | None:
    """The elements of a JSON array of strings: (start of the opening quote, index just past
    the closing quote, decoded string). None when source is not such an array."""
    elements: list[tuple[int, int, Decoded]] = []
    i = _skip(source, 0, _JSON_SPACE)
    if not source.startswith("[", i):
        return None
    i = _skip(source, i + 1, _JSON_SPACE)
    if source.startswith("]", i):
        return elements if _skip(source, i + 1, _JSON_SPACE) == len(source) else None
    while True:
        if not source.startswith('"', i):
            return None
        parsed = json_string(source, i)
        if parsed is None:
            return None
        decoded, end = parsed
        elements.append((i, end, decoded))
        i = _skip(source, end, _JSON_SPACE)
        if source.startswith("]", i):
            return elements if _skip(source, i + 1, _JSON_SPACE) == len(source) else None
        if not source.startswith(",", i):
            return None
        i = _skip(source, i + 1, _JSON_SPACE)


def _skip(source: str, i: int, chars: str) -> int:
    while i < len(source) and source[i] in chars:
        i += 1
    return i


_SHELL_SPECIAL = re.compile(r"[\\'\"$`]|[<>]\(")


def unquote_word(raw: str) -> str | None:
    """The static value of a shell word after quote removal; None when it holds an expansion
    (`$…`, backticks, `<(…)`) or an unclosed quote. Globs and `~` stay as written."""
    if not _SHELL_SPECIAL.search(raw):
        return raw
    out: list[str] = []
    i, n = 0, len(raw)
    while i < n:
        char = raw[i]
        if char == "'":
            close = raw.find("'", i + 1)
            if close < 0:
                return None
            out.append(raw[i + 1 : close])
            i = close + 1
        elif char == '"':
            i += 1
            while i < n and raw[i] != '"':
                char = raw[i]
                if char == "`" or (char == "$" and i + 1 < n and raw[i + 1] not in ' \t\n"'):
                    return None
                if char == "\\" and i + 1 < n and raw[i + 1] in '$`"\\\n':
                    if raw[i + 1] != "\n":
                        out.append(raw[i + 1])
                    i += 2
                else:
                    out.append(char)
                    i += 1
            if i >= n:
                return None
            i += 1
        elif char == "\\":
            if i + 1 < n and raw[i + 1] != "\n":
                out.append(raw[i + 1])
            elif i + 1 == n:
                out.append(char)
            i += 2
        elif (
            char == "`"
            or (char == "$" and i + 1 < n and raw[i + 1] not in " \t\n")
            or (char in "<>" and raw.startswith("(", i + 1))
        ):
            return None
        else:
            out.append(char)
            i += 1
    return "".join(out)


@dataclass(frozen=True, slots=True)
class _Dialect:
    quotes: str
    escape: str  # outside quotes, and inside double quotes unless escapes_in_double is False
    escapes_in_double: bool
    separators: tuple[str, ...]  # two-character ones first
    comments: bool


DIALECTS = {
    "posix": _Dialect("'\"", "\\", True, ("&&", "||", ";", "|", "&", "\n"), True),
    "powershell": _Dialect("'\"", "`", True, ("&&", "||", ";", "|", "\n"), True),
    "cmd": _Dialect('"', "^", False, ("&&", "||", "&", "|", "\n"), False),
}


def split_commands(script: str, dialect: str) -> tuple[list[list[tuple[int, int]]], bool]:
    """Split a script on the dialect's command separators and its commands into words,
    respecting quotes and escapes. Returns each command's word spans and whether every quote
    was closed. A fallback for text the shell grammar could not parse."""
    rules = DIALECTS[dialect]
    commands: list[list[tuple[int, int]]] = []
    words: list[tuple[int, int]] = []
    word_start = -1
    quote = ""
    i, n = 0, len(script)
    while i < n:
        char = script[i]
        if quote:
            if char == rules.escape and quote == '"' and rules.escapes_in_double:
                i += 2
            else:
                quote = "" if char == quote else quote
                i += 1
            continue
        if char == rules.escape and word_start < 0 and script.startswith("\n", i + 1):
            i += 2  # a line continuation between words
            continue
        if char in " \t\r":
            if word_start >= 0:
                words.append((word_start, i))
                word_start = -1
            i += 1
            continue
        separator = next((s for s in rules.separators if script.startswith(s, i)), None)
        if separator is not None or (char == "#" and word_start < 0 and rules.comments):
            if word_start >= 0:
                words.append((word_start, i))
                word_start = -1
            if words:
                commands.append(words)
                words = []
            if separator is None:  # a comment: skip to the end of the line
                i = script.find("\n", i)
                i = n if i < 0 else i
            else:
                i += len(separator)
            continue
        if word_start < 0:
            word_start = i
        if char in rules.quotes:
            quote = char
        i += 2 if char == rules.escape else 1
    if word_start >= 0:
        words.append((word_start, min(i, n)))
    if words:
        commands.append(words)
    return commands, not quote

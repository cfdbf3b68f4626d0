"""Stage 1: scan a Dockerfile into instructions with exact offsets, following BuildKit's rules.

The scanner mirrors BuildKit's parser (moby/buildkit frontend/dockerfile/parser: Parse,
splitCommand, extractBuilderFlags, the line parsers that can fail, heredocsFromLine and the
shell lexer it calls). Where BuildKit versions differ it follows today's (the `check`
directive, exec form read with json.Unmarshal). tests/test_scan_oracle.py compares it with
BuildKit's own code.
"""

from __future__ import annotations

import json
import math
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from itertools import accumulate
from typing import NamedTuple

from .errors import CannotFix, LineTooLong
from .memory import MEMORY
from .source import BOM, OffsetMap


class Flag(NamedTuple):
    """A flag of an instruction, e.g. `--mount=type=cache,target=/root/.cache/pip`."""

    name: str  # "mount", as written (BuildKit rejects `--MOUNT`)
    value: str | None  # "type=cache,target=/root/.cache/pip"; None for a bare `--flag`
    start: int  # file offsets of the whole flag word
    end: int


class Heredoc(NamedTuple):
    """One heredoc of an instruction: `<<EOF`, `<<-EOF`, `<<"EOF"`, `<<'EOF'`."""

    delimiter: str  # EOF
    strip_tabs: bool  # `<<-`
    quoted: bool  # part of the word is quoted (`<<"EOF"`, `<<E'O'F`): BuildKit's !Expand
    marker_start: int  # script indices of the marker word (`2<<-"EOF"`) in Instruction.script
    marker_end: int
    body_start: int  # file offsets of the body: from the start of the line after the command
    body_end: int  #   line (or the previous delimiter line) to the start of the delimiter line,
    #                  so the body's last line break is in it; text[body_start:body_end] is
    #                  BuildKit's heredoc content, CR and leading tabs included.


class Instruction(NamedTuple):
    keyword: str  # upper case; for `ONBUILD RUN x` this is "RUN" and onbuild is True
    onbuild: bool
    start: int  # file offsets: from the keyword (or ONBUILD) to the end of its last line,
    end: int  #   line break excluded, heredoc bodies and delimiter lines included
    start_line: int  # 1-based, as BuildKit reports them
    end_line: int
    flags: tuple[Flag, ...]
    flags_start: int  # file offset where BuildKit starts reading flags, after the keyword's
    #                   blanks: a flag inserted here is the instruction's first
    script: str  # the joined text after the flags, as BuildKit builds it (its `value`)
    script_map: OffsetMap  # script index -> file offset
    exec_form: bool  # the script is a JSON array of strings
    heredocs: tuple[Heredoc, ...]


class Comment(NamedTuple):
    """A comment line outside any instruction (pragmas live here)."""

    line: int  # 1-based
    text: str  # after the `#`, stripped


class Dockerfile(NamedTuple):
    escape: str  # "\\" or "`"
    directives: dict[str, str]  # lower-case name -> value, from the leading comment block
    instructions: tuple[Instruction, ...]
    comments: tuple[Comment, ...]


# Go's unicode.IsSpace, which BuildKit uses to trim lines and split words.
_GO_SPACE = (
    "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000"
)
_GO_SPACES = re.compile(f"[{_GO_SPACE}]+")
_BLANKS = re.compile(r"[\t\v\f\r ]+")  # BuildKit's reWhitespace: ends the keyword, splits `ENV name value`
# extractBuilderFlags and parseHealthConfig test single bytes; pipfix reads only ASCII ones as spaces.
_BYTE_SPACE = "\t\n\v\f\r "
_BYTE_SPACES = re.compile(f"[{_BYTE_SPACE}]+")
_BYTE_GAP = re.compile(f"[{_BYTE_SPACE}]*")
# a flag word without quotes or backslashes, whose text is then the flag as BuildKit reads it
_SIMPLE_FLAG = re.compile(rf"""[{_BYTE_SPACE}]*(--[^{_BYTE_SPACE}'"\\]*)(?![^{_BYTE_SPACE}])""")
# parseWords' words, per escape character; each alternative starts with its own character, so no
# backtracking
_NAME_VALUE_WORD = {
    escape: re.compile(
        rf"""(?:[^{_GO_SPACE}'"{e}]+|{e}[\s\S]|{e}\Z|"(?:[^"{e}]|{e}[\s\S])*(?:"|{e}?\Z)|'[^']*(?:'|\Z))+"""
    )
    for escape, e in (("\\", r"\\"), ("`", "`"))
}
_DIRECTIVE = re.compile(r"([a-zA-Z][a-zA-Z0-9]*)[\t\n\f\r ]*=(.*)", re.DOTALL)
_REGEXP_SPACE = "\t\n\f\r "  # Go's \s
_DIRECTIVE_NAMES = frozenset({"syntax", "escape", "check"})
_HEREDOC_WORD = re.compile(r"[0-9]*<<(-?)([^<]*)", re.DOTALL)
_JSON_KEYWORDS = frozenset({"RUN", "CMD", "ENTRYPOINT", "SHELL", "ADD", "COPY", "VOLUME"})
_HEREDOC_KEYWORDS = frozenset({"RUN", "COPY", "ADD"})
_MAX_LINE_BYTES = 65535  # bufio.Scanner's 64 KiB token limit, less the line break


def scan(text: str) -> Dockerfile:
    """Split `text` into instructions the way BuildKit does; raise CannotFix where BuildKit
    rejects the file."""
    lines, starts = _lines(text)
    _check_line_lengths(lines)

    escape, directives, comments, instructions, index = _resumed(lines)
    reading_directives = index == 0
    count = len(lines)
    while index < count:
        stripped, first = _visible(lines, starts, index)
        if reading_directives:
            directive = _directive(stripped)
            if directive is None:
                reading_directives = False
            else:
                name, value = directive
                if name in directives:
                    raise CannotFix(f"only one {name} parser directive can be used (line {index + 1})")
                if name == "escape":
                    if value not in ("\\", "`"):
                        raise CannotFix(f"invalid escape directive {value!r} at line {index + 1}: must be \\ or `")
                    escape = value
                directives[name] = value
        if not stripped:
            index += 1
            continue
        if stripped[0] == "#":
            comments.append(Comment(index + 1, stripped[1:].strip(_GO_SPACE)))
            index += 1
            continue
        instruction, index = _read_instruction(lines, starts, index, stripped, first, escape)
        instructions.append(instruction)
        index += 1
    if not instructions:
        raise CannotFix("file with no instructions")
    dockerfile = Dockerfile(escape, directives, tuple(instructions), tuple(comments))
    MEMORY.keep_scan(text, lines, dockerfile)
    return dockerfile


def _resumed(lines: list[str]) -> tuple[str, dict[str, str], list[Comment], list[Instruction], int]:
    """Where scanning `lines` starts: (escape, directives, comments, instructions, index of the
    next line to read). From the last scan, the instructions that end before the first line
    that differs from it (with the comments and directives above them) are taken as they are;
    the last line of the last scan is left out of the comparison, as an instruction that ended
    there may have ended only because the text did."""
    nothing: tuple[str, dict[str, str], list[Comment], list[Instruction], int] = ("\\", {}, [], [], 0)
    last_scan = MEMORY.last_scan
    if last_scan is None:
        return nothing
    old_lines, old = last_scan
    limit = min(len(old_lines) - 1, len(lines))
    differs = next((i for i in range(limit) if old_lines[i] != lines[i]), limit)
    kept = bisect_right(old.instructions, differs, key=_end_line)
    if kept == 0:
        return nothing
    index = old.instructions[kept - 1].end_line  # the line after it, 0-based
    comments = old.comments[: bisect_right(old.comments, index, key=_comment_line)]
    return old.escape, dict(old.directives), list(comments), list(old.instructions[:kept]), index


def _end_line(instruction: Instruction) -> int:
    return instruction.end_line


def _comment_line(comment: Comment) -> int:
    return comment.line


def rescan(text: str, first_lines: Iterable[int], escape: str) -> list[Instruction]:
    """The instruction that starts on each of the 1-based `first_lines` of `text`, read as `scan`
    reads it there. When an edit changed only those instructions' lines, comparing them with
    the instructions `scan` found before checks the edit without scanning the whole file again.
    Raises CannotFix where `scan` would."""
    lines, starts = _lines(text)
    found = []
    for number in first_lines:
        index = number - 1
        stripped, first = _visible(lines, starts, index)
        if not stripped or stripped[0] == "#":
            raise CannotFix(f"no instruction starts at line {number}")
        instruction, last = _read_instruction(lines, starts, index, stripped, first, escape)
        _check_line_lengths(lines[index : last + 1], index)
        found.append(instruction)
    return found


def _lines(text: str) -> tuple[list[str], list[int]]:
    """The lines BuildKit reads (split at LF, each with its CR) and the offset each starts at."""
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()  # a final line break (or an empty text) starts no line
    return lines, list(accumulate(map((1).__add__, map(len, lines)), initial=0))


def _visible(lines: list[str], starts: list[int], index: int) -> tuple[str, int]:
    """Line `index` as BuildKit reads it for a new instruction or comment (without the BOM of the
    first line, its CR and its leading blanks), and the file offset where that text starts."""
    line = lines[index]
    first = starts[index]
    if index == 0 and line.startswith(BOM):
        line = line[1:]
        first += 1
    line = line.rstrip("\r")
    stripped = line.lstrip(_GO_SPACE)
    return stripped, first + len(line) - len(stripped)


def _read_instruction(
    lines: list[str], starts: list[int], index: int, stripped: str, first: int, escape: str
) -> tuple[Instruction, int]:
    """The instruction whose first line is lines[index], `stripped` of its leading blanks and
    starting at file offset `first`: its continuation lines joined, its heredocs read. Also
    returns the index of its last line."""
    value, continued = _trim_continuation(stripped, escape)
    first_index = index
    pieces = [(first, value)]
    count = len(lines)
    while continued and index + 1 < count:
        index += 1
        line = lines[index].rstrip("\r")
        visible = line.lstrip(_GO_SPACE)
        if not visible or visible[0] == "#":
            continue  # comment and empty lines inside a continuation are dropped
        value, continued = _trim_continuation(line, escape)
        pieces.append((starts[index], value))
    try:
        return _instruction(lines, starts, pieces, first_index, index, escape)
    except CannotFix as error:
        raise CannotFix(f"{error} at line {first_index + 1}") from None


def _check_line_lengths(lines: list[str], first_index: int = 0) -> None:
    if max(map(len, lines), default=0) * 4 <= _MAX_LINE_BYTES:
        return  # even in UTF-8 every line is short enough
    for number, line in enumerate(lines, first_index + 1):
        if len(line) > _MAX_LINE_BYTES // 4 and len(line.encode("utf-8", "replace")) > _MAX_LINE_BYTES:
            raise LineTooLong(number, _MAX_LINE_BYTES)


def _directive(line: str) -> tuple[str, str] | None:
    """BuildKit's DirectiveParser.ParseLine on a leading line: (name, value) or None."""
    if not line.startswith("#"):
        return None
    match = _DIRECTIVE.match(line[1:].lstrip(_GO_SPACE))
    if match is None or not match[2]:
        return None
    name = match[1].lower()
    if name not in _DIRECTIVE_NAMES:
        return None
    # `=\s*(.+?)\s*$`: at least one character, even when all of them are blanks
    return name, match[2].strip(_REGEXP_SPACE) or match[2][-1]


def _trim_continuation(line: str, escape: str) -> tuple[str, bool]:
    """BuildKit's lineContinuationRegex on a line that is not empty: an escape, not itself
    escaped, then only spaces and tabs."""
    last = line[-1]
    if last != escape and last != " " and last != "\t":
        return line, False  # most lines: no continuation, no work
    trimmed = line.rstrip(" \t")
    if trimmed.endswith(escape) and (len(trimmed) == 1 or trimmed[-2] != escape):
        return trimmed[:-1], True
    return line, False


def _join(pieces: list[tuple[int, str]]) -> tuple[str, tuple[int, ...], tuple[int, ...]]:
    """The instruction's pieces (more than one) joined as BuildKit joins them, with the runs of
    characters that are contiguous in the file: (line, where each run starts in it, where in the
    file)."""
    texts = [piece for _, piece in pieces if piece]
    if not texts:
        return "", (0,), (pieces[0][0],)
    line_starts = tuple(accumulate(map(len, texts[:-1]), initial=0))
    return "".join(texts), line_starts, tuple(start for start, piece in pieces if piece)


def _offset(line_starts: tuple[int, ...], file_starts: tuple[int, ...], position: int) -> int:
    """File offset of character `position` of the joined line (its end: after the last one)."""
    run = bisect_right(line_starts, position) - 1 if len(line_starts) > 1 else 0
    return file_starts[run] + position - line_starts[run]


def _script_map(line_starts: tuple[int, ...], file_starts: tuple[int, ...], start: int, end: int) -> OffsetMap:
    """The map of line[start:end], the script."""
    if start >= end:
        return OffsetMap((0,), (_offset(line_starts, file_starts, start),), 0)
    first = bisect_right(line_starts, start) - 1
    stop = bisect_left(line_starts, end)
    return OffsetMap(
        (0, *map(start.__rsub__, line_starts[first + 1 : stop])),
        (file_starts[first] + start - line_starts[first], *file_starts[first + 1 : stop]),
        end - start,
    )


class _Command(NamedTuple):
    """What BuildKit's newNodeFromLine makes of a joined line; positions index that line."""

    keyword: str
    keyword_start: int
    flags_start: int
    flags: tuple[tuple[str, int, int], ...]  # processed word, start, end
    args_start: int
    args_end: int
    exec_form: bool
    inner: _Command | None  # the instruction ONBUILD wraps


def _instruction(
    lines: list[str], starts: list[int], pieces: list[tuple[int, str]], first_index: int, last_index: int, escape: str
) -> tuple[Instruction, int]:
    """The instruction whose joined pieces end on line `last_index`; also returns the index of
    its last line, after the heredoc bodies."""
    line_starts: tuple[int, ...]
    file_starts: tuple[int, ...]
    if len(pieces) == 1:
        file_start, line = pieces[0]
        line_starts, file_starts = (0,), (file_start,)
    else:
        line, line_starts, file_starts = _join(pieces)
    command = MEMORY.lines.get((line, escape))
    if command is None:
        command = _command(line, 0, len(line), escape)
        MEMORY.keep_line(line, escape, command)
    onbuild = command.inner is not None
    node = command if command.inner is None else command.inner
    keyword, _, flags_start, flag_words, args_start, args_end, exec_form, _ = node
    heredocs: tuple[Heredoc, ...] = ()
    if keyword in _HEREDOC_KEYWORDS and not exec_form and "<<" in line:
        heredocs, last_index = _read_heredocs(line, node, lines, starts, last_index)
    flags: tuple[Flag, ...] = ()
    if flag_words:
        flags = tuple(_flag(word, start, end, line_starts, file_starts) for word, start, end in flag_words)
    if len(file_starts) == 1:  # one run: a file offset is a position in the line plus a shift
        start = file_starts[0] + command.keyword_start
        flags_start = file_starts[0] + flags_start
        script_map = OffsetMap((0,), (file_starts[0] + args_start,), args_end - args_start)
    else:
        start = _offset(line_starts, file_starts, command.keyword_start)
        flags_start = _offset(line_starts, file_starts, flags_start)
        script_map = _script_map(line_starts, file_starts, args_start, args_end)
    instruction = Instruction(
        keyword,
        onbuild,
        start,
        starts[last_index] + len(lines[last_index].rstrip("\r")),
        first_index + 1,
        last_index + 1,
        flags,
        flags_start,
        line[args_start:args_end],
        script_map,
        exec_form,
        heredocs,
    )
    return instruction, last_index


def _flag(word: str, start: int, end: int, line_starts: tuple[int, ...], file_starts: tuple[int, ...]) -> Flag:
    name, equals, value = word[2:].partition("=")
    return Flag(
        name,
        value if equals else None,
        _offset(line_starts, file_starts, start),
        _offset(line_starts, file_starts, end - 1) + 1,
    )


def _read_heredocs(
    line: str, node: _Command, lines: list[str], starts: list[int], last_index: int
) -> tuple[tuple[Heredoc, ...], int]:
    """The heredocs BuildKit finds in the joined line, their bodies read from the lines after
    line `last_index`; also returns the index of the last delimiter line."""
    script_length = node.args_end - node.args_start
    heredocs = []
    for delimiter, strip_tabs, quoted, marker_start, marker_end in _heredoc_words(line):
        body_start = last_index + 1
        while True:
            last_index += 1
            if last_index == len(lines):
                raise CannotFix(f"unterminated heredoc {line[marker_start:marker_end]}")
            candidate = lines[last_index].rstrip("\r")
            if strip_tabs:
                candidate = candidate.lstrip("\t")
            if candidate == delimiter:
                break
        # A marker lies in the script, unless a Unicode space splits a flag word for the lexer
        # (not for extractBuilderFlags): then it is clamped.
        heredocs.append(
            Heredoc(
                delimiter,
                strip_tabs,
                quoted,
                min(max(marker_start - node.args_start, 0), script_length),
                min(max(marker_end - node.args_start, 0), script_length),
                starts[body_start],
                starts[last_index],
            )
        )
    return tuple(heredocs), last_index


def _command(line: str, start: int, end: int, escape: str) -> _Command:
    """BuildKit's newNodeFromLine on line[start:end]: splitCommand, then the line parsers that
    decide exec form or reject the instruction."""
    if start < end and (line[start] in _GO_SPACE or line[end - 1] in _GO_SPACE):
        part = line[start:end]
        start += len(part) - len(part.lstrip(_GO_SPACE))
        end = start + len(part.strip(_GO_SPACE))
    split = _BLANKS.search(line, start, end)
    if split is None:
        return _Command(line[start:end].upper(), start, end, (), end, end, False, None)
    keyword = line[start : split.start()].upper()
    flags: list[tuple[str, int, int]] = []
    flags_start = args_start = split.end()
    if line.startswith("--", args_start, end):
        flags, args_start = _flags(line, args_start, end)
    if args_start < end and line[args_start] in _GO_SPACE:
        args_start = end - len(line[args_start:end].lstrip(_GO_SPACE))
    exec_form = False
    inner = None
    if keyword in _JSON_KEYWORDS:
        exec_form = line.startswith("[", args_start, end) and _exec_form(line[args_start:end])
    elif keyword == "HEALTHCHECK":
        if split := _BYTE_SPACES.search(line, args_start, end):
            _exec_form(line[split.end() : end])
    elif keyword in ("ENV", "LABEL"):
        _check_name_values(keyword, line[args_start:end], escape)
    elif keyword == "ONBUILD" and args_start < end:
        inner = _command(line, args_start, end, escape)
    return _Command(keyword, start, flags_start, tuple(flags), args_start, end, exec_form, inner)


def _flags(line: str, position: int, end: int) -> tuple[list[tuple[str, int, int]], int]:
    """BuildKit's extractBuilderFlags: the `--name[=value]` words (quotes and backslashes
    processed) with their spans, and where the arguments start."""
    flags: list[tuple[str, int, int]] = []
    while True:
        if simple := _SIMPLE_FLAG.match(line, position, end):
            word, start, position = simple[1], simple.start(1), simple.end()
        else:
            gap = _BYTE_GAP.match(line, position, end)  # it matches the empty string too
            position = gap.end() if gap else position
            if not line.startswith("--", position, end):
                return flags, position
            start = position
            word, position = _flag_word(line, position, end)
        if word == "--":
            return flags, position
        if word is not None:
            flags.append((word, start, position))
        if position == end:
            return flags, end


def _flag_word(line: str, position: int, end: int) -> tuple[str | None, int]:
    """One flag word with quotes and backslashes: its text (None when empty and unquoted) and
    where it ends."""
    word = []
    quote = None
    blank_ok = False
    while position < end:
        character = line[position]
        if quote is None:
            if character in _BYTE_SPACE:
                break
            if character in "'\"":
                quote = character
                blank_ok = True
                position += 1
                continue
        elif character == quote:
            quote = None
            position += 1
            continue
        position += 1
        if character == "\\":
            if position == end:
                continue
            character = line[position]
            position += 1
        word.append(character)
    return ("".join(word) if word or blank_ok else None), position


def _go_number(text: str) -> float:
    number = float(text)
    if math.isinf(number):
        raise ValueError("Go's JSON decoder rejects numbers out of float64 range")
    return number


def _not_json(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


_GO_JSON = json.JSONDecoder(parse_constant=_not_json, parse_float=_go_number, parse_int=_go_number)


def _exec_form(args: str) -> bool:
    """BuildKit's parseJSON: a JSON array of strings is exec form, an array of anything else an
    error, text that is not JSON (as Go's decoder reads it) shell form."""
    if not args.startswith("["):
        return False  # HEALTHCHECK's command
    try:
        value = _GO_JSON.decode(args)
    except ValueError:
        return False
    except RecursionError:
        raise CannotFix("JSON array nested too deeply") from None
    if not all(isinstance(item, str) for item in value):
        raise CannotFix("when using JSON array syntax, arrays must be comprised of strings only")
    return True


def _check_name_values(keyword: str, args: str, escape: str) -> None:
    """BuildKit's parseNameVal rejects `ENV a` and `ENV a=b c`."""
    words = _words(args, escape)
    if not words:
        return
    if "=" not in words[0]:
        if not _BLANKS.search(args):
            raise CannotFix(f"{keyword} must have two arguments")
    elif missing := next((word for word in words if "=" not in word), None):
        raise CannotFix(f"{keyword}: can't find = in {missing!r}, must be of the form name=value")


def _words(text: str, escape: str) -> list[str]:
    """BuildKit's parseWords: words split at blanks outside quotes, quotes and escapes kept; an
    unterminated quote runs to the end, an escape at the very end is dropped."""
    return [word for word in _NAME_VALUE_WORD[escape].findall(text) if word != escape]


def _heredoc_words(line: str) -> list[tuple[str, bool, bool, int, int]]:
    """BuildKit's heredocsFromLine: (delimiter, strip_tabs, quoted, start, end) for each word of
    the joined line that reads as a heredoc marker."""
    words = _ShellLexer(line, raw_quotes=True, raw_escapes=True).words() or ()  # None: no heredocs
    heredocs = []
    for word, start, end in words:
        match = _HEREDOC_WORD.fullmatch(word)
        if match is None or not match[2]:
            continue
        names = _ShellLexer(match[2], raw_quotes=False, raw_escapes=False).words()
        if names is None:
            raise CannotFix(f"cannot read heredoc marker {word}")
        if len(names) != 1:
            continue
        raw_names = _ShellLexer(match[2], raw_quotes=True, raw_escapes=False).words()
        if raw_names is None or len(raw_names) != 1:
            raise CannotFix(f"cannot read heredoc marker {word}")
        name, raw_name = names[0][0], raw_names[0][0]
        quoted = name.count("'") + name.count('"') != raw_name.count("'") + raw_name.count('"')
        heredocs.append((name, match[1] == "-", quoted, start, end))
    return heredocs


class _LexError(Exception):
    pass


class _Words:
    """BuildKit's wordsStruct, keeping each word's span in the lexed text."""

    __slots__ = ("end", "found", "in_word", "start", "word")

    def __init__(self) -> None:
        self.found: list[tuple[str, int, int]] = []
        self.word = ""
        self.in_word = False
        self.start = self.end = 0

    def add_raw(self, characters: str, start: int, end: int) -> None:
        if not self.word:
            self.start = start
        self.word += characters
        self.end = end
        self.in_word = True

    def add(self, characters: str, start: int, end: int) -> None:
        for character in characters:
            if character not in _GO_SPACE:
                self.add_raw(character, start, end)
            elif self.in_word and self.word:
                self.found.append((self.word, self.start, self.end))
                self.word = ""
                self.in_word = False

    def done(self) -> list[tuple[str, int, int]]:
        if self.word:
            self.found.append((self.word, self.start, self.end))
            self.word = ""
        return self.found


class _ShellLexer:
    """BuildKit's shell word splitter (frontend/dockerfile/shell/lex.go) as its heredoc
    detection runs it: backslash escapes, no variable set, unset ones kept as written."""

    __slots__ = ("position", "raw_escapes", "raw_quotes", "text")

    def __init__(self, text: str, raw_quotes: bool, raw_escapes: bool) -> None:
        self.text = text
        self.position = 1 if text.startswith(BOM) else 0  # Go's text/scanner skips it
        self.raw_quotes = raw_quotes
        self.raw_escapes = raw_escapes

    def words(self) -> list[tuple[str, int, int]] | None:
        """The words with their spans; None where BuildKit's lexer fails."""
        try:
            return self._until(None, self.raw_escapes)[1]
        except _LexError:
            return None

    def _until(self, stop: str | None, raw_escapes: bool) -> tuple[str, list[tuple[str, int, int]]]:
        text = self.text
        saved, self.raw_escapes = self.raw_escapes, raw_escapes
        try:
            result: list[str] = []
            words = _Words()
            while self.position < len(text):
                start = self.position
                character = text[start]
                if character == stop:
                    self.position += 1
                    return "".join(result), words.done()
                if character == "$":
                    chunk = self._dollar()
                    words.add(chunk, start, self.position)
                elif character == "'" or character == '"':
                    chunk = self._single_quoted() if character == "'" else self._double_quoted()
                    words.add_raw(chunk, start, self.position)
                else:
                    self.position += 1
                    if character == "\\":
                        if self.raw_escapes:
                            result.append(character)
                            words.add_raw(character, start, self.position)
                        if self.position == len(text):
                            break
                        character = text[self.position]
                        self.position += 1
                        words.add_raw(character, start, self.position)
                    else:
                        words.add(character, start, self.position)
                    chunk = character
                result.append(chunk)
            if stop is not None:
                raise _LexError
            return "".join(result), words.done()
        finally:
            self.raw_escapes = saved

    def _single_quoted(self) -> str:
        text = self.text
        close = text.find("'", self.position + 1)
        if close == -1:
            raise _LexError
        start = self.position if self.raw_quotes else self.position + 1
        self.position = close + 1
        return text[start : self.position if self.raw_quotes else close]

    def _double_quoted(self) -> str:
        text = self.text
        self.position += 1
        chunk = ['"'] if self.raw_quotes else []
        while True:
            if self.position == len(text):
                raise _LexError
            character = text[self.position]
            if character == '"':
                self.position += 1
                if self.raw_quotes:
                    chunk.append(character)
                return "".join(chunk)
            if character == "$":
                chunk.append(self._dollar())
                continue
            self.position += 1
            if character == "\\":
                if self.raw_escapes:
                    chunk.append(character)
                if self.position == len(text):
                    continue
                if text[self.position] in '"$\\':
                    character = text[self.position]
                    self.position += 1
            chunk.append(character)

    def _dollar(self) -> str:
        text = self.text
        self.position += 1
        if not text.startswith("{", self.position):
            return "$" + self._name()
        self.position += 1
        if self.position == len(text) or text[self.position] in "{}:":
            raise _LexError  # missing '}', bad substitution
        name = self._name()
        if self.position == len(text):
            raise _LexError
        modifier = text[self.position]
        self.position += 1
        if modifier == "}":
            return "${" + name + "}"
        if modifier == ":":
            if self.position == len(text):
                raise _LexError
            modifier += text[self.position]
            self.position += 1
        if modifier[0] == ":" or modifier in "+-?#%":
            word = self._until("}", modifier[-1] in "#%")[0]
            return "${" + name + modifier + word + "}"
        if modifier == "/":
            if text.startswith("/", self.position):
                self.position += 1
            pattern = self._until("/", True)[0]
            replacement = self._until("}", True)[0]
            return "${" + name + "/" + pattern + "/" + replacement + "}"
        raise _LexError  # unsupported modifier

    def _name(self) -> str:
        text = self.text
        start = self.position
        if start == len(text):
            return ""
        if text[start].isdecimal():
            while self.position < len(text) and text[self.position].isdecimal():
                self.position += 1
            return text[start : self.position]
        if text[start] in "@*#?-$!":
            self.position += 1
            return text[start]
        while self.position < len(text) and (
            text[self.position].isalpha() or text[self.position].isdecimal() or text[self.position] == "_"
        ):
            self.position += 1
        return text[start : self.position]

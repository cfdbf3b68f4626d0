"""Stage 2: the simple commands of a RUN instruction, found with tree-sitter-bash."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator, Mapping, Sequence
from functools import cache
from types import MappingProxyType
from typing import NamedTuple, Protocol, TypeAlias

from tree_sitter import Language, Node, Parser

from . import quoting, wrappers
from .dockerfile import Heredoc, Instruction
from .source import OffsetMap


class Word(NamedTuple):
    text: str | None  # the static value after unquoting; None when it holds an expansion
    raw: str  # the word as written in its script, quotes included
    start: int  # file offset to insert right before the word
    end: int  # file offset to insert right after the word


class Command(NamedTuple):
    """One simple command, e.g. `FOO=1 sudo -H pip install x`."""

    words: tuple[Word, ...]  # the command name and its arguments, without the assignments
    assignments: Mapping[str, str | None]  # the inline `VAR=value` prefix (None: dynamic value)
    assignment_words: tuple[Word, ...]  # the same prefix as words, for positions
    exported: Mapping[str, str | None]  # the environment: the stage's, then `export` and `unset`
    exec_form: bool  # words are JSON array elements: insert `, "x"` after a word
    separator: str  # exec form: the separator to use between two elements, e.g. ", "
    confident: bool  # False when found by the fallback splitter in text that did not parse


def commands(
    instruction: Instruction,
    text: str,
    dialect: str = "posix",
    environment: Mapping[str, str | None] = MappingProxyType({}),
) -> Iterator[Command]:
    """Every simple command of a RUN instruction, in source order, nested scripts (`sh -c`,
    shell heredoc bodies) included. `text` is the whole file, where heredoc bodies are read.
    `environment` is what the RUN starts with (the stage's ENV and ARG); each command's
    `exported` is that environment as `export` and `unset` have left it."""
    if dialect not in quoting.DIALECTS:
        dialect = "posix"
    if instruction.exec_form:
        elements = quoting.json_array(instruction.script)
        if elements is not None:
            yield from _exec_form(instruction.script, instruction.script_map, elements, environment)
            return
    variables = _Variables(environment)
    line = _Script(
        _blank_markers(instruction.script, instruction.heredocs),
        instruction.script_map,
        variables,
    )
    yield from line.commands(dialect)
    for heredoc in instruction.heredocs:
        body = text[heredoc.body_start : heredoc.body_end]
        body_dialect = _body_dialect(body, _heredoc_owner(line, heredoc), dialect)
        if body_dialect is not None:
            positions = OffsetMap.identity(heredoc.body_start, len(body))
            yield from _Script(body, positions, variables).commands(body_dialect)


_SHELLS = frozenset(("sh", "bash", "dash", "ash", "zsh", "ksh"))
_SCRIPT_RUNNERS = _SHELLS | {"su", "runuser", "scl"}  # the programs that run a script given as an argument
_REDIRECTS = frozenset(("file_redirect", "herestring_redirect", "heredoc_redirect"))
_DECLARATIONS = frozenset(("declaration_command", "unset_command"))
_STATEMENTS = frozenset(("command", "redirected_statement", *_DECLARATIONS))
_SCOPES = frozenset(("subshell", "command_substitution", "process_substitution", "pipeline", "function_definition"))
_MAX_COMMAND_DEPTH = 1000  # commands inside commands (`$(`); real scripts nest a few deep
_MAX_NESTING = 16  # each level of `sh -c` in quotes needs more escaping; deeper is not real
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SAFE_WORD = re.compile(r"[A-Za-z0-9_\-./:=@+,%~]+")
_SAFE_WINDOWS_WORD = re.compile(r"[A-Za-z0-9_\-./:=@+,%~\\]+")  # no escape: `\` is a path separator
_SAFE_POWERSHELL_WORD = re.compile(_SAFE_WINDOWS_WORD.pattern + "|&")  # `&`: the call operator
_SAFE_WORDS = {"posix": _SAFE_WORD, "powershell": _SAFE_POWERSHELL_WORD, "cmd": _SAFE_WINDOWS_WORD}
_KEYWORDS = frozenset(("if", "then", "else", "elif", "do", "while", "until", "!", "{", "("))
_COMMA = re.compile(r"[ \t]*,[ \t]*")
_SUBSTITUTION = re.compile(r"\$\(|`|[<>]\(")
_NO_VARIABLES: Mapping[str, str | None] = MappingProxyType({})


@cache
def _parser() -> Parser:
    import tree_sitter_bash  # here: its package imports importlib.resources (5 ms)

    return Parser(Language(tree_sitter_bash.language()))


_BEYOND_PARSER_TABLES = re.compile("[\U00030000-\U0010ffff]")


def _parser_input(text: str) -> bytes:
    """The script as UTF-8 for tree-sitter. tree-sitter-bash 0.25 reads past its character
    tables on code points from U+30000 up and may crash (`{\U000771a8a`); they can only stand in
    words, so each is replaced by a letter of the same UTF-8 length (U+20000)."""
    if not text.isascii():
        text = _BEYOND_PARSER_TABLES.sub("\U00020000", text)
    return text.encode("utf-8", "replace")


class _Positions(Protocol):
    def span(self, start: int, end: int) -> tuple[int, int]:
        """Where the text script[start:end] begins and ends in the file."""
        ...


class _DecodedMap(NamedTuple):
    """Maps a decoded string (a nested script) to the file, through the map of the script it is
    quoted in: a decoded character stands for its escape sequence (`\\"`, `\\u00e9`)."""

    outer: _Positions
    decoded: quoting.Decoded

    def span(self, start: int, end: int) -> tuple[int, int]:
        starts, ends = self.decoded.starts, self.decoded.ends
        outer_start = starts[start] if start < len(starts) else self.decoded.content_end
        outer_end = ends[min(end, len(ends)) - 1] if end > 0 and ends else self.decoded.content_start
        return self.outer.span(outer_start, outer_end)


class _Unset:
    """What an exported variable was before a scope set it: not exported."""


_UNSET = _Unset()


class _Variables:
    """The shell variables and exported variables of one shell process, updated in source order.

    What a subshell, a substitution or a function body exports does not reach the commands after
    it: `enter` opens such a scope and `leave` undoes the exports made in it (a log of the old
    values, so nesting costs nothing more). A function's exports reach the commands after a call
    of it."""

    __slots__ = ("_scopes", "_undo", "_view", "exported", "functions", "shell")

    def __init__(self, exported: Mapping[str, str | None]) -> None:
        self.exported = dict(exported)
        self.shell = dict(exported)
        self._view: Mapping[str, str | None] | None = None
        self._scopes = 0
        self._undo: list[tuple[str, str | _Unset | None]] = []  # (name, exported value before)
        self.functions: dict[str, dict[str, str | _Unset | None]] = {}  # what calling one exports

    def enter(self) -> int:
        """Open a scope; the mark to `leave` it with."""
        self._scopes += 1
        return len(self._undo)

    def leave(self, mark: int, function: str | None = None) -> None:
        """Undo the exports made since `mark`; a function body's are what calling it exports."""
        self._scopes -= 1
        exports: dict[str, str | _Unset | None] = {}
        while len(self._undo) > mark:
            name, before = self._undo.pop()
            exports.setdefault(name, self.exported.get(name, _UNSET))  # the last change comes first
            if isinstance(before, _Unset):
                self.exported.pop(name, None)
            else:
                self.exported[name] = before
            self._view = None
        if function is not None:
            self.functions[function] = exports

    def view(self) -> Mapping[str, str | None]:
        if self._view is None:
            self._view = MappingProxyType(dict(self.exported)) if self.exported else _NO_VARIABLES
        return self._view

    def assign(self, word: Word) -> None:
        name, value = _assignment(word)
        if name is not None:
            self.shell[name] = value
            if name in self.exported:
                self._export(name, value)

    def apply(self, words: Sequence[Word]) -> None:
        """Follow a declaration (`export`, `declare -x`, `local -x`, `unset` ...) or the call of a
        function that exports."""
        command = words[0].text
        if command in self.functions:
            self._call(command)
            return
        declared = declaration(words)
        if declared is None:
            return
        for word in declared.operands:
            name, value = _argument_setting(word)
            if name is None:
                if not _NAME.fullmatch(word.raw):
                    continue
                name, value = word.raw, self.shell.get(word.raw)
            elif declared.command != "unset":
                self.shell[name] = value
            if declared.command == "unset":
                self.shell.pop(name, None)
            if declared.exports:
                self._export(name, value)
            elif declared.unexports:
                self._unexport(name)

    def _call(self, function: str) -> None:
        for name, value in self.functions[function].items():
            if isinstance(value, _Unset):
                self._unexport(name)
            else:
                self._export(name, value)

    def _export(self, name: str, value: str | None) -> None:
        if self._scopes:
            self._undo.append((name, self.exported.get(name, _UNSET)))
        self.exported[name] = value
        self._view = None

    def _unexport(self, name: str) -> None:
        if name in self.exported:
            if self._scopes:
                self._undo.append((name, self.exported[name]))
            del self.exported[name]
            self._view = None


class Declaration(NamedTuple):
    """A command that sets, exports or unsets shell variables (a shell builtin)."""

    command: str  # export, declare, typeset, local, readonly or unset
    exports: bool  # its operands go to the environment of the commands after it
    unexports: bool  # they leave that environment (`unset`, `export -n`, `declare +x`)
    operands: tuple[Word, ...]  # its words that are no option: `NAME` or `NAME=value`


_DECLARERS = frozenset(("export", "declare", "typeset", "local", "readonly", "unset"))
_ATTRIBUTE_SETTERS = frozenset(("declare", "typeset", "local"))  # take -x and +x


def declaration(words: Sequence[Word]) -> Declaration | None:
    """`words` as a declaration; None when they are some other command."""
    command = words[0].text if words else None
    if command not in _DECLARERS:
        return None
    on = off = ""  # the option letters after `-` and after `+`
    operands = []
    for word in words[1:]:
        text = word.text
        if text is not None and text[:1] == "-":
            on += text[1:]
        elif text is not None and text[:1] == "+":
            off += text[1:]
        else:
            operands.append(word)
    exports_attribute = command in _ATTRIBUTE_SETTERS
    unexports = command == "unset" or (command == "export" and "n" in on) or (exports_attribute and "x" in off)
    exports = not unexports and (command == "export" or (exports_attribute and "x" in on))
    return Declaration(command, exports, unexports, tuple(operands))


def setting_words(command: Command) -> Iterator[Word]:
    """The words of `command` that put a variable in a program's environment: its `VAR=x`
    prefix, the `VAR=x` operands of a declaration that exports them, and the `VAR=x` words of
    wrappers such as `env` and `sudo` in front of the program they run."""
    yield from command.assignment_words
    words = command.words
    declared = declaration(words)
    if declared is not None:
        if declared.exports:
            yield from (word for word in declared.operands if _argument_setting(word)[0] is not None)
    elif len(words) > 2 and any("=" in word.raw for word in words[1:-1]):  # a wrapper's `VAR=x`
        unwrapped = wrappers.unwrap(words, _NO_VARIABLES, lambda word: True)
        if unwrapped is not None:
            yield from (word for word in words[1 : unwrapped[0]] if _argument_setting(word)[0] is not None)


def _argument_setting(word: Word) -> tuple[str | None, str | None]:
    """(name, static value) of a `NAME=value` argument of a declaration or a wrapper, which
    reads it after quote removal (`export "A=1"`); (None, None) when it is not one."""
    if word.text is None:
        return _assignment(word)  # a dynamic value after a plain name (`A=$(b)`)
    name, equals, value = word.text.partition("=")
    return (name, value) if equals and _NAME.fullmatch(name) else (None, None)


def _is_assignment(raw: str) -> bool:
    name, equals, _ = raw.partition("=")
    return bool(equals) and _NAME.fullmatch(name) is not None


def _assignments(words: Sequence[Word]) -> dict[str, str | None]:
    """The `NAME=value` words as a mapping (None: a dynamic value)."""
    pairs = (_assignment(word) for word in words)
    return {name: value for name, value in pairs if name is not None}


def _assignment(word: Word) -> tuple[str | None, str | None]:
    """(name, static value) of a `NAME=value` word; (None, None) when it is not one."""
    if not _is_assignment(word.raw):
        return None, None
    return word.raw.partition("=")[0], None if word.text is None else word.text.partition("=")[2]


_Branch: TypeAlias = "Node | _Unparsed | _Script | _ScopeEnd"  # what the walk visits


class _Parts(NamedTuple):
    """A simple command as the grammar gives it, in script spans."""

    words: list[tuple[int, int, Node | None]]  # each word's span, and its node when it is one
    assignments: list[tuple[int, int]]  # the `VAR=x` prefix
    substitutions: list[Node | _Unparsed]  # the nodes that may hold commands: `$(…)`, `<(…)`, backticks


class _Script:
    """One shell script (a RUN line, a heredoc body, a nested `sh -c` string) and where its
    characters are in the file."""

    def __init__(
        self,
        text: str,
        positions: _Positions,
        variables: _Variables,
        dynamic: tuple[tuple[int, int], ...] = (),
        depth: int = 0,
    ) -> None:
        self.text = text
        self.positions = positions
        self.variables = variables
        self.dynamic = dynamic
        self._dynamic_starts = [start for start, _ in dynamic]
        self.depth = depth
        self.extents: list[tuple[int, int, Command]] = []  # script span of each command
        self._char_at_byte: list[int] | None = None

    def commands(self, dialect: str) -> Iterator[Command]:
        if dialect != "posix":
            yield from self._fallback(dialect, 0, len(self.text))
            return
        data = _parser_input(self.text)
        root = _parser().parse(data).root_node
        if len(data) != len(self.text):
            self._char_at_byte = _char_at_byte(self.text, len(data))
        yield from self._walk(root)

    # --- tree-sitter

    def _walk(self, root: Node) -> Iterator[Command]:
        """The commands of the tree in source order, each followed by the commands inside it
        (substitutions, its `sh -c` script); a walk with its own stack, since scripts nest
        deeper than Python recurses. Each item carries its depth of commands in commands."""
        stack: list[tuple[_Branch, int]] = [(root, 0)]
        while stack:
            item, depth = stack.pop()
            if not isinstance(item, Node):
                if isinstance(item, _ScopeEnd):
                    self.variables.leave(item.mark, item.function)
                else:
                    yield from item.commands("posix") if isinstance(item, _Script) else self._unparsed(item)
                continue
            kind = item.type
            if kind == "ERROR" or (kind in _STATEMENTS and item.has_error) or depth > _MAX_COMMAND_DEPTH:
                # nesting deeper than any real script is not walked either: each level would
                # copy the words around it
                yield from self._unparsed(item)
                continue
            declaration = kind in _DECLARATIONS
            if kind == "command" or declaration:
                body, redirects = item, []
            elif kind == "redirected_statement" and (body := item.children[0]).type == "command":
                redirects = item.children[1:]
            else:
                if kind == "variable_assignment":
                    self.variables.assign(self._word(*self._span(item)))
                if kind in _SCOPES:
                    self._push_scope(stack, item, kind, depth)
                else:
                    stack.extend((child, depth) for child in reversed(_branches(item.children)))
                continue
            if self.dynamic and self._in_dynamic(self._span(body)[0]):
                continue  # the enclosing script's walk yields it
            parts = self._parts(body, redirects, declaration)
            command = self._command(parts, self._span(item))
            inner: Sequence[_Branch] = parts.substitutions
            if command is not None:
                yield command
                self.variables.apply(command.words)
                nested = None if declaration else self._nested_script(parts, command)
                if nested is not None:  # walked in source order, among the substitutions
                    at, script = nested
                    inner = [*inner[:at], script, *inner[at:]]
            if inner:
                stack.extend((child, depth + 1) for child in reversed(inner))

    def _push_scope(self, stack: list[tuple[_Branch, int]], node: Node, kind: str, depth: int) -> None:
        """Walk the children of `node` next, in a scope of the variables closed after them: they
        run in a subshell (each command of a pipeline in its own) or in a function body."""
        children = _branches(node.children)
        if kind == "pipeline":
            for child in reversed(children):
                stack.append((_ScopeEnd(self.variables.enter()), depth))
                stack.append((child, depth))
            return
        function = node.child_by_field_name("name") if kind == "function_definition" else None
        name = None if function is None else self.text[slice(*self._span(function))]
        stack.append((_ScopeEnd(self.variables.enter(), name), depth))
        stack.extend((child, depth) for child in reversed(children))

    def _unparsed(self, region: Node | _Unparsed) -> Iterator[Command]:
        """The commands of a region that did not parse, split without the grammar: the rest of
        the tree stays trusted, and these commands are reported but never edited."""
        return self._fallback("posix", *self._span(region), trusted=False)

    def _parts(self, node: Node, redirects: list[Node], declaration: bool) -> _Parts:
        """The words, the assignment prefix and the substitutions of a simple command (with its
        redirects); adjacent nodes form one word."""
        parts = _Parts([], [], [])
        words = parts.words
        for child in (*node.children, *redirects):
            kind = child.type
            if kind in _REDIRECTS:
                word_nodes = child.children_by_field_name("destination")[1:]
                if self._may_hold_commands(child):
                    parts.substitutions.append(child)
            elif kind == "variable_assignment":
                if self._may_hold_commands(child):
                    parts.substitutions.extend(_branches(child.children))  # not the node: it is no statement
                if not words and not declaration:
                    parts.assignments.append(self._span(child))
                    continue
                word_nodes = [child]
            else:
                word_nodes = [child]
                if child.child_count and self._may_hold_commands(child):
                    parts.substitutions.append(child)
            for word_node in word_nodes:
                start, end = self._span(word_node)
                if words and words[-1][1] == start:
                    words[-1] = (words[-1][0], end, None)
                else:
                    words.append((start, end, word_node))
        return parts

    def _command(self, parts: _Parts, extent: tuple[int, int]) -> Command | None:
        """The Command of `parts`; None when it only sets variables (they are set then)."""
        assignment_words = tuple([self._word(start, end) for start, end in parts.assignments])
        if not parts.words:
            for word in assignment_words:
                self.variables.assign(word)
            return None
        words = tuple([self._word(start, end) for start, end, _ in parts.words])
        command = Command(
            words, _assignments(assignment_words), assignment_words, self.variables.view(), False, "", True
        )
        self.extents.append((*extent, command))
        return command

    def _nested_script(self, parts: _Parts, command: Command) -> tuple[int, _Script] | None:
        """For `sh -c SCRIPT` (behind wrappers): SCRIPT, and its place among the command's
        substitutions (before those in SCRIPT's word and after it)."""
        found = _script_argument(command.words) if self.depth < _MAX_NESTING else None
        if found is None:
            return None
        index, wrapper_env = found
        start, end, node = parts.words[index]
        decoded = None if node is None or self._overlaps_dynamic(start, end) else self._decode(node, start, end)
        if decoded is None:
            return None
        script = _Script(
            decoded.text,
            _DecodedMap(self.positions, decoded),
            _Variables({**self.variables.exported, **command.assignments, **wrapper_env}),
            decoded.dynamic,
            self.depth + 1,
        )
        substitutions = parts.substitutions
        at = next((k for k, item in enumerate(substitutions) if self._span(item)[1] > start), len(substitutions))
        return at, script

    def _may_hold_commands(self, node: Node) -> bool:
        """Whether an argument, assignment or redirect may hold a command: only a command or
        process substitution can (or a region that did not parse)."""
        return node.has_error or _SUBSTITUTION.search(self.text, *self._span(node)) is not None

    def _decode(self, node: Node, start: int, end: int) -> quoting.Decoded | None:
        """The value of a quoted script argument, when its quoting maps back exactly."""
        if node.type == "raw_string":
            return quoting.single_quoted(self.text, start, end)
        if node.type == "string":
            expansions = [self._span(child) for child in node.named_children if child.type != "string_content"]
            return quoting.double_quoted(self.text, start, end, expansions)
        return None

    def _span(self, node: Node | _Unparsed) -> tuple[int, int]:
        if self._char_at_byte is None:
            return node.start_byte, node.end_byte
        return self._char_at_byte[node.start_byte], self._char_at_byte[node.end_byte]

    # --- positions and words

    def _word(self, start: int, end: int) -> Word:
        raw = self.text[start:end]
        text = None if self.dynamic and self._overlaps_dynamic(start, end) else quoting.unquote_word(raw)
        file_start, file_end = self.positions.span(start, end)
        return Word(text, raw, file_start, file_end)

    def _in_dynamic(self, index: int) -> bool:
        if not self.dynamic:
            return False
        k = bisect_right(self._dynamic_starts, index) - 1
        return k >= 0 and index < self.dynamic[k][1]

    def _overlaps_dynamic(self, start: int, end: int) -> bool:
        if not self.dynamic:
            return False
        k = bisect_right(self._dynamic_starts, max(end - 1, start)) - 1
        return k >= 0 and start < self.dynamic[k][1]

    # --- fallback

    def _fallback(self, dialect: str, start: int, end: int, trusted: bool = True) -> Iterator[Command]:
        """Commands of script[start:end], split without the shell grammar; `trusted` is False
        for a region the grammar rejected, whose commands are never confident."""
        region_commands, balanced = quoting.split_commands(self.text[start:end], dialect)
        text = self.text
        for region_spans in region_commands:
            spans = [(word_start + start, word_end + start) for word_start, word_end in region_spans]
            first = assignments_start = 0  # past keywords (`then`), then past assignments
            if dialect == "posix":
                while first < len(spans) and text[slice(*spans[first])] in _KEYWORDS:
                    first += 1
                assignments_start = first
                while first < len(spans) and _is_assignment(text[slice(*spans[first])]):
                    first += 1
            assignment_spans, spans = spans[assignments_start:first], spans[first:]
            assignment_words = tuple(self._word(*span) for span in assignment_spans)
            if not spans:
                for word in assignment_words:
                    self.variables.assign(word)
                continue
            words = tuple(self._fallback_word(*span, dialect) for span in spans)
            confident = (
                trusted and balanced and all(_SAFE_WORDS[dialect].fullmatch(w.raw) for w in (*assignment_words, *words))
            )
            command = Command(
                words,
                _assignments(assignment_words),
                assignment_words,
                self.variables.view(),
                False,
                "",
                confident,
            )
            self.extents.append((spans[0][0], spans[-1][1], command))
            yield command
            self.variables.apply(words)

    def _fallback_word(self, start: int, end: int, dialect: str) -> Word:
        word = self._word(start, end)
        if dialect == "posix":
            return word
        # PowerShell and cmd quote and escape otherwise: only a plain word has a known value
        text = word.raw if _SAFE_WORDS[dialect].fullmatch(word.raw) else None
        return Word(text, word.raw, word.start, word.end)


class _ScopeEnd(NamedTuple):
    """Where the walk leaves a scope of the variables (see _Variables.enter)."""

    mark: int
    function: str | None = None  # the function whose body the scope is


class _Unparsed(NamedTuple):
    """A region tree-sitter could not parse, walked like an ERROR node."""

    start_byte: int
    end_byte: int
    type: str = "ERROR"
    has_error: bool = True


def _branches(nodes: list[Node]) -> list[Node | _Unparsed]:
    """The nodes that may hold commands (leaves cannot). A statement directly followed by an
    ERROR node joins it in one unparsed region: tree-sitter's recovery often ends a command
    where the error starts and leaves the rest of its arguments in the ERROR node."""
    branches: list[Node | _Unparsed] = []
    previous = None
    for node in nodes:
        if node.type == "ERROR" and previous is not None and previous.type in _STATEMENTS:
            branches[-1] = _Unparsed(previous.start_byte, node.end_byte)
        elif node.child_count:
            branches.append(node)
        previous = node
    return branches


def _char_at_byte(text: str, byte_count: int) -> list[int]:
    """For each UTF-8 byte offset that starts a character, that character's index."""
    char_at_byte = [0] * (byte_count + 1)
    byte = 0
    for index, char in enumerate(text):
        char_at_byte[byte] = index
        code = ord(char)
        if code < 0x80 or 0xD800 <= code < 0xE000:  # a lone surrogate is encoded as "?"
            byte += 1
        else:
            byte += 2 if code < 0x800 else 3 if code < 0x10000 else 4
    char_at_byte[byte_count] = len(text)
    return char_at_byte


# --- nested scripts and heredoc interpreters


def _basename(path: str | None) -> str | None:
    return None if path is None else path.rsplit("/", 1)[-1]


def _shell_options(texts: Sequence[str | None], i: int) -> tuple[bool, int]:
    """Whether a shell's options starting at texts[i] include `-c`, and the first operand."""
    has_c = False
    while i < len(texts):
        option = texts[i]
        if option is None or len(option) < 2 or option[0] not in "-+":
            break
        i += 1
        if option == "--":
            break
        if option.startswith("--"):
            i += option in ("--rcfile", "--init-file")
            continue
        has_c = has_c or "c" in option
        if "o" in option or "O" in option:
            i += 1  # -o pipefail
    return has_c, i


def _wrapped_shell(words: Sequence[Word]) -> tuple[int, str, dict[str, str | None]] | None:
    """The shell (or su, or scl) a command runs behind wrappers: its index, its name, and the
    variables the wrappers set for it."""
    if not any(_may_name_a_shell(word) for word in words):
        return None  # the cheap answer for most commands
    unwrapped = wrappers.unwrap(words, _NO_VARIABLES, _is_shell)
    if unwrapped is None:
        return None
    index, wrapping = unwrapped
    name = wrappers.program_name(words[index], _NO_VARIABLES)
    if name is None or name not in _SCRIPT_RUNNERS:
        return None
    return index, name, wrapping.env


def _may_name_a_shell(word: Word) -> bool:
    # a shell's, su's, runuser's or scl's name (program_name) is part of the word's value or of how it is written
    value = (word.raw if word.text is None else word.text).lower()
    return "sh" in value or "su" in value or "runuser" in value or "scl" in value


def _is_shell(word: Word) -> bool:
    return wrappers.program_name(word, _NO_VARIABLES) in _SCRIPT_RUNNERS


def _script_argument(words: Sequence[Word]) -> tuple[int, dict[str, str | None]] | None:
    """For `sh -c SCRIPT`, `su … -c SCRIPT`, `scl enable COLLECTION... SCRIPT` (after wrappers):
    the index of SCRIPT and the variables a wrapper sets."""
    wrapped = _wrapped_shell(words)
    if wrapped is None:
        return None
    i, name, variables = wrapped
    texts = [word.text for word in words]
    if name in _SHELLS:
        has_c, operand = _shell_options(texts, i + 1)
        return (operand, variables) if has_c and operand < len(texts) else None
    if name in ("su", "runuser"):
        for k in range(i + 1, len(texts) - 1):
            if texts[k] in ("-c", "--command"):
                return k + 1, variables
    if name == "scl" and i + 3 < len(texts) and texts[i + 1] == "enable":
        return len(texts) - 1, variables  # bash -c runs it
    return None


def _blank_markers(script: str, heredocs: Sequence[Heredoc]) -> str:
    for heredoc in heredocs:
        start, end = heredoc.marker_start, heredoc.marker_end
        if 0 <= start <= end <= len(script):
            script = script[:start] + " " * (end - start) + script[end:]
    return script


def _heredoc_owner(line: _Script, heredoc: Heredoc) -> Command | None:
    """The command a heredoc is fed to: the one around its marker, or the one just before or
    after it with only blanks between."""
    script = line.text
    left = heredoc.marker_start
    while left > 0 and script[left - 1] in " \t":
        left -= 1
    right = heredoc.marker_end
    while right < len(script) and script[right] in " \t":
        right += 1
    containing = preceding = following = None
    for start, end, command in line.extents:
        if start <= heredoc.marker_start < end:
            containing = command
        elif left <= end <= heredoc.marker_start:
            preceding = command
        elif heredoc.marker_end <= start <= right and following is None:
            following = command
    return containing or preceding or following


def _body_dialect(body: str, owner: Command | None, dialect: str) -> str | None:
    """The dialect a heredoc body is run in, or None when it is not run by a shell.

    A bare heredoc runs in the instruction's shell, unless its shebang names another program.
    A heredoc fed to a command is a shell script only when that command is a POSIX shell that
    reads it as standard input (no `-c`)."""
    if owner is None:
        if not body.startswith("#!"):
            return dialect
        interpreter = body[2:].partition("\n")[0].split()
        if interpreter and _basename(interpreter[0]) == "env":
            interpreter = [part for part in interpreter[1:] if not part.startswith("-")]
        return "posix" if interpreter and _basename(interpreter[0]) in _SHELLS else None
    wrapped = _wrapped_shell(owner.words)
    if wrapped is None or wrapped[1] not in _SHELLS:
        return None
    texts = [word.text for word in owner.words]
    return None if _shell_options(texts, wrapped[0] + 1)[0] else "posix"


# --- exec form


def _exec_form(
    script: str,
    positions: OffsetMap,
    elements: list[tuple[int, int, quoting.Decoded]],
    environment: Mapping[str, str | None],
) -> Iterator[Command]:
    if not elements:
        return
    words = tuple(
        Word(decoded.text, script[start:end], *positions.span(start, end)) for start, end, decoded in elements
    )
    between = script[elements[0][1] : elements[1][0]] if len(elements) > 1 else ""
    separator = between if _COMMA.fullmatch(between) else ", "
    yield Command(words, _NO_VARIABLES, (), MappingProxyType(dict(environment)), True, separator, True)
    nested = _script_argument(words)
    if nested is not None:
        index, env_variables = nested
        decoded = elements[index][2]
        yield from _Script(
            decoded.text,
            _DecodedMap(positions, decoded),
            _Variables({**environment, **env_variables}),
            depth=1,
        ).commands("posix")


# --- the end of a RUN's script


class ScriptEnd(NamedTuple):
    """Where a command appended to a RUN runs after all of the RUN and keeps its exit status:
    the text `before + command + after` inserted at `offset`."""

    offset: int  # file offset
    before: str  # " && ", or a line's indentation when the command goes in as a line of its own
    after: str = ""  # the line break that ends that line


def script_end(instruction: Instruction, text: str) -> ScriptEnd | None:
    """The end of a shell-form RUN's script (`text` is the whole file): after its last
    statement; for a RUN whose script is a heredoc body, in that body: a line of its own after
    the last one when the body runs under `set -e` (a failure stops it before the new line),
    else after its last statement. None when no place keeps the RUN's meaning: exec form, a
    script that does not parse, that ends in a background job (`cmd &`) or with `exit`."""
    if instruction.exec_form:
        return None
    heredocs = instruction.heredocs
    script = _blank_markers(instruction.script, heredocs)
    if heredocs and not script.strip():
        if len(heredocs) != 1:
            return None
        return _body_end(text, heredocs[0])
    end = _last_statement(script)
    if end is None:
        return None
    index = max([end[0], *(heredoc.marker_end for heredoc in heredocs)])  # a marker belongs to its command
    return ScriptEnd(instruction.script_map.after(index), " && ")


def _body_end(text: str, heredoc: Heredoc) -> ScriptEnd | None:
    """A RUN whose only script is this heredoc body (BuildKit runs the body)."""
    body = text[heredoc.body_start : heredoc.body_end]
    if _body_dialect(body, None, "posix") is None:
        return None  # a python (or other) script
    end = _last_statement(body)
    if end is None:
        return None
    index, errexit = end
    if not (errexit or _shebang_errexit(body)):
        return ScriptEnd(heredoc.body_start + index, " && ")
    last_line = body.rstrip("\r\n").rsplit("\n", 1)[-1]
    indent = last_line[: len(last_line) - len(last_line.lstrip(" \t"))]
    return ScriptEnd(heredoc.body_end, indent, "\r\n" if body.endswith("\r\n") else "\n")


def _shebang_errexit(body: str) -> bool:
    """`#!/bin/sh -e`, `#!/bin/bash -ex`"""
    if not body.startswith("#!"):
        return False
    options = body[2:].partition("\n")[0].split()[1:]
    return any(option.startswith("-") and not option.startswith("--") and "e" in option for option in options)


def _last_statement(script: str) -> tuple[int, bool] | None:
    """The index right after the script's last top-level statement, and whether a top-level
    `set -e` (or `set -o errexit`) before it is in force there."""
    data = _parser_input(script)
    root = _parser().parse(data).root_node
    if root.has_error:
        return None
    last = None
    for child in reversed(root.children):
        if child.type == "&":
            return None  # a background job: what follows would not wait for it
        if child.type not in ("comment", ";"):
            last = child
            break
    if last is None:
        return None
    char_at_byte = _char_at_byte(script, len(data)) if len(data) != len(script) else None
    start, end = (last.start_byte, last.end_byte)
    if char_at_byte is not None:
        start, end = char_at_byte[start], char_at_byte[end]
    if script[start:end].split(None, 1)[:1] == ["exit"]:
        return None  # the shell exits: nothing after it runs
    errexit = False
    for child in root.children:
        if child.start_byte >= last.start_byte:
            break
        errexit = _errexit(child, data, errexit)
    return end, errexit


def _errexit(node: Node, data: bytes, errexit: bool) -> bool:
    """Whether errexit is on after the top-level statement `node` (`set -e`, `set +e`,
    `set -o errexit`, `set -eux`), given that it was `errexit` before."""
    if node.type != "command":
        return errexit
    words = data[node.start_byte : node.end_byte].decode("utf-8", "replace").split()
    if words[:1] != ["set"]:
        return errexit
    for position, option in enumerate(words[1:], 1):
        if option[:1] not in ("-", "+") or option.startswith(("--", "++")):
            continue
        if "e" in option[1:] or (option[1:] == "o" and words[position + 1 : position + 2] == ["errexit"]):
            errexit = option[0] == "-"
    return errexit

"""scan(): instructions, flags, heredocs, directives and offsets as BuildKit reads them.

Every text here is also compared with BuildKit's own parser in test_scan_oracle.py (HAND_TEXTS).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipfix.dockerfile import Dockerfile, rescan, scan
from pipfix.engine import forget
from pipfix.errors import CannotFix
from pipfix.memory import MEMORY, Memory

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "files"

LONGEST_LINE = "RUN " + "x" * 65531  # 65535 bytes: BuildKit's limit

INSTRUCTIONS = [
    pytest.param(
        "FROM python:3.12\nRUN pip install x\n",
        [("FROM", 1, 1, "python:3.12"), ("RUN", 2, 2, "pip install x")],
        id="simple",
    ),
    pytest.param(
        "from a\n  \trun  pip install x  \n",
        [("FROM", 1, 1, "a"), ("RUN", 2, 2, "pip install x")],
        id="lower-case keywords, leading and trailing blanks",
    ),
    pytest.param(
        "RUN pip install \\\n  # a note\n\n   \n  x\n",
        [("RUN", 1, 5, "pip install   x")],
        id="continuation with inner comment and empty lines",
    ),
    pytest.param("RUN a \\ \t\n  b\n", [("RUN", 1, 2, "a   b")], id="blanks after the escape"),
    pytest.param(
        "RUN echo a\\\\\nRUN b\n", [("RUN", 1, 1, "echo a\\\\"), ("RUN", 2, 2, "b")], id="escaped escape ends the line"
    ),
    pytest.param("RUN a \\", [("RUN", 1, 1, "a")], id="escape at end of file"),
    pytest.param("RUN a \\\n", [("RUN", 1, 1, "a")], id="continued last line"),
    pytest.param("RUN a \\\n# c\n", [("RUN", 1, 2, "a")], id="continuation into a comment at end of file"),
    pytest.param("RUN a \\\n\nRUN b\n", [("RUN", 1, 3, "a RUN b")], id="continuation over an empty line"),
    pytest.param("\\\nRUN x\n", [("RUN", 1, 2, "x")], id="a lone escape starts an instruction"),
    pytest.param(
        "FROM a\r\nRUN pip install \\\r\n  x\r\n",
        [("FROM", 1, 1, "a"), ("RUN", 2, 3, "pip install   x")],
        id="CRLF",
    ),
    pytest.param("RUN a\r\r\nRUN b \\\r\r\n c\n", [("RUN", 1, 1, "a"), ("RUN", 2, 3, "b  c")], id="CRs before LF"),
    pytest.param("RUN a\rb\n", [("RUN", 1, 1, "a\rb")], id="a lone CR is a character"),
    pytest.param("\ufeffFROM a\nRUN b\n", [("FROM", 1, 1, "a"), ("RUN", 2, 2, "b")], id="BOM"),
    pytest.param("FROM a\nRUN b", [("FROM", 1, 1, "a"), ("RUN", 2, 2, "b")], id="no final newline"),
    pytest.param(
        "# escape=`\nRUN a `\n  b\nRUN c\\\n",
        [("RUN", 2, 3, "a   b"), ("RUN", 4, 4, "c\\")],
        id="backtick escape",
    ),
    pytest.param('CMD ["a", \\\n  "b"]\n', [("CMD", 1, 2, '["a",   "b"]')], id="exec form across a continuation"),
    pytest.param("ONBUILD RUN pip install x\n", [("RUN", 1, 1, "pip install x")], id="ONBUILD"),
    pytest.param("ONBUILD ONBUILD RUN x\n", [("ONBUILD", 1, 1, "RUN x")], id="chained ONBUILD"),
    pytest.param(
        "RUN <<EOF\npip install x\nEOF\nRUN y\n",
        [("RUN", 1, 3, "<<EOF"), ("RUN", 4, 4, "y")],
        id="a heredoc body belongs to its instruction",
    ),
    pytest.param("FROM a\nfoo bar\n", [("FROM", 1, 1, "a"), ("FOO", 2, 2, "bar")], id="unknown instruction"),
    pytest.param("RUN\n", [("RUN", 1, 1, "")], id="keyword only"),
    pytest.param("FROM a\n\\\n  \\\n", [("FROM", 1, 1, "a"), ("", 2, 3, "")], id="blank continued lines"),
    pytest.param("RUN a\x00b\n", [("RUN", 1, 1, "a\x00b")], id="NUL byte"),
    pytest.param(LONGEST_LINE + "\n", [("RUN", 1, 1, LONGEST_LINE[4:])], id="longest line"),
    pytest.param(
        "# check=skip=all\n# escape=`\nRUN a `\n b\n", [("RUN", 3, 4, "a  b")], id="check directive before escape"
    ),
    pytest.param("#\u00a0escape=`\nRUN a `\n b\n", [("RUN", 2, 3, "a  b")], id="unicode blank after #"),
    pytest.param("RUN <<EOF ${a/x/y}\nhi\nEOF\n", [("RUN", 1, 3, "<<EOF ${a/x/y}")], id="heredoc next to ${a/x/y}"),
]

EXEC_FORMS = [
    pytest.param('CMD ["python", "app.py"]\n', True, id="exec form"),
    pytest.param('RUN [ "pip" , "install", \\\n  "x" ]\n', True, id="exec form with blanks"),
    pytest.param("RUN []\n", True, id="empty array"),
    pytest.param('SHELL ["/bin/bash", "-c"]\n', True, id="SHELL"),
    pytest.param("RUN [NaN]\n", False, id="NaN is not JSON"),
    pytest.param("RUN [1e999]\n", False, id="number out of range"),
    pytest.param("RUN [ pip install ]\n", False, id="not JSON"),
    pytest.param('ENV a=["b"]\n', False, id="ENV has no exec form"),
    pytest.param('COPY [ "a", "b" ] /x\n', False, id="JSON with trailing text is shell form"),
]

# (name, value, the flag as written in the file); then the script
FLAGS = [
    pytest.param(
        "RUN --mount=type=cache,target=/root/.cache/pip pip install x\n",
        [("mount", "type=cache,target=/root/.cache/pip", "--mount=type=cache,target=/root/.cache/pip")],
        "pip install x",
        id="cache mount",
    ),
    pytest.param(
        "RUN --network=none  --security=insecure pip\n",
        [("network", "none", "--network=none"), ("security", "insecure", "--security=insecure")],
        "pip",
        id="two flags",
    ),
    pytest.param(
        'RUN --mount="type=cache,target=/a b" x\n',
        [("mount", "type=cache,target=/a b", '--mount="type=cache,target=/a b"')],
        "x",
        id="quoted flag",
    ),
    pytest.param("RUN --privileged pip\n", [("privileged", None, "--privileged")], "pip", id="bare flag"),
    pytest.param("RUN --a -- --b\n", [("a", None, "--a")], "--b", id="end of flags"),
    pytest.param(
        "RUN --mount=type=cache,\\\ntarget=/r pip\n",
        [("mount", "type=cache,target=/r", "--mount=type=cache,\\\ntarget=/r")],
        "pip",
        id="flag across a continuation",
    ),
    pytest.param(
        "ONBUILD RUN --mount=type=cache,target=/r pip\n",
        [("mount", "type=cache,target=/r", "--mount=type=cache,target=/r")],
        "pip",
        id="ONBUILD inner flags",
    ),
    pytest.param("COPY --from=build /a /b\n", [("from", "build", "--from=build")], "/a /b", id="COPY"),
    pytest.param(
        "RUN --mount=type=cache,target=/caché pip\n",
        [("mount", "type=cache,target=/caché", "--mount=type=cache,target=/caché")],
        "pip",
        id="non-ASCII flag",
    ),
]

# (delimiter, strip_tabs, quoted, marker in the script, body)
HEREDOCS = [
    pytest.param("RUN <<EOF\npip install x\nEOF\n", [("EOF", False, False, "<<EOF", "pip install x\n")], id="heredoc"),
    pytest.param(
        "RUN <<EOF python3\nprint(1)\nEOF\n", [("EOF", False, False, "<<EOF", "print(1)\n")], id="heredoc program"
    ),
    pytest.param(
        "RUN <<-EOF\n\tpip install x\n\t\tEOF\n", [("EOF", True, False, "<<-EOF", "\tpip install x\n")], id="<<-"
    ),
    pytest.param('RUN <<"EOF"\n$x\nEOF\n', [("EOF", False, True, '<<"EOF"', "$x\n")], id="double-quoted delimiter"),
    pytest.param("RUN <<'EOF'\n$x\nEOF\n", [("EOF", False, True, "<<'EOF'", "$x\n")], id="single-quoted delimiter"),
    pytest.param("RUN <<E'O'F\nx\nEOF\n", [("EOF", False, True, "<<E'O'F", "x\n")], id="partly quoted delimiter"),
    pytest.param(
        "RUN cat <<A > a && cat <<B > b\na\nA\nb\nB\n",
        [("A", False, False, "<<A", "a\n"), ("B", False, False, "<<B", "b\n")],
        id="two heredocs",
    ),
    pytest.param(
        "RUN cat <<A \\\n && cat <<-B\na\nA\n\tb\n\tB\n",
        [("A", False, False, "<<A", "a\n"), ("B", True, False, "<<-B", "\tb\n")],
        id="heredocs on a continued line",
    ),
    pytest.param(
        "RUN <<EOF\r\npip install x\r\nEOF\r\n",
        [("EOF", False, False, "<<EOF", "pip install x\r\n")],
        id="heredoc CRLF",
    ),
    pytest.param("RUN <<EOF\nx\nEOF", [("EOF", False, False, "<<EOF", "x\n")], id="delimiter without newline"),
    pytest.param("RUN <<EOF\nEOF\n", [("EOF", False, False, "<<EOF", "")], id="empty body"),
    pytest.param(
        "RUN <<EOF\nEOF \n EOF\nEOF\n", [("EOF", False, False, "<<EOF", "EOF \n EOF\n")], id="exact delimiter"
    ),
    pytest.param("RUN 3<<EOF cat <&3\nx\nEOF\n", [("EOF", False, False, "3<<EOF", "x\n")], id="file descriptor"),
    pytest.param("COPY <<EOF /etc/x\nhi\nEOF\n", [("EOF", False, False, "<<EOF", "hi\n")], id="COPY heredoc"),
    pytest.param(
        "ONBUILD RUN <<EOF\npip install x\nEOF\n",
        [("EOF", False, False, "<<EOF", "pip install x\n")],
        id="ONBUILD heredoc",
    ),
    pytest.param('RUN echo "<<EOF"\n', [], id="quoted marker"),
    pytest.param("RUN cat <<<EOF\n", [], id="here-string"),
    pytest.param("RUN cat <<''\n", [], id="empty delimiter"),
    pytest.param("CMD <<EOF\n", [], id="CMD has no heredocs"),
    pytest.param('RUN ["cat", "<<EOF"]\n', [], id="exec form has no heredocs"),
    pytest.param("RUN echo it's <<EOF\n", [], id="line BuildKit cannot lex"),
]

# (escape, directives, comments)
DIRECTIVES = [
    pytest.param(
        "# syntax=docker/dockerfile:1\n# Escape = ` \n#check=skip=all\n\n# pipfix: ignore\nRUN a `\n  # inner\n b\n  # after\n",
        (
            "`",
            {"syntax": "docker/dockerfile:1", "escape": "`", "check": "skip=all"},
            [
                (1, "syntax=docker/dockerfile:1"),
                (2, "Escape = `"),
                (3, "check=skip=all"),
                (5, "pipfix: ignore"),
                (9, "after"),
            ],
        ),
        id="directives and comments",
    ),
    pytest.param(
        "# hello\n# escape=`\nRUN a\n",
        ("\\", {}, [(1, "hello"), (2, "escape=`")]),
        id="a plain comment ends directives",
    ),
    pytest.param("\n# escape=`\nRUN a\n", ("\\", {}, [(2, "escape=`")]), id="an empty line ends directives"),
    pytest.param("RUN a\n# escape=`\n", ("\\", {}, [(2, "escape=`")]), id="directive after an instruction"),
    pytest.param("RUN <<EOF\n# body\nEOF\n", ("\\", {}, []), id="no comments in heredoc bodies"),
    pytest.param("\ufeff# escape=`\nRUN a`\n b\n", ("`", {"escape": "`"}, [(1, "escape=`")]), id="directive after BOM"),
]

SPANS = [
    pytest.param("  RUN a \\\n  b  \nFROM x\r\n", ["RUN a \\\n  b  ", "FROM x"], id="spans"),
    pytest.param("RUN <<EOF\nx\nEOF\r\n", ["RUN <<EOF\nx\nEOF"], id="span with heredoc"),
    pytest.param("\ufeffRUN a\n", ["RUN a"], id="span after BOM"),
    pytest.param("ONBUILD RUN a\n", ["ONBUILD RUN a"], id="ONBUILD span"),
]

REJECTED = [
    pytest.param("# escape=x\nRUN a\n", "invalid escape directive 'x' at line 1", id="invalid escape"),
    pytest.param("# escape= \nRUN a\n", "invalid escape directive ' '", id="blank escape"),
    pytest.param("# escape=`\n# escape=`\nRUN a\n", "only one escape parser directive", id="escape twice"),
    pytest.param("RUN <<EOF\nx\n", "unterminated heredoc <<EOF at line 1", id="unterminated heredoc"),
    pytest.param("RUN <<EOF", "unterminated heredoc <<EOF at line 1", id="heredoc at end of file"),
    pytest.param("FROM a\nRUN <<-EOF\n\tx\n", "unterminated heredoc <<-EOF at line 2", id="unterminated <<-"),
    pytest.param("RUN <<EOF\nEOF\t\n", "unterminated heredoc", id="delimiter with trailing blank"),
    pytest.param("", "file with no instructions", id="empty file"),
    pytest.param("# only\n\n", "file with no instructions", id="comments only"),
    pytest.param('RUN ["a", 1]\n', "strings only", id="JSON array of non-strings"),
    pytest.param('HEALTHCHECK CMD ["a", 1]\n', "strings only", id="HEALTHCHECK non-strings"),
    pytest.param('ONBUILD RUN ["a", 1]\n', "strings only", id="ONBUILD non-strings"),
    pytest.param("ENV a\n", "ENV must have two arguments", id="ENV without value"),
    pytest.param("ENV a=b c\n", "can't find =", id="ENV without ="),
    pytest.param('LABEL a=b ""\n', "can't find =", id="LABEL blank word"),
    pytest.param("RUN cat <<${a:-x y}\nA\n", "heredoc marker", id="heredoc marker BuildKit cannot lex"),
    pytest.param(LONGEST_LINE + "x\n", "longer than BuildKit's limit", id="line too long"),
    pytest.param("RUN " + "[" * 2000 + "\n", "nested too deeply", id="deeply nested JSON"),
    pytest.param('RUN ["a"] <<A\n', "unterminated heredoc <<A", id="JSON with trailing heredoc"),
]

HAND_TEXTS = {
    case.id: case.values[0]
    for table in (INSTRUCTIONS, EXEC_FORMS, FLAGS, HEREDOCS, DIRECTIVES, SPANS, REJECTED)
    for case in table
}
assert len(HAND_TEXTS) == sum(map(len, (INSTRUCTIONS, EXEC_FORMS, FLAGS, HEREDOCS, DIRECTIVES, SPANS, REJECTED)))


def scanned(text: str) -> Dockerfile:
    """scan(text), after checking what must hold for every instruction."""
    dockerfile = scan(text)
    for instruction in dockerfile.instructions:
        script, script_map = instruction.script, instruction.script_map
        assert script_map.length == len(script)
        for index, character in enumerate(script):
            assert text[script_map.before(index)] == character, (instruction, index)
        assert 0 <= instruction.start <= instruction.end <= len(text)
        assert 1 <= instruction.start_line <= instruction.end_line
        for heredoc in instruction.heredocs:
            assert 0 <= heredoc.marker_start <= heredoc.marker_end <= len(script)
            assert instruction.start < heredoc.body_start <= heredoc.body_end < instruction.end
    return dockerfile


@pytest.mark.parametrize(("text", "expected"), INSTRUCTIONS)
def test_instructions(text: str, expected: list[tuple[str, int, int, str]]) -> None:
    instructions = scanned(text).instructions
    assert [(i.keyword, i.start_line, i.end_line, i.script) for i in instructions] == expected


def test_onbuild() -> None:
    (onbuild, plain, bare) = scanned("ONBUILD RUN a\nRUN b\nONBUILD\n").instructions
    assert (onbuild.keyword, onbuild.onbuild) == ("RUN", True)
    assert (plain.keyword, plain.onbuild) == ("RUN", False)
    assert (bare.keyword, bare.onbuild, bare.script) == ("ONBUILD", False, "")


@pytest.mark.parametrize(("text", "exec_form"), EXEC_FORMS)
def test_exec_form(text: str, exec_form: bool) -> None:
    assert scanned(text).instructions[0].exec_form is exec_form


@pytest.mark.parametrize(("text", "flags", "script"), FLAGS)
def test_flags(text: str, flags: list[tuple[str, str | None, str]], script: str) -> None:
    instruction = scanned(text).instructions[0]
    assert [(f.name, f.value, text[f.start : f.end]) for f in instruction.flags] == flags
    assert instruction.script == script


@pytest.mark.parametrize(("text", "heredocs"), HEREDOCS)
def test_heredocs(text: str, heredocs: list[tuple[str, bool, bool, str, str]]) -> None:
    instruction = scanned(text).instructions[0]
    assert [
        (
            h.delimiter,
            h.strip_tabs,
            h.quoted,
            instruction.script[h.marker_start : h.marker_end],
            text[h.body_start : h.body_end],
        )
        for h in instruction.heredocs
    ] == heredocs


@pytest.mark.parametrize(("text", "expected"), DIRECTIVES)
def test_directives_and_comments(text: str, expected: tuple[str, dict[str, str], list[tuple[int, str]]]) -> None:
    dockerfile = scanned(text)
    assert (dockerfile.escape, dockerfile.directives, [(c.line, c.text) for c in dockerfile.comments]) == expected


@pytest.mark.parametrize(("text", "spans"), SPANS)
def test_spans(text: str, spans: list[str]) -> None:
    assert [text[i.start : i.end] for i in scanned(text).instructions] == spans


@pytest.mark.parametrize(("text", "message"), REJECTED)
def test_rejected(text: str, message: str) -> None:
    with pytest.raises(CannotFix, match=message.replace("$", r"\$").replace("{", r"\{").replace("[", r"\[")):
        scan(text)


_PIECES = st.sampled_from(
    [
        "RUN ",
        "run ",
        "COPY ",
        "ONBUILD ",
        "ENV ",
        "CMD ",
        "FROM x",
        "pip install x",
        "--mount=type=cache ",
        "--a ",
        "<<EOF",
        "<<-EOF",
        "<<'E'",
        " EOF",
        "EOF",
        "\tEOF",
        "E",
        "\n",
        "\r\n",
        "\r",
        "\\",
        "`",
        "\\\n",
        "`\n",
        " ",
        "\t",
        "#",
        "# escape=`\n",
        "# escape=\\\n",
        "# syntax=x\n",
        '"',
        "'",
        "$",
        "${a:-b}",
        "${",
        "[",
        "]",
        '["a"]',
        "[1]",
        "=",
        "a=b",
        "\ufeff",
        "\x00",
        "\u00a0",
        "\u2028",
        "é",
    ]
)


@settings(max_examples=500, deadline=None)
@given(st.lists(_PIECES, max_size=30).map("".join))
def test_scan_never_fails_unexpectedly(text: str) -> None:
    try:
        scanned(text)
    except CannotFix:
        pass


def _rescans_to_the_same(text: str) -> None:
    """rescan reads each instruction as scan read it (the self-check relies on it)."""
    try:
        dockerfile = scan(text)
    except CannotFix:
        return
    instructions = list(dockerfile.instructions)
    assert rescan(text, [i.start_line for i in instructions], dockerfile.escape) == instructions


@settings(max_examples=500, deadline=None)
@given(st.lists(_PIECES, max_size=30).map("".join))
def test_rescan_reads_each_instruction_as_scan_does(text: str) -> None:
    _rescans_to_the_same(text)


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared corpus is absent")
def test_rescan_reads_each_instruction_of_the_corpus_as_scan_does() -> None:
    for path in sorted(CORPUS.iterdir()):
        _rescans_to_the_same(path.read_bytes().decode("utf-8", "replace"))


def test_rescan_rejects_a_line_that_starts_no_instruction() -> None:
    with pytest.raises(CannotFix, match="no instruction starts at line 2"):
        rescan("FROM x\n# comment\nRUN a\n", [2], "\\")


def test_rescan_applies_the_line_length_limit() -> None:
    text = "FROM x\nRUN " + "a" * 70_000 + "\n"
    with pytest.raises(CannotFix, match="line 2 is longer"):
        rescan(text, [2], "\\")


def _scan_or_error(text: str) -> Dockerfile | str:
    try:
        return scan(text)
    except CannotFix as error:
        return str(error)


def _scans_as_if_first(texts: list[str]) -> None:
    """scan remembers the last text it scanned (and what BuildKit's line parsers made of each
    line): scanning the texts one after the other gives what scanning each first gives."""
    first_sights = []
    for text in texts:
        forget()
        first_sights.append(_scan_or_error(text))
    forget()
    assert [_scan_or_error(text) for text in texts] == first_sights


_LINES = st.lists(_PIECES, max_size=12).map("".join)


@settings(max_examples=500, deadline=None)
@given(st.lists(_LINES, min_size=1, max_size=6), st.lists(_LINES, min_size=2, max_size=4))
def test_what_scan_remembers_changes_no_scan(prefix: list[str], endings: list[str]) -> None:
    head = "".join(prefix)  # texts that share a head, as an editor sends them
    _scans_as_if_first([head + ending for ending in endings] + [head])


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared corpus is absent")
def test_what_scan_remembers_changes_no_scan_of_the_corpus() -> None:
    for path in sorted(CORPUS.iterdir()):
        text = path.read_bytes().decode("utf-8", "replace")
        lines = text.splitlines(keepends=True)
        middle = len(lines) // 2
        edited = "".join([*lines[:middle], "RUN pip install edited\n", *lines[middle:]])
        appended = text + "RUN echo appended \\\n"
        _scans_as_if_first([text, appended, appended + "  && echo more\n", edited, text[: len(text) // 3], text])


@pytest.mark.parametrize(
    "texts",
    [
        ["FROM a\nRUN echo \\\n", "FROM a\nRUN echo \\\n  pip install x\n"],
        ["FROM a\nRUN echo \\\n# c\n", "FROM a\nRUN echo \\\n# c\n  pip install x\n"],
        ["FROM a\nRUN <<EOF\n", "FROM a\nRUN <<EOF\nEOF\n"],
        ["# escape=`\nFROM a\nRUN a `\n", "# escape=`\nFROM a\nRUN a `\n b\n"],
        ["FROM a\nRUN b\n", "# escape=`\nFROM a\nRUN b\n"],
        ["FROM a\nRUN b", "FROM a\nRUN b \\", "FROM a\nRUN b \\\nc\n"],
        ["\ufeffFROM a\nRUN b\n", "FROM a\nRUN b\n"],
        ["FROM a\nENV a=\\ b\n", "# escape=`\nFROM a\nENV a=\\ b\n"],
    ],
    ids=[
        "continuation",
        "continuation-into-a-comment",
        "heredoc",
        "backtick",
        "directive-added",
        "last-line",
        "bom",
        "a line under another escape",
    ],
)
def test_an_instruction_open_at_the_end_is_read_again(texts: list[str]) -> None:
    _scans_as_if_first(texts)


def test_a_large_text_is_not_remembered() -> None:
    forget()
    scan("FROM a\n" + "RUN echo x\n" * 10)
    assert MEMORY.last_scan is not None
    scan("FROM a\n" + "RUN echo x\n" * (Memory.SCAN_TEXT // 10))
    assert MEMORY.last_scan is None

"""Positions: LineIndex (offset -> 1-based line and column), OffsetMap (joined script -> file),
and the line and column of PIP001/PIP002 findings through the whole engine.

Line breaks are BuildKit's: LF, and CRLF as one break; a lone CR is an ordinary character.
Columns count code points; a BOM is not counted.
"""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipfix import Settings, Strategy, fix
from pipfix.dockerfile import scan
from pipfix.source import LineIndex, OffsetMap, word_end
from tests.helpers import check_invariants

# --- LineIndex ------------------------------------------------------------------------------

LINE_COLUMN_CASES = [
    pytest.param("ab\ncd\n", [(0, (1, 1)), (1, (1, 2)), (2, (1, 3)), (3, (2, 1)), (4, (2, 2)), (6, (3, 1))], id="LF"),
    pytest.param("ab\r\ncd", [(2, (1, 3)), (3, (1, 4)), (4, (2, 1)), (5, (2, 2))], id="CRLF is one break"),
    pytest.param("ab\rcd", [(2, (1, 3)), (3, (1, 4)), (4, (1, 5))], id="a lone CR is not a line break"),
    pytest.param("a\r\r\nb", [(4, (2, 1))], id="CR CR LF is one break"),
    pytest.param("\n\nx", [(0, (1, 1)), (1, (2, 1)), (2, (3, 1))], id="empty lines"),
    pytest.param("\ufeffab\ncd", [(1, (1, 1)), (2, (1, 2)), (4, (2, 1)), (5, (2, 2))], id="BOM not counted on line 1"),
    pytest.param("\ufeff\ufeffa", [(2, (1, 2))], id="only the first BOM is a BOM"),
    pytest.param("ab\ufeffc", [(3, (1, 4))], id="U+FEFF later on is a character"),
    pytest.param("é🐍x\ny", [(2, (1, 3)), (4, (2, 1))], id="code points, not bytes or UTF-16 units"),
]


@pytest.mark.parametrize(("text", "expected"), LINE_COLUMN_CASES)
def test_line_column(text, expected):
    index = LineIndex(text)
    assert [(offset, index.line_column(offset)) for offset, _ in expected] == expected


# --- OffsetMap ------------------------------------------------------------------------------

# script "abcdef": "abc" is at file offsets 10..12, "def" at 20..22 (a continuation in between)
SPLIT = OffsetMap(script_starts=(0, 3), file_starts=(10, 20), length=6)


@pytest.mark.parametrize(
    ("script_index", "before", "after"),
    [
        pytest.param(0, 10, 10, id="start of the script"),
        pytest.param(2, 12, 12, id="inside the first run"),
        pytest.param(3, 20, 13, id="at the boundary: before goes to the next run, after stays on the first"),
        pytest.param(4, 21, 21, id="inside the second run"),
        pytest.param(6, 23, 23, id="end of the script"),
    ],
)
def test_offset_map_around_a_run_boundary(script_index, before, after):
    assert (SPLIT.before(script_index), SPLIT.after(script_index)) == (before, after)


def test_offset_map_identity():
    identity = OffsetMap.identity(7, 5)
    assert [identity.before(i) for i in range(6)] == [7, 8, 9, 10, 11, 12]
    assert [identity.after(i) for i in range(6)] == [7, 8, 9, 10, 11, 12]


@given(
    runs=st.lists(st.tuples(st.integers(1, 4), st.integers(0, 3)), min_size=1, max_size=4),
    data=st.data(),
)
def test_offset_map_span_is_before_start_and_after_end(runs, data):
    # runs of (length, gap before it in the file): a script joined from pieces of the file
    script_starts, file_starts, script_index, offset = [], [], 0, 0
    for length, gap in runs:
        offset += gap
        script_starts.append(script_index)
        file_starts.append(offset)
        script_index += length
        offset += length
    positions = OffsetMap(tuple(script_starts), tuple(file_starts), script_index)
    start = data.draw(st.integers(0, script_index + 1))
    end = data.draw(st.integers(start, script_index + 1))
    assert positions.span(start, end) == (positions.before(start), positions.after(end))


def test_offset_map_of_a_scanned_continuation():
    text = "FROM a\nRUN pip install \\\n  x\n"
    run = scan(text).instructions[1]
    assert run.script == "pip install   x"
    boundary = len("pip install ")  # the first joined character that comes from line 3
    line_3 = text.index("  x")
    backslash = text.index("\\")
    assert run.script_map.before(boundary) == line_3  # an insertion before the next word's blanks
    assert run.script_map.after(boundary) == backslash  # an insertion right after "install ", on line 2
    assert text[run.script_map.before(len("pip install   "))] == "x"


# --- finding positions through the engine ----------------------------------------------------

F = "FROM python:3.12\n"

POSITION_CASES = [
    pytest.param(F + "RUN pip install x\n", [("PIP001", 2, 5)], id="plain"),
    pytest.param("\ufeff" + F + "RUN uv sync\n", [("PIP002", 2, 5)], id="after a BOM"),
    pytest.param(F + "\tRUN pip install x\n", [("PIP001", 2, 6)], id="a tab before the keyword"),
    pytest.param(F + "RUN\tpip install x\n", [("PIP001", 2, 5)], id="a tab after the keyword"),
    pytest.param(F + "RUN true && \\\n\tpip install x\n", [("PIP001", 3, 2)], id="a tab on the continuation line"),
    pytest.param(
        F + "RUN apt-get update \\\n    && python3 -m pip install x\n",
        [("PIP001", 3, 8)],
        id="python on a continuation line",
    ),
    pytest.param(F + "RUN \\\n  uv pip install x\n", [("PIP002", 3, 3)], id="uv alone after the keyword line"),
    pytest.param(
        F + "RUN true \\\n  # note\n\n  && pip install x\n",
        [("PIP001", 5, 6)],
        id="after an inner comment and an empty line",
    ),
    pytest.param(F + "RUN bash -c 'echo hi && pip install x'\n", [("PIP001", 2, 25)], id="inside bash -c"),
    pytest.param(
        F + 'RUN ["/bin/sh", "-c", "echo && pip install x"]\n', [("PIP001", 2, 32)], id="inside exec form sh -c"
    ),
    pytest.param(F + 'RUN ["uv", "sync"]\n', [("PIP002", 2, 6)], id="exec form: the quote that opens the word"),
    pytest.param(
        F + 'RUN ["sh", "-c", "echo \\u00e9 \\"a\\" && pip install x"]\n',
        [("PIP001", 2, 40)],
        id="inside exec form sh -c, after JSON escapes",
    ),
    pytest.param(
        F + "RUN <<EOF\nset -e\n  python3 -m pip install x\nEOF\n", [("PIP001", 4, 3)], id="inside a heredoc body"
    ),
    pytest.param(
        F + "RUN <<-EOF\n\tpip install x\n\tEOF\n", [("PIP001", 3, 2)], id="tab-stripped heredoc: the tab counts"
    ),
    pytest.param("FROM a\r\nRUN echo \\\r\n && uv pip install x\r\n", [("PIP002", 3, 5)], id="CRLF continuation"),
    pytest.param("FROM a\r\nRUN <<EOF\r\npip install x\r\nEOF\r\n", [("PIP001", 3, 1)], id="CRLF heredoc"),
    pytest.param(F + "RUN echo a\rb && pip install x\n", [("PIP001", 2, 17)], id="a lone CR does not start a line"),
    pytest.param(F + "RUN echo 'é🐍' && pip install x\n", [("PIP001", 2, 18)], id="columns in code points"),
    pytest.param(
        F + "RUN sudo -H /opt/venv/bin/python -m pip install x\n",
        [("PIP001", 2, 13)],
        id="the python word, not the wrapper",
    ),
    pytest.param(F + "RUN env A=1 uv sync\n", [("PIP002", 2, 13)], id="uv behind env"),
    pytest.param(
        F + "RUN $PIP install x\n",
        [("PIP001", 2, 5)],
        id="pip as $PIP, alone in the file",
    ),
    pytest.param(F + "ONBUILD RUN pip install x\n", [("PIP001", 2, 13)], id="ONBUILD"),
    pytest.param(F + "RUN pip install a; uv sync\n", [("PIP001", 2, 5), ("PIP002", 2, 20)], id="two calls on one line"),
    pytest.param("# escape=`\n" + F + "RUN echo hi `\n  && pip install x\n", [("PIP001", 4, 6)], id="backtick escape"),
]


@pytest.mark.parametrize(("text", "expected"), POSITION_CASES)
@pytest.mark.parametrize("strategy", list(Strategy))
def test_finding_positions(text, expected, strategy):
    settings = Settings(strategy=strategy)
    check_invariants(text, settings)
    assert [(f.code, f.line, f.column) for f in fix(text, settings).findings] == expected


@pytest.mark.parametrize(
    ("text", "offset", "word"),
    [
        pytest.param("RUN pip install x", 4, "pip", id="ends at a blank"),
        pytest.param('RUN ["pip", "install"]', 6, "pip", id="ends at a JSON quote"),
        pytest.param("RUN (pip install x)", 5, "pip", id="ends at a parenthesis"),
        pytest.param("RUN C:\\Python312\\python.exe -m pip", 4, "C:\\Python312\\python.exe", id="a Windows path"),
        pytest.param("RUN ;", 4, ";", id="at least one character"),
    ],
)
def test_word_end(text, offset, word):
    assert text[offset : word_end(text, offset)] == word
